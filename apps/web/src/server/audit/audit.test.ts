// The audit log's "who" filter (actorId) against a real migrated PostgreSQL: the list, and the CSV
// export through its HTTP route (the route's request context points at the test database).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import type { SessionUser } from "@/lib/auth.ts";
import { GET as auditCsv } from "@/app/api/w/[workspaceId]/audit.csv/route.ts";
import type { Actor } from "../actor.ts";
import type { Context } from "../trpc.ts";
import { uploadDatasetVersion } from "../dataset/upload-dataset-version.ts";
import { createModel } from "../model/create-model.ts";
import { addMember, createUser, weeklyCsv, weeklyMapping } from "../../../test/fixtures.ts";
import { createWorkspace } from "../workspace/create-workspace.ts";
import {
  auditFilterInput,
  exportAuditCsv,
  listAuditActors,
  listAuditEvents,
  listAuditInput,
} from "./list-audit-events.ts";
import { writeAudit } from "./write-audit.ts";

const request = vi.hoisted(() => ({ context: null as Context | null }));
vi.mock("@/server/context.ts", () => ({
  createRequestContext: async () => {
    if (!request.context) throw new Error("test request context not set");
    return request.context;
  },
}));

let db: TestDatabase;
let owner: SessionUser;
let ana: SessionUser;
let bo: SessionUser;
let workspaceId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  owner = await createUser(db.prisma, "Owner");
  ana = await createUser(db.prisma, "Ana Analyst");
  bo = await createUser(db.prisma, "Bo Analyst");
  const ws = await createWorkspace(db.prisma, owner.id, { name: "Audit Co" });
  workspaceId = ws.id;
  await addMember(db.prisma, workspaceId, ana.id, "analyst");
  await addMember(db.prisma, workspaceId, bo.id, "analyst");

  // Ana: dataset.create + dataset_version.create; Bo: model.create; plus one system event.
  const anaActor: Actor = { userId: ana.id, workspaceId, role: "analyst" };
  const upload = await uploadDatasetVersion(db.prisma, anaActor, {
    name: "Sales",
    csv: weeklyCsv(60),
    mapping: weeklyMapping,
  });
  if (!upload.ok) throw new Error(`fixture CSV rejected: ${JSON.stringify(upload.errors)}`);
  await createModel(
    db.prisma,
    { userId: bo.id, workspaceId, role: "analyst" },
    { name: "Main", datasetId: upload.datasetId },
  );
  await db.prisma.$transaction((tx) =>
    writeAudit(tx, { workspaceId, actorId: null, action: "run.fail", targetType: "run", targetId: "r1" }),
  );

  // Ana also acts in a second workspace; those events must never show up here.
  await createWorkspace(db.prisma, ana.id, { name: "Ana's Other Co" });

  request.context = {
    prisma: db.prisma,
    user: { id: owner.id, email: owner.email, name: owner.name },
    enqueueFitRun: async () => null,
    baseUrl: "http://mixcast.test",
  };
});

afterAll(async () => {
  await db?.drop();
});

const list = (actor: Actor, input: Record<string, unknown>) =>
  listAuditEvents(db.prisma, actor, listAuditInput.parse(input));

describe("audit log filtered by user", () => {
  it("actorId keeps only that user's events in this workspace", async () => {
    const viewer: Actor = { userId: owner.id, workspaceId, role: "owner" };
    const all = await list(viewer, {});
    expect(all.items.map((e) => e.actorId).sort()).toEqual([ana.id, ana.id, bo.id, owner.id, null].sort());

    const byAna = await list(viewer, { actorId: ana.id });
    expect(byAna.items.map((e) => e.action).sort()).toEqual(["dataset.create", "dataset_version.create"]);
    expect(byAna.items.every((e) => e.actorId === ana.id && e.actor?.name === "Ana Analyst")).toBe(true);

    const byBo = await list(viewer, { actorId: bo.id });
    expect(byBo.items.map((e) => e.action)).toEqual(["model.create"]);

    // Combined with another filter, and with a user who did nothing here.
    expect(
      (await list(viewer, { actorId: ana.id, targetType: "dataset" })).items.map((e) => e.action),
    ).toEqual(["dataset.create"]);
    expect((await list(viewer, { actorId: "no-such-user" })).items).toEqual([]);
  });

  it("the CSV export route passes actorId through", async () => {
    const get = async (query: string) => {
      const res = await auditCsv(new Request(`http://mixcast.test/api/w/${workspaceId}/audit.csv?${query}`), {
        params: Promise.resolve({ workspaceId }),
      });
      expect(res.status).toBe(200);
      const [header, ...rows] = (await res.text()).trimEnd().split("\n");
      const emailColumn = header!.split(",").indexOf("actor_email");
      return {
        rows: rows.map((r) => r.split(",")),
        emails: rows.map((r) => r.split(",")[emailColumn]),
        count: res.headers.get("x-mixcast-rows"),
      };
    };

    const all = await get("");
    expect(all.count).toBe("5");

    const byAna = await get(new URLSearchParams({ actorId: ana.id }).toString());
    expect(byAna.count).toBe("2");
    expect(byAna.emails).toEqual([ana.email, ana.email]);

    const byBo = await get(new URLSearchParams({ actorId: bo.id, action: "model." }).toString());
    expect(byBo.emails).toEqual([bo.email]);
    expect(byBo.rows[0]).toContain("model.create");
  });
});

describe("people in the audit log", () => {
  it("lists everyone who acted here, members first, and keeps a former member (marked) after they leave", async () => {
    const viewer: Actor = { userId: owner.id, workspaceId, role: "owner" };
    const before = await listAuditActors(db.prisma, viewer);
    expect(before.map((a) => [a.name, a.member])).toEqual([
      ["Ana Analyst", true],
      ["Bo Analyst", true],
      ["Owner", true],
    ]);
    await db.prisma.membership.deleteMany({ where: { workspaceId, userId: bo.id } });
    const after = await listAuditActors(db.prisma, viewer);
    expect(after.map((a) => [a.name, a.member])).toEqual([
      ["Ana Analyst", true],
      ["Owner", true],
      ["Bo Analyst", false],
    ]);
  });
});

describe("audit action filter", () => {
  it("matches a prefix literally: % and _ are not wildcards", async () => {
    const actor: Actor = { userId: owner.id, workspaceId, role: "owner" };
    const all = await list(actor, {});
    expect(all.items.length).toBeGreaterThan(2);
    expect((await list(actor, { action: "%" })).items).toEqual([]);
    expect((await list(actor, { action: "_" })).items).toEqual([]);
    // "run_fail" would match "run.fail" if _ were a wildcard.
    expect((await list(actor, { action: "run_fail" })).items).toEqual([]);
    expect((await list(actor, { action: "dataset_" })).items.map((e) => e.action)).toEqual([
      "dataset_version.create",
    ]);
    expect((await list(actor, { action: "%.create" })).items).toEqual([]);
    const prefix = await list(actor, { action: "dataset." });
    expect(prefix.items.map((e) => e.action)).toEqual(["dataset.create"]);
  });
});

describe("actor names in the audit log", () => {
  it("show the name the actor had when acting; a rename does not rewrite history", async () => {
    const actor: Actor = { userId: owner.id, workspaceId, role: "owner" };
    await db.prisma.user.update({ where: { id: bo.id }, data: { name: "Bo Renamed" } });
    const events = (await list(actor, { actorId: bo.id })).items;
    expect(events.map((e) => [e.action, e.actor?.name])).toEqual([["model.create", "Bo Analyst"]]);
    const csv = await exportAuditCsv(db.prisma, actor, auditFilterInput.parse({ actorId: bo.id }));
    expect(csv.csv).toContain("Bo Analyst");
    expect(csv.csv).not.toContain("Bo Renamed");
    await db.prisma.user.update({ where: { id: bo.id }, data: { name: "Bo Analyst" } });
  });
});
