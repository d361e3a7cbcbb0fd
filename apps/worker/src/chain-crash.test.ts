// Chains as separate jobs on real worker processes: the worker running one chain is SIGKILLed
// mid-chain. pg-boss sees that chain job's heartbeat stop and hands it to another worker, which
// runs the chain again from (run seed, chain index): the run succeeds with all chains, keeps the
// other chain's finished draws, and its draws equal those of the in-process fit with that seed.
import { createBoss, enqueueFitRun, type PgBoss } from "@mixcast/db/jobs";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { parseDatasetCsv, parseModelConfig } from "@mixcast/core";
import { fitModel } from "@mixcast/core/node";
import { decodeStoredDraws } from "@mixcast/runs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRun, seedModel, waitFor, type ModelFixture } from "./testing/fixtures.ts";
import { killAll, spawnWorker, type WorkerProcess } from "./testing/processes.ts";

let db: TestDatabase;
let boss: PgBoss;
let fx: ModelFixture;
const procs: WorkerProcess[] = [];
// Long enough that the victim's chain is surely still running when it is killed (a chain of this
// fixture runs about a thousand iterations a second).
const SAMPLER = { FIT_CHAINS: "2", FIT_WARMUP: "1000", FIT_DRAWS: "1000" };
const COMMON = {
  ...SAMPLER,
  FIT_CHAIN_JOBS: "on",
  WORKER_CHAIN_CONCURRENCY: "1",
  WORKER_PROGRESS_INTERVAL_MS: "200",
};

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

const started = (w: WorkerProcess) =>
  waitFor(
    () => Promise.resolve(w.output().includes("started ") ? true : undefined),
    40_000,
    `${w.id} to start`,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${w.output()}`);
  });

describe("a chain's worker killed mid-chain", () => {
  it("the chain is run again on another worker and the run succeeds with all chains", async () => {
    const coordinator = spawnWorker("coordinator", db.url, COMMON);
    // The victim takes only chain jobs, so the coordinator is the one that claims the run.
    const victim = spawnWorker("victim", db.url, { ...COMMON, WORKER_FIT_RUNS: "off" });
    procs.push(coordinator, victim);
    await Promise.all([started(coordinator), started(victim)]);

    const seed = 17;
    const runId = await createRun(db.prisma, fx, { seed, mode: "full" });
    await enqueueFitRun(runId, { boss });
    // Each worker runs one chain job at a time: the victim gets one of the two chains.
    const victimChain = await waitFor(
      async () => {
        const rows = await db.prisma.runChain.findMany({
          where: { runId, workerId: "victim", status: "running" },
        });
        const row = rows[0];
        return row && ((row.progress as { iteration?: number } | null)?.iteration ?? 0) > 0 ? row : undefined;
      },
      40_000,
      "a chain to be running on the victim",
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${coordinator.output()}\n${victim.output()}`);
    });
    victim.child.kill("SIGKILL");
    expect((await victim.exited).signal).toBe("SIGKILL");

    const done = await waitFor(
      async () => {
        const r = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        return r.status === "succeeded" || r.status === "failed" ? r : undefined;
      },
      90_000,
      "the run to finish",
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${coordinator.output()}`);
    });
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    // The run itself was never lost: one attempt, on the coordinator.
    expect(done.attempt).toBe(1);
    expect(done.workerId).toBe("coordinator");
    const chains = await db.prisma.runChain.findMany({ where: { runId }, orderBy: { chain: "asc" } });
    expect(chains.map((c) => c.status)).toEqual(["succeeded", "succeeded"]);
    const killed = chains[victimChain.chain]!;
    const other = chains[1 - victimChain.chain]!;
    expect(killed.attempt).toBe(2);
    expect(killed.workerId).toBe("coordinator");
    // The other chain ran once: its draws were kept, not recomputed.
    expect(other.attempt).toBe(1);
    const audit = await db.prisma.auditEvent.findMany({ where: { targetId: runId }, orderBy: { at: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["run.started", "run.succeeded"]);

    // The chain run twice gave the same draws: the run's draws are the in-process fit's.
    const config = parseModelConfig(fx.config);
    const parsed = parseDatasetCsv(fx.csv, config, { holdoutWeeks: config.holdoutWeeks });
    if (!parsed.ok) throw new Error("fixture does not parse");
    const direct = await fitModel(parsed.dataset, config, {
      mode: "nuts",
      chains: 2,
      warmup: 1000,
      draws: 1000,
      seed,
      threads: 2,
    });
    const artifact = await db.prisma.runArtifact.findUniqueOrThrow({
      where: { runId_kind: { runId, kind: "draws" } },
    });
    const stored = decodeStoredDraws(artifact.bytes!, artifact.encoding);
    expect(Array.from(stored.values)).toEqual(Array.from(Float32Array.from(direct.draws.values)));
  }, 150_000);
});
