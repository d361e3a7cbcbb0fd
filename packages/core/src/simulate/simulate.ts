/**
 * Synthetic weekly data drawn from the model itself (docs/model.md section 7): spend from planner-like
 * patterns, parameters drawn in realistic ranges, KPI from the model's own forward pass plus
 * Normal noise. The truth is returned on the model scale (the scale a fit reports) and in original
 * units (weekly contributions, ROI over the scored = training weeks).
 *
 * Scaling is circular (y = kpi / mean(kpi)), so the KPI is first generated on a provisional scale
 * y* = mu + sigma eps, written as kpi = level * y*, and the parameters that enter mu linearly
 * (and sigma) are divided by m = mean_train(y*) so that they are exactly the parameters of the
 * model fitted to kpi.
 */
import Papa from "papaparse";
import { Rng } from "../inference/rng.ts";
import type { ColumnMapping, Dataset } from "../data/types.ts";
import type { ModelConfigInput } from "../model/config.ts";
import { buildModelSpec, type ParameterSpec } from "../model/spec.ts";
import { createModel } from "../model/model.ts";
import { DEMO_CHANNELS, RECOVERY_CHANNELS, type SimChannel } from "./scenario.ts";
import { generateSpend } from "./spend.ts";

export interface SimulateOptions {
  weeks: number;
  seed: number;
  /** Channel line-up: a preset, the first n demo channels, or explicit channels (default "demo"). */
  channels?: SimChannel[] | "demo" | "recovery" | number;
  /** ISO date of the first week (default 2023-01-02, a Monday). */
  start?: string;
  /** Typical weekly KPI in original units (default 500 000). */
  kpiLevel?: number;
  kpiName?: string;
  holdoutWeeks?: number;
  /** Override generator-scale parameter values by label (e.g. { "kappa[Instagram]": 0.3 }). */
  parameters?: Record<string, number>;
}

export interface ChannelTruth {
  type: SimChannel["type"];
  /** Spend over the scored (training) weeks. */
  spend: number;
  /** mean(kpi) * sum over scored weeks of beta_c sat_c, original KPI units. */
  contribution: number;
  roi: number;
  /** Contribution per week, all weeks, original units. */
  weekly: number[];
}

export interface SimulationTruth {
  seed: number;
  weeks: number;
  trainingWeeks: number;
  kpiMean: number;
  /** Constrained parameter values by label, on the model scale. */
  parameters: Record<string, number>;
  channels: Record<string, ChannelTruth>;
}

export interface Simulation {
  csv: string;
  dataset: Dataset;
  mapping: ColumnMapping;
  config: ModelConfigInput;
  truth: SimulationTruth;
}

/** Blocks that enter mu linearly; they (and sigma) scale with the KPI. */
const LINEAR_BLOCKS = new Set([
  "b0",
  "b_trend",
  "s_season",
  "c_season",
  "zeta",
  "event",
  "beta",
  "gamma",
  "sigma",
]);

/** Target ROI (KPI units per currency unit) ranges by channel type, as reported in MMM studies. */
const ROI_RANGE: Record<SimChannel["type"], [number, number]> = {
  traditional: [0.8, 2.2],
  digital: [1, 3],
  social: [1, 3.5],
  influencer: [1.5, 4],
  other: [0.8, 2.5],
};

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.uniform();

function resolveChannels(channels: SimulateOptions["channels"]): SimChannel[] {
  if (channels === undefined || channels === "demo") return DEMO_CHANNELS;
  if (channels === "recovery") return RECOVERY_CHANNELS;
  if (typeof channels === "number") {
    if (!Number.isInteger(channels) || channels < 1 || channels > DEMO_CHANNELS.length) {
      throw new Error(`channels must be 1..${DEMO_CHANNELS.length} (got ${channels})`);
    }
    return DEMO_CHANNELS.slice(0, channels);
  }
  return channels;
}

/** Generator value of one parameter, in ranges seen in published MMMs (model scale before rescaling). */
function drawParameter(p: ParameterSpec, channel: SimChannel | undefined, rng: Rng): number {
  const type = channel?.type ?? "other";
  switch (p.block) {
    case "b0":
      return uniform(rng, 0.5, 0.65);
    case "b_trend":
      return uniform(rng, -0.04, 0.12);
    case "s_season":
    case "c_season":
      return p.index === 1 ? uniform(rng, -0.06, 0.06) : uniform(rng, -0.025, 0.025);
    case "zeta":
      return /price/i.test(p.label) ? uniform(rng, -0.05, -0.02) : uniform(rng, -0.03, 0.03);
    case "event":
      return uniform(rng, 0.04, 0.1);
    case "beta":
      return 1; // replaced below by the value that gives the channel its target ROI
    case "alpha": {
      const range = {
        traditional: [0.4, 0.7],
        digital: [0.1, 0.35],
        social: [0.1, 0.3],
        influencer: [0.25, 0.5],
        other: [0.3, 0.5],
      }[type];
      return uniform(rng, range[0]!, range[1]!);
    }
    case "K":
      return uniform(rng, 0.6, 1.4);
    case "S":
      return uniform(rng, 1.3, 2.5);
    case "kappa":
      return channel?.viral ? uniform(rng, 0.25, 0.4) : uniform(rng, 0.05, 0.15);
    case "delta":
      return uniform(rng, 0.3, 0.6);
    case "eta":
      return uniform(rng, 0.05, 0.2);
    case "phi":
    case "psi":
      return uniform(rng, 0.05, 0.25);
    case "gamma":
      return uniform(rng, -0.05, 0.05);
    case "sigma":
      return uniform(rng, 0.035, 0.055);
    default:
      return priorCenter(p);
  }
}

/** A central value of the prior for parameters of transforms the generator has no range for. */
function priorCenter(p: ParameterSpec): number {
  const prior = p.prior;
  switch (prior.dist) {
    case "normal":
      return prior.mean;
    case "beta":
      return prior.a / (prior.a + prior.b);
    case "gamma":
      return prior.shape / prior.rate;
    case "halfNormal":
      return 0.5 * prior.scale;
    case "logNormal":
      return Math.exp(prior.mu);
    default:
      return p.constraint === "unit" ? 0.5 : p.constraint === "positive" ? 1 : 0;
  }
}

function isoWeeks(start: string, weeks: number): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  if (Number.isNaN(t0)) throw new Error(`start must be an ISO date (got "${start}")`);
  return Array.from({ length: weeks }, (_, i) =>
    new Date(t0 + i * 7 * 86_400_000).toISOString().slice(0, 10),
  );
}

/** 1 in the week (7 days from the row's date) holding Black Friday or Christmas Day. */
function holidayFlags(dates: string[]): Float64Array {
  return Float64Array.from(dates, (d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    const year = new Date(t).getUTCFullYear();
    const nov1 = new Date(Date.UTC(year, 10, 1)).getUTCDay();
    const blackFriday = Date.UTC(year, 10, 1 + ((4 - nov1 + 7) % 7) + 21 + 1);
    const christmas = Date.UTC(year, 11, 25);
    const inWeek = (x: number): boolean => x >= t && x < t + 7 * 86_400_000;
    return inWeek(blackFriday) || inWeek(christmas) ? 1 : 0;
  });
}

const cents = (x: number): number => Math.round(x * 100) / 100;

export function simulate(options: SimulateOptions): Simulation {
  const { weeks, seed } = options;
  if (!Number.isInteger(weeks) || weeks < 8) throw new Error(`weeks must be an integer >= 8 (got ${weeks})`);
  const channels = resolveChannels(options.channels);
  const holdoutWeeks = options.holdoutWeeks ?? 13;
  const trainingWeeks = weeks - holdoutWeeks;
  if (trainingWeeks < 4)
    throw new Error(`weeks (${weeks}) must exceed holdoutWeeks (${holdoutWeeks}) by at least 4`);
  const kpiName = options.kpiName ?? "revenue";
  const level = options.kpiLevel ?? 500_000;
  // Separate streams: changing the parameter draws never changes the spend plan, and vice versa.
  const spendRng = new Rng(seed, 0);
  const paramRng = new Rng(seed, 1);
  const noiseRng = new Rng(seed, 2);

  const dates = isoWeeks(options.start ?? "2023-01-02", weeks);
  const spend = channels.map((ch) => generateSpend(weeks, ch.plan, spendRng));
  const price = new Float64Array(weeks);
  let promos = 0;
  for (let t = 0; t < weeks; t += 1) {
    const promo = noiseRng.uniform() < 0.12 || (t === Math.floor(trainingWeeks / 2) && promos === 0);
    if (promo && t < trainingWeeks) promos += 1;
    price[t] = promo ? 19.99 : cents(24.99 + Math.floor(t / 52) * 1.0);
  }
  const holiday = holidayFlags(dates);
  const mapping: ColumnMapping = {
    date: "date",
    kpi: kpiName,
    channels: channels.map((ch) => ({ column: ch.name, type: ch.type })),
    controls: ["price"],
    events: ["holiday"],
  };
  const config: ModelConfigInput = { ...mapping, controls: ["price"], events: ["holiday"], holdoutWeeks };
  const makeDataset = (kpi: Float64Array): Dataset => ({
    dates,
    kpiName,
    kpi,
    channels: channels.map((ch, c) => ({ name: ch.name, type: ch.type, spend: spend[c]! })),
    controls: [{ name: "price", values: price }],
    events: [{ name: "holiday", values: holiday }],
  });

  // Spend, controls and time do not depend on the KPI: a placeholder KPI gives the right design.
  const spec = buildModelSpec(makeDataset(new Float64Array(weeks).fill(1)), config);
  const model = createModel(spec);
  const values = new Float64Array(spec.parameters.length);
  spec.parameters.forEach((p, j) => {
    const channelName = /\[(.*)\]$/.exec(p.label)?.[1];
    const channel = channels.find((ch) => ch.name === channelName);
    values[j] = options.parameters?.[p.label] ?? drawParameter(p, channel, paramRng);
  });
  // beta_c from a target ROI in a realistic range for the channel type: with beta = 1 the forward
  // pass gives sum_t sat_c,t, and ROI = level * beta * sum sat / spend over the scored weeks.
  const unit = model.forward(values);
  channels.forEach((ch, c) => {
    const p = spec.channels[c]!.beta;
    if (options.parameters?.[spec.parameters[p]!.label] !== undefined) return;
    const [lo, hi] = ROI_RANGE[ch.type];
    const targetRoi = uniform(paramRng, lo, hi);
    let satSum = 0;
    let spent = 0;
    for (let t = 0; t < trainingWeeks; t += 1) {
      satSum += unit.channel[c]![t]!;
      spent += spend[c]![t]!;
    }
    values[p] = (targetRoi * spent) / (level * satSum);
  });
  const forward = model.forward(values);
  const sigma = values[spec.sigma]!;
  const kpi = new Float64Array(weeks);
  for (let t = 0; t < weeks; t += 1)
    kpi[t] = Math.max(0, cents(level * (forward.mu[t]! + sigma * noiseRng.normal())));
  let kpiMean = 0;
  for (let t = 0; t < trainingWeeks; t += 1) kpiMean += kpi[t]! / trainingWeeks;
  const m = kpiMean / level;

  const parameters: Record<string, number> = {};
  spec.parameters.forEach((p, j) => {
    parameters[p.label] = LINEAR_BLOCKS.has(p.block) ? values[j]! / m : values[j]!;
  });
  const channelTruth: Record<string, ChannelTruth> = {};
  channels.forEach((ch, c) => {
    const weekly = Array.from(forward.channel[c]!, (v) => v * level);
    let contribution = 0;
    let spent = 0;
    for (let t = 0; t < trainingWeeks; t += 1) {
      contribution += weekly[t]!;
      spent += spend[c]![t]!;
    }
    channelTruth[ch.name] = { type: ch.type, spend: spent, contribution, roi: contribution / spent, weekly };
  });

  const dataset = makeDataset(kpi);
  const csv = Papa.unparse(
    {
      fields: ["date", kpiName, ...channels.map((ch) => ch.name), "price", "holiday"],
      data: dates.map((d, t) => [
        d,
        kpi[t]!.toFixed(2),
        ...spend.map((s) => s[t]!.toFixed(2)),
        price[t]!.toFixed(2),
        String(holiday[t]),
      ]),
    },
    { newline: "\n" },
  );
  return {
    csv: csv + "\n",
    dataset,
    mapping,
    config,
    truth: { seed, weeks, trainingWeeks, kpiMean, parameters, channels: channelTruth },
  };
}
