// Response bodies of the REST API (/api/v1) as zod schemas. Handlers parse what they send through
// these, and the OpenAPI document (openapi.ts) is generated from the same schemas, so the document
// cannot drift from the responses.
import { z } from "zod";

/** The schemas the OpenAPI document lists under components.schemas (referenced by $ref). */
export const apiRegistry = z.registry<{ id: string }>();

function named<S extends z.ZodType>(id: string, schema: S): S {
  apiRegistry.add(schema, { id });
  return schema;
}

const isoDateTime = z.iso.datetime({ offset: true }).describe("ISO 8601 date-time (UTC)");
const isoDate = z.iso.date().describe("ISO 8601 date of the week's row");

export const apiErrorSchema = named(
  "Error",
  z.object({
    error: z.object({
      code: z
        .enum([
          "unauthorized",
          "forbidden",
          "not_found",
          "method_not_allowed",
          "invalid_request",
          "invalid_csv",
          "payload_too_large",
          "unsupported_media_type",
          "rate_limited",
          "conflict",
          "internal",
        ])
        .describe("Stable machine-readable reason"),
      message: z.string().describe("What went wrong and what to do, in plain words"),
    }),
  }),
);

export const dataIssueSchema = named(
  "DataIssue",
  z.object({
    row: z.number().int().optional().describe("1-based spreadsheet row of the CSV (the header is row 1)"),
    column: z.string().optional(),
    message: z.string(),
  }),
);

export const invalidCsvSchema = named(
  "InvalidCsv",
  z.object({
    error: z.object({
      code: z.literal("invalid_csv"),
      message: z.string(),
      errors: z.array(dataIssueSchema).describe("The first problems (up to 50), in row order"),
      errorCount: z.number().int().describe("All problems found"),
    }),
  }),
);

export const datasetVersionRefSchema = named(
  "DatasetVersionRef",
  z.object({
    id: z.string(),
    version: z.number().int(),
    rows: z.number().int().describe("Weekly rows"),
    firstWeek: isoDate.nullable(),
    lastWeek: isoDate.nullable(),
    checksum: z.string().describe("sha256 (hex) of the stored CSV"),
    createdAt: isoDateTime,
  }),
);

export const datasetSchema = named(
  "Dataset",
  z.object({
    id: z.string(),
    name: z.string(),
    latestVersionId: z.string().nullable(),
    weeks: z.number().int().describe("Weekly rows in the latest version (0 without one)"),
    latestVersion: datasetVersionRefSchema.nullable(),
    versionCount: z.number().int(),
    updatedAt: isoDateTime,
  }),
);

export const datasetListSchema = named("DatasetList", z.object({ datasets: z.array(datasetSchema) }));

export const createdVersionSchema = named(
  "CreatedDatasetVersion",
  z.object({
    datasetId: z.string(),
    versionId: z.string(),
    version: z.number().int(),
    rows: z.number().int(),
    firstWeek: isoDate.nullable(),
    lastWeek: isoDate.nullable(),
    duplicate: z
      .boolean()
      .describe(
        "true: these exact bytes are already stored as `version`; nothing new was created (HTTP 200)",
      ),
    warnings: z.array(dataIssueSchema),
  }),
);

export const modelSchema = named(
  "Model",
  z.object({
    id: z.string(),
    name: z.string(),
    datasetId: z.string(),
    createdAt: isoDateTime,
  }),
);

export const modelListSchema = named("ModelList", z.object({ models: z.array(modelSchema) }));

export const backtestSchema = named(
  "Backtest",
  z.object({
    refitRunId: z.string().describe("The refit whose data scored the approved run"),
    scoredRunId: z.string().describe("The approved run that was scored"),
    horizonWeeks: z
      .number()
      .int()
      .describe("4, 8 or 13: weeks between the scored run's data and the refit's"),
    firstWeek: isoDate,
    lastWeek: isoDate,
    weeks: z.number().int(),
    mape: z.number().nullable().describe("Mean absolute percentage error of the forecast mean (fraction)"),
    crps: z.number().describe("Mean CRPS per week, KPI units"),
    coverage90: z.number().describe("Share of the weeks inside the 90 % predictive interval"),
  }),
);

export const backtestListSchema = named(
  "BacktestList",
  z.object({
    modelId: z.string(),
    coverageThreshold: z.number().describe("Coverage below this raises a backtest_coverage alert"),
    backtests: z.array(backtestSchema).describe("Oldest scored period first"),
  }),
);

const runStatus = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);

export const runListItemSchema = named(
  "RunListItem",
  z.object({
    id: z.string(),
    modelId: z.string(),
    modelName: z.string(),
    status: runStatus,
    trigger: z.enum(["manual", "schedule"]),
    mode: z.enum(["fast", "full"]),
    converged: z.boolean().nullable(),
    datasetVersion: z.number().int(),
    configVersion: z.number().int(),
    queuedAt: isoDateTime,
    startedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
    error: z.string().nullable(),
  }),
);

export const runListSchema = named(
  "RunList",
  z.object({
    runs: z.array(runListItemSchema),
    nextCursor: z.string().nullable().describe("Pass as ?cursor= for the next page; null on the last page"),
  }),
);

const interval = z.object({ mean: z.number(), q05: z.number(), q95: z.number() });

export const runSummarySchema = named(
  "RunSummary",
  z.object({
    id: z.string(),
    status: runStatus,
    trigger: z.enum(["manual", "schedule"]),
    mode: z.enum(["fast", "full"]),
    model: z.object({ id: z.string(), name: z.string() }),
    datasetVersion: z.object({ id: z.string(), version: z.number().int(), rows: z.number().int() }),
    configVersion: z.object({ id: z.string(), version: z.number().int() }),
    percent: z.number(),
    queuedAt: isoDateTime,
    startedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
    error: z.string().nullable(),
    engineVersion: z.string().nullable(),
    converged: z.boolean().nullable(),
    diagnostics: z
      .object({
        rhatMax: z.number().nullable(),
        essBulkMin: z.number().nullable(),
        divergences: z.number().nullable(),
        reasons: z.array(z.string()),
      })
      .nullable(),
    channels: z
      .record(z.string(), z.object({ roi: interval }))
      .nullable()
      .describe("Posterior ROI per channel (mean and 90% interval); null until the run succeeded"),
  }),
);

export type ApiErrorCode = z.infer<typeof apiErrorSchema>["error"]["code"];
