/**
 * The v2 model against the conformance vectors (test/fixtures/conformance-v2, from an independent
 * Stan implementation; tolerances of its README): parameter layout, constraining, every per-week
 * pipeline array, log density parts and gradients at four points per case, for three cases that
 * together use every v2 option. Data go through the real v2 parser and scaler.
 */
import { describe, expect, it } from "vitest";
import { CASES, loadCase, near } from "../../test/conformance-v2-cases.ts";
function nearArray(got: ArrayLike<number>, want: readonly number[], tol: number, what: string): void {
  expect(got.length, `${what} length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) near(got[i]!, want[i]!, tol, `${what}[${i}]`);
}
function nearGrid(
  got: readonly ArrayLike<number>[],
  want: readonly (readonly number[])[],
  tol: number,
  what: string,
): void {
  expect(got.length, `${what} geos`).toBe(want.length);
  want.forEach((row, g) => nearArray(got[g]!, row, tol, `${what}[${g}]`));
}

describe.each(CASES)("conformance v2 model: %s", (name) => {
  const { v, model } = loadCase(name);
  const spec = model.spec;
  const chIndex = (n: string) => spec.channels.findIndex((c) => c.name === n);

  it("has the reference's parameter order and constraints", () => {
    expect(spec.parameters.map((p) => p.name)).toEqual(v.parameterOrder.map((p: any) => p.name));
    expect(spec.parameters.map((p) => p.constraint)).toEqual(v.parameterOrder.map((p: any) => p.constraint));
  });

  for (const point of v.points as any[]) {
    it(`matches at ${point.name}: constrain, pipeline, log density, gradient`, () => {
      const theta = Float64Array.from(point.unconstrained as number[]);
      const values = model.constrain(theta);
      nearArray(values, point.constrainedVector, 1e-12, "constrained");
      nearArray(
        model.unconstrain(Float64Array.from(point.constrainedVector)),
        point.unconstrained,
        1e-12,
        "unconstrained",
      );

      const f = model.forward(values);
      if (point.knots) nearArray(f.knots, point.knots, 1e-12, "knots");
      if (point.mediaRandomWalk)
        nearArray(f.mediaRandomWalk, point.mediaRandomWalk, 1e-12, "mediaRandomWalk");
      if (point.tauGeo) nearArray(f.tauGeo, point.tauGeo, 1e-12, "tauGeo");
      if (point.sigmaGeo) nearArray(f.sigmaGeo, point.sigmaGeo, 1e-12, "sigmaGeo");
      for (const [ch, want] of Object.entries(point.betaGeo as Record<string, number[]>))
        nearArray(f.betaGeo[chIndex(ch)]!, want, 1e-12, `betaGeo[${ch}]`);
      const tol = 1e-10;
      nearArray(f.baseline, point.baseline, tol, "baseline");
      nearArray(f.seasonality, point.seasonality, tol, "seasonality");
      if (point.mediaEffectiveness)
        nearArray(f.mediaEffectiveness, point.mediaEffectiveness, tol, "mediaEffectiveness");
      const perChannel = (key: string, got: (c: number) => readonly ArrayLike<number>[] | null) => {
        for (const [ch, want] of Object.entries((point[key] ?? {}) as Record<string, number[][]>))
          nearGrid(got(chIndex(ch))!, want, tol, `${key}[${ch}]`);
      };
      perChannel("frequencyResponse", (c) => f.frequencyResponse[c]!);
      perChannel("rfInput", (c) => f.rfInput[c]!);
      perChannel("adstock", (c) => f.adstock[c]!);
      perChannel("viralEcho", (c) => f.viralEcho[c]!);
      perChannel("exposure", (c) => f.exposure[c]!);
      perChannel("saturation", (c) => f.response[c]!);
      perChannel("channelTerm", (c) => f.channelTerm[c]!);
      nearGrid(f.mu, point.mu, tol, "mu");
      if (point.expectedY) nearGrid(f.expectedY, point.expectedY, tol, "expectedY");

      const parts = { logPrior: 0, logLikelihood: 0, logJacobian: 0 };
      const grad = new Float64Array(model.dim);
      const lpJ = model.evaluate(theta, grad, true, parts);
      near(parts.logPrior, point.logPrior, 1e-9, "logPrior");
      near(parts.logLikelihood, point.logLikelihood, 1e-9, "logLikelihood");
      near(parts.logJacobian, point.logJacobian, 1e-9, "logJacobian");
      near(lpJ, point.logDensityWithJacobian, 1e-9, "logDensityWithJacobian");
      nearArray(grad, point.gradientWithJacobian, 1e-7, "gradientWithJacobian");
      const lp = model.evaluate(theta, grad, false);
      near(lp, point.logDensityNoJacobian, 1e-9, "logDensityNoJacobian");
      nearArray(grad, point.gradientNoJacobian, 1e-7, "gradientNoJacobian");
      // the sampler's entry point agrees with evaluate
      const g2 = new Float64Array(model.dim);
      expect(model.logDensityGradient(theta, g2)).toBe(lpJ);
    });
  }
});
