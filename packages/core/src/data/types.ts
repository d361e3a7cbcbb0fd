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
