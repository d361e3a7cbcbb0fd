import type { PrismaExecutor } from "@mixcast/db";
import { modelConfigCodec } from "@mixcast/runs/stored";
import { badRequest } from "../errors.ts";
import { z } from "zod";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-03-02.");

export const campaignFieldsSchema = z.object({
  name: z.string().trim().min(2, "Name the campaign (at least 2 characters).").max(80),
  description: z.string().trim().max(500).optional(),
  startsOn: isoDate.optional(),
  endsOn: isoDate.optional(),
  budget: z.number().min(0).optional(),
  modelId: z.string().min(1).optional(),
  /** Model channels (config column names) the campaign plans; empty or absent = all of them. */
  channels: z.array(z.string().min(1)).max(100).optional(),
});

export function checkFlight(f: {
  startsOn?: string | undefined;
  endsOn?: string | undefined;
}): string | null {
  if (f.startsOn && f.endsOn && f.endsOn < f.startsOn) return "The flight ends before it starts.";
  return null;
}

export const toDate = (d: string | undefined | null) => (d ? new Date(`${d}T00:00:00Z`) : null);

/** Checks a campaign's channel list against its model's latest config; returns the list to store
 *  (deduplicated, in the model's channel order). */
export async function campaignChannels(
  tx: PrismaExecutor,
  modelId: string | null,
  channels: string[] | undefined,
): Promise<string[]> {
  if (!channels || channels.length === 0) return [];
  if (!modelId) throw badRequest("Pick the campaign's model before choosing its channels.");
  const latest = await tx.modelConfigVersion.findFirst({
    where: { modelId },
    orderBy: { version: "desc" },
    select: { config: true },
  });
  const modelChannels = (modelConfigCodec.tryDecode(latest?.config)?.channels ?? []).map((c) => c.column);
  const unknown = channels.filter((c) => !modelChannels.includes(c));
  if (unknown.length > 0)
    throw badRequest(
      `The model has no channel${unknown.length > 1 ? "s" : ""} ${unknown.map((c) => `"${c}"`).join(", ")}. Its channels: ${modelChannels.join(", ")}.`,
    );
  return modelChannels.filter((c) => channels.includes(c));
}
