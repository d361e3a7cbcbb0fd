// v2 configs through the worker: routed by usesV2Features to fitModelV2, stored through the
// @mixcast/runs codecs (summary with incrementality, ROI / CPIK per geo, the v2 spec and the
// decomposition per geo), read back as the web reads them.
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { enqueueFitRun } from "@mixcast/db/jobs";
import {
  createModelV2,
  parseDatasetV2Csv,
  parseModelConfigV2,
  scaleDatasetV2,
  simulateV2,
} from "@mixcast/core";
import { fitModelV2 } from "@mixcast/core/node";
import { decodeModelSpecV2, decodeStoredDraws } from "@mixcast/runs";
import { computeInsightsV2 } from "@mixcast/runs/insights";
import { runAnalysisV2Codec, runInsightsV2Codec, runSummaryCodec } from "@mixcast/runs/stored";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreEngine } from "./engine.ts";
import { createRun, seedModel, waitFor } from "./testing/fixtures.ts";
import { testWorkerEnv } from "./testing/worker-env.ts";
import { startWorker, type WorkerHandle } from "./worker.ts";

let db: TestDatabase;
let worker: WorkerHandle;
const sim = simulateV2({ weeks: 52, geos: 3, seed: 4, units: true, rf: true, organic: true, channels: 2 });

beforeAll(async () => {
  db = await createTestDatabase();
  worker = await startWorker({
    env: testWorkerEnv(db.url, { FIT_CHAINS: "2", FIT_WARMUP: "40", FIT_DRAWS: "40" }),
    engine: coreEngine(),
    timers: false,
    log: () => undefined,
  });
});

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
});

const finished = (runId: string) =>
  waitFor(
    async () => {
      const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      return ["succeeded", "failed", "cancelled"].includes(run.status) ? run : undefined;
    },
    55_000,
    `run ${runId} to finish`,
  );

describe("v2 fit job", () => {
  it("a geo / units / R&F / organic config fits with fitModelV2 and its stored summary reads back", async () => {
    const config = JSON.parse(JSON.stringify(sim.config)) as Record<string, unknown>;
    const fx = await seedModel(db.prisma, { csv: sim.csv, config });
    const runId = await createRun(db.prisma, fx, { seed: 3, mode: "fast" });
    await enqueueFitRun(runId, { boss: worker.boss });
    const run = await finished(runId);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");

    const summary = runSummaryCodec.decode(run.summary);
    expect(summary.modelVersion).toBe(2);
    expect(summary.kpiType).toBe("units");
    expect(summary.geoNames).toEqual(sim.dataset.geos);
    // jsonb keeps its own key order; geoNames keeps the file's
    expect(Object.keys(summary.geos ?? {}).sort()).toEqual([...sim.dataset.geos].sort());
    const channels = summary.channels!;
    expect(channels.Newsletter?.role).toBe("organic");
    expect(channels.Newsletter?.roi).toBeUndefined();
    expect(channels.Newsletter?.cpik).toBeUndefined();
    expect(channels.Meta?.role).toBe("rf");
    expect(channels.Meta?.optimalFrequency?.mean).toBeGreaterThan(0);
    for (const ch of Object.values(channels).filter((c) => c.role !== "organic")) {
      expect(ch.cpik?.mean).toBeGreaterThan(0);
      expect(ch.roi?.mean).toEqual(expect.any(Number)); // the value column makes ROI money
    }

    // The same fit, directly: fast mode is deterministic for a seed.
    const parsedConfig = parseModelConfigV2(config);
    const parsed = parseDatasetV2Csv(sim.csv, parsedConfig, { holdoutWeeks: parsedConfig.holdoutWeeks });
    if (!parsed.ok) throw new Error("fixture does not parse");
    const data = scaleDatasetV2(parsed.dataset, {
      holdoutWeeks: parsedConfig.holdoutWeeks,
      fourierPairs: parsedConfig.fourierPairs,
      link: parsedConfig.link,
    });
    const direct = await fitModelV2(data, parsedConfig, { mode: "fast", draws: 40, seed: 3 });
    const meta = direct.channels.Meta!;
    expect(channels.Meta?.incremental?.mean).toBeCloseTo(meta.incremental.mean, 6);
    expect(channels.Meta?.cpik?.q95).toBeCloseTo(meta.cpik!.q95, 6);
    expect(summary.geos?.[sim.dataset.geos[1]!]?.channels.Meta?.cpik?.mean).toBeCloseTo(
      direct.geos![sim.dataset.geos[1]!]!.channels.Meta!.cpik!.mean,
      6,
    );

    const artifacts = await db.prisma.runArtifact.findMany({ where: { runId } });
    const kinds = Object.fromEntries(artifacts.map((a) => [a.kind, a]));
    const spec = decodeModelSpecV2(kinds.spec!.analysis);
    expect(spec.G).toBe(3);
    const draws = decodeStoredDraws(kinds.draws!.bytes!, kinds.draws!.encoding);
    expect(draws.names).toEqual(spec.parameters.map((p) => p.label));
    const analysis = runAnalysisV2Codec.decode(kinds.analysis!.analysis);
    expect(Object.keys(analysis.byGeo ?? {}).sort()).toEqual([...sim.dataset.geos].sort());
    expect(analysis.geos).toEqual(sim.dataset.geos);
    const t = 10;
    const sum = Object.values(analysis.decomposition).reduce((s, series) => s + series[t]!, 0);
    expect(sum).toBeCloseTo(analysis.expected.mean[t]!, 4);

    // the insights page's curves, computed by the fit thread and stored with the outcome: core's
    // curves on the run's draws (the stored ones are Float32: equal to 1e-4 relative)
    const insights = runInsightsV2Codec.decode(kinds.insights!.analysis);
    expect(insights.analysis).toBeNull();
    expect(insights.drawsUsed).toBe(40);
    const model = createModelV2(spec);
    const onStored = computeInsightsV2(
      {
        model,
        draws: { values: draws.values, draws: draws.chains * draws.perChain, dim: draws.names.length },
        names: draws.names,
        chains: draws.chains,
      },
      false,
    );
    expect(insights.responseCurves.map((c) => c.channel)).toEqual(
      onStored.responseCurves.map((c) => c.channel),
    );
    insights.responseCurves.forEach((curve, i) => {
      expect(curve.byGeo?.map((b) => b.geo)).toEqual(sim.dataset.geos);
      const want = onStored.responseCurves[i]!.incremental.mean;
      curve.incremental.mean.forEach((v, k) =>
        expect(Math.abs(v - want[k]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want[k]!))),
      );
    });
    expect(insights.frequencyCurves.map((f) => f.channel)).toEqual(["Meta"]);
  });

  it("a geo file with a missing (week, geo) row fails the run naming the geo and the week", async () => {
    const lines = sim.csv.trim().split("\n");
    const broken = [lines[0], ...lines.slice(1).filter((_, i) => i !== 7)].join("\n") + "\n";
    const fx = await seedModel(db.prisma, { csv: broken, config: JSON.parse(JSON.stringify(sim.config)) });
    const runId = await createRun(db.prisma, fx, { mode: "fast" });
    await enqueueFitRun(runId, { boss: worker.boss });
    const run = await finished(runId);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/geo/i);
    expect(await db.prisma.runArtifact.count({ where: { runId } })).toBe(0);
  });
});
