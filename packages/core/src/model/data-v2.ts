/**
 * ModelDataV2: the scaled input the v2 model reads (shared/docs/model-v2.md section 2), shaped
 * after the conformance vectors' `data` section. `data/scale-v2.ts` (scaleDatasetV2) produces it
 * (its ScaledDataV2 is structurally this type; data/ cannot import model/, so the two are kept
 * equal by a compile-time check in model-v2.test.ts). Tests may build it straight from a vectors
 * file. Everything here is data: the model derives the rest (knot weights from the config, the
 * network / authenticity / consistency indices per geo from x, with the transforms' own code).
 *
 * Conventions: G geos (index g, order of first appearance; a national file is one geo), N weeks
 * (t = 0..N-1; the first T = trainingWeeks are the training and scored weeks), C channels in
 * config order. Per-cell arrays are `[geo][week]`, each a Float64Array of length N.
 */
import type { ChannelType } from "../data/types.ts";

export type ChannelRoleV2 = "paid" | "rf" | "organic";

export interface ModelChannelV2 {
  /** Result key: config `name`, else the spend column (paid) or the exposure column (organic). */
  name: string;
  /** Picks the default pipeline and priors (for R&F channels only the adstock prior). */
  type: ChannelType;
  /** paid: spend (optionally exposure) drives the effect; rf: reach x hillF(frequency); organic: exposure, no spend. */
  role: ChannelRoleV2;
  /** The column behind x: exposure if given, reach for R&F, else spend. */
  effectColumn: string;
  /** Scaled effect input per [geo][week]: (media / pop_g) / m_c, m_c = mediaPerCapitaMean[c]. */
  x: Float64Array[];
  /** R&F only: raw frequency per [geo][week] (average exposures per reached person; 0 where reach is 0). */
  frequency?: Float64Array[];
  /** Spend in original currency per [geo][week] (paid and R&F); absent for organic channels. */
  spend?: Float64Array[];
}

/** A control regressor: a standardized numeric column or a raw 0/1 dummy of a categorical level. */
export type ModelControlV2 =
  | { name: string; kind: "numeric"; column: string; z: Float64Array[] }
  | { name: string; kind: "dummy"; column: string; level: string; z: Float64Array[] };

export interface ModelScalingV2 {
  /** m_y: mean over the training cells of kpi / pop (y = (kpi / pop_g) / m_y). */
  kpiPerCapitaMean: number;
  /** pop_g, geo order (1 for every geo without a population column). */
  population: number[];
  /** m_c, channel order: mean over training cells of media / pop. */
  mediaPerCapitaMean: number[];
  /** Training spend per channel summed over geos (the ROI / CPIK denominator); 0 for organic. */
  spendTotal: number[];
  /** Training spend per [channel][geo]; zeros for organic channels. */
  spendByGeo: number[][];
  /** Mean and sample sd of each numeric control (in the order of the numeric controls). */
  controlMean: number[];
  controlSd: number[];
}

export interface ModelDataV2 {
  /** N: all weeks (training + holdout). */
  weeks: number;
  /** T: training weeks (the likelihood's and the incrementality's window). */
  trainingWeeks: number;
  /** ISO dates of the N weeks. */
  dates: string[];
  /** Geo names in order (`["national"]` for a national file). */
  geos: string[];
  kpiName: string;
  /** "units": ROI needs a value per unit (`value`); CPIK is always reported. */
  kpiType: "revenue" | "units";
  link: "identity" | "log";
  /** Scaled KPI per [geo][week]. */
  y: Float64Array[];
  /** log(y) per [geo][week], present under the log link (the likelihood's observation). */
  logY?: Float64Array[];
  channels: ModelChannelV2[];
  /** Numeric controls first, then categorical dummies, in config order. */
  controls: ModelControlV2[];
  /** How each control column was expanded (categorical: levels, reference, dummy names). */
  controlSpec: unknown[];
  /** 0/1 event dummies per [geo][week], unscaled. */
  events: { name: string; values: Float64Array[] }[];
  /** Public holidays per week (same for every geo), unscaled; enters as the control "Holidays". */
  holidays?: Float64Array;
  /** Value per unit per [geo][week] (units KPI with a value column or constant). */
  value?: Float64Array[];
  /** tau_t = (t - 1) / (T - 1) (linear-trend baseline only; > 1 in the holdout). */
  tau: Float64Array;
  /** sin / cos(2 pi k t / 52.18), k = 1..K, t = 1..N; arrays [k - 1][week]. */
  fourierSin: Float64Array[];
  fourierCos: Float64Array[];
  scaling: ModelScalingV2;
}
