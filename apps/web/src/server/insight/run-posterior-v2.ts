// A succeeded v2 run's posterior (geo, reach & frequency, organic, units KPI, log link, knots,
// time-varying media), read from what the worker stored: the "draws" RunArtifact and the "spec"
// RunArtifact (core's ModelSpecV2) give the MmmModelV2 that packages/core's v2 analysis takes.
// Kept apart from run-posterior.ts, whose loader serves the v1 views (optimizer, scenarios,
// comparison) and refuses v2 runs with v2NotYetAvailable until those views are wired to v2.
import { createModelV2, type MmmModelV2, type PosteriorDraws } from "@mixcast/core";
import type { PrismaExecutor } from "@mixcast/db";
import { decodeModelSpecV2, storedSpecVersion } from "@mixcast/runs";
import type { Actor } from "../actor.ts";
import { badRequest } from "../errors.ts";
import { loadStoredPosterior, posteriorOfStoredDraws, type StoredPosteriorRef } from "./run-posterior.ts";

export interface RunPosteriorV2 {
  runId: string;
  modelId: string;
  model: MmmModelV2;
  draws: PosteriorDraws;
  /** Parameter labels of the draw columns (spec order). */
  names: string[];
  chains: number;
}

const CACHE_SIZE = 4;
const cache = new Map<string, Promise<RunPosteriorV2>>();

/** The stored model spec's version (1 or 2) of a run of the actor's workspace; null without a spec. */
export async function runSpecVersion(db: PrismaExecutor, actor: Actor, runId: string): Promise<1 | 2 | null> {
  const rows = await db.$queryRaw<{ version: unknown }[]>`
    SELECT a."analysis"->'version' AS "version" FROM "RunArtifact" a
     WHERE a."runId" = ${runId} AND a."workspaceId" = ${actor.workspaceId} AND a."kind" = 'spec'`;
  return storedSpecVersion({ version: rows[0]?.version });
}

export async function loadRunPosteriorV2(
  db: PrismaExecutor,
  actor: Actor,
  runId: string,
): Promise<RunPosteriorV2> {
  return loadStoredPosterior(db, actor, runId, cache, CACHE_SIZE, (ref) => build(db, ref));
}

async function build(
  db: PrismaExecutor,
  { runId, modelId, drawsId: artifactId, specId }: StoredPosteriorRef,
): Promise<RunPosteriorV2> {
  const [artifact, stored] = await Promise.all([
    db.runArtifact.findUniqueOrThrow({ where: { id: artifactId }, select: { bytes: true, encoding: true } }),
    db.runArtifact.findUniqueOrThrow({ where: { id: specId }, select: { analysis: true } }),
  ]);
  if (!artifact.bytes) throw badRequest("The stored draws of this run are empty.");
  if (storedSpecVersion(stored.analysis) !== 2)
    throw badRequest("This run is a v1 model; its insights come from the v1 view.");
  const model = createModelV2(decodeModelSpecV2(stored.analysis));
  const { draws, names, chains } = posteriorOfStoredDraws(artifact.bytes, artifact.encoding);
  if (draws.dim !== model.dim) {
    throw badRequest(
      `The stored draws have ${draws.dim} parameters, the model has ${model.dim}; the run was fitted with another engine version.`,
    );
  }
  return { runId, modelId, model, draws, names, chains };
}

/** For tests: forget cached v2 posteriors. */
export function clearPosteriorCacheV2(): void {
  cache.clear();
}
