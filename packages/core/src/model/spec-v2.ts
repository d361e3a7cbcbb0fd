/**
 * ModelSpecV2: the v2 model's structure (shared/docs/model-v2.md section 3, docs/model.md section
 * 10) built from ModelDataV2 and a v1 or v2 config: parameter layout and priors, each channel's
 * pipeline from the transform registry with its per-geo training constants, the knot grid.
 * Structured-cloneable (worker threads receive it as is).
 */
import { knotWeights as denseKnotWeights, defaultKnotCount } from "../data/scale-v2.ts";
import { FOURIER_PERIOD } from "../data/scale.ts";
import {
  type Constraint,
  gammaPrior,
  halfNormalPrior,
  normalPrior,
  type Prior,
  priorSupport,
} from "../priors/priors.ts";
import { getTransform } from "../transforms/registry.ts";
import { synergyParam } from "../transforms/synergy.ts";
import type { Stage } from "../transforms/types.ts";
import { resolvePipeline } from "./config.ts";
import {
  baselineOf,
  channelNameOf,
  channelRoleOf,
  type ModelConfigV2,
  type ModelConfigV2Input,
  parseModelConfigV2,
} from "./config-v2.ts";
import type { ChannelRoleV2, ModelDataV2 } from "./data-v2.ts";
import type { ParameterSpec } from "./spec.ts";

export interface StageSpecV2 {
  stage: Stage;
  kind: string;
  /** Positions in the parameter vector, in the transform's `params` order. */
  params: number[];
  /** Training constants per geo (e.g. the geo's network min / max), fixed for counterfactuals. */
  constants: Record<string, number>[];
}

export interface ChannelSpecV2 {
  name: string;
  type: ModelDataV2["channels"][number]["type"];
  role: ChannelRoleV2;
  /** Index into data.channels. */
  data: number;
  beta: number;
  /** Pipeline in order; for R&F channels only the adstock (its output is the response). */
  stages: StageSpecV2[];
  /** R&F: positions of Kf and Sf (frequency Hill), else -1. */
  kf: number;
  sf: number;
  /** Effectiveness multiplier exp(f_t) applies (paid and R&F channels when timeVaryingMedia). */
  timeVarying: boolean;
  /** Geo hierarchy (G > 1): position of u[1, c] (geos follow) and of eta_geo[c]; else -1. */
  u: number;
  etaGeo: number;
}

export interface ModelSpecV2 {
  version: 2;
  config: ModelConfigV2;
  data: ModelDataV2;
  G: number;
  /** All weeks N and training weeks T. */
  weeks: number;
  trainingWeeks: number;
  adstockLags: number;
  fourierPairs: number;
  fourierPeriod: number;
  link: "identity" | "log";
  baseline: "trend" | "knots";
  /** Knot count K (knots baseline and/or time-varying media; 0 when neither). */
  knotCount: number;
  /** Sparse rows of the interpolation matrix B (N rows): weight wLo on knot lo, 1 - wLo on lo + 1. */
  knotLo: Int32Array;
  knotWLo: Float64Array;
  /** Controls (numeric, dummies, then "Holidays") per [geo][week]; zeta positions follow `zeta`. */
  controls: { name: string; z: Float64Array[] }[];
  events: { name: string; values: Float64Array[] }[];
  channels: ChannelSpecV2[];
  synergies: { a: number; b: number; gamma: number }[];
  likelihood: { kind: "normal" } | { kind: "studentT"; nu: number };
  /** The config's lift tests, resolved to training weeks and geos (docs/model.md section 11.3). */
  liftTests: LiftTestSpecV2[];
  parameters: ParameterSpec[];
  /** Block positions (-1 when absent). */
  index: {
    b0: number;
    bTrend: number;
    sSeason: number;
    cSeason: number;
    zeta: number;
    event: number;
    k1: number;
    zK: number;
    sRw: number;
    zW: number;
    sM: number;
    v: number;
    sTau: number;
    /** first sigma; sigmaCount of them (1, or G with sigmaPerGeo) */
    sigma: number;
    sigmaCount: number;
  };
}

/** A lift test on a v2 model: channel c's counterfactual lift over `weeks` x `geos`. */
export interface LiftTestSpecV2 {
  name: string;
  channel: number;
  /** training-row indices of the test's weeks */
  weeks: number[];
  /** geo indices (every geo for a national test) */
  geos: number[];
  lift: number;
  se: number;
}

/** Resolves the config's lift tests against the data (errors name the test and what is wrong). */
export function resolveLiftTestsV2(
  data: ModelDataV2,
  tests: ModelConfigV2["liftTests"],
  channelNames: readonly string[],
  roles: readonly ChannelRoleV2[],
): LiftTestSpecV2[] {
  const T = data.trainingWeeks;
  return tests.map((test) => {
    const what = `lift test of "${test.channel}" (${test.start} to ${test.end})`;
    const c = channelNames.indexOf(test.channel);
    if (c < 0) throw new Error(`${what}: unknown channel`);
    if (roles[c] === "organic") throw new Error(`${what}: an organic channel has no spend to test`);
    if (test.end < test.start) throw new Error(`${what}: end is before start`);
    const weeks: number[] = [];
    data.dates.forEach((d, t) => {
      if (d >= test.start && d <= test.end) weeks.push(t);
    });
    if (weeks.length === 0) throw new Error(`${what}: no data week falls in that range`);
    if (weeks[weeks.length - 1]! >= T)
      throw new Error(
        `${what}: covers holdout weeks (training ends ${data.dates[T - 1]}); lift tests must lie in the training weeks`,
      );
    const named = test.geos ?? [];
    const geos =
      named.length === 0
        ? data.geos.map((_, g) => g)
        : named.map((g) => {
            const i = data.geos.indexOf(g);
            if (i < 0) throw new Error(`${what}: geo "${g}" is not in the data (${data.geos.join(", ")})`);
            return i;
          });
    const geoLabel = named.length === 0 ? "" : `@${named.join("+")}`;
    return {
      name: `lift[${test.channel}:${test.start}..${test.end}${geoLabel}]`,
      channel: c,
      weeks,
      geos,
      lift: test.lift,
      se: test.se,
    };
  });
}

/** Order of the per-channel blocks after beta (v1's), gamma next, other transform blocks after. */
const CANONICAL_BLOCKS = ["alpha", "K", "S", "kappa", "delta", "eta", "phi", "psi"];

export function buildModelSpecV2(
  data: ModelDataV2,
  configInput: ModelConfigV2Input | ModelConfigV2,
): ModelSpecV2 {
  const config = parseModelConfigV2(configInput);
  const G = data.geos.length;
  const N = data.weeks;
  const T = data.trainingWeeks;
  const link = config.link;
  const baseline = baselineOf(config);
  const names = config.channels.map(channelNameOf);
  const dataIndex = names.map((n) => {
    const i = data.channels.findIndex((d) => d.name === n);
    if (i < 0)
      throw new Error(
        `channel "${n}" is not in the scaled data (has ${data.channels.map((d) => d.name).join(", ")})`,
      );
    return i;
  });
  if (data.link !== link)
    throw new Error(`the data were scaled for the ${data.link} link, the config says ${link}`);
  if (link === "log" && data.logY === undefined) throw new Error("the log link needs logY in the data");

  const parameters: ParameterSpec[] = [];
  const add = (
    block: string,
    index: number,
    label: string,
    constraint: Constraint,
    prior: Prior,
    name?: string,
  ) => {
    // config.parameterPriors (by label) override the defaults, as in v1 (e.g. priors from the
    // approved run's posterior); a prior whose support does not fit the parameter is refused.
    const override = config.parameterPriors?.[label];
    if (override !== undefined && priorSupport(override) !== constraint)
      throw new Error(
        `parameterPriors["${label}"]: a ${override.dist} prior (support ${priorSupport(override)}) does not fit a ${constraint} parameter`,
      );
    parameters.push({
      name: name ?? `${block}[${index}]`,
      label,
      block,
      index,
      constraint,
      prior: override ?? prior,
    });
    return parameters.length - 1;
  };
  const single = (block: string, constraint: Constraint, prior: Prior) =>
    add(block, 1, block, constraint, prior, block);
  const pr = config.priors;
  const levelPrior = pr.b0 ?? (link === "log" ? normalPrior(0, 0.5) : normalPrior(0.5, 0.5));
  const index: ModelSpecV2["index"] = {
    b0: -1,
    bTrend: -1,
    sSeason: -1,
    cSeason: -1,
    zeta: -1,
    event: -1,
    k1: -1,
    zK: -1,
    sRw: -1,
    zW: -1,
    sM: -1,
    v: -1,
    sTau: -1,
    sigma: -1,
    sigmaCount: 0,
  };
  if (baseline === "trend") {
    index.b0 = single("b0", "real", levelPrior);
    index.bTrend = single("b_trend", "real", pr.trend ?? normalPrior(0, 0.5));
  }
  index.sSeason = parameters.length;
  for (let k = 1; k <= config.fourierPairs; k++)
    add("s_season", k, `s_season[${k}]`, "real", pr.season ?? normalPrior(0, 0.5));
  index.cSeason = parameters.length;
  for (let k = 1; k <= config.fourierPairs; k++)
    add("c_season", k, `c_season[${k}]`, "real", pr.season ?? normalPrior(0, 0.5));

  const controls: ModelSpecV2["controls"] = data.controls.map((c) => ({ name: c.name, z: c.z }));
  if (data.holidays !== undefined) {
    const h = data.holidays;
    controls.push({ name: "Holidays", z: Array.from({ length: G }, () => h) });
  }
  index.zeta = parameters.length;
  controls.forEach((c, j) =>
    add("zeta", j + 1, `zeta[${c.name}]`, "real", pr.controls ?? normalPrior(0, 0.5)),
  );
  index.event = parameters.length;
  data.events.forEach((e, j) =>
    add("event", j + 1, `event[${e.name}]`, "real", pr.events ?? normalPrior(0, 0.5)),
  );

  const roles = config.channels.map(channelRoleOf);
  const channels: ChannelSpecV2[] = config.channels.map((ch, c) => {
    const d = data.channels[dataIndex[c]!]!;
    if (d.role !== roles[c])
      throw new Error(`channel "${names[c]}": the data say ${d.role}, the config ${roles[c]}`);
    return {
      name: names[c]!,
      type: ch.type,
      role: roles[c],
      data: dataIndex[c]!,
      beta: add(
        "beta",
        c + 1,
        `beta[${names[c]}]`,
        "positive",
        ch.beta ?? ch.priors?.beta ?? halfNormalPrior(1),
      ),
      stages: [],
      kf: -1,
      sf: -1,
      timeVarying: config.timeVaryingMedia && roles[c] !== "organic",
      u: -1,
      etaGeo: -1,
    };
  });

  // Stage parameters grouped by name across channels, as v1 (R&F channels: adstock only).
  const resolved = config.channels.map((ch, c) => {
    const stages = resolvePipeline({ ...ch, column: names[c]! });
    return roles[c] === "rf" ? stages.filter((s) => s.stage === "adstock") : stages;
  });
  const blockOrder: string[] = [...CANONICAL_BLOCKS];
  for (const stages of resolved)
    for (const st of stages)
      for (const p of getTransform(st.kind).params) if (!blockOrder.includes(p.name)) blockOrder.push(p.name);
  blockOrder.splice(CANONICAL_BLOCKS.length, 0, "gamma");
  const paramIndex = new Map<string, number>();
  const synergies: ModelSpecV2["synergies"] = [];
  for (const block of blockOrder) {
    if (block === "gamma") {
      config.synergies.forEach((s, i) => {
        synergies.push({
          a: names.indexOf(s.a),
          b: names.indexOf(s.b),
          gamma: add("gamma", i + 1, `gamma[${s.a}:${s.b}]`, "real", s.prior ?? synergyParam.defaultPrior()),
        });
      });
      continue;
    }
    let k = 0;
    config.channels.forEach((ch, c) => {
      for (const st of resolved[c]!) {
        const param = getTransform(st.kind).params.find((p) => p.name === block);
        if (param === undefined) continue;
        const key = `${names[c]}\u0000${block}`;
        if (paramIndex.has(key))
          throw new Error(`channel "${names[c]}" has two stages with a parameter "${block}"`);
        const prior = st.priors[block] ?? ch.priors?.[block] ?? param.defaultPrior(ch.type);
        paramIndex.set(key, add(block, ++k, `${block}[${names[c]}]`, param.constraint, prior));
      }
    });
  }
  config.channels.forEach((ch, c) => {
    const spec = channels[c]!;
    const x = data.channels[spec.data]!.x;
    for (const st of resolved[c]!) {
      const t = getTransform(st.kind);
      spec.stages.push({
        stage: st.stage,
        kind: st.kind,
        params: t.params.map((p) => paramIndex.get(`${names[c]}\u0000${p.name}`)!),
        constants: x.map((xg) => (t.constants ? t.constants(xg, T) : {})),
      });
    }
  });

  const pv = config.priorsV2;
  let rfCount = 0;
  channels.forEach((ch, c) => {
    if (ch.role === "rf")
      ch.kf = add(
        "Kf",
        ++rfCount,
        `Kf[${ch.name}]`,
        "positive",
        config.channels[c]!.priors?.Kf ?? pv.Kf ?? gammaPrior(3, 1),
      );
  });
  rfCount = 0;
  channels.forEach((ch, c) => {
    if (ch.role === "rf")
      ch.sf = add(
        "Sf",
        ++rfCount,
        `Sf[${ch.name}]`,
        "positive",
        config.channels[c]!.priors?.Sf ?? pv.Sf ?? gammaPrior(3, 2),
      );
  });

  const needKnots = baseline === "knots" || config.timeVaryingMedia;
  const K = needKnots ? (config.knots ?? defaultKnotCount(T)) : 0;
  if (baseline === "knots") {
    index.k1 = single("k1", "real", levelPrior);
    index.zK = parameters.length;
    for (let i = 2; i <= K; i++) add("z_k", i - 1, `z_k[k${i}]`, "real", normalPrior(0, 1));
    index.sRw = single("s_rw", "positive", pv.knotScale ?? halfNormalPrior(0.1));
  }
  if (config.timeVaryingMedia) {
    index.zW = parameters.length;
    for (let i = 2; i <= K; i++) add("z_w", i - 1, `z_w[k${i}]`, "real", normalPrior(0, 1));
    index.sM = single("s_m", "positive", pv.mediaScale ?? halfNormalPrior(0.1));
  }
  if (G > 1) {
    channels.forEach((ch, c) => {
      ch.u = parameters.length;
      for (let g = 0; g < G; g++)
        add(
          "u",
          g + 1 + c * G,
          `u[${data.geos[g]},${ch.name}]`,
          "real",
          normalPrior(0, 1),
          `u[${g + 1},${c + 1}]`,
        );
    });
    channels.forEach((ch, c) => {
      ch.etaGeo = add(
        "eta_geo",
        c + 1,
        `eta_geo[${ch.name}]`,
        "positive",
        pv.geoSpread ?? halfNormalPrior(0.3),
      );
    });
    index.v = parameters.length;
    for (let g = 0; g < G; g++) add("v", g + 1, `v[${data.geos[g]}]`, "real", normalPrior(0, 1));
    index.sTau = single("s_tau", "positive", pv.geoOffsetScale ?? halfNormalPrior(0.5));
  }
  const sigmaPrior = pr.sigma ?? halfNormalPrior(0.2);
  if (config.sigmaPerGeo && G > 1) {
    index.sigma = parameters.length;
    index.sigmaCount = G;
    for (let g = 0; g < G; g++) add("sigma", g + 1, `sigma[${data.geos[g]}]`, "positive", sigmaPrior);
  } else {
    index.sigma = single("sigma", "positive", sigmaPrior);
    index.sigmaCount = 1;
  }

  const knotLo = new Int32Array(N);
  const knotWLo = new Float64Array(N);
  if (K > 1) {
    const B = denseKnotWeights(T, K, N);
    for (let t = 0; t < N; t++) {
      const row = B[t]!;
      let lo = row.findIndex((w) => w > 0);
      if (lo === K - 1) lo = K - 2; // weight 1 on the last knot: lo = K - 2 with weight 0
      knotLo[t] = lo;
      knotWLo[t] = row[lo]!;
    }
  } else knotWLo.fill(1);

  return {
    version: 2,
    config,
    data,
    G,
    weeks: N,
    trainingWeeks: T,
    adstockLags: config.adstockLags,
    fourierPairs: config.fourierPairs,
    fourierPeriod: FOURIER_PERIOD,
    link,
    baseline,
    knotCount: K,
    knotLo,
    knotWLo,
    controls,
    events: data.events,
    channels,
    synergies,
    likelihood: config.likelihood === "studentT" ? { kind: "studentT", nu: config.nu } : { kind: "normal" },
    liftTests: resolveLiftTestsV2(data, config.liftTests, names, roles),
    parameters,
    index,
  };
}
