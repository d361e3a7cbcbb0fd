// The workspace currency setting through the real tRPC caller (role ladder included), against a
// real migrated PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { createCaller } from "../root.ts";
import type { Context } from "../trpc.ts";
import { addMember, createUser } from "../../../test/fixtures.ts";
import { createWorkspace } from "./create-workspace.ts";

let db: TestDatabase;
let workspaceId: string;
let owner: { id: string; email: string; name: string };
let analyst: { id: string; email: string; name: string };

const ctx = (user: { id: string; email: string; name: string }): Context => ({
  prisma: db.prisma,
  user: { id: user.id, email: user.email, name: user.name },
  enqueueFitRun: async () => "job",
  baseUrl: "http://mixcast.test",
});

beforeAll(async () => {
  db = await createTestDatabase();
  owner = await createUser(db.prisma, "Owner");
  analyst = await createUser(db.prisma, "Analyst");
  workspaceId = (await createWorkspace(db.prisma, owner.id, { name: "Currency Co" })).id;
  await addMember(db.prisma, workspaceId, analyst.id, "analyst");
});
afterAll(() => db?.drop());

describe("workspace currency", () => {
  it("starts unset, is set by an admin as an upper-case ISO code, audited, and can be cleared", async () => {
    const api = createCaller(ctx(owner));
    expect((await api.workspace.get({ workspaceId })).currency).toBeNull();
    await expect(api.workspace.setCurrency({ workspaceId, currency: " eur " })).resolves.toEqual({
      currency: "EUR",
    });
    expect((await api.workspace.get({ workspaceId })).currency).toBe("EUR");
    await api.workspace.setCurrency({ workspaceId, currency: null });
    expect((await api.workspace.get({ workspaceId })).currency).toBeNull();
    const audit = await db.prisma.auditEvent.findMany({
      where: { workspaceId, action: "workspace.currency" },
      orderBy: { at: "asc" },
    });
    expect(audit.map((a) => a.details)).toEqual([
      { from: null, to: "EUR" },
      { from: "EUR", to: null },
    ]);
  });

  it("rejects codes that are not ISO 4217 with a message that says what to type, and changes nothing", async () => {
    const api = createCaller(ctx(owner));
    for (const bad of ["EURO", "E1R", "XYZ", ""]) {
      await expect(api.workspace.setCurrency({ workspaceId, currency: bad })).rejects.toThrow(
        /three-letter ISO 4217 currency code/,
      );
    }
    expect((await api.workspace.get({ workspaceId })).currency).toBeNull();
  });

  it("is admin-only: an analyst is refused and the value stays", async () => {
    await expect(
      createCaller(ctx(analyst)).workspace.setCurrency({ workspaceId, currency: "USD" }),
    ).rejects.toThrow(/Your role \(analyst\)/);
    expect((await db.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).currency).toBeNull();
  });
});
