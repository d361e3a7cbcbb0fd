// Chains as separate queue jobs (docs/operations.md, "Chains as separate jobs"). The worker that
// claims the run (the coordinator) plans one RunChain row per chain and keeps the Run's claim,
// progress and outcome; a chain job on any worker claims one row, runs that chain and stores its
// result. A chain row is fenced by its own `attempt`, as a Run is: a chain job presumed dead that
// comes back cannot overwrite the chain of the job that took over. Chain results survive a
// coordinator that dies: the next attempt of the run keeps every finished chain.
import { deflateSync, inflateSync } from "node:zlib";
import type { ChainResult } from "@mixcast/core";
import type { Prisma, PrismaClient } from "@mixcast/db";
import type { Claim } from "./claim.ts";
import { LostClaimError } from "./errors.ts";
import { transaction } from "./transaction.ts";

/** What every chain of a run runs with; decided once, by the run's first coordinator. */
export interface ChainSettings {
  chains: number;
  warmup: number;
  draws: number;
  seed: number;
  /** The approved run whose posterior gave the priors (every chain must use the same). */
  priorsFromRunId?: string | null;
}

export interface ChainProgressInfo {
  phase: string;
  iteration: number;
  total: number;
  divergences: number;
  elapsedMs?: number;
}

/** A chain row as the coordinator reads it (without the result bytes). */
export interface ChainState {
  chain: number;
  status: "pending" | "running" | "succeeded" | "failed" | "cancelled";
  attempt: number;
  workerId: string | null;
  progress: ChainProgressInfo | null;
  heartbeatAt: Date | null;
  createdAt: Date;
  error: string | null;
  settings: ChainSettings;
}

const chainStateSelect = {
  chain: true,
  status: true,
  attempt: true,
  workerId: true,
  progress: true,
  heartbeatAt: true,
  createdAt: true,
  error: true,
  settings: true,
} as const;

function toState(row: {
  chain: number;
  status: ChainState["status"];
  attempt: number;
  workerId: string | null;
  progress: Prisma.JsonValue;
  heartbeatAt: Date | null;
  createdAt: Date;
  error: string | null;
  settings: Prisma.JsonValue;
}): ChainState {
  return {
    ...row,
    progress: (row.progress ?? null) as ChainProgressInfo | null,
    settings: row.settings as unknown as ChainSettings,
  };
}

const lost = (claim: Claim) =>
  new LostClaimError(`run ${claim.run.id} is no longer held by attempt ${claim.attempt}`);

/**
 * The coordinator's plan: one pending row per chain that has none yet (rows of an earlier attempt
 * are kept, finished ones with their results). Fenced by the run's claim. Returns every chain of
 * the run; their settings are the first plan's, whatever `settings` says now.
 */
export async function planChains(
  prisma: PrismaClient,
  claim: Claim,
  settings: ChainSettings,
): Promise<ChainState[]> {
  return transaction(prisma, async (tx) => {
    const held = await tx.run.findFirst({
      where: { id: claim.run.id, attempt: claim.attempt, status: "running" },
      select: { id: true },
    });
    if (!held) throw lost(claim);
    const existing = await tx.runChain.findFirst({
      where: { runId: claim.run.id },
      select: { settings: true },
    });
    const plan = existing ? (existing.settings as unknown as ChainSettings) : settings;
    await tx.runChain.createMany({
      data: Array.from({ length: plan.chains }, (_, chain) => ({
        workspaceId: claim.run.workspaceId,
        runId: claim.run.id,
        chain,
        settings: { ...plan },
      })),
      skipDuplicates: true,
    });
    const rows = await tx.runChain.findMany({
      where: { runId: claim.run.id },
      select: chainStateSelect,
      orderBy: { chain: "asc" },
    });
    return rows.map(toState);
  });
}

/** Every chain of a run, without result bytes (the coordinator's poll). */
export async function listChains(prisma: PrismaClient, runId: string): Promise<ChainState[]> {
  const rows = await prisma.runChain.findMany({
    where: { runId },
    select: chainStateSelect,
    orderBy: { chain: "asc" },
  });
  return rows.map(toState);
}

/** The finished chains' results, in chain order (throws if one is missing). */
export async function loadChainResults(prisma: PrismaClient, runId: string): Promise<ChainResult[]> {
  const rows = await prisma.runChain.findMany({
    where: { runId, status: "succeeded" },
    select: { chain: true, result: true },
    orderBy: { chain: "asc" },
  });
  return rows.map((row, i) => {
    if (row.chain !== i || !row.result) throw new Error(`run ${runId}: chain ${i} has no stored result`);
    return decodeChainResult(row.result);
  });
}

/** What a chain job holds after claiming: the chain row and its attempt (the fencing token). */
export interface ChainClaim {
  runId: string;
  chain: number;
  attempt: number;
  workerId: string;
}

function loadRunForChain(prisma: PrismaClient, runId: string) {
  return prisma.run.findUnique({
    where: { id: runId },
    select: {
      id: true,
      status: true,
      seed: true,
      mode: true,
      cancelRequestedAt: true,
      datasetVersion: { select: { id: true, version: true, csv: true, mapping: true } },
      configVersion: { select: { id: true, version: true, config: true } },
    },
  });
}

export type ChainRun = NonNullable<Awaited<ReturnType<typeof loadRunForChain>>>;

export type ChainClaimResult =
  | { status: "claimed"; claim: ChainClaim; run: ChainRun; settings: ChainSettings }
  | { status: "skipped"; reason: string };

/**
 * Takes a pending chain (or a running one whose job was given up on) for this worker: status
 * running, attempt + 1. Skipped when the run is no longer live (finished, cancel requested) or the
 * chain is already finished.
 */
export async function claimChain(
  prisma: PrismaClient,
  runId: string,
  chain: number,
  by: { workerId: string; jobId?: string | undefined },
): Promise<ChainClaimResult> {
  const run = await loadRunForChain(prisma, runId);
  if (!run) return { status: "skipped", reason: "run does not exist" };
  if ((run.status !== "queued" && run.status !== "running") || run.cancelRequestedAt)
    return { status: "skipped", reason: `run is ${run.cancelRequestedAt ? "being cancelled" : run.status}` };
  const row = await prisma.runChain.findUnique({ where: { runId_chain: { runId, chain } } });
  if (!row) return { status: "skipped", reason: `run has no chain ${chain}` };
  if (row.status !== "pending" && row.status !== "running")
    return { status: "skipped", reason: `chain ${chain} is already ${row.status}` };
  const attempt = row.attempt + 1;
  const now = new Date();
  const updated = await prisma.runChain.updateMany({
    where: { id: row.id, attempt: row.attempt, status: { in: ["pending", "running"] } },
    data: {
      status: "running",
      attempt,
      workerId: by.workerId,
      jobId: by.jobId ?? row.jobId,
      startedAt: now,
      heartbeatAt: now,
      error: null,
      progress: { phase: "starting", iteration: 0, total: 0, divergences: 0 },
    },
  });
  if (updated.count === 0) return { status: "skipped", reason: "claimed by another worker" };
  return {
    status: "claimed",
    claim: { runId, chain, attempt, workerId: by.workerId },
    run,
    settings: row.settings as unknown as ChainSettings,
  };
}

const chainFence = (claim: ChainClaim) => ({
  runId: claim.runId,
  chain: claim.chain,
  attempt: claim.attempt,
  status: "running" as const,
});

/**
 * Progress and heartbeat of a chain in one conditional UPDATE. `held` false: another job took the
 * chain; `runLive` false: the run finished or a cancel was requested (the chain should stop).
 */
export async function recordChainProgress(
  prisma: PrismaClient,
  claim: ChainClaim,
  progress: ChainProgressInfo,
): Promise<{ held: boolean; runLive: boolean }> {
  const rows = await prisma.$queryRaw<{ status: string; cancelRequestedAt: Date | null }[]>`
    UPDATE "RunChain" c SET "progress" = ${JSON.stringify(progress)}::jsonb, "heartbeatAt" = now()
      FROM "Run" r
     WHERE c."runId" = ${claim.runId} AND c."chain" = ${claim.chain} AND c."attempt" = ${claim.attempt}
       AND c."status" = 'running' AND r."id" = c."runId"
    RETURNING r."status"::text AS "status", r."cancelRequestedAt"`;
  const run = rows[0];
  if (!run) return { held: false, runLive: true };
  return {
    held: true,
    runLive: (run.status === "queued" || run.status === "running") && !run.cancelRequestedAt,
  };
}

/** The chain finished: its result, stored with the row (fenced by the chain's attempt). */
export async function succeedChain(
  prisma: PrismaClient,
  claim: ChainClaim,
  result: ChainResult,
  progress: ChainProgressInfo,
): Promise<void> {
  if (result.chain !== claim.chain)
    throw new Error(`result of chain ${result.chain} for chain ${claim.chain}`);
  const bytes = encodeChainResult(result);
  const now = new Date();
  const updated = await prisma.runChain.updateMany({
    where: chainFence(claim),
    data: {
      status: "succeeded",
      result: bytes,
      sizeBytes: bytes.byteLength,
      finishedAt: now,
      heartbeatAt: now,
      progress: { ...progress },
    },
  });
  if (updated.count === 0)
    throw new LostClaimError(
      `chain ${claim.chain} of run ${claim.runId} is no longer held by attempt ${claim.attempt}`,
    );
}

/** The chain failed for good (an engine error, or its attempts used up): the coordinator fails the run. */
export async function failChain(
  prisma: PrismaClient,
  target: { runId: string; chain: number; attempt?: number },
  reason: string,
): Promise<boolean> {
  const updated = await prisma.runChain.updateMany({
    where: {
      runId: target.runId,
      chain: target.chain,
      status: { in: ["pending", "running"] },
      ...(target.attempt !== undefined ? { attempt: target.attempt } : {}),
    },
    data: { status: "failed", error: reason, finishedAt: new Date() },
  });
  return updated.count === 1;
}

/** The chain's worker shuts down mid-chain: the chain goes back to pending (the caller re-enqueues it). */
export async function handBackChain(prisma: PrismaClient, claim: ChainClaim): Promise<boolean> {
  const updated = await prisma.runChain.updateMany({
    where: chainFence(claim),
    data: { status: "pending", workerId: null },
  });
  return updated.count === 1;
}

/** The run ended without success: chains not finished are cancelled (their jobs stop at their next write). */
export async function stopChains(prisma: PrismaClient, runId: string): Promise<number> {
  const updated = await prisma.runChain.updateMany({
    where: { runId, status: { in: ["pending", "running"] } },
    data: { status: "cancelled", finishedAt: new Date() },
  });
  return updated.count;
}

/** After the run's outcome is stored its draws artifact holds the draws: drop the chains' copies. */
export async function releaseChainResults(prisma: PrismaClient, runId: string): Promise<void> {
  await prisma.runChain.updateMany({ where: { runId, result: { not: null } }, data: { result: null } });
}

// Binary form of a ChainResult: "MXC1", a uint32 header length, a JSON header (the numbers and,
// per typed array, its name, type and length), then the arrays' bytes, 8-byte aligned; deflated.
// Every typed-array field is stored, whatever the sampler adds later, losslessly (Float64 stays
// Float64), so a merged fit equals the in-process one bit for bit.
const MAGIC = "MXC1";
const ARRAY_TYPES = {
  Float64Array,
  Float32Array,
  Uint32Array,
  Int32Array,
  Uint16Array,
  Uint8Array,
} as const;
type ArrayTypeName = keyof typeof ARRAY_TYPES;
type AnyTypedArray = InstanceType<(typeof ARRAY_TYPES)[ArrayTypeName]>;

interface ChainHeader {
  numbers: Record<string, number>;
  arrays: { name: string; type: ArrayTypeName; length: number; offset: number }[];
}

export function encodeChainResult(result: ChainResult): Uint8Array<ArrayBuffer> {
  const header: ChainHeader = { numbers: {}, arrays: [] };
  const parts: AnyTypedArray[] = [];
  let offset = 0;
  for (const [name, value] of Object.entries(result)) {
    if (typeof value === "number") header.numbers[name] = value;
    else if (ArrayBuffer.isView(value)) {
      const type = value.constructor.name as ArrayTypeName;
      if (!(type in ARRAY_TYPES)) throw new Error(`chain result field ${name}: unsupported ${type}`);
      const arr = value as AnyTypedArray;
      header.arrays.push({ name, type, length: arr.length, offset });
      parts.push(arr);
      offset += Math.ceil(arr.byteLength / 8) * 8;
    }
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const head = 8 + Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(head + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(4, json.byteLength, true);
  out.set(json, 8);
  header.arrays.forEach((a, i) => {
    const p = parts[i]!;
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), head + a.offset);
  });
  const z = deflateSync(out, { level: 1 });
  return new Uint8Array(z.buffer, z.byteOffset, z.byteLength);
}

export function decodeChainResult(bytes: Uint8Array): ChainResult {
  const raw = new Uint8Array(inflateSync(bytes));
  if (new TextDecoder().decode(raw.subarray(0, 4)) !== MAGIC) throw new Error("not a stored chain result");
  const len = new DataView(raw.buffer, raw.byteOffset).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(raw.subarray(8, 8 + len))) as ChainHeader;
  const head = 8 + Math.ceil(len / 8) * 8;
  const out: Record<string, unknown> = { ...header.numbers };
  for (const a of header.arrays) {
    const Type = ARRAY_TYPES[a.type];
    const bytesPer = Type.BYTES_PER_ELEMENT;
    // A copy with its own aligned buffer (transferable, and aligned for Float64).
    const copy = raw.slice(head + a.offset, head + a.offset + a.length * bytesPer);
    out[a.name] = new Type(copy.buffer, 0, a.length);
  }
  return out as unknown as ChainResult;
}
