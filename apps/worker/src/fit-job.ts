// One fit job: claim the run, fit its pinned dataset and config versions, stream progress to the
// Run row, and store the outcome in one transaction.
//
// The Run row is the source of truth. A worker holds a run by its `attempt` number (a fencing
// token): claiming increments it, and every later write is conditional on it and on
// status = running. A worker that was presumed dead and comes back cannot overwrite the result of
// the worker that took over; it sees its write match no row and stops (LostClaimError).
import type { Prisma, PrismaClient } from "@mixcast/db";
import { auditRun } from "./audit.ts";
import { transaction } from "./transaction.ts";
import { compressDraws, DRAWS_ENCODING } from "./artifact.ts";
import type { Engine, EngineFitOptions, EngineFitResult } from "./engine.ts";
import { formatParseErrors } from "./engine.ts";
import { isAbortError, isTransientError, LostClaimError, messageOf } from "./errors.ts";
import { ProgressTracker, type RunProgress } from "./progress.ts";
import { compareRoi, roiChannelsOf, type RefreshComparison } from "./refresh-comparison.ts";
import { nonFiniteSummaryReason } from "./finite.ts";
import { redactSecrets } from "@mixcast/db/redact";

export interface SamplerSettings {
  chains: number;
  warmup: number;
  draws: number;
}

export const DEFAULT_SAMPLER: SamplerSettings = { chains: 4, warmup: 500, draws: 500 };

export interface FitJobContext {
  prisma: PrismaClient;
  engine: Engine;
  workerId: string;
  /** Worker threads per fit. */
  threads: number;
  progressIntervalMs: number;
  sampler?: SamplerSettings;
  /** Called after every progress write (tests, benchmarks). */
  onProgressWrite?: (info: { runId: string; durationMs: number; progress: RunProgress }) => void;
}

export type FitOutcome =
  | { status: "succeeded"; runId: string; attempt: number; converged: boolean }
  | { status: "failed"; runId: string; attempt: number; reason: string }
  | { status: "cancelled"; runId: string; attempt: number }
  | { status: "handed-back"; runId: string; attempt: number }
  | { status: "lost"; runId: string; attempt: number }
  | { status: "skipped"; runId: string; reason: string };

export interface ProcessFitRunOptions {
  jobId?: string;
  /** Aborted when the worker shuts down: the run is handed back (status queued) for another worker. */
  shutdownSignal?: AbortSignal;
}

const json = (value: unknown): Prisma.InputJsonValue =>
  JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;

/** Chains/warmup/draws: `sampler` in the stored config JSON (read by the worker only), else defaults. */
export function samplerSettings(
  rawConfig: unknown,
  defaults: SamplerSettings = DEFAULT_SAMPLER,
): SamplerSettings {
  const raw = (rawConfig as { sampler?: Partial<SamplerSettings> } | null)?.sampler ?? {};
  const pick = (value: unknown, fallback: number, min: number) =>
    typeof value === "number" && Number.isInteger(value) && value >= min ? value : fallback;
  return {
    chains: pick(raw.chains, defaults.chains, 1),
    warmup: pick(raw.warmup, defaults.warmup, 0),
    draws: pick(raw.draws, defaults.draws, 1),
  };
}

export async function processFitRun(
  ctx: FitJobContext,
  runId: string,
  options: ProcessFitRunOptions = {},
): Promise<FitOutcome> {
  const { prisma } = ctx;
  const claim = await claimRun(ctx, runId, options.jobId);
  if (claim.status !== "claimed") return claim.outcome;
  const { run, attempt } = claim;
  const actor = {
    id: run.id,
    workspaceId: run.workspaceId,
    trigger: run.trigger,
    createdById: run.createdById,
  };
  const fenced = { id: run.id, attempt, status: "running" as const };

  const failRun = async (reason: string, details: Record<string, unknown> = {}): Promise<FitOutcome> => {
    await transaction(ctx.prisma, async (tx) => {
      const updated = await tx.run.updateMany({
        where: fenced,
        data: { status: "failed", error: reason, finishedAt: new Date(), heartbeatAt: new Date() },
      });
      if (updated.count === 0)
        throw new LostClaimError(`run ${run.id} is no longer held by attempt ${attempt}`);
      await auditRun(tx, actor, "run.failed", { attempt, workerId: ctx.workerId, reason, ...details });
    });
    return { status: "failed", runId: run.id, attempt, reason };
  };

  // 1. Config and data. Both are deterministic: an error here fails the run without retry.
  let config: ReturnType<Engine["parseModelConfig"]>;
  try {
    config = ctx.engine.parseModelConfig(run.configVersion.config);
  } catch (error) {
    return failRun(`Model config v${run.configVersion.version} is invalid: ${messageOf(error)}`, {
      stage: "config",
    });
  }
  const parsed = ctx.engine.parseDatasetCsv(run.datasetVersion.csv, config, {
    holdoutWeeks: config.holdoutWeeks,
  });
  if (!parsed.ok) {
    return failRun(formatParseErrors(parsed.errors, parsed.errorCount), {
      stage: "dataset",
      datasetVersion: run.datasetVersion.version,
      errors: parsed.errors.slice(0, 20),
    });
  }
  const dataset = parsed.dataset;

  // 2. Fit, with progress + heartbeat writes at most once per interval.
  const sampler = samplerSettings(run.configVersion.config, ctx.sampler);
  const tracker = new ProgressTracker({
    chains: run.mode === "fast" ? 1 : sampler.chains,
    iterationsPerChain: run.mode === "fast" ? 1 : sampler.warmup + sampler.draws,
    attempt,
    workerId: ctx.workerId,
  });
  const abort = new AbortController();
  let abortReason: "cancel" | "shutdown" | "lost" | null = null;
  const stop = (reason: "cancel" | "shutdown" | "lost") => {
    if (abortReason === null) abortReason = reason;
    abort.abort();
  };
  const onShutdown = () => stop("shutdown");
  if (options.shutdownSignal?.aborted) onShutdown();
  options.shutdownSignal?.addEventListener("abort", onShutdown, { once: true });

  let writing: Promise<void> | null = null;
  const writeProgress = async (): Promise<void> => {
    const progress = tracker.snapshot();
    const t0 = performance.now();
    try {
      const rows = await prisma.$queryRaw<{ cancelRequestedAt: Date | null }[]>`
        UPDATE "Run" SET "progress" = ${JSON.stringify(progress)}::jsonb, "percent" = ${progress.percent},
               "heartbeatAt" = now()
         WHERE "id" = ${run.id} AND "attempt" = ${attempt} AND "status" = 'running'
        RETURNING "cancelRequestedAt"`;
      ctx.onProgressWrite?.({ runId: run.id, durationMs: performance.now() - t0, progress });
      if (rows.length === 0) stop("lost");
      else if (rows[0]?.cancelRequestedAt) stop("cancel");
    } catch (error) {
      // A missed heartbeat is harmless; a database that stays down fails the final write, which
      // is retried as a transient error.
      console.error(
        `[worker ${ctx.workerId}] progress write for run ${run.id} failed: ${redactSecrets(messageOf(error))}`,
      );
    }
  };
  const timer = setInterval(() => {
    writing ??= writeProgress().finally(() => {
      writing = null;
    });
  }, ctx.progressIntervalMs);

  const fitStarted = Date.now();
  let fit: EngineFitResult;
  try {
    const fitOptions: EngineFitOptions = {
      mode: run.mode === "fast" ? "fast" : "nuts",
      chains: sampler.chains,
      warmup: sampler.warmup,
      draws: sampler.draws,
      seed: run.seed,
      threads: Math.max(1, Math.min(ctx.threads, sampler.chains)),
      onProgress: (p) => tracker.update(p),
      signal: abort.signal,
    };
    fit = await ctx.engine.fitModel(dataset, config, fitOptions);
    if (abortReason !== null) throw Object.assign(new Error("aborted"), { name: "AbortError" });
  } catch (error) {
    clearInterval(timer);
    options.shutdownSignal?.removeEventListener("abort", onShutdown);
    await writing;
    if (abortReason !== null && (isAbortError(error) || abort.signal.aborted)) {
      return settleAbort(ctx, actor, attempt, abortReason, tracker.snapshot());
    }
    if (isTransientError(error)) throw error;
    return failRun(`Fit failed: ${messageOf(error)}`, { stage: "fit" });
  }
  clearInterval(timer);
  options.shutdownSignal?.removeEventListener("abort", onShutdown);
  await writing;
  const fitSeconds = (Date.now() - fitStarted) / 1000;

  const nonFinite = nonFiniteSummaryReason(fit);
  if (nonFinite) return failRun(nonFinite, { stage: "summary" });

  // 3. Everything derived from the fit, computed before the transaction so it stays short.
  tracker.setPhase("storing");
  const { analysis: _threadAnalysis, ...fitOnly } = fit;
  const serialized = ctx.engine.serializeFitResult(fitOnly);
  const summaryBase = (typeof serialized === "string" ? JSON.parse(serialized) : serialized) as Record<
    string,
    unknown
  >;
  const draws = compressDraws(ctx.engine.encodeDraws(fit));
  let analysis: unknown = fit.analysis ?? null;
  if (fit.analysis === undefined && ctx.engine.analyzeRun) {
    try {
      analysis = await ctx.engine.analyzeRun({ dataset, config, fit });
    } catch (error) {
      analysis = { error: `analysis failed: ${messageOf(error)}` };
    }
  }
  let refreshComparison: RefreshComparison | null = null;
  if (run.trigger === "schedule") {
    const previous = await prisma.run.findFirst({
      where: { modelId: run.modelId, status: "succeeded", id: { not: run.id } },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      select: { id: true, finishedAt: true, summary: true },
    });
    const previousChannels = previous ? roiChannelsOf(previous.summary) : null;
    const currentChannels = roiChannelsOf({ channels: fit.channels });
    if (previous && previousChannels && currentChannels) {
      refreshComparison = compareRoi(currentChannels, {
        runId: previous.id,
        finishedAt: previous.finishedAt,
        channels: previousChannels,
      });
    }
  }
  const finishedAt = new Date();
  const timings = {
    queueWaitSeconds: run.startedAt ? (run.startedAt.getTime() - run.queuedAt.getTime()) / 1000 : null,
    fitSeconds,
    engine: fit.timing ?? null,
    totalSeconds: run.startedAt ? (finishedAt.getTime() - run.startedAt.getTime()) / 1000 : fitSeconds,
  };
  const summary = { ...summaryBase, timings, refreshComparison, sampler: { ...sampler, mode: run.mode } };
  tracker.setPhase("done");
  const finalProgress = tracker.snapshot();

  // 4. One transaction: run outcome, artifacts, audit.
  await prisma.$transaction(
    async (tx) => {
      const updated = await tx.run.updateMany({
        where: fenced,
        data: {
          status: "succeeded",
          converged: fit.diagnostics.converged,
          diagnostics: json(fit.diagnostics),
          summary: json(summary),
          engineVersion: fit.engineVersion,
          progress: json(finalProgress),
          percent: 100,
          finishedAt,
          heartbeatAt: finishedAt,
          error: null,
        },
      });
      if (updated.count === 0)
        throw new LostClaimError(`run ${run.id} is no longer held by attempt ${attempt}`);
      await tx.runArtifact.deleteMany({ where: { runId: run.id, kind: { in: ["draws", "analysis"] } } });
      await tx.runArtifact.create({
        data: {
          workspaceId: run.workspaceId,
          runId: run.id,
          kind: "draws",
          bytes: draws,
          encoding: DRAWS_ENCODING,
          sizeBytes: draws.byteLength,
        },
      });
      if (analysis !== null) {
        await tx.runArtifact.create({
          data: {
            workspaceId: run.workspaceId,
            runId: run.id,
            kind: "analysis",
            analysis: json(analysis),
            encoding: "json",
            sizeBytes: 0,
          },
        });
      }
      await auditRun(tx, actor, "run.succeeded", {
        attempt,
        workerId: ctx.workerId,
        converged: fit.diagnostics.converged,
        reasons: fit.diagnostics.reasons,
        fitSeconds,
        refreshFlagged: refreshComparison?.flaggedChannels ?? null,
      });
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
  return { status: "succeeded", runId: run.id, attempt, converged: fit.diagnostics.converged };
}

type ClaimedRun = NonNullable<Awaited<ReturnType<typeof loadRun>>>;

function loadRun(prisma: PrismaClient | Prisma.TransactionClient, runId: string) {
  return prisma.run.findUnique({
    where: { id: runId },
    include: {
      datasetVersion: { select: { id: true, version: true, csv: true, mapping: true } },
      configVersion: { select: { id: true, version: true, config: true } },
    },
  });
}

async function claimRun(
  ctx: FitJobContext,
  runId: string,
  jobId: string | undefined,
): Promise<
  { status: "claimed"; run: ClaimedRun; attempt: number } | { status: "done"; outcome: FitOutcome }
> {
  return transaction(ctx.prisma, async (tx) => {
    const run = await loadRun(tx, runId);
    if (!run) return { status: "done", outcome: { status: "skipped", runId, reason: "run does not exist" } };
    const actor = {
      id: run.id,
      workspaceId: run.workspaceId,
      trigger: run.trigger,
      createdById: run.createdById,
    };
    if (run.status !== "queued" && run.status !== "running") {
      return {
        status: "done",
        outcome: { status: "skipped", runId, reason: `run is already ${run.status}` },
      };
    }
    if (run.cancelRequestedAt) {
      const updated = await tx.run.updateMany({
        where: { id: run.id, attempt: run.attempt, status: { in: ["queued", "running"] } },
        data: { status: "cancelled", finishedAt: new Date() },
      });
      if (updated.count === 1)
        await auditRun(tx, actor, "run.cancelled", {
          attempt: run.attempt,
          workerId: ctx.workerId,
          before: "start",
        });
      return { status: "done", outcome: { status: "cancelled", runId, attempt: run.attempt } };
    }
    const attempt = run.attempt + 1;
    const now = new Date();
    const updated = await tx.run.updateMany({
      where: { id: run.id, attempt: run.attempt, status: { in: ["queued", "running"] } },
      data: {
        status: "running",
        attempt,
        workerId: ctx.workerId,
        jobId: jobId ?? run.jobId,
        startedAt: run.startedAt ?? now,
        heartbeatAt: now,
        finishedAt: null,
        error: null,
        percent: 0,
        progress: json({ phase: "starting", attempt, workerId: ctx.workerId, percent: 0 }),
      },
    });
    if (updated.count === 0)
      return { status: "done", outcome: { status: "skipped", runId, reason: "claimed by another worker" } };
    await auditRun(tx, actor, "run.started", {
      attempt,
      workerId: ctx.workerId,
      jobId: jobId ?? null,
      previousStatus: run.status,
      resumedFromWorker: run.status === "running" ? run.workerId : null,
    });
    return { status: "claimed", run: { ...run, startedAt: run.startedAt ?? now }, attempt };
  });
}

async function settleAbort(
  ctx: FitJobContext,
  actor: Parameters<typeof auditRun>[1],
  attempt: number,
  reason: "cancel" | "shutdown" | "lost",
  progress: RunProgress,
): Promise<FitOutcome> {
  if (reason === "lost") return { status: "lost", runId: actor.id, attempt };
  const fenced = { id: actor.id, attempt, status: "running" as const };
  if (reason === "cancel") {
    await transaction(ctx.prisma, async (tx) => {
      const updated = await tx.run.updateMany({
        where: fenced,
        data: {
          status: "cancelled",
          finishedAt: new Date(),
          heartbeatAt: new Date(),
          progress: json({ ...progress, phase: "cancelled" }),
        },
      });
      if (updated.count === 0)
        throw new LostClaimError(`run ${actor.id} is no longer held by attempt ${attempt}`);
      await auditRun(tx, actor, "run.cancelled", {
        attempt,
        workerId: ctx.workerId,
        atPercent: progress.percent,
      });
    });
    return { status: "cancelled", runId: actor.id, attempt };
  }
  // Shutdown: give the run back to the queue; the caller re-enqueues it.
  await transaction(ctx.prisma, async (tx) => {
    const updated = await tx.run.updateMany({
      where: fenced,
      data: {
        status: "queued",
        workerId: null,
        progress: json({ ...progress, phase: "requeued" }),
        percent: 0,
      },
    });
    if (updated.count === 0)
      throw new LostClaimError(`run ${actor.id} is no longer held by attempt ${attempt}`);
    await auditRun(
      tx,
      actor,
      "run.requeued",
      { attempt, workerId: ctx.workerId, reason: "worker shutdown" },
      { system: true },
    );
  });
  return { status: "handed-back", runId: actor.id, attempt };
}
