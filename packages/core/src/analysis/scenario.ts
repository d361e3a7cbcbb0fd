/**
 * Scenarios (docs/model.md section 6): a per-channel, per-week spend plan for a campaign over a
 * horizon appended after the data, with optional effectiveness multipliers for content type and
 * audience segment. The multipliers are the user's assumptions, not estimates: they scale the
 * channel's own contribution (beta_c sat_c) in the weeks they cover, and every output lists them
 * as labelled assumptions. Everything is computed per posterior draw, so comparisons are draw by
 * draw (P(A beats B) = share of draws where A's KPI is higher).
 */
import { z } from "zod";
import type { HorizonResponse, MediaHorizon } from "./horizon-response.ts";
import { type Interval, probabilityGreater, summarize } from "./stats.ts";

export const contentTypes = ["video", "image", "carousel", "story", "live"] as const;
export type ContentType = (typeof contentTypes)[number];

export const effectivenessAssumptionSchema = z
  .object({
    /** Shown to the user verbatim, e.g. "Video creatives convert 20% better (team estimate)". */
    label: z.string().min(1),
    kind: z.enum(["contentType", "audience"]),
    /** contentType: one of video, image, carousel, story, live; audience: the segment's name. */
    value: z.string().min(1),
    /** Multiplier on the channels' own contribution in the covered weeks (1 = no change). */
    multiplier: z.number().positive(),
    /** Channels it applies to (default: all channels with spend in the plan). */
    channels: z.array(z.string().min(1)).optional(),
    /** First and last plan week it applies to, 1-based inclusive (default: all plan weeks). */
    weeks: z.tuple([z.number().int().min(1), z.number().int().min(1)]).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.kind === "contentType" && !(contentTypes as readonly string[]).includes(a.value)) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: `content type must be one of ${contentTypes.join(", ")}, got "${a.value}"`,
      });
    }
    if (a.weeks && a.weeks[1] < a.weeks[0])
      ctx.addIssue({ code: "custom", path: ["weeks"], message: "last week before first week" });
  });
export type EffectivenessAssumption = z.infer<typeof effectivenessAssumptionSchema>;

export const scenarioSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  /** Plan length in weeks; per-week arrays must have this length. */
  weeks: z.number().int().min(1).max(156),
  /** Spend per channel (currency): a flat weekly amount, or one amount per plan week. */
  spend: z.record(z.string(), z.union([z.number().min(0), z.array(z.number().min(0))])),
  /** Channels the plan does not mention: spend nothing ("zero", default) or their recent weekly average ("current"). */
  otherChannels: z.enum(["zero", "current"]).default("zero"),
  assumptions: z.array(effectivenessAssumptionSchema).default([]),
});
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

export const scenarioSetSchema = z.object({ scenarios: z.array(scenarioSchema).min(1) });

export interface ScenarioChannelResult {
  spend: number;
  /** Channel's own contribution over the horizon caused by the plan (vs no spend in the plan). */
  contribution: Interval;
  roi: Interval | null;
}

export interface ScenarioResult {
  name: string;
  weeks: number;
  /** Horizon the KPI is measured over (>= weeks; the tail after the plan counts carryover). */
  horizonWeeks: number;
  totalSpend: number;
  /** KPI over the horizon: base + all media (incl. carryover from the history). */
  kpi: Interval;
  /** KPI caused by the plan's spend (vs spending nothing in the plan). */
  incrementalKpi: Interval;
  roi: Interval | null;
  channels: Record<string, ScenarioChannelResult>;
  assumptions: (EffectivenessAssumption & { appliedTo: string[] })[];
  draws: number;
}

export interface ScenarioEvaluation {
  result: ScenarioResult;
  /** Per draw: KPI, incremental KPI (same order as the response's draws). */
  kpi: Float64Array;
  incremental: Float64Array;
}

export interface EvaluateOptions {
  /** Recent weekly spend per channel (for otherChannels: "current"). */
  currentWeekly?: ArrayLike<number>;
}

/**
 * "Last quarter x k": the last `recent` data weeks of a channel's spend, repeated over `weeks`
 * plan weeks and multiplied by k, rounded to cents (currency). Fewer data weeks than `recent`
 * repeat what there is.
 */
export function repeatRecentWeeks(spend: ArrayLike<number>, recent: number, weeks: number, k = 1): number[] {
  const n = spend.length;
  const q = Math.max(1, Math.min(recent, n));
  return Array.from(
    { length: weeks },
    (_, w) => Math.round((spend[n - q + (w % q)] as number) * k * 100) / 100,
  );
}

/** Resolves a scenario to per-channel weekly spend arrays of the response's horizon length. */
export function scenarioSpend(
  resp: HorizonResponse,
  s: Scenario,
  opts: EvaluateOptions = {},
): Float64Array[] {
  const H = resp.weeks;
  if (s.weeks > H) throw new Error(`scenario "${s.name}" has ${s.weeks} weeks, the horizon only ${H}`);
  for (const name of Object.keys(s.spend)) {
    if (!resp.channels.includes(name))
      throw new Error(
        `scenario "${s.name}": unknown channel "${name}" (channels: ${resp.channels.join(", ")})`,
      );
  }
  return resp.channels.map((name, c) => {
    const out = new Float64Array(H);
    const v = s.spend[name];
    if (v === undefined) {
      if (s.otherChannels === "current") {
        const w = Number(opts.currentWeekly?.[c]);
        if (!(w >= 0))
          throw new Error(
            `scenario "${s.name}": otherChannels "current" needs the recent weekly spend of "${name}"`,
          );
        out.fill(w, 0, s.weeks);
      }
    } else if (typeof v === "number") out.fill(v, 0, s.weeks);
    else {
      if (v.length !== s.weeks)
        throw new Error(
          `scenario "${s.name}": "${name}" has ${v.length} weekly amounts, the plan has ${s.weeks} weeks`,
        );
      out.set(v);
    }
    return out;
  });
}

/** Per-channel, per-week effectiveness multipliers (product of the assumptions that cover them). */
function multipliers(
  resp: HorizonResponse,
  s: Scenario,
  spend: Float64Array[],
): { m: Float64Array[]; applied: ScenarioResult["assumptions"] } {
  const H = resp.weeks;
  const m = resp.channels.map(() => new Float64Array(H).fill(1));
  const applied = s.assumptions.map((a) => {
    for (const name of a.channels ?? []) {
      if (!resp.channels.includes(name))
        throw new Error(`scenario "${s.name}", assumption "${a.label}": unknown channel "${name}"`);
    }
    const targets =
      a.channels ?? resp.channels.filter((_, c) => (spend[c] as Float64Array).some((v) => v > 0));
    const [from, to] = a.weeks ?? [1, s.weeks];
    for (const name of targets) {
      const row = m[resp.channels.indexOf(name)] as Float64Array;
      for (let h = from - 1; h < Math.min(to, H); h++) row[h] = (row[h] as number) * a.multiplier;
    }
    return { ...a, appliedTo: targets };
  });
  return { m, applied };
}

const drawIndexCache = new Map<number, Int32Array>();
function allDraws(D: number): Int32Array {
  let idx = drawIndexCache.get(D);
  if (!idx) {
    idx = Int32Array.from({ length: D }, (_, i) => i);
    drawIndexCache.set(D, idx);
  }
  return idx;
}

interface PlanTerms {
  /** per media channel: response r per (draw, geo, week) */
  r: Float64Array[];
  /** per line: its KPI contribution per draw (see lineContribution) */
  own: Float64Array[];
  /** per draw: KPI over the horizon and the KPI caused by all media (vs every response at 0) */
  kpi: Float64Array;
  media: Float64Array;
}

const zeroCache = new WeakMap<HorizonResponse, PlanTerms>();

/** The plan with no spend in the horizon (carry-over only), per draw; cached per response. */
function zeroPlan(resp: HorizonResponse): PlanTerms {
  const hit = zeroCache.get(resp);
  if (hit) return hit;
  const r = planTerms(
    resp,
    resp.lines.map(() => new Float64Array(resp.weeks)),
    null,
    null,
  );
  zeroCache.set(resp, r);
  return r;
}

/** Responses of every media channel to a plan (per line, currency per week). */
function responses(resp: HorizonResponse, spend: Float64Array[]): Float64Array[] {
  const { weeks: H, draws: D } = resp;
  const G = resp.geos.length;
  const idx = allDraws(D);
  const r = resp.media.map(() => new Float64Array(D * G * H));
  const covered = resp.media.map(() => new Uint8Array(G));
  const x = new Float64Array(H);
  resp.lines.forEach((line, l) => {
    const sp = spend[l] as Float64Array;
    const media = resp.media[line.channel] as MediaHorizon;
    line.geos.forEach((g, j) => {
      const k = line.inputPerCurrency[j] as number;
      for (let h = 0; h < H; h++) x[h] = (sp[h] as number) * k;
      media.respondPlan(idx, g, x, r[line.channel] as Float64Array);
      (covered[line.channel] as Uint8Array)[g] = 1;
    });
  });
  resp.media.forEach((m, c) => {
    for (let g = 0; g < G; g++) {
      if ((covered[c] as Uint8Array)[g]) continue;
      if (m.fixed) m.respondFlat(idx, g, m.fixed[g] as number, r[c] as Float64Array);
      else m.respondFlat(idx, g, 0, r[c] as Float64Array);
    }
  });
  return r;
}

/**
 * KPI per draw (measure units) for responses r, with per-line, per-week multipliers on the lines'
 * channel terms (null: none).
 */
function kpiOf(resp: HorizonResponse, r: Float64Array[], mult: Float64Array[] | null): Float64Array {
  const { weeks: H, draws: D } = resp;
  const G = resp.geos.length;
  const P = resp.pairs.length;
  const log = resp.link === "log";
  // multiplier per (media channel, geo, week)
  const mm: (Float64Array | null)[] = resp.media.map(() => null);
  if (mult) {
    resp.lines.forEach((line, l) => {
      const m = (mm[line.channel] ??= new Float64Array(G * H).fill(1));
      for (const g of line.geos) m.set((mult[l] as Float64Array).subarray(0, H), g * H);
    });
  }
  const out = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    let s = 0;
    for (let g = 0; g < G; g++) {
      const hv = resp.halfVar[d * G + g] as number;
      let sg = 0;
      for (let h = 0; h < H; h++) {
        const o = (d * G + g) * H + h;
        let eta = resp.base[o] as number;
        resp.media.forEach((m, c) => {
          let coef = m.coefficient[d * G + g] as number;
          if (m.timeVarying) coef *= resp.effectiveness[d * H + h] as number;
          const k = mm[c];
          if (k) coef *= k[g * H + h] as number;
          eta += coef * ((r[c] as Float64Array)[o] as number);
        });
        for (let p = 0; p < P; p++) {
          const pair = resp.pairs[p] as { a: number; b: number };
          eta +=
            (resp.gamma[d * P + p] as number) *
            ((r[pair.a] as Float64Array)[o] as number) *
            ((r[pair.b] as Float64Array)[o] as number);
        }
        sg += log ? Math.exp(eta + hv) : eta;
      }
      s += (resp.kpiScale[g] as number) * sg;
    }
    out[d] = s;
  }
  return out;
}

/** KPI per draw with every media response at zero (base only). */
const baseCache = new WeakMap<HorizonResponse, Float64Array>();
function baseKpi(resp: HorizonResponse): Float64Array {
  let b = baseCache.get(resp);
  if (!b) {
    b = kpiOf(
      resp,
      resp.media.map(() => new Float64Array(resp.draws * resp.geos.length * resp.weeks)),
      null,
    );
    baseCache.set(resp, b);
  }
  return b;
}

/**
 * Per line, per draw: identity link, its own channel term (with multipliers) in its geos; log
 * link, KPI minus the KPI with the line's geos at `rOff` (the zero plan's responses).
 */
function lineTerms(
  resp: HorizonResponse,
  r: Float64Array[],
  mult: Float64Array[] | null,
  kpi: Float64Array,
  rOff: Float64Array[] | null,
): Float64Array[] {
  const { weeks: H, draws: D } = resp;
  const G = resp.geos.length;
  return resp.lines.map((line, l) => {
    const out = new Float64Array(D);
    const c = line.channel;
    const m = resp.media[c] as MediaHorizon;
    if (resp.link === "log" && rOff) {
      const swapped = r.slice();
      const rc = Float64Array.from(r[c] as Float64Array);
      for (let d = 0; d < D; d++)
        for (const g of line.geos) {
          const o = (d * G + g) * H;
          rc.set((rOff[c] as Float64Array).subarray(o, o + H), o);
        }
      swapped[c] = rc;
      const k0 = kpiOf(resp, swapped, mult);
      for (let d = 0; d < D; d++) out[d] = (kpi[d] as number) - (k0[d] as number);
      return out;
    }
    const rc = r[c] as Float64Array;
    const ml = mult?.[l];
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (const g of line.geos) {
        let sg = 0;
        const b = m.coefficient[d * G + g] as number;
        for (let h = 0; h < H; h++) {
          let coef = m.timeVarying ? b * (resp.effectiveness[d * H + h] as number) : b;
          if (ml) coef *= ml[h] as number;
          sg += coef * (rc[(d * G + g) * H + h] as number);
        }
        s += (resp.kpiScale[g] as number) * sg;
      }
      out[d] = s;
    }
    return out;
  });
}

function planTerms(
  resp: HorizonResponse,
  spend: Float64Array[],
  mult: Float64Array[] | null,
  zero: PlanTerms | null,
): PlanTerms {
  const r = responses(resp, spend);
  const kpi = kpiOf(resp, r, mult);
  const base = baseKpi(resp);
  const media = Float64Array.from(kpi, (v, d) => v - (base[d] as number));
  const own = lineTerms(resp, r, mult, kpi, zero ? zero.r : null);
  return { r, own, kpi, media };
}

export function evaluateScenario(
  resp: HorizonResponse,
  input: ScenarioInput | Scenario,
  opts: EvaluateOptions = {},
): ScenarioEvaluation {
  const s = scenarioSchema.parse(input);
  const spend = scenarioSpend(resp, s, opts);
  const { m, applied } = multipliers(resp, s, spend);
  const zero = zeroPlan(resp);
  const terms = planTerms(resp, spend, m, zero);
  const D = resp.draws;
  const kpi = terms.kpi;
  const incremental = new Float64Array(D);
  for (let d = 0; d < D; d++) incremental[d] = (kpi[d] as number) - (zero.kpi[d] as number);
  let total = 0;
  const channels: Record<string, ScenarioChannelResult> = {};
  resp.channels.forEach((name, c) => {
    let sp = 0;
    for (const v of spend[c] as Float64Array) sp += v;
    total += sp;
    const contrib = Float64Array.from(
      terms.own[c] as Float64Array,
      // log link: own is already the counterfactual difference
      (v, d) => v - (resp.link === "log" ? 0 : ((zero.own[c] as Float64Array)[d] as number)),
    );
    channels[name] = {
      spend: sp,
      contribution: summarize(contrib),
      roi: sp > 0 ? summarize(contrib.map((v) => v / sp)) : null,
    };
  });
  return {
    result: {
      name: s.name,
      weeks: s.weeks,
      horizonWeeks: resp.weeks,
      totalSpend: total,
      kpi: summarize(kpi),
      incrementalKpi: summarize(incremental),
      roi: total > 0 ? summarize(incremental.map((v) => v / total)) : null,
      channels,
      assumptions: applied,
      draws: D,
    },
    kpi,
    incremental,
  };
}

export interface ScenarioPairComparison {
  a: string;
  b: string;
  /** KPI(A) - KPI(B) over the horizon, draw by draw. */
  kpiDifference: Interval;
  roiDifference: Interval | null;
  /** Share of draws where A's KPI exceeds B's (ties count one half). */
  probabilityABeatsB: number;
}

export interface ScenarioComparison {
  horizonWeeks: number;
  draws: number;
  scenarios: ScenarioResult[];
  pairs: ScenarioPairComparison[];
  /** Name of the scenario with the highest expected KPI, and P(it beats each other one). */
  best: { name: string; probabilityBeatsAll: number };
}

/** Evaluates every scenario on the same draws and compares every pair (A before B in input order). */
export function compareScenarios(
  resp: HorizonResponse,
  inputs: (ScenarioInput | Scenario)[],
  opts: EvaluateOptions = {},
): ScenarioComparison {
  if (inputs.length === 0) throw new Error("no scenarios to compare");
  const names = new Set<string>();
  for (const s of inputs) {
    if (names.has(s.name)) throw new Error(`two scenarios are named "${s.name}"`);
    names.add(s.name);
  }
  return compareEvaluations(
    inputs.map((s) => evaluateScenario(resp, s, opts)),
    resp.weeks,
  );
}

/**
 * Compares scenarios already evaluated on the same posterior draws (same draw order), each
 * possibly on its own horizon response: v2 plans that differ in geo plan mode, R&F frequency or
 * organic levels are evaluated on their own responses, and their differences are still paired
 * draw by draw.
 */
export function compareEvaluations(evals: ScenarioEvaluation[], horizonWeeks: number): ScenarioComparison {
  if (evals.length === 0) throw new Error("no scenarios to compare");
  const D = evals[0]!.kpi.length;
  for (const e of evals)
    if (e.kpi.length !== D)
      throw new Error(`scenario "${e.result.name}" was evaluated on ${e.kpi.length} draws, not ${D}`);
  const pairs: ScenarioPairComparison[] = [];
  for (let i = 0; i < evals.length; i++) {
    for (let j = i + 1; j < evals.length; j++) {
      const A = evals[i] as ScenarioEvaluation;
      const B = evals[j] as ScenarioEvaluation;
      const diff = Float64Array.from(A.kpi, (v, d) => v - (B.kpi[d] as number));
      const sa = A.result.totalSpend;
      const sb = B.result.totalSpend;
      pairs.push({
        a: A.result.name,
        b: B.result.name,
        kpiDifference: summarize(diff),
        roiDifference:
          sa > 0 && sb > 0
            ? summarize(
                Float64Array.from(A.incremental, (v, d) => v / sa - (B.incremental[d] as number) / sb),
              )
            : null,
        probabilityABeatsB: probabilityGreater(A.kpi, B.kpi),
      });
    }
  }
  let best = evals[0] as ScenarioEvaluation;
  for (const e of evals) if (e.result.kpi.mean > best.result.kpi.mean) best = e;
  let wins = 0;
  for (let d = 0; d < D; d++) {
    const v = best.kpi[d] as number;
    if (evals.every((e) => e === best || v > (e.kpi[d] as number))) wins++;
  }
  return {
    horizonWeeks,
    draws: D,
    scenarios: evals.map((e) => e.result),
    pairs,
    best: { name: best.result.name, probabilityBeatsAll: wins / D },
  };
}
