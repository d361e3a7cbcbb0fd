// Each succeeded run gets its stored views (model spec, refresh comparison) from the worker: with
// its outcome, or, for a run that succeeded before that, from the back-fill.
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { buildModelSpec, parseDatasetCsv, parseModelConfig } from "@mixcast/core";
import { decodeModelSpec } from "@mixcast/runs";
import { runSummaryCodec } from "@mixcast/runs/stored";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backfillRunViews } from "./backfill.ts";
import { coreEngine } from "./engine.ts";
import { processFitRun, type FitJobContext } from "./fit-job.ts";
import { createRun, seedModel, type ModelFixture } from "./testing/fixtures.ts";

let db: TestDatabase;
let fx: ModelFixture;
let ctx: FitJobContext;
const runs: string[] = [];

const specOf = async (runId: string) => {
  const a = await db.prisma.runArtifact.findUnique({ where: { runId_kind: { runId, kind: "spec" } } });
  return a ? decodeModelSpec(a.analysis) : null;
};
const refreshOf = async (runId: string) =>
  runSummaryCodec.decode((await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).summary)
    .refreshComparison;

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedModel(db.prisma);
  ctx = {
    prisma: db.prisma,
    engine: coreEngine({ threaded: false }),
    workerId: "w-test",
    threads: 1,
    progressIntervalMs: 1000,
  };
  for (const seed of [1, 2]) {
    const runId = await createRun(db.prisma, fx, { seed, mode: "fast" });
    expect((await processFitRun(ctx, runId)).status).toBe("succeeded");
    runs.push(runId);
  }
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe("stored views of a run", () => {
  it("the worker stores the model spec and the ROI change against the previous run with every outcome", async () => {
    const config = parseModelConfig(fx.config);
    const parsed = parseDatasetCsv(fx.csv, config, { holdoutWeeks: config.holdoutWeeks });
    if (!parsed.ok) throw new Error("fixture does not parse");
    const want = buildModelSpec(parsed.dataset, config);
    const spec = (await specOf(runs[1]!))!;
    expect(Array.from(spec.y)).toEqual(Array.from(want.y));
    expect(spec.channels.map((c) => Array.from(c.spend))).toEqual(
      want.channels.map((c) => Array.from(c.spend)),
    );
    expect(spec.parameters).toEqual(want.parameters);
    expect(spec.dates).toEqual(want.dates);

    expect(await refreshOf(runs[0]!)).toBeNull(); // the model's first run
    const cmp = (await refreshOf(runs[1]!))!; // a manual run is compared too
    expect(cmp.previousRunId).toBe(runs[0]);
    const [a, b] = await Promise.all(
      runs.map(async (id) =>
        runSummaryCodec.decode((await db.prisma.run.findUniqueOrThrow({ where: { id } })).summary),
      ),
    );
    for (const [name, change] of Object.entries(cmp.channels)) {
      expect(change.delta).toBeCloseTo(b!.channels![name]!.roi!.mean! - a!.channels![name]!.roi!.mean!, 12);
    }
  });

  it("runs stored before that get them from the back-fill, oldest first, once", async () => {
    // as a run stored by an older worker: no spec, no comparison
    for (const id of runs) {
      await db.prisma.runArtifact.deleteMany({ where: { runId: id, kind: "spec" } });
      const summary = runSummaryCodec.decode(
        (await db.prisma.run.findUniqueOrThrow({ where: { id } })).summary,
      );
      await db.prisma.run.update({
        where: { id },
        data: { summary: runSummaryCodec.encode({ ...summary, refreshComparison: null }) },
      });
    }
    const before = (await db.prisma.run.findUniqueOrThrow({ where: { id: runs[1]! } })).summary;
    expect(await specOf(runs[1]!)).toBeNull();

    expect(await backfillRunViews(db.prisma)).toEqual({ stored: runs, skipped: [] });
    expect((await refreshOf(runs[1]!))?.previousRunId).toBe(runs[0]);
    expect(await refreshOf(runs[0]!)).toBeNull();
    expect((await specOf(runs[0]!))?.weeks).toBe(60);
    // the rest of the summary is untouched
    const after = runSummaryCodec.decode(
      (await db.prisma.run.findUniqueOrThrow({ where: { id: runs[1]! } })).summary,
    );
    expect(after.channels).toEqual(runSummaryCodec.decode(before).channels);
    expect(await backfillRunViews(db.prisma)).toEqual({ stored: [], skipped: [] });
  });

  it("a run whose config no longer parses is skipped, and not tried again by this process", async () => {
    await db.prisma.runArtifact.deleteMany({ where: { runId: runs[0]!, kind: "spec" } });
    await db.prisma.modelConfigVersion.update({
      where: { id: fx.configVersionId },
      data: { config: { kpi: 1 } },
    });
    const exclude = new Set<string>();
    const first = await backfillRunViews(db.prisma, { exclude });
    expect(first.stored).toEqual([]);
    expect(first.skipped).toEqual([{ runId: runs[0], reason: "its model config no longer parses" }]);
    expect(await backfillRunViews(db.prisma, { exclude })).toEqual({ stored: [], skipped: [] });
  });
});
