// A succeeded run's posterior, read from what the worker stored: the "draws" RunArtifact (core's
// Float32 draws, deflated) and the "spec" RunArtifact (the ModelSpec the run was fitted on) give the
// model that packages/core's analysis functions take. No view parses the dataset's CSV or the
// config for it. Decoding costs an inflate, so the last few posteriors stay in memory, keyed by
// run and artifacts.
import { createModel, type MmmModel, type ModelConfig, type PosteriorDraws } from "@mixcast/core";
import type { PrismaExecutor } from "@mixcast/db";
import { decodeModelSpec, decodeStoredDraws, storedSpecVersion } from "@mixcast/runs";
import type { Actor } from "../actor.ts";
import { badRequest, notFound } from "../errors.ts";

export interface RunPosterior {
  runId: string;
  modelId: string;
  config: ModelConfig;
  model: MmmModel;
  draws: PosteriorDraws;
  /** Parameter labels of the draw columns (spec order). */
  names: string[];
  chains: number;
}

const CACHE_SIZE = 6;
const cache = new Map<string, Promise<RunPosterior>>();

/** Stored draw bytes as constrained draws, rows = draws (the artifact format is @mixcast/runs'). */
export function posteriorOfStoredDraws(
  bytes: Uint8Array,
  encoding: string | null,
): { draws: PosteriorDraws; names: string[]; chains: number } {
  const d = decodeStoredDraws(bytes, encoding);
  return {
    draws: { values: d.values, draws: d.chains * d.perChain, dim: d.names.length },
    names: d.names,
    chains: d.chains,
  };
}

/** What a loader's build step gets: the run and the ids of its draws and spec artifacts. */
export interface StoredPosteriorRef {
  runId: string;
  modelId: string;
  drawsId: string;
  specId: string;
}

/**
 * The shared half of the v1 and v2 posterior loaders: finds the actor's succeeded run with its
 * draws and spec artifacts (refusing, in plain words, what cannot be computed from) and keeps the
 * last `size` built posteriors in `cache`, keyed by run and artifacts.
 */
export async function loadStoredPosterior<T>(
  db: PrismaExecutor,
  actor: Actor,
  runId: string,
  cache: Map<string, Promise<T>>,
  size: number,
  build: (ref: StoredPosteriorRef) => Promise<T>,
): Promise<T> {
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
      `This run has not finished successfully (status: ${run.status}); insights need a fitted run.`,
    );
  const artifact = run.artifacts.find((a) => a.kind === "draws");
  if (!artifact)
    throw badRequest("This run has no stored posterior draws, so nothing can be computed from it.");
  const spec = run.artifacts.find((a) => a.kind === "spec");
  if (!spec)
    throw badRequest(
      "This run was fitted before its model inputs were stored with it; a running worker stores them within a minute. Try again shortly.",
    );
  const key = `${run.id}:${artifact.id}:${spec.id}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const pending = build({ runId: run.id, modelId: run.modelId, drawsId: artifact.id, specId: spec.id });
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  while (cache.size > size) cache.delete(cache.keys().next().value as string);
  return pending;
}

export async function loadRunPosterior(
  db: PrismaExecutor,
  actor: Actor,
  runId: string,
): Promise<RunPosterior> {
  return loadStoredPosterior(db, actor, runId, cache, CACHE_SIZE, (ref) => build(db, ref));
}

async function build(
  db: PrismaExecutor,
  { runId, modelId, drawsId: artifactId, specId }: StoredPosteriorRef,
): Promise<RunPosterior> {
  const [artifact, stored] = await Promise.all([
    db.runArtifact.findUniqueOrThrow({ where: { id: artifactId }, select: { bytes: true, encoding: true } }),
    db.runArtifact.findUniqueOrThrow({ where: { id: specId }, select: { analysis: true } }),
  ]);
  if (!artifact.bytes) throw badRequest("The stored draws of this run are empty.");
  if (storedSpecVersion(stored.analysis) === 2) throw v2NotYetAvailable();
  const model = createModel(decodeModelSpec(stored.analysis));
  const config = model.spec.config;
  const { draws, names, chains } = posteriorOfStoredDraws(artifact.bytes, artifact.encoding);
  if (draws.dim !== model.spec.parameters.length) {
    throw badRequest(
      `The stored draws have ${draws.dim} parameters, the model has ${model.spec.parameters.length}; the run was fitted with another engine version.`,
    );
  }
  return { runId, modelId, config, model, draws, names, chains };
}

/** For tests: forget cached posteriors. */
export function clearPosteriorCache(): void {
  cache.clear();
}

/**
 * Views built on v1's posterior model (insights, run comparison, reports) are not yet wired to v2
 * runs; they say so instead of failing on the stored v2 spec. The optimizer and scenarios load v2
 * runs themselves (optimizer/planning-posterior.ts).
 */
export function v2NotYetAvailable() {
  return badRequest(
    "This view is not yet available for geo, reach & frequency, organic, units-KPI or multiplicative (v2) models. This run's ROI, cost per incremental unit and per-geo results are on its run page; its budget optimizer and scenarios work.",
  );
}
