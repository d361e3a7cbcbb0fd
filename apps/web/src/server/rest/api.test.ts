// The REST API (/api/v1) and the API tokens behind it, against a real migrated PostgreSQL.
import { createServer } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type z } from "zod";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Validator } from "@seriousme/openapi-schema-validator";
import { hashApiToken } from "@mixcast/db/api-tokens";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import type { Actor } from "../actor.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "../api-token/api-tokens.ts";
import { uploadDatasetVersion } from "../dataset/upload-dataset-version.ts";
import { seedFittedRun } from "../../../test/seed-fitted-run.ts";
import { createModel } from "../model/create-model.ts";
import { addMember, createUser, weeklyCsv, weeklyMapping } from "../../../test/fixtures.ts";
import { createWorkspace } from "../workspace/create-workspace.ts";
import { apiRoutes, handleApiRequest, type ApiDeps } from "./handle-api-request.ts";
import {
  backtestListSchema,
  apiErrorSchema,
  createdVersionSchema,
  datasetListSchema,
  invalidCsvSchema,
  runListSchema,
  runSummarySchema,
} from "./schemas.ts";

let db: TestDatabase;
let admin: Actor;
let other: Actor;
let datasetId: string;
let modelId: string;
let fittedModelId: string;
let runId: string;
let foreign: { datasetId: string; runId: string; modelId: string };
const tokens: Record<string, string> = {};

const BASE = "http://mixcast.test/api/v1";

interface OpenApiDoc {
  servers: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<
      string,
      { properties: Record<string, { properties: Record<string, { items: unknown }> }> }
    >;
  };
}

function deps(extra: Partial<ApiDeps> = {}): ApiDeps {
  return { prisma: db.prisma, ...extra };
}

function call(
  method: string,
  path: string,
  token: string | null,
  init: { body?: string; contentType?: string } = {},
  d: ApiDeps = deps(),
) {
  const headers = new Headers();
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("content-type", init.contentType ?? "text/csv");
  return handleApiRequest(new Request(`${BASE}${path}`, { method, headers, body: init.body }), d);
}

/** The body, checked against its documented schema (so these tests also hold the OpenAPI document to account). */
async function body<S extends z.ZodType>(schema: S, res: Response): Promise<z.output<S>> {
  return schema.parse(await res.json());
}

beforeAll(async () => {
  db = await createTestDatabase();
  const owner = await createUser(db.prisma, "Olga Owner");
  const ws = await createWorkspace(db.prisma, owner.id, { name: "Api Co" });
  const adminUser = await createUser(db.prisma, "Adam Admin");
  await addMember(db.prisma, ws.id, adminUser.id, "admin");
  admin = { userId: adminUser.id, workspaceId: ws.id, role: "admin" };
  const up = await uploadDatasetVersion(db.prisma, admin, {
    name: "Weekly sales",
    csv: weeklyCsv(60),
    mapping: weeklyMapping,
  });
  if (!up.ok) throw new Error("fixture rejected");
  datasetId = up.datasetId;
  modelId = (await createModel(db.prisma, admin, { name: "Main", datasetId })).id;
  const fitted = await seedFittedRun(db.prisma, {
    workspaceId: ws.id,
    userId: owner.id,
    weeks: 60,
    channels: 3,
    seed: 3,
  });
  runId = fitted.runId;
  fittedModelId = fitted.modelId;

  const otherOwner = await createUser(db.prisma, "Other Owner");
  const ows = await createWorkspace(db.prisma, otherOwner.id, { name: "Other Co" });
  other = { userId: otherOwner.id, workspaceId: ows.id, role: "owner" };
  const oup = await uploadDatasetVersion(db.prisma, other, {
    name: "Theirs",
    csv: weeklyCsv(60),
    mapping: weeklyMapping,
  });
  if (!oup.ok) throw new Error("fixture rejected");
  const ofit = await seedFittedRun(db.prisma, {
    workspaceId: ows.id,
    userId: otherOwner.id,
    weeks: 60,
    channels: 2,
    seed: 4,
  });
  foreign = { datasetId: oup.datasetId, runId: ofit.runId, modelId: ofit.modelId };

  for (const [name, scopes] of [
    ["writer", ["datasets:write"]],
    ["reader", ["runs:read"]],
    ["all", ["datasets:write", "runs:read", "reports:read"]],
  ] as const) {
    tokens[name] = (
      await createApiToken(db.prisma, admin, { name, scopes: [...scopes], expiresInDays: null })
    ).token;
  }
  tokens.foreign = (
    await createApiToken(db.prisma, other, {
      name: "theirs",
      scopes: ["datasets:write", "runs:read"],
      expiresInDays: 30,
    })
  ).token;
});

afterAll(async () => {
  await db?.drop();
});

describe("API tokens (Settings)", () => {
  it("are shown once, stored as sha256 only, listed without secrets, revocable, audited", async () => {
    const created = await createApiToken(db.prisma, admin, {
      name: "CI push",
      scopes: ["datasets:write"],
      expiresInDays: 90,
    });
    expect(created.token).toMatch(/^mxc_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    const stored = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.tokenHash).toBe(hashApiToken(created.token));
    expect(JSON.stringify(stored)).not.toContain(created.token);
    const days = (stored.expiresAt!.getTime() - stored.createdAt.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(90);

    const listed = await listApiTokens(db.prisma, admin);
    const item = listed.find((t) => t.id === created.id)!;
    expect(item).toMatchObject({ name: "CI push", state: "active", prefix: created.prefix });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(JSON.stringify(listed)).not.toContain(stored.tokenHash);
    // Another workspace's admin sees none of them and cannot revoke them.
    expect((await listApiTokens(db.prisma, other)).map((t) => t.id)).not.toContain(created.id);
    await expect(revokeApiToken(db.prisma, other, { tokenId: created.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });

    await revokeApiToken(db.prisma, admin, { tokenId: created.id });
    expect((await listApiTokens(db.prisma, admin)).find((t) => t.id === created.id)!.state).toBe("revoked");
    const audit = await db.prisma.auditEvent.findMany({
      where: { targetId: created.id },
      orderBy: { at: "asc" },
    });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["api_token.create", admin.userId],
      ["api_token.revoke", admin.userId],
    ]);
    expect(audit[0]!.details).toMatchObject({ via: "settings", scopes: ["datasets:write"] });
    const res = await call("GET", "/datasets", created.token);
    expect(res.status).toBe(401);
    expect((await body(apiErrorSchema, res)).error.message).toMatch(/revoked/);
  });
});

describe("OpenAPI document", () => {
  it("is served without a token, is a valid OpenAPI 3.1 document and lists every endpoint", async () => {
    const res = await call("GET", "/openapi.json", null);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDoc;
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.servers[0]!.url).toBe("http://mixcast.test/api/v1");
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{\w+\}/g, "x")}`),
    );
    for (const r of apiRoutes) {
      const sample = r.pattern.source
        .replace(/^\^|\$$/g, "")
        .replace(/\\\//g, "/")
        .replace(/\([^)]*\)/g, "x")
        .replace(/\\\./g, ".");
      expect(documented, `${r.method} ${sample} is not in the OpenAPI document`).toContain(
        `${r.method} ${sample}`,
      );
    }
    expect(documented.length).toBe(apiRoutes.length);
    expect(doc.components.schemas.InvalidCsv?.properties.error?.properties.errors?.items).toEqual({
      $ref: "#/components/schemas/DataIssue",
    });
  });
});

describe("authentication and scopes", () => {
  it("401 without a token, with an unknown one, and with an expired one", async () => {
    const none = await call("GET", "/datasets", null);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await body(apiErrorSchema, none)).error).toMatchObject({ code: "unauthorized" });
    expect((await call("GET", "/datasets", `mxc_${"A".repeat(43)}`)).status).toBe(401);
    const expired = await createApiToken(db.prisma, admin, {
      name: "short",
      scopes: ["runs:read"],
      expiresInDays: 1,
    });
    const later = () => new Date(Date.now() + 2 * 86_400_000);
    const res = await call("GET", "/runs", expired.token, {}, deps({ now: later }));
    expect(res.status).toBe(401);
    expect((await body(apiErrorSchema, res)).error.message).toMatch(/expired/);
  });

  it("403 for a missing scope, and for objects of another workspace (404 for ids that do not exist)", async () => {
    const noScope = await call("GET", "/runs", tokens.writer!);
    expect(noScope.status).toBe(403);
    expect((await body(apiErrorSchema, noScope)).error.message).toMatch(/needs runs:read/);
    expect(
      (await call("POST", `/datasets/${datasetId}/versions`, tokens.reader!, { body: weeklyCsv(61) })).status,
    ).toBe(403);

    const versionsBefore = await db.prisma.datasetVersion.count();
    for (const [method, path, token] of [
      ["GET", `/datasets/${foreign.datasetId}/versions/latest`, tokens.all],
      ["POST", `/datasets/${foreign.datasetId}/versions`, tokens.all],
      ["GET", `/runs/${foreign.runId}`, tokens.all],
      ["GET", `/runs?modelId=${foreign.modelId}`, tokens.all],
      ["GET", `/runs/${runId}`, tokens.foreign],
    ] as const) {
      const res = await call(method, path, token!, method === "POST" ? { body: weeklyCsv(61) } : {});
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await body(apiErrorSchema, res)).error.message).toMatch(/another workspace/);
    }
    expect(await db.prisma.datasetVersion.count()).toBe(versionsBefore);
    expect((await call("GET", "/runs/0190aaaa-0000-7000-8000-000000000000", tokens.all!)).status).toBe(404);
    // The other workspace's token lists only its own datasets.
    const theirs = await body(datasetListSchema, await call("GET", "/datasets", tokens.foreign!));
    const theirIds = (await db.prisma.dataset.findMany({ where: { workspaceId: other.workspaceId } })).map(
      (d) => d.id,
    );
    expect(theirs.datasets.map((d: { id: string }) => d.id).sort()).toEqual(theirIds.sort());
    expect(theirIds).toContain(foreign.datasetId);
    expect(theirIds).not.toContain(datasetId);
  });
});

describe("datasets", () => {
  it("append: 201 with the new version, same validation as the UI, read back byte for byte, audited", async () => {
    const csv = weeklyCsv(61);
    const res = await call("POST", `/datasets/${datasetId}/versions?fileName=week-61.csv`, tokens.writer!, {
      body: csv,
    });
    expect(res.status).toBe(201);
    const created = await body(createdVersionSchema, res);
    expect(created).toMatchObject({
      datasetId,
      version: 2,
      rows: 61,
      duplicate: false,
      firstWeek: "2023-01-02",
    });
    expect(created.lastWeek).toBe(
      new Date(Date.parse("2023-01-02") + 60 * 7 * 86_400_000).toISOString().slice(0, 10),
    );

    const latest = await call("GET", `/datasets/${datasetId}/versions/latest`, tokens.writer!);
    expect(latest.status).toBe(200);
    expect(latest.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(latest.headers.get("x-mixcast-dataset-version")).toBe("2");
    expect(await latest.text()).toBe(csv);

    const list = await body(datasetListSchema, await call("GET", "/datasets", tokens.writer!));
    expect(list.datasets).toContainEqual(
      expect.objectContaining({
        id: datasetId,
        name: "Weekly sales",
        latestVersionId: created.versionId,
        weeks: 61,
        versionCount: 2,
      }),
    );
    expect(list.datasets.map((d: { id: string }) => d.id)).not.toContain(foreign.datasetId);

    const version = await db.prisma.datasetVersion.findUniqueOrThrow({ where: { id: created.versionId } });
    expect(version).toMatchObject({ createdById: null, fileName: "week-61.csv" });
    expect(version.mapping).toEqual(
      (await db.prisma.datasetVersion.findFirstOrThrow({ where: { datasetId, version: 1 } })).mapping,
    );
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "dataset_version.create", targetId: created.versionId },
    });
    const token = await db.prisma.apiToken.findUniqueOrThrow({
      where: { tokenHash: hashApiToken(tokens.writer!) },
    });
    expect(audit).toMatchObject({
      actorKind: "api_token",
      actorId: token.id,
      workspaceId: admin.workspaceId,
    });
    expect(token.lastUsedAt).not.toBeNull();
    const uses = await db.prisma.auditEvent.findMany({ where: { action: "api.request", actorId: token.id } });
    expect(uses.map((u) => u.details)).toContainEqual({
      method: "POST",
      path: `/datasets/${datasetId}/versions`,
      status: 201,
      token: "writer",
    });

    // The same bytes again: 200, the existing version, nothing new.
    const again = await call("POST", `/datasets/${datasetId}/versions`, tokens.writer!, { body: csv });
    expect(again.status).toBe(200);
    expect(await body(createdVersionSchema, again)).toMatchObject({
      version: 2,
      duplicate: true,
      versionId: created.versionId,
    });
  });

  it("400 with row and column errors for bad data, and nothing stored", async () => {
    const before = await db.prisma.datasetVersion.count({ where: { datasetId } });
    const auditBefore = await db.prisma.auditEvent.count({ where: { action: "dataset_version.create" } });
    const bad = weeklyCsv(62).replace(/\n2023-01-16,([\d.]+),[\d.]+,/, "\n2023-01-16,$1,lots,");
    const res = await call("POST", `/datasets/${datasetId}/versions`, tokens.writer!, { body: bad });
    expect(res.status).toBe(400);
    const err = await body(invalidCsvSchema, res);
    expect(err.error.code).toBe("invalid_csv");
    expect(err.error.errorCount).toBeGreaterThanOrEqual(1);
    expect(err.error.errors[0]).toMatchObject({ row: 4, column: "tv_spend" });
    expect(err.error.message).toMatch(/nothing was stored/);
    // A file missing a mapped column names the column.
    const missing = weeklyCsv(62).replace("influencer_spend", "creator_spend");
    const res2 = await body(
      invalidCsvSchema,
      await call("POST", `/datasets/${datasetId}/versions`, tokens.writer!, { body: missing }),
    );
    expect(JSON.stringify(res2.error.errors)).toMatch(/influencer_spend/);
    // JSON instead of CSV: 415; empty body: 400.
    expect(
      (
        await call("POST", `/datasets/${datasetId}/versions`, tokens.writer!, {
          body: "{}",
          contentType: "application/json",
        })
      ).status,
    ).toBe(415);
    expect((await call("POST", `/datasets/${datasetId}/versions`, tokens.writer!, { body: "" })).status).toBe(
      400,
    );
    expect(await db.prisma.datasetVersion.count({ where: { datasetId } })).toBe(before);
    expect(await db.prisma.auditEvent.count({ where: { action: "dataset_version.create" } })).toBe(
      auditBefore,
    );
  });
});

describe("runs", () => {
  it("lists runs (filtered by model) and returns a run's summary with ROI per channel", async () => {
    const all = await body(runListSchema, await call("GET", "/runs", tokens.reader!));
    expect(all.runs.map((r: { id: string }) => r.id)).toEqual([runId]);
    const byModel = await body(runListSchema, await call("GET", `/runs?modelId=${modelId}`, tokens.reader!));
    expect(byModel).toEqual({ runs: [], nextCursor: null });
    expect((await call("GET", "/runs?limit=0", tokens.reader!)).status).toBe(400);

    const run = await body(runSummarySchema, await call("GET", `/runs/${runId}`, tokens.reader!));
    const stored = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ id: runId, status: "succeeded", converged: stored.converged, mode: "fast" });
    const storedChannels = (stored.summary as { channels: Record<string, { roi: { mean: number } }> })
      .channels;
    expect(Object.keys(run.channels ?? {}).sort()).toEqual(Object.keys(storedChannels).sort());
    for (const [name, c] of Object.entries(run.channels ?? {})) {
      expect(c.roi.mean).toBe(storedChannels[name]!.roi.mean);
      expect(c.roi.q05).toBeLessThanOrEqual(c.roi.mean);
      expect(c.roi.q95).toBeGreaterThanOrEqual(c.roi.mean);
    }
    expect(run.diagnostics?.rhatMax).toBe((stored.diagnostics as { rhatMax: number }).rhatMax);
  });

  it("GET /models/{id}/backtests (reports:read): the model's backtests; 401 without a token, 403 without the scope or for another workspace", async () => {
    await db.prisma.backtest.create({
      data: {
        workspaceId: admin.workspaceId,
        modelId: fittedModelId,
        runId,
        scoredRunId: runId,
        horizonWeeks: 4,
        firstWeek: "2027-01-04",
        lastWeek: "2027-01-25",
        weeks: 4,
        mape: 0.05,
        crps: 812.5,
        coverage90: 0.75,
        weekly: [],
      },
    });
    const path = `/models/${fittedModelId}/backtests`;
    const ok = await call("GET", path, tokens.all!);
    expect(ok.status).toBe(200);
    expect(await body(backtestListSchema, ok)).toEqual({
      modelId: fittedModelId,
      coverageThreshold: 0.6,
      backtests: [
        {
          refitRunId: runId,
          scoredRunId: runId,
          horizonWeeks: 4,
          firstWeek: "2027-01-04",
          lastWeek: "2027-01-25",
          weeks: 4,
          mape: 0.05,
          crps: 812.5,
          coverage90: 0.75,
        },
      ],
    });
    expect((await call("GET", path, null)).status).toBe(401);
    const noScope = await call("GET", path, tokens.reader!);
    expect(noScope.status).toBe(403);
    expect((await body(apiErrorSchema, noScope)).error.message).toMatch(/reports:read/);
    expect((await call("GET", `/models/${foreign.modelId}/backtests`, tokens.all!)).status).toBe(403);
    expect((await call("GET", "/models/nope/backtests", tokens.all!)).status).toBe(404);
  });

  it("unknown endpoints: 404; wrong method: 405 with Allow", async () => {
    expect((await call("GET", "/nope", tokens.reader!)).status).toBe(404);
    const res = await call("DELETE", `/runs/${runId}`, tokens.reader!);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
  });
});

describe("rate limit", () => {
  it("per token: the (limit+1)th request in a window is 429 with Retry-After; other tokens are unaffected", async () => {
    const limited = await createApiToken(db.prisma, admin, {
      name: "limited",
      scopes: ["runs:read"],
      expiresInDays: null,
    });
    const d = deps({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await call("GET", "/runs", limited.token, {}, d);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(last!.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(last!.headers.get("ratelimit-remaining")).toBe("0");
    const fresh = await createApiToken(db.prisma, admin, {
      name: "fresh",
      scopes: ["runs:read"],
      expiresInDays: null,
    });
    expect((await call("GET", "/runs", fresh.token, {}, d)).status).toBe(200);
    // The refused call is audited as a use, too.
    const t = await db.prisma.apiToken.findUniqueOrThrow({
      where: { id: (await db.prisma.apiToken.findFirstOrThrow({ where: { name: "limited" } })).id },
    });
    const statusesAudited = (
      await db.prisma.auditEvent.findMany({ where: { action: "api.request", actorId: t.id } })
    ).map((a) => (a.details as { status: number }).status);
    expect(statusesAudited.sort()).toEqual([200, 200, 200, 429]);
  });
});

describe("mixcast push through a real HTTP server", () => {
  it(
    "stores a version (exit 0), refuses bad data with row/column errors (exit 1, nothing stored)",
    { timeout: 60_000 },
    async () => {
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => void answer());
        const answer = async () => {
          const request = new Request(`http://127.0.0.1${req.url}`, {
            method: req.method,
            headers: req.headers as Record<string, string>,
            ...(req.method === "POST" ? { body: Buffer.concat(chunks) } : {}),
          });
          const response = await handleApiRequest(request, deps());
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        };
      });
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const dir = mkdtempSync(join(tmpdir(), "mixcast-push-web-"));
      // The real command line, as a user runs it (`pnpm mixcast push ...` = tsx on core's CLI).
      const repo = new URL("../../../../../", import.meta.url).pathname;
      const mixcast = async (args: string[]) => {
        try {
          const r = await promisify(execFile)(
            `${repo}node_modules/.bin/tsx`,
            [`${repo}packages/core/src/cli/main.ts`, ...args],
            { cwd: dir, env: { ...process.env, INIT_CWD: dir } },
          );
          return { code: 0, stdout: r.stdout, stderr: r.stderr };
        } catch (error) {
          const e = error as { code: number; stdout: string; stderr: string };
          return { code: e.code, stdout: e.stdout, stderr: e.stderr };
        }
      };
      try {
        const before = await db.prisma.datasetVersion.count({ where: { datasetId } });
        writeFileSync(join(dir, "week.csv"), weeklyCsv(64));
        const args = [
          "push",
          "--url",
          url,
          "--token",
          tokens.writer!,
          "--dataset",
          datasetId,
          "--file",
          "week.csv",
        ];
        const ok = await mixcast(args);
        expect(ok.code).toBe(0);
        expect(ok.stdout).toMatch(
          new RegExp(
            `^Stored version ${before + 1} \\(.+\\) of dataset ${datasetId}: 64 weeks, 2023-01-02 to `,
          ),
        );
        const stored = await db.prisma.datasetVersion.findFirstOrThrow({
          where: { datasetId },
          orderBy: { version: "desc" },
        });
        expect(stored).toMatchObject({
          version: before + 1,
          fileName: "week.csv",
          rowCount: 64,
          csv: weeklyCsv(64),
        });

        writeFileSync(join(dir, "bad.csv"), weeklyCsv(65).replace(/\n2023-01-09,[\d.]+,/, "\n2023-01-09,,"));
        const bad = await mixcast([...args.slice(0, -1), "bad.csv"]);
        expect(bad.code).toBe(1);
        expect(bad.stderr).toMatch(/HTTP 400 invalid_csv/);
        expect(bad.stderr).toMatch(/row 3, column "sales"/);
        expect(await db.prisma.datasetVersion.count({ where: { datasetId } })).toBe(before + 1);
      } finally {
        await new Promise((done) => server.close(done));
      }
    },
  );
});
