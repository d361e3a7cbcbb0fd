// Priors from the approved posterior (docs/model.md): for a model with priorsFromApproved on, each
// run (manual or scheduled) is fitted with per-parameter priors moment-matched to the model's
// approved run's draws (core priorsFromPosterior). The run's summary records where they came from.
import { POSTERIOR_PRIOR_WIDEN, priorsFromPosterior, type Prior } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import { decodeModelSpec, decodeModelSpecV2, decodeStoredDraws, storedSpecVersion } from "@mixcast/runs";

export interface ApprovedPriors {
  runId: string;
  /** The model version (1 or 2) of the run the priors come from: they fit only that version's parameters. */
  modelVersion: 1 | 2;
  widen: number;
  priors: Record<string, Prior>;
}

/** The priors for a run of `modelId`, or null (option off, no other approved run, no draws). */
export async function approvedPosteriorPriors(
  prisma: PrismaClient,
  modelId: string,
  runId: string,
): Promise<ApprovedPriors | null> {
  const model = await prisma.model.findUnique({
    where: { id: modelId },
    select: { priorsFromApproved: true, approvedRunId: true },
  });
  if (!model?.priorsFromApproved || !model.approvedRunId || model.approvedRunId === runId) return null;
  return posteriorPriorsOf(prisma, model.approvedRunId);
}

/** Moment-matched priors from the stored posterior of `sourceRunId`, or null without draws. */
export async function posteriorPriorsOf(
  prisma: PrismaClient,
  sourceRunId: string,
): Promise<ApprovedPriors | null> {
  const artifacts = await prisma.runArtifact.findMany({
    where: { runId: sourceRunId, kind: { in: ["draws", "spec"] } },
    select: { kind: true, bytes: true, encoding: true, analysis: true },
  });
  const draws = artifacts.find((a) => a.kind === "draws");
  const spec = artifacts.find((a) => a.kind === "spec");
  if (!draws?.bytes || !spec?.analysis) return null;
  const decoded = decodeStoredDraws(draws.bytes, draws.encoding);
  const modelVersion = storedSpecVersion(spec.analysis) === 2 ? 2 : 1;
  const parameters =
    modelVersion === 2
      ? decodeModelSpecV2(spec.analysis).parameters
      : decodeModelSpec(spec.analysis).parameters;
  const priors = priorsFromPosterior(parameters, decoded, { widen: POSTERIOR_PRIOR_WIDEN });
  return Object.keys(priors).length
    ? { runId: sourceRunId, modelVersion, widen: POSTERIOR_PRIOR_WIDEN, priors }
    : null;
}

/**
 * The config a run is fitted with: the approved priors under any the config states itself. Priors
 * of a run of the other model version are not used (v1 and v2 scale the data differently, so a
 * label such as beta[TV] does not mean the same there).
 */
export function withApprovedPriors<C extends { parameterPriors?: Record<string, Prior> | undefined }>(
  config: C,
  from: ApprovedPriors | null,
  modelVersion: 1 | 2,
): C {
  if (!from || from.modelVersion !== modelVersion) return config;
  return { ...config, parameterPriors: { ...from.priors, ...config.parameterPriors } };
}
