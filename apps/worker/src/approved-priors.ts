// Priors from the approved posterior (docs/model.md): for a model with priorsFromApproved on, each
// run (manual or scheduled) is fitted with per-parameter priors moment-matched to the model's
// approved run's draws (core priorsFromPosterior). The run's summary records where they came from.
import { POSTERIOR_PRIOR_WIDEN, priorsFromPosterior, type ModelConfig, type Prior } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import { decodeModelSpec, decodeStoredDraws } from "@mixcast/runs";

export interface ApprovedPriors {
  runId: string;
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
  const priors = priorsFromPosterior(decodeModelSpec(spec.analysis).parameters, decoded, {
    widen: POSTERIOR_PRIOR_WIDEN,
  });
  return Object.keys(priors).length ? { runId: sourceRunId, widen: POSTERIOR_PRIOR_WIDEN, priors } : null;
}

/** The config a run is fitted with: the approved priors under any the config states itself. */
export function withApprovedPriors(config: ModelConfig, from: ApprovedPriors | null): ModelConfig {
  if (!from) return config;
  return { ...config, parameterPriors: { ...from.priors, ...config.parameterPriors } };
}
