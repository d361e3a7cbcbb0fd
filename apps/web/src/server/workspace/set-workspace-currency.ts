import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";

const knownCurrencies = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 code the runtime can format ("EUR", "USD", ...), or null to clear it. */
export const currencyCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => /^[A-Z]{3}$/.test(c) && knownCurrencies.has(c), {
    message: "Use a three-letter ISO 4217 currency code, e.g. EUR or USD.",
  });

export const setWorkspaceCurrencyInput = z.object({ currency: currencyCodeSchema.nullable() });

export async function setWorkspaceCurrency(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof setWorkspaceCurrencyInput>,
) {
  return db.$transaction(async (tx) => {
    const before = await tx.workspace.findUniqueOrThrow({
      where: { id: actor.workspaceId },
      select: { currency: true },
    });
    const workspace = await tx.workspace.update({
      where: { id: actor.workspaceId },
      data: { currency: input.currency },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "workspace.currency",
      targetType: "workspace",
      targetId: actor.workspaceId,
      details: { from: before.currency, to: input.currency },
    });
    return { currency: workspace.currency };
  });
}
