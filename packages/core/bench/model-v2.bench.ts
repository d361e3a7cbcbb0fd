/**
 * v2 model benchmarks (`pnpm bench --only=model-v2`; figures go to docs/benchmarks.md):
 * the cost of one log density + gradient for G = 1, 10, 40 geos x 156 weeks x 5 paid channels
 * (one per type) + 1 organic + 1 reach & frequency channel, knots baseline, and its cost per
 * geo-week-channel cell (the sweep is O(G T C), so that figure should stay flat); beside it the
 * v1 gradient of the recovery scenario in the same run (issue #13: v1 must not get slower).
 */
import { loadavg } from "node:os";
import { assessConvergence } from "../src/diagnostics/assess.ts";
import { sampleChains } from "../src/inference/sample-chains.ts";
import type { NutsOptions } from "../src/inference/types.ts";
import { DEFAULT_TARGET_ACCEPT, EARLY_METRIC_WINDOW } from "../src/fit/result.ts";
import { geoParameterizationV2, summarizeV2 } from "../src/fit/fit-v2.ts";
import { createSamplerModelV2, type SamplerParameterizationV2 } from "../src/model/model-v2.ts";
import { FOURIER_PERIOD } from "../src/data/scale.ts";
import type { ChannelType } from "../src/data/types.ts";
import { Rng } from "../src/inference/rng.ts";
import type { ModelConfigV2Input } from "../src/model/config-v2.ts";
import type { ModelDataV2 } from "../src/model/data-v2.ts";
import { createModel } from "../src/model/model.ts";
import { createModelV2 } from "../src/model/model-v2.ts";
import { buildModelSpec } from "../src/model/spec.ts";
import { buildModelSpecV2, type ModelSpecV2 } from "../src/model/spec-v2.ts";
import { fitModel } from "../src/fit/fit-model.ts";
import { fitModelV2 } from "../src/fit/fit-v2.ts";
import { simulate } from "../src/simulate/simulate.ts";
import { simulateV2, type SimulateV2Options } from "../src/simulate/simulate-v2.ts";

type SimTruth = ReturnType<typeof simulateV2>["truth"];
import type { BenchContext, BenchSection } from "./core.bench.ts";
import { loadCase } from "../test/conformance-v2-cases.ts";

const WEEKS = 156;
const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/** Synthetic scaled geo data: flighted and always-on media, R&F with dark weeks, an organic series. */
export function syntheticGeoData(G: number, seed = 1): { data: ModelDataV2; config: ModelConfigV2Input } {
  const rng = new Rng(seed);
  const N = WEEKS;
  const grid = (fn: (g: number, t: number) => number) =>
    Array.from({ length: G }, (_, g) => Float64Array.from({ length: N }, (_, t) => fn(g, t)));
  const types: ChannelType[] = ["traditional", "digital", "social", "influencer", "other"];
  const media = (k: number) =>
    grid((g, t) => (k === 0 && (t + g) % 12 < 5 ? 0 : Math.max(0, 1 + 0.5 * rng.normal())));
  const channels: ModelDataV2["channels"] = types.map((type, k) => ({
    name: `${type}_${k}`,
    type,
    role: "paid" as const,
    effectColumn: `${type}_${k}`,
    x: media(k),
    spend: media(k),
  }));
  channels.push({ name: "organic", type: "other", role: "organic", effectColumn: "organic", x: media(5) });
  channels.push({
    name: "rf",
    type: "social",
    role: "rf",
    effectColumn: "rf_reach",
    x: grid((g, t) => (t % 10 === 0 ? 0 : Math.max(0.05, 1 + 0.4 * rng.normal()))),
    frequency: grid((g, t) => (t % 10 === 0 ? 0 : 1 + 3 * rng.uniform())),
    spend: grid(() => 1),
  });
  const y = grid(() => Math.max(0.05, 1 + 0.2 * rng.normal()));
  const data: ModelDataV2 = {
    weeks: N,
    trainingWeeks: N,
    dates: Array.from({ length: N }, (_, t) =>
      new Date(Date.UTC(2023, 0, 2 + 7 * t)).toISOString().slice(0, 10),
    ),
    geos: Array.from({ length: G }, (_, g) => `geo${g + 1}`),
    kpiName: "revenue",
    kpiType: "revenue",
    link: "identity",
    y,
    channels,
    controls: [{ name: "price", kind: "numeric", column: "price", z: grid(() => rng.normal()) }],
    controlSpec: [{ column: "price", kind: "numeric" }],
    events: [],
    tau: Float64Array.from({ length: N }, (_, t) => t / (N - 1)),
    fourierSin: [1, 2].map((k) =>
      Float64Array.from({ length: N }, (_, t) => Math.sin((2 * Math.PI * k * (t + 1)) / FOURIER_PERIOD)),
    ),
    fourierCos: [1, 2].map((k) =>
      Float64Array.from({ length: N }, (_, t) => Math.cos((2 * Math.PI * k * (t + 1)) / FOURIER_PERIOD)),
    ),
    scaling: {
      kpiPerCapitaMean: 1,
      population: Array.from({ length: G }, () => 1),
      mediaPerCapitaMean: channels.map(() => 1),
      spendTotal: channels.map((c) => (c.role === "organic" ? 0 : 1)),
      spendByGeo: channels.map(() => Array.from({ length: G }, () => 1)),
      controlMean: [0],
      controlSd: [1],
    },
  };
  const config: ModelConfigV2Input = {
    date: "date",
    kpi: "revenue",
    holdoutWeeks: 0,
    ...(G > 1 ? { geo: "geo" } : {}),
    baseline: "knots",
    controls: ["price"],
    channels: channels.map((c) =>
      c.role === "organic"
        ? { name: c.name, exposure: c.name, role: "organic", type: c.type }
        : c.role === "rf"
          ? { name: c.name, column: "rf_spend", reach: "rf_reach", frequency: "rf_frequency", type: c.type }
          : { column: c.name, type: c.type },
    ),
  };
  return { data, config };
}

/** Median over 5 blocks of the microseconds per call, after warm-up. */
function time(call: () => void, n: number): number {
  for (let i = 0; i < Math.max(50, n / 10); i += 1) call();
  const blocks: number[] = [];
  for (let b = 0; b < 5; b += 1) {
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1) call();
    blocks.push(((performance.now() - t0) * 1000) / n);
  }
  return blocks.sort((a, b) => a - b)[2]!;
}

/**
 * The floor of a density + gradient over `cells` geo-week-channel cells: one Math.log and one
 * Math.exp per cell (the Hill saturation's, which no rearrangement removes), nothing else.
 */
function floorUs(cells: number, n: number): number {
  const e = Float64Array.from({ length: cells }, (_, i) => 0.1 + (i % 97) / 30);
  const o = new Float64Array(cells);
  return time(() => {
    for (let t = 0; t < cells; t++) o[t] = 1 / (1 + Math.exp(-1.5 * (Math.log(e[t]!) - 0.1)));
  }, n);
}

function gradientV2Section(ctx: BenchContext): BenchSection {
  const rows: string[] = [];
  const load = loadavg()[0]!;
  // v1 in the same run, for the before/after comparison of the v1 hot path
  const sim = simulate({ weeks: WEEKS, seed: 7, channels: "recovery" });
  const v1 = createModel(buildModelSpec(sim.dataset, sim.config));
  const theta1 = v1.unconstrain(Float64Array.from(v1.spec.parameters, (p) => sim.truth.parameters[p.label]!));
  const g1 = new Float64Array(v1.dim);
  const usV1 = time(() => v1.logDensityGradient(theta1, g1), 20_000);
  ctx.log(`v1 gradient: ${f(usV1, 1)} us`);
  for (const G of [1, 10, 40]) {
    const { data, config } = syntheticGeoData(G);
    const model = createModelV2(buildModelSpecV2(data, config));
    const rng = new Rng(3);
    const theta = Float64Array.from({ length: model.dim }, () => 0.3 * rng.normal());
    const grad = new Float64Array(model.dim);
    const n = Math.max(200, Math.round(20_000 / G));
    const us = time(() => model.logDensityGradient(theta, grad), n);
    const cells = G * WEEKS * data.channels.length;
    const floor = floorUs(cells, n);
    ctx.log(`v2 gradient G=${G}: ${f(us, 1)} us (dim ${model.dim}), floor ${f(floor, 1)} us`);
    rows.push(
      `| ${G} | ${model.dim} | ${f(us, 1)} us | ${f((1000 * us) / cells, 2)} ns | ${f((1000 * floor) / cells, 2)} ns | ${f(us / floor, 2)} |`,
    );
  }
  // Issue 15's geo benchmark data as the fit samples it (pilot's choice there: TV centered) against
  // its national counterpart (same simulation, G = 1) and the national v1 fit's gradient.
  const simRows: string[] = [];
  const simUs: number[] = [];
  for (const G of [1, 40]) {
    const sim = simulateV2({ geos: G, weeks: WEEKS, channels: 5, organic: true, seed: 15 });
    const spec = buildModelSpecV2(sim.data, sim.config);
    const sampler = createSamplerModelV2(
      spec,
      G > 1 ? { channels: spec.channels.map((_, c) => c === 0) } : {},
    );
    const rng = new Rng(3);
    const theta = Float64Array.from({ length: sampler.dim }, () => 0.3 * rng.normal());
    const grad = new Float64Array(sampler.dim);
    const n = Math.max(200, Math.round(20_000 / G));
    const us = time(() => sampler.logDensityGradient(theta, grad), n);
    const cells = G * spec.trainingWeeks * spec.channels.length;
    const floor = floorUs(cells, n);
    simUs.push(us);
    ctx.log(`geo benchmark data G=${G}: ${f(us, 1)} us, floor ${f(floor, 1)} us`);
    simRows.push(
      `| ${G} | ${sampler.dim} | ${cells} | ${f(us, 1)} us | ${f((1000 * us) / cells, 2)} ns | ${f((1000 * floor) / cells, 2)} ns | ${f(us / floor, 2)} |`,
    );
  }
  return {
    id: "model-v2-gradient",
    title: "v2 model: log density + gradient by number of geos",
    command: "pnpm bench --only=model-v2:gradient",
    body:
      `156 weeks x (5 paid channels, one of each type, + 1 organic + 1 reach & frequency), knots baseline (12 knots), one numeric control, geo hierarchy for G > 1; median of 5 blocks after warm-up. The sweeps do a constant amount of work per geo-week-channel cell (O(G T C)); the last column shows what a cell costs as the working set grows (all buffers of G = 40 are about 4 MB, beyond the L2 cache).\n\n` +
      `| geos G | parameters | log density + gradient | per geo-week-channel cell | floor per cell (one log + one exp) | gradient / floor |\n|---:|---:|---:|---:|---:|---:|\n${rows.join("\n")}\n\n` +
      `Issue 15's geo benchmark data (\`simulateV2({ geos: G, weeks: 156, channels: 5, organic: true, seed: 15 })\`, 143 training weeks x 6 channels), the sampler's density as the fit runs it (mean geo levels, TV's coefficients centered = the pilot's choice on this data):\n\n` +
      `| geos G | parameters | cells | log density + gradient | per cell | floor per cell | gradient / floor |\n|---:|---:|---:|---:|---:|---:|---:|\n${simRows.join("\n")}\n\n` +
      `G = 40 / G = 1 on that data: ${f(simUs[1]! / simUs[0]!, 1)}x; G = 40 / the v1 national gradient below: ${f(simUs[1]! / usV1, 1)}x.\n\n` +
      `Same run, v1 model (recovery scenario, 156 x 6, canonical parameters): ${f(usV1, 1)} us per log density + gradient (compare with the core:gradient section). Load average when the run started: ${f(load, 1)} (on a shared machine compare ratios within the run, not absolute times).\n`,
  };
}

/** How many paid channels' true ROI (CPIK for units KPIs without value) lie inside the fit's 90 % interval. */
function coveredChannels(
  truth: SimTruth,
  channels: Record<string, Partial<Record<"roi" | "cpik", { q05: number; q95: number }>>>,
): { covered: number; total: number } {
  let covered = 0;
  let total = 0;
  for (const [name, t] of Object.entries(truth.channels)) {
    if (t.role === "organic") continue;
    const key = t.roi !== undefined ? "roi" : "cpik";
    const q = channels[name]![key]!;
    total += 1;
    if (t[key]! >= q.q05 && t[key]! <= q.q95) covered += 1;
  }
  return { covered, total };
}

/** The shapes of the coverage study; seeds run over them in turn. */
const COVERAGE_SHAPES: { name: string; options: SimulateV2Options }[] = [
  { name: "geo 4 x 104, exposure, knots", options: { geos: 4, weeks: 104 } },
  {
    name: "national 104, R&F + organic, units + value, log link, tvm",
    options: { weeks: 104, rf: true, organic: true, units: true, link: "log", timeVarying: true },
  },
  {
    name: "geo 3 x 104, R&F + organic, units + value, log link",
    options: { geos: 3, weeks: 104, channels: 2, rf: true, organic: true, units: true, link: "log" },
  },
  { name: "national 156, 5 paid, identity, trend", options: { weeks: 156, channels: 5 } },
];

/** 20 seeds across the v2 shapes, default settings: coverage of the true ROI / CPIK by the 90 % interval. */
async function coverageSection(ctx: BenchContext): Promise<BenchSection> {
  const lines: string[] = [];
  let covered = 0;
  let total = 0;
  let rhatOk = 0;
  let divOk = 0;
  const seeds = Array.from({ length: 20 }, (_, i) => 1001 + i);
  const t0 = performance.now();
  for (const [i, seed] of seeds.entries()) {
    const shape = COVERAGE_SHAPES[i % COVERAGE_SHAPES.length]!;
    const sim = simulateV2({ ...shape.options, seed });
    const r = await fitModelV2(sim.data, sim.config, { mode: "nuts", seed: 1 });
    const { covered: c, total: n } = coveredChannels(sim.truth, r.channels);
    covered += c;
    total += n;
    if (r.diagnostics.rhatMax <= 1.01) rhatOk += 1;
    if (r.diagnostics.divergences < 0.005 * 4000) divOk += 1;
    const line = `| ${seed} | ${shape.name} | ${c} / ${n} | ${f(r.diagnostics.rhatMax, 3)} | ${r.diagnostics.divergences} | ${f(r.timing.totalSeconds, 0)} s |`;
    ctx.log(line);
    lines.push(line);
  }
  const rate = covered / total;
  return {
    id: "model-v2-coverage",
    title: "v2 model: 20-seed coverage study",
    command: "pnpm bench --only=model-v2:coverage --coverage",
    body:
      `Default settings (4 x (1000 + 1000), random inits), data from simulateV2 rotating over ${COVERAGE_SHAPES.length} shapes.\n\n| figure | value |\n|---|---|\n` +
      `| true ROI / CPIK inside the 90 % interval | ${covered} of ${total} (${f(100 * rate, 1)} %) |\n| fits with R-hat <= 1.01 | ${rhatOk} of ${seeds.length} |\n| fits with divergences < 0.5 % | ${divOk} of ${seeds.length} |\n| total wall time | ${f((performance.now() - t0) / 60000, 1)} min |\n\n` +
      `| data seed | shape | covered | max R-hat | divergences | wall |\n|---|---|---|---|---|---|\n${lines.join("\n")}\n`,
  };
}

/** Peak resident set size while `run` is pending, sampled every 100 ms (worker threads included). */
async function withPeakRss<T>(run: () => Promise<T>): Promise<{ value: T; peakRss: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakRss: peak };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Issue 15 target 2 and 3: a 40-geo NUTS fit with default settings against the national v1 fit
 * (recovery scenario) in the same run, its memory, and fast mode on the same geo data with its
 * ROI error against NUTS. Long (tens of minutes on 2 shared cores): opt-in with --geo.
 */
async function geoFitSection(ctx: BenchContext): Promise<BenchSection> {
  const geos = Number([...ctx.flags].find((fl) => fl.startsWith("geos="))?.slice(5) ?? 40);
  const load0 = loadavg()[0]!;
  const sim1 = simulate({ weeks: WEEKS, seed: 7, channels: "recovery" });
  const t1 = performance.now();
  const national = await fitModel(sim1.dataset, sim1.config, { mode: "nuts", seed: 1 });
  const nationalWall = (performance.now() - t1) / 1000;
  ctx.log(`national v1 fit: ${f(nationalWall, 1)} s`);
  const sim = simulateV2({ geos, weeks: WEEKS, channels: 5, organic: true, seed: 15 });
  let lastLog = 0;
  const tg = performance.now();
  const { value: geo, peakRss } = await withPeakRss(() =>
    fitModelV2(sim.data, sim.config, {
      mode: "nuts",
      seed: 1,
      onProgress: (p) => {
        if (performance.now() - lastLog > 30_000) {
          lastLog = performance.now();
          ctx.log(`  geo nuts ${p.phase} ${f(p.percent, 0)}% divergences ${p.divergences}`);
        }
      },
    }),
  );
  const geoWall = (performance.now() - tg) / 1000;
  ctx.log(
    `geo fit: ${f(geoWall, 1)} s, R-hat ${f(geo.diagnostics.rhatMax, 4)}, divergences ${geo.diagnostics.divergences}`,
  );
  const tf = performance.now();
  const fast = await fitModelV2(sim.data, sim.config, { mode: "fast", seed: 1 });
  const fastWall = (performance.now() - tf) / 1000;
  const load1 = loadavg()[0]!;
  const d = geo.diagnostics;
  const nDraws = geo.settings.chains * geo.settings.draws;
  const rows: string[] = [];
  let covered = 0;
  let paid = 0;
  let worstMean = 0;
  let worstSd = 0;
  for (const [name, truth] of Object.entries(sim.truth.channels)) {
    if (truth.role === "organic" || truth.roi === undefined) continue;
    const nuts = geo.channels[name]!.roi!;
    const lap = fast.channels[name]!.roi!;
    paid += 1;
    const hit = truth.roi >= nuts.q05 && truth.roi <= nuts.q95;
    if (hit) covered += 1;
    const meanErr = Math.abs(lap.mean - nuts.mean) / nuts.sd;
    const sdErr = lap.sd / nuts.sd - 1;
    worstMean = Math.max(worstMean, meanErr);
    worstSd = Math.max(worstSd, Math.abs(sdErr));
    rows.push(
      `| ${name} | ${f(truth.roi)} | ${f(nuts.mean)} (${f(nuts.sd)}) | [${f(nuts.q05)}, ${f(nuts.q95)}] ${hit ? "yes" : "no"} | ${f(lap.mean)} (${f(lap.sd)}) | ${f(meanErr)} | ${f(100 * sdErr, 0)} % |`,
    );
  }
  const ratio = geoWall / nationalWall;
  return {
    id: "model-v2-geo-fit",
    title: `v2 model: ${geos}-geo fit vs the national fit, and fast mode`,
    command: `pnpm bench --only=model-v2:geo --geo${geos !== 40 ? ` --geos=${geos}` : ""}`,
    body:
      `\`simulateV2({ geos: ${geos}, weeks: 156, channels: 5, organic: true, seed: 15 })\` (= \`mixcast simulate --geos ${geos} --channels 5 --organic --seed 15\`: ${geos} geos x 156 weeks (13 holdout), TV, Search with clicks, Instagram with impressions, Influencer, Radio + organic Newsletter, price and promo controls, knots baseline), NUTS with default settings (4 x (1000 + 1000), seed 1), beside the national v1 fit of the recovery scenario (156 x 6, default settings) in the same process. Load average (1 min) ${f(load0, 1)} at the start, ${f(load1, 1)} at the end (shared 2-core machine: compare ratios, not seconds).\n\n| figure | national v1 | ${geos} geos |\n|---|---|---|\n` +
      `| wall time (fit call, summaries included) | ${f(nationalWall, 1)} s | ${f(geoWall, 1)} s (${f(ratio, 1)}x national; target <= 12x: ${ratio <= 12 ? "met" : "NOT met"}) |\n` +
      `| parameters | ${national.draws.names.length} | ${geo.draws.names.length} |\n` +
      `| leapfrog steps per draw | ${f(national.diagnostics.leapfrogsPerDraw ?? NaN, 1)} | ${f(d.leapfrogsPerDraw ?? NaN, 1)} |\n` +
      `| max R-hat | ${f(national.diagnostics.rhatMax, 4)} | ${f(d.rhatMax, 4)} |\n` +
      `| divergences | ${national.diagnostics.divergences} | ${d.divergences} (${f((100 * d.divergences) / nDraws)} %) |\n` +
      `| min bulk ESS | ${f(national.diagnostics.essBulkMin, 0)} | ${f(d.essBulkMin, 0)} |\n` +
      `| converged (diagnostics verdict) | ${national.diagnostics.converged ? "yes" : "no"} | ${d.converged ? "yes" : `no: ${d.reasons.join("; ")}`} |\n` +
      `| peak resident memory of the process during the geo fit | | ${f(peakRss / 2 ** 20, 0)} MiB (target < 1024 MiB: ${peakRss < 2 ** 30 ? "met" : "NOT met"}) |\n` +
      `| fast mode (MAP + Laplace, 1000 draws) | | ${f(fastWall, 1)} s = ${f((100 * fastWall) / geoWall, 1)} % of NUTS (target < 5 %: ${fastWall < 0.05 * geoWall ? "met" : "NOT met"}) |\n\n` +
      `ROI per paid channel: NUTS posterior mean (sd), 90 % interval and whether it holds the true ROI (${covered} of ${paid}); fast mode mean (sd); fast mode's error: |mean gap| in NUTS sd and relative sd error.\n\n` +
      `| channel | true ROI | NUTS mean (sd) | NUTS 90 % interval, covers | fast mean (sd) | mean gap (NUTS sd) | sd error |\n|---|---|---|---|---|---|---|\n${rows.join("\n")}\n\n` +
      `Largest fast-mode ROI mean gap ${f(worstMean)} NUTS sd, largest sd error ${f(100 * worstSd, 0)} %.\n`,
  };
}

/** The 6 x 78 geo conformance case (test/fixtures/conformance-v2/data_geo.csv, its README's config). */
export function conformanceGeoCase(): { data: ModelDataV2; config: ModelConfigV2Input } {
  const { data, config } = loadCase("geo");
  return { data, config };
}

/** 4 chains x (1000 + 1000) at seed 1 in the sampler threads, the fit's NUTS settings plus `extra`. */
async function probeChains(
  spec: ModelSpecV2,
  param: SamplerParameterizationV2,
  extra: Partial<NutsOptions> = {},
) {
  const opts: NutsOptions = {
    chains: 4,
    warmup: 1000,
    draws: 1000,
    seed: 1,
    targetAccept: DEFAULT_TARGET_ACCEPT,
    earlyMetricWindow: EARLY_METRIC_WINDOW,
    ...extra,
  };
  const results = await sampleChains(
    {
      module: new URL("../src/model/model-v2.ts", import.meta.url).href,
      exportName: "createSamplerModelV2FromArgs",
      args: { spec, param },
    },
    opts,
  );
  return { opts, results };
}

/** One convergence probe: 4 x (1000 + 1000), seed 1, the fit's NUTS settings plus `extra`. */
async function convergenceProbe(
  data: ModelDataV2,
  config: ModelConfigV2Input,
  param: SamplerParameterizationV2 | "default",
  extra: Partial<NutsOptions> = {},
  keepDraws = false,
): Promise<{
  divergences: number;
  rhat: number;
  ess: number;
  leapfrogs: number;
  wall: number;
  param: SamplerParameterizationV2;
  perChainDivergences: number[];
  stepSizes: number[];
  /** keepDraws: each chain's canonical draws (else empty) */
  canonical: Float64Array[];
  perChain: number;
}> {
  const spec = buildModelSpecV2(data, config);
  const t0 = performance.now();
  const p = param === "default" ? geoParameterizationV2(spec, 1).param : param;
  const { opts, results } = await probeChains(spec, p, extra);
  const wall = (performance.now() - t0) / 1000;
  const sampler = createSamplerModelV2(spec, p);
  const dim = spec.parameters.length;
  let steps = 0;
  for (const r of results) {
    for (let i = 0; i < r.draws; i++) {
      r.samples.set(sampler.toCanonical(r.samples.subarray(i * dim, (i + 1) * dim)), i * dim);
      steps += r.nLeapfrog[i]!;
    }
  }
  const a = assessConvergence(results, { parameterNames: spec.parameters.map((q) => q.label) });
  const total = results.reduce((n, r) => n + r.draws, 0);
  return {
    divergences: a.divergences,
    rhat: a.rhatMax,
    ess: a.essBulkMin,
    leapfrogs: steps / total,
    wall,
    param: p,
    perChainDivergences: results.map((r) => r.divergent.reduce((n, d) => n + d, 0)),
    stepSizes: results.map((r) => r.stepSize),
    canonical: keepDraws ? results.map((r) => r.samples) : [],
    perChain: opts.draws,
  };
}

/**
 * Issue 13: does a geo fit converge with default settings, and what each sampler lever does
 * (docs/model.md section 10.7). The 6 x 78 conformance case under every variant; with
 * --geos=10,40 also the simulated geo benchmark data (simulateV2 seed 15) under the default and
 * the previous default (every channel non-centered).
 */
async function convergenceSection(ctx: BenchContext): Promise<BenchSection> {
  const load0 = loadavg()[0]!;
  const rows: string[] = [];
  const centeredTv = [true, false, false, false];
  const variants: {
    name: string;
    param: SamplerParameterizationV2 | "default";
    extra?: Partial<NutsOptions>;
  }[] = [
    { name: "default (pilot decides per channel)", param: "default" },
    { name: "every channel non-centered (previous default)", param: {} },
    { name: "centered TV", param: { channels: centeredTv } },
    { name: "non-centered offsets v_g", param: { offsets: "noncentered" } },
    { name: "centered knots", param: { knots: "centered" } },
    { name: "dense metric", param: {}, extra: { metric: "dense" } },
    { name: "dense metric + centered knots", param: { knots: "centered" }, extra: { metric: "dense" } },
  ];
  const row = (label: string, name: string, r: Awaited<ReturnType<typeof convergenceProbe>>) => {
    const line = `| ${label} | ${name} | ${JSON.stringify(r.param)} | ${r.divergences} (${f((100 * r.divergences) / 4000)} %) | ${f(r.rhat, 4)} | ${f(r.ess, 0)} | ${f(r.leapfrogs, 1)} | ${f(r.wall, 0)} s |`;
    ctx.log(line);
    rows.push(line);
  };
  const conf = conformanceGeoCase();
  for (const v of variants)
    row("conformance 6 x 78", v.name, await convergenceProbe(conf.data, conf.config, v.param, v.extra));
  const geos = [...ctx.flags].find((fl) => fl.startsWith("geos="))?.slice(5);
  for (const G of geos ? geos.split(",").map(Number) : []) {
    const sim = simulateV2({ geos: G, weeks: WEEKS, channels: 5, organic: true, seed: 15 });
    row(
      `simulated ${G} x 156`,
      "default (pilot decides per channel)",
      await convergenceProbe(sim.data, sim.config, "default"),
    );
    row(
      `simulated ${G} x 156`,
      "every channel non-centered (previous default)",
      await convergenceProbe(sim.data, sim.config, {}),
    );
  }
  return {
    id: "model-v2-convergence",
    title: "v2 model: geo convergence with default settings, sampler levers",
    command: `pnpm bench --only=model-v2:convergence --convergence${geos ? ` --geos=${geos}` : ""}`,
    body:
      `4 chains x (1000 + 1000), seed 1, random inits, target acceptance ${DEFAULT_TARGET_ACCEPT}, every setting the fit's default except the sampler coordinates / metric named. "default" runs the pilot chain of \`geoParameterizationV2\` (fit/fit-v2.ts) first; its wall time includes the pilot. Divergences, R-hat and ESS as the fit's diagnostics (canonical draws; converged needs R-hat <= 1.01 and divergences < 20). Load average (1 min) ${f(load0, 1)} at the start, ${f(loadavg()[0]!, 1)} at the end.\n\n` +
      `| data | sampler | parameterization | divergences | max R-hat | min bulk ESS | leapfrogs per draw | wall |\n|---|---|---|---:|---:|---:|---:|---:|\n${rows.join("\n")}\n`,
  };
}

/** The few-geo cases of issue 13: any coverage-study seed (1001-1020, its shape as in the study:
 *  1001, 1005, 1013: geo 4 x 104; 1003, 1019: geo 3 x 104 R&F + log link) and the conformance case. */
function leverCase(key: string): {
  data: ModelDataV2;
  config: ModelConfigV2Input;
  sim?: ReturnType<typeof simulateV2>;
} {
  if (key === "conf") return conformanceGeoCase();
  const seed = Number(key);
  if (!Number.isInteger(seed) || seed < 1001 || seed > 1020)
    throw new Error(`unknown case ${key}: a coverage-study seed 1001-1020, or conf`);
  return leverSim({ ...COVERAGE_SHAPES[(seed - 1001) % COVERAGE_SHAPES.length]!.options, seed });
}
const LEVER_CASES = ["1001", "1005", "1003", "conf"];
function leverSim(options: SimulateV2Options) {
  const sim = simulateV2(options);
  return { data: sim.data, config: sim.config, sim };
}

/** Sampler-only levers (same posterior): NUTS settings, or the pilot's parameterization plus a change. */
const LEVERS: Record<
  string,
  {
    name: string;
    extra?: Partial<NutsOptions>;
    blend?: number;
    offsets?: "collapsed";
    knots?: "centered" | "collapsed";
  }
> = {
  default: { name: "w, pilot per channel (the default before the collapse)" },
  collapsed: {
    name: "collapsed level and offsets, knots centered (the default before the collapsed knots)",
    offsets: "collapsed",
    knots: "centered",
  },
  collapsedt09: {
    name: "collapsed level and offsets, knots centered, target acceptance 0.9",
    offsets: "collapsed",
    knots: "centered",
    extra: { targetAccept: 0.9 },
  },
  collapsedt095: {
    name: "collapsed level and offsets, knots centered, target acceptance 0.95",
    offsets: "collapsed",
    knots: "centered",
    extra: { targetAccept: 0.95 },
  },
  knots: {
    name: "collapsed level, offsets and knots (default)",
    offsets: "collapsed",
    knots: "collapsed",
  },
  dense: { name: "dense metric + w", extra: { metric: "dense" } },
  t08: { name: "target acceptance 0.8 + w", extra: { targetAccept: 0.8 } },
  t09: { name: "target acceptance 0.9 + w", extra: { targetAccept: 0.9 } },
  t095: { name: "target acceptance 0.95 + w", extra: { targetAccept: 0.95 } },
  term200: { name: "terminal step-size window 200 (of 1000 warmup)", extra: { termBuffer: 200 } },
  warmup2000: { name: "warmup 2000 (two more slow windows)", extra: { warmup: 2000 } },
  blend1: { name: "w + offsets blended by s_tau, sm = sigma / sqrt(T)", blend: 1 },
  blend1t09: {
    name: "w + offsets blended by s_tau, sm = sigma / sqrt(T), target acceptance 0.9",
    blend: 1,
    extra: { targetAccept: 0.9 },
  },
  blend1t095: {
    name: "w + offsets blended by s_tau, sm = sigma / sqrt(T), target acceptance 0.95",
    blend: 1,
    extra: { targetAccept: 0.95 },
  },
  blend3: { name: "w + offsets blended by s_tau, sm = 3 sigma / sqrt(T)", blend: 3 },
};

/** A `--flag=a,b` list of the bench command, or `all` when it is not given. */
function listFlag(ctx: BenchContext, flag: string, all: string[]): string[] {
  return (
    [...ctx.flags]
      .find((fl) => fl.startsWith(`${flag}=`))
      ?.slice(flag.length + 1)
      .split(",") ?? all
  );
}

/**
 * Issue 13's few-geo cases under each sampler lever (docs/model.md 10.7, "Levers on few geos"):
 * divergences (with the count per chain), R-hat, ESS, leapfrogs per draw, and the coverage of the
 * true ROI / CPIK for the simulated cases. `--cases=1013,1019,conf` (any coverage-study seed) and `--variants=collapsed,collapsedt095` pick rows
 * (every row is 4 x (1000 + 1000) at seed 1 and takes 1-5 min on the shared machine).
 */
async function leversSection(ctx: BenchContext): Promise<BenchSection> {
  const pick = (flag: string, all: string[]) => listFlag(ctx, flag, all);
  const cases = pick("cases", LEVER_CASES);
  const levers = pick("variants", Object.keys(LEVERS));
  const load0 = loadavg()[0]!;
  const rows: string[] = [];
  for (const key of cases) {
    const { data, config, sim } = leverCase(key);
    const spec = buildModelSpecV2(data, config);
    for (const lk of levers) {
      const lever = LEVERS[lk];
      if (!lever) throw new Error(`unknown lever ${lk}`);
      const pilot = geoParameterizationV2(
        spec,
        1,
        lever.offsets ?? "mean",
        lever.knots ? { knots: lever.knots } : {},
      );
      const param: SamplerParameterizationV2 =
        lever.blend !== undefined
          ? { ...pilot.param, offsetBlend: (lever.blend * pilot.pilotSigma) / Math.sqrt(spec.trainingWeeks) }
          : pilot.param;
      const r = await convergenceProbe(data, config, param, lever.extra, true);
      let cov = "";
      if (sim) {
        const s = summarizeV2(createSamplerModelV2(spec, param).model, r.canonical, r.perChain);
        const { covered: c, total: n } = coveredChannels(sim.truth, s.channels);
        cov = `${c} / ${n}`;
      }
      const total = 4 * r.perChain;
      const line = `| ${key === "conf" ? "conformance 6 x 78" : `seed ${key}`} | ${lever.name} | ${r.divergences} (${f((100 * r.divergences) / total)} %; ${r.perChainDivergences.join(" / ")}) | ${f(r.rhat, 4)} | ${f(r.ess, 0)} | ${f(r.leapfrogs, 1)} | ${r.stepSizes.map((e) => f(e, 3)).join(" / ")} | ${cov} | ${f(r.wall, 0)} s |`;
      ctx.log(line);
      rows.push(line);
    }
  }
  const flagText = [...ctx.flags]
    .filter((fl) => fl.startsWith("cases=") || fl.startsWith("variants="))
    .map((fl) => ` --${fl}`)
    .join("");
  // a run on picked cases or levers is its own section, so that it does not replace the full table
  const picked = [...ctx.flags]
    .filter((fl) => fl.startsWith("cases=") || fl.startsWith("variants="))
    .map((fl) => fl.replace(/[=,]/g, "-"));
  return {
    id: ["model-v2-levers", ...picked].join("-"),
    title: `v2 model: few-geo divergences under sampler levers (issue 13)${picked.length > 0 ? `: ${flagText.trim()}` : ""}`,
    command: `pnpm bench --only=model-v2:levers --levers${flagText}`,
    body:
      `4 chains x (1000 + 1000) (warmup 2000 where named), seed 1, random inits, target acceptance ${DEFAULT_TARGET_ACCEPT} unless named; the pilot chain of \`geoParameterizationV2\` decides the per-channel centering as in a fit (the wall column leaves the pilot out). Seeds are the coverage study's, with its shapes: 1001, 1005, 1009, 1013, 1017: \`simulateV2({ geos: 4, weeks: 104 })\` (shape 1); 1003, 1007, 1011, 1015, 1019: \`{ geos: 3, weeks: 104, channels: 2, rf: true, organic: true, units: true, link: "log" }\` (shape 3); conformance: the 6 x 78 geo case. Coverage: true ROI / CPIK inside the 90 % interval. Load average (1 min) ${f(load0, 1)} at the start, ${f(loadavg()[0]!, 1)} at the end.\n\n` +
      `| data | lever | divergences (per chain) | max R-hat | min bulk ESS | leapfrogs per draw | step sizes | covered | wall |\n|---|---|---:|---:|---:|---:|---|---|---:|\n${rows.join("\n")}\n`,
  };
}

/**
 * Issue 13: where the divergent transitions sit. For each case and lever (as in the levers group,
 * `--cases=1013,1019 --variants=collapsed,knots`), one 4 x (1000 + 1000) fit at seed 1; per
 * canonical coordinate z = (mean over the divergent draws - posterior mean) / posterior sd, the
 * coordinates with the largest |z| first (a funnel shows as its scale's log far in one tail).
 */
async function divergencesSection(ctx: BenchContext): Promise<BenchSection> {
  const pick = (flag: string, all: string[]) => listFlag(ctx, flag, all);
  const cases = pick("cases", ["1013", "1019", "conf"]);
  const levers = pick("variants", ["collapsed", "knots"]);
  const rows: string[] = [];
  for (const key of cases) {
    const { data, config } = leverCase(key);
    const spec = buildModelSpecV2(data, config);
    const dim = spec.parameters.length;
    for (const lk of levers) {
      const lever = LEVERS[lk];
      if (!lever) throw new Error(`unknown lever ${lk}`);
      const { param } = geoParameterizationV2(
        spec,
        1,
        lever.offsets ?? "mean",
        lever.knots ? { knots: lever.knots } : {},
      );
      const { results } = await probeChains(spec, param, lever.extra);
      const sampler = createSamplerModelV2(spec, param);
      const sum = new Float64Array(dim);
      const sumSq = new Float64Array(dim);
      const divSum = new Float64Array(dim);
      let n = 0;
      let nDiv = 0;
      for (const r of results)
        for (let i = 0; i < r.draws; i++) {
          const x = sampler.toCanonical(r.samples.subarray(i * dim, (i + 1) * dim));
          n += 1;
          if (r.divergent[i]) nDiv += 1;
          for (let j = 0; j < dim; j++) {
            sum[j] = sum[j]! + x[j]!;
            sumSq[j] = sumSq[j]! + x[j]! * x[j]!;
            if (r.divergent[i]) divSum[j] = divSum[j]! + x[j]!;
          }
        }
      const top = Array.from({ length: dim }, (_, j) => {
        const mean = sum[j]! / n;
        const sd = Math.sqrt(Math.max(sumSq[j]! / n - mean * mean, 0));
        const divMean = nDiv > 0 ? divSum[j]! / nDiv : Number.NaN;
        return { label: spec.parameters[j]!.label, mean, divMean, z: (divMean - mean) / sd };
      })
        .filter((c) => Number.isFinite(c.z))
        .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
        .slice(0, 3);
      const where = top
        .map((c) => `${c.label}: ${f(c.divMean, 2)} vs ${f(c.mean, 2)} (z ${f(c.z, 1)})`)
        .join("; ");
      const line = `| ${key === "conf" ? "conformance 6 x 78" : `seed ${key}`} | ${lever.name} | ${nDiv} | ${nDiv > 0 ? where : ""} |`;
      ctx.log(line);
      rows.push(line);
    }
  }
  return {
    id: "model-v2-divergences",
    title: "v2 model: where the divergent transitions sit (issue 13)",
    command: `pnpm bench --only=model-v2:divergences --divergences --cases=${cases.join(",")} --variants=${levers.join(",")}`,
    body:
      `4 chains x (1000 + 1000), seed 1, the fit's NUTS settings and the lever's parameterization (as in the levers group). Per canonical coordinate on the unconstrained scale (log for positive parameters such as s_rw, logit for (0, 1) ones), z = (mean over the divergent draws - posterior mean) / posterior sd; the three coordinates with the largest |z|, each as divergent mean vs posterior mean.\n\n` +
      `| data | lever | divergences | where (largest \\|z\\| first) |\n|---|---|---:|---|\n${rows.join("\n")}\n`,
  };
}

/**
 * Issue 13: the geo fits that kept 0.5-2 % divergences with the mean levels and w, sampled with
 * the level, the offsets and the knots' innovations collapsed (integrated out, drawn exactly per
 * draw; geoOffsets "collapsed", the default; docs/model.md 10.7) against the mean levels: coverage study seeds 1001 and 1005 (geo 4 x 104), 1003 (geo 3 x 104,
 * R&F + organic, units, log link) and the 6 x 78 conformance case, `fitModelV2` with default
 * settings (4 x (1000 + 1000), seed 1) but `geoOffsets`. --offsets=collapsed (or mean) runs one.
 */
async function collapseSection(ctx: BenchContext): Promise<BenchSection> {
  const load0 = loadavg()[0]!;
  const pick = [...ctx.flags].find((fl) => fl.startsWith("offsets="))?.slice(8);
  const offsets = (["mean", "collapsed"] as const).filter((o) => pick === undefined || pick === o);
  const cases: { label: string; data: ModelDataV2; config: ModelConfigV2Input; truth?: SimTruth }[] = [];
  for (const [seed, shape] of [
    [1001, 0],
    [1005, 0],
    [1003, 2],
  ] as const) {
    const sim = simulateV2({ ...COVERAGE_SHAPES[shape]!.options, seed });
    cases.push({ label: `seed ${seed}: ${COVERAGE_SHAPES[shape]!.name}`, ...sim, truth: sim.truth });
  }
  cases.push({ label: "conformance 6 x 78", ...conformanceGeoCase() });
  const rows: string[] = [];
  for (const c of cases) {
    for (const o of offsets) {
      const t0 = performance.now();
      const r = await fitModelV2(c.data, c.config, { mode: "nuts", seed: 1, geoOffsets: o });
      const wall = (performance.now() - t0) / 1000;
      let covered = "";
      if (c.truth) {
        const { covered: k, total: n } = coveredChannels(c.truth, r.channels);
        covered = `${k} / ${n}`;
      }
      const d = r.diagnostics;
      const name = o === "mean" ? "mean levels, level as w" : "collapsed level, offsets and knots (default)";
      const line = `| ${c.label} | ${name} | ${d.divergences} (${f((100 * d.divergences) / 4000)} %) | ${f(d.rhatMax, 4)} | ${f(d.essBulkMin, 0)} | ${f(d.leapfrogsPerDraw ?? Number.NaN, 1)} | ${covered} | ${f(wall, 0)} s |`;
      ctx.log(line);
      rows.push(line);
    }
    if (pick === undefined) {
      // the collapse alone: the default's parameterization with the knots non-centered (the sampler
      // run as fitModelV2 runs it, pilot included, without the ROI summaries)
      const { knots: _knots, ...param } = geoParameterizationV2(buildModelSpecV2(c.data, c.config), 1).param;
      const r = await convergenceProbe(c.data, c.config, param);
      const line = `| ${c.label} | collapsed, knots non-centered | ${r.divergences} (${f((100 * r.divergences) / 4000)} %) | ${f(r.rhat, 4)} | ${f(r.ess, 0)} | ${f(r.leapfrogs, 1)} | | ${f(r.wall, 0)} s |`;
      ctx.log(line);
      rows.push(line);
    }
  }
  return {
    id: "model-v2-collapse",
    title: "v2 model: collapsed level and geo offsets against mean levels (issue 13)",
    command: `pnpm bench --only=model-v2:collapse --collapse${pick ? ` --offsets=${pick}` : ""}`,
    body:
      `\`fitModelV2\` with default settings (4 x (1000 + 1000), seed 1, random inits, target acceptance ${DEFAULT_TARGET_ACCEPT}, the pilot chain included) and \`geoOffsets\` "mean" (mean geo levels, the level as w) or "collapsed" (the level, the geo offsets and the knots' innovations integrated out and drawn exactly per draw); "collapsed, knots non-centered" is the latter's sampler with the knots' innovations sampled non-centered instead (no ROI summaries); simulateV2 data of the coverage study's seeds and the 6 x 78 conformance case. Covered: true ROI / CPIK of paid channels inside the 90 % interval. Load average (1 min) ${f(load0, 1)} at the start, ${f(loadavg()[0]!, 1)} at the end.\n\n` +
      `| data | level and offsets | divergences | max R-hat | min bulk ESS | leapfrogs per draw | covered | wall |\n|---|---|---:|---:|---:|---:|---|---:|\n${rows.join("\n")}\n`,
  };
}

export default async function modelV2Benchmarks(ctx: BenchContext): Promise<BenchSection[]> {
  const only = [...ctx.flags].filter((fl) => fl.startsWith("only=")).map((fl) => fl.slice(5));
  const want = (id: string): boolean => only.length === 0 || only.includes(id);
  const sections: BenchSection[] = [];
  if (want("gradient")) sections.push(gradientV2Section(ctx));
  if (ctx.flags.has("coverage") && want("coverage")) sections.push(await coverageSection(ctx));
  if (ctx.flags.has("geo") && want("geo")) sections.push(await geoFitSection(ctx));
  if (ctx.flags.has("convergence") && want("convergence")) sections.push(await convergenceSection(ctx));
  if (ctx.flags.has("levers") && want("levers")) sections.push(await leversSection(ctx));
  if (ctx.flags.has("divergences") && want("divergences")) sections.push(await divergencesSection(ctx));
  if (ctx.flags.has("collapse") && want("collapse")) sections.push(await collapseSection(ctx));
  return sections;
}
