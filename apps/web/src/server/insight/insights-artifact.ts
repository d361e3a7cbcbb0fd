// The "insights" RunArtifact: what the web computes from a run's stored draws when the worker kept
// no such view (the v1 analysis; the v2 curves), computed once per run and kept for later requests.
// Requests that arrive while it is being computed wait for that one computation: the draws are large
// and the analysis takes seconds, so two page loads must not both run it.
import type { Prisma, PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";

export type KeepInsights<T> = (
  db: PrismaClient,
  actor: Actor,
  runId: string,
  compute: () => Promise<T>,
) => Promise<T>;

/** Computes a run's insights with `compute` (one computation per run at a time) and stores them. */
export function insightsArtifactCache<T>(encode: (value: T) => Prisma.InputJsonValue): KeepInsights<T> {
  const inflight = new Map<string, Promise<T>>();
  return (db, actor, runId, compute) => {
    let pending = inflight.get(runId);
    if (!pending) {
      pending = (async () => {
        const value = await compute();
        const json = encode(value);
        await db.runArtifact.upsert({
          where: { runId_kind: { runId, kind: "insights" } },
          create: {
            workspaceId: actor.workspaceId,
            runId,
            kind: "insights",
            analysis: json,
            encoding: "json",
            sizeBytes: 0,
          },
          update: { analysis: json },
        });
        return value;
      })().finally(() => inflight.delete(runId));
      inflight.set(runId, pending);
    }
    return pending;
  };
}
