import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe("Prisma client on a migrated database", () => {
  it("creates a workspace with a dataset version, model, config version and run, and reads them back", async () => {
    const { prisma } = db;
    const user = await prisma.user.create({ data: { id: "u1", name: "Ada", email: "ada@example.com" } });
    const workspace = await prisma.workspace.create({
      data: {
        id: "w1",
        name: "Acme",
        slug: "acme",
        memberships: { create: { id: "m1", userId: user.id, role: "analyst" } },
      },
    });
    const dataset = await prisma.dataset.create({
      data: { workspaceId: workspace.id, name: "Weekly sales", createdById: user.id },
    });
    const version = await prisma.datasetVersion.create({
      data: {
        workspaceId: workspace.id,
        datasetId: dataset.id,
        version: 1,
        checksum: "a".repeat(64),
        rowCount: 156,
        columnCount: 10,
        mapping: { date: "week", kpi: "sales" },
        summary: { columns: [] },
        csv: "week,sales\n2024-01-01,1\n",
        createdById: user.id,
      },
    });
    const model = await prisma.model.create({
      data: { workspaceId: workspace.id, datasetId: dataset.id, name: "Base" },
    });
    const config = await prisma.modelConfigVersion.create({
      data: { workspaceId: workspace.id, modelId: model.id, version: 1, config: { channels: ["tv"] } },
    });
    const run = await prisma.run.create({
      data: {
        workspaceId: workspace.id,
        modelId: model.id,
        datasetVersionId: version.id,
        configVersionId: config.id,
        seed: 42,
        mode: "fast",
      },
    });
    expect(run.status).toBe("queued");
    expect(run.trigger).toBe("manual");
    expect(run.percent).toBe(0);
    expect(run.attempt).toBe(0);

    const bytes = Uint8Array.from([1, 2, 3, 250]);
    await prisma.runArtifact.create({
      data: { workspaceId: workspace.id, runId: run.id, kind: "draws", bytes, sizeBytes: 4 },
    });
    const loaded = await prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { artifacts: true, datasetVersion: true },
    });
    expect(loaded.datasetVersion.rowCount).toBe(156);
    expect(Array.from(loaded.artifacts[0]!.bytes!)).toEqual([1, 2, 3, 250]);

    const members = await prisma.membership.findMany({ where: { workspaceId: workspace.id } });
    expect(members.map((m) => m.role)).toEqual(["analyst"]);
  });

  it("enforces the unique keys the app relies on", async () => {
    const { prisma } = db;
    const model = await prisma.model.findFirstOrThrow();
    const run = await prisma.run.findFirstOrThrow();
    const slot = new Date("2026-11-23T09:00:00Z");
    const base = {
      workspaceId: model.workspaceId,
      modelId: model.id,
      datasetVersionId: run.datasetVersionId,
      configVersionId: run.configVersionId,
      seed: 1,
      trigger: "schedule" as const,
      scheduleSlot: slot,
    };
    await prisma.run.create({ data: base });
    // A second scheduler enqueuing the same weekly slot is rejected by the database.
    await expect(prisma.run.create({ data: base })).rejects.toMatchObject({ code: "P2002" });
    await expect(
      prisma.datasetVersion.create({
        data: {
          workspaceId: model.workspaceId,
          datasetId: model.datasetId,
          version: 1,
          checksum: "b".repeat(64),
          rowCount: 1,
          columnCount: 1,
          mapping: {},
          summary: {},
          csv: "",
        },
      }),
    ).rejects.toMatchObject({ code: "P2002" });
  });

  it("rolls back an interactive transaction that throws", async () => {
    const { prisma } = db;
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.workspace.create({ data: { id: "w2", name: "Temp", slug: "temp" } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await prisma.workspace.count({ where: { id: "w2" } })).toBe(0);
  });
});
