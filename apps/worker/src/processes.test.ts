// Real worker processes against one database: every run processed exactly once; SIGTERM hands the
// current run back and exits cleanly.
import { createBoss, enqueueFitRun, type PgBoss } from "@mixcast/db/jobs";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasLiveJob } from "./sweeper.ts";
import { createRun, seedModel, waitFor, type ModelFixture } from "./testing/fixtures.ts";
import { killAll, spawnWorker, type WorkerProcess } from "./testing/processes.ts";
import { collectStatus, formatStatus } from "./status.ts";
import { listWorkers } from "./worker-state.ts";

const HEALTH_PORT = 20_000 + Math.floor(Math.random() * 20_000);

let db: TestDatabase;
let boss: PgBoss;
let fx: ModelFixture;
const procs: WorkerProcess[] = [];

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

const liveWorkers = async (ids: string[]) =>
  waitFor(
    async () => {
      const rows = await listWorkers(db.prisma).catch(() => []);
      const up = rows.filter((r) => ids.includes(r.workerId) && !r.stoppedAt);
      return up.length === ids.length ? up : undefined;
    },
    60_000,
    `workers ${ids.join(", ")} to start`,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${procs.map((p) => `--- ${p.id}\n${p.output()}`).join("\n")}`);
  });

describe("worker processes", () => {
  it("two processes, ten queued runs: each run is fitted exactly once", async () => {
    const a = spawnWorker("proc-a", db.url, { FIT_DRAWS: "50", WORKER_HEALTH_PORT: String(HEALTH_PORT) });
    const b = spawnWorker("proc-b", db.url, { FIT_DRAWS: "50" });
    procs.push(a, b);
    await liveWorkers(["proc-a", "proc-b"]);
    const health = await waitFor(
      () =>
        fetch(`http://127.0.0.1:${HEALTH_PORT}/healthz`).then(
          (r) => r,
          () => undefined,
        ),
      20_000,
      "/healthz",
    );
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      ok: true,
      workerId: "proc-a",
      database: "ok",
      stopping: false,
    });
    const runIds: string[] = [];
    for (let i = 0; i < 10; i++) runIds.push(await createRun(db.prisma, fx, { seed: 100 + i, mode: "fast" }));
    for (const id of runIds) await enqueueFitRun(id, { boss });
    const runs = await waitFor(
      async () => {
        const rows = await db.prisma.run.findMany({ where: { id: { in: runIds } } });
        return rows.every((r) => r.status === "succeeded" || r.status === "failed") ? rows : undefined;
      },
      80_000,
      "ten runs to finish",
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- proc-a\n${a.output()}\n--- proc-b\n${b.output()}`);
    });
    if (runs.some((r) => r.status !== "succeeded")) {
      const errors = runs.filter((r) => r.status !== "succeeded").map((r) => `${r.id}: ${r.error}`);
      throw new Error(
        `runs failed:\n${errors.join("\n")}\n--- proc-a\n${a.output()}\n--- proc-b\n${b.output()}`,
      );
    }
    expect(runs.map((r) => r.attempt)).toEqual(Array(10).fill(1));
    const started = await db.prisma.auditEvent.groupBy({
      by: ["targetId", "action"],
      where: { targetId: { in: runIds } },
      _count: { _all: true },
    });
    for (const id of runIds) {
      expect(started.find((s) => s.targetId === id && s.action === "run.started")?._count._all).toBe(1);
      expect(started.find((s) => s.targetId === id && s.action === "run.succeeded")?._count._all).toBe(1);
    }
    const byWorker = new Map<string, number>();
    for (const r of runs) byWorker.set(r.workerId ?? "?", (byWorker.get(r.workerId ?? "?") ?? 0) + 1);
    expect([...byWorker.keys()].sort()).toEqual(["proc-a", "proc-b"]);
    // A job is completed in pg-boss just after its handler has stored the run, so the queue may
    // still count it as active for a moment after the run row says succeeded.
    const status = await waitFor(
      async () => {
        const s = await collectStatus(db.prisma, boss, { staleSeconds: 60 });
        return s.queue.ready + s.queue.active === 0 ? s : undefined;
      },
      20_000,
      "the fit queue to drain",
    );
    expect(
      status.workers
        .filter((w) => w.live)
        .map((w) => w.workerId)
        .sort(),
    ).toEqual(["proc-a", "proc-b"]);
    expect(status.running).toHaveLength(0);
    expect(status.stale).toHaveLength(0);
    expect(formatStatus(status)).toMatch(/workers: 2 live/);
    // Each run has exactly one completed job and nothing left queued.
    for (const id of runIds) expect(await hasLiveJob(boss, id)).toBe(false);
    await killAll([b]);
  }, 150_000);

  it("SIGTERM: stops taking jobs, hands the current run back, exits 0", async () => {
    await killAll(procs); // only proc-c may take the run
    // A sampler long enough that the fit is surely still running at SIGTERM (the fixture's default
    // 4 x (1000 + 1000) finishes in a few seconds).
    const a = spawnWorker("proc-c", db.url, { FIT_WARMUP: "20000", FIT_DRAWS: "20000" });
    procs.push(a);
    await liveWorkers(["proc-c"]);
    const runId = await createRun(db.prisma, fx, { seed: 7, mode: "full" });
    await enqueueFitRun(runId, { boss });
    await waitFor(
      async () => {
        const r = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        return r.status === "running" && r.percent > 0 ? r : undefined;
      },
      20_000,
      "run to be running",
    );
    const t0 = Date.now();
    a.child.kill("SIGTERM");
    const exit = await a.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000); // 2 s grace, then abort and hand back
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("queued");
    expect(run.workerId).toBeNull();
    expect(await hasLiveJob(boss, runId)).toBe(true);
    const actions = (
      await db.prisma.auditEvent.findMany({ where: { targetId: runId }, orderBy: { at: "asc" } })
    ).map((e) => e.action);
    expect(actions).toEqual(["run.started", "run.requeued"]);
    expect(a.output()).toMatch(/SIGTERM/);
    const [state] = (await listWorkers(db.prisma)).filter((w) => w.workerId === "proc-c");
    expect(state?.stoppedAt).toBeTruthy();
  });
});
