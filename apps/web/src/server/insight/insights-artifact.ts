// The "insights" RunArtifact when the worker kept none (runs fitted before the worker stored the v2
// curves, or whose worker analysis failed): computed from the run's stored draws once per run and
// kept for later requests (@mixcast/runs' storeRunInsights).
// Requests that arrive while it is being computed wait for that one computation: the draws are large
// and the analysis takes seconds, so two page loads must not both run it.
import type { Prisma, PrismaClient } from "@mixcast/db";
import { storeRunInsights } from "@mixcast/runs";
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
        await storeRunInsights(db, { runId, workspaceId: actor.workspaceId }, encode(value));
        return value;
      })().finally(() => inflight.delete(runId));
      inflight.set(runId, pending);
    }
    return pending;
  };
}
