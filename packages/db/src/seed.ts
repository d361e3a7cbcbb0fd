// Demo workspace for the zero-setup start: a "Demo Brand" workspace owned by a demo user whose
// login `pnpm start` prints, one dataset version (seed/demo-dataset.csv from core's simulator:
// 156 weeks, seven paid channels incl. social and influencer, price, holiday), and a model with its
// first config version.
// Idempotent: a second call finds the workspace and changes nothing.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Prisma } from "./generated/prisma/client.ts";
import type { PrismaClient } from "./client.ts";
import { hashPassword } from "./password.ts";

export const DEMO_USER = {
  email: "demo@mixcast.dev",
  name: "Demo Analyst",
  password: "mixcast-demo",
} as const;
export const DEMO_WORKSPACE = { id: "demo-brand", slug: "demo-brand", name: "Demo Brand" } as const;
export const demoDatasetPath = new URL("../seed/demo-dataset.csv", import.meta.url);
export const demoDatasetInfoPath = new URL("../seed/demo-dataset.json", import.meta.url);

/** seed/demo-dataset.json: written with the CSV by seed/generate-demo-dataset.ts (core's simulator). */
export interface DemoDatasetInfo {
  generator: { name: string; seed: number; weeks: number; channels: string };
  /** core's ColumnMapping of the CSV. */
  mapping: {
    date: string;
    kpi: string;
    channels: { column: string; type: string }[];
    controls: string[];
    events: string[];
  };
  /** core's ModelConfig input for the demo model. */
  config: Record<string, unknown>;
  /** The simulator's true parameters, per channel: spend, contribution and ROI over the training weeks. */
  truth: {
    trainingWeeks: number;
    kpiMean: number;
    channels: Record<string, { type: string; spend: number; contribution: number; roi: number }>;
  };
}

export function readDemoDatasetInfo(): DemoDatasetInfo {
  return JSON.parse(readFileSync(demoDatasetInfoPath, "utf8")) as DemoDatasetInfo;
}

export interface SeedResult {
  created: boolean;
  userId: string;
  workspaceId: string;
  datasetId: string;
  datasetVersionId: string;
  modelId: string;
  configVersionId: string;
}

export interface CsvSummary {
  rowCount: number;
  columnCount: number;
  summary: {
    from: string;
    to: string;
    weeks: number;
    columns: { name: string; role: string; min: number; max: number; mean: number; missing: number }[];
  };
}

/** Row and column summary of a well-formed numeric CSV whose first column is an ISO date. */
export function summariseCsv(csv: string, roles: Record<string, string> = {}): CsvSummary {
  const lines = csv.trim().split(/\r?\n/);
  const header = (lines[0] ?? "").split(",");
  const rows = lines.slice(1).map((line) => line.split(","));
  const dates = rows.map((r) => r[0] ?? "");
  const columns = header.slice(1).map((name, index) => {
    const values = rows.map((r) => Number(r[index + 1]));
    const present = values.filter((v) => Number.isFinite(v));
    return {
      name,
      role: roles[name] ?? "other",
      min: Math.min(...present),
      max: Math.max(...present),
      mean: present.reduce((a, b) => a + b, 0) / Math.max(1, present.length),
      missing: values.length - present.length,
    };
  });
  return {
    rowCount: rows.length,
    columnCount: header.length,
    summary: { from: dates[0] ?? "", to: dates[dates.length - 1] ?? "", weeks: rows.length, columns },
  };
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function columnRoles(mapping: DemoDatasetInfo["mapping"]): Record<string, string> {
  const roles: Record<string, string> = { [mapping.kpi]: "kpi" };
  for (const channel of mapping.channels) roles[channel.column] = `channel:${channel.type}`;
  for (const control of mapping.controls) roles[control] = "control";
  for (const event of mapping.events) roles[event] = "event";
  return roles;
}

export async function seedDemo(
  prisma: PrismaClient,
  options: { password?: string; csv?: string } = {},
): Promise<SeedResult> {
  const existing = await prisma.workspace.findUnique({
    where: { slug: DEMO_WORKSPACE.slug },
    include: {
      memberships: { where: { role: "owner" }, take: 1 },
      datasets: {
        take: 1,
        orderBy: { createdAt: "asc" },
        include: { versions: { take: 1, orderBy: { version: "asc" } } },
      },
      models: {
        take: 1,
        orderBy: { createdAt: "asc" },
        include: { configVersions: { take: 1, orderBy: { version: "asc" } } },
      },
    },
  });
  if (existing) {
    const dataset = existing.datasets[0];
    const model = existing.models[0];
    return {
      created: false,
      userId: existing.memberships[0]?.userId ?? "",
      workspaceId: existing.id,
      datasetId: dataset?.id ?? "",
      datasetVersionId: dataset?.versions[0]?.id ?? "",
      modelId: model?.id ?? "",
      configVersionId: model?.configVersions[0]?.id ?? "",
    };
  }

  const csv = options.csv ?? readFileSync(demoDatasetPath, "utf8");
  const info = readDemoDatasetInfo();
  const passwordHash = await hashPassword(options.password ?? DEMO_USER.password);
  const { rowCount, columnCount, summary } = summariseCsv(csv, columnRoles(info.mapping));

  return prisma.$transaction(async (tx) => {
    const userId = randomUUID();
    const user =
      (await tx.user.findUnique({ where: { email: DEMO_USER.email } })) ??
      (await tx.user.create({
        data: {
          id: userId,
          email: DEMO_USER.email,
          name: DEMO_USER.name,
          emailVerified: true,
          // better-auth's email+password sign-in reads the "credential" account, whose accountId is
          // the user id, and verifies `password` with its scrypt format (password.ts).
          accounts: {
            create: { id: randomUUID(), providerId: "credential", accountId: userId, password: passwordHash },
          },
        },
      }));

    const workspace = await tx.workspace.create({
      data: {
        id: DEMO_WORKSPACE.id,
        name: DEMO_WORKSPACE.name,
        slug: DEMO_WORKSPACE.slug,
        // the simulated demo brand reports in US dollars
        currency: "USD",
        memberships: { create: { id: randomUUID(), userId: user.id, role: "owner" } },
      },
    });
    const dataset = await tx.dataset.create({
      data: {
        workspaceId: workspace.id,
        name: "Weekly sales and media spend",
        description:
          "Synthetic demo data from Mixcast's simulator: 156 weeks, TV, search, four social networks and influencers.",
        createdById: user.id,
      },
    });
    const version = await tx.datasetVersion.create({
      data: {
        workspaceId: workspace.id,
        datasetId: dataset.id,
        version: 1,
        checksum: sha256(csv),
        fileName: "demo-dataset.csv",
        rowCount,
        columnCount,
        mapping: info.mapping,
        summary,
        csv,
        createdById: user.id,
      },
    });
    const model = await tx.model.create({
      data: {
        workspaceId: workspace.id,
        datasetId: dataset.id,
        name: "Demo media mix",
        description: "All seven channels, price as control, holidays as events, last 13 weeks held out.",
        createdById: user.id,
      },
    });
    const config = await tx.modelConfigVersion.create({
      data: {
        workspaceId: workspace.id,
        modelId: model.id,
        version: 1,
        config: info.config as Prisma.InputJsonValue,
        createdById: user.id,
      },
    });
    const audit = (action: string, targetType: string, targetId: string) => ({
      workspaceId: workspace.id,
      actorId: null,
      actorKind: "system" as const,
      action,
      targetType,
      targetId,
      details: { seed: "demo" },
    });
    await tx.auditEvent.createMany({
      data: [
        audit("workspace.create", "workspace", workspace.id),
        audit("dataset.create", "dataset", dataset.id),
        audit("dataset_version.create", "dataset_version", version.id),
        audit("model.create", "model", model.id),
      ],
    });
    return {
      created: true,
      userId: user.id,
      workspaceId: workspace.id,
      datasetId: dataset.id,
      datasetVersionId: version.id,
      modelId: model.id,
      configVersionId: config.id,
    };
  });
}
