// Each state change of a run lands together with its audit event, and a change decided on a
// stale view (another attempt, another status) lands nowhere: no row changed, no event written.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildModelSpec, simulate } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import {
  cancelClaimedRun,
  claimRun,
  failEnqueue,
  failLiveRun,
  failRun,
  failStaleRun,
  handBackRun,
  LostClaimError,
  queueRun,
  recordProgress,
  requestCancel,
  requeueStaleRun,
  succeedRun,
  type Claim,
} from "./index.ts";

const sim = simulate({ weeks: 30, seed: 3, channels: 2 });
const spec = buildModelSpec(sim.dataset, sim.config);

let db: TestDatabase;
let prisma: PrismaClient;
let fx: {
  workspaceId: string;
  modelId: string;
  datasetVersionId: string;
  configVersionId: string;
  userId: string;
};

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
  const s = randomUUID().slice(0, 8);
  const user = await prisma.user.create({
    data: { id: `u_${s}`, name: "Ana", email: `ana-${s}@example.test` },
  });
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
  fx = {
    workspaceId: ws.id,
    modelId: model.id,
    datasetVersionId: version.id,
    configVersionId: config.id,
    userId: user.id,
  };
});

afterAll(async () => {
  await db?.drop();
});

async function queued(): Promise<string> {
  const run = await prisma.$transaction((tx) =>
    queueRun(
      tx,
      { ...fx, mode: "fast", seed: 5, createdById: fx.userId },
      { action: "run.start", details: { seed: 5 }, by: { userId: fx.userId } },
    ),
  );
  return run.id;
}

const events = async (runId: string) =>
  (
    await prisma.auditEvent.findMany({
      where: { targetId: runId },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      select: { action: true, actorKind: true, actorId: true },
    })
  ).map((e) => [e.action, e.actorKind, e.actorId]);

const row = (runId: string) => prisma.run.findUniqueOrThrow({ where: { id: runId } });

async function claimed(runId: string, workerId = "w1"): Promise<Claim> {
  const c = await claimRun(prisma, runId, { workerId, jobId: "job-1" });
  if (c.status !== "claimed") throw new Error(`not claimed: ${JSON.stringify(c)}`);
  return c.claim;
}

describe("run lifecycle", () => {
  it("queue -> start -> progress -> succeed, each change with its event", async () => {
    const id = await queued();
    expect((await row(id)).status).toBe("queued");
    const claim = await claimed(id);
    expect(claim.attempt).toBe(1);
    const r = await row(id);
    expect([r.status, r.workerId, r.jobId, r.attempt]).toEqual(["running", "w1", "job-1", 1]);
    expect(await recordProgress(prisma, claim, { percent: 40, phase: "sampling" })).toEqual({
      held: true,
      cancelRequested: false,
    });
    expect((await row(id)).percent).toBe(40);
    await succeedRun(prisma, claim, {
      converged: true,
      diagnostics: { converged: true },
      summary: { channels: {} },
      engineVersion: "test",
      progress: { phase: "done", percent: 100 },
      finishedAt: new Date(),
      draws: { names: ["a", "b"], chains: 1, perChain: 2, values: Float64Array.from([1, 2, 3, 4]) },
      analysis: null,
      spec,
      details: { fitSeconds: 1 },
    });
    const done = await row(id);
    expect([done.status, done.converged, done.percent]).toEqual(["succeeded", true, 100]);
    expect(
      (await prisma.runArtifact.findMany({ where: { runId: id }, orderBy: { kind: "asc" } })).map(
        (a) => a.kind,
      ),
    ).toEqual(["draws", "spec"]);
    expect(await events(id)).toEqual([
      ["run.start", "user", fx.userId],
      ["run.started", "user", fx.userId],
      ["run.succeeded", "user", fx.userId],
    ]);
  });

  it("a stale attempt writes nothing: no progress, no outcome, no event", async () => {
    const id = await queued();
    const first = await claimed(id, "w1");
    const second = await claimed(id, "w2"); // w1 presumed dead, w2 took over
    expect(second.attempt).toBe(2);
    expect(await recordProgress(prisma, first, { percent: 10 })).toEqual({
      held: false,
      cancelRequested: false,
    });
    await expect(failRun(prisma, first, "late")).rejects.toBeInstanceOf(LostClaimError);
    await expect(cancelClaimedRun(prisma, first, { percent: 10 })).rejects.toBeInstanceOf(LostClaimError);
    await expect(handBackRun(prisma, first, { percent: 10 })).rejects.toBeInstanceOf(LostClaimError);
    await expect(
      succeedRun(prisma, first, {
        converged: true,
        diagnostics: {},
        summary: {},
        engineVersion: "test",
        progress: {},
        finishedAt: new Date(),
        draws: { names: ["a"], chains: 1, perChain: 1, values: Float64Array.from([1]) },
        analysis: null,
        spec,
        details: {},
      }),
    ).rejects.toBeInstanceOf(LostClaimError);
    expect(await prisma.runArtifact.count({ where: { runId: id } })).toBe(0);
    const r = await row(id);
    expect([r.status, r.workerId, r.attempt]).toEqual(["running", "w2", 2]);
    expect((await events(id)).map((e) => e[0])).toEqual(["run.start", "run.started", "run.started"]);
    await failRun(prisma, second, "bad data", { stage: "dataset" });
    expect((await row(id)).error).toBe("bad data");
  });

  it("cancel: queued at once; running by request, settled by the worker", async () => {
    const q = await queued();
    const byUser = { userId: fx.userId, workspaceId: fx.workspaceId };
    expect(await requestCancel(prisma, byUser, q)).toMatchObject({ ok: true, status: "cancelled" });
    expect(await requestCancel(prisma, byUser, q)).toEqual({
      ok: false,
      reason: "finished",
      status: "cancelled",
    });
    expect(await requestCancel(prisma, { ...byUser, workspaceId: "elsewhere" }, q)).toEqual({
      ok: false,
      reason: "not-found",
    });
    expect(await claimRun(prisma, q, { workerId: "w1" })).toEqual({
      status: "skipped",
      reason: "run is already cancelled",
    });

    const r = await queued();
    const claim = await claimed(r);
    expect(await requestCancel(prisma, byUser, r)).toMatchObject({ ok: true, status: "running" });
    expect(await recordProgress(prisma, claim, { percent: 30 })).toEqual({
      held: true,
      cancelRequested: true,
    });
    await cancelClaimedRun(prisma, claim, { percent: 30 });
    expect((await row(r)).status).toBe("cancelled");
    expect((await events(r)).map((e) => e[0])).toEqual([
      "run.start",
      "run.started",
      "run.cancel",
      "run.cancelled",
    ]);
  });

  it("hand back, recover, fail: conditional on what they were decided on", async () => {
    const id = await queued();
    const claim = await claimed(id);
    await handBackRun(prisma, claim, { percent: 50 });
    expect((await row(id)).status).toBe("queued");
    const again = await claimed(id);
    const stale = { id, workspaceId: fx.workspaceId, trigger: "manual" as const, createdById: fx.userId };
    // decided on attempt 1, the run is at attempt 2: nothing happens
    expect(await requeueStaleRun(prisma, { ...stale, attempt: 1 }, "stale")).toBe(false);
    expect(await requeueStaleRun(prisma, { ...stale, attempt: again.attempt }, "stale")).toBe(true);
    expect((await row(id)).status).toBe("queued");
    const third = await claimed(id);
    expect(await failStaleRun(prisma, { ...stale, attempt: third.attempt }, "gave up", new Date())).toBe(
      true,
    );
    expect(await failLiveRun(prisma, id, "again", { workerId: "w1" })).toBe(false);
    expect((await row(id)).error).toBe("gave up");
    expect(await events(id)).toEqual([
      ["run.start", "user", fx.userId],
      ["run.started", "user", fx.userId],
      ["run.requeued", "system", null],
      ["run.started", "user", fx.userId],
      ["run.requeued", "system", null],
      ["run.started", "user", fx.userId],
      ["run.failed", "system", null],
    ]);

    const q = await queued();
    await failEnqueue(prisma, { id: q, workspaceId: fx.workspaceId }, "queue down");
    const f = await row(q);
    expect([f.status, f.error]).toEqual(["failed", "Could not put the fit on the queue: queue down"]);
    expect((await events(q)).at(-1)).toEqual(["run.enqueue_failed", "system", null]);
  });
});
