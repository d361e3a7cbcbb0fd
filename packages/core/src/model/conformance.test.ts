/**
 * Conformance with the Stan reference vectors (test/fixtures/conformance-v1, README there):
 * data scaling, constrain/unconstrain, per-week pipeline, log density parts, both gradients,
 * contribution and ROI, at all 4 reference points.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../data/types.ts";
import { buildModelSpec } from "./spec.ts";
import { createModel, type LogDensityParts } from "./model.ts";

const dir = fileURLToPath(new URL("../../test/fixtures/conformance-v1/", import.meta.url));
const V = JSON.parse(readFileSync(`${dir}vectors.json`, "utf8"));

function conformanceDataset(): Dataset {
  const [head, ...rows] = readFileSync(`${dir}data.csv`, "utf8").trim().split("\n");
  const cols = head!.split(",");
  const table = rows.map((r) => r.split(","));
  const col = (name: string) => Float64Array.from(table, (r) => Number(r[cols.indexOf(name)]));
  return {
    dates: table.map((r) => r[0]!),
    kpiName: "revenue",
    kpi: col("revenue"),
    channels: (V.data.channels as string[]).map((name) => ({
      name,
      type: V.data.channelTypes[name],
      spend: col(name),
    })),
    controls: [{ name: "price", values: col("price") }],
    events: [],
  };
}

const config = {
  date: "date",
  kpi: "revenue",
  channels: (V.data.channels as string[]).map((column) => ({ column, type: V.data.channelTypes[column] })),
  controls: ["price"],
  holdoutWeeks: 0,
};

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, `${what} length`).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: worst error at ${at}: got ${got[at]}, want ${want[at]}`).toBeLessThanOrEqual(tol);
}

const spec = buildModelSpec(conformanceDataset(), config);
const model = createModel(spec);
const channels: string[] = V.data.channels;
const socials: string[] = V.data.socialChannels;
const influencers: string[] = V.data.influencerChannels;

describe("conformance v1: data", () => {
  it("scales the data like the reference", () => {
    const d = V.data;
    expect(spec.weeks).toBe(104);
    expect(spec.trainingWeeks).toBe(104);
    close([spec.scaling.kpiMean], [d.scaling.kpiMean], 1e-12, "kpiMean");
    close(
      spec.scaling.spendMean,
      channels.map((c) => d.scaling.spendMean[c]),
      1e-12,
      "spendMean",
    );
    close(
      spec.scaling.spendTotal,
      channels.map((c) => d.scaling.spendTotal[c]),
      1e-12,
      "spendTotal",
    );
    close(spec.scaling.controlMean, [d.scaling.controlMean.price], 1e-12, "controlMean");
    close(spec.scaling.controlSd, [d.scaling.controlSd.price], 1e-12, "controlSd");
    close(spec.y, d.y, 1e-12, "y");
    close(spec.tau, d.tau, 1e-12, "tau");
    spec.channels.forEach((ch) => close(ch.x, d.x[ch.name], 1e-12, `x[${ch.name}]`));
    close(spec.controls[0]!.z, d.z.price, 1e-12, "z");
    for (let k = 0; k < 2; k++) {
      close(spec.fourierSin[k]!, d.fourierSin[k], 1e-12, `sin${k}`);
      close(spec.fourierCos[k]!, d.fourierCos[k], 1e-12, `cos${k}`);
    }
  });

  it("keeps the training constants of network and influencer stages", () => {
    const d = V.data.scaling;
    for (const s of socials) {
      const st = spec.channels.find((c) => c.name === s)!.stages.find((x) => x.stage === "network")!;
      close(
        [st.constants.rollingMeanMin!, st.constants.rollingMeanMax!],
        [d.networkRollingMeanMin[s], d.networkRollingMeanMax[s]],
        1e-12,
        s,
      );
    }
    for (const s of influencers) {
      const st = spec.channels.find((c) => c.name === s)!.stages.find((x) => x.stage === "authenticity")!;
      close([st.constants.scaledSpendMax!], [d.influencerScaledSpendMax[s]], 1e-12, s);
    }
  });

  it("orders and labels the parameters like the reference", () => {
    expect(model.dim).toBe(36);
    expect(model.parameters.map((p) => p.label)).toEqual(
      V.parameterOrder.map((p: { label: string }) => p.label),
    );
    expect(model.parameters.map((p) => p.name)).toEqual(
      V.parameterOrder.map((p: { name: string }) => p.name),
    );
    expect(model.parameters.map((p) => [p.block, p.index, p.constraint])).toEqual(
      V.parameterOrder.map((p: { block: string; index: number; constraint: string }) => [
        p.block,
        p.index,
        p.constraint,
      ]),
    );
  });
});

const pointCases: [string, number][] = V.points.map((p: { name: string }, i: number) => [p.name, i]);
describe.each(pointCases)("conformance v1: point %s", (_name, i) => {
  const pt = V.points[i];
  const theta = Float64Array.from(pt.unconstrained as number[]);
  const values = model.constrain(theta);

  it("constrains and unconstrains", () => {
    close(values, pt.constrainedVector, 1e-12, "constrain");
    close(
      model.unconstrain(Float64Array.from(pt.constrainedVector as number[])),
      pt.unconstrained,
      1e-12,
      "unconstrain",
    );
  });

  it("reproduces the per-week pipeline and mu", () => {
    const f = model.forward(values);
    channels.forEach((c, k) => {
      close(f.adstock[k]!, pt.adstock[c], 1e-10, `adstock[${c}]`);
      close(f.exposure[k]!, pt.exposure[c], 1e-10, `exposure[${c}]`);
      close(f.saturation[k]!, pt.saturation[c], 1e-10, `saturation[${c}]`);
      if (socials.includes(c)) close(f.viralEcho[k]!, pt.viralEcho[c], 1e-10, `viralEcho[${c}]`);
      else expect(f.viralEcho[k]!.every((v) => v === 0)).toBe(true);
    });
    close(f.mu, pt.mu, 1e-10, "mu");
  });

  it("reproduces the log density, its parts and both gradients", () => {
    const parts: LogDensityParts = { logPrior: 0, logLikelihood: 0, logJacobian: 0, logTerms: 0, total: 0 };
    const g = new Float64Array(model.dim);
    const lpJ = model.evaluate(theta, g, true, parts);
    close([parts.logPrior], [pt.logPrior], 1e-9, "logPrior");
    close([parts.logLikelihood], [pt.logLikelihood], 1e-9, "logLikelihood");
    close([parts.logJacobian], [pt.logJacobian], 1e-9, "logJacobian");
    close([lpJ], [pt.logDensityWithJacobian], 1e-9, "logDensityWithJacobian");
    close(g, pt.gradientWithJacobian, 1e-7, "gradientWithJacobian");
    const g2 = new Float64Array(model.dim);
    expect(model.logDensityGradient(theta, g2)).toBe(lpJ);
    expect(Array.from(g2)).toEqual(Array.from(g));
    close([model.logDensity(theta)], [pt.logDensityWithJacobian], 1e-9, "logDensity");
    const lp = model.evaluate(theta, g, false);
    close([lp], [pt.logDensityNoJacobian], 1e-9, "logDensityNoJacobian");
    close(g, pt.gradientNoJacobian, 1e-7, "gradientNoJacobian");
  });

  it("reproduces contribution and ROI (original units)", () => {
    const f = model.forward(values);
    const want = V.roi[i];
    expect(want.point).toBe(pt.name);
    channels.forEach((c, k) => {
      let s = 0;
      for (let t = 0; t < spec.trainingWeeks; t++) s += f.channel[k]![t]!;
      const contribution = spec.scaling.kpiMean * s;
      const roi = contribution / spec.scaling.spendTotal[k]!;
      expect(Math.abs(contribution - want.contribution[c])).toBeLessThanOrEqual(
        1e-9 * Math.abs(want.contribution[c]),
      );
      expect(Math.abs(roi - want.roi[c])).toBeLessThanOrEqual(1e-9 * Math.abs(want.roi[c]));
      expect(spec.scaling.spendTotal[k]).toBeCloseTo(want.spend[c], 6);
    });
  });

  it("pointwise log likelihood sums to the log likelihood", () => {
    const out = new Float64Array(spec.trainingWeeks);
    model.pointwiseLogLik(values, out);
    close([out.reduce((a, b) => a + b, 0)], [pt.logLikelihood], 1e-9, "sum pointwise");
  });
});
