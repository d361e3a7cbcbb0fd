// A worker SIGKILLed mid-fit: pg-boss sees its job's heartbeat stop and hands the job to another
// worker, which claims the run with the next attempt number and completes it. The dead worker's
// attempt can no longer write (fenced by attempt).
import { createBoss, enqueueFitRun, type PgBoss } from "@mixcast/db/jobs";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepStaleRuns } from "./sweeper.ts";
import { createRun, seedModel, waitFor, type ModelFixture } from "./testing/fixtures.ts";
import { killAll, spawnWorker, type WorkerProcess } from "./testing/processes.ts";

let db: TestDatabase;
let boss: PgBoss;
let fx: ModelFixture;
const procs: WorkerProcess[] = [];
const SAMPLER = { FIT_CHAINS: "2", FIT_WARMUP: "100", FIT_DRAWS: "60" };

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedModel(db.prisma);
  boss = await createBoss({ connectionString: db.url, role: "producer" });
});

afterAll(async () => {
  await killAll(procs);
  await boss?.stop({ graceful: false });
  await db?.drop();
});

describe("crash recovery", () => {
  it("SIGKILL mid-fit: the run completes on another worker", async () => {
    // The victim's sampler is long enough that the fit is surely still running when it is killed
    // (a 2 x 160-iteration fit of this fixture takes well under a second); the rescuer's is short.
    const a = spawnWorker("victim", db.url, { ...SAMPLER, FIT_WARMUP: "5000", FIT_DRAWS: "5000" });
    procs.push(a);
    const runId = await createRun(db.prisma, fx, { seed: 3, mode: "full" });
    await enqueueFitRun(runId, { boss });
    const running = await waitFor(
      async () => {
        const r = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        return r.status === "running" && r.percent > 0 ? r : undefined;
      },
      40_000,
      "run to be running on the victim",
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${a.output()}`);
    });
    expect(running.workerId).toBe("victim");
    a.child.kill("SIGKILL");
    expect((await a.exited).signal).toBe("SIGKILL");
    const killedAt = Date.now();

    const b = spawnWorker("rescuer", db.url, SAMPLER);
    procs.push(b);
    const done = await waitFor(
      async () => {
        const r = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        return r.status === "succeeded" || r.status === "failed" ? r : undefined;
      },
      80_000,
      "run to finish on the rescuer",
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${b.output()}`);
    });
    expect(done.status).toBe("succeeded");
    expect(done.attempt).toBe(2);
    expect(done.workerId).toBe("rescuer");
    // Handed over only after the job heartbeat (10 s) lapsed.
    expect(Date.now() - killedAt).toBeGreaterThan(9_000);
    const audit = await db.prisma.auditEvent.findMany({ where: { targetId: runId }, orderBy: { at: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["run.started", "run.started", "run.succeeded"]);
    expect((audit[1]?.details as { resumedFromWorker: string }).resumedFromWorker).toBe("victim");
    const artifacts = await db.prisma.runArtifact.count({ where: { runId } });
    expect(artifacts).toBeGreaterThanOrEqual(1);
  }, 150_000);

  it("sweeper: a running run whose job is gone is re-queued, then failed after the attempt limit", async () => {
    // The rescuer of the test above runs its own sweeper: stop it, or it may sweep this run first.
    await killAll(procs.splice(0));
    const runId = await createRun(db.prisma, fx, { seed: 4, mode: "fast" });
    const old = new Date(Date.now() - 10 * 60_000);
    await db.prisma.run.update({
      where: { id: runId },
      data: { status: "running", attempt: 1, heartbeatAt: old, workerId: "ghost" },
    });
    const enqueued: string[] = [];
    const enqueue = (id: string) => {
      enqueued.push(id);
      return Promise.resolve(null); // no worker here: keep the run without a live job
    };
    const first = await sweepStaleRuns({
      prisma: db.prisma,
      boss,
      enqueue,
      now: new Date(),
      staleSeconds: 60,
      maxAttempts: 2,
    });
    expect(first.requeued).toEqual([runId]);
    expect(enqueued).toEqual([runId]);
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("queued");

    await db.prisma.run.update({
      where: { id: runId },
      data: { status: "running", attempt: 2, heartbeatAt: old },
    });
    const second = await sweepStaleRuns({
      prisma: db.prisma,
      boss,
      enqueue,
      now: new Date(),
      staleSeconds: 60,
      maxAttempts: 2,
    });
    expect(second.failed).toEqual([runId]);
    const failed = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/stopped responding.*gave up after 2 attempts/);
    const actions = (
      await db.prisma.auditEvent.findMany({ where: { targetId: runId }, orderBy: { at: "asc" } })
    ).map((e) => [e.action, e.actorKind]);
    expect(actions).toEqual([
      ["run.requeued", "system"],
      ["run.failed", "system"],
    ]);
  });
});
