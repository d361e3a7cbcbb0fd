// Priors from the approved posterior: with the model's option on, a run is fitted with
// moment-matched priors from the approved run's stored draws, and its summary and stored spec say so.
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { priorsFromPosterior } from "@mixcast/core";
import { decodeModelSpec, decodeStoredDraws } from "@mixcast/runs";
import { runSummaryCodec } from "@mixcast/runs/stored";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvedPosteriorPriors } from "./approved-priors.ts";
import { coreEngine } from "./engine.ts";
import { processFitRun, type FitJobContext } from "./fit-job.ts";
import { createRun, seedModel, type ModelFixture } from "./testing/fixtures.ts";

let db: TestDatabase;
let fx: ModelFixture;
let ctx: FitJobContext;
let approvedId: string;

const specOf = async (runId: string) =>
  decodeModelSpec(
    (await db.prisma.runArtifact.findUniqueOrThrow({ where: { runId_kind: { runId, kind: "spec" } } }))
      .analysis,
  );
const summaryOf = async (runId: string) =>
  runSummaryCodec.decode((await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).summary);

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
  approvedId = await createRun(db.prisma, fx, { seed: 1, mode: "fast" });
  expect((await processFitRun(ctx, approvedId)).status).toBe("succeeded");
  await db.prisma.runApproval.create({
    data: { workspaceId: fx.workspaceId, modelId: fx.modelId, runId: approvedId },
  });
  await db.prisma.model.update({ where: { id: fx.modelId }, data: { approvedRunId: approvedId } });
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe("priors from the approved posterior", () => {
  it("off (the default): the run keeps the config's priors and records none", async () => {
    const runId = await createRun(db.prisma, fx, { seed: 2, mode: "fast" });
    expect((await processFitRun(ctx, runId)).status).toBe("succeeded");
    expect((await summaryOf(runId)).priorsFrom ?? null).toBeNull();
    const [spec, approvedSpec] = [await specOf(runId), await specOf(approvedId)];
    expect(spec.parameters.map((p) => p.prior)).toEqual(approvedSpec.parameters.map((p) => p.prior));
  });

  it("on: every parameter's prior is moment-matched to the approved draws, and the run is labelled", async () => {
    await db.prisma.model.update({ where: { id: fx.modelId }, data: { priorsFromApproved: true } });
    const runId = await createRun(db.prisma, fx, { seed: 2, mode: "fast" });
    expect((await processFitRun(ctx, runId)).status).toBe("succeeded");
    const approvedSpec = await specOf(approvedId);
    const drawsRow = await db.prisma.runArtifact.findUniqueOrThrow({
      where: { runId_kind: { runId: approvedId, kind: "draws" } },
    });
    const expected = priorsFromPosterior(
      approvedSpec.parameters,
      decodeStoredDraws(drawsRow.bytes!, drawsRow.encoding),
    );
    const summary = await summaryOf(runId);
    expect(summary.priorsFrom).toMatchObject({ runId: approvedId, widen: 2 });
    expect(summary.priorsFrom!.priors).toEqual(JSON.parse(JSON.stringify(expected)));
    const spec = await specOf(runId);
    expect(spec.parameters.length).toBe(approvedSpec.parameters.length);
    for (const p of spec.parameters) expect(p.prior).toEqual(expected[p.label]);
    // The approved posterior of beta is much narrower than the default HalfNormal(1) prior.
    const beta = spec.parameters.find((p) => p.block === "beta")!;
    expect(beta.prior.dist).toBe("gamma");
    expect(approvedSpec.parameters.find((p) => p.label === beta.label)!.prior.dist).toBe("halfNormal");
  });

  it("the approved run itself (a re-fit of it) gets no priors from itself", async () => {
    expect(await approvedPosteriorPriors(db.prisma, fx.modelId, approvedId)).toBeNull();
  });
});
