// The REST API (/api/v1) for machines: a workspace API token (Authorization: Bearer mxc_...) with
// scopes instead of a session and a role. One function takes a Request and returns a Response,
// so tests call it directly against real PostgreSQL; app/api/v1/[...path]/route.ts serves it.
//
// Order of checks for every endpoint but the OpenAPI document:
//   401 no/unknown/revoked/expired token -> 429 rate limit (per token) -> 403 missing scope
//   -> the endpoint (403 for an object of another workspace, 404 for one that does not exist).
// Every request made with a valid token is audited (action "api.request") and sets lastUsedAt.
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { z } from "zod";
import type { ApiToken, PrismaClient } from "@mixcast/db";
import { hashApiToken, type ApiTokenScope } from "@mixcast/db/api-tokens";
import { roiOfSummary, runDiagnosticsCodec, runSummaryCodec, type RoiInterval } from "@mixcast/runs/stored";
import type { TokenActor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { toClientError } from "../error-mapping.ts";
import { listDatasets } from "../dataset/list-datasets.ts";
import { MAX_CSV_CHARS, uploadDatasetVersion } from "../dataset/upload-dataset-version.ts";
import { listBacktests } from "../refresh/backtests.ts";
import { listRuns, runStatuses } from "../run/list-runs.ts";
import { openApiDocument } from "./openapi.ts";
import { runReportResponse } from "../report/report-files.ts";
import { consumeRateLimit } from "./rate-limit.ts";
import {
  apiErrorSchema,
  backtestListSchema,
  createdVersionSchema,
  datasetListSchema,
  invalidCsvSchema,
  modelListSchema,
  runListSchema,
  runSummarySchema,
  type ApiErrorCode,
} from "./schemas.ts";

export interface ApiDeps {
  prisma: PrismaClient;
  /** Requests per token per window (default 120 per minute). */
  rateLimit?: { limit: number; windowMs: number };
  now?: () => Date;
}

export const API_PREFIX = "/api/v1";
export const DEFAULT_API_RATE_LIMIT = { limit: 120, windowMs: 60_000 };

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const baseHeaders = { "cache-control": "no-store" };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...baseHeaders, ...headers },
  });
}

function errorResponse(error: ApiError): Response {
  return json(
    error.status,
    apiErrorSchema.parse({ error: { code: error.code, message: error.message } }),
    error.headers,
  );
}

/** Sends `body` after checking it against the documented schema (a mismatch is our bug: 500). */
function send<S extends z.ZodType>(status: number, schema: S, body: z.input<S>): Response {
  return json(status, schema.parse(body));
}

interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  /** Any one of these scopes allows the call; empty = no token needed. */
  scopes: readonly ApiTokenScope[];
  handle(ctx: RouteContext, params: string[]): Promise<Response>;
}

interface RouteContext {
  request: Request;
  url: URL;
  prisma: PrismaClient;
  token: ApiToken;
  actor: TokenActor;
}

const ID = "([A-Za-z0-9_-]{1,100})";

/** An object that exists in another workspace: 403; one that does not exist at all: 404. */
function ownedOr403<T extends { workspaceId: string }>(ctx: RouteContext, found: T | null, what: string): T {
  if (!found) throw new ApiError(404, "not_found", `${what} was not found.`);
  if (found.workspaceId !== ctx.token.workspaceId)
    throw new ApiError(403, "forbidden", `${what} belongs to another workspace; this token cannot reach it.`);
  return found;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function versionRef(v: {
  id: string;
  version: number;
  rowCount: number;
  checksum: string;
  createdAt: Date;
  summary: unknown;
}) {
  const s = (v.summary ?? {}) as { firstDate?: string | null; lastDate?: string | null };
  return {
    id: v.id,
    version: v.version,
    rows: v.rowCount,
    firstWeek: s.firstDate ?? null,
    lastWeek: s.lastDate ?? null,
    checksum: v.checksum,
    createdAt: v.createdAt.toISOString(),
  };
}

/** ROI mean and 90% interval per channel out of a stored run summary. */
function roiChannels(summary: unknown): Record<string, { roi: RoiInterval }> | null {
  const decoded = runSummaryCodec.tryDecode(summary);
  if (!decoded?.channels) return null;
  return Object.fromEntries(Object.entries(roiOfSummary(decoded)).map(([name, roi]) => [name, { roi }]));
}

const routes: Route[] = [
  {
    method: "GET",
    pattern: /^\/datasets$/,
    scopes: ["datasets:write"],
    async handle(ctx) {
      const rows = await listDatasets(ctx.prisma, ctx.actor);
      return send(200, datasetListSchema, {
        datasets: rows.map((d) => ({
          id: d.id,
          name: d.name,
          latestVersionId: d.latest?.id ?? null,
          weeks: d.latest?.rowCount ?? 0,
          latestVersion: d.latest ? versionRef(d.latest) : null,
          versionCount: d.versionCount,
          updatedAt: d.updatedAt.toISOString(),
        })),
      });
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/datasets/${ID}/versions/latest$`),
    scopes: ["datasets:write"],
    async handle(ctx, [datasetId]) {
      ownedOr403(ctx, await ctx.prisma.dataset.findUnique({ where: { id: datasetId! } }), "That dataset");
      const latest = await ctx.prisma.datasetVersion.findFirst({
        where: { datasetId: datasetId! },
        orderBy: { version: "desc" },
      });
      if (!latest) throw new ApiError(404, "not_found", "That dataset has no version yet.");
      return new Response(latest.csv, {
        status: 200,
        headers: {
          ...baseHeaders,
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="dataset-${datasetId}-v${latest.version}.csv"`,
          "x-mixcast-dataset-version": String(latest.version),
          "x-mixcast-version-id": latest.id,
          etag: `"${latest.checksum}"`,
        },
      });
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^/datasets/${ID}/versions$`),
    scopes: ["datasets:write"],
    async handle(ctx, [datasetId]) {
      ownedOr403(ctx, await ctx.prisma.dataset.findUnique({ where: { id: datasetId! } }), "That dataset");
      const type = (ctx.request.headers.get("content-type") ?? "").toLowerCase();
      if (/^(application\/json|multipart\/form-data|application\/x-www-form-urlencoded)/.test(type))
        throw new ApiError(
          415,
          "unsupported_media_type",
          "Send the CSV file itself as the request body, with Content-Type: text/csv.",
        );
      const declared = Number(ctx.request.headers.get("content-length") ?? "0");
      if (declared > MAX_CSV_CHARS * 4)
        throw new ApiError(413, "payload_too_large", "The file is larger than 20 MB.");
      const csv = await ctx.request.text();
      if (csv.length > MAX_CSV_CHARS)
        throw new ApiError(413, "payload_too_large", "The file is larger than 20 MB.");
      if (csv.trim() === "")
        throw new ApiError(400, "invalid_request", "The request body is empty: send the CSV file.");
      // The new version keeps the dataset's column mapping: same columns, same roles.
      const latest = await ctx.prisma.datasetVersion.findFirst({
        where: { datasetId: datasetId! },
        orderBy: { version: "desc" },
        select: { mapping: true },
      });
      if (!latest)
        throw new ApiError(409, "conflict", "That dataset has no version to take the column mapping from.");
      const fileName = ctx.url.searchParams.get("fileName")?.slice(0, 255) || undefined;
      const result = await uploadDatasetVersion(ctx.prisma, ctx.actor, {
        datasetId: datasetId!,
        csv,
        ...(fileName ? { fileName } : {}),
        mapping: latest.mapping as never,
      });
      if (!result.ok) {
        return json(
          400,
          invalidCsvSchema.parse({
            error: {
              code: "invalid_csv",
              message: `The CSV has ${result.errorCount} problem${result.errorCount === 1 ? "" : "s"}; nothing was stored. Fix the rows and columns named in "errors" and send it again.`,
              errors: result.errors,
              errorCount: result.errorCount,
            },
          }),
        );
      }
      const stored = await ctx.prisma.datasetVersion.findUniqueOrThrow({
        where: { id: result.versionId },
        select: { rowCount: true, summary: true },
      });
      const s = stored.summary as { firstDate?: string | null; lastDate?: string | null };
      return send(result.duplicate ? 200 : 201, createdVersionSchema, {
        datasetId: result.datasetId,
        versionId: result.versionId,
        version: result.version,
        rows: stored.rowCount,
        firstWeek: s.firstDate ?? null,
        lastWeek: s.lastDate ?? null,
        duplicate: result.duplicate,
        warnings: result.warnings,
      });
    },
  },
  {
    method: "GET",
    pattern: /^\/models$/,
    scopes: ["runs:read", "reports:read"],
    async handle(ctx) {
      const models = await ctx.prisma.model.findMany({
        where: { workspaceId: ctx.token.workspaceId, archivedAt: null },
        orderBy: { createdAt: "desc" },
      });
      return send(200, modelListSchema, {
        models: models.map((m) => ({
          id: m.id,
          name: m.name,
          datasetId: m.datasetId,
          createdAt: m.createdAt.toISOString(),
        })),
      });
    },
  },
  {
    method: "GET",
    pattern: /^\/runs$/,
    scopes: ["runs:read"],
    async handle(ctx) {
      const q = ctx.url.searchParams;
      const modelId = q.get("modelId") ?? undefined;
      if (modelId)
        ownedOr403(ctx, await ctx.prisma.model.findUnique({ where: { id: modelId } }), "That model");
      const status = q.get("status") ?? undefined;
      if (status && !(runStatuses as readonly string[]).includes(status))
        throw new ApiError(
          400,
          "invalid_request",
          `status must be one of ${runStatuses.join(", ")} (got "${status}").`,
        );
      const limitRaw = q.get("limit");
      const limit = limitRaw === null ? 25 : Number(limitRaw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        throw new ApiError(
          400,
          "invalid_request",
          `limit must be a whole number from 1 to 100 (got "${limitRaw}").`,
        );
      const page = await listRuns(ctx.prisma, ctx.actor, {
        limit,
        ...(modelId ? { modelId } : {}),
        ...(status ? { status: status as (typeof runStatuses)[number] } : {}),
        ...(q.get("cursor") ? { cursor: q.get("cursor")! } : {}),
      });
      return send(200, runListSchema, {
        runs: page.items.map((r) => ({
          id: r.id,
          modelId: r.model.id,
          modelName: r.model.name,
          status: r.status,
          trigger: r.trigger,
          mode: r.mode,
          converged: r.converged,
          datasetVersion: r.datasetVersion.version,
          configVersion: r.configVersion.version,
          queuedAt: r.queuedAt.toISOString(),
          startedAt: iso(r.startedAt),
          finishedAt: iso(r.finishedAt),
          error: r.error,
        })),
        nextCursor: page.nextCursor,
      });
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/runs/${ID}$`),
    scopes: ["runs:read"],
    async handle(ctx, [runId]) {
      const run = ownedOr403(
        ctx,
        await ctx.prisma.run.findUnique({
          where: { id: runId! },
          include: {
            model: { select: { id: true, name: true } },
            datasetVersion: { select: { id: true, version: true, rowCount: true } },
            configVersion: { select: { id: true, version: true } },
          },
        }),
        "That run",
      );
      const d = runDiagnosticsCodec.tryDecode(run.diagnostics);
      return send(200, runSummarySchema, {
        id: run.id,
        status: run.status,
        trigger: run.trigger,
        mode: run.mode,
        model: run.model,
        datasetVersion: {
          id: run.datasetVersion.id,
          version: run.datasetVersion.version,
          rows: run.datasetVersion.rowCount,
        },
        configVersion: run.configVersion,
        percent: run.percent,
        queuedAt: run.queuedAt.toISOString(),
        startedAt: iso(run.startedAt),
        finishedAt: iso(run.finishedAt),
        error: run.error,
        engineVersion: run.engineVersion,
        converged: run.converged,
        diagnostics: d
          ? {
              rhatMax: d.rhatMax ?? null,
              essBulkMin: d.essBulkMin ?? null,
              divergences: d.divergences ?? null,
              reasons: d.reasons ?? [],
            }
          : null,
        channels: run.status === "succeeded" ? roiChannels(run.summary) : null,
      });
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/models/${ID}/backtests$`),
    scopes: ["reports:read"],
    async handle(ctx, [modelId]) {
      const model = ownedOr403(
        ctx,
        await ctx.prisma.model.findUnique({
          where: { id: modelId! },
          select: { id: true, workspaceId: true },
        }),
        "That model",
      );
      const list = await listBacktests(ctx.prisma, { workspaceId: model.workspaceId }, model.id);
      return send(200, backtestListSchema, {
        modelId: list.modelId,
        coverageThreshold: list.coverageThreshold,
        backtests: list.points.map((p) => ({
          refitRunId: p.runId,
          scoredRunId: p.scoredRunId,
          horizonWeeks: p.horizonWeeks,
          firstWeek: p.firstWeek,
          lastWeek: p.lastWeek,
          weeks: p.weeks,
          mape: p.mape,
          crps: p.crps,
          coverage90: p.coverage90,
        })),
      });
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/runs/${ID}/report\\.pdf$`),
    scopes: ["reports:read"],
    async handle(ctx, [runId]) {
      const run = ownedOr403(
        ctx,
        await ctx.prisma.run.findUnique({
          where: { id: runId! },
          select: { id: true, workspaceId: true, status: true },
        }),
        "That run",
      );
      if (run.status !== "succeeded")
        throw new ApiError(409, "conflict", `A report needs a succeeded run; this one is ${run.status}.`);
      // The report is built as a read-only viewer of the token's workspace.
      const actor = {
        userId: `token:${ctx.token.id}`,
        workspaceId: ctx.token.workspaceId,
        role: "viewer" as const,
      };
      return runReportResponse(ctx.prisma, actor, run.id, "pdf");
    },
  },
];

export const apiRoutes: readonly Pick<Route, "method" | "pattern" | "scopes">[] = routes;

async function authenticate(prisma: PrismaClient, request: Request, now: Date): Promise<ApiToken> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const challenge = { "www-authenticate": 'Bearer realm="mixcast"' };
  if (!match)
    throw new ApiError(
      401,
      "unauthorized",
      "Send a workspace API token as `Authorization: Bearer <token>` (create one in Settings -> API tokens).",
      challenge,
    );
  const token = await prisma.apiToken.findUnique({ where: { tokenHash: hashApiToken(match[1]!) } });
  if (!token) throw new ApiError(401, "unauthorized", "That API token is not valid.", challenge);
  if (token.revokedAt)
    throw new ApiError(
      401,
      "unauthorized",
      "That API token was revoked. Create a new one in Settings.",
      challenge,
    );
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime())
    throw new ApiError(
      401,
      "unauthorized",
      "That API token has expired. Create a new one in Settings.",
      challenge,
    );
  return token;
}

export async function handleApiRequest(request: Request, deps: ApiDeps): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname.startsWith(API_PREFIX)
    ? url.pathname.slice(API_PREFIX.length) || "/"
    : url.pathname;
  const method = request.method.toUpperCase();
  const now = deps.now?.() ?? new Date();

  if (path === "/openapi.json") {
    if (method !== "GET")
      return errorResponse(new ApiError(405, "method_not_allowed", "Use GET.", { allow: "GET" }));
    return json(200, openApiDocument(url.origin), { "cache-control": "public, max-age=300" });
  }
  const candidates = routes.filter((r) => r.pattern.test(path));
  if (candidates.length === 0)
    return errorResponse(
      new ApiError(404, "not_found", `No endpoint ${path} in ${API_PREFIX}. See ${API_PREFIX}/openapi.json.`),
    );
  const route = candidates.find((r) => r.method === method);
  if (!route) {
    const allow = candidates.map((r) => r.method).join(", ");
    return errorResponse(new ApiError(405, "method_not_allowed", `Use ${allow} on ${path}.`, { allow }));
  }

  let token: ApiToken;
  try {
    token = await authenticate(deps.prisma, request, now);
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error);
    throw error;
  }
  const limits = deps.rateLimit ?? DEFAULT_API_RATE_LIMIT;
  const ctx: RouteContext = {
    request,
    url,
    prisma: deps.prisma,
    token,
    actor: { tokenId: token.id, tokenName: token.name, workspaceId: token.workspaceId },
  };
  let response: Response;
  const rate = await consumeRateLimit(deps.prisma, `token:${token.id}`, { ...limits, now });
  const rateHeaders = {
    "ratelimit-limit": String(rate.limit),
    "ratelimit-remaining": String(rate.remaining),
    "ratelimit-reset": String(Math.max(0, Math.ceil((rate.resetAt.getTime() - now.getTime()) / 1000))),
  };
  try {
    if (!rate.allowed)
      throw new ApiError(
        429,
        "rate_limited",
        `Too many requests: this token may make ${rate.limit} per ${Math.round(limits.windowMs / 1000)} s. Try again after the time in Retry-After.`,
        { "retry-after": rateHeaders["ratelimit-reset"] },
      );
    if (!route.scopes.some((s) => token.scopes.includes(s)))
      throw new ApiError(
        403,
        "forbidden",
        `This token lacks the scope for ${method} ${path}: it needs ${route.scopes.join(" or ")} (it has ${token.scopes.join(", ") || "none"}).`,
      );
    response = await route.handle(ctx, route.pattern.exec(path)!.slice(1));
  } catch (error) {
    if (error instanceof ApiError) response = errorResponse(error);
    else {
      // Domain and database errors: the same mapping as tRPC (server/error-mapping.ts).
      const mapped = toClientError(error);
      if (mapped.code === "INTERNAL_SERVER_ERROR")
        console.error(`[api] ${method} ${path} failed:`, mapped.cause ?? error);
      const status = getHTTPStatusCodeFromError(mapped);
      const code: ApiErrorCode =
        status === 404
          ? "not_found"
          : status === 403
            ? "forbidden"
            : status === 409
              ? "conflict"
              : status === 429
                ? "rate_limited"
                : status >= 500
                  ? "internal"
                  : "invalid_request";
      response = errorResponse(new ApiError(status, code, mapped.message));
    }
  }
  for (const [k, v] of Object.entries(rateHeaders)) response.headers.set(k, v);
  await deps.prisma.$transaction(async (tx) => {
    await tx.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
    await writeAudit(tx, {
      workspaceId: token.workspaceId,
      actorId: token.id,
      actorKind: "api_token",
      action: "api.request",
      targetType: "api_token",
      targetId: token.id,
      details: { method, path, status: response.status, token: token.name },
    });
  });
  return response;
}
