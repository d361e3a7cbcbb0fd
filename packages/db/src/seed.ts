// Demo workspace for the zero-setup start: a "Demo Brand" workspace owned by a demo user whose
// login `pnpm start` prints, with two datasets from core's simulators, each with a model and its
// first config version:
//   - seed/demo-dataset.csv: 156 weeks, seven paid channels incl. social and influencer, price,
//     holiday (a v1 model);
//   - seed/demo-geo-dataset.csv: a geo social brand, 20 US states x 156 weeks, conversions with
//     revenue per conversion, Search with clicks, Meta and TikTok as reach & frequency, organic
//     Instagram posts, a categorical promo control and US holidays (a v2 model).
// Idempotent: a second call finds both and changes nothing; a demo workspace seeded before the geo
// demo existed gets the geo dataset and model once.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Prisma } from "./generated/prisma/client.ts";
import type { PrismaClient, PrismaTransaction } from "./client.ts";
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

export const demoGeoDatasetPath = new URL("../seed/demo-geo-dataset.csv", import.meta.url);
export const demoGeoDatasetInfoPath = new URL("../seed/demo-geo-dataset.json", import.meta.url);

/** The geo demo's rows: fixed ids, so a later start finds them whatever the user renamed. */
export const DEMO_GEO = {
  datasetId: "demo-brand-geo-dataset",
  modelId: "demo-brand-geo-model",
  datasetName: "Conversions by state, social reach & frequency",
  modelName: "Geo social mix (20 states)",
} as const;

/** A channel of core's DataMappingV2. */
export interface DemoGeoChannel {
  name?: string;
  column?: string;
  exposure?: string;
  reach?: string;
  frequency?: string;
  role?: "paid" | "organic";
  type: string;
}

/** seed/demo-geo-dataset.json: written with the CSV by seed/generate-demo-geo-dataset.ts (core's simulateV2). */
export interface DemoGeoDatasetInfo {
  generator: { name: string; seed: number; weeks: number; geos: number } & Record<string, unknown>;
  /** core's DataMappingV2 of the CSV (what the upload page stores for a long geo file). */
  mapping: {
    date: string;
    kpi: string;
    kpiType: "units" | "revenue";
    valueColumn?: string;
    geo: string;
    population?: string;
    channels: DemoGeoChannel[];
    controls: string[];
    holidays?: { country: string; region?: string };
  };
  /** core's ModelConfigV2 input for the geo demo model. */
  config: Record<string, unknown>;
  /** The simulator's truth per channel (national) and per state and channel. */
  truth: {
    trainingWeeks: number;
    geos: string[];
    kpiType: string;
    channels: Record<
      string,
      {
        role: "paid" | "rf" | "organic";
        type: string;
        spend: number;
        incremental: number;
        share: number;
        roi?: number;
        cpik?: number;
        optimalFrequency?: number;
      }
    >;
    byGeo: Record<string, Record<string, { incremental: number; roi?: number; cpik?: number }>>;
  };
}

export function readDemoGeoDatasetInfo(): DemoGeoDatasetInfo {
  return JSON.parse(readFileSync(demoGeoDatasetInfoPath, "utf8")) as DemoGeoDatasetInfo;
}

export interface DemoGeoSeedResult {
  /** Created by this call (false: found in place). */
  created: boolean;
  datasetId: string;
  datasetVersionId: string;
  modelId: string;
  configVersionId: string;
}

export interface SeedResult {
  created: boolean;
  userId: string;
  workspaceId: string;
  datasetId: string;
  datasetVersionId: string;
  modelId: string;
  configVersionId: string;
  /** The geo demo (a v2 model on the long geo file). */
  geo: DemoGeoSeedResult;
}

export interface CsvSummary {
  rowCount: number;
  columnCount: number;
  /** The shape the web's dataset page reads (as apps/web's upload stores it). */
  summary: {
    firstDate: string | null;
    lastDate: string | null;
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
    summary: {
      firstDate: dates[0] ?? null,
      lastDate: dates[dates.length - 1] ?? null,
      weeks: rows.length,
      columns,
    },
  };
}

/** One column of the web's dataset summary, over the national weekly series. */
interface GeoColumnSummary {
  name: string;
  role: "kpi" | "channel" | "control";
  type?: string;
  min: number;
  max: number;
  mean: number;
  total: number;
}

function summariseSeries(name: string, role: GeoColumnSummary["role"], values: Float64Array, type?: string) {
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    total += v;
  }
  const out: GeoColumnSummary = {
    name,
    role,
    min,
    max,
    mean: values.length ? total / values.length : 0,
    total,
  };
  if (type !== undefined) out.type = type;
  return out;
}

export interface GeoCsvSummary {
  rowCount: number;
  columnCount: number;
  /** The shape apps/web stores for an uploaded v2 file (server/dataset summarizeDatasetV2). */
  summary: {
    firstDate: string | null;
    lastDate: string | null;
    weeks: number;
    geos: string[];
    geoColumn: string;
    kpiType: string;
    holidays: { country: string; region: string | null } | null;
    channels: {
      name: string;
      type: string;
      role: "paid" | "rf" | "organic";
      columns: Record<string, string>;
    }[];
    columns: GeoColumnSummary[];
    byGeo: { geo: string; kpi: number[]; spend: number[] }[];
  };
}

/**
 * Summary of a well-formed long (week x geo) CSV without quoted fields, in the shape the web's
 * upload stores for v2 files: national weekly totals per column, channel roles, and each geo's
 * weekly KPI and paid spend. (The seed cannot call core's parser: @mixcast/db never depends on it.)
 */
export function summariseGeoCsv(csv: string, mapping: DemoGeoDatasetInfo["mapping"]): GeoCsvSummary {
  const lines = csv.trim().split(/\r?\n/);
  const header = (lines[0] ?? "").split(",");
  const index = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`the geo demo CSV has no column "${name}"`);
    return i;
  };
  const rows = lines.slice(1).map((line, i) => {
    if (line.includes('"')) throw new Error(`the geo demo CSV quotes a field in row ${i + 2}`);
    return line.split(",");
  });
  const dateAt = index(mapping.date);
  const geoAt = index(mapping.geo);
  const weeks = new Map<string, number>();
  const geos = new Map<string, number>();
  for (const row of rows) {
    if (!weeks.has(row[dateAt]!)) weeks.set(row[dateAt]!, weeks.size);
    if (!geos.has(row[geoAt]!)) geos.set(row[geoAt]!, geos.size);
  }
  const N = weeks.size;
  const G = geos.size;
  const grid = (name: string): Float64Array[] => {
    const at = index(name);
    const out = Array.from({ length: G }, () => new Float64Array(N));
    for (const row of rows) out[geos.get(row[geoAt]!)!]![weeks.get(row[dateAt]!)!] = Number(row[at]);
    return out;
  };
  const national = (series: Float64Array[]) => {
    const out = new Float64Array(N);
    for (const s of series) for (let t = 0; t < N; t++) out[t]! += s[t]!;
    return out;
  };
  const round = (v: number) => Math.round(v * 100) / 100;
  const kpi = grid(mapping.kpi);
  const channels = mapping.channels.map((c) => {
    const role: "paid" | "rf" | "organic" = c.role === "organic" ? "organic" : c.reach ? "rf" : "paid";
    const columns: Record<string, string> = {};
    if (c.column) columns.spend = c.column;
    if (c.exposure) columns.exposure = c.exposure;
    if (c.reach) columns.reach = c.reach;
    if (c.frequency) columns.frequency = c.frequency;
    const name = c.name ?? c.column ?? c.exposure ?? "";
    return { name, type: c.type, role, columns, series: grid((c.column ?? c.exposure ?? c.reach)!) };
  });
  const numericControls = mapping.controls.filter((name) => {
    const at = index(name);
    return rows.every((row) => row[at] !== "" && Number.isFinite(Number(row[at])));
  });
  const paid = channels.filter((c) => c.columns.spend !== undefined);
  const mapped = [
    mapping.date,
    mapping.kpi,
    mapping.geo,
    ...[mapping.population, mapping.valueColumn].filter((c): c is string => c !== undefined),
    ...channels.flatMap((c) => Object.values(c.columns)),
    ...mapping.controls,
  ];
  const dates = [...weeks.keys()];
  return {
    rowCount: rows.length,
    columnCount: new Set(mapped).size,
    summary: {
      firstDate: dates[0] ?? null,
      lastDate: dates[N - 1] ?? null,
      weeks: N,
      geos: [...geos.keys()],
      geoColumn: mapping.geo,
      kpiType: mapping.kpiType,
      holidays: mapping.holidays
        ? { country: mapping.holidays.country, region: mapping.holidays.region ?? null }
        : null,
      channels: channels.map(({ name, type, role, columns }) => ({ name, type, role, columns })),
      columns: [
        summariseSeries(mapping.kpi, "kpi", national(kpi)),
        ...channels.map((c) => summariseSeries(c.name, "channel", national(c.series), c.type)),
        ...numericControls.map((name) => summariseSeries(name, "control", national(grid(name)))),
      ],
      byGeo: [...geos.keys()].map((geo, g) => ({
        geo,
        kpi: Array.from(kpi[g]!, round),
        spend: Array.from({ length: N }, (_, t) => round(paid.reduce((s, c) => s + c.series[g]![t]!, 0))),
      })),
    },
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

/** The geo demo writes a 300 kB CSV: Prisma's 5 s default is short on a busy 2-core machine. */
const SEED_TRANSACTION = { maxWait: 30_000, timeout: 120_000 };

export async function seedDemo(
  prisma: PrismaClient,
  options: { password?: string; csv?: string; geoCsv?: string } = {},
): Promise<SeedResult> {
  const notGeo = { NOT: { id: { in: [DEMO_GEO.datasetId, DEMO_GEO.modelId] } } };
  const existing = await prisma.workspace.findUnique({
    where: { slug: DEMO_WORKSPACE.slug },
    include: {
      memberships: { where: { role: "owner" }, take: 1 },
      datasets: {
        where: notGeo,
        take: 1,
        orderBy: { createdAt: "asc" },
        include: { versions: { take: 1, orderBy: { version: "asc" } } },
      },
      models: {
        where: notGeo,
        take: 1,
        orderBy: { createdAt: "asc" },
        include: { configVersions: { take: 1, orderBy: { version: "asc" } } },
      },
    },
  });
  if (existing) {
    const dataset = existing.datasets[0];
    const model = existing.models[0];
    const userId = existing.memberships[0]?.userId ?? "";
    // A demo workspace from before the geo demo gets it once; afterwards it is found in place.
    const geo =
      (await findDemoGeo(prisma, existing.id)) ??
      (await (async () => {
        const prepared = prepareDemoGeo(options.geoCsv);
        return prisma.$transaction(
          (tx) => createDemoGeo(tx, existing.id, userId || null, prepared),
          SEED_TRANSACTION,
        );
      })());
    return {
      created: false,
      userId,
      workspaceId: existing.id,
      datasetId: dataset?.id ?? "",
      datasetVersionId: dataset?.versions[0]?.id ?? "",
      modelId: model?.id ?? "",
      configVersionId: model?.configVersions[0]?.id ?? "",
      geo,
    };
  }

  const csv = options.csv ?? readFileSync(demoDatasetPath, "utf8");
  const info = readDemoDatasetInfo();
  const passwordHash = await hashPassword(options.password ?? DEMO_USER.password);
  const { rowCount, columnCount, summary } = summariseCsv(csv, columnRoles(info.mapping));
  const geoPrepared = prepareDemoGeo(options.geoCsv);

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
    const geo = await createDemoGeo(tx, workspace.id, user.id, geoPrepared);
    return {
      created: true,
      userId: user.id,
      workspaceId: workspace.id,
      datasetId: dataset.id,
      datasetVersionId: version.id,
      modelId: model.id,
      configVersionId: config.id,
      geo,
    };
  }, SEED_TRANSACTION);
}

interface PreparedDemoGeo extends GeoCsvSummary {
  info: DemoGeoDatasetInfo;
  csv: string;
}

function prepareDemoGeo(csv?: string): PreparedDemoGeo {
  const info = readDemoGeoDatasetInfo();
  const text = csv ?? readFileSync(demoGeoDatasetPath, "utf8");
  return { info, csv: text, ...summariseGeoCsv(text, info.mapping) };
}

async function findDemoGeo(db: PrismaClient, workspaceId: string): Promise<DemoGeoSeedResult | null> {
  const dataset = await db.dataset.findFirst({
    where: { id: DEMO_GEO.datasetId, workspaceId },
    include: { versions: { take: 1, orderBy: { version: "asc" } } },
  });
  if (!dataset) return null;
  const model = await db.model.findFirst({
    where: { id: DEMO_GEO.modelId, workspaceId },
    include: { configVersions: { take: 1, orderBy: { version: "asc" } } },
  });
  return {
    created: false,
    datasetId: dataset.id,
    datasetVersionId: dataset.versions[0]?.id ?? "",
    modelId: model?.id ?? "",
    configVersionId: model?.configVersions[0]?.id ?? "",
  };
}

/** The geo demo's dataset, its version (the long CSV with core's DataMappingV2) and its v2 model. */
async function createDemoGeo(
  tx: PrismaTransaction,
  workspaceId: string,
  userId: string | null,
  { info, csv, rowCount, columnCount, summary }: PreparedDemoGeo,
): Promise<DemoGeoSeedResult> {
  const dataset = await tx.dataset.create({
    data: {
      id: DEMO_GEO.datasetId,
      workspaceId,
      name: DEMO_GEO.datasetName,
      description:
        "Synthetic demo data from Mixcast's v2 simulator: 20 US states x 156 weeks, conversions with revenue per conversion, Search with clicks, Meta and TikTok reach & frequency, organic Instagram posts.",
      createdById: userId,
    },
  });
  const version = await tx.datasetVersion.create({
    data: {
      workspaceId,
      datasetId: dataset.id,
      version: 1,
      checksum: sha256(csv),
      fileName: "demo-geo-dataset.csv",
      rowCount,
      columnCount,
      mapping: info.mapping as unknown as Prisma.InputJsonValue,
      summary: summary as unknown as Prisma.InputJsonValue,
      csv,
      createdById: userId,
    },
  });
  const model = await tx.model.create({
    data: {
      id: DEMO_GEO.modelId,
      workspaceId,
      datasetId: dataset.id,
      name: DEMO_GEO.modelName,
      description:
        "A geo model: Search (clicks drive the effect), Meta and TikTok as reach & frequency, organic Instagram posts; conversions valued at revenue per conversion; price and promo as controls, US holidays, knots baseline, last 13 weeks held out.",
      createdById: userId,
    },
  });
  const config = await tx.modelConfigVersion.create({
    data: {
      workspaceId,
      modelId: model.id,
      version: 1,
      config: info.config as Prisma.InputJsonValue,
      createdById: userId,
    },
  });
  const audit = (action: string, targetType: string, targetId: string) => ({
    workspaceId,
    actorId: null,
    actorKind: "system" as const,
    action,
    targetType,
    targetId,
    details: { seed: "demo-geo" },
  });
  await tx.auditEvent.createMany({
    data: [
      audit("dataset.create", "dataset", dataset.id),
      audit("dataset_version.create", "dataset_version", version.id),
      audit("model.create", "model", model.id),
    ],
  });
  return {
    created: true,
    datasetId: dataset.id,
    datasetVersionId: version.id,
    modelId: model.id,
    configVersionId: config.id,
  };
}
