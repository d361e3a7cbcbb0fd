// Priors from the approved posterior: with the model's option on, a run is fitted with
// moment-matched priors from the approved run's stored draws, and its summary and stored spec say so.
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { priorsFromPosterior, simulateV2, type Prior } from "@mixcast/core";
import { decodeModelSpec, decodeModelSpecV2, decodeStoredDraws } from "@mixcast/runs";
import { runSummaryCodec } from "@mixcast/runs/stored";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvedPosteriorPriors, posteriorPriorsOf, withApprovedPriors } from "./approved-priors.ts";
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

describe("priors from the approved posterior of a v2 (geo) model", () => {
  let fx2: ModelFixture;
  let approved2: string;
  const specV2Of = async (runId: string) =>
    decodeModelSpecV2(
      (await db.prisma.runArtifact.findUniqueOrThrow({ where: { runId_kind: { runId, kind: "spec" } } }))
        .analysis,
    );

  beforeAll(async () => {
    const sim = simulateV2({ weeks: 60, seed: 3, geos: 2, channels: 2, holdoutWeeks: 0 });
    fx2 = await seedModel(db.prisma, { csv: sim.csv, config: JSON.parse(JSON.stringify(sim.config)) });
    approved2 = await createRun(db.prisma, fx2, { seed: 1, mode: "fast" });
    expect((await processFitRun(ctx, approved2)).status).toBe("succeeded");
    await db.prisma.runApproval.create({
      data: { workspaceId: fx2.workspaceId, modelId: fx2.modelId, runId: approved2 },
    });
    await db.prisma.model.update({
      where: { id: fx2.modelId },
      data: { approvedRunId: approved2, priorsFromApproved: true },
    });
  }, 60_000);

  it("a v2 refit is fitted with priors moment-matched to the approved v2 draws (geo offsets included)", async () => {
    const runId = await createRun(db.prisma, fx2, { seed: 2, mode: "fast" });
    expect((await processFitRun(ctx, runId)).status).toBe("succeeded");
    const approvedSpec = await specV2Of(approved2);
    const drawsRow = await db.prisma.runArtifact.findUniqueOrThrow({
      where: { runId_kind: { runId: approved2, kind: "draws" } },
    });
    const expected = priorsFromPosterior(
      approvedSpec.parameters,
      decodeStoredDraws(drawsRow.bytes!, drawsRow.encoding),
    );
    expect((await summaryOf(runId)).priorsFrom).toMatchObject({ runId: approved2, widen: 2 });
    const spec = await specV2Of(runId);
    expect(spec.parameters.map((p) => p.label)).toEqual(approvedSpec.parameters.map((p) => p.label));
    for (const p of spec.parameters) expect(p.prior).toEqual(expected[p.label]);
    // the approved posterior of a geo offset is not the default standard normal any more
    const offset = spec.parameters.find((p) => p.block === "u")!;
    expect(approvedSpec.parameters.find((p) => p.label === offset.label)!.prior).toEqual({
      dist: "normal",
      mean: 0,
      sd: 1,
    });
    expect(offset.prior).not.toEqual({ dist: "normal", mean: 0, sd: 1 });
  });

  it("priors of a v1 run are not applied to a v2 config (and the other way round)", async () => {
    // labels such as beta[TV] exist in both, but v1 and v2 scale the data differently
    const fromV1 = (await posteriorPriorsOf(db.prisma, approvedId))!;
    const fromV2 = (await posteriorPriorsOf(db.prisma, approved2))!;
    expect([fromV1.modelVersion, fromV2.modelVersion]).toEqual([1, 2]);
    const config: { parameterPriors: Record<string, Prior> } = {
      parameterPriors: { sigma: { dist: "halfNormal", scale: 3 } },
    };
    expect(withApprovedPriors(config, fromV1, 2)).toBe(config);
    expect(withApprovedPriors(config, fromV2, 1)).toBe(config);
    const merged = withApprovedPriors(config, fromV2, 2);
    // the config's own priors win over the approved ones
    expect(merged.parameterPriors).toEqual({ ...fromV2.priors, sigma: { dist: "halfNormal", scale: 3 } });
  });
});
