/** Shared data shapes of packages/core. Model config, transforms and parsing all meet here. */

export const channelTypes = ["traditional", "digital", "social", "influencer", "other"] as const;
export type ChannelType = (typeof channelTypes)[number];

/** Which CSV column plays which role. The model config (model/config.ts) extends this. */
export interface ColumnMapping {
  date: string;
  kpi: string;
  channels: { column: string; type: ChannelType }[];
  controls?: string[];
  /** 0/1 event or holiday dummies; entered unscaled. */
  events?: string[];
}

/** A validated weekly dataset in original units, rows sorted by date. */
export interface Dataset {
  /** ISO dates (yyyy-mm-dd), one per row, strictly increasing by 7 days. */
  dates: string[];
  kpiName: string;
  kpi: Float64Array;
  channels: { name: string; type: ChannelType; spend: Float64Array }[];
  controls: { name: string; values: Float64Array }[];
  events: { name: string; values: Float64Array }[];
}

// ---- v2 (shared/docs/model-v2.md section 1) ------------------------------------------------------

export const channelRoles = ["paid", "organic"] as const;
export type ChannelRole = (typeof channelRoles)[number];
export const kpiTypes = ["revenue", "units"] as const;
export type KpiType = (typeof kpiTypes)[number];
export const links = ["identity", "log"] as const;
export type Link = (typeof links)[number];

/**
 * One channel's columns. Paid (default): `column` is the spend; with `exposure` the exposure drives
 * the effect and spend is only for ROI; with `reach` + `frequency` it is a reach & frequency
 * channel. Organic: `exposure` only, no spend. `name` defaults to `column` (paid) or `exposure`.
 */
export interface ChannelMappingV2 {
  name?: string;
  column?: string;
  exposure?: string;
  reach?: string;
  frequency?: string;
  role?: ChannelRole;
  type: ChannelType;
}

/** Which column plays which role in a v2 file (the v2 model config extends this). */
export interface DataMappingV2 {
  date: string;
  kpi: string;
  kpiType?: KpiType;
  /** Units KPI: value per unit, a column (e.g. revenue per conversion) or a constant. */
  valueColumn?: string;
  valuePerUnit?: number;
  /** Long format: one row per (week, geo). */
  geo?: string;
  population?: string;
  channels: ChannelMappingV2[];
  /** Numeric or text (categorical) columns. */
  controls?: string[];
  events?: string[];
  /** Weekly count of public holidays (date-holidays); ISO 3166 country, optional region. */
  holidays?: { country: string; region?: string };
  /** The log link needs KPI > 0 in every row. */
  link?: Link;
  holdoutWeeks?: number;
}

/** A channel of a v2 dataset; arrays are [geo][week] in original units. */
export interface DatasetChannelV2 {
  name: string;
  type: ChannelType;
  /** "rf" = paid reach & frequency. */
  role: "paid" | "rf" | "organic";
  columns: { spend?: string; exposure?: string; reach?: string; frequency?: string };
  /** Money (paid and R&F); absent for organic channels. */
  spend?: Float64Array[];
  exposure?: Float64Array[];
  reach?: Float64Array[];
  frequency?: Float64Array[];
}

export type DatasetControlV2 =
  | { name: string; kind: "numeric"; values: Float64Array[] }
  | {
      name: string;
      kind: "categorical";
      /** Distinct levels in code-point order, with their counts over the training rows. */
      levels: string[];
      counts: Record<string, number>;
      /** The most frequent level (ties: the first in code-point order); gets no dummy. */
      reference: string;
      /** `<column>=<level>` for every other level, code-point order. */
      dummies: string[];
      /** Level index (into `levels`) per [geo][week]. */
      codes: Int32Array[];
    };

/**
 * A validated v2 dataset in original units. Weeks are sorted; geos in order of first appearance
 * (one geo, "national", without a geo column). Every per-cell array is [geo][week].
 */
export interface DatasetV2 {
  dates: string[];
  geos: string[];
  geoColumn?: string;
  populationColumn?: string;
  /** Per geo: the mean of its population column (1 without one). */
  population: Float64Array;
  kpiName: string;
  kpiType: KpiType;
  kpi: Float64Array[];
  valueColumn?: string;
  valuePerUnit?: number;
  /** Value per unit per cell (units KPI with a value column or constant). */
  value?: Float64Array[];
  channels: DatasetChannelV2[];
  controls: DatasetControlV2[];
  events: { name: string; values: Float64Array[] }[];
  /** Number of public holidays in each week (the same for every geo). */
  holidays?: { country: string; region?: string; counts: Float64Array; names: string[][] };
}
