/**
 * ModelSpec: everything the log density needs, as structured-cloneable plain data (typed arrays,
 * numbers, strings), so a worker thread can rebuild the model from it. Built from a dataset and
 * a config by buildModelSpec.
 */
import { type Dataset } from "../data/types.ts";
import { FOURIER_PERIOD, type Scaling, scaleDataset } from "../data/scale.ts";
import { synergyParam } from "../transforms/synergy.ts";
import { getTransform } from "../transforms/registry.ts";
import type { Stage } from "../transforms/types.ts";
import { type ModelConfig, type ModelConfigInput, parseModelConfig, resolvePipeline } from "./config.ts";
import { type Constraint, halfNormalPrior, normalPrior, type Prior, priorSupport } from "../priors/priors.ts";

export interface ParameterInfo {
  /** `beta[2]` (1-based position within the block) */
  name: string;
  /** `beta[Search]` */
  label: string;
  block: string;
  /** 1-based position within the block */
  index: number;
  constraint: Constraint;
}

export interface ParameterSpec extends ParameterInfo {
  prior: Prior;
}

export interface StageSpec {
  stage: Stage;
  kind: string;
  /** Positions in the parameter vector, in the transform's `params` order. */
  params: number[];
  /** Training constants of the transform (e.g. network min/max), fixed for counterfactuals. */
  constants: Record<string, number>;
}

export interface ChannelSpec {
  name: string;
  type: Dataset["channels"][number]["type"];
  /** Scaled spend, all rows. */
  x: Float64Array;
  /** Original spend, all rows. */
  spend: Float64Array;
  /** Position of beta_c in the parameter vector. */
  beta: number;
  /** Pipeline in order; the last stage is the saturation. */
  stages: StageSpec[];
}

export interface ModelSpec {
  version: 1;
  config: ModelConfig;
  dates: string[];
  /** all rows */
  weeks: number;
  /** rows used by the likelihood (the first trainingWeeks rows) */
  trainingWeeks: number;
  holdoutWeeks: number;
  adstockLags: number;
  fourierPairs: number;
  fourierPeriod: number;
  y: Float64Array;
  tau: Float64Array;
  fourierSin: Float64Array[];
  fourierCos: Float64Array[];
  controls: { name: string; z: Float64Array }[];
  events: { name: string; values: Float64Array }[];
  channels: ChannelSpec[];
  synergies: { a: number; b: number; gamma: number }[];
  likelihood: { kind: "normal" } | { kind: "studentT"; nu: number };
  scaling: Scaling;
  /** Unconstrained parameter vector layout (conformance order for the default model). */
  parameters: ParameterSpec[];
  /** Baseline coefficients b0, b_trend, s_season, c_season, zeta, event occupy 0..linearCount-1. */
  linearCount: number;
  sigma: number;
}

/** Order of the per-channel blocks after beta; other transform parameters follow gamma. */
const CANONICAL_BLOCKS = ["alpha", "K", "S", "kappa", "delta", "eta", "phi", "psi"];

export function buildModelSpec(dataset: Dataset, configInput: ModelConfigInput | ModelConfig): ModelSpec {
  const config = parseModelConfig(configInput);
  const data = scaleDataset(dataset, {
    channels: config.channels.map((c) => c.column),
    controls: config.controls,
    events: config.events,
    holdoutWeeks: config.holdoutWeeks,
    fourierPairs: config.fourierPairs,
  });

  const parameters: ParameterSpec[] = [];
  const add = (block: string, index: number, label: string, constraint: Constraint, given: Prior): number => {
    const override = config.parameterPriors?.[label];
    if (override !== undefined && priorSupport(override) !== constraint)
      throw new Error(
        `parameterPriors["${label}"]: a ${override.dist} prior (support ${priorSupport(override)}) does not fit a ${constraint} parameter`,
      );
    const prior = override ?? given;
    parameters.push({
      name: block === label ? block : `${block}[${index}]`,
      label,
      block,
      index,
      constraint,
      prior,
    });
    return parameters.length - 1;
  };
  const pr = config.priors;
  add("b0", 1, "b0", "real", pr.b0 ?? normalPrior(0.5, 0.5));
  add("b_trend", 1, "b_trend", "real", pr.trend ?? normalPrior(0, 0.5));
  for (let k = 1; k <= config.fourierPairs; k++)
    add("s_season", k, `s_season[${k}]`, "real", pr.season ?? normalPrior(0, 0.5));
  for (let k = 1; k <= config.fourierPairs; k++)
    add("c_season", k, `c_season[${k}]`, "real", pr.season ?? normalPrior(0, 0.5));
  config.controls.forEach((c, j) =>
    add("zeta", j + 1, `zeta[${c}]`, "real", pr.controls ?? normalPrior(0, 0.5)),
  );
  config.events.forEach((e, j) =>
    add("event", j + 1, `event[${e}]`, "real", pr.events ?? normalPrior(0, 0.5)),
  );
  const linearCount = parameters.length;

  const channels: ChannelSpec[] = config.channels.map((ch, c) => {
    const d = data.channels[c]!;
    return {
      name: ch.column,
      type: ch.type,
      x: d.x,
      spend: d.spend,
      beta: add(
        "beta",
        c + 1,
        `beta[${ch.column}]`,
        "positive",
        ch.beta ?? ch.priors?.beta ?? halfNormalPrior(1),
      ),
      stages: [],
    };
  });

  // Stage parameters, grouped by parameter name across channels (alpha[TV], alpha[Search], ...).
  const resolved = config.channels.map((ch) => resolvePipeline(ch));
  const blockOrder: string[] = [...CANONICAL_BLOCKS];
  for (const stages of resolved) {
    for (const st of stages)
      for (const p of getTransform(st.kind).params) if (!blockOrder.includes(p.name)) blockOrder.push(p.name);
  }
  // gamma after the canonical blocks, before transform-specific extras
  blockOrder.splice(CANONICAL_BLOCKS.length, 0, "gamma");
  const paramIndex = new Map<string, number>(); // `${channel}\u0000${name}` -> position
  const synergies: ModelSpec["synergies"] = [];
  for (const block of blockOrder) {
    if (block === "gamma") {
      config.synergies.forEach((s, i) => {
        const a = config.channels.findIndex((c) => c.column === s.a);
        const b = config.channels.findIndex((c) => c.column === s.b);
        synergies.push({
          a,
          b,
          gamma: add("gamma", i + 1, `gamma[${s.a}:${s.b}]`, "real", s.prior ?? synergyParam.defaultPrior()),
        });
      });
      continue;
    }
    let index = 0;
    config.channels.forEach((ch, c) => {
      for (const st of resolved[c]!) {
        const param = getTransform(st.kind).params.find((p) => p.name === block);
        if (param === undefined) continue;
        const key = `${ch.column}\u0000${block}`;
        if (paramIndex.has(key))
          throw new Error(`channel "${ch.column}" has two stages with a parameter "${block}"`);
        const prior = st.priors[block] ?? ch.priors?.[block] ?? param.defaultPrior(ch.type);
        paramIndex.set(key, add(block, ++index, `${block}[${ch.column}]`, param.constraint, prior));
      }
    });
  }
  config.channels.forEach((ch, c) => {
    const spec = channels[c]!;
    for (const st of resolved[c]!) {
      const t = getTransform(st.kind);
      spec.stages.push({
        stage: st.stage,
        kind: st.kind,
        params: t.params.map((p) => paramIndex.get(`${ch.column}\u0000${p.name}`)!),
        constants: t.constants ? t.constants(spec.x, data.trainingWeeks) : {},
      });
    }
  });
  const sigma = add("sigma", 1, "sigma", "positive", pr.sigma ?? halfNormalPrior(0.2));

  return {
    version: 1,
    config,
    dates: [...dataset.dates],
    weeks: data.weeks,
    trainingWeeks: data.trainingWeeks,
    holdoutWeeks: config.holdoutWeeks,
    adstockLags: config.adstockLags,
    fourierPairs: config.fourierPairs,
    fourierPeriod: FOURIER_PERIOD,
    y: data.y,
    tau: data.tau,
    fourierSin: data.fourierSin,
    fourierCos: data.fourierCos,
    controls: data.controls,
    events: data.events,
    channels,
    synergies,
    likelihood: config.likelihood === "studentT" ? { kind: "studentT", nu: config.nu } : { kind: "normal" },
    scaling: data.scaling,
    parameters,
    linearCount,
    sigma,
  };
}
