/**
 * Synthetic v2 data with known truth (issue #13 item 6; docs/model.md section 9): national or geo
 * (long) files, paid channels with exposure columns, a reach & frequency channel, an organic
 * channel, a units KPI with a value column, a log link and time-varying media effectiveness, each
 * switched on by an option. The KPI is drawn from the v2 model's own forward pipeline
 * (createModelV2(...).forward) and the truth (incremental KPI, ROI, CPIK per channel, nationally and
 * per geo, marginal ROI, optimal frequency) is that model's counterfactual definition (model-v2
 * section 4, analysis/incrementality-v2.ts incrementalityAt) evaluated at the true parameters on
 * exactly the data a fit will read (the written CSV, parsed and scaled again).
 *
 * Spend per geo follows how media is bought: TV and radio in national flights with dark weeks
 * (some regions skip a flight), search always-on, social pulsing, influencer posts sporadic, the
 * reach & frequency channel always-on with dark weeks, the newsletter weekly with skipped sends.
 *
 * Scaling is circular (y = kpi / pop / m_y), so the KPI is generated on a provisional scale y*
 * (level 1 per capita), written as kpi = pop * level * y*, and the true parameters are then moved
 * to the scale of the written data: identity link, every block that enters mu linearly (and sigma)
 * is divided by m = m_y / level; log link, only the level (b0 or k1) shifts by -log m.
 */
import Papa from "papaparse";
import { parseDatasetV2Csv } from "../data/parse-v2.ts";
import { scaleDatasetV2 } from "../data/scale-v2.ts";
import type { ChannelType, DatasetV2 } from "../data/types.ts";
import { Rng } from "../inference/rng.ts";
import type { ModelConfigV2Input } from "../model/config-v2.ts";
import type { ModelDataV2 } from "../model/data-v2.ts";
import { incrementalityAt } from "../analysis/incrementality-v2.ts";
import { createModelV2, type MmmModelV2 } from "../model/model-v2.ts";
import { buildModelSpecV2, type ModelSpecV2 } from "../model/spec-v2.ts";
import { generateSpend, type SpendPlan } from "./spend.ts";

export interface SimulateV2Options {
  weeks?: number;
  seed?: number;
  /** Number of geos (1 = a wide national file without geo column). */
  geos?: number;
  /** Paid channels without R&F: the first n of TV, Search, Instagram, Influencer, Radio (default 4). */
  channels?: number;
  /** Add a reach & frequency channel (Meta). */
  rf?: boolean;
  /** Add an organic channel (Newsletter sends). */
  organic?: boolean;
  /** Units KPI (conversions) with a value column (revenue_per_conversion), else revenue. */
  units?: boolean;
  link?: "identity" | "log";
  timeVarying?: boolean;
  /** Weekly public holidays as a control (ISO 3166 country, optional region). */
  holidays?: { country: string; region?: string };
  holdoutWeeks?: number;
  /** ISO date of the first week (default 2023-01-02, a Monday). */
  start?: string;
  /**
   * Channels by name in place of `channels`, `rf` and `organic`: paid from TV, Search, Instagram,
   * Influencer, Radio; reach & frequency from Meta, TikTok; organic from Newsletter (sends),
   * Instagram (posts). E.g. the demo's geo social brand: Search paid, Meta and TikTok R&F,
   * Instagram organic.
   */
  lineup?: { paid?: string[]; rf?: string[]; organic?: string[] };
  /**
   * Share of each geo's population the R&F campaigns target (default 1). Frequency rises as a
   * channel's impressions approach its audience; a small audience gives the 2-4 weekly exposures
   * social platforms report at modest budgets.
   */
  rfAudience?: number;
  /**
   * The trend coefficient b_trend on the provisional scale (level 1 per capita), in place of a draw
   * from [-0.04, 0.1]: log link, the log of the KPI's growth over the training weeks (0.6: x1.8);
   * identity link, the growth as a share of the level. For data whose level moves a lot.
   */
  trend?: number;
  /** Multiplies the drawn seasonality coefficients (default 1: about +-6 % of the level). */
  seasonalityScale?: number;
  /** Geo names (one per geo; default north, south, ...). */
  geoNames?: string[];
  /** Population per geo (one per geo; default drawn around 2 million). */
  populations?: number[];
}

export interface ChannelTruthV2 {
  role: "paid" | "rf" | "organic";
  type: ChannelType;
  /** Training-week spend summed over geos (0 for organic). */
  spend: number;
  /** Incremental KPI over the training weeks (original units, summed over geos). */
  incremental: number;
  /** Incremental value (units KPI with a value; revenue KPI: = incremental). */
  incrementalValue: number;
  /** Incremental / expected KPI total over the training weeks. */
  share: number;
  roi?: number;
  cpik?: number;
  /** ROI of the last 1 % of input (paid, value known). */
  marginalRoi?: number;
  /** R&F: the frequency with the highest value per spend at the current reach. */
  optimalFrequency?: number;
  /** Incremental KPI per week (all weeks, summed over geos). */
  weekly: number[];
}

export interface SimulationTruthV2 {
  seed: number;
  weeks: number;
  trainingWeeks: number;
  geos: string[];
  link: "identity" | "log";
  kpiType: "revenue" | "units";
  kpiPerCapitaMean: number;
  /** Constrained parameters by label on the scale of the written data. */
  parameters: Record<string, number>;
  channels: Record<string, ChannelTruthV2>;
  /** Per geo and channel (geo files only). */
  byGeo?: Record<string, Record<string, { incremental: number; spend: number; roi?: number; cpik?: number }>>;
  /** f_t per week (time-varying media only). */
  mediaEffectiveness?: number[];
}

export interface SimulationV2 {
  csv: string;
  config: ModelConfigV2Input;
  dataset: DatasetV2;
  data: ModelDataV2;
  spec: ModelSpecV2;
  /** True constrained parameter vector (spec order) on the written data's scale. */
  values: Float64Array;
  truth: SimulationTruthV2;
}

interface ChannelPlan {
  name: string;
  type: ChannelType;
  role: "paid" | "rf" | "organic";
  /** National weekly spend while live (paid / R&F); organic: weekly sends or posts. */
  level: number;
  pattern: "flights" | "always-on" | "pulsing" | "sporadic" | "rf" | "newsletter";
  /** Exposure column and its cost per unit (paid with exposure). */
  exposure?: { column: string; costPerUnit: number };
  /** R&F: cost per impression. */
  cpm?: number;
  /** Organic: the exposure column. */
  column?: string;
}

const PAID: ChannelPlan[] = [
  { name: "TV", type: "traditional", role: "paid", level: 60_000, pattern: "flights" },
  {
    name: "Search",
    type: "digital",
    role: "paid",
    level: 25_000,
    pattern: "always-on",
    exposure: { column: "Search_clicks", costPerUnit: 1.2 },
  },
  {
    name: "Instagram",
    type: "social",
    role: "paid",
    level: 15_000,
    pattern: "pulsing",
    exposure: { column: "Instagram_impressions", costPerUnit: 0.008 },
  },
  { name: "Influencer", type: "influencer", role: "paid", level: 30_000, pattern: "sporadic" },
  { name: "Radio", type: "traditional", role: "paid", level: 10_000, pattern: "flights" },
];
const RF_CHANNELS: ChannelPlan[] = [
  { name: "Meta", type: "social", role: "rf", level: 20_000, pattern: "rf", cpm: 0.009 },
  { name: "TikTok", type: "social", role: "rf", level: 12_000, pattern: "rf", cpm: 0.006 },
];
const ORGANIC_CHANNELS: ChannelPlan[] = [
  {
    name: "Newsletter",
    type: "other",
    role: "organic",
    level: 80_000,
    pattern: "newsletter",
    column: "Newsletter_sends",
  },
  {
    name: "Instagram",
    type: "social",
    role: "organic",
    level: 60,
    pattern: "newsletter",
    column: "Instagram_posts",
  },
];
const RF = RF_CHANNELS[0]!;
const ORGANIC = ORGANIC_CHANNELS[0]!;

/** The channel plans of `options.lineup` (names from the catalogs above, each name once). */
function lineupPlans(lineup: NonNullable<SimulateV2Options["lineup"]>): ChannelPlan[] {
  const pick = (catalog: ChannelPlan[], names: string[] | undefined, what: string) =>
    (names ?? []).map((name) => {
      const plan = catalog.find((p) => p.name === name);
      if (!plan)
        throw new Error(`no ${what} channel "${name}" (one of ${catalog.map((p) => p.name).join(", ")})`);
      return plan;
    });
  const plans = [
    ...pick(PAID, lineup.paid, "paid"),
    ...pick(RF_CHANNELS, lineup.rf, "reach & frequency"),
    ...pick(ORGANIC_CHANNELS, lineup.organic, "organic"),
  ];
  if (plans.length === 0) throw new Error("the lineup has no channel");
  const names = plans.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new Error(`channel "${twice}" is in the lineup twice`);
  return plans;
}

/** Target ROI (money per money) ranges by channel type, as MMM studies report them. */
const ROI_RANGE: Record<ChannelType, [number, number]> = {
  traditional: [0.8, 2.2],
  digital: [1, 3],
  social: [1, 3.5],
  influencer: [1.5, 4],
  other: [0.8, 2.5],
};

const GEO_NAMES = [
  "north",
  "south",
  "east",
  "west",
  "central",
  "coast",
  "metro",
  "valley",
  "lakes",
  "highlands",
  "delta",
  "plains",
];

function geoNames(G: number): string[] {
  if (G === 1) return ["national"];
  return Array.from({ length: G }, (_, g) =>
    g < GEO_NAMES.length ? GEO_NAMES[g]! : `region-${String(g + 1).padStart(2, "0")}`,
  );
}

function isoWeek(start: string, k: number): string {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 7 * k);
  return d.toISOString().slice(0, 10);
}

const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
const cents = (x: number) => Math.round(x * 100) / 100;
const lognormal = (rng: Rng, sd: number) => Math.exp(sd * rng.normal() - 0.5 * sd * sd);

/** Runs of consecutive non-zero weeks (flights) of a series. */
function flights(series: Float64Array): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let t = 0; t <= series.length; t++) {
    const on = t < series.length && series[t]! > 0;
    if (on && start < 0) start = t;
    if (!on && start >= 0) {
      out.push([start, t]);
      start = -1;
    }
  }
  return out;
}

/**
 * Spend per [geo][week] of one channel: a national plan split by each geo's share (population x a
 * per-geo taste), with the channel's pattern. Flighted media keep the national flight calendar,
 * and each region skips a flight with probability 0.2; bursts and sporadic posts are per geo.
 */
function geoSpend(plan: ChannelPlan, share: number[], N: number, rng: Rng): Float64Array[] {
  const G = share.length;
  const nationalPlan = (pattern: SpendPlan["pattern"], extra: Partial<SpendPlan> = {}): SpendPlan => ({
    pattern,
    level: plan.level,
    trend: uniform(rng, -0.2, 0.4),
    seasonality: uniform(rng, 0, 0.3),
    ...extra,
  });
  switch (plan.pattern) {
    case "flights": {
      const national = generateSpend(N, nationalPlan("flighted", { onWeeks: 4, offWeeks: 5 }), rng);
      const runs = flights(national);
      return share.map((s) => {
        const out = new Float64Array(N);
        for (const [a, b] of runs) {
          if (G > 1 && rng.uniform() < 0.2) continue; // this region sits the flight out
          for (let t = a; t < b; t++) out[t] = cents(national[t]! * s * lognormal(rng, 0.1));
        }
        return out;
      });
    }
    case "always-on":
    case "pulsing":
    case "sporadic":
    case "rf": {
      const p: SpendPlan =
        plan.pattern === "sporadic"
          ? nationalPlan("burst", { burstRate: 0.22, burstWeeks: 1, base: 0, noise: 0.4 })
          : plan.pattern === "pulsing"
            ? nationalPlan("pulsing", { burstRate: 0.06, burstWeeks: 3 })
            : nationalPlan("always-on", { noise: 0.2 });
      return share.map((s) => {
        const series = generateSpend(N, { ...p, level: p.level * s }, rng);
        if (plan.pattern === "rf" || plan.pattern === "always-on") {
          // dark weeks: a few weeks off (budget freezes, creative changes)
          for (let t = 0; t < N; t++) if (rng.uniform() < 0.05) series[t] = 0;
        }
        return series;
      });
    }
    case "newsletter": // weekly counts with skipped weeks (newsletter sends, organic posts)
      return share.map((s) =>
        Float64Array.from({ length: N }, () =>
          rng.uniform() < 0.08 ? 0 : Math.round(plan.level * s * lognormal(rng, 0.15)),
        ),
      );
  }
}

/** Generator value of one parameter on the provisional scale (level 1 per capita). */
function drawValue(
  block: string,
  label: string,
  type: ChannelType | undefined,
  link: string,
  rng: Rng,
): number {
  const log = link === "log";
  switch (block) {
    case "b0":
    case "k1":
      return log ? uniform(rng, -0.45, -0.3) : uniform(rng, 0.5, 0.62);
    case "b_trend":
      return uniform(rng, -0.04, 0.1);
    case "z_k":
    case "z_w":
    case "v":
      return Math.max(-2, Math.min(2, rng.normal()));
    case "u":
      return Math.max(-2, Math.min(2, rng.normal()));
    case "s_rw":
      return uniform(rng, 0.02, 0.05);
    case "s_m":
      return uniform(rng, 0.05, 0.12);
    case "eta_geo":
      return uniform(rng, 0.08, 0.25);
    case "s_tau":
      return uniform(rng, 0.04, 0.12);
    case "s_season":
    case "c_season":
      return label.endsWith("[1]") ? uniform(rng, -0.06, 0.06) : uniform(rng, -0.025, 0.025);
    case "zeta":
      if (/price/i.test(label)) return uniform(rng, -0.05, -0.02);
      if (/bogo/.test(label)) return uniform(rng, 0.08, 0.15);
      if (/discount/.test(label)) return uniform(rng, 0.04, 0.08);
      if (/Holidays/.test(label)) return uniform(rng, -0.04, 0.04);
      return uniform(rng, -0.03, 0.03);
    case "event":
      return uniform(rng, 0.04, 0.1);
    case "beta":
      return 0.1; // replaced by the value that gives the channel its target ROI / share
    case "alpha": {
      const r: Record<ChannelType, [number, number]> = {
        traditional: [0.4, 0.7],
        digital: [0.15, 0.4],
        social: [0.15, 0.35],
        influencer: [0.3, 0.5],
        other: [0.3, 0.5],
      };
      const [lo, hi] = r[type ?? "other"];
      return uniform(rng, lo, hi);
    }
    case "K":
      return uniform(rng, 0.6, 1.6);
    case "S":
      return uniform(rng, 1.2, 2.4);
    case "kappa":
      return uniform(rng, 0.08, 0.25);
    case "delta":
      return uniform(rng, 0.3, 0.6);
    case "eta":
    case "phi":
    case "psi":
      return uniform(rng, 0.1, 0.3);
    case "Kf":
      return uniform(rng, 1.5, 3);
    case "Sf":
      return uniform(rng, 1.5, 3);
    case "sigma":
      return uniform(rng, 0.03, 0.05);
    case "gamma":
      return 0;
    default:
      throw new Error(`simulateV2: no generator range for parameter block "${block}"`);
  }
}

/** Blocks that enter mu linearly (identity link); they and sigma scale with the KPI. */
const LINEAR = new Set([
  "b0",
  "b_trend",
  "s_season",
  "c_season",
  "zeta",
  "event",
  "beta",
  "gamma",
  "sigma",
  "k1",
  "s_rw",
  "s_tau",
]);

/** Incremental KPI of each channel per week (all N weeks, summed over geos), original units. */
function weeklyIncrements(model: MmmModelV2, values: Float64Array): number[][] {
  const { data, G, weeks: N } = model.spec;
  const C = model.spec.channels.length;
  const my = data.scaling.kpiPerCapitaMean;
  const base = model.forward(values);
  return Array.from({ length: C }, (_, c) => {
    const cf = model.forward(values, { scale: Array.from({ length: C }, (_x, k) => (k === c ? 0 : 1)) });
    const w = new Array<number>(N).fill(0);
    for (let g = 0; g < G; g++) {
      const pop = data.scaling.population[g]!;
      for (let t = 0; t < N; t++) w[t] = w[t]! + pop * my * (base.expectedY[g]![t]! - cf.expectedY[g]![t]!);
    }
    return w;
  });
}

export function simulateV2(options: SimulateV2Options = {}): SimulationV2 {
  const N = options.weeks ?? 156;
  const seed = options.seed ?? 1;
  const G = options.geos ?? 1;
  const H = options.holdoutWeeks ?? 13;
  const link = options.link ?? "identity";
  const units = options.units ?? false;
  const start = options.start ?? "2023-01-02";
  const nPaid = options.channels ?? 4;
  if (!Number.isInteger(G) || G < 1 || G > 500) throw new Error(`geos must be 1..500 (got ${G})`);
  if (!Number.isInteger(nPaid) || nPaid < 1 || nPaid > PAID.length)
    throw new Error(`channels must be 1..${PAID.length} (got ${nPaid})`);
  if (N - H < 26) throw new Error(`${N} weeks leave fewer than 26 training weeks after a ${H}-week holdout`);
  if (options.rfAudience !== undefined && !(options.rfAudience > 0 && options.rfAudience <= 1))
    throw new Error(`rfAudience must be in (0, 1] (got ${options.rfAudience})`);
  if (options.trend !== undefined && !Number.isFinite(options.trend))
    throw new Error(`trend must be a finite number (got ${options.trend})`);
  if (options.seasonalityScale !== undefined && !(options.seasonalityScale >= 0))
    throw new Error(`seasonalityScale must be >= 0 (got ${options.seasonalityScale})`);
  if (options.geoNames && options.geoNames.length !== G)
    throw new Error(`geoNames has ${options.geoNames.length} names for ${G} geos`);
  if (options.geoNames && new Set(options.geoNames).size !== G) throw new Error("geoNames repeat a name");
  if (options.populations && (options.populations.length !== G || options.populations.some((p) => !(p > 0))))
    throw new Error(`populations needs ${G} positive numbers`);
  const rng = new Rng(seed);
  let plans: ChannelPlan[];
  if (options.lineup) plans = lineupPlans(options.lineup);
  else {
    plans = [...PAID.slice(0, nPaid)];
    if (options.rf) plans.push(RF);
    if (options.organic) plans.push(ORGANIC);
  }
  const geos = options.geoNames ? [...options.geoNames] : geoNames(G);

  // ---- population and spend ------------------------------------------------------------------
  const population =
    G === 1
      ? [1]
      : options.populations
        ? [...options.populations]
        : geos.map(() => {
            const z = Math.max(-2.2, Math.min(2.2, rng.normal()));
            return Math.max(50_000, Math.round(Math.exp(Math.log(2e6) + 0.8 * z) / 1e4) * 1e4);
          });
  const totalPop = population.reduce((a, b) => a + b, 0); // 1 for national data
  const share = population.map((p) => (G === 1 ? 1 : (p / totalPop) * lognormal(rng, 0.25)));
  const shareSum = share.reduce((a, b) => a + b, 0);
  for (let g = 0; g < G; g++) share[g] = share[g]! / shareSum;
  const dates = Array.from({ length: N }, (_, t) => isoWeek(start, t));

  const columns: Record<string, Float64Array[]> = {};
  const columnOrder: string[] = [];
  const put = (name: string, v: Float64Array[]) => {
    columns[name] = v;
    columnOrder.push(name);
  };
  const configChannels: NonNullable<ModelConfigV2Input["channels"]> = [];
  for (const plan of plans) {
    const spend = geoSpend(plan, share, N, rng);
    if (plan.role === "organic") {
      const col = plan.column ?? `${plan.name}_sends`;
      put(col, spend);
      configChannels.push({ name: plan.name, exposure: col, role: "organic", type: plan.type });
    } else if (plan.role === "rf") {
      // reach grows with spend and saturates at 70 % of the geo; frequency rises when reach saturates
      const cpm = plan.cpm ?? 0.009;
      const reach: Float64Array[] = [];
      const frequency: Float64Array[] = [];
      const realSpend: Float64Array[] = [];
      for (let g = 0; g < G; g++) {
        // the people the campaign targets: frequency rises as its impressions approach them
        const pop = (G === 1 ? 20e6 : population[g]!) * (options.rfAudience ?? 1);
        const r = new Float64Array(N);
        const f = new Float64Array(N);
        const s = new Float64Array(N);
        for (let t = 0; t < N; t++) {
          const sp = spend[g]![t]!;
          if (sp <= 0) continue;
          const impressions = sp / (cpm * lognormal(rng, 0.08));
          const freq =
            Math.round((1.4 + 2.2 * (impressions / (impressions + 0.5 * pop)) * lognormal(rng, 0.1)) * 100) /
            100;
          r[t] = Math.round(Math.min(0.7 * pop, impressions / freq));
          f[t] = freq;
          s[t] = cents(r[t]! * freq * cpm);
        }
        reach.push(r);
        frequency.push(f);
        realSpend.push(s);
      }
      put(`${plan.name}_spend`, realSpend);
      put(`${plan.name}_reach`, reach);
      put(`${plan.name}_frequency`, frequency);
      configChannels.push({
        name: plan.name,
        column: `${plan.name}_spend`,
        reach: `${plan.name}_reach`,
        frequency: `${plan.name}_frequency`,
        type: plan.type,
      });
    } else {
      put(plan.name, spend);
      const ch: (typeof configChannels)[number] = { column: plan.name, type: plan.type };
      if (plan.exposure) {
        const unitCost = plan.exposure.costPerUnit;
        put(
          plan.exposure.column,
          spend.map((s) =>
            Float64Array.from(s, (v) => (v > 0 ? Math.round(v / (unitCost * lognormal(rng, 0.1))) : 0)),
          ),
        );
        ch.exposure = plan.exposure.column;
      }
      configChannels.push(ch);
    }
  }

  // ---- controls: promotions (national), price per geo, value per unit ------------------------
  const promo: string[] = dates.map(() => {
    const u = rng.uniform();
    return u < 0.06 ? "bogo" : u < 0.18 ? "discount" : "none";
  });
  const basePrice = geos.map(() => uniform(rng, 22, 28));
  const price = geos.map((_, g) =>
    Float64Array.from(dates, (_d, t) => {
      const cut = promo[t] === "discount" ? 0.85 : 1;
      return Math.round(basePrice[g]! * cut * (1 + 0.03 * Math.sin(t / 9)) * 100) / 100;
    }),
  );
  put("price", price);
  const value = units
    ? geos.map(() =>
        Float64Array.from(dates, (_d, t) =>
          cents(45 * (promo[t] === "bogo" ? 0.7 : promo[t] === "discount" ? 0.85 : 1) * lognormal(rng, 0.03)),
        ),
      )
    : null;

  const kpiName = units ? "conversions" : "revenue";
  const config: ModelConfigV2Input = {
    date: "date",
    kpi: kpiName,
    ...(units ? { kpiType: "units" as const, valueColumn: "revenue_per_conversion" } : {}),
    ...(G > 1 ? { geo: "geo", population: "population" } : {}),
    channels: configChannels,
    controls: ["price", "promo"],
    ...(options.holidays ? { holidays: options.holidays } : {}),
    link,
    ...(options.timeVarying ? { timeVaryingMedia: true } : {}),
    holdoutWeeks: H,
  };

  const writeCsv = (kpi: Float64Array[] | null): string => {
    const header = [
      "date",
      ...(G > 1 ? ["geo", "population"] : []),
      kpiName,
      ...(units ? ["revenue_per_conversion"] : []),
      ...columnOrder,
      "promo",
    ];
    const rows: (string | number)[][] = [];
    for (let t = 0; t < N; t++)
      for (let g = 0; g < G; g++)
        rows.push([
          dates[t]!,
          ...(G > 1 ? [geos[g]!, population[g]!] : []),
          kpi ? kpi[g]![t]! : population[g]!, // placeholder: 1 per capita
          ...(value ? [value[g]![t]!] : []),
          ...columnOrder.map((c) => columns[c]![g]![t]!),
          promo[t]!,
        ]);
    return Papa.unparse({ fields: header, data: rows }, { newline: "\n" }) + "\n";
  };
  const load = (csv: string) => {
    const parsed = parseDatasetV2Csv(csv, config, { holdoutWeeks: H });
    if (!parsed.ok)
      throw new Error(`simulateV2 wrote data its own parser rejects: ${parsed.errors[0]!.message}`);
    const data = scaleDatasetV2(parsed.dataset, { holdoutWeeks: H, fourierPairs: 2, link });
    const spec = buildModelSpecV2(data, config);
    return { dataset: parsed.dataset, data, spec, model: createModelV2(spec) };
  };

  // ---- parameters on the provisional scale (kpi = pop: y* level 1) ---------------------------
  const pre = load(writeCsv(null));
  const spec0 = pre.spec;
  const values = new Float64Array(spec0.parameters.length);
  const channelOf = (label: string) =>
    spec0.channels.find((c) => label.endsWith(`[${c.name}]`) || label.includes(`,${c.name}]`));
  spec0.parameters.forEach((p, i) => {
    values[i] = drawValue(p.block, p.label, channelOf(p.label)?.type, link, rng);
    // overrides after the draw, so that the other parameters' draws do not change
    if (p.block === "b_trend" && options.trend !== undefined) values[i] = options.trend;
    if ((p.block === "s_season" || p.block === "c_season") && options.seasonalityScale !== undefined)
      values[i] = values[i] * options.seasonalityScale;
  });
  // Betas: paid channels hit a target ROI, organic channels a target share of the KPI.
  // Typical weekly KPI of the whole market (500 000 revenue or 6 000 conversions), per person in
  // geo files (kpi = pop * level * y*), so media's share of the KPI does not depend on G.
  const level = (units ? 6_000 : 500_000) / totalPop;
  const targets = spec0.channels.map((c) =>
    c.role === "organic" ? uniform(rng, 0.03, 0.07) : uniform(rng, ...ROI_RANGE[c.type]),
  );
  const meanValue = value ? value.reduce((s, v) => s + v.reduce((a, b) => a + b, 0), 0) / (G * N) : 1;
  for (let iter = 0; iter < 8; iter++) {
    const inc = incrementalityAt(pre.model, values, { incrementalOnly: true });
    spec0.channels.forEach((c, k) => {
      const incremental = level * inc.incremental[k]!;
      const current =
        c.role === "organic"
          ? inc.incrementalShare[k]!
          : (incremental * meanValue) / pre.data.scaling.spendTotal[c.data]!;
      if (current > 0) values[c.beta] = values[c.beta]! * Math.min(4, Math.max(0.25, targets[k]! / current));
    });
  }

  // ---- KPI: y* from the model, written in original units ------------------------------------
  const fwd = pre.model.forward(values);
  const sigma = (g: number) => values[spec0.index.sigma + (spec0.index.sigmaCount > 1 ? g : 0)]!;
  const kpi = geos.map((_, g) =>
    Float64Array.from({ length: N }, (_x, t) => {
      const noise = sigma(g) * rng.normal();
      const ystar =
        link === "log" ? Math.exp(fwd.mu[g]![t]! + noise) : Math.max(0.05, fwd.mu[g]![t]! + noise);
      const v = population[g]! * level * ystar;
      return units ? Math.max(1, Math.round(v)) : cents(v);
    }),
  );
  const csv = writeCsv(kpi);
  const real = load(csv);
  const m = real.data.scaling.kpiPerCapitaMean / level;
  const truthValues = Float64Array.from(values);
  real.spec.parameters.forEach((p, i) => {
    if (link === "log") {
      if (p.block === "b0" || p.block === "k1") truthValues[i] = values[i]! - Math.log(m);
    } else if (LINEAR.has(p.block)) truthValues[i] = values[i]! / m;
  });

  // ---- truth -----------------------------------------------------------------------------------
  const inc = incrementalityAt(real.model, truthValues);
  const weekly = weeklyIncrements(real.model, truthValues);
  const T = real.spec.trainingWeeks;
  const channels: Record<string, ChannelTruthV2> = {};
  const byGeo: NonNullable<SimulationTruthV2["byGeo"]> = {};
  const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : undefined);
  real.spec.channels.forEach((c, k) => {
    const spendTotal = real.data.scaling.spendTotal[c.data]!;
    const t: ChannelTruthV2 = {
      role: c.role,
      type: c.type,
      spend: spendTotal,
      incremental: inc.incremental[k]!,
      incrementalValue: inc.incrementalValue[k]!,
      share: inc.incrementalShare[k]!,
      weekly: weekly[k]!,
    };
    const roi = finite(inc.roi[k]);
    const cpik = finite(inc.cpik[k]);
    const marginalRoi = finite(inc.marginalRoi[k]);
    const optimalFrequency = finite(inc.optimalFrequency[k]);
    if (roi !== undefined) t.roi = roi;
    if (cpik !== undefined) t.cpik = cpik;
    if (marginalRoi !== undefined) t.marginalRoi = marginalRoi;
    if (optimalFrequency !== undefined) t.optimalFrequency = optimalFrequency;
    channels[c.name] = t;
    if (G > 1)
      geos.forEach((geo, g) => {
        const e: { incremental: number; spend: number; roi?: number; cpik?: number } = {
          incremental: inc.incrementalByGeo[k]![g]!,
          spend: real.data.scaling.spendByGeo[c.data]![g]!,
        };
        const r = finite(inc.roiByGeo[k]![g]);
        const p = finite(inc.cpikByGeo[k]![g]);
        if (r !== undefined) e.roi = r;
        if (p !== undefined) e.cpik = p;
        (byGeo[geo] ??= {})[c.name] = e;
      });
  });
  const truth: SimulationTruthV2 = {
    seed,
    weeks: N,
    trainingWeeks: T,
    geos,
    link,
    kpiType: units ? "units" : "revenue",
    kpiPerCapitaMean: real.data.scaling.kpiPerCapitaMean,
    parameters: Object.fromEntries(real.spec.parameters.map((p, i) => [p.label, truthValues[i]!])),
    channels,
  };
  if (G > 1) truth.byGeo = byGeo;
  if (options.timeVarying)
    truth.mediaEffectiveness = Array.from(real.model.forward(truthValues).mediaEffectiveness);
  return { csv, config, dataset: real.dataset, data: real.data, spec: real.spec, values: truthValues, truth };
}
