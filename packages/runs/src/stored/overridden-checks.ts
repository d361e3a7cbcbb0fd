// Run.overriddenChecks: the blocking data-check findings (docs/trust.md section 1) a run was
// started despite, and on whose word: a user's explicit "fit anyway" or the model's stored
// setting for scheduled refits. Browser-safe: the run page reads it.
import { dataCheckCodes } from "@mixcast/core";
import { z } from "zod";
import { jsonCodec } from "./codec.ts";

export const overriddenFindingSchema = z.object({
  code: z.enum(dataCheckCodes),
  columns: z.array(z.string()),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  message: z.string(),
});
export type OverriddenFinding = z.infer<typeof overriddenFindingSchema>;

export const overriddenChecksSchema = z.object({
  /** "user": ticked "Fit anyway" when starting; "model-setting": the model's fitDespiteBlockingChecks. */
  by: z.enum(["user", "model-setting"]),
  userId: z.string().nullable(),
  findings: z.array(overriddenFindingSchema).min(1),
});
export type OverriddenChecks = z.infer<typeof overriddenChecksSchema>;

export const overriddenChecksCodec = jsonCodec("Run.overriddenChecks", overriddenChecksSchema);

/** "near-duplicate (tiktok_spend, tiktok_impressions)": how a finding is named in messages. */
export function findingLabel(f: { code: string; columns: readonly string[] }): string {
  return f.columns.length ? `${f.code} (${f.columns.join(", ")})` : f.code;
}
