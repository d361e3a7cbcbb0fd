// A succeeded run's posterior, rebuilt from what the worker stored: the "draws" RunArtifact
// (core's Float32 draws, deflated) plus the run's dataset and config versions give the model
// (ModelSpec + MmmModel) that packages/core's analysis functions take. Rebuilding costs a CSV parse
// and an inflate, so the last few posteriors stay in memory, keyed by run and artifact.
import { parseDatasetCsv, type ModelConfig } from "@mixcast/core";
import { createModel, type MmmModel } from "@mixcast/core";
import { buildModelSpec } from "@mixcast/core";
import type { PosteriorDraws } from "@mixcast/core";
import type { PrismaExecutor } from "@mixcast/db";
import { decodeStoredDraws } from "@mixcast/runs";
import { modelConfigCodec } from "@mixcast/runs/stored";
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

export async function loadRunPosterior(
  db: PrismaExecutor,
  actor: Actor,
  runId: string,
): Promise<RunPosterior> {
  const run = await db.run.findFirst({
    where: { id: runId, workspaceId: actor.workspaceId },
    select: {
      id: true,
      status: true,
      modelId: true,
      artifacts: { where: { kind: "draws" }, select: { id: true } },
    },
  });
  if (!run) throw notFound("That run");
  if (run.status !== "succeeded")
    throw badRequest(
      `This run has not finished successfully (status: ${run.status}); insights need a fitted run.`,
    );
  const artifact = run.artifacts[0];
  if (!artifact)
    throw badRequest("This run has no stored posterior draws, so nothing can be computed from it.");
  const key = `${run.id}:${artifact.id}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const pending = build(db, run.id, run.modelId, artifact.id);
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return pending;
}

async function build(
  db: PrismaExecutor,
  runId: string,
  modelId: string,
  artifactId: string,
): Promise<RunPosterior> {
  const [artifact, run] = await Promise.all([
    db.runArtifact.findUniqueOrThrow({ where: { id: artifactId }, select: { bytes: true, encoding: true } }),
    db.run.findUniqueOrThrow({
      where: { id: runId },
      select: { datasetVersion: { select: { csv: true } }, configVersion: { select: { config: true } } },
    }),
  ]);
  if (!artifact.bytes) throw badRequest("The stored draws of this run are empty.");
  const config = modelConfigCodec.decode(run.configVersion.config);
  const parsed = parseDatasetCsv(run.datasetVersion.csv, config, { holdoutWeeks: config.holdoutWeeks });
  if (!parsed.ok)
    throw badRequest(`The run's dataset no longer parses: ${parsed.errors[0]?.message ?? "unknown error"}`);
  const model = createModel(buildModelSpec(parsed.dataset, config));
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
