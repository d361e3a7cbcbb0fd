import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe("AuditEvent is append-only in the database", () => {
  it("accepts inserts and rejects UPDATE, DELETE and TRUNCATE, also through raw SQL", async () => {
    const { prisma } = db;
    const event = await prisma.auditEvent.create({
      data: {
        workspaceId: "w1",
        actorId: "u1",
        actorKind: "user",
        action: "run.start",
        targetType: "run",
        targetId: "r1",
        details: { mode: "fast" },
      },
    });
    await prisma.auditEvent.create({
      data: { actorKind: "schedule", action: "run.schedule", workspaceId: "w1" },
    });

    await expect(
      prisma.auditEvent.update({ where: { id: event.id }, data: { action: "tampered" } }),
    ).rejects.toThrow(/append-only/);
    await expect(prisma.auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only/);
    await expect(prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe(`UPDATE "AuditEvent" SET "action" = 'x'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(prisma.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);

    const rows = await prisma.auditEvent.findMany({ orderBy: { at: "asc" } });
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === event.id)?.action).toBe("run.start");
  });
});
