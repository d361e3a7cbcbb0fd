/**
 * Pre-fit data checks (docs/model.md, "Data checks before fitting"): is this data fit to model?
 * Pure statistics over the training rows of a parsed v1 or v2 dataset; each finding names its
 * columns, the number that triggered it, the threshold and what to do. Browser-safe.
 */
import type { Dataset, DatasetV2 } from "../data/types.ts";

export type FindingSeverity = "blocking" | "warning" | "info";

export const dataCheckCodes = [
  "near-duplicate",
  "high-vif",
  "low-variation",
  "mostly-zero",
  "cost-per-unit-jump",
  "spend-without-exposure",
  "too-few-weeks",
  "kpi-outlier",
  "control-constant",
  "control-collinear-with-time",
] as const;
export type DataCheckCode = (typeof dataCheckCodes)[number];

export interface DataFinding {
  severity: FindingSeverity;
  code: DataCheckCode;
  /** CSV columns concerned. */
  columns: string[];
  /** The number that triggered the finding (|corr|, VIF, CV, share, ratio, robust z, ...). */
  value: number;
  /** The threshold it crossed. */
  threshold: number;
  /** What was found and what to do about it. */
  message: string;
}

export interface DataCheckThresholds {
  /** |Pearson correlation| between two media/control series: warning above, blocking above the second. */
  duplicateCorrelation: number;
  duplicateCorrelationBlocking: number;
  /** Variance inflation factor of a channel given the other channels and the controls. */
  vif: number;
  vifInfo: number;
  /** Coefficient of variation (sd / mean) of a channel's weekly media below this: warning. */
  minCv: number;
  /** Share of weeks with zero media above this: warning (above the info level: info). */
  zeroShare: number;
  zeroShareInfo: number;
  /** Fewer weeks with any media than this: blocking. */
  minActiveWeeks: number;
  /** Cost per unit (spend / exposure) of a week versus its median, either direction. */
  costJump: number;
  /** Observations per parameter: blocking below the first, warning below the second. */
  obsPerParameterBlocking: number;
  obsPerParameter: number;
  /** Robust z of a KPI week's residual from a linear fit on media, controls, trend and season. */
  outlierZ: number;
  /** |correlation| of a control with the week index. */
  controlTimeCorrelation: number;
}

export const defaultDataCheckThresholds: DataCheckThresholds = {
  duplicateCorrelation: 0.95,
  duplicateCorrelationBlocking: 0.995,
  vif: 10,
  vifInfo: 5,
  minCv: 0.1,
  zeroShare: 0.75,
  zeroShareInfo: 0.5,
  minActiveWeeks: 4,
  costJump: 3,
  obsPerParameterBlocking: 1,
  obsPerParameter: 3,
  outlierZ: 5,
  controlTimeCorrelation: 0.95,
};

export interface DataCheckOptions {
  /** Held-out last weeks (not seen by the fit); statistics use the weeks before them. Default 0. */
  holdoutWeeks?: number;
  /** Parameters of the model; default: estimated from the data (parameterCountEstimate). */
  parameterCount?: number;
  /** Model options that change the parameter count estimate. */
  model?: { fourierPairs?: number; knots?: number; baseline?: "trend" | "knots" };
  thresholds?: Partial<DataCheckThresholds>;
}

export interface DataCheckReport {
  findings: DataFinding[];
  blocking: boolean;
  /** What the checks looked at. */
  trainingWeeks: number;
  geos: number;
  parameterCount: number;
}

/** A numeric series to check, [geo][week] over the training weeks. */
interface Series {
  name: string;
  columns: string[];
  values: Float64Array[];
}

interface Prepared {
  weeks: string[];
  geos: number;
  kpi: Series;
  /** Paid and organic channels: the series that drives the effect (exposure, reach x frequency, or spend). */
  media: (Series & {
    spend?: Float64Array[];
    exposure?: Float64Array[];
    spendColumn?: string;
    exposureColumn?: string;
  })[];
  numericControls: Series[];
  dummies: number;
  events: number;
  holidays: boolean;
  channelParameterCount: number;
}

const SOCIAL_EXTRA = 3; // kappa, delta, eta
const INFLUENCER_EXTRA = 2; // phi, psi

function slice(a: Float64Array[], T: number): Float64Array[] {
  return a.map((g) => g.subarray(0, T));
}

function prepare(data: Dataset | DatasetV2, T: number): Prepared {
  if (!("geos" in data)) {
    const d = data;
    let cp = 0;
    for (const ch of d.channels)
      cp += 4 + (ch.type === "social" ? SOCIAL_EXTRA : 0) + (ch.type === "influencer" ? INFLUENCER_EXTRA : 0);
    return {
      weeks: d.dates.slice(0, T),
      geos: 1,
      kpi: { name: d.kpiName, columns: [d.kpiName], values: [d.kpi.subarray(0, T)] },
      media: d.channels.map((ch) => ({
        name: ch.name,
        columns: [ch.name],
        values: [ch.spend.subarray(0, T)],
        spend: [ch.spend.subarray(0, T)],
        spendColumn: ch.name,
      })),
      numericControls: d.controls.map((c) => ({
        name: c.name,
        columns: [c.name],
        values: [c.values.subarray(0, T)],
      })),
      dummies: 0,
      events: d.events.length,
      holidays: false,
      channelParameterCount: cp,
    };
  }
  const d = data;
  const G = d.geos.length;
  let cp = 0;
  const media: Prepared["media"] = [];
  for (const ch of d.channels) {
    if (ch.role === "rf") {
      cp += 4; // beta, alpha, Kf, Sf
      const reach = slice(ch.reach ?? [], T);
      const freq = slice(ch.frequency ?? [], T);
      const impressions = reach.map((r, g) => Float64Array.from(r, (v, t) => v * (freq[g]?.[t] ?? 0)));
      media.push({
        name: ch.name,
        columns: [ch.columns.reach, ch.columns.frequency].filter((c): c is string => c !== undefined),
        values: impressions,
        ...(ch.spend ? { spend: slice(ch.spend, T), spendColumn: ch.columns.spend } : {}),
        exposure: impressions,
        exposureColumn: `${ch.columns.reach} x ${ch.columns.frequency}`,
      });
    } else {
      cp += 4 + (ch.type === "social" ? SOCIAL_EXTRA : 0) + (ch.type === "influencer" ? INFLUENCER_EXTRA : 0);
      const driver = ch.exposure ?? ch.spend ?? [];
      media.push({
        name: ch.name,
        columns: [ch.exposure ? ch.columns.exposure : ch.columns.spend].filter(
          (c): c is string => c !== undefined,
        ),
        values: slice(driver, T),
        ...(ch.spend ? { spend: slice(ch.spend, T), spendColumn: ch.columns.spend } : {}),
        ...(ch.exposure && ch.spend
          ? { exposure: slice(ch.exposure, T), exposureColumn: ch.columns.exposure }
          : {}),
      });
    }
    if (G > 1) cp += 1 + G; // eta_geo_c and u_{g,c}
  }
  let dummies = 0;
  const numericControls: Series[] = [];
  for (const c of d.controls) {
    if (c.kind === "numeric")
      numericControls.push({ name: c.name, columns: [c.name], values: slice(c.values, T) });
    else dummies += c.dummies.length;
  }
  return {
    weeks: d.dates.slice(0, T),
    geos: G,
    kpi: { name: d.kpiName, columns: [d.kpiName], values: slice(d.kpi, T) },
    media,
    numericControls,
    dummies,
    events: d.events.length,
    holidays: d.holidays !== undefined,
    channelParameterCount: cp,
  };
}

/**
 * Parameters of the model this data would get with default options (docs/model.md section 3 and
 * model-v2.md section 3): level and trend (or K knots + the random-walk scale), 2 per Fourier pair,
 * one per control, dummy, event and the holiday count, sigma, per channel beta + adstock + Hill
 * (+3 social, +2 influencer; R&F: beta, alpha, Kf, Sf) and, with G > 1 geos, per channel eta_geo
 * and G deviations, plus s_tau and G geo levels.
 */
function estimateParameters(p: Prepared, T: number, model: DataCheckOptions["model"] = {}): number {
  const fourier = 2 * (model.fourierPairs ?? 2);
  const baseline = model.baseline ?? (p.geos > 1 ? "knots" : "trend");
  const level = baseline === "knots" ? (model.knots ?? Math.ceil(T / 13)) + 1 : 2;
  const geo = p.geos > 1 ? 1 + p.geos : 0;
  return (
    level +
    fourier +
    p.numericControls.length +
    p.dummies +
    p.events +
    (p.holidays ? 1 : 0) +
    1 +
    p.channelParameterCount +
    geo
  );
}

// ---- statistics ------------------------------------------------------------------------------

function flatten(values: Float64Array[]): Float64Array {
  const n = values.reduce((s, v) => s + v.length, 0);
  const out = new Float64Array(n);
  let o = 0;
  for (const v of values) {
    out.set(v, o);
    o += v.length;
  }
  return out;
}

/** Sum over geos per week. */
function national(values: Float64Array[], T: number): Float64Array {
  const out = new Float64Array(T);
  for (const g of values) for (let t = 0; t < T; t++) out[t]! += g[t] ?? 0;
  return out;
}

function meanSd(x: ArrayLike<number>): { mean: number; sd: number } {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i]! - m) ** 2;
  return { mean: m, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/** Pearson correlation; 0 when either series is constant. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * Residuals of the least-squares regression of y on the columns xs with an intercept (normal
 * equations on standardized columns with a tiny ridge, so exactly collinear designs still solve;
 * Gaussian elimination with partial pivoting). In y's units.
 */
export function olsResiduals(y: ArrayLike<number>, xs: ArrayLike<number>[]): Float64Array {
  const n = y.length;
  const cols = xs.map((x) => {
    const { mean, sd } = meanSd(x);
    return Float64Array.from({ length: n }, (_, i) => (sd > 0 ? (x[i]! - mean) / sd : 0));
  });
  const { mean: my } = meanSd(y);
  const yc = Float64Array.from({ length: n }, (_, i) => y[i]! - my);
  const k = cols.length;
  if (k === 0) return yc;
  const A = Array.from({ length: k }, (_, i) =>
    Float64Array.from({ length: k + 1 }, (_, j) => {
      let s = 0;
      const ci = cols[i]!;
      if (j === k) {
        for (let r = 0; r < n; r++) s += ci[r]! * yc[r]!;
        return s;
      }
      const cj = cols[j]!;
      for (let r = 0; r < n; r++) s += ci[r]! * cj[r]!;
      return s + (i === j ? 1e-9 * n : 0);
    }),
  );
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    const pc = A[c]![c]!;
    if (Math.abs(pc) < 1e-300) continue;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / pc;
      if (f === 0) continue;
      for (let j = c; j <= k; j++) A[r]![j]! -= f * A[c]![j]!;
    }
  }
  const beta = A.map((row, i) => (Math.abs(row[i]!) < 1e-300 ? 0 : row[k]! / row[i]!));
  return Float64Array.from({ length: n }, (_, r) => {
    let fit = 0;
    for (let j = 0; j < k; j++) fit += beta[j]! * cols[j]![r]!;
    return yc[r]! - fit;
  });
}

/** R^2 of the least-squares regression of y on xs with an intercept. */
export function rSquared(y: ArrayLike<number>, xs: ArrayLike<number>[]): number {
  const { sd } = meanSd(y);
  if (!(sd > 0)) return 0;
  const res = olsResiduals(y, xs);
  let ss = 0;
  for (const e of res) ss += e * e;
  return Math.min(1, Math.max(0, 1 - ss / ((y.length - 1) * sd * sd)));
}

function median(x: ArrayLike<number>): number {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Robust z: (x - median) / (1.4826 x median absolute deviation), a normal sd without outliers. */
export function robustZ(x: ArrayLike<number>): Float64Array {
  const md = median(x);
  const mad = 1.4826 * median(Float64Array.from(x, (d) => Math.abs(d - md)));
  return Float64Array.from(x, (d) => (mad > 0 ? (d - md) / mad : 0));
}

const r2 = (x: number) => Number(x.toPrecision(3));
const pct = (x: number) => `${Math.round(100 * x)}%`;

// ---- the checks ------------------------------------------------------------------------------

export function checkData(data: Dataset | DatasetV2, opts: DataCheckOptions = {}): DataCheckReport {
  const th = { ...defaultDataCheckThresholds, ...opts.thresholds };
  const allWeeks = data.dates.length;
  const T = Math.max(1, allWeeks - Math.max(0, Math.min(opts.holdoutWeeks ?? 0, allWeeks - 1)));
  const p = prepare(data, T);
  const findings: DataFinding[] = [];
  const add = (f: DataFinding) => findings.push(f);

  // too few weeks for the number of parameters
  const P = opts.parameterCount ?? estimateParameters(p, T, opts.model);
  const obs = T * p.geos;
  const ratio = obs / P;
  if (ratio < th.obsPerParameter) {
    const blocking = ratio < th.obsPerParameterBlocking;
    add({
      severity: blocking ? "blocking" : "warning",
      code: "too-few-weeks",
      columns: [],
      value: r2(ratio),
      threshold: blocking ? th.obsPerParameterBlocking : th.obsPerParameter,
      message:
        `${obs} training observations (${T} weeks${p.geos > 1 ? ` x ${p.geos} geos` : ""}) for about ${P} parameters: ${r2(ratio)} per parameter (${blocking ? "fewer observations than parameters" : `below ${th.obsPerParameter}`}). ` +
        `The priors, not the data, will decide most of the answer. Add weeks (2 years of weekly data is typical), merge small channels, or drop controls.`,
    });
  }

  // media series: stacked (geo, week) cells for correlations, national weekly totals for variation
  const flatMedia = p.media.map((m) => flatten(m.values));
  const flatControls = p.numericControls.map((c) => flatten(c.values));
  const pairSeries = [
    ...p.media.map((m, i) => ({
      name: m.name,
      columns: m.columns,
      x: flatMedia[i]!,
      kind: "channel" as const,
    })),
    ...p.numericControls.map((c, i) => ({
      name: c.name,
      columns: c.columns,
      x: flatControls[i]!,
      kind: "control" as const,
    })),
  ];
  for (let i = 0; i < pairSeries.length; i++)
    for (let j = i + 1; j < pairSeries.length; j++) {
      const a = pairSeries[i]!;
      const b = pairSeries[j]!;
      if (a.kind === "control" && b.kind === "control") continue;
      const r = Math.abs(correlation(a.x, b.x));
      if (r > th.duplicateCorrelation) {
        const blocking = r > th.duplicateCorrelationBlocking;
        add({
          severity: blocking ? "blocking" : "warning",
          code: "near-duplicate",
          columns: [...a.columns, ...b.columns],
          value: r2(r),
          threshold: blocking ? th.duplicateCorrelationBlocking : th.duplicateCorrelation,
          message:
            `${a.name} and ${b.name} move together (|correlation| ${r2(r)} > ${blocking ? th.duplicateCorrelationBlocking : th.duplicateCorrelation}): the model cannot split the effect between them. ` +
            `If one is the other's spend and impressions, map them as one channel (spend + exposure); otherwise merge them or set an ROI prior for one.`,
        });
      }
    }

  // variance inflation of each channel given the other channels and the numeric controls
  if (p.media.length >= 2)
    p.media.forEach((m, i) => {
      const others = [...flatMedia.filter((_, j) => j !== i), ...flatControls];
      const R2 = rSquared(flatMedia[i]!, others);
      const vif = R2 >= 1 - 1e-9 ? 1e9 : 1 / (1 - R2);
      if (vif > th.vifInfo) {
        const warn = vif > th.vif;
        add({
          severity: warn ? "warning" : "info",
          code: "high-vif",
          columns: m.columns,
          value: r2(vif),
          threshold: warn ? th.vif : th.vifInfo,
          message:
            `${m.name}'s variance inflation factor is ${r2(vif)} (> ${warn ? th.vif : th.vifInfo}): ${pct(R2)} of its variation is explained by the other channels and controls, so its ROI interval will be wide. ` +
            `Vary its spend independently (a test), merge it with the channel it follows, or give it an informative ROI prior.`,
        });
      }
    });

  // too little variation: coefficient of variation and share of zero weeks (national weekly totals)
  for (const m of p.media) {
    const w = national(m.values, T);
    const active = w.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
    const zeroShare = 1 - active / T;
    const { mean, sd } = meanSd(w);
    const cv = mean > 0 ? sd / mean : 0;
    if (active < th.minActiveWeeks) {
      add({
        severity: "blocking",
        code: "mostly-zero",
        columns: m.columns,
        value: active,
        threshold: th.minActiveWeeks,
        message: `${m.name} has media in only ${active} of ${T} training weeks (fewer than ${th.minActiveWeeks}): its effect cannot be estimated. Drop the channel or add the weeks it ran.`,
      });
      continue;
    }
    if (zeroShare > th.zeroShareInfo) {
      const warn = zeroShare > th.zeroShare;
      add({
        severity: warn ? "warning" : "info",
        code: "mostly-zero",
        columns: m.columns,
        value: r2(zeroShare),
        threshold: warn ? th.zeroShare : th.zeroShareInfo,
        message: `${m.name} is zero in ${pct(zeroShare)} of the training weeks (${T - active} of ${T}): its effect rests on ${active} weeks and its saturation curve mostly on the prior. Check that the zeros are real (not missing data).`,
      });
    }
    if (cv < th.minCv) {
      add({
        severity: "warning",
        code: "low-variation",
        columns: m.columns,
        value: r2(cv),
        threshold: th.minCv,
        message: `${m.name} barely varies (coefficient of variation ${r2(cv)} < ${th.minCv}): a nearly constant channel looks like the baseline, so its effect is unidentified. Run a spend change (mixcast design suggests one) or set an ROI prior.`,
      });
    }
  }

  // spend versus exposure: cost per unit jumps, spend without exposure and the reverse
  for (const m of p.media) {
    if (!m.spend || !m.exposure) continue;
    const s = national(m.spend, T);
    const e = national(m.exposure, T);
    const cpu: number[] = [];
    const cpuWeek: number[] = [];
    let mismatched = 0;
    let firstMismatch = -1;
    for (let t = 0; t < T; t++) {
      if (s[t]! > 0 && e[t]! > 0) {
        cpu.push(s[t]! / e[t]!);
        cpuWeek.push(t);
      } else if (s[t]! > 0 !== e[t]! > 0) {
        mismatched += 1;
        if (firstMismatch < 0) firstMismatch = t;
      }
    }
    const cols = [m.spendColumn, m.exposureColumn].filter((c): c is string => c !== undefined);
    if (mismatched > 0)
      add({
        severity: "warning",
        code: "spend-without-exposure",
        columns: cols,
        value: mismatched,
        threshold: 0,
        message: `${m.name}: ${mismatched} week(s) have spend without exposure or exposure without spend (first ${p.weeks[firstMismatch]}). Fill the missing column for those weeks, or check whether a tracking gap zeroed it.`,
      });
    if (cpu.length < 2) continue;
    const med = median(cpu);
    let worst = 1;
    let worstT = 0;
    cpu.forEach((c, k) => {
      const r = Math.max(c / med, med / c);
      if (r > worst) {
        worst = r;
        worstT = cpuWeek[k]!;
      }
    });
    if (worst > th.costJump)
      add({
        severity: "warning",
        code: "cost-per-unit-jump",
        columns: cols,
        value: r2(worst),
        threshold: th.costJump,
        message: `${m.name}: the cost per exposure unit in week ${p.weeks[worstT]} is ${r2(worst)}x its median (limit ${th.costJump}x). Spend and exposure disagree: check units (thousands vs units), a changed buying model, or a column mapped to the wrong channel.`,
      });
  }

  // KPI outliers, per geo
  // residuals of a linear regression on the media, controls, trend and two Fourier pairs, so that
  // weeks explained by a media burst or the season are not outliers
  const fourier = [1, 2].flatMap((k) => [
    Float64Array.from({ length: T }, (_, t) => Math.sin((2 * Math.PI * k * (t + 1)) / 52.18)),
    Float64Array.from({ length: T }, (_, t) => Math.cos((2 * Math.PI * k * (t + 1)) / 52.18)),
  ]);
  const trend = Float64Array.from({ length: T }, (_, t) => t);
  p.kpi.values.forEach((y, g) => {
    const xs = [
      ...p.media.map((m) => m.values[g]!),
      ...p.numericControls.map((c) => c.values[g]!),
      trend,
      ...(T >= 2 * 52 ? fourier : fourier.slice(0, 2)),
    ].filter((x) => x.length === T);
    const z = robustZ(xs.length < T / 3 ? olsResiduals(y, xs) : olsResiduals(y, [trend]));
    let worst = 0;
    let worstT = 0;
    let count = 0;
    z.forEach((v, t) => {
      if (Math.abs(v) > th.outlierZ) count += 1;
      if (Math.abs(v) > Math.abs(worst)) {
        worst = v;
        worstT = t;
      }
    });
    if (count > 0) {
      const geo = "geos" in data && p.geos > 1 ? ` in ${data.geos[g]}` : "";
      add({
        severity: "warning",
        code: "kpi-outlier",
        columns: p.kpi.columns,
        value: r2(Math.abs(worst)),
        threshold: th.outlierZ,
        message: `${p.kpi.name}${geo} has ${count} outlying week(s); the largest, ${p.weeks[worstT]}, is ${r2(Math.abs(worst))} robust sd ${worst > 0 ? "above" : "below"} what the media, controls, trend and season explain (limit ${th.outlierZ}). Check it for a data error; if it is real (a promotion, an outage), add an event column for it.`,
      });
    }
  });

  // controls: constant, or collinear with time
  p.numericControls.forEach((c, i) => {
    const x = flatControls[i]!;
    const { sd } = meanSd(x);
    if (!(sd > 0)) {
      add({
        severity: "blocking",
        code: "control-constant",
        columns: c.columns,
        value: 0,
        threshold: 0,
        message: `Control ${c.name} is constant over the training weeks (sd 0): it cannot be standardized and carries no information. Remove it from the controls.`,
      });
      return;
    }
    const time = Float64Array.from({ length: x.length }, (_, k) => k % T);
    const r = Math.abs(correlation(x, time));
    if (r > th.controlTimeCorrelation)
      add({
        severity: "warning",
        code: "control-collinear-with-time",
        columns: c.columns,
        value: r2(r),
        threshold: th.controlTimeCorrelation,
        message: `Control ${c.name} moves with time (|correlation with the week| ${r2(r)} > ${th.controlTimeCorrelation}): the model cannot tell it from the trend. Drop it, or use its deviation from trend.`,
      });
  });

  const order: Record<FindingSeverity, number> = { blocking: 0, warning: 1, info: 2 };
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  return {
    findings,
    blocking: findings.some((f) => f.severity === "blocking"),
    trainingWeeks: T,
    geos: p.geos,
    parameterCount: P,
  };
}
