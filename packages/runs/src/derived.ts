// What is derived from a finished run after its outcome transaction, with no change of state (so
// no audit event), written here so that this package stays the only writer of Run rows: the
// refit stability, and the stored views of runs fitted before the worker stored them itself.
import type { ModelSpec } from "@mixcast/core";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { encodeModelSpec, SPEC_ENCODING } from "./spec.ts";
import { jsonSafe } from "./stored/codec.ts";
import { runSummaryCodec, type RefreshComparison } from "./stored/run.ts";
import { transaction } from "./transaction.ts";

/** Run.stability: the refit's stability report against the model's approved run. */
export async function recordStability(prisma: PrismaClient, runId: string, stability: object): Promise<void> {
  await prisma.run.update({
    where: { id: runId },
    data: { stability: jsonSafe(stability) as Prisma.InputJsonValue },
  });
}

/**
 * The views the worker stores with every outcome (the "spec" artifact, summary.refreshComparison),
 * for a succeeded run that does not have them yet. Does nothing when the run is not succeeded or
 * already has its spec; returns whether it stored them.
 */
export async function storeRunViews(
  prisma: PrismaClient,
  runId: string,
  views: { spec: ModelSpec; refreshComparison: RefreshComparison | null },
): Promise<boolean> {
  const spec = encodeModelSpec(views.spec);
  return transaction(prisma, async (tx) => {
    const run = await tx.run.findUnique({
      where: { id: runId },
      select: {
        status: true,
        workspaceId: true,
        summary: true,
        artifacts: { where: { kind: "spec" }, select: { id: true } },
      },
    });
    if (!run || run.status !== "succeeded" || run.artifacts.length > 0) return false;
    const summary = runSummaryCodec.decodeNullable(run.summary) ?? {};
    await tx.run.update({
      where: { id: runId },
      data: { summary: runSummaryCodec.encode({ ...summary, refreshComparison: views.refreshComparison }) },
    });
    await tx.runArtifact.create({
      data: {
        workspaceId: run.workspaceId,
        runId,
        kind: "spec",
        analysis: spec,
        encoding: SPEC_ENCODING,
        sizeBytes: 0,
      },
    });
    return true;
  });
}

/**
 * The "insights" artifact the web computed for a run fitted before the worker stored one (the v1
 * analysis, the v2 curves), kept for later requests.
 */
export async function storeRunInsights(
  prisma: PrismaClient,
  run: { runId: string; workspaceId: string },
  insights: Prisma.InputJsonValue,
): Promise<void> {
  await prisma.runArtifact.upsert({
    where: { runId_kind: { runId: run.runId, kind: "insights" } },
    create: {
      workspaceId: run.workspaceId,
      runId: run.runId,
      kind: "insights",
      analysis: insights,
      encoding: "json",
      sizeBytes: 0,
    },
    update: { analysis: insights },
  });
}
