/**
 * Synergy pair (docs/model.md 2.6): term_t = gamma sat_i,t sat_j,t added to mu; gamma may be
 * negative (cannibalization). Not a per-channel stage: the model applies it after saturation.
 */
import { normalPrior, type Prior } from "../priors/priors.ts";

export const synergyParam = {
  name: "gamma",
  constraint: "real" as const,
  description: "synergy (positive) or cannibalization (negative) of a channel pair",
  defaultPrior: (): Prior => normalPrior(0, 0.2),
};

export function synergyForward(
  gamma: number,
  satI: Float64Array,
  satJ: Float64Array,
  n: number,
  out: Float64Array,
): void {
  for (let t = 0; t < n; t++) out[t] = gamma * satI[t]! * satJ[t]!;
}

/**
 * Adds d/d sat_i and d/d sat_j into gSatI / gSatJ; returns d/d gamma.
 */
export function synergyBackward(
  gamma: number,
  satI: Float64Array,
  satJ: Float64Array,
  n: number,
  gTerm: Float64Array,
  gSatI: Float64Array,
  gSatJ: Float64Array,
): number {
  let gg = 0;
  for (let t = 0; t < n; t++) {
    const g = gTerm[t]!;
    const si = satI[t]!;
    const sj = satJ[t]!;
    gg += g * si * sj;
    gSatI[t] = gSatI[t]! + g * gamma * sj;
    gSatJ[t] = gSatJ[t]! + g * gamma * si;
  }
  return gg;
}
