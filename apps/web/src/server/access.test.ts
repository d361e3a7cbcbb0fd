// The role matrix: every tRPC procedure x {owner, admin, analyst, viewer, non-member, anonymous},
// generated from the router itself, against a real migrated PostgreSQL database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { createBoss, enqueueFitRun, type PgBoss } from "@mixcast/db/jobs";
import { ROLES, type Role } from "@/lib/roles.ts";
import { procedureAccess } from "./access.ts";
import { appRouter, createCaller } from "./root.ts";
import type { Context } from "./trpc.ts";
import { addMember, createUser, weeklyCsv, weeklyMapping } from "../../test/fixtures.ts";
import { uploadDatasetVersion } from "./dataset/upload-dataset-version.ts";
import { createModel } from "./model/create-model.ts";
import { createApiToken } from "./api-token/api-tokens.ts";

type Caller = "anonymous" | "non-member" | Role;
const CALLERS: Caller[] = ["anonymous", "non-member", "viewer", "analyst", "admin", "owner"];

let db: TestDatabase;
let boss: PgBoss;
const users = new Map<Exclude<Caller, "anonymous">, { id: string; email: string; name: string }>();
let workspaceId: string;
let otherWorkspaceId: string;
let universalInput: Record<string, unknown>;
let foreignIds: { datasetId: string; modelId: string; runId: string };

function ctxFor(caller: Caller): Context {
  const user = caller === "anonymous" ? null : users.get(caller)!;
  return {
    prisma: db.prisma,
    user: user ? { id: user.id, email: user.email, name: user.name } : null,
    enqueueFitRun: (runId) => enqueueFitRun(runId, { boss }),
    baseUrl: "http://mixcast.test",
  };
}

/** Calls a procedure by its dotted path through a real caller (all middleware included). */
async function call(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const [ns, name] = path.split(".") as [string, string];
  const api = createCaller(ctxFor(caller)) as unknown as Record<
    string,
    Record<string, (i: unknown) => Promise<unknown>>
  >;
  return api[ns]![name]!(input);
}

/** "denied" only for the ladder's own refusals; domain errors (NOT_FOUND, BAD_REQUEST, ...) mean the caller got through. */
async function outcome(caller: Caller, path: string, input: unknown): Promise<Outcome> {
  try {
    await call(caller, path, input);
    return "allowed";
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    if (error.code === "UNAUTHORIZED") return "unauthorized";
    if (
      error.code === "FORBIDDEN" &&
      /^(You are not a member of this workspace|Your role \()/.test(error.message)
    )
      return "forbidden";
    return "allowed";
  }
}

type Outcome = "allowed" | "forbidden" | "unauthorized";
const CODES: Record<string, Outcome> = { ok: "allowed", "403": "forbidden", "401": "unauthorized" };

/**
 * What each caller must get from each procedure, written out by hand: it does not read
 * access.ts, so a wrong rule there fails here. ok = allowed, 403 = refused by the workspace
 * ladder, 401 = not signed in. A new procedure fails the suite until it has a row.
 */
// prettier-ignore
const EXPECTED: Record<string, string> = {
  // columns:             anonymous, non-member, viewer, analyst, admin, owner
  "alert.channels":       "401 403 403 403  ok  ok",
  "alert.createChannel":  "401 403 403 403  ok  ok",
  "alert.deleteChannel":  "401 403 403 403  ok  ok",
  "alert.deliveries":     "401 403 403 403  ok  ok",
  "alert.list":           "401 403  ok  ok  ok  ok",
  "apiToken.create":      "401 403 403 403  ok  ok",
  "apiToken.list":        "401 403 403 403  ok  ok",
  "apiToken.revoke":      "401 403 403 403  ok  ok",
  "approval.approve":     "401 403 403  ok  ok  ok",
  "approval.backtests":   "401 403  ok  ok  ok  ok",
  "approval.list":        "401 403  ok  ok  ok  ok",
  "approval.review":      "401 403  ok  ok  ok  ok",
  "approval.updateSettings":"401 403 403 403 ok  ok",
  "audit.actors":         "401 403  ok  ok  ok  ok",
  "audit.export":         "401 403  ok  ok  ok  ok",
  "audit.list":           "401 403  ok  ok  ok  ok",
  "campaign.create":      "401 403 403  ok  ok  ok",
  "campaign.delete":      "401 403 403  ok  ok  ok",
  "campaign.get":         "401 403  ok  ok  ok  ok",
  "campaign.list":        "401 403  ok  ok  ok  ok",
  "liftTest.archive":     "401 403 403  ok  ok  ok",
  "liftTest.create":      "401 403 403  ok  ok  ok",
  "liftTest.forRun":      "401 403  ok  ok  ok  ok",
  "liftTest.importCsv":   "401 403 403  ok  ok  ok",
  "liftTest.list":        "401 403  ok  ok  ok  ok",
  "liftTest.update":      "401 403 403  ok  ok  ok",
  "campaign.update":      "401 403 403  ok  ok  ok",
  "comparison.runs":      "401 403  ok  ok  ok  ok",
  "dataset.get":          "401 403  ok  ok  ok  ok",
  "dataset.list":         "401 403  ok  ok  ok  ok",
  "dataset.upload":       "401 403 403  ok  ok  ok",
  "experiment.design":    "401 403  ok  ok  ok  ok",
  "home.get":             "401 403  ok  ok  ok  ok",
  "insight.get":          "401 403  ok  ok  ok  ok",
  "insight.getV2":        "401 403  ok  ok  ok  ok",
  "invitation.accept":    "401  ok  ok  ok  ok  ok",
  "invitation.create":    "401 403 403 403  ok  ok",
  "invitation.get":       "401  ok  ok  ok  ok  ok",
  "invitation.list":      "401 403 403 403  ok  ok",
  "invitation.revoke":    "401 403 403 403  ok  ok",
  "member.list":          "401 403  ok  ok  ok  ok",
  "member.remove":        "401 403 403 403  ok  ok",
  "member.updateRole":    "401 403 403 403  ok  ok",
  "model.checkData":      "401 403  ok  ok  ok  ok",
  "model.create":         "401 403 403  ok  ok  ok",
  "model.get":            "401 403  ok  ok  ok  ok",
  "model.list":           "401 403  ok  ok  ok  ok",
  "model.saveConfig":     "401 403 403  ok  ok  ok",
  "optimizer.context":    "401 403  ok  ok  ok  ok",
  "optimizer.run":        "401 403 403  ok  ok  ok",
  "optimizer.goal":       "401 403 403  ok  ok  ok",
  "report.comparison":    "401 403  ok  ok  ok  ok",
  "report.run":           "401 403  ok  ok  ok  ok",
  "run.cancel":           "401 403 403  ok  ok  ok",
  "run.exportDraws":      "401 403  ok  ok  ok  ok",
  "run.get":              "401 403  ok  ok  ok  ok",
  "run.list":             "401 403  ok  ok  ok  ok",
  "run.start":            "401 403 403  ok  ok  ok",
  "scenario.compare":     "401 403  ok  ok  ok  ok",
  "scenario.create":      "401 403 403  ok  ok  ok",
  "scenario.delete":      "401 403 403  ok  ok  ok",
  "scenario.duplicate":   "401 403 403  ok  ok  ok",
  "scenario.follow":      "401 403 403  ok  ok  ok",
  "scenario.forecasts":   "401 403  ok  ok  ok  ok",
  "scenario.evaluate":    "401 403  ok  ok  ok  ok",
  "scenario.generatePlan":"401 403 403  ok  ok  ok",
  "scenario.get":         "401 403  ok  ok  ok  ok",
  "scenario.list":        "401 403  ok  ok  ok  ok",
  "scenario.update":      "401 403 403  ok  ok  ok",
  "share.create":         "401 403 403  ok  ok  ok",
  "share.list":           "401 403  ok  ok  ok  ok",
  "share.revoke":         "401 403 403  ok  ok  ok",
  "schedule.remove":      "401 403 403 403  ok  ok",
  "schedule.upsert":      "401 403 403 403  ok  ok",
  "workspace.create":     "401  ok  ok  ok  ok  ok",
  "workspace.delete":     "401 403 403 403 403  ok",
  "workspace.get":        "401 403  ok  ok  ok  ok",
  "workspace.list":       "401  ok  ok  ok  ok  ok",
  "workspace.rename":     "401 403 403 403  ok  ok",
  "workspace.setCurrency":"401 403 403 403  ok  ok",
  "workspace.setLogo":    "401 403 403 403  ok  ok",
};

function expectedOutcomes(path: string): Record<Caller, Outcome> {
  const row = EXPECTED[path];
  if (row === undefined) throw new Error(`no row for ${path} in the EXPECTED table of access.test.ts`);
  const cells = row.trim().split(/\s+/);
  if (cells.length !== CALLERS.length) throw new Error(`row for ${path} needs ${CALLERS.length} cells`);
  return Object.fromEntries(CALLERS.map((c, i) => [c, CODES[cells[i]!]!])) as Record<Caller, Outcome>;
}

async function snapshot() {
  const p = db.prisma;
  const [
    workspaces,
    memberships,
    invitations,
    datasets,
    versions,
    models,
    configs,
    runs,
    schedules,
    audit,
    tokens,
    alertChannels,
    approvals,
    liftTests,
  ] = await Promise.all([
    p.workspace.findMany({ orderBy: { id: "asc" } }),
    p.membership.findMany({ orderBy: { id: "asc" } }),
    p.invitation.findMany({ orderBy: { id: "asc" } }),
    p.dataset.findMany({ orderBy: { id: "asc" } }),
    p.datasetVersion.findMany({ orderBy: { id: "asc" }, select: { id: true, checksum: true } }),
    p.model.findMany({ orderBy: { id: "asc" } }),
    p.modelConfigVersion.findMany({ orderBy: { id: "asc" } }),
    p.run.findMany({ orderBy: { id: "asc" } }),
    p.schedule.findMany({ orderBy: { id: "asc" } }),
    p.auditEvent.count(),
    p.apiToken.findMany({ orderBy: { id: "asc" } }),
    p.alertChannel.findMany({ orderBy: { id: "asc" } }),
    p.runApproval.findMany({ orderBy: { id: "asc" } }),
    p.liftTest.findMany({ orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({
    workspaces,
    memberships,
    invitations,
    datasets,
    versions,
    models,
    configs,
    runs,
    schedules,
    audit,
    tokens,
    alertChannels,
    approvals,
    liftTests,
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  boss = await createBoss({ connectionString: db.url, role: "producer" });
  for (const c of ["non-member", ...ROLES] as const) {
    const u = await createUser(db.prisma, `${c} user`);
    users.set(c, { id: u.id, email: u.email, name: u.name });
  }
  const owner = users.get("owner")!;
  const ws = await createCaller(ctxFor("owner")).workspace.create({ name: "Acme Marketing" });
  workspaceId = ws.id;
  for (const role of ["viewer", "analyst", "admin"] as const)
    await addMember(db.prisma, workspaceId, users.get(role)!.id, role);
  const spare = await createUser(db.prisma, "spare viewer");
  const spareMembership = await addMember(db.prisma, workspaceId, spare.id, "viewer");

  const actor = { userId: owner.id, workspaceId, role: "owner" as const };
  const upload = await uploadDatasetVersion(db.prisma, actor, {
    name: "Weekly sales",
    csv: weeklyCsv(),
    mapping: weeklyMapping,
    fileName: "sales.csv",
  });
  if (!upload.ok) throw new Error(`fixture CSV rejected: ${JSON.stringify(upload.errors)}`);
  const model = await createModel(db.prisma, actor, { name: "Main model", datasetId: upload.datasetId });
  const run = await db.prisma.run.create({
    data: {
      workspaceId,
      modelId: model.id,
      datasetVersionId: upload.versionId,
      configVersionId: model.configVersionId,
      seed: 7,
      status: "queued",
    },
  });
  const invitation = await createCaller(ctxFor("owner")).invitation.create({
    workspaceId,
    email: "pending@example.test",
    role: "viewer",
  });

  const apiToken = await createApiToken(db.prisma, actor, {
    name: "Matrix token",
    scopes: ["runs:read"],
    expiresInDays: null,
  });

  const alertChannel = await db.prisma.alertChannel.create({
    data: { workspaceId, kind: "email", name: "Matrix mail", target: "matrix@example.test" },
  });

  const liftTest = await db.prisma.liftTest.create({
    data: {
      workspaceId,
      channel: "tv",
      startDate: "2024-03-04",
      endDate: "2024-03-25",
      lift: 100,
      se: 20,
      spend: 5000,
    },
  });

  // A second workspace, owned by the non-member, with its own objects.
  const other = await createCaller(ctxFor("non-member")).workspace.create({ name: "Other Co" });
  otherWorkspaceId = other.id;

  // One input object for every procedure: zod strips the keys a procedure does not declare.
  universalInput = {
    workspaceId,
    datasetId: upload.datasetId,
    modelId: model.id,
    runId: run.id,
    membershipId: spareMembership.id,
    invitationId: invitation.id,
    role: "viewer",
    email: "newcomer@example.test",
    name: "Renamed by matrix",
    confirmName: "not the workspace name",
    csv: weeklyCsv(),
    mapping: weeklyMapping,
    config: {},
    weekday: 1,
    hour: 6,
    timezone: "Europe/Berlin",
    mode: "fast",
    tokenId: apiToken.id,
    note: "approved by the matrix",
    autoApprove: true,
    stabilityThreshold: 0.6,
    dataExpectedWeekday: 1,
    kind: "webhook",
    target: "https://hooks.example.test/mixcast",
    kinds: ["unstable"],
    channelId: alertChannel.id,
    liftTestId: liftTest.id,
    scopes: ["datasets:write"],
    expiresInDays: 30,
  };
  foreignIds = { datasetId: upload.datasetId, modelId: model.id, runId: run.id };
});

afterAll(async () => {
  await boss?.stop({ graceful: false, close: true }).catch(() => {});
  await db?.drop();
});

describe("access rules", () => {
  it("every procedure of the router has exactly one rule, and every rule a procedure", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(procedures.length).toBeGreaterThan(20);
    const missing = procedures.filter((p) => !(p in procedureAccess));
    expect(
      missing,
      `procedures without an access rule in src/server/access.ts: ${missing.join(", ")}`,
    ).toEqual([]);
    expect(Object.keys(procedureAccess).sort()).toEqual(procedures);
  });

  it("the expected matrix has a row for every procedure of the router, and no other", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    const missing = procedures.filter((p) => !(p in EXPECTED));
    expect(missing, `procedures without a row in EXPECTED (access.test.ts): ${missing.join(", ")}`).toEqual(
      [],
    );
    expect(Object.keys(EXPECTED).sort()).toEqual(procedures);
    for (const p of procedures) expect(() => expectedOutcomes(p), p).not.toThrow();
  });

  it("non-members can read nothing and change nothing", async () => {
    const before = await snapshot();
    const workspacePaths = Object.keys(EXPECTED).filter(
      (path) => expectedOutcomes(path)["non-member"] === "forbidden",
    );
    expect(workspacePaths.length).toBeGreaterThan(20);
    for (const path of workspacePaths) {
      expect(await outcome("non-member", path, universalInput), path).toBe("forbidden");
    }
    expect(await snapshot()).toBe(before);
  });

  it("objects of one workspace are not found through another workspace's id", async () => {
    const inOther = { ...universalInput, workspaceId: otherWorkspaceId };
    for (const path of [
      "dataset.get",
      "model.get",
      "run.get",
      "run.cancel",
      "run.start",
      "model.saveConfig",
      "schedule.upsert",
    ]) {
      await expect(
        call("non-member", path, {
          ...inOther,
          ...foreignIds,
          config: { date: "date", kpi: "sales", channels: [{ column: "tv_spend", type: "traditional" }] },
        }),
        path,
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    const runs = (await call("non-member", "run.list", { workspaceId: otherWorkspaceId })) as {
      items: unknown[];
    };
    expect(runs.items).toEqual([]);
  });
});

describe("role matrix", () => {
  // Every procedure of the router, checked against the hand-written EXPECTED table.
  const paths = Object.keys(appRouter._def.procedures).sort();
  for (const path of paths) {
    it(`${path}`, async () => {
      const want = expectedOutcomes(path);
      const got: Record<string, Outcome> = {};
      for (const caller of CALLERS) got[caller] = await outcome(caller, path, universalInput);
      expect(got).toEqual(want);
    });
  }
});
