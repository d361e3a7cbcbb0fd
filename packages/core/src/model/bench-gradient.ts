/**
 * Benchmark of the sampler's hot loop: logDensityGradient of the default model on 156 weeks x
 * 6 channels (traditional, digital, social x2, influencer, other), 1 control.
 * Run: pnpm --filter @mixcast/core exec tsx src/model/bench-gradient.ts
 */
import type { Dataset } from "../data/types.ts";
import { createModel } from "./model.ts";
import { buildModelSpec } from "./spec.ts";

export function benchDataset(weeks = 156, seed = 7): Dataset {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const types = ["traditional", "digital", "social", "social", "influencer", "other"] as const;
  const channels = types.map((type, c) => ({
    name: `ch${c + 1}`,
    type,
    spend: Float64Array.from({ length: weeks }, (_, t) => (rand() < 0.15 && t % 7 !== 3 ? 0 : 1000 * (1 + c) * (0.5 + rand()))),
  }));
  const dates = Array.from({ length: weeks }, (_, t) => new Date(Date.UTC(2023, 0, 2 + 7 * t)).toISOString().slice(0, 10));
  return {
    dates,
    kpiName: "revenue",
    kpi: Float64Array.from({ length: weeks }, (_, t) => 1e5 * (1 + 0.2 * Math.sin(t / 8) + 0.1 * rand())),
    channels,
    controls: [{ name: "price", values: Float64Array.from({ length: weeks }, () => 20 + rand()) }],
    events: [],
  };
}

function main(): void {
  const ds = benchDataset();
  const spec = buildModelSpec(ds, {
    date: "date",
    kpi: "revenue",
    channels: ds.channels.map((c) => ({ column: c.name, type: c.type })),
    controls: ["price"],
    holdoutWeeks: 0,
  });
  const model = createModel(spec);
  const theta = new Float64Array(model.dim);
  const grad = new Float64Array(model.dim);
  let x = 0;
  for (let i = 0; i < theta.length; i++) theta[i] = 0.3 * Math.sin(i + 1);
  const N = 20000;
  for (let i = 0; i < N; i++) x += model.logDensityGradient(theta, grad); // warm-up (JIT)
  const reps = 5;
  // wall time and CPU time (the machine is shared: CPU time discounts time spent preempted)
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      theta[i % theta.length] += 1e-9; // defeat any caching
      x += model.logDensityGradient(theta, grad);
    }
    times.push(Number(process.hrtime.bigint() - t0) / 1e3 / N);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / N);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) x += model.logDensity(theta);
  const tl = Number(process.hrtime.bigint() - t1) / 1e3 / N;
  console.log(
    `weeks=${spec.trainingWeeks} channels=${spec.channels.length} dim=${model.dim}\n` +
      `logDensityGradient: wall median ${times[2]!.toFixed(2)} us, best ${times[0]!.toFixed(2)} us; CPU median ${cpu[2]!.toFixed(2)} us, best ${cpu[0]!.toFixed(2)} us per call\n` +
      `logDensity (no gradient): ${tl.toFixed(2)} us per call   (checksum ${x.toExponential(3)})`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
