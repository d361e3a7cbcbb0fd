// A succeeded v2 run's model (core's MmmModelV2 from the stored "spec" artifact) and posterior
// draws (the "draws" artifact), for the optimizer and scenarios. Kept apart from
// insight/run-posterior.ts (v1 views); decoding costs an inflate, so the last few stay in memory.
import { createModelV2, type MmmModelV2, type PosteriorDraws } from "@mixcast/core";
import type { PrismaExecutor } from "@mixcast/db";
import { decodeModelSpecV2, storedSpecVersion } from "@mixcast/runs";
import type { Actor } from "../actor.ts";
import { badRequest, notFound } from "../errors.ts";
import { posteriorOfStoredDraws } from "../insight/run-posterior.ts";

export interface PlanningPosteriorV2 {
  runId: string;
  modelId: string;
  key: string;
  model: MmmModelV2;
  draws: PosteriorDraws;
}

const CACHE_SIZE = 4;
const cache = new Map<string, Promise<PlanningPosteriorV2>>();

/** The version (1 or 2) of a run's stored model spec, read without decoding the spec; null without one. */
export async function storedRunSpecVersion(
  db: PrismaExecutor,
  actor: Actor,
  runId: string,
): Promise<1 | 2 | null> {
  const rows = await db.$queryRaw<{ version: unknown }[]>`
    SELECT a."analysis"->'version' AS "version" FROM "RunArtifact" a
     WHERE a."runId" = ${runId} AND a."workspaceId" = ${actor.workspaceId} AND a."kind" = 'spec'`;
  return storedSpecVersion({ version: rows[0]?.version });
}

export async function loadPlanningPosteriorV2(
  db: PrismaExecutor,
  actor: Actor,
  runId: string,
): Promise<PlanningPosteriorV2> {
  const run = await db.run.findFirst({
    where: { id: runId, workspaceId: actor.workspaceId },
    select: {
      id: true,
      status: true,
      modelId: true,
      artifacts: { where: { kind: { in: ["draws", "spec"] } }, select: { id: true, kind: true } },
    },
  });
  if (!run) throw notFound("That run");
  if (run.status !== "succeeded")
    throw badRequest(
      `This run has not finished successfully (status: ${run.status}); plans need a fitted run.`,
    );
  const draws = run.artifacts.find((a) => a.kind === "draws");
  const spec = run.artifacts.find((a) => a.kind === "spec");
  if (!draws || !spec)
    throw badRequest(
      "This run has no stored posterior draws or model inputs, so nothing can be planned on it.",
    );
  const key = `${run.id}:${draws.id}:${spec.id}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const pending = (async (): Promise<PlanningPosteriorV2> => {
    const [d, s] = await Promise.all([
      db.runArtifact.findUniqueOrThrow({ where: { id: draws.id }, select: { bytes: true, encoding: true } }),
      db.runArtifact.findUniqueOrThrow({ where: { id: spec.id }, select: { analysis: true } }),
    ]);
    if (!d.bytes) throw badRequest("The stored draws of this run are empty.");
    const model = createModelV2(decodeModelSpecV2(s.analysis));
    const posterior = posteriorOfStoredDraws(d.bytes, d.encoding).draws;
    if (posterior.dim !== model.spec.parameters.length)
      throw badRequest(
        `The stored draws have ${posterior.dim} parameters, the model has ${model.spec.parameters.length}; the run was fitted with another engine version.`,
      );
    return { runId: run.id, modelId: run.modelId, key, model, draws: posterior };
  })();
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return pending;
}

/** For tests: forget cached v2 posteriors. */
export function clearPlanningPosteriorV2Cache(): void {
  cache.clear();
}
