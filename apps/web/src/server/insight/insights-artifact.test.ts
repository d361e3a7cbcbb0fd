// The insights cache without a database: one computation per run while it is pending, stored as
// the run's "insights" artifact, and computed again (not served stale from memory) once settled.
import { describe, expect, it } from "vitest";
import type { PrismaClient } from "@mixcast/db";
import { insightsArtifactCache } from "./insights-artifact.ts";

function recordingDb() {
  const upserts: unknown[] = [];
  const db = {
    runArtifact: {
      upsert: (args: unknown) => {
        upserts.push(args);
        return Promise.resolve({});
      },
    },
  } as unknown as PrismaClient;
  return { db, upserts };
}

const actor = { userId: "u1", workspaceId: "w1", role: "viewer" as const };

describe("insightsArtifactCache", () => {
  it("concurrent requests for one run share one computation, stored once with its encoding", async () => {
    const { db, upserts } = recordingDb();
    const keep = insightsArtifactCache<{ n: number }>((v) => ({ encoded: v.n }));
    let computed = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compute = async () => {
      computed++;
      await gate;
      return { n: 7 };
    };
    const first = keep(db, actor, "r1", compute);
    const second = keep(db, actor, "r1", compute);
    const other = keep(db, actor, "r2", async () => ({ n: 9 }));
    release();
    expect(await first).toEqual({ n: 7 });
    expect(await second).toBe(await first);
    expect(await other).toEqual({ n: 9 });
    expect(computed).toBe(1);
    expect(upserts).toEqual([
      {
        where: { runId_kind: { runId: "r2", kind: "insights" } },
        create: {
          workspaceId: "w1",
          runId: "r2",
          kind: "insights",
          analysis: { encoded: 9 },
          encoding: "json",
          sizeBytes: 0,
        },
        update: { analysis: { encoded: 9 } },
      },
      {
        where: { runId_kind: { runId: "r1", kind: "insights" } },
        create: {
          workspaceId: "w1",
          runId: "r1",
          kind: "insights",
          analysis: { encoded: 7 },
          encoding: "json",
          sizeBytes: 0,
        },
        update: { analysis: { encoded: 7 } },
      },
    ]);
    // settled: the next request computes again (the stored artifact, not memory, is the cache)
    await keep(db, actor, "r1", compute);
    expect(computed).toBe(2);
  });

  it("a failed computation is not kept: the next request tries again", async () => {
    const { db, upserts } = recordingDb();
    const keep = insightsArtifactCache<number>((v) => v);
    await expect(keep(db, actor, "r1", () => Promise.reject(new Error("no draws")))).rejects.toThrow(
      "no draws",
    );
    expect(upserts).toEqual([]);
    expect(await keep(db, actor, "r1", async () => 3)).toBe(3);
    expect(upserts).toHaveLength(1);
  });
});
