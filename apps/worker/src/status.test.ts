import { describe, expect, it } from "vitest";
import { formatStatus, type WorkerStatus } from "./status.ts";

const queue = (name: string) => ({ name, ready: 1, deferred: 0, active: 2, failed: 0, total: 3 });

describe("worker status", () => {
  it("shows each chain of a running run: phase, iteration, worker and retried attempt", () => {
    const status: WorkerStatus = {
      queue: queue("fit-run"),
      chainQueue: queue("fit-chain"),
      workers: [],
      lastTickAt: null,
      running: [
        {
          id: "run-1",
          modelId: "m",
          workerId: "a",
          attempt: 1,
          percent: 42.5,
          heartbeatAgeSeconds: 1,
          chains: [
            {
              chain: 0,
              phase: "done",
              iteration: 2000,
              total: 2000,
              divergences: 0,
              workerId: "a",
              attempt: 1,
            },
            {
              chain: 1,
              phase: "sampling",
              iteration: 1200,
              total: 2000,
              divergences: 3,
              workerId: "b",
              attempt: 2,
            },
            { chain: 2, phase: "queued", iteration: 0, total: 2000, workerId: null, attempt: 0 },
          ],
        },
      ],
      stale: [],
      queuedRuns: 0,
    };
    const lines = formatStatus(status).split("\n");
    expect(lines).toContain("queue fit-chain: 1 ready, 0 deferred/retrying, 2 active, 0 failed (retained)");
    expect(lines).toContain("    chain 1: done 2000/2000 on a");
    expect(lines).toContain("    chain 2: sampling 1200/2000, 3 divergences on b (attempt 2)");
    expect(lines).toContain("    chain 3: queued 0/2000");
  });
});
