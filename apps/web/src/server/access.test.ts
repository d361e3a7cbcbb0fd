// The role matrix: every tRPC procedure x {owner, admin, analyst, viewer, non-member, anonymous},
// generated from the router itself, against a real migrated PostgreSQL database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { createBoss, enqueueFitRun, type PgBoss } from "@mixcast/db/jobs";
import { ROLES, roleAtLeast, type Role } from "@/lib/roles.ts";
import { procedureAccess, type AccessRule } from "./access.ts";
import { appRouter, createCaller } from "./root.ts";
import type { Context } from "./trpc.ts";
import { addMember, createUser, weeklyCsv, weeklyMapping } from "./testing/fixtures.ts";
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
async function outcome(
  caller: Caller,
  path: string,
  input: unknown,
): Promise<"allowed" | "forbidden" | "unauthorized"> {
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

function expected(rule: AccessRule, caller: Caller): "allowed" | "forbidden" | "unauthorized" {
  if (rule === "public") return "allowed";
  if (caller === "anonymous") return "unauthorized";
  if (rule === "authed") return "allowed";
  if (caller === "non-member") return "forbidden";
  return roleAtLeast(caller, rule) ? "allowed" : "forbidden";
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

  it("non-members can read nothing and change nothing", async () => {
    const before = await snapshot();
    const workspacePaths = Object.entries(procedureAccess as Record<string, AccessRule>).filter(
      ([, rule]) => rule !== "public" && rule !== "authed",
    );
    for (const [path] of workspacePaths) {
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
  // Generated from the router: a new procedure shows up here by itself and needs a rule.
  const paths = Object.keys(appRouter._def.procedures).sort();
  for (const path of paths) {
    it(`${path}`, async () => {
      const rule = (procedureAccess as Record<string, AccessRule>)[path];
      expect(rule, `no access rule for ${path}`).toBeDefined();
      const got: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const caller of CALLERS) {
        want[caller] = expected(rule!, caller);
        got[caller] = await outcome(caller, path, universalInput);
      }
      expect(got).toEqual(want);
    });
  }
});
