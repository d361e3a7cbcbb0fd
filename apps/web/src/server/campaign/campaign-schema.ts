import type { PrismaExecutor } from "@mixcast/db";
import { badRequest } from "../errors.ts";
import { modelChannelsOf } from "../model/model-channels.ts";
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

/** Checks a campaign's channel list against its model's latest config (v1 or v2: paid and R&F
 *  channels; organic ones are refused); returns the list to store (deduplicated, in the model's
 *  channel order). */
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
  const all = modelChannelsOf(latest?.config);
  // organic channels are held inputs of a plan (a level, no spend): a campaign does not plan them
  const organic = all.filter((c) => c.role === "organic" && channels.includes(c.column)).map((c) => c.column);
  if (organic.length > 0)
    throw badRequest(
      `${organic.map((c) => `"${c}"`).join(", ")} ${organic.length > 1 ? "are organic channels" : "is an organic channel"}: plans hold ${organic.length > 1 ? "them" : "it"} at a weekly level and spend nothing on ${organic.length > 1 ? "them" : "it"}, so a campaign does not plan ${organic.length > 1 ? "them" : "it"}.`,
    );
  const modelChannels = all.filter((c) => c.role !== "organic").map((c) => c.column);
  const unknown = channels.filter((c) => !modelChannels.includes(c));
  if (unknown.length > 0)
    throw badRequest(
      `The model has no channel${unknown.length > 1 ? "s" : ""} ${unknown.map((c) => `"${c}"`).join(", ")}. Its channels: ${modelChannels.join(", ")}.`,
    );
  return modelChannels.filter((c) => channels.includes(c));
}
