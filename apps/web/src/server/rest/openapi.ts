// The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json. Component schemas are
// generated from the zod schemas the handlers send through (schemas.ts).
import { z } from "zod";
import { API_TOKEN_SCOPE_DESCRIPTIONS } from "@mixcast/db/api-tokens";
import { apiRegistry } from "./schemas.ts";

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const jsonContent = (id: string) => ({ "application/json": { schema: ref(id) } });

function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(apiRegistry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: "any",
    io: "output",
  });
  const out: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
    out[id] = rest;
  }
  return out;
}

const errors = {
  "401": { description: "No token, or an unknown, revoked or expired one", content: jsonContent("Error") },
  "403": {
    description: "The token lacks the scope, or the object belongs to another workspace",
    content: jsonContent("Error"),
  },
  "429": {
    description: "Rate limit: see the RateLimit-* and Retry-After headers",
    content: jsonContent("Error"),
  },
};

const idParam = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string" },
});

let cached: { origin: string; doc: Record<string, unknown> } | undefined;

export function openApiDocument(origin: string): Record<string, unknown> {
  if (cached?.origin === origin) return cached.doc;
  const doc = {
    openapi: "3.1.0",
    info: {
      title: "Mixcast API",
      version: "1.0.0",
      description:
        "Push weekly data and read runs with a workspace API token (Settings -> API tokens, or `pnpm admin token create`). " +
        "Send it as `Authorization: Bearer <token>`. Every request is recorded in the workspace's audit log.",
    },
    servers: [{ url: `${origin}/api/v1` }],
    security: [{ bearerToken: [] }],
    components: {
      securitySchemes: {
        bearerToken: {
          type: "http",
          scheme: "bearer",
          description: `Workspace API token. Scopes: ${Object.entries(API_TOKEN_SCOPE_DESCRIPTIONS)
            .map(([s, d]) => `\`${s}\`: ${d}`)
            .join(" ")}`,
        },
      },
      schemas: componentSchemas(),
    },
    paths: {
      "/datasets": {
        get: {
          operationId: "listDatasets",
          summary: "The workspace's datasets with their latest version",
          description: "Scope: `datasets:write`.",
          responses: { "200": { description: "Datasets", content: jsonContent("DatasetList") }, ...errors },
        },
      },
      "/datasets/{datasetId}/versions": {
        post: {
          operationId: "appendDatasetVersion",
          summary: "Add a new version to a dataset",
          description:
            "Scope: `datasets:write`. The body is the whole CSV (one row per week, the same columns as the dataset's " +
            "latest version); it is validated exactly like an upload in the app. Invalid data: 400 with the rows and " +
            "columns at fault, and nothing is stored. The same bytes as an existing version: 200 with that version.",
          parameters: [
            idParam("datasetId", "Dataset id (GET /datasets)"),
            {
              name: "fileName",
              in: "query",
              required: false,
              description: "Recorded with the version",
              schema: { type: "string", maxLength: 255 },
            },
          ],
          requestBody: {
            required: true,
            content: { "text/csv": { schema: { type: "string", maxLength: 20_000_000 } } },
          },
          responses: {
            "201": { description: "Version created", content: jsonContent("CreatedDatasetVersion") },
            "200": {
              description: "Identical to a stored version",
              content: jsonContent("CreatedDatasetVersion"),
            },
            "400": { description: "Invalid CSV; nothing stored", content: jsonContent("InvalidCsv") },
            ...errors,
            "404": { description: "No such dataset", content: jsonContent("Error") },
            "413": { description: "Larger than 20 MB", content: jsonContent("Error") },
            "415": { description: "The body is not a CSV", content: jsonContent("Error") },
          },
        },
      },
      "/datasets/{datasetId}/versions/latest": {
        get: {
          operationId: "getLatestDatasetVersion",
          summary: "The latest version's CSV, exactly as stored",
          description: "Scope: `datasets:write`. Headers X-Mixcast-Dataset-Version and ETag (the sha256).",
          parameters: [idParam("datasetId", "Dataset id")],
          responses: {
            "200": { description: "CSV", content: { "text/csv": { schema: { type: "string" } } } },
            ...errors,
            "404": { description: "No such dataset", content: jsonContent("Error") },
          },
        },
      },
      "/models": {
        get: {
          operationId: "listModels",
          summary: "The workspace's models",
          description: "Scope: `runs:read` or `reports:read`.",
          responses: { "200": { description: "Models", content: jsonContent("ModelList") }, ...errors },
        },
      },
      "/models/{modelId}/backtests": {
        get: {
          operationId: "listModelBacktests",
          summary: "A model's backtests: accuracy of its approved runs on the weeks they had not seen",
          description:
            "Scope: `reports:read`. One entry per refit and horizon (4, 8, 13 weeks): MAPE, CRPS and 90% interval coverage (docs/analysis.md, Backtests).",
          parameters: [idParam("modelId", "Model id")],
          responses: {
            "200": { description: "Backtests", content: jsonContent("BacktestList") },
            ...errors,
            "404": { description: "No such model", content: jsonContent("Error") },
          },
        },
      },
      "/runs": {
        get: {
          operationId: "listRuns",
          summary: "Runs, newest first",
          description: "Scope: `runs:read`.",
          parameters: [
            { name: "modelId", in: "query", required: false, schema: { type: "string" } },
            {
              name: "status",
              in: "query",
              required: false,
              schema: { type: "string", enum: ["queued", "running", "succeeded", "failed", "cancelled"] },
            },
            {
              name: "limit",
              in: "query",
              required: false,
              schema: { type: "integer", minimum: 1, maximum: 100 },
            },
            { name: "cursor", in: "query", required: false, schema: { type: "string" } },
          ],
          responses: {
            "200": { description: "A page of runs", content: jsonContent("RunList") },
            "400": { description: "Bad query parameter", content: jsonContent("Error") },
            ...errors,
          },
        },
      },
      "/runs/{runId}": {
        get: {
          operationId: "getRun",
          summary: "A run's status, diagnostics and ROI per channel",
          description: "Scope: `runs:read`.",
          parameters: [idParam("runId", "Run id")],
          responses: {
            "200": { description: "Run summary", content: jsonContent("RunSummary") },
            ...errors,
            "404": { description: "No such run", content: jsonContent("Error") },
          },
        },
      },
      "/runs/{runId}/report.pdf": {
        get: {
          operationId: "getRunReportPdf",
          summary: "The run's one-page report as PDF",
          description:
            "Scope: `reports:read`. Headline ROI and CPIK with 90% intervals, decomposition, response curves, the recommended plan, the health verdict and diagnostics.",
          parameters: [idParam("runId", "Run id")],
          responses: {
            "200": {
              description: "PDF",
              content: { "application/pdf": { schema: { type: "string", format: "binary" } } },
            },
            ...errors,
            "404": { description: "No such run", content: jsonContent("Error") },
            "409": { description: "The run has not succeeded", content: jsonContent("Error") },
          },
        },
      },
    },
  };
  cached = { origin, doc };
  return doc;
}
