// Test data: a workspace with a simulated dataset, a model, a config version and runs.
import { createHash, randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { simulate } from "@mixcast/core";

export interface ModelFixture {
  workspaceId: string;
  datasetId: string;
  datasetVersionId: string;
  modelId: string;
  configVersionId: string;
  csv: string;
  config: Record<string, unknown>;
}

export async function seedModel(
  prisma: PrismaClient,
  options: {
    weeks?: number;
    seed?: number;
    channels?: number;
    csv?: string;
    /** A config (and the dataset mapping) instead of the simulation's, e.g. a v2 one. */
    config?: Record<string, unknown>;
    sampler?: { chains: number; warmup: number; draws: number };
  } = {},
): Promise<ModelFixture> {
  const sim = simulate({
    weeks: options.weeks ?? 60,
    seed: options.seed ?? 7,
    channels: options.channels ?? 2,
    holdoutWeeks: 8,
  });
  const csv = options.csv ?? sim.csv;
  const config: Record<string, unknown> = {
    ...(options.config ?? sim.config),
    ...(options.sampler ? { sampler: options.sampler } : {}),
  };
  const suffix = randomUUID().slice(0, 8);
  const workspace = await prisma.workspace.create({
    data: { id: `ws_${suffix}`, name: `WS ${suffix}`, slug: `ws-${suffix}` },
  });
  const dataset = await prisma.dataset.create({
    data: { workspaceId: workspace.id, name: `sales ${suffix}` },
  });
  const version = await addDatasetVersion(prisma, {
    workspaceId: workspace.id,
    datasetId: dataset.id,
    csv,
    mapping: options.config ?? sim.mapping,
  });
  const model = await prisma.model.create({
    data: { workspaceId: workspace.id, datasetId: dataset.id, name: `model ${suffix}` },
  });
  const configVersion = await prisma.modelConfigVersion.create({
    data: {
      workspaceId: workspace.id,
      modelId: model.id,
      version: 1,
      config: JSON.parse(JSON.stringify(config)) as Prisma.InputJsonValue,
    },
  });
  return {
    workspaceId: workspace.id,
    datasetId: dataset.id,
    datasetVersionId: version.id,
    modelId: model.id,
    configVersionId: configVersion.id,
    csv,
    config,
  };
}

export async function addDatasetVersion(
  prisma: PrismaClient,
  input: { workspaceId: string; datasetId: string; csv: string; mapping: unknown },
): Promise<{ id: string; version: number }> {
  const last = await prisma.datasetVersion.findFirst({
    where: { datasetId: input.datasetId },
    orderBy: { version: "desc" },
  });
  const lines = input.csv.trim().split(/\r?\n/);
  return prisma.datasetVersion.create({
    data: {
      workspaceId: input.workspaceId,
      datasetId: input.datasetId,
      version: (last?.version ?? 0) + 1,
      checksum: createHash("sha256").update(input.csv).digest("hex"),
      rowCount: Math.max(0, lines.length - 1),
      columnCount: (lines[0] ?? "").split(",").length,
      mapping: JSON.parse(JSON.stringify(input.mapping)) as Prisma.InputJsonValue,
      summary: {},
      csv: input.csv,
    },
    select: { id: true, version: true },
  });
}

export async function createRun(
  prisma: PrismaClient,
  fx: ModelFixture,
  options: { seed?: number; mode?: "fast" | "full"; datasetVersionId?: string } = {},
): Promise<string> {
  const run = await prisma.run.create({
    data: {
      workspaceId: fx.workspaceId,
      modelId: fx.modelId,
      datasetVersionId: options.datasetVersionId ?? fx.datasetVersionId,
      configVersionId: fx.configVersionId,
      seed: options.seed ?? 42,
      mode: options.mode ?? "fast",
      trigger: "manual",
    },
  });
  return run.id;
}

/** Polls until `check` returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
