// Run insights, run comparison and the optimizer through the real tRPC caller on real PostgreSQL,
// with a run fitted (fast mode) on simulated data and stored as the worker stores it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { createCaller } from "../root.ts";
import type { Context } from "../trpc.ts";
import { createUser, testContext, workspaceWithViewer } from "../../../test/fixtures.ts";
import { seedFittedRun } from "../../../test/seed-fitted-run.ts";
import { clearPosteriorCache } from "./run-posterior.ts";

let db: TestDatabase;
let workspaceId: string;
let analyst: Context;
let viewer: Context;
let runA: string;
let runB: string;
let channels: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  const w = await workspaceWithViewer(db.prisma, { workspace: "Insights Co" });
  ({ workspaceId, analyst, viewer } = w);
  const first = await seedFittedRun(db.prisma, {
    workspaceId,
    userId: w.owner.id,
    seed: 5,
    finishedAt: new Date(Date.now() - 86_400_000),
  });
  // second run of the same model with a "traditional" config: Hill everywhere, no social stages
  const second = await seedFittedRun(db.prisma, {
    workspaceId,
    userId: w.owner.id,
    seed: 5,
    modelId: first.modelId,
    configPatch: {
      channels: first.channels.map((c, i) => ({ column: c, type: i === 0 ? "traditional" : "digital" })),
    },
  });
  runA = first.runId;
  runB = second.runId;
  channels = first.channels;
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

describe("insight.get", () => {
  it("returns the analysis of the stored draws: components add up to the fitted mean, ROI per channel with ordered intervals", async () => {
    const res = await createCaller(viewer).insight.get({ workspaceId, runId: runB });
    const a = res.analysis;
    expect(a.version).toBe(1);
    expect(res.source).toBe("web");
    expect(a.dates).toHaveLength(60);
    expect(a.channels.map((c) => c.name)).toEqual(channels);
    for (let t = 0; t < a.dates.length; t += 7) {
      const sum = a.decomposition.weekly.reduce((s, c) => s + (c.mean[t] as number), 0);
      expect(
        Math.abs(sum - (a.fit.fitted.mean[t] as number)) / Math.abs(a.fit.fitted.mean[t] as number),
      ).toBeLessThan(1e-4);
    }
    for (const c of a.channels) {
      expect(c.roi.q05).toBeLessThanOrEqual(c.roi.mean);
      expect(c.roi.mean).toBeLessThanOrEqual(c.roi.q95);
    }
    expect(a.fit.holdout.filter(Boolean)).toHaveLength(a.holdoutWeeks);
    expect(res.spend.channels).toHaveLength(3);
    expect(res.parameters.length).toBeGreaterThan(5);
    // refresh view: the earlier run of the same model is the previous one
    expect(res.refresh?.previousRunId).toBe(runA);
    expect(res.refresh?.channels.map((c) => c.channel).sort()).toEqual([...channels].sort());
    // the computed analysis is stored once and served from the artifact afterwards
    const stored = await db.prisma.runArtifact.findMany({ where: { runId: runB, kind: "insights" } });
    expect(stored).toHaveLength(1);
    const again = await createCaller(viewer).insight.get({ workspaceId, runId: runB });
    expect(again.analysis.channels[0]!.roi).toEqual(a.channels[0]!.roi);
  });

  it("reads the model the worker stored: the dataset's CSV is not parsed for a posterior view", async () => {
    clearPosteriorCache();
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runA } });
    const version = await db.prisma.datasetVersion.findUniqueOrThrow({ where: { id: run.datasetVersionId } });
    await db.prisma.datasetVersion.update({ where: { id: version.id }, data: { csv: "not,a\nvalid csv" } });
    try {
      const res = await createCaller(viewer).insight.get({ workspaceId, runId: runA });
      expect(res.spend.channels.map((c) => c.name)).toEqual(channels);
      expect(res.spend.dates).toHaveLength(60);
      expect(res.refresh).toBeNull(); // the model's first run
    } finally {
      await db.prisma.datasetVersion.update({ where: { id: version.id }, data: { csv: version.csv } });
    }
    // a run stored before the worker kept its model spec: a plain answer until the worker adds it
    clearPosteriorCache();
    const spec = await db.prisma.runArtifact.findUniqueOrThrow({
      where: { runId_kind: { runId: runA, kind: "spec" } },
    });
    await db.prisma.runArtifact.delete({ where: { id: spec.id } });
    try {
      await expect(createCaller(viewer).insight.get({ workspaceId, runId: runA })).rejects.toThrow(
        /model inputs were stored.*worker/,
      );
    } finally {
      await db.prisma.runArtifact.create({ data: spec as never });
      clearPosteriorCache();
    }
  });

  it("a run that did not succeed has no insights", async () => {
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runA } });
    const queued = await db.prisma.run.create({
      data: {
        workspaceId,
        modelId: run.modelId,
        datasetVersionId: run.datasetVersionId,
        configVersionId: run.configVersionId,
        seed: 1,
      },
    });
    await expect(createCaller(viewer).insight.get({ workspaceId, runId: queued.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

describe("comparison.runs", () => {
  it("lists holdout, LOO, ROI side by side and the config changes", async () => {
    const res = await createCaller(viewer).comparison.runs({ workspaceId, runA, runB });
    expect(res.roi.map((r) => r.channel).sort()).toEqual([...channels].sort());
    expect(res.a.holdout?.weeks).toBe(13);
    // elpd difference recomputed from the stored (Float32) draws: close to the stored summaries'
    // difference, with the paired SE, which is smaller than treating the runs as independent
    expect(res.elpdNote).toBeNull();
    expect(res.elpdDiff?.weeks).toBe(60 - 13);
    expect(Math.abs(res.elpdDiff!.value - ((res.a.loo?.elpd ?? 0) - (res.b.loo?.elpd ?? 0)))).toBeLessThan(
      0.5,
    );
    expect(res.elpdDiff!.se).toBeGreaterThan(0);
    expect(res.elpdDiff!.se).toBeLessThan(Math.hypot(res.a.loo!.se!, res.b.loo!.se!));
    // the patched channel types show up as config changes, keyed by column
    const paths = res.configChanges.map((c) => c.path);
    expect(paths.some((p) => p.startsWith("channels[") && p.endsWith("].type"))).toBe(true);
    await expect(
      createCaller(viewer).comparison.runs({ workspaceId, runA, runB: runA }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("does not compare PSIS-LOO across different training weeks, and says why", async () => {
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runA } });
    const third = await seedFittedRun(db.prisma, {
      workspaceId,
      userId: run.createdById!,
      weeks: 60,
      channels: 3,
      seed: 5,
      modelId: run.modelId,
      configPatch: { holdoutWeeks: 8 },
    });
    const res = await createCaller(viewer).comparison.runs({ workspaceId, runA, runB: third.runId });
    expect(res.elpdDiff).toBeNull();
    expect(res.elpdNote).toMatch(/hold out different numbers of weeks \(47 vs 52 training weeks\)/);
  });
});

describe("optimizer", () => {
  it("spends the budget exactly, honours a lock and bounds, and is audited", async () => {
    const context = await createCaller(viewer).optimizer.context({ workspaceId, runId: runB });
    expect(context.channels).toHaveLength(3);
    const budget = context.suggestedBudget;
    const locked = context.channels[0]!;
    const capped = context.channels[1]!.name;
    const res = await createCaller(analyst).optimizer.run({
      workspaceId,
      runId: runB,
      weeks: 13,
      budget,
      bounds: { [locked.name]: { locked: true }, [capped]: { max: budget * 0.1 } },
      objective: { kind: "mean" },
    });
    const total = res.allocation.reduce((s, a) => s + a.total, 0);
    expect(Math.abs(total - budget) / budget).toBeLessThan(1e-9);
    const lockedAlloc = res.allocation.find((a) => a.channel === locked.name)!;
    expect(lockedAlloc.atBound).toBe("locked");
    expect(lockedAlloc.total).toBeCloseTo(lockedAlloc.currentTotal, 6);
    expect(res.allocation.find((a) => a.channel === capped)!.total).toBeLessThanOrEqual(budget * 0.1 + 1e-6);
    expect(res.uplift.kpi.q05).toBeLessThanOrEqual(res.uplift.kpi.q95);
    const audit = await db.prisma.auditEvent.findMany({ where: { workspaceId, action: "optimizer.run" } });
    expect(audit).toHaveLength(1);
  });

  it("viewers may not run it, and infeasible bounds are a clear error", async () => {
    await expect(
      createCaller(viewer).optimizer.run({ workspaceId, runId: runB, weeks: 4, budget: 1000 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      createCaller(analyst).optimizer.run({
        workspaceId,
        runId: runB,
        weeks: 4,
        budget: 1000,
        bounds: Object.fromEntries(channels.map((c) => [c, { min: 1000 }])),
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("run.exportDraws and its CSV route", () => {
  it("has one row per stored draw: chain, draw, every parameter, and ROI / contribution per channel that average to the run's summary", async () => {
    const res = await createCaller(viewer).run.exportDraws({ workspaceId, runId: runA });
    const [header, ...rows] = res.csv
      .trim()
      .split("\n")
      .map((l) => l.split(","));
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runA } });
    const summary = run.summary as unknown as {
      parameters: Record<string, unknown>;
      channels: Record<string, { roi: { mean: number }; contribution: { mean: number } }>;
    };
    expect(header!.slice(0, 2)).toEqual(["chain", "draw"]);
    expect([...header!.slice(2, 2 + Object.keys(summary.parameters).length)].sort()).toEqual(
      Object.keys(summary.parameters).sort(),
    );
    expect(header!.slice(-2 * channels.length)).toEqual([
      ...channels.map((c) => `roi[${c}]`),
      ...channels.map((c) => `contribution[${c}]`),
    ]);
    expect(rows).toHaveLength(res.rows);
    expect(res.rows).toBe(100); // seedFittedRun stores 100 fast-mode draws
    expect(rows.every((r) => r.length === header!.length)).toBe(true);
    channels.forEach((c, i) => {
      const roiCol = header!.length - 2 * channels.length + i;
      const mean = rows.reduce((s, r) => s + Number(r[roiCol]), 0) / rows.length;
      // stored draws are Float32, the summary was computed from the Float64 originals
      expect(Math.abs(mean - summary.channels[c]!.roi.mean) / summary.channels[c]!.roi.mean).toBeLessThan(
        1e-3,
      );
    });
  });

  it("is refused to a non-member", async () => {
    const outsider = await createUser(db.prisma, "Oscar Outsider");
    await expect(
      createCaller(testContext(db.prisma, outsider)).run.exportDraws({ workspaceId, runId: runA }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
