// Backtests on real PostgreSQL with real (fast-mode) posteriors: the approved runs fitted on the
// first 80 and 92 of 100 weeks are scored by a refit on all 100, each horizon by the newest
// approved run old enough for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backtestForecastV2,
  parseDatasetCsv,
  parseDatasetV2Csv,
  parseModelConfig,
  parseModelConfigV2,
  scaleDatasetV2,
  simulateV2,
} from "@mixcast/core";
import { fitModel, fitModelV2 } from "@mixcast/core/node";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { decodeStoredDraws, encodeStoredDraws } from "@mixcast/runs";
import { backtestRefit } from "./backtests.ts";
import { addDatasetVersion, seedModel, type ModelFixture } from "./testing/fixtures.ts";

let db: TestDatabase;
let fx: ModelFixture;
let dates: string[];
let refitId: string;
const approved: Record<"a80" | "b92", string> = { a80: "", b92: "" };

async function approvedRunOn(rows: number, at: Date): Promise<string> {
  const lines = fx.csv.trim().split("\n");
  const csv = `${lines.slice(0, rows + 1).join("\n")}\n`;
  const version = await addDatasetVersion(db.prisma, {
    workspaceId: fx.workspaceId,
    datasetId: fx.datasetId,
    csv,
    mapping: {},
  });
  const config = parseModelConfig(fx.config);
  const parsed = parseDatasetCsv(csv, config, { holdoutWeeks: config.holdoutWeeks });
  if (!parsed.ok) throw new Error("fixture csv does not parse");
  const fit = await fitModel(parsed.dataset, config, { mode: "fast", seed: 1, draws: 300 });
  const stored = encodeStoredDraws(fit.draws);
  const run = await db.prisma.run.create({
    data: {
      workspaceId: fx.workspaceId,
      modelId: fx.modelId,
      datasetVersionId: version.id,
      configVersionId: fx.configVersionId,
      seed: 1,
      mode: "fast",
      status: "succeeded",
      finishedAt: at,
      artifacts: {
        create: {
          workspaceId: fx.workspaceId,
          kind: "draws",
          bytes: stored.bytes,
          encoding: stored.encoding,
          sizeBytes: stored.sizeBytes,
        },
      },
    },
  });
  await db.prisma.runApproval.create({
    data: { workspaceId: fx.workspaceId, modelId: fx.modelId, runId: run.id, at },
  });
  return run.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedModel(db.prisma, { weeks: 100, seed: 7, channels: 2 });
  dates = fx.csv
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",")[0]!);
  approved.a80 = await approvedRunOn(80, new Date("2027-01-01T00:00:00Z"));
  approved.b92 = await approvedRunOn(92, new Date("2027-03-01T00:00:00Z"));
  const refit = await db.prisma.run.create({
    data: {
      workspaceId: fx.workspaceId,
      modelId: fx.modelId,
      datasetVersionId: fx.datasetVersionId,
      configVersionId: fx.configVersionId,
      seed: 5,
      mode: "fast",
      status: "succeeded",
      trigger: "schedule",
    },
  });
  refitId = refit.id;
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

describe("backtestRefit", () => {
  it("scores the newest approved run old enough for each horizon on the weeks it had not seen", async () => {
    await db.prisma.model.update({ where: { id: fx.modelId }, data: { backtestCoverageThreshold: 0 } });
    const out = await backtestRefit(db.prisma, refitId);
    expect(out.skipped).toEqual([]);
    expect(out.alerts).toEqual([]);
    const rows = await db.prisma.backtest.findMany({
      where: { runId: refitId },
      orderBy: { horizonWeeks: "asc" },
    });
    // Data ends at week 100: 4 and 8 weeks back (weeks 96, 92) the 92-week run is old enough;
    // 13 weeks back (week 87) only the 80-week run is.
    expect(rows.map((r) => [r.horizonWeeks, r.scoredRunId, r.weeks, r.firstWeek, r.lastWeek])).toEqual([
      [4, approved.b92, 4, dates[92], dates[95]],
      [8, approved.b92, 8, dates[92], dates[99]],
      [13, approved.a80, 13, dates[80], dates[92]],
    ]);
    for (const r of rows) {
      expect(r.mape).toBeGreaterThan(0);
      // A model fitted on the same simulated process forecasts its next weeks within ~15 %.
      expect(r.mape).toBeLessThan(0.15);
      expect(r.coverage90).toBeGreaterThanOrEqual(0.5);
      expect(r.crps).toBeGreaterThan(0);
      const weekly = r.weekly as { date: string; actual: number; lower: number; upper: number }[];
      expect(weekly).toHaveLength(r.weeks);
      expect(weekly[0]!.date).toBe(r.firstWeek);
      const inside = weekly.filter((w) => w.actual >= w.lower && w.actual <= w.upper).length;
      expect(r.coverage90).toBeCloseTo(inside / r.weeks, 12);
    }
  });

  it("a coverage below the model's threshold raises one backtest_coverage alert per horizon; a rerun updates, not duplicates", async () => {
    await db.prisma.model.update({ where: { id: fx.modelId }, data: { backtestCoverageThreshold: 1.01 } });
    const out = await backtestRefit(db.prisma, refitId);
    expect(out.alerts).toHaveLength(3);
    const alerts = await db.prisma.alert.findMany({ where: { id: { in: out.alerts } } });
    expect(alerts.every((a) => a.kind === "backtest_coverage" && a.runId === refitId)).toBe(true);
    expect(alerts.map((a) => a.title).sort()).toEqual([
      expect.stringMatching(/13-week backtest coverage/),
      expect.stringMatching(/4-week backtest coverage/),
      expect.stringMatching(/8-week backtest coverage/),
    ]);
    expect((await backtestRefit(db.prisma, refitId)).alerts).toEqual([]);
    expect(await db.prisma.backtest.count({ where: { runId: refitId } })).toBe(3);
  });

  it("without an approved run old enough, the horizon is skipped with the reason", async () => {
    const early = await db.prisma.run.create({
      data: {
        workspaceId: fx.workspaceId,
        modelId: fx.modelId,
        datasetVersionId: (
          await db.prisma.datasetVersion.findFirstOrThrow({ where: { datasetId: fx.datasetId, version: 3 } })
        ).id,
        configVersionId: fx.configVersionId,
        seed: 1,
        mode: "fast",
        status: "succeeded",
      },
    });
    // Data through week 92: 4 weeks back is week 88 (the 80-week run), 13 back is week 79 (none).
    const out = await backtestRefit(db.prisma, early.id);
    expect(out.stored.map((r) => [r.horizonWeeks, r.scoredRunId])).toEqual([
      [4, approved.a80],
      [8, approved.a80],
    ]);
    expect(out.skipped).toEqual([
      { horizonWeeks: 13, reason: `no approved run with data ending by ${dates[78]}` },
    ]);
  });
});

describe("backtestRefit of a v2 model (2 geos, a categorical control)", () => {
  // 100 weeks of a geo model; the approved run saw the first 80 weeks (both geos), the refit all.
  const sim = simulateV2({ weeks: 100, seed: 4, geos: 2, channels: 2, holdoutWeeks: 0 });
  const config = JSON.parse(JSON.stringify(sim.config)) as Record<string, unknown>;
  const v2Dates = sim.dataset.dates;
  let fx2: ModelFixture;
  let approvedId = "";
  let refit2 = "";

  beforeAll(async () => {
    fx2 = await seedModel(db.prisma, { csv: sim.csv, config });
    const lines = sim.csv.trim().split("\n");
    const csv = `${[lines[0], ...lines.slice(1).filter((l) => l.slice(0, 10) <= v2Dates[79]!)].join("\n")}\n`;
    const version = await addDatasetVersion(db.prisma, {
      workspaceId: fx2.workspaceId,
      datasetId: fx2.datasetId,
      csv,
      mapping: {},
    });
    const parsedConfig = parseModelConfigV2(config);
    const parsed = parseDatasetV2Csv(csv, parsedConfig, { holdoutWeeks: 0 });
    if (!parsed.ok) throw new Error("v2 fixture does not parse");
    const data = scaleDatasetV2(parsed.dataset, {
      holdoutWeeks: 0,
      fourierPairs: parsedConfig.fourierPairs,
      link: parsedConfig.link,
    });
    const fit = await fitModelV2(data, parsedConfig, { mode: "fast", seed: 1, draws: 300 });
    const stored = encodeStoredDraws(fit.draws);
    const at = new Date("2027-01-01T00:00:00Z");
    const run = await db.prisma.run.create({
      data: {
        workspaceId: fx2.workspaceId,
        modelId: fx2.modelId,
        datasetVersionId: version.id,
        configVersionId: fx2.configVersionId,
        seed: 1,
        mode: "fast",
        status: "succeeded",
        finishedAt: at,
        artifacts: {
          create: {
            workspaceId: fx2.workspaceId,
            kind: "draws",
            bytes: stored.bytes,
            encoding: stored.encoding,
            sizeBytes: stored.sizeBytes,
          },
        },
      },
    });
    await db.prisma.runApproval.create({
      data: { workspaceId: fx2.workspaceId, modelId: fx2.modelId, runId: run.id, at },
    });
    approvedId = run.id;
    refit2 = (
      await db.prisma.run.create({
        data: {
          workspaceId: fx2.workspaceId,
          modelId: fx2.modelId,
          datasetVersionId: fx2.datasetVersionId,
          configVersionId: fx2.configVersionId,
          seed: 5,
          mode: "fast",
          status: "succeeded",
          trigger: "schedule",
        },
      })
    ).id;
  }, 120_000);

  it("scores the approved run on the national KPI of the weeks it had not seen, as core does", async () => {
    await db.prisma.model.update({ where: { id: fx2.modelId }, data: { backtestCoverageThreshold: 0 } });
    const out = await backtestRefit(db.prisma, refit2);
    expect(out.skipped).toEqual([]);
    const rows = await db.prisma.backtest.findMany({
      where: { runId: refit2 },
      orderBy: { horizonWeeks: "asc" },
    });
    expect(rows.map((r) => [r.horizonWeeks, r.scoredRunId, r.weeks, r.firstWeek, r.lastWeek])).toEqual([
      [4, approvedId, 4, v2Dates[80], v2Dates[83]],
      [8, approvedId, 8, v2Dates[80], v2Dates[87]],
      [13, approvedId, 13, v2Dates[80], v2Dates[92]],
    ]);
    const artifact = await db.prisma.runArtifact.findFirstOrThrow({
      where: { runId: approvedId, kind: "draws" },
    });
    const draws = decodeStoredDraws(artifact.bytes!, artifact.encoding);
    for (const r of rows) {
      const direct = backtestForecastV2({
        csv: sim.csv,
        config: parseModelConfigV2(config),
        seenThrough: v2Dates[79]!,
        draws,
        horizonWeeks: r.horizonWeeks,
        seed: 5,
      });
      expect(r.crps).toBeCloseTo(direct.crps, 9);
      expect(r.coverage90).toBe(direct.coverage90);
      // national KPI: both geos summed
      const weekly = r.weekly as { date: string; actual: number }[];
      const national = sim.dataset.kpi[0]![80]! + sim.dataset.kpi[1]![80]!;
      expect(weekly[0]!.actual).toBeCloseTo(national, 6);
      expect(r.mape).toBeLessThan(0.15);
    }
  });
});
