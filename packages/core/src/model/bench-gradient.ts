/**
 * Benchmark of the sampler's hot loop: logDensityGradient of the default model on 156 weeks x
 * 6 channels (traditional, digital, social x2, influencer, other), 1 control.
 * Run: pnpm --filter @mixcast/core exec tsx src/model/bench-gradient.ts
 */
import { createModel } from "./model.ts";
import { buildModelSpec } from "./spec.ts";
import { syntheticDataset } from "./synthetic.ts";

function main(): void {
  const ds = syntheticDataset({ weeks: 156, events: 0 });
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
      theta[i % theta.length]! += 1e-9; // defeat any caching
      x += model.logDensityGradient(theta, grad);
    }
    times.push(Number(process.hrtime.bigint() - t0) / 1e3 / N);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / N);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  // reference kernel: one log and one exp per week and channel (the Hill floor), same conditions
  const e = Float64Array.from({ length: spec.trainingWeeks * spec.channels.length }, (_, i) => 0.1 + (i % 97) / 30);
  const o = new Float64Array(e.length);
  const ref = () => {
    for (let t = 0; t < e.length; t++) o[t] = 1 / (1 + Math.exp(-1.5 * (Math.log(e[t]!) - 0.1)));
  };
  for (let i = 0; i < N; i++) ref();
  const r0 = process.cpuUsage();
  for (let i = 0; i < N; i++) ref();
  const rc = process.cpuUsage(r0);
  const refUs = (rc.user + rc.system) / N;
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) x += model.logDensity(theta);
  const tl = Number(process.hrtime.bigint() - t1) / 1e3 / N;
  console.log(
    `weeks=${spec.trainingWeeks} channels=${spec.channels.length} dim=${model.dim}\n` +
      `logDensityGradient: wall median ${times[2]!.toFixed(2)} us, best ${times[0]!.toFixed(2)} us; CPU median ${cpu[2]!.toFixed(2)} us, best ${cpu[0]!.toFixed(2)} us per call\n` +
      `logDensity (no gradient): ${tl.toFixed(2)} us per call   (checksum ${x.toExponential(3)})\n` +
      `reference ${e.length} x (log + exp): ${refUs.toFixed(2)} us CPU; gradient / reference = ${(cpu[2]! / refUs).toFixed(2)}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
