/**
 * Small deterministic datasets for the model's own tests and benchmark (not a data simulator:
 * the KPI is not drawn from the model). Spend has zero weeks, including a leading zero run.
 */
import type { ChannelType, Dataset } from "../data/types.ts";

export function syntheticDataset(
  opts: { weeks?: number; types?: readonly ChannelType[]; seed?: number; events?: number } = {},
): Dataset {
  const weeks = opts.weeks ?? 156;
  const types =
    opts.types ?? (["traditional", "digital", "social", "social", "influencer", "other"] as const);
  let s = (opts.seed ?? 7) >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const channels = types.map((type, c) => ({
    name: `ch${c + 1}`,
    type,
    spend: Float64Array.from({ length: weeks }, (_, t) =>
      t < c || (rand() < 0.15 && t % 7 !== 3) ? 0 : 1000 * (1 + c) * (0.5 + rand()),
    ),
  }));
  const dates = Array.from({ length: weeks }, (_, t) =>
    new Date(Date.UTC(2023, 0, 2 + 7 * t)).toISOString().slice(0, 10),
  );
  return {
    dates,
    kpiName: "revenue",
    kpi: Float64Array.from({ length: weeks }, (_, t) => 1e5 * (1 + 0.2 * Math.sin(t / 8) + 0.1 * rand())),
    channels,
    controls: [
      { name: "price", values: Float64Array.from({ length: weeks }, () => 20 + rand()) },
      { name: "temp", values: Float64Array.from({ length: weeks }, (_, t) => 10 * Math.cos(t / 9) + rand()) },
    ],
    events: Array.from({ length: opts.events ?? 1 }, (_, j) => ({
      name: `event${j + 1}`,
      values: Float64Array.from({ length: weeks }, (_, t) => ((t + 3 * j) % 17 === 0 ? 1 : 0)),
    })),
  };
}
