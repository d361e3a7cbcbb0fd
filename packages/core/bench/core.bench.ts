/**
 * Core engine benchmarks (run by `pnpm bench` from the repo root; figures go to docs/benchmarks.md):
 * gradient evaluation, fast mode, the full NUTS fit of the 156 x 6 recovery scenario with its
 * recovery checks, and two opt-in studies: the 20-seed ROI coverage study (`--coverage`) and the
 * sampler-settings study behind docs/model.md section 8 (`--sampler`).
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseDatasetCsv } from "../src/data/parse.ts";
import type { ColumnMapping, Dataset } from "../src/data/types.ts";
import { sampleChain } from "../src/inference/nuts.ts";
import type { ChainResult, LogDensity } from "../src/inference/types.ts";
import type { ModelConfigInput } from "../src/model/config.ts";
import { fitFromChains, fitModel, modelTarget, nutsOptionsFor } from "../src/fit/fit-model.ts";
import { sampleChains } from "../src/inference/sample-chains.ts";
import type { NutsOptions } from "../src/inference/types.ts";
import {
  DEFAULT_TARGET_ACCEPT,
  type FitResult,
  V1_INIT_BUFFER_MAX_TREE_DEPTH,
  V1_WARMUP_SETTLE_TOLERANCE,
} from "../src/fit/result.ts";
import { recoveryVerdict, roiCoverage } from "../src/fit/recovery.ts";
import { createModel } from "../src/model/model.ts";
import { fastExp, fastLog } from "../src/transforms/fast-math.ts";
import { buildModelSpec } from "../src/model/spec.ts";
import { simulate, type Simulation } from "../src/simulate/simulate.ts";

export interface BenchContext {
  flags: ReadonlySet<string>;
  log(message: string): void;
}

export interface BenchSection {
  /** Stable id; opt-in sections not run this time keep their previous text in the report. */
  id: string;
  title: string;
  /** Command that reproduces the figures. */
  command: string;
  /** Markdown body. */
  body: string;
}

const WEEKS = 156;

function recoveryData(seed: number): Simulation {
  return simulate({ weeks: WEEKS, seed, channels: "recovery" });
}

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));

function gradientSection(ctx: BenchContext): BenchSection {
  const sim = recoveryData(7);
  const spec = buildModelSpec(sim.dataset, sim.config);
  const n = 20_000;
  /** Median over 5 blocks of n calls of the microseconds per call, after 2000 warm-up calls. */
  const time = (call: () => void): number => {
    for (let i = 0; i < 2000; i += 1) call();
    const blocks: number[] = [];
    for (let b = 0; b < 5; b += 1) {
      const t0 = performance.now();
      for (let i = 0; i < n; i += 1) call();
      blocks.push(((performance.now() - t0) * 1000) / n);
    }
    return blocks.sort((a, b) => a - b)[2]!;
  };
  const model = createModel(spec);
  const theta = model.unconstrain(Float64Array.from(spec.parameters, (p) => sim.truth.parameters[p.label]!));
  const grad = new Float64Array(model.dim);
  const us = time(() => model.logDensityGradient(theta, grad));
  const centered = createModel(spec, { centerIntercept: true });
  const thetaCentered = centered.modelTheta(theta);
  const usCentered = time(() => centered.logDensityGradient(thetaCentered, grad));
  const usDensity = time(() => model.logDensity(theta));
  // The Hill floor: one log and one exp per training week and channel, nothing else.
  const e = Float64Array.from(
    { length: spec.trainingWeeks * spec.channels.length },
    (_, i) => 0.1 + (i % 97) / 30,
  );
  const o = new Float64Array(e.length);
  const usFloor = time(() => {
    for (let t = 0; t < e.length; t += 1) o[t] = 1 / (1 + Math.exp(-1.5 * (Math.log(e[t]!) - 0.1)));
  });
  // The same with the table exp / log the v1 model's Hill uses (transforms/fast-math.ts).
  const usFloorFast = time(() => {
    for (let t = 0; t < e.length; t += 1) o[t] = 1 / (1 + fastExp(-1.5 * (fastLog(e[t]!) - 0.1)));
  });
  const usLog = time(() => {
    for (let t = 0; t < e.length; t += 1) o[t] = Math.log(e[t]!);
  });
  const usFastLog = time(() => {
    for (let t = 0; t < e.length; t += 1) o[t] = fastLog(e[t]!);
  });
  const usExp = time(() => {
    for (let t = 0; t < e.length; t += 1) o[t] = Math.exp(-e[t]!);
  });
  const usFastExp = time(() => {
    for (let t = 0; t < e.length; t += 1) o[t] = fastExp(-e[t]!);
  });
  ctx.log(`gradient: ${f(us, 1)} us per log density + gradient (dim ${model.dim})`);
  return {
    id: "core-gradient",
    title: "Log density + gradient evaluation",
    command: "pnpm bench --only=core:gradient",
    body:
      `156 weeks x 6 channels (recovery scenario, seed 7, 143 training weeks), ${model.dim} parameters; median of 5 blocks of ${n} calls after 2000 warm-up calls:\n\n| figure | value |\n|---|---|\n` +
      `| log density + gradient (canonical parameters) | ${f(us, 1)} us |\n` +
      `| log density + gradient (sampler's centered intercept) | ${f(usCentered, 1)} us |\n` +
      `| log density alone | ${f(usDensity, 1)} us |\n` +
      `| floor: one log + one exp per training week and channel (${e.length}), Math.log / Math.exp | ${f(usFloor, 1)} us |\n` +
      `| the same floor with fastLog / fastExp (transforms/fast-math.ts, the v1 Hill's) | ${f(usFloorFast, 1)} us |\n` +
      `| ${e.length} x Math.log / fastLog | ${f(usLog, 1)} / ${f(usFastLog, 1)} us |\n` +
      `| ${e.length} x Math.exp / fastExp | ${f(usExp, 1)} / ${f(usFastExp, 1)} us |\n`,
  };
}

async function fastSection(ctx: BenchContext): Promise<BenchSection> {
  const sim = recoveryData(7);
  const times: number[] = [];
  let last: FitResult | undefined;
  const cpu: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const c0 = process.cpuUsage();
    last = await fitModel(sim.dataset, sim.config, { mode: "fast", seed: 1 });
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
    times.push(last.timing.totalSeconds);
  }
  cpu.sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  const cov = roiCoverage(last!, sim);
  ctx.log(`fast mode: median ${f(times[1]!)} s`);
  return {
    id: "core-fast",
    title: "Fast mode (MAP by L-BFGS from 4 starts + Laplace, 1000 draws)",
    command: "pnpm bench --only=core:fast",
    body:
      `156 weeks x 6 channels (recovery scenario, seed 7), 3 runs:\n\n| figure | value |\n|---|---|\n` +
      `| wall time, median of 3 | ${f(times[1]!)} s (min ${f(times[0]!)} s, max ${f(times[2]!)} s) |\n` +
      `| CPU time, median of 3 | ${f(cpu[1]!)} s |\n` +
      `| of which optimization + Laplace | ${f(last!.timing.warmupSeconds)} s |\n` +
      `| of which summaries (ROI per draw, holdout, PSIS-LOO) | ${f(last!.timing.summarySeconds)} s |\n` +
      `| true ROI inside the 90 % interval | ${cov.filter((c) => c.covered).length} of ${cov.length} channels |\n`,
  };
}

async function nutsSection(ctx: BenchContext): Promise<BenchSection> {
  const sim = recoveryData(7);
  const repeats = numericFlag(ctx, "nuts-repeats", 3);
  let lastLog = 0;
  // The draws are bit-identical for a seed, so repeats differ only in time: report the median.
  const walls: number[] = [];
  let fit: FitResult | undefined;
  let cpuDelta = { user: 0, system: 0 };
  for (let r = 0; r < repeats; r++) {
    const cpu0 = process.cpuUsage();
    fit = await fitModel(sim.dataset, sim.config, {
      mode: "nuts",
      chains: 4,
      warmup: 1000,
      draws: 1000,
      seed: 1,
      onProgress: (p) => {
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          ctx.log(`  nuts ${p.phase} ${f(p.percent, 0)}% divergences ${p.divergences}`);
        }
      },
    });
    cpuDelta = process.cpuUsage(cpu0);
    walls.push(fit.timing.totalSeconds);
    ctx.log(`  nuts run ${r + 1}/${repeats}: ${f(fit.timing.totalSeconds)} s`);
  }
  if (fit === undefined) throw new Error("--nuts-repeats must be >= 1");
  const sorted = [...walls].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  // user + system time of every thread of this process: robust to other load on a shared machine
  const cpuSeconds = (cpuDelta.user + cpuDelta.system) / 1e6;
  const d = fit.diagnostics;
  const verdict = recoveryVerdict(fit, sim);
  const cov = roiCoverage(fit, sim);
  ctx.log(
    `nuts: ${f(fit.timing.totalSeconds)} s, min bulk ESS ${f(d.essBulkMin, 0)}, R-hat ${f(d.rhatMax, 3)}, divergences ${d.divergences}`,
  );
  const rows = cov
    .map(
      (c) =>
        `| ${c.channel} | ${f(c.truth)} | ${f(c.q50)} | [${f(c.q05)}, ${f(c.q95)}] | ${c.covered ? "yes" : "no"} |`,
    )
    .join("\n");
  return {
    id: "core-nuts",
    title: "Full NUTS fit, 156 weeks x 6 channels, 4 chains x (1000 warmup + 1000 draws)",
    command: "pnpm bench --only=core:nuts",
    body:
      `Recovery scenario (docs/model.md section 7): TV, Search, Display, Radio, Instagram (viral echo), Influencer; simulated with seed 7, fitted with seed 1 and default settings (random inits, centered intercept, early metric windows, target acceptance ${DEFAULT_TARGET_ACCEPT}, chains in worker threads, one per core; docs/model.md section 8). Target: converged in <= 10 s wall on this 2-core machine; Stan (rstan) needs about 270 s here for a model of this size (68 s compile, 203 s sampling). The fit ran ${repeats} times (same draws each time).\n\n| figure | value |\n|---|---|\n` +
      `| wall time, median of ${repeats} (total, incl. summaries; 1-min load average at the end ${f(loadavg()[0]!, 1)}) | ${f(median)} s (${median <= 10 ? "target <= 10 s: met" : "target <= 10 s: NOT met"}) |\n` +
      `| wall times of the ${repeats} runs | ${walls.map((w) => f(w)).join(" / ")} s |\n` +
      `| CPU time of the last run (all threads, user + system) | ${f(cpuSeconds)} s |\n` +
      `| min bulk ESS per CPU second | ${f(d.essBulkMin / cpuSeconds, 1)} |\n` +
      `| warmup / sampling per chain (slowest chain) | ${f(fit.timing.warmupSeconds)} s / ${f(fit.timing.samplingSeconds)} s |\n` +
      `| min bulk ESS | ${f(d.essBulkMin, 0)} |\n` +
      `| min bulk ESS per second of wall time (median run) | ${f(d.essBulkMin / median, 1)} |\n` +
      `| min tail ESS | ${f(d.essTailMin, 0)} |\n` +
      `| max R-hat | ${f(d.rhatMax, 4)} (${verdict.rhatOk ? "<= 1.01" : "> 1.01: FAILS the criterion"}) |\n` +
      `| divergences | ${d.divergences} of ${fit.settings.chains * fit.settings.draws} (${f((100 * d.divergences) / (fit.settings.chains * fit.settings.draws))} %; ${verdict.divergencesOk ? "< 0.5 %" : ">= 0.5 %: FAILS the criterion"}) |\n` +
      `| max tree depth hits | ${d.treedepthHits} |\n| min E-BFMI | ${f(d.ebfmiMin)} |\n` +
      `| converged (diagnostics verdict) | ${d.converged ? "yes" : `no: ${d.reasons.join("; ")}`} |\n` +
      `| holdout (13 weeks) MAPE / R^2 / 90 % coverage | ${f(100 * (fit.holdout?.mape ?? NaN), 1)} % / ${f(fit.holdout?.r2 ?? NaN)} / ${f(100 * (fit.holdout?.coverage90 ?? NaN), 0)} % |\n` +
      `| recovery criterion (R-hat, divergences, >= 5 of 6 ROI covered) | ${verdict.ok ? "PASS" : "FAIL"} |\n\n` +
      `| channel | true ROI | posterior median | 90 % interval | covered |\n|---|---|---|---|---|\n${rows}\n`,
  };
}

function numericFlag(ctx: BenchContext, name: string, fallback: number): number {
  const flag = [...ctx.flags].find((fl) => fl.startsWith(`${name}=`));
  const v = flag === undefined ? fallback : Number(flag.slice(name.length + 1));
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

async function coverageSection(ctx: BenchContext): Promise<BenchSection> {
  const nSeeds = numericFlag(ctx, "coverage-seeds", 20);
  const iter = numericFlag(ctx, "coverage-iter", 1000);
  const seeds = Array.from({ length: nSeeds }, (_, i) => 101 + i);
  let covered = 0;
  let total = 0;
  let rhatOk = 0;
  let divOk = 0;
  let wall = 0;
  const lines: string[] = [];
  for (const seed of seeds) {
    const sim = recoveryData(seed);
    const fit = await fitModel(sim.dataset, sim.config, {
      mode: "nuts",
      chains: 4,
      warmup: iter,
      draws: iter,
      seed: 1,
    });
    const cov = roiCoverage(fit, sim);
    const v = recoveryVerdict(fit, sim);
    covered += v.covered;
    total += cov.length;
    rhatOk += v.rhatOk ? 1 : 0;
    divOk += v.divergencesOk ? 1 : 0;
    wall += fit.timing.totalSeconds;
    lines.push(
      `| ${seed} | ${v.covered}/${cov.length} | ${f(fit.diagnostics.rhatMax, 3)} | ${fit.diagnostics.divergences} | ${f(fit.timing.totalSeconds, 0)} s | ${
        cov
          .filter((c) => !c.covered)
          .map((c) => c.channel)
          .join(", ") || "-"
      } |`,
    );
    ctx.log(
      `coverage seed ${seed}: ${v.covered}/${cov.length}, R-hat ${f(fit.diagnostics.rhatMax, 3)}, divergences ${fit.diagnostics.divergences}`,
    );
  }
  const rate = covered / total;
  return {
    id: "core-coverage",
    title: `ROI coverage study, ${nSeeds} seeds (opt-in)`,
    command: `pnpm bench --only=core:coverage --coverage${nSeeds !== 20 ? ` --coverage-seeds=${nSeeds}` : ""}${iter !== 1000 ? ` --coverage-iter=${iter}` : ""}`,
    body:
      `Recovery scenario simulated with seeds ${seeds[0]}..${seeds.at(-1)}, each fitted with NUTS 4 x (${iter} warmup + ${iter} draws), seed 1${iter !== 1000 ? " (shortened from the default 1000 + 1000 to fit the time available on the shared machine)" : ""}. Target (docs/model.md section 7): 80-97 % of true channel ROIs inside their 90 % intervals.\n\n| figure | value |\n|---|---|\n` +
      `| true ROI inside the 90 % interval | ${covered} of ${total} (${f(100 * rate, 1)} %; ${rate >= 0.8 && rate <= 0.97 ? "inside" : "OUTSIDE"} the 80-97 % target) |\n` +
      `| fits with R-hat <= 1.01 | ${rhatOk} of ${seeds.length} |\n| fits with divergences < 0.5 % | ${divOk} of ${seeds.length} |\n| total wall time | ${f(wall / 60, 1)} min |\n\n` +
      `| data seed | covered | max R-hat | divergences | wall | missed |\n|---|---|---|---|---|---|\n${lines.join("\n")}\n`,
  };
}

export default async function coreBenchmarks(ctx: BenchContext): Promise<BenchSection[]> {
  const sections: BenchSection[] = [];
  const only = [...ctx.flags].filter((fl) => fl.startsWith("only=")).map((fl) => fl.slice(5));
  const want = (id: string): boolean => only.length === 0 || only.includes(id);
  if (want("gradient")) sections.push(gradientSection(ctx));
  if (want("fast")) sections.push(await fastSection(ctx));
  if (want("nuts")) sections.push(await nutsSection(ctx));
  if (ctx.flags.has("coverage") && (only.length === 0 || only.includes("coverage")))
    sections.push(await coverageSection(ctx));
  if (ctx.flags.has("sampler") && (only.length === 0 || only.includes("sampler")))
    sections.push(await samplerSection(ctx));
  // opt-in (about 4 x the core:nuts fit): named with --only=core:levers, or --levers in a full run
  if (only.includes("levers") || (ctx.flags.has("levers") && only.length === 0))
    sections.push(await leversSection(ctx));
  return sections;
}

/** The seven-channel demo brand that `pnpm start` seeds (packages/db/seed, generated by core's simulator). */
function demoData(): { dataset: Dataset; config: ModelConfigInput } {
  const dir = new URL("../../db/seed/", import.meta.url);
  const info = JSON.parse(readFileSync(new URL("demo-dataset.json", dir), "utf8")) as {
    mapping: ColumnMapping;
    config: ModelConfigInput & { holdoutWeeks?: number };
  };
  const parsed = parseDatasetCsv(readFileSync(new URL("demo-dataset.csv", dir), "utf8"), info.mapping, {
    holdoutWeeks: info.config.holdoutWeeks ?? 13,
  });
  if (!parsed.ok) throw new Error(`demo dataset does not parse: ${parsed.errors[0]?.message}`);
  return { dataset: parsed.dataset, config: info.config };
}

function chainLine(name: string, r: ChainResult): string {
  let leapfrogs = 0;
  for (const n of r.nLeapfrog) leapfrogs += n;
  const divergences = r.divergent.reduce((a, b) => a + b, 0);
  return `| ${name} | ${f(r.stepSize, 3)} | ${f(leapfrogs / r.draws, 1)} | ${r.warmupGradients} | ${divergences} | ${f(r.warmupMs / 1000, 1)} / ${f(r.samplingMs / 1000, 1)} |`;
}

/**
 * What docs/model.md section 8 says about Mixcast's sampler settings, measured: the centered
 * intercept against the canonical parameters, early metric windows against Stan's schedule (one
 * chain each, recovery scenario seed 7), and divergences / time per target acceptance on six
 * recovery datasets and the demo brand.
 */
async function samplerSection(ctx: BenchContext): Promise<BenchSection> {
  const sim = recoveryData(7);
  const spec = buildModelSpec(sim.dataset, sim.config);
  const chain = (target: LogDensity, warmup: number, draws: number, earlyMetricWindow: number) =>
    sampleChain(
      target,
      { chains: 1, warmup, draws, seed: 1, targetAccept: DEFAULT_TARGET_ACCEPT, earlyMetricWindow },
      0,
    );
  ctx.log("sampler: canonical vs centered (one chain, 500 + 500)");
  const canonical = chain(createModel(spec), 500, 500, 10);
  const centered = chain(createModel(spec, { centerIntercept: true }), 500, 500, 10);
  ctx.log("sampler: Stan's windows vs early windows (one chain, 1000 + 1000)");
  const stanWindows = chain(createModel(spec, { centerIntercept: true }), 1000, 1000, 0);
  const earlyWindows = chain(createModel(spec, { centerIntercept: true }), 1000, 1000, 10);

  const targets = [0.8, 0.85, 0.9];
  const datasets: { name: string; dataset: Dataset; config: ModelConfigInput; seed: number }[] = [
    ...[1, 2, 3, 4, 5, 7].map((seed) => ({
      name: `recovery, data seed ${seed}`,
      ...(({ dataset, config }) => ({ dataset, config }))(recoveryData(seed)),
      seed: 1,
    })),
    ...[20_260_101, 1, 2].map((seed) => ({ name: `demo brand, fit seed ${seed}`, ...demoData(), seed })),
  ];
  const rows: string[] = [];
  for (const d of datasets) {
    const cells: string[] = [];
    for (const targetAccept of targets) {
      const fit = await fitModel(d.dataset, d.config, { mode: "nuts", seed: d.seed, targetAccept });
      ctx.log(
        `sampler: ${d.name}, target ${targetAccept}: ${fit.diagnostics.divergences} divergences, ${f(fit.timing.totalSeconds, 1)} s`,
      );
      cells.push(
        `${fit.diagnostics.divergences} (${f((100 * fit.diagnostics.divergences) / 4000)} %), ${f(fit.timing.totalSeconds, 1)} s`,
      );
    }
    rows.push(`| ${d.name} | ${cells.join(" | ")} |`);
  }
  const head =
    "| run | step size | leapfrogs per draw | warmup gradients | divergences | warmup / sampling (s) |\n|---|---:|---:|---:|---:|---:|";
  return {
    id: "core-sampler",
    title: "Sampler settings study (opt-in)",
    command: "pnpm bench --only=core:sampler --sampler",
    body:
      `The measurements behind docs/model.md section 8. Recovery scenario (156 weeks x 6 channels), simulated with seed 7, one chain, seed 1, target acceptance ${DEFAULT_TARGET_ACCEPT}.\n\n` +
      `Intercept parameterization (500 warmup + 500 draws, early metric windows):\n\n${head}\n${chainLine("canonical (b0)", canonical)}\n${chainLine("centered (mean of mu)", centered)}\n\n` +
      `Metric adaptation in the initial buffer (centered, 1000 warmup + 1000 draws):\n\n${head}\n${chainLine("Stan's schedule (unit metric for 75 iterations)", stanWindows)}\n${chainLine("early windows (every 10 draws)", earlyWindows)}\n\n` +
      `Target acceptance: divergent transitions in 4000 draws and total fit time (4 chains x 1000 + 1000, default settings otherwise):\n\n| data | ${targets.map((t) => `target ${t}`).join(" | ")} |\n|---|${targets.map(() => "---").join("|")}|\n${rows.join("\n")}\n`,
  };
}

/**
 * The speed-lever table of docs/model.md section 8 (issue 15): gradient evaluations per chain and
 * bulk ESS per 1000 gradients of the recovery scenario (4 x (1000 + 1000), seed 1, the fit's
 * NUTS options plus each lever), for data seeds 7 and 1. Gradient counts do not depend on machine
 * load; the diagnostics are fitFromChains' (canonical draws, as fitModel reports them).
 */
async function leversSection(ctx: BenchContext): Promise<BenchSection> {
  // The fit's own options before issue 15's warmup defaults: Stan's full 1000-iteration schedule.
  const fullWarmup: Partial<NutsOptions> = {
    initBufferMaxTreeDepth: 10,
    warmupSettleTolerance: 0,
    warmupSettleMinWindows: 2,
  };
  const fromThird: Partial<NutsOptions> = { warmupSettleTolerance: 0.45, warmupSettleMinWindows: 3 };
  const runs: { seed: number; name: string; lever: Partial<NutsOptions> }[] = [
    { seed: 7, name: "defaults", lever: {} },
    { seed: 7, name: "full warmup (Stan's schedule, no depth cap)", lever: fullWarmup },
    { seed: 7, name: "depth cap only (full warmup)", lever: { ...fullWarmup, initBufferMaxTreeDepth: 6 } },
    { seed: 7, name: "early end from the 3rd window (0.45)", lever: fromThird },
    { seed: 7, name: '`metric: "dense"`', lever: { metric: "dense" } },
    { seed: 7, name: "target acceptance 0.8", lever: { targetAccept: 0.8 } },
    { seed: 1, name: "defaults", lever: {} },
    { seed: 1, name: "full warmup (Stan's schedule, no depth cap)", lever: fullWarmup },
    { seed: 1, name: '`metric: "dense"`', lever: { metric: "dense" } },
    { seed: 1, name: "target acceptance 0.8", lever: { targetAccept: 0.8 } },
    { seed: 110, name: "defaults", lever: {} },
    { seed: 110, name: "full warmup (Stan's schedule, no depth cap)", lever: fullWarmup },
    { seed: 110, name: '`metric: "dense"`', lever: { metric: "dense" } },
    { seed: 110, name: "target acceptance 0.8", lever: { targetAccept: 0.8 } },
  ];
  const base = { mode: "nuts" as const, chains: 4, warmup: 1000, draws: 1000, seed: 1 };
  const lines: string[] = [];
  const load0 = loadavg()[0]!;
  for (const run of runs) {
    const sim = recoveryData(run.seed);
    const { ref } = modelTarget(sim.dataset, sim.config);
    const opts: NutsOptions = { ...nutsOptionsFor(base), ...run.lever };
    const results = await sampleChains(ref, opts);
    const fit = fitFromChains(sim.dataset, sim.config, results, base);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const warmupIterations = mean(results.map((r) => r.warmupIterations ?? base.warmup));
    const warmupGradients = mean(results.map((r) => r.warmupGradients));
    const gradients = mean(results.map((r) => r.warmupGradients + r.nLeapfrog.reduce((a, b) => a + b, 0)));
    const d = fit.diagnostics;
    const essPerK = (1000 * d.essBulkMin) / (gradients * base.chains);
    ctx.log(
      `levers: data seed ${run.seed}, ${run.name}: ${f(gradients, 0)} gradients per chain, ESS ${f(d.essBulkMin, 0)}`,
    );
    lines.push(
      `| ${run.seed} | ${run.name} | ${f(warmupIterations, 0)} | ${f(warmupGradients, 0)} | ${f(d.leapfrogsPerDraw ?? Number.NaN, 1)} | ${f(gradients, 0)} | ${f(d.essBulkMin, 0)} | ${f(essPerK, 2)} | ${d.divergences} | ${f(d.rhatMax, 4)} |`,
    );
  }
  return {
    id: "core-levers",
    title: "Sampler speed levers (docs/model.md section 8)",
    command: "pnpm bench --only=core:levers",
    body:
      `Recovery scenario (156 weeks x 6 channels), data seeds 7, 1 and 110 (the coverage seed where the early end from the 3rd window gave 46 divergences), 4 chains x (1000 warmup + 1000 draws), seed 1, the fit's NUTS options (fitModel's nutsOptionsFor: target acceptance ${DEFAULT_TARGET_ACCEPT}, early metric windows, centered intercept, tree depth <= ${V1_INIT_BUFFER_MAX_TREE_DEPTH} in the initial buffer, warmup ends after the 4th slow window when it agrees with the 3rd to ${V1_WARMUP_SETTLE_TOLERANCE}; table exp/log in the v1 Hill) with the run's options on top; means over the 4 chains; min bulk ESS and R-hat of the canonical draws (as fitModel reports them). Gradient counts do not depend on machine load (1-min load average ${f(load0, 1)} at the start).\n\n` +
      "| data seed | run | warmup iterations | warmup gradients per chain | leapfrogs per draw | gradients per chain | min bulk ESS | bulk ESS per 1000 gradients | divergences | max R-hat |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n" +
      lines.join("\n") +
      "\n",
  };
}
