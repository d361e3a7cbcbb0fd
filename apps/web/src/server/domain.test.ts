// Domain functions against a real migrated PostgreSQL: dataset versions, runs, cancel, paging.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { simulateV2, type DataMappingV2 } from "@mixcast/core";
import type { Actor } from "./actor.ts";
import { uploadDatasetVersion } from "./dataset/upload-dataset-version.ts";
import { createModel } from "./model/create-model.ts";
import { saveModelConfig } from "./model/save-model-config.ts";
import { cancelRun } from "./run/cancel-run.ts";
import { encodeCursor, listRuns, listRunsInput } from "./run/list-runs.ts";
import { startRun } from "./run/start-run.ts";
import { addMember, createUser, weeklyCsv, weeklyMapping } from "../../test/fixtures.ts";
import { createWorkspace } from "./workspace/create-workspace.ts";

let db: TestDatabase;
let actor: Actor;
let datasetId: string;
let modelId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const user = await createUser(db.prisma, "Ana Analyst");
  const owner = await createUser(db.prisma, "Owner");
  const ws = await createWorkspace(db.prisma, owner.id, { name: "Domain Co" });
  await addMember(db.prisma, ws.id, user.id, "analyst");
  actor = { userId: user.id, workspaceId: ws.id, role: "analyst" };
});

afterAll(async () => {
  await db?.drop();
});

describe("dataset versions", () => {
  it("invalid CSV: errors with row and column, nothing stored, no audit event", async () => {
    const bad = weeklyCsv(60).replace("2023-01-16", "2023-13-16");
    const before = await db.prisma.auditEvent.count();
    const r = await uploadDatasetVersion(db.prisma, actor, {
      name: "Sales",
      csv: bad,
      mapping: weeklyMapping,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ row: 4, column: "date" });
    expect(await db.prisma.dataset.count({ where: { workspaceId: actor.workspaceId } })).toBe(0);
    expect(await db.prisma.auditEvent.count()).toBe(before);
  });

  it("valid CSV -> v1 with sha256; same bytes -> same version; new data -> v2; each audited", async () => {
    const csv = weeklyCsv(60);
    const v1 = await uploadDatasetVersion(db.prisma, actor, {
      name: "Sales",
      csv,
      mapping: weeklyMapping,
      fileName: "a.csv",
    });
    expect(v1).toMatchObject({ ok: true, version: 1, duplicate: false });
    if (!v1.ok) return;
    datasetId = v1.datasetId;
    const row = await db.prisma.datasetVersion.findUniqueOrThrow({ where: { id: v1.versionId } });
    expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(row.rowCount).toBe(60);
    const again = await uploadDatasetVersion(db.prisma, actor, { datasetId, csv, mapping: weeklyMapping });
    expect(again).toMatchObject({ ok: true, version: 1, duplicate: true, versionId: v1.versionId });
    const v2 = await uploadDatasetVersion(db.prisma, actor, {
      datasetId,
      csv: weeklyCsv(70),
      mapping: weeklyMapping,
    });
    expect(v2).toMatchObject({ ok: true, version: 2, duplicate: false });
    const actions = (
      await db.prisma.auditEvent.findMany({
        where: { workspaceId: actor.workspaceId, actorId: actor.userId },
        orderBy: { at: "asc" },
      })
    ).map((e) => e.action);
    expect(actions).toEqual(["dataset.create", "dataset_version.create", "dataset_version.create"]);
  });
});

describe("v2 dataset versions (long geo file, R&F, organic, units KPI)", () => {
  const sim = simulateV2({ weeks: 40, geos: 3, seed: 8, units: true, rf: true, organic: true, channels: 2 });
  const mapping = JSON.parse(JSON.stringify(sim.config)) as DataMappingV2;

  it("stores the v2 mapping and a per-geo summary", async () => {
    const r = await uploadDatasetVersion(db.prisma, actor, {
      name: "Geo conversions",
      csv: sim.csv,
      mapping,
    });
    expect(r).toMatchObject({ ok: true, version: 1 });
    if (!r.ok) return;
    const row = await db.prisma.datasetVersion.findUniqueOrThrow({ where: { id: r.versionId } });
    expect(row.rowCount).toBe(40 * 3);
    expect(row.mapping).toMatchObject({
      geo: "geo",
      kpiType: "units",
      valueColumn: "revenue_per_conversion",
    });
    const summary = row.summary as {
      geos: string[];
      byGeo: { geo: string; kpi: number[] }[];
      channels: { name: string; role: string }[];
    };
    expect(summary.geos).toEqual(sim.dataset.geos);
    expect(summary.byGeo[1]!.kpi[5]).toBeCloseTo(sim.dataset.kpi[1]![5]!, 1);
    expect(summary.channels.map((c) => [c.name, c.role])).toEqual([
      ["TV", "paid"],
      ["Search", "paid"],
      ["Meta", "rf"],
      ["Newsletter", "organic"],
    ]);
  });

  it("a model of it starts from the v2 mapping; v2 options save, invalid combinations name the field", async () => {
    const ds = await db.prisma.dataset.findFirstOrThrow({ where: { name: "Geo conversions" } });
    const m = await createModel(db.prisma, actor, { name: "Geo model", datasetId: ds.id });
    const first = await db.prisma.modelConfigVersion.findUniqueOrThrow({ where: { id: m.configVersionId } });
    const config = first.config as Record<string, unknown>;
    expect(config).toMatchObject({ geo: "geo", kpiType: "units", valueColumn: "revenue_per_conversion" });
    const saved = await saveModelConfig(db.prisma, actor, {
      modelId: m.id,
      config: { ...config, link: "log", timeVaryingMedia: true, holidays: { country: "DE" } },
    });
    expect(saved).toMatchObject({ ok: true, version: 2 });
    const stored = await db.prisma.modelConfigVersion.findFirstOrThrow({
      where: { modelId: m.id, version: 2 },
    });
    expect(stored.config).toMatchObject({
      geo: "geo",
      link: "log",
      timeVaryingMedia: true,
      holidays: { country: "DE" },
    });
    const channels = config.channels as Record<string, unknown>[];
    const bad = await saveModelConfig(db.prisma, actor, {
      modelId: m.id,
      config: {
        ...config,
        channels: channels.map((c) => (c.role === "organic" ? { ...c, column: "TV" } : c)),
      },
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues).toContainEqual({
      path: "channels[3].column",
      message: "an organic channel has no spend column",
    });
  });

  it("a missing (week, geo) row: the error names the geo; nothing stored", async () => {
    const lines = sim.csv.trim().split("\n");
    const broken = [lines[0], ...lines.slice(1).filter((_, i) => i !== 10)].join("\n");
    const before = await db.prisma.datasetVersion.count();
    const r = await uploadDatasetVersion(db.prisma, actor, { name: "Broken geo", csv: broken, mapping });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.some((e) => e.geo !== undefined && e.message.includes(e.geo))).toBe(true);
    expect(await db.prisma.datasetVersion.count()).toBe(before);
    expect(await db.prisma.dataset.count({ where: { name: "Broken geo" } })).toBe(0);
  });
});

describe("models and runs", () => {
  it("config edits become new versions; invalid configs report field paths", async () => {
    const m = await createModel(db.prisma, actor, { name: "Main", datasetId });
    modelId = m.id;
    const v1 = await db.prisma.modelConfigVersion.findUniqueOrThrow({ where: { id: m.configVersionId } });
    const config = v1.config as { channels: { column: string; type: string }[] };
    expect(config.channels.map((c) => c.type)).toEqual(["traditional", "social", "influencer"]);
    const same = await saveModelConfig(db.prisma, actor, {
      modelId,
      config: v1.config as Record<string, unknown>,
    });
    expect(same).toMatchObject({ ok: true, version: 1, unchanged: true });
    const edited = await saveModelConfig(db.prisma, actor, {
      modelId,
      config: { ...(v1.config as object), holdoutWeeks: 8 },
    });
    expect(edited).toMatchObject({ ok: true, version: 2, unchanged: false });
    const bad = await saveModelConfig(db.prisma, actor, {
      modelId,
      config: {
        ...(v1.config as object),
        channels: [
          {
            column: "tv_spend",
            type: "traditional",
            adstock: { kind: "geometric", priors: { alpha: { dist: "normal", mean: 0, sd: 1 } } },
          },
        ],
      },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]!.path).toBe("channels[0].adstock.priors.alpha");
  });

  it("a config that cannot fit the dataset is refused when saved, naming each field", async () => {
    const latest = await db.prisma.modelConfigVersion.findFirstOrThrow({
      where: { modelId },
      orderBy: { version: "desc" },
    });
    const base = latest.config as Record<string, unknown> & { channels: { column: string }[] };
    const bad = await saveModelConfig(db.prisma, actor, {
      modelId,
      config: {
        ...base,
        kpi: "revenue",
        controls: ["price", "weather"],
        events: ["black_friday"],
        holdoutWeeks: 500,
        liftTests: [{ channel: "tv_spend", start: "next spring", end: "2023-03-01", lift: 100, se: 10 }],
      },
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((i) => i.path)).toEqual([
      "kpi",
      "controls[1]",
      "events[0]",
      "holdoutWeeks",
      "liftTests[0].start",
    ]);
    expect(bad.issues[0]!.message).toContain('KPI column is "sales"');
    expect(bad.issues[3]!.message).toContain("at most 44");
    const outside = await saveModelConfig(db.prisma, actor, {
      modelId,
      config: {
        ...base,
        liftTests: [{ channel: "tv_spend", start: "2030-01-07", end: "2030-02-04", lift: 1, se: 1 }],
      },
    });
    expect(outside).toMatchObject({ ok: false, issues: [{ path: "liftTests[0].start" }] });
    // Nothing was saved.
    expect(await db.prisma.modelConfigVersion.count({ where: { modelId } })).toBe(latest.version);
  });

  it("start queues a run pinned to the newest versions and enqueues it; a queue failure fails the run", async () => {
    const queued: string[] = [];
    const r = await startRun(
      db.prisma,
      actor,
      { modelId, mode: "fast" },
      async (id) => (queued.push(id), "job-1"),
    );
    const run = await db.prisma.run.findUniqueOrThrow({
      where: { id: r.id },
      include: { datasetVersion: true, configVersion: true },
    });
    expect(queued).toEqual([r.id]);
    expect(run).toMatchObject({ status: "queued", mode: "fast", trigger: "manual", jobId: "job-1" });
    expect(run.datasetVersion.version).toBe(2);
    expect(run.configVersion.version).toBe(2);

    await expect(
      startRun(db.prisma, actor, { modelId, mode: "fast" }, async () => {
        throw new Error("queue down");
      }),
    ).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    const failed = await db.prisma.run.findFirstOrThrow({
      where: { modelId },
      orderBy: { queuedAt: "desc" },
    });
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain("queue down");
  });

  it("start with another model's config or dataset version names that mistake", async () => {
    const other = await createModel(db.prisma, actor, { name: "Other", datasetId });
    const foreignDataset = await uploadDatasetVersion(db.prisma, actor, {
      name: "Foreign data",
      csv: weeklyCsv(60),
      mapping: weeklyMapping,
    });
    if (!foreignDataset.ok) throw new Error("fixture");
    await expect(
      startRun(
        db.prisma,
        actor,
        { modelId, mode: "fast", configVersionId: other.configVersionId },
        async () => null,
      ),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("belongs to another model"),
    });
    await expect(
      startRun(
        db.prisma,
        actor,
        { modelId, mode: "fast", datasetVersionId: foreignDataset.versionId },
        async () => null,
      ),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("not a version of this model's dataset"),
    });
  });

  it("cancel: a queued run is cancelled at once; a running run gets a cancel request; a finished run refuses", async () => {
    const queued = await startRun(db.prisma, actor, { modelId, mode: "fast" }, async () => null);
    expect(await cancelRun(db.prisma, actor, { runId: queued.id })).toMatchObject({ status: "cancelled" });
    const running = await startRun(db.prisma, actor, { modelId, mode: "fast" }, async () => null);
    await db.prisma.run.update({
      where: { id: running.id },
      data: { status: "running", startedAt: new Date() },
    });
    expect(await cancelRun(db.prisma, actor, { runId: running.id })).toMatchObject({
      status: "running",
      cancelRequested: true,
    });
    const row = await db.prisma.run.findUniqueOrThrow({ where: { id: running.id } });
    expect(row.cancelRequestedAt).not.toBeNull();
    await expect(cancelRun(db.prisma, actor, { runId: queued.id })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });
});

describe("run history at 10,000 runs", () => {
  it("keyset pages are complete, ordered, filterable and fast", async () => {
    const m = await db.prisma.model.findUniqueOrThrow({
      where: { id: modelId },
      include: { configVersions: true, dataset: { include: { versions: true } } },
    });
    // One INSERT ... SELECT generate_series: 10,000 runs in well under a second.
    // Status cycles succeeded/failed/cancelled/succeeded; every 10th is scheduled; pairs share a
    // timestamp, to exercise the id tie-break of the keyset.
    await db.prisma.$executeRaw`
      INSERT INTO "Run" ("id", "workspaceId", "modelId", "datasetVersionId", "configVersionId", "seed", "status", "trigger", "converged", "queuedAt")
      SELECT gen_random_uuid()::text, ${actor.workspaceId}, ${modelId}, ${m.dataset.versions[0]!.id}, ${m.configVersions[0]!.id}, i + 1,
             ((ARRAY['succeeded','failed','cancelled','succeeded'])[i % 4 + 1])::"RunStatus",
             (CASE WHEN i % 10 = 0 THEN 'schedule' ELSE 'manual' END)::"RunTrigger",
             CASE WHEN i % 4 = 0 THEN true WHEN i % 4 = 3 THEN false ELSE NULL END,
             TIMESTAMP '2024-01-01 00:00:00' + (i / 2) * INTERVAL '1 minute'
        FROM generate_series(0, 9999) AS i`;
    await db.prisma.$executeRawUnsafe('ANALYZE "Run"');
    const total = await db.prisma.run.count({ where: { workspaceId: actor.workspaceId } });

    // Completeness and order, walking every page of a 1,000-run filter.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listRuns(
        db.prisma,
        actor,
        listRunsInput.parse({ trigger: "schedule", limit: 100, ...(cursor ? { cursor } : {}) }),
      );
      seen.push(...page.items.map((r) => r.id));
      for (let i = 1; i < page.items.length; i++) {
        const a = page.items[i - 1]!;
        const b = page.items[i]!;
        expect(
          a.queuedAt.getTime() > b.queuedAt.getTime() ||
            (a.queuedAt.getTime() === b.queuedAt.getTime() && a.id > b.id),
        ).toBe(true);
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen.length).toBe(1000);
    expect(new Set(seen).size).toBe(1000);

    // A page deep in the history continues exactly where the keyset cursor points (no OFFSET);
    // its speed is a benchmark matter, not asserted here.
    const ordered = await db.prisma.run.findMany({
      where: { workspaceId: actor.workspaceId },
      orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
      select: { id: true, queuedAt: true },
    });
    expect(ordered.length).toBe(total);
    const deep = ordered[9_900]!;
    const first = await listRuns(db.prisma, actor, listRunsInput.parse({ limit: 25 }));
    const deepPage = await listRuns(
      db.prisma,
      actor,
      listRunsInput.parse({ limit: 25, cursor: encodeCursor(deep.queuedAt, deep.id) }),
    );
    expect(first.items[0]!.id).toBe(ordered[0]!.id);
    expect(deepPage.items.map((r) => r.id)).toEqual(ordered.slice(9_901, 9_926).map((r) => r.id));

    const filtered = await listRuns(
      db.prisma,
      actor,
      listRunsInput.parse({ status: "succeeded", trigger: "schedule", converged: "yes", limit: 25 }),
    );
    expect(filtered.items.length).toBe(25);
    for (const r of filtered.items)
      expect(r).toMatchObject({ status: "succeeded", trigger: "schedule", converged: true });
  }, 60_000);
});
