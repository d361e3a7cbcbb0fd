// Chain rows of a run whose chains run as separate jobs: planned once (kept across coordinator
// attempts), claimed and fenced by their own attempt, and stored losslessly.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleChain, standardNormalTarget } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import {
  claimChain,
  claimRun,
  decodeChainResult,
  encodeChainResult,
  failChain,
  handBackChain,
  listChains,
  loadChainResults,
  LostClaimError,
  planChains,
  queueRun,
  recordChainProgress,
  releaseChainResults,
  succeedChain,
  type Claim,
} from "./index.ts";

let db: TestDatabase;
let prisma: PrismaClient;
let fx: { workspaceId: string; modelId: string; datasetVersionId: string; configVersionId: string };
const settings = { chains: 2, warmup: 20, draws: 10, seed: 9 };
const chainResult = (chain: number) =>
  sampleChain(standardNormalTarget({ dim: 3 }), { chains: 2, warmup: 20, draws: 10, seed: 9 }, chain);
const progress = { phase: "sampling", iteration: 30, total: 30, divergences: 0 };

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
  const s = randomUUID().slice(0, 8);
  const ws = await prisma.workspace.create({ data: { id: `ws_${s}`, name: `WS ${s}`, slug: `ws-${s}` } });
  const dataset = await prisma.dataset.create({ data: { workspaceId: ws.id, name: "sales" } });
  const version = await prisma.datasetVersion.create({
    data: {
      workspaceId: ws.id,
      datasetId: dataset.id,
      version: 1,
      checksum: "x",
      rowCount: 1,
      columnCount: 2,
      mapping: {},
      summary: {},
      csv: "date,sales\n2024-01-01,1\n",
    },
  });
  const model = await prisma.model.create({ data: { workspaceId: ws.id, datasetId: dataset.id, name: "m" } });
  const config = await prisma.modelConfigVersion.create({
    data: { workspaceId: ws.id, modelId: model.id, version: 1, config: {} },
  });
  fx = { workspaceId: ws.id, modelId: model.id, datasetVersionId: version.id, configVersionId: config.id };
});

afterAll(async () => {
  await db?.drop();
});

async function claimedRun(): Promise<Claim> {
  const run = await prisma.$transaction((tx) =>
    queueRun(tx, { ...fx, mode: "full", seed: 9, createdById: null }, { action: "run.created", details: {} }),
  );
  const c = await claimRun(prisma, run.id, { workerId: "coordinator" });
  if (c.status !== "claimed") throw new Error(c.status);
  return c.claim;
}

describe("chain results", () => {
  it("round-trip bit for bit, every typed array and number", () => {
    const r = chainResult(1);
    const back = decodeChainResult(encodeChainResult(r));
    expect(Object.keys(back).sort()).toEqual(Object.keys(r).sort());
    expect(back.samples).toBeInstanceOf(Float64Array);
    expect(back.nLeapfrog).toBeInstanceOf(Uint32Array);
    expect(Array.from(back.samples)).toEqual(Array.from(r.samples));
    expect(Array.from(back.divergent)).toEqual(Array.from(r.divergent));
    expect(back.stepSize).toBe(r.stepSize);
    expect(back.chain).toBe(1);
  });
});

describe("chain rows", () => {
  it("are planned once, claimed and fenced by attempt, and stored for the merge", async () => {
    const claim = await claimedRun();
    const runId = claim.run.id;
    const planned = await planChains(prisma, claim, settings);
    expect(planned.map((c) => [c.chain, c.status, c.attempt])).toEqual([
      [0, "pending", 0],
      [1, "pending", 0],
    ]);
    // A second plan (a later coordinator with other defaults) keeps the first one's settings.
    const again = await planChains(prisma, claim, { ...settings, chains: 4, warmup: 999 });
    expect(again).toHaveLength(2);
    expect(again[0]!.settings).toEqual(settings);

    const a = await claimChain(prisma, runId, 0, { workerId: "wa" });
    if (a.status !== "claimed") throw new Error(a.reason);
    expect(a.settings).toEqual(settings);
    expect(a.run.seed).toBe(9);
    expect(await recordChainProgress(prisma, a.claim, progress)).toEqual({ held: true, runLive: true });
    // wa is presumed dead: another job takes chain 0 over; wa's writes land nowhere.
    const b = await claimChain(prisma, runId, 0, { workerId: "wb" });
    if (b.status !== "claimed") throw new Error(b.reason);
    expect(b.claim.attempt).toBe(2);
    expect(await recordChainProgress(prisma, a.claim, progress)).toEqual({ held: false, runLive: true });
    await expect(succeedChain(prisma, a.claim, chainResult(0), progress)).rejects.toBeInstanceOf(
      LostClaimError,
    );
    await succeedChain(prisma, b.claim, chainResult(0), progress);
    expect(await claimChain(prisma, runId, 0, { workerId: "wc" })).toEqual({
      status: "skipped",
      reason: "chain 0 is already succeeded",
    });

    // Shutdown hands chain 1 back; it is claimed again and finishes.
    const c = await claimChain(prisma, runId, 1, { workerId: "wa" });
    if (c.status !== "claimed") throw new Error(c.reason);
    expect(await handBackChain(prisma, c.claim)).toBe(true);
    expect((await listChains(prisma, runId))[1]!.status).toBe("pending");
    const d = await claimChain(prisma, runId, 1, { workerId: "wb" });
    if (d.status !== "claimed") throw new Error(d.reason);
    await succeedChain(prisma, d.claim, chainResult(1), progress);

    const results = await loadChainResults(prisma, runId);
    expect(results.map((r) => r.chain)).toEqual([0, 1]);
    expect(Array.from(results[1]!.samples)).toEqual(Array.from(chainResult(1).samples));
    await releaseChainResults(prisma, runId);
    await expect(loadChainResults(prisma, runId)).rejects.toThrow(/no stored result/);
  });

  it("stop when the run is cancelled, and a failed chain says why", async () => {
    const claim = await claimedRun();
    const runId = claim.run.id;
    await planChains(prisma, claim, settings);
    const a = await claimChain(prisma, runId, 0, { workerId: "wa" });
    if (a.status !== "claimed") throw new Error(a.reason);
    expect(await failChain(prisma, { runId, chain: 1 }, "engine exploded")).toBe(true);
    expect((await listChains(prisma, runId))[1]).toMatchObject({
      status: "failed",
      error: "engine exploded",
    });
    // test setup: a cancel request as the web records it (requestCancel needs a member)
    await prisma.run.update({ where: { id: runId }, data: { cancelRequestedAt: new Date() } });
    expect(await recordChainProgress(prisma, a.claim, progress)).toEqual({ held: true, runLive: false });
    expect(await claimChain(prisma, runId, 0, { workerId: "wb" })).toEqual({
      status: "skipped",
      reason: "run is being cancelled",
    });
  });
});
