/**
 * Planning benchmarks (issue 18): flighting (per channel per week) and goal-seeking on the
 * optimizer's standard size, 10 channels x 13 weeks x 1000 draws (the analysis bench's model).
 * Run: pnpm bench --only=planning
 */
import { availableParallelism, loadavg } from "node:os";
import { optimizeFlighting } from "../src/analysis/flighting.ts";
import { horizonResponse, type PosteriorDraws, recentWeeklySpend } from "../src/analysis/model-adapter.ts";
import { optimizeBudget } from "../src/analysis/optimizer.ts";
import { optimizeGoal } from "../src/analysis/optimizer-goals.ts";
import { seededRandom } from "../src/analysis/stats.ts";
import { createModel, type MmmModel } from "../src/model/model.ts";
import { buildModelSpec } from "../src/model/spec.ts";
import { DEMO_CHANNELS, RECOVERY_CHANNELS } from "../src/simulate/scenario.ts";
import { simulate } from "../src/simulate/simulate.ts";

function timed<T>(f: () => T): { ms: number; cpu: number; value: T } {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = f();
  const ms = performance.now() - t;
  const u = process.cpuUsage(c);
  return { ms, cpu: (u.user + u.system) / 1000, value };
}

/** Draws scattered around the simulation's truth (as in analysis.bench.ts). */
function pseudoPosterior(
  model: MmmModel,
  truth: Record<string, number>,
  draws: number,
  seed: number,
): PosteriorDraws {
  const rng = seededRandom(seed);
  const dim = model.parameters.length;
  const values = new Float64Array(draws * dim);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-300))) * Math.cos(2 * Math.PI * rng());
  for (let d = 0; d < draws; d++)
    model.parameters.forEach((p, j) => {
      const t = truth[p.label]!;
      let v = t;
      if (p.constraint === "positive") v = t * Math.exp(0.15 * normal());
      else if (p.constraint === "unit") v = 1 / (1 + Math.exp(-(Math.log(t / (1 - t)) + 0.15 * normal())));
      values[d * dim + j] = v;
    });
  return { values, draws, dim };
}

export default function planningBench(ctx: { log(m: string): void }) {
  const ten = [
    ...DEMO_CHANNELS,
    ...RECOVERY_CHANNELS.filter((c) => c.name === "Display" || c.name === "Radio"),
    { ...RECOVERY_CHANNELS[0]!, name: "CTV" },
  ];
  const sim = simulate({ weeks: 156, seed: 21, channels: ten });
  const model = createModel(buildModelSpec(sim.dataset, sim.config));
  const post = pseudoPosterior(model, sim.truth.parameters, 1000, 5);
  const W = 13;
  const tail = model.spec.adstockLags;
  const load = loadavg()[0]?.toFixed(1);
  const resp = horizonResponse(model, post, W);
  const respTail = horizonResponse(model, post, W + tail);
  const current = recentWeeklySpend(model.spec, W);
  const budget = W * current.reduce((a, b) => a + b, 0);
  ctx.log("flat optimum");
  const flat = timed(() => optimizeBudget(resp, { budget, currentWeekly: current, seed: 1 }));
  ctx.log("flighting");
  const fl = timed(() =>
    optimizeFlighting(respTail, { window: W, totals: flat.value.allocation.map((a) => a.total) }),
  );
  ctx.log("goals");
  const mroi = timed(() =>
    optimizeGoal(
      resp,
      { kind: "target-mroi", mroi: 0.8 * flat.value.allocation[0]!.marginalRoi },
      { currentWeekly: current },
    ),
  );
  const roiTarget = (0.8 * flat.value.incrementalKpi.mean) / budget;
  const roi = timed(() =>
    optimizeGoal(resp, { kind: "target-roi", roi: roiTarget }, { currentWeekly: current }),
  );
  const minSpend = timed(() =>
    optimizeGoal(
      resp,
      { kind: "min-spend", targetKpi: flat.value.expectedKpi.q50, probability: 0.8 },
      { currentWeekly: current },
    ),
  );
  const f = fl.value;
  const gain = (100 * (f.objectiveValue - f.flatObjectiveValue)) / f.flat.incrementalKpi.mean;
  const row = (what: string, r: { ms: number; cpu: number }, note: string) =>
    `| ${what} | ${r.ms.toFixed(0)} ms | ${r.cpu.toFixed(0)} ms | ${note} |`;
  const body = [
    `Machine load (1-min average) at start: ${load} on ${availableParallelism()} cores. One run each (CPU time is the figure to read on a shared machine).`,
    "",
    "| what (10 channels, 13 weeks, 1000 draws) | wall | CPU | notes |",
    "|---|---|---|---|",
    row("optimizeBudget (flat, mean)", flat, "the channel totals flighting starts from"),
    row(
      `optimizeFlighting (13-week window + ${tail}-week carry-over tail)`,
      fl,
      `${f.search.evaluations} channel re-evaluations; expected media KPI +${gain.toFixed(2)}% of the flat plan's, P(beats flat) ${f.probabilityBeatsFlat.toFixed(2)}`,
    ),
    row(
      "goal target-mroi",
      mroi,
      `${mroi.value.search.budgets.length} budgets tried; spend ${mroi.value.totalSpend.toFixed(0)}`,
    ),
    row(
      "goal target-roi",
      roi,
      `${roi.value.search.budgets.length} budgets tried; spend ${roi.value.totalSpend.toFixed(0)}`,
    ),
    row(
      "goal min-spend (P >= 0.8)",
      minSpend,
      `${minSpend.value.search.budgets.length} budgets tried; feasible ${minSpend.value.feasible}, P ${minSpend.value.probabilityOfTarget?.toFixed(3)}`,
    ),
    "",
  ].join("\n");
  return Promise.resolve([
    {
      id: "core-planning",
      title: "Planning: flighting and goals (packages/core/bench/planning.bench.ts)",
      command: "pnpm bench --only=planning",
      body,
    },
  ]);
}
