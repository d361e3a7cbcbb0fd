// Two fitted runs of one model side by side (e.g. a "traditional" config with the same
// transforms everywhere vs the social-aware default): holdout metrics, PSIS-LOO, ROI per channel
// and what changed in the config.
import { z } from "zod";
import type { PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { badRequest, notFound } from "../errors.ts";
import { compareLoo, psisLoo, type LooResult } from "@mixcast/core";
import { roiOfSummary, runSummaryCodec } from "@mixcast/runs/stored";
import { loadRunPosterior, type RunPosterior } from "../insight/run-posterior.ts";

export const compareRunsInput = z.object({ runA: z.string().min(1), runB: z.string().min(1) });

export interface ConfigChange {
  path: string;
  a: unknown;
  b: unknown;
}

/** Leaf-level differences between two JSON values; arrays of objects with a `column` are matched by column. */
export function configDiff(a: unknown, b: unknown, path = ""): ConfigChange[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const keyed = (v: unknown): v is { column: string }[] =>
    Array.isArray(v) && v.every((x) => isObj(x) && typeof x.column === "string");
  if (keyed(a) && keyed(b)) {
    const cols = [...new Set([...a.map((x) => x.column), ...b.map((x) => x.column)])];
    return cols.flatMap((c) =>
      configDiff(
        a.find((x) => x.column === c),
        b.find((x) => x.column === c),
        `${path}[${c}]`,
      ),
    );
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => configDiff(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return [{ path: path || "(root)", a: a ?? null, b: b ?? null }];
}

export async function compareRuns(db: PrismaExecutor, actor: Actor, input: z.infer<typeof compareRunsInput>) {
  if (input.runA === input.runB) throw badRequest("Pick two different runs.");
  const runs = await db.run.findMany({
    where: { id: { in: [input.runA, input.runB] }, workspaceId: actor.workspaceId },
    select: {
      id: true,
      modelId: true,
      status: true,
      mode: true,
      trigger: true,
      finishedAt: true,
      summary: true,
      converged: true,
      model: { select: { name: true } },
      configVersion: { select: { version: true, config: true, note: true } },
      datasetVersion: { select: { id: true, version: true } },
    },
  });
  const a = runs.find((r) => r.id === input.runA);
  const b = runs.find((r) => r.id === input.runB);
  if (!a || !b) throw notFound("One of those runs");
  if (a.modelId !== b.modelId) throw badRequest("Compare two runs of the same model.");
  for (const r of [a, b])
    if (r.status !== "succeeded") throw badRequest("Both runs need to have finished successfully.");
  const side = (r: typeof a) => {
    const s = runSummaryCodec.decodeNullable(r.summary) ?? {};
    return {
      id: r.id,
      mode: r.mode,
      trigger: r.trigger,
      finishedAt: r.finishedAt,
      converged: r.converged,
      configVersion: r.configVersion.version,
      configNote: r.configVersion.note,
      datasetVersion: r.datasetVersion.version,
      holdout: s.holdout ?? null,
      loo: s.loo ?? null,
      roi: roiOfSummary(s),
    };
  };
  const A = side(a);
  const B = side(b);
  const channels = [...new Set([...Object.keys(A.roi), ...Object.keys(B.roi)])];
  const roi = channels.map((channel) => ({
    channel,
    a: A.roi[channel] ?? null,
    b: B.roi[channel] ?? null,
  }));
  const { elpdDiff, elpdNote } = await pairedElpdDifference(db, actor, a, b);
  return {
    modelName: a.model.name,
    a: A,
    b: B,
    roi,
    elpdDiff,
    elpdNote,
    configChanges: configDiff(a.configVersion.config, b.configVersion.config),
  };
}

/** PSIS-LOO per loaded posterior: loadRunPosterior caches those, so a run compared again (or
 *  against another run) does not redo its pointwise log-likelihood and smoothing. */
const looCache = new WeakMap<RunPosterior, LooResult>();

/** PSIS-LOO of a run from its stored draws, pointwise over the training weeks. */
function runLoo(p: RunPosterior): LooResult {
  const hit = looCache.get(p);
  if (hit) return hit;
  const { model, draws } = p;
  const T = model.spec.trainingWeeks;
  const logLik = new Float64Array(draws.draws * T);
  const row = new Float64Array(T);
  for (let s = 0; s < draws.draws; s++) {
    model.pointwiseLogLik(draws.values.subarray(s * draws.dim, (s + 1) * draws.dim), row);
    logLik.set(row, s * T);
  }
  const loo = psisLoo(logLik, draws.draws, T);
  looCache.set(p, loo);
  return loo;
}

/**
 * elpd(A) - elpd(B) with the standard error of the paired pointwise differences (as loo_compare
 * does): both runs predict the same training weeks, so their errors are strongly correlated and
 * treating them as independent overstates the SE. Only defined when both runs were fitted on the
 * same dataset version with the same training weeks; otherwise the elpds are about different data.
 */
async function pairedElpdDifference(
  db: PrismaExecutor,
  actor: Actor,
  a: { id: string; datasetVersion: { id: string } },
  b: { id: string; datasetVersion: { id: string } },
): Promise<{ elpdDiff: { value: number; se: number; weeks: number } | null; elpdNote: string | null }> {
  if (a.datasetVersion.id !== b.datasetVersion.id) {
    return {
      elpdDiff: null,
      elpdNote:
        "The runs were fitted on different dataset versions, so their PSIS-LOO scores are about different data and cannot be compared.",
    };
  }
  const [pa, pb] = await Promise.all([loadRunPosterior(db, actor, a.id), loadRunPosterior(db, actor, b.id)]);
  const weeks = pa.model.spec.trainingWeeks;
  if (pb.model.spec.trainingWeeks !== weeks) {
    return {
      elpdDiff: null,
      elpdNote: `The runs hold out different numbers of weeks (${weeks} vs ${pb.model.spec.trainingWeeks} training weeks), so their PSIS-LOO scores cannot be compared.`,
    };
  }
  const c = compareLoo(runLoo(pa), runLoo(pb));
  return { elpdDiff: { value: c.elpdDiff, se: c.se, weeks }, elpdNote: null };
}
