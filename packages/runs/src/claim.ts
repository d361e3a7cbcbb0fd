// A worker's hold on a run, from claim to outcome.
//
// The Run row is the source of truth. A worker holds a run by its `attempt` number (a fencing
// token): claiming increments it, and every later write is conditional on it and on
// status = running. A worker that was presumed dead and comes back cannot overwrite the result of
// the worker that took over; its write matches no row and it gets a LostClaimError.
import type { Draws, ModelSpec, ModelSpecV2, RunAnalysis, RunAnalysisV2 } from "@mixcast/core";
import type { Prisma, PrismaClient, PrismaTransaction } from "@mixcast/db";
import { writeRunEvent, type RunOrigin } from "./audit.ts";
import { LostClaimError } from "./errors.ts";
import { transaction } from "./transaction.ts";
import { encodeStoredDraws } from "./draws.ts";
import { encodeModelSpec, SPEC_ENCODING } from "./spec.ts";
import { jsonSafe } from "./stored/codec.ts";
import {
  analysisErrorSchema,
  runAnalysisCodec,
  runAnalysisV2Codec,
  runInsightsV2Codec,
  type RunInsightsV2,
} from "./stored/artifacts.ts";
import {
  runDiagnosticsCodec,
  runProgressCodec,
  runSummaryCodec,
  type RunDiagnostics,
  type RunProgress,
  type RunSummary,
} from "./stored/run.ts";

/** What a worker holds after claiming: the run and its attempt (the fencing token). */
export interface Claim {
  run: RunOrigin;
  attempt: number;
  workerId: string;
}

function loadRun(db: PrismaTransaction, runId: string) {
  return db.run.findUnique({
    where: { id: runId },
    include: {
      datasetVersion: { select: { id: true, version: true, csv: true, mapping: true } },
      configVersion: { select: { id: true, version: true, config: true } },
    },
  });
}

export type ClaimedRun = NonNullable<Awaited<ReturnType<typeof loadRun>>>;

export type ClaimResult =
  | { status: "claimed"; run: ClaimedRun; claim: Claim }
  | { status: "skipped"; reason: string }
  | { status: "cancelled"; attempt: number };

/**
 * Takes a queued run (or a running one whose worker was given up on) for this worker: status
 * running, attempt + 1. A run whose cancel was requested before it started is cancelled instead.
 */
export async function claimRun(
  prisma: PrismaClient,
  runId: string,
  by: { workerId: string; jobId?: string | undefined },
): Promise<ClaimResult> {
  return transaction(prisma, async (tx) => {
    const run = await loadRun(tx, runId);
    if (!run) return { status: "skipped", reason: "run does not exist" };
    if (run.status !== "queued" && run.status !== "running") {
      return { status: "skipped", reason: `run is already ${run.status}` };
    }
    if (run.cancelRequestedAt) {
      const updated = await tx.run.updateMany({
        where: { id: run.id, attempt: run.attempt, status: { in: ["queued", "running"] } },
        data: { status: "cancelled", finishedAt: new Date() },
      });
      if (updated.count === 1)
        await writeRunEvent(tx, run, "run.cancelled", {
          attempt: run.attempt,
          workerId: by.workerId,
          before: "start",
        });
      return { status: "cancelled", attempt: run.attempt };
    }
    const attempt = run.attempt + 1;
    const now = new Date();
    const updated = await tx.run.updateMany({
      where: { id: run.id, attempt: run.attempt, status: { in: ["queued", "running"] } },
      data: {
        status: "running",
        attempt,
        workerId: by.workerId,
        jobId: by.jobId ?? run.jobId,
        startedAt: run.startedAt ?? now,
        heartbeatAt: now,
        finishedAt: null,
        error: null,
        percent: 0,
        progress: runProgressCodec.encode({ phase: "starting", attempt, workerId: by.workerId, percent: 0 }),
      },
    });
    if (updated.count === 0) return { status: "skipped", reason: "claimed by another worker" };
    await writeRunEvent(tx, run, "run.started", {
      attempt,
      workerId: by.workerId,
      jobId: by.jobId ?? null,
      previousStatus: run.status,
      resumedFromWorker: run.status === "running" ? run.workerId : null,
    });
    return {
      status: "claimed",
      run: { ...run, startedAt: run.startedAt ?? now },
      claim: { run, attempt, workerId: by.workerId },
    };
  });
}

const fence = (claim: Claim) => ({ id: claim.run.id, attempt: claim.attempt, status: "running" as const });
const lost = (claim: Claim) =>
  new LostClaimError(`run ${claim.run.id} is no longer held by attempt ${claim.attempt}`);

/**
 * Progress and heartbeat in one conditional UPDATE (no audit event: progress is not a change of
 * state). `held` false: the claim is gone; `cancelRequested`: a user asked to stop.
 */
export async function recordProgress(
  prisma: PrismaClient,
  claim: Claim,
  progress: RunProgress & { percent: number },
): Promise<{ held: boolean; cancelRequested: boolean }> {
  const encoded = runProgressCodec.encode(progress);
  const rows = await prisma.$queryRaw<{ cancelRequestedAt: Date | null }[]>`
    UPDATE "Run" SET "progress" = ${JSON.stringify(encoded)}::jsonb, "percent" = ${progress.percent},
           "heartbeatAt" = now()
     WHERE "id" = ${claim.run.id} AND "attempt" = ${claim.attempt} AND "status" = 'running'
    RETURNING "cancelRequestedAt"`;
  return { held: rows.length > 0, cancelRequested: Boolean(rows[0]?.cancelRequestedAt) };
}

export interface SuccessInput {
  converged: boolean;
  diagnostics: RunDiagnostics;
  summary: RunSummary;
  engineVersion: string;
  progress: RunProgress;
  finishedAt: Date;
  /** The posterior draws (stored deflated, draws.ts). */
  draws: Draws;
  /** The ModelSpec the run was fitted on (stored as kind "spec": the web's model of the run). */
  spec: ModelSpec | ModelSpecV2;
  /** core's analyzeRun (v1) or analyzeRunV2 (v2) output, or why it failed; null: none. */
  analysis: RunAnalysis | RunAnalysisV2 | { error: string } | null;
  /**
   * v2: the insights the run's page draws (response and frequency curves, @mixcast/runs/insights),
   * stored as kind "insights" so the page reads them instead of computing them on first open;
   * absent, null or an error: none stored (the web computes them on first open).
   */
  insights?: RunInsightsV2 | { error: string } | null;
  /** Details of the run.succeeded audit event (attempt and workerId are added). */
  details: Record<string, unknown>;
}

/** The fit's outcome, its artifacts and the audit event, in one transaction. */
export async function succeedRun(prisma: PrismaClient, claim: Claim, outcome: SuccessInput): Promise<void> {
  // Encoded (and validated) before the transaction, so that it stays short.
  const draws = encodeStoredDraws(outcome.draws);
  const summary = runSummaryCodec.encode(outcome.summary);
  const diagnostics = runDiagnosticsCodec.encode(outcome.diagnostics);
  const progress = runProgressCodec.encode(outcome.progress);
  const spec = encodeModelSpec(outcome.spec);
  const analysis =
    outcome.analysis === null
      ? null
      : "error" in outcome.analysis
        ? (jsonSafe(analysisErrorSchema.parse(outcome.analysis)) as Prisma.InputJsonValue)
        : outcome.analysis.version === 2
          ? runAnalysisV2Codec.encode(outcome.analysis)
          : runAnalysisCodec.encode(outcome.analysis);
  const insights =
    outcome.insights && !("error" in outcome.insights) ? runInsightsV2Codec.encode(outcome.insights) : null;
  await prisma.$transaction(
    async (tx) => {
      const updated = await tx.run.updateMany({
        where: fence(claim),
        data: {
          status: "succeeded",
          converged: outcome.converged,
          diagnostics,
          summary,
          engineVersion: outcome.engineVersion,
          progress,
          percent: 100,
          finishedAt: outcome.finishedAt,
          heartbeatAt: outcome.finishedAt,
          error: null,
        },
      });
      if (updated.count === 0) throw lost(claim);
      // a fresh set: nothing derived from another attempt's draws survives
      await tx.runArtifact.deleteMany({ where: { runId: claim.run.id } });
      const artifact = { workspaceId: claim.run.workspaceId, runId: claim.run.id };
      await tx.runArtifact.create({ data: { ...artifact, kind: "draws", ...draws } });
      await tx.runArtifact.create({
        data: { ...artifact, kind: "spec", analysis: spec, encoding: SPEC_ENCODING, sizeBytes: 0 },
      });
      if (analysis !== null)
        await tx.runArtifact.create({
          data: { ...artifact, kind: "analysis", analysis, encoding: "json", sizeBytes: 0 },
        });
      if (insights !== null)
        await tx.runArtifact.create({
          data: { ...artifact, kind: "insights", analysis: insights, encoding: "json", sizeBytes: 0 },
        });
      await writeRunEvent(tx, claim.run, "run.succeeded", {
        attempt: claim.attempt,
        workerId: claim.workerId,
        ...outcome.details,
      });
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
}

/** The run failed for good (bad config or data, a fit error): no retry. */
export async function failRun(
  prisma: PrismaClient,
  claim: Claim,
  reason: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await transaction(prisma, async (tx) => {
    const now = new Date();
    const updated = await tx.run.updateMany({
      where: fence(claim),
      data: { status: "failed", error: reason, finishedAt: now, heartbeatAt: now },
    });
    if (updated.count === 0) throw lost(claim);
    await writeRunEvent(tx, claim.run, "run.failed", {
      attempt: claim.attempt,
      workerId: claim.workerId,
      reason,
      ...details,
    });
  });
}

/** The worker stopped the sampler because a user asked: the run is cancelled. */
export async function cancelClaimedRun(
  prisma: PrismaClient,
  claim: Claim,
  progress: RunProgress & { percent: number },
): Promise<void> {
  await transaction(prisma, async (tx) => {
    const now = new Date();
    const updated = await tx.run.updateMany({
      where: fence(claim),
      data: {
        status: "cancelled",
        finishedAt: now,
        heartbeatAt: now,
        progress: runProgressCodec.encode({ ...progress, phase: "cancelled" }),
      },
    });
    if (updated.count === 0) throw lost(claim);
    await writeRunEvent(tx, claim.run, "run.cancelled", {
      attempt: claim.attempt,
      workerId: claim.workerId,
      atPercent: progress.percent,
    });
  });
}

/** The worker shuts down mid-fit: the run goes back to the queue (the caller re-enqueues it). */
export async function handBackRun(prisma: PrismaClient, claim: Claim, progress: object): Promise<void> {
  await transaction(prisma, async (tx) => {
    const updated = await tx.run.updateMany({
      where: fence(claim),
      data: {
        status: "queued",
        workerId: null,
        progress: runProgressCodec.encode({ ...progress, phase: "requeued" }),
        percent: 0,
      },
    });
    if (updated.count === 0) throw lost(claim);
    await writeRunEvent(
      tx,
      claim.run,
      "run.requeued",
      { attempt: claim.attempt, workerId: claim.workerId, reason: "worker shutdown" },
      "system",
    );
  });
}
