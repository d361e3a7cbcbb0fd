/**
 * Analysis benchmarks (issue 4): optimizer speed (10 channels, 13 weeks, 1000 draws; target
 * < 0.5 s), scenario comparison (5 scenarios; target < 0.2 s), analyzeRun cost, and agreement of
 * the optimizer run on the true parameters versus on a posterior (simulated data with known truth).
 * Run: pnpm --filter @mixcast/core exec tsx bench/analysis.bench.ts [--nuts]
 * Prints a markdown section (also returned by run() for scripts/bench.ts).
 */
import { availableParallelism, loadavg } from "node:os";
import { analyzeRun } from "../src/analysis/analyze.ts";
import {
  horizonResponse,
  type PosteriorDraws,
  posteriorDraws,
  recentWeeklySpend,
} from "../src/analysis/model-adapter.ts";
import { optimizeBudget } from "../src/analysis/optimizer.ts";
import { compareScenarios } from "../src/analysis/scenario.ts";
import { seededRandom } from "../src/analysis/stats.ts";
import { fitModel } from "../src/fit/fit-model.ts";
import { createModel, type MmmModel } from "../src/model/model.ts";
import { buildModelSpec } from "../src/model/spec.ts";
import { DEMO_CHANNELS, RECOVERY_CHANNELS } from "../src/simulate/scenario.ts";
import { simulate } from "../src/simulate/simulate.ts";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Median wall time and median CPU time (user + system) of reps runs after a warm-up. CPU time is
 *  the figure to read on a shared machine: wall time there includes waiting for a core. */
function time<T>(f: () => T, reps: number): { ms: number; cpu: number; value: T } {
  let value = f(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    value = f();
    wall.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  return { ms: median(wall), cpu: median(cpu), value };
}

const fmt = (r: { ms: number; cpu: number }) => `${r.ms.toFixed(0)} ms | ${r.cpu.toFixed(0)} ms`;

/** Load-independent yardstick: CPU time of one "full evaluation" worth of Hill kernels
 *  (10 channels x 13 weeks x 1000 draws = 130k log+exp). */
function referenceKernel(): { ms: number; cpu: number; value: number } {
  return time(() => {
    let s = 0;
    for (let i = 0; i < 130_000; i++) s += 1 / (1 + Math.exp(1.3 * (0.2 - Math.log(0.5 + (i % 97) / 50))));
    return s;
  }, 9);
}

/** A posterior-like cloud around the truth: each draw scales every positive/unit parameter by lognormal noise. */
function pseudoPosterior(
  model: MmmModel,
  truth: Record<string, number>,
  draws: number,
  spread: number,
  seed: number,
): PosteriorDraws {
  const rng = seededRandom(seed);
  const dim = model.parameters.length;
  const values = new Float64Array(draws * dim);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-300))) * Math.cos(2 * Math.PI * rng());
  for (let d = 0; d < draws; d++) {
    model.parameters.forEach((p, j) => {
      const t = truth[p.label];
      if (t === undefined) throw new Error(`truth has no ${p.label}`);
      let v = t;
      if (p.constraint === "positive") v = t * Math.exp(spread * normal());
      else if (p.constraint === "unit") v = 1 / (1 + Math.exp(-(Math.log(t / (1 - t)) + spread * normal())));
      values[d * dim + j] = v;
    });
  }
  return { values, draws, dim };
}

function truthDraws(model: MmmModel, truth: Record<string, number>): PosteriorDraws {
  const values = Float64Array.from(model.parameters, (p) => truth[p.label] as number);
  return { values, draws: 1, dim: values.length };
}

export async function run(opts: { nuts?: boolean } = {}): Promise<string> {
  const lines: string[] = ["## Analysis (packages/core/bench/analysis.bench.ts)", ""];
  // --- speed: 10 channels, 13 weeks, 1000 draws
  const ten = [
    ...DEMO_CHANNELS,
    ...RECOVERY_CHANNELS.filter((c) => c.name === "Display" || c.name === "Radio"),
    { ...RECOVERY_CHANNELS[0]!, name: "CTV" },
  ];
  const sim10 = simulate({ weeks: 156, seed: 21, channels: ten });
  const model10 = createModel(buildModelSpec(sim10.dataset, sim10.config));
  const post10 = pseudoPosterior(model10, sim10.truth.parameters, 1000, 0.15, 5);
  const build = time(() => horizonResponse(model10, post10, 13), 3);
  const resp = build.value;
  const current = recentWeeklySpend(model10.spec, 13);
  const weekly = current.reduce((a, b) => a + b, 0);
  const budget = 13 * weekly;
  const opt = time(() => optimizeBudget(resp, { budget, currentWeekly: current, seed: 1 }), 5);
  const optQ = time(
    () =>
      optimizeBudget(resp, {
        budget,
        currentWeekly: current,
        seed: 1,
        objective: { kind: "quantile", q: 0.1 },
      }),
    3,
  );
  const scenarios = Array.from({ length: 5 }, (_, i) => ({
    name: `plan ${i + 1}`,
    weeks: 13,
    spend: Object.fromEntries(resp.channels.map((n, c) => [n, (current[c] as number) * (0.6 + 0.2 * i)])),
  }));
  const cmp = time(() => compareScenarios(resp, scenarios), 5);
  lines.push(
    `Machine load (1-min average) at start: ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores.`,
    "",
    "| what | size | median wall | median CPU | target |",
    "|---|---|---|---|---|",
  );
  lines.push(
    `| horizonResponse (build) | 10 channels, 156 weeks history, 13-week horizon, 1000 draws | ${fmt(build)} | - |`,
  );
  lines.push(
    `| optimizeBudget, mean objective | 10 channels, 13 weeks, 1000 draws | ${fmt(opt)} | < 500 ms |`,
  );
  lines.push(`| optimizeBudget, q10 objective | same | ${fmt(optQ)} | < 500 ms |`);
  const ref = referenceKernel();
  lines.push(
    `| reference: 130k Hill kernels (log + exp) | one optimizer evaluation's worth | ${fmt(ref)} | - |`,
  );
  lines.push(
    `| compareScenarios | 5 scenarios, 10 channels, 13 weeks, 1000 draws | ${fmt(cmp)} | < 200 ms |`,
  );

  // --- analyzeRun on the 6-channel recovery set
  const sim6 = simulate({ weeks: 156, seed: 8, channels: "recovery" });
  const model6 = createModel(buildModelSpec(sim6.dataset, sim6.config));
  const post6 = pseudoPosterior(model6, sim6.truth.parameters, 1000, 0.1, 6);
  const an = time(() => analyzeRun(model6, post6), 2);
  lines.push(`| analyzeRun (300 of 1000 draws) | 6 channels, 156 weeks, 31-point curves | ${fmt(an)} | - |`);
  lines.push(
    `| analysis JSON size | same | ${(JSON.stringify(an.value).length / 1024).toFixed(0)} KiB | | - |`,
  );
  lines.push(
    "",
    `The optimizer made ${opt.value.search.evaluations} (mean) and ${optQ.value.search.evaluations} (q10) full-draw evaluations; in units of the reference kernel its CPU time is ${(opt.cpu / ref.cpu).toFixed(0)}x and ${(optQ.cpu / ref.cpu).toFixed(0)}x (on an idle core the reference takes about 3 ms).`,
    "",
  );

  // --- true vs posterior allocation on simulated data
  const t0 = performance.now();
  const fit = await fitModel(
    sim6.dataset,
    sim6.config,
    opts.nuts
      ? { mode: "nuts", chains: 4, warmup: 500, draws: 250, seed: 3 }
      : { mode: "fast", draws: 1000, seed: 3 },
  );
  const fitSeconds = (performance.now() - t0) / 1000;
  const posterior = posteriorDraws(model6, fit.draws);
  const cur6 = recentWeeklySpend(model6.spec, 13);
  const budget6 = 13 * cur6.reduce((a, b) => a + b, 0);
  const trueResp = horizonResponse(model6, truthDraws(model6, sim6.truth.parameters), 13);
  const postResp = horizonResponse(model6, posterior, 13);
  const planTrue = optimizeBudget(trueResp, { budget: budget6, currentWeekly: cur6, seed: 1 });
  const planPost = optimizeBudget(postResp, { budget: budget6, currentWeekly: cur6, seed: 1 });
  // evaluate the posterior's plan under the truth
  const asScenario = (p: typeof planPost, name: string) => ({
    name,
    weeks: 13,
    spend: Object.fromEntries(p.allocation.map((a) => [a.channel, a.total / 13])),
  });
  const underTruth = compareScenarios(
    trueResp,
    [asScenario(planTrue, "true-optimal"), asScenario(planPost, "posterior-optimal")],
    { currentWeekly: cur6 },
  );
  const incTrue = underTruth.scenarios[0]!.incrementalKpi.mean;
  const incPost = underTruth.scenarios[1]!.incrementalKpi.mean;
  const curUnderTruth = planTrue.current.incrementalKpi.mean;
  const maxShareDiff = Math.max(
    ...planTrue.allocation.map((a, c) => Math.abs(a.share - planPost.allocation[c]!.share)),
  );
  lines.push(
    `True vs posterior allocation (recovery set, 156 weeks x 6 channels, ${opts.nuts ? "NUTS 4x250" : "fast mode, 1000 Laplace draws"}, fit ${fitSeconds.toFixed(1)} s, budget = last 13 weeks' spend):`,
    "",
    "| channel | true-optimal share | posterior-optimal share |",
    "|---|---|---|",
    ...planTrue.allocation.map(
      (a, c) =>
        `| ${a.channel} | ${(100 * a.share).toFixed(1)}% | ${(100 * planPost.allocation[c]!.share).toFixed(1)}% |`,
    ),
    "",
    `Largest share difference ${(100 * maxShareDiff).toFixed(1)} points. Incremental KPI under the true parameters: true-optimal ${incTrue.toFixed(0)}, posterior-optimal ${incPost.toFixed(0)} (regret ${((100 * (incTrue - incPost)) / incTrue).toFixed(2)}%), current plan ${curUnderTruth.toFixed(0)}. Tolerance: regret < 5% -> ${(incTrue - incPost) / incTrue < 0.05 ? "PASS" : "FAIL"}.`,
    "",
  );
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void run({ nuts: process.argv.includes("--nuts") }).then((md) => process.stdout.write(`${md}\n`));
}
