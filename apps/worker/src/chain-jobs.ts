// Chains as separate queue jobs (docs/operations.md, "Chains as separate jobs"; issue 15 target 4),
// for v1 and v2 (geo) fits alike.
//
// The worker that claims a full run (the coordinator, fit-job.ts) plans one RunChain row per chain,
// puts one `fit-chain` job per unfinished chain on the queue, and waits: it folds the chains'
// progress into the Run row (which keeps the run's heartbeat and cancel checks as for an in-process
// fit), and when every chain has its result it merges them (core's fitFromChains: the same
// FitResult as an in-process fit with the same seed) and stores the outcome as usual.
//
// Any worker process, on any machine, takes chain jobs (processChainJob). A chain's draws depend
// only on (run seed, chain index) and the planned settings, so a chain retried on another worker
// after its worker died gives the same draws; the finished chains are kept.
import type { ChainResult } from "@mixcast/core";
import {
  claimChain,
  failChain,
  handBackChain,
  listChains,
  loadChainResults,
  planChains,
  recordChainProgress,
  succeedChain,
  type ChainClaim,
  type ChainProgressInfo,
  type ChainSettings,
  type ChainState,
  type Claim,
  pinnedLiftTestsOf,
} from "@mixcast/runs";
import { redactSecrets } from "@mixcast/db/redact";
import type { EngineFitOptions } from "./engine.ts";
import { posteriorPriorsOf } from "./approved-priors.ts";
import { isAbortError, isTransientError, messageOf } from "./errors.ts";
import { prepareRunFit, type FitJobContext } from "./fit-job.ts";
import type { ProgressTracker } from "./progress.ts";

/** How the coordinator reaches the chain queue (worker.ts wires it to pg-boss). */
export interface ChainJobQueue {
  /** Sends the chain's job; null when one is already live (pg-boss singleton key). */
  enqueue(runId: string, chain: number): Promise<string | null>;
  /** Whether a job for the chain is queued, retrying or active. */
  hasLiveJob(runId: string, chain: number): Promise<boolean>;
  /** A chain silent this long with no live job is sent again, or failed after maxAttempts. */
  staleSeconds: number;
  maxAttempts: number;
  /** Coordinator poll of the chain rows. */
  pollMs: number;
}

/** A chain failed for good: the run fails with this reason. */
export class ChainFailedError extends Error {
  override name = "ChainFailedError";
}

function abortError(): Error {
  return Object.assign(new Error("The fit was aborted"), { name: "AbortError" });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** The chain plan of a claimed run (kept from an earlier attempt of the run if there was one). */
export async function planRunChains(
  ctx: FitJobContext,
  claim: Claim,
  settings: ChainSettings,
): Promise<ChainSettings> {
  const chains = await planChains(ctx.prisma, claim, settings);
  return chains[0]?.settings ?? settings;
}

function chainView(c: ChainState, total: number) {
  const p = c.progress;
  return {
    chain: c.chain,
    phase:
      c.status === "succeeded"
        ? "done"
        : c.status === "pending"
          ? "queued"
          : c.status === "running"
            ? (p?.phase ?? "starting")
            : c.status,
    iteration: c.status === "succeeded" ? total : (p?.iteration ?? 0),
    total,
    divergences: p?.divergences ?? 0,
    workerId: c.workerId,
    attempt: c.attempt,
  };
}

/**
 * The coordinator's part: sends the chain jobs, follows them until every chain has its result
 * (progress into `tracker`), then merges them. Throws ChainFailedError when a chain failed, an
 * AbortError when `signal` aborts (cancel, shutdown, lost claim: the caller settles the run).
 */
export async function fitWithChainJobs<T>(
  ctx: FitJobContext & { chainJobs: ChainJobQueue },
  claim: Claim,
  input: {
    /** The fit from every chain's result (v1's or v2's merge, in the fit thread). */
    merge(results: ChainResult[], options: EngineFitOptions): Promise<T>;
    plan: ChainSettings;
    tracker: ProgressTracker;
    signal: AbortSignal;
  },
): Promise<T> {
  const { prisma, chainJobs: jobs } = ctx;
  const { plan, tracker, signal } = input;
  const runId = claim.run.id;
  const total = plan.warmup + plan.draws;
  for (const c of await listChains(prisma, runId))
    if (c.status === "pending" || c.status === "running") await jobs.enqueue(runId, c.chain);

  const checkedAt = new Map<number, number>();
  for (;;) {
    if (signal.aborted) throw abortError();
    const chains = await listChains(prisma, runId);
    for (const c of chains) tracker.setChain(chainView(c, total));
    const failed = chains.find((c) => c.status === "failed" || c.status === "cancelled");
    if (failed)
      throw new ChainFailedError(
        `chain ${failed.chain + 1} of ${plan.chains} failed: ${failed.error ?? failed.status}`,
      );
    if (chains.length === plan.chains && chains.every((c) => c.status === "succeeded")) break;
    // pg-boss retries a chain job whose worker stopped heart-beating; this covers what it cannot
    // see: a chain whose job is gone (retries used up, or never sent by a coordinator that died).
    const now = Date.now();
    const staleMs = jobs.staleSeconds * 1000;
    for (const c of chains) {
      if (c.status === "succeeded") continue;
      if (now - (c.heartbeatAt ?? c.createdAt).getTime() < staleMs) continue;
      if (now - (checkedAt.get(c.chain) ?? 0) < staleMs / 2) continue;
      checkedAt.set(c.chain, now);
      if (await jobs.hasLiveJob(runId, c.chain)) continue;
      if (c.attempt >= jobs.maxAttempts) {
        await failChain(
          prisma,
          { runId, chain: c.chain, attempt: c.attempt },
          `its worker ${c.workerId ?? "?"} stopped responding; gave up after ${c.attempt} attempts`,
        );
      } else await jobs.enqueue(runId, c.chain);
    }
    await sleep(jobs.pollMs, signal);
  }
  tracker.setPhase("fitting");
  const results: ChainResult[] = await loadChainResults(prisma, runId);
  return input.merge(results, {
    mode: "nuts",
    chains: plan.chains,
    warmup: plan.warmup,
    draws: plan.draws,
    seed: plan.seed,
    signal,
  });
}

export type ChainOutcome =
  | { status: "succeeded"; runId: string; chain: number; attempt: number }
  | { status: "failed"; runId: string; chain: number; attempt: number; reason: string }
  | { status: "handed-back"; runId: string; chain: number; attempt: number }
  | { status: "stopped"; runId: string; chain: number; attempt: number; reason: string }
  | { status: "skipped"; runId: string; chain: number; reason: string };

/**
 * One chain job: claim the chain, fit that chain of the run's pinned dataset and config with the
 * planned settings, stream its progress to the chain row, store its result.
 */
export async function processChainJob(
  ctx: FitJobContext,
  runId: string,
  chain: number,
  options: { jobId?: string; shutdownSignal?: AbortSignal } = {},
): Promise<ChainOutcome> {
  const { prisma } = ctx;
  const claimed = await claimChain(prisma, runId, chain, { workerId: ctx.workerId, jobId: options.jobId });
  if (claimed.status === "skipped") return { status: "skipped", runId, chain, reason: claimed.reason };
  const { claim, run, settings } = claimed;
  const { attempt } = claim;
  const fail = async (reason: string): Promise<ChainOutcome> => {
    await failChain(prisma, { runId, chain, attempt }, reason);
    return { status: "failed", runId, chain, attempt, reason };
  };
  // The coordinator's preparation (v1 or v2 config, parsed data), with the same priors as every
  // other chain of the run: the source the coordinator planned.
  const priors = settings.priorsFromRunId ? await posteriorPriorsOf(prisma, settings.priorsFromRunId) : null;
  // ...and the lift tests the coordinator pinned on the run (none pinned: none).
  const liftTests = await pinnedLiftTestsOf(prisma, runId);
  const prepared = prepareRunFit(ctx, run, priors, liftTests);
  if ("failure" in prepared) return fail(prepared.failure.reason);
  if (!prepared.fitChain) return fail("this worker's engine cannot run single chains");

  const total = settings.warmup + settings.draws;
  let latest: ChainProgressInfo = { phase: "starting", iteration: 0, total, divergences: 0 };
  const abort = new AbortController();
  let abortReason: "shutdown" | "lost" | "run ended" | null = null;
  const stop = (reason: "shutdown" | "lost" | "run ended") => {
    abortReason ??= reason;
    abort.abort();
  };
  const onShutdown = () => stop("shutdown");
  if (options.shutdownSignal?.aborted) onShutdown();
  options.shutdownSignal?.addEventListener("abort", onShutdown, { once: true });
  let writing = null as Promise<void> | null;
  const write = async () => {
    try {
      const { held, runLive } = await recordChainProgress(prisma, claim, latest);
      if (!held) stop("lost");
      else if (!runLive) stop("run ended");
    } catch (error) {
      console.error(
        `[worker ${ctx.workerId}] progress of chain ${chain} of run ${runId} failed: ${redactSecrets(messageOf(error))}`,
      );
    }
  };
  const timer = setInterval(() => {
    writing ??= write().finally(() => {
      writing = null;
    });
  }, ctx.progressIntervalMs);
  const settle = async () => {
    clearInterval(timer);
    options.shutdownSignal?.removeEventListener("abort", onShutdown);
    await writing;
  };

  let result: ChainResult;
  try {
    result = await prepared.fitChain({
      chain,
      ...settings,
      onProgress: (p) => {
        latest = {
          phase: p.phase ?? "sampling",
          iteration: p.iteration ?? 0,
          total: p.total ?? total,
          divergences: p.divergences ?? 0,
          ...(p.elapsedMs !== undefined ? { elapsedMs: p.elapsedMs } : {}),
        };
      },
      signal: abort.signal,
    });
    if (abortReason !== null) throw abortError();
  } catch (error) {
    await settle();
    if (abortReason !== null && (isAbortError(error) || abort.signal.aborted)) {
      if (abortReason === "shutdown") {
        await handBackChain(prisma, claim);
        return { status: "handed-back", runId, chain, attempt };
      }
      return { status: "stopped", runId, chain, attempt, reason: abortReason };
    }
    if (isTransientError(error)) throw error;
    return fail(`Chain failed: ${messageOf(error)}`);
  }
  await settle();
  await succeedChain(prisma, claim satisfies ChainClaim, result, {
    phase: "done",
    iteration: total,
    total,
    divergences: result.divergent.reduce((a, b) => a + b, 0),
  });
  return { status: "succeeded", runId, chain, attempt };
}
