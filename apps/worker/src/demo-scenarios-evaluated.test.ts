// After the demo's fits, its seeded scenarios hold stored evaluations (the worker evaluates the
// scenarios pinned to a run when its fit succeeds), and the geo fit stored the insights page's
// curves with its outcome: the campaign page and the insights page show figures on first open.
// The demo's own runs are full NUTS (minutes); here they run in fast mode so the test stays short.
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { seedDemo } from "@mixcast/db/seed";
import {
  evaluateRunScenarios,
  evaluateScenarioPlan,
  planningModelOfStored,
  scenarioChecksum,
} from "@mixcast/runs";
import { runInsightsV2Codec, scenarioPlanCodec, scenarioResultCodec } from "@mixcast/runs/stored";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoGeoRunAndScenarios, createDemoRunAndScenarios } from "./demo-seed.ts";
import { coreEngine } from "./engine.ts";
import { processFitRun, type FitJobContext } from "./fit-job.ts";

let db: TestDatabase;
let ctx: FitJobContext;
let seeded: Awaited<ReturnType<typeof seedDemo>>;
beforeAll(async () => {
  db = await createTestDatabase();
  seeded = await seedDemo(db.prisma, { password: "x-demo-password" });
  ctx = {
    prisma: db.prisma,
    engine: coreEngine(),
    workerId: "demo-test",
    threads: 1,
    progressIntervalMs: 1000,
    sampler: { chains: 1, warmup: 0, draws: 200 },
  };
});
afterAll(() => db?.drop());

/** The demo's run, switched to fast mode (test fixtures may set up Run rows directly). */
async function fitFast(runId: string) {
  await db.prisma.run.update({ where: { id: runId }, data: { mode: "fast" } });
  const outcome = await processFitRun(ctx, runId);
  expect(outcome).toMatchObject({ status: "succeeded", runId });
}

/** Every scenario of the run has one stored evaluation of its current plan, equal to a fresh one. */
async function expectEvaluated(runId: string, scenarioIds: string[]) {
  expect(scenarioIds.length).toBe(2);
  const artifacts = await db.prisma.runArtifact.findMany({
    where: { runId, kind: { in: ["draws", "spec"] } },
  });
  const draws = artifacts.find((a) => a.kind === "draws")!;
  const model = planningModelOfStored(artifacts.find((a) => a.kind === "spec")!.analysis, {
    bytes: draws.bytes!,
    encoding: draws.encoding,
  });
  for (const id of scenarioIds) {
    const scenario = await db.prisma.scenario.findUniqueOrThrow({
      where: { id },
      include: { results: true },
    });
    const plan = scenarioPlanCodec.decode(scenario.plan);
    expect(scenario.results).toHaveLength(1);
    const row = scenario.results[0]!;
    expect(row).toMatchObject({ runId, planChecksum: scenarioChecksum(plan) });
    const stored = scenarioResultCodec.decode(row.result);
    expect(stored.weeks).toBe(plan.weeks);
    expect(stored.totalSpend).toBeCloseTo(
      Object.values(plan.spend)
        .flat()
        .reduce((a, b) => a + b, 0),
      2,
    );
    expect(Number.isFinite(stored.kpi.mean)).toBe(true);
    expect(stored.incrementalKpi.mean).toBeGreaterThan(0);
    expect(stored.incrementalKpi.q05).toBeLessThanOrEqual(stored.incrementalKpi.mean);
    expect(stored.incrementalKpi.mean).toBeLessThanOrEqual(stored.incrementalKpi.q95);
    // exactly what scenario.evaluate computes from the stored draws (the web then serves it cached)
    const fresh = evaluateScenarioPlan(model, scenario.name, plan);
    expect(stored.incrementalKpi.mean).toBeCloseTo(fresh.incrementalKpi.mean, 6);
    expect(stored.totalSpend).toBeCloseTo(fresh.totalSpend, 6);
  }
}

describe("demo fits evaluate the demo's scenarios", () => {
  it("national demo: both seeded scenarios have stored evaluations with numbers after the fit", async () => {
    const created = await createDemoRunAndScenarios(db.prisma, {
      userId: seeded.userId,
      workspaceId: seeded.workspaceId,
      modelId: seeded.modelId,
      configVersionId: seeded.configVersionId,
      datasetVersionId: seeded.datasetVersionId,
    });
    expect(await db.prisma.scenarioResult.count({ where: { runId: created!.runId } })).toBe(0);
    await fitFast(created!.runId);
    await expectEvaluated(created!.runId, created!.scenarioIds);
    // v1 runs keep their analysis as before: no separate insights artifact
    expect(await db.prisma.runArtifact.count({ where: { runId: created!.runId, kind: "insights" } })).toBe(0);
    // nothing is evaluated twice
    expect(await evaluateRunScenarios(db.prisma, created!.runId)).toEqual({ evaluated: [], failed: [] });
    expect(await db.prisma.scenarioResult.count({ where: { runId: created!.runId } })).toBe(2);
  }, 300_000);

  it("geo demo (20 states): per-state scenarios evaluated, and the insights curves stored with the outcome", async () => {
    const { created: _created, datasetId: _datasetId, ...geo } = seeded.geo;
    const created = await createDemoGeoRunAndScenarios(db.prisma, {
      userId: seeded.userId,
      workspaceId: seeded.workspaceId,
      ...geo,
    });
    await fitFast(created!.runId);
    await expectEvaluated(created!.runId, created!.scenarioIds);

    const art = await db.prisma.runArtifact.findUniqueOrThrow({
      where: { runId_kind: { runId: created!.runId, kind: "insights" } },
    });
    expect(art.workspaceId).toBe(seeded.workspaceId);
    const insights = runInsightsV2Codec.decode(art.analysis);
    expect(insights.analysis).toBeNull(); // the worker's "analysis" artifact holds the decomposition
    expect(insights.drawsUsed).toBe(100);
    const spec = await db.prisma.runArtifact.findUniqueOrThrow({
      where: { runId_kind: { runId: created!.runId, kind: "spec" } },
    });
    const geos = (spec.analysis as { data: { geos: string[] } }).data.geos;
    expect(geos).toHaveLength(20);
    expect(insights.responseCurves.map((c) => c.channel).sort()).toEqual(
      ["Instagram", "Meta", "Search", "TikTok"].sort(),
    );
    for (const curve of insights.responseCurves) {
      expect(curve.byGeo?.map((b) => b.geo)).toEqual(geos);
      const k = curve.multipliers.indexOf(1);
      expect(k).toBeGreaterThanOrEqual(0);
      // the states add up to the national curve
      const sum = curve.byGeo!.reduce((s, b) => s + b.incremental.mean[k]!, 0);
      expect(sum).toBeCloseTo(curve.incremental.mean[k]!, 6);
    }
    expect(insights.frequencyCurves.map((f) => f.channel).sort()).toEqual(["Meta", "TikTok"]);
  }, 600_000);
});
