// The cache key of a scenario evaluation (ScenarioResult.planChecksum). The plan's shape itself is
// defined once, in @mixcast/runs/stored (scenario-plan.ts).
import { createHash } from "node:crypto";
import type { ScenarioPlan } from "@mixcast/runs/stored";

/** Checksum of what an evaluation depends on (plan + evaluation settings), for the result cache. */
export function planChecksum(plan: ScenarioPlan, settings: Record<string, unknown>): string {
  const canonical = JSON.stringify({
    weeks: plan.weeks,
    spend: Object.fromEntries(Object.entries(plan.spend).sort(([a], [b]) => a.localeCompare(b))),
    assumptions: plan.assumptions,
    settings,
  });
  return createHash("sha256").update(canonical).digest("hex");
}
