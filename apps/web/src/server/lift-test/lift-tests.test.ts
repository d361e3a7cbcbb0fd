// The lift-test registry through the tRPC procedures, on real PostgreSQL: editors add, edit and
// archive, viewers read, non-members neither read nor write (not even by a test's id), errors
// name the field, and a run's pinned tests come back with the model's implied lift.
import { TRPCError } from "@trpc/server";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, createUser, weeklyCsv, weeklyMapping } from "../../../test/fixtures.ts";
import { uploadDatasetVersion } from "../dataset/upload-dataset-version.ts";
import { createModel } from "../model/create-model.ts";
import { createCaller } from "../root.ts";
import type { Context } from "../trpc.ts";

let db: TestDatabase;
const users: Record<
  "owner" | "analyst" | "viewer" | "stranger",
  { id: string; email: string; name: string }
> = {} as never;
let workspaceId: string;

const api = (who: keyof typeof users) =>
  createCaller({
    prisma: db.prisma,
    user: users[who],
    enqueueFitRun: () => Promise.resolve(),
    baseUrl: "http://mixcast.test",
  } as unknown as Context);

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected the call to fail");
}

const tv = { channel: "tv_spend", start: "2024-03-04", end: "2024-03-25", lift: 1200, se: 300, spend: 40000 };

beforeAll(async () => {
  db = await createTestDatabase();
  for (const who of ["owner", "analyst", "viewer", "stranger"] as const) {
    const u = await createUser(db.prisma, `${who} user`);
    users[who] = { id: u.id, email: u.email, name: u.name };
  }
  workspaceId = (await api("owner").workspace.create({ name: "Lift Co" })).id;
  await addMember(db.prisma, workspaceId, users.analyst.id, "analyst");
  await addMember(db.prisma, workspaceId, users.viewer.id, "viewer");
  await api("stranger").workspace.create({ name: "Elsewhere" });
});

afterAll(async () => {
  await db?.drop();
});

describe("liftTest procedures", () => {
  it("an analyst adds, edits and archives; a viewer reads; every change is audited", async () => {
    const { id } = await api("analyst").liftTest.create({
      workspaceId,
      ...tv,
      geos: ["north"],
      source: "geo holdout",
    });
    const list = await api("viewer").liftTest.list({ workspaceId });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id,
      channel: "tv_spend",
      startDate: "2024-03-04",
      geos: ["north"],
      lift: 1200,
      runs: 0,
    });
    expect(list[0]!.createdBy).toBe("analyst user");
    await api("analyst").liftTest.update({ workspaceId, liftTestId: id, ...tv, lift: 1500 });
    expect((await api("viewer").liftTest.list({ workspaceId }))[0]).toMatchObject({ lift: 1500, geos: [] });
    await api("analyst").liftTest.archive({ workspaceId, liftTestId: id, archived: true });
    expect(await api("viewer").liftTest.list({ workspaceId })).toEqual([]);
    expect(await api("viewer").liftTest.list({ workspaceId, includeArchived: true })).toHaveLength(1);
    const audit = await db.prisma.auditEvent.findMany({ where: { targetId: id }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["liftTest.create", "liftTest.update", "liftTest.archive"]);
  });

  it("viewers cannot write; non-members can neither read nor write, not even by id", async () => {
    const { id } = await api("owner").liftTest.create({ workspaceId, ...tv });
    expect((await failure(api("viewer").liftTest.create({ workspaceId, ...tv }))).code).toBe("FORBIDDEN");
    expect((await failure(api("stranger").liftTest.list({ workspaceId }))).code).toBe("FORBIDDEN");
    expect((await failure(api("stranger").liftTest.create({ workspaceId, ...tv }))).code).toBe("FORBIDDEN");
    expect(
      (await failure(api("stranger").liftTest.archive({ workspaceId, liftTestId: id, archived: true }))).code,
    ).toBe("FORBIDDEN");
    // through the stranger's own workspace, the test is not there
    const own = (await api("stranger").workspace.list()).find((w) => w.name === "Elsewhere")!;
    const moved = await failure(
      api("stranger").liftTest.update({ workspaceId: own.id, liftTestId: id, ...tv, lift: 1 }),
    );
    expect(moved.code).toBe("NOT_FOUND");
    expect(await db.prisma.liftTest.findUniqueOrThrow({ where: { id } })).toMatchObject({
      lift: 1200,
      archivedAt: null,
    });
  });

  it("errors name the field", async () => {
    const end = await failure(api("analyst").liftTest.create({ workspaceId, ...tv, end: "2024-03-01" }));
    expect(end).toMatchObject({
      code: "BAD_REQUEST",
      message: "End date: must not be before the start date.",
    });
    const se = await failure(api("analyst").liftTest.create({ workspaceId, ...tv, se: 0 }));
    expect(se.code).toBe("BAD_REQUEST");
    expect(se.message).toContain("Standard error: must be above 0.");
    const date = await failure(api("analyst").liftTest.create({ workspaceId, ...tv, start: "March 4" }));
    expect(date.message).toContain("Start date: use a date like 2026-03-02.");
  });

  it("a run's pinned tests come back with the model's implied lift and the channel's score", async () => {
    const actor = { userId: users.owner.id, workspaceId, role: "owner" as const };
    const upload = await uploadDatasetVersion(db.prisma, actor, {
      name: "Weekly sales",
      csv: weeklyCsv(),
      mapping: weeklyMapping,
      fileName: "sales.csv",
    });
    if (!upload.ok) throw new Error("fixture CSV rejected");
    const model = await createModel(db.prisma, actor, { name: "Main", datasetId: upload.datasetId });
    const { id } = await api("owner").liftTest.create({ workspaceId, ...tv });
    const implied = { mean: 1100, sd: 150, q05: 860, q50: 1100, q95: 1350 };
    const run = await db.prisma.run.create({
      data: {
        workspaceId,
        modelId: model.id,
        datasetVersionId: upload.versionId,
        configVersionId: model.configVersionId,
        seed: 1,
        status: "succeeded",
        summary: {
          calibration: {
            halfLifeWeeks: 52,
            spendScale: 1,
            tests: [{ id, channel: "tv_spend", lift: 1200, se: 350, implied, z: 0.26 }],
            channels: [{ channel: "tv_spend", tests: 1, share: 0.18, shift: 0.3, widthRatio: 0.9 }],
          },
        },
      },
    });
    await db.prisma.runLiftTest.create({
      data: {
        workspaceId,
        runId: run.id,
        liftTestId: id,
        channel: "tv_spend",
        startDate: tv.start,
        endDate: tv.end,
        lift: 1200,
        se: 300,
        spend: 40000,
        weight: 0.73,
        effectiveSe: 350,
        used: true,
        details: {},
      },
    });
    // a later edit of the registry does not change what the run shows
    await api("owner").liftTest.update({ workspaceId, liftTestId: id, ...tv, lift: 9999 });
    const view = await api("viewer").liftTest.forRun({ workspaceId, runId: run.id });
    expect(view.tests).toHaveLength(1);
    expect(view.tests[0]).toMatchObject({ lift: 1200, weight: 0.73, effectiveSe: 350, used: true, implied });
    expect(view.channels[0]).toMatchObject({ channel: "tv_spend", share: 0.18, shift: 0.3 });
    expect((await failure(api("stranger").liftTest.forRun({ workspaceId, runId: run.id }))).code).toBe(
      "FORBIDDEN",
    );
  });
});

describe("liftTest.importCsv", () => {
  const header = "channel,start,end,geos,lift,se,spend,source";
  const good = [
    header,
    "search,2025-01-06,2025-02-02,,800,200,12000,on/off",
    'radio,2025-02-03,2025-03-02,"north;south",450,150,9000,geo holdout',
    "search,2025-04-07,2025-05-04,west,500,120,11000,",
  ].join("\n");
  const countOf = (channel: string) => db.prisma.liftTest.count({ where: { workspaceId, channel } });

  it("a dry run previews every row and stores nothing; the import stores all of them, audited once", async () => {
    const preview = await api("analyst").liftTest.importCsv({ workspaceId, csv: good, dryRun: true });
    expect(preview.errors).toEqual([]);
    expect(preview.imported).toBe(0);
    expect(preview.rows.map((r) => [r.row, r.channel, r.geos, r.ok])).toEqual([
      [2, "search", [], true],
      [3, "radio", ["north", "south"], true],
      [4, "search", ["west"], true],
    ]);
    expect(await countOf("search")).toBe(0);

    const done = await api("analyst").liftTest.importCsv({ workspaceId, csv: good });
    expect(done.imported).toBe(3);
    const list = await api("viewer").liftTest.list({ workspaceId });
    const radio = list.find((t) => t.channel === "radio")!;
    expect(radio).toMatchObject({
      startDate: "2025-02-03",
      endDate: "2025-03-02",
      geos: ["north", "south"],
      lift: 450,
      se: 150,
      spend: 9000,
      source: "geo holdout",
      createdBy: "analyst user",
    });
    expect(list.filter((t) => t.channel === "search").map((t) => t.source)).toEqual([null, "on/off"]);
    const audit = await db.prisma.auditEvent.findMany({ where: { workspaceId, action: "liftTest.import" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ count: 3, channels: ["search", "radio"] });
    expect(new Set((audit[0]!.details as { ids: string[] }).ids)).toEqual(new Set(done.ids));

    // the same file again: every row is already there, nothing is added
    const again = await api("analyst").liftTest.importCsv({ workspaceId, csv: good, dryRun: true });
    expect(again.errors.map((e) => e.row)).toEqual([2, 3, 4]);
    expect(again.errors[0]!.message).toContain("already in the registry");
    const refused = await failure(api("analyst").liftTest.importCsv({ workspaceId, csv: good }));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toMatch(/^Nothing was imported: the file has 3 problems\. Row 2: the same test/);
    expect(await countOf("search")).toBe(2);
  });

  it("one bad row: every problem named by row and column, and nothing stored", async () => {
    const csv = [
      header,
      "tiktok,2025-06-02,2025-06-29,,300,90,5000,",
      "tiktok,2025-07-07,2025-06-29,,abc,0,5000,",
    ].join("\n");
    const dry = await api("analyst").liftTest.importCsv({ workspaceId, csv, dryRun: true });
    expect(dry.errors.map((e) => [e.row, e.column])).toEqual([
      [3, "end"],
      [3, "lift"],
      [3, "se"],
    ]);
    expect(dry.rows.map((r) => [r.row, r.ok])).toEqual([[2, true]]);
    const refused = await failure(api("analyst").liftTest.importCsv({ workspaceId, csv }));
    expect(refused).toMatchObject({ code: "BAD_REQUEST" });
    expect(refused.message).toContain("Row 3, column end: 2025-06-29 is before the start date 2025-07-07");
    expect(refused.message).toContain('Row 3, column lift: "abc" is not a number');
    expect(await countOf("tiktok")).toBe(0);
  });

  it("all or nothing when the database refuses a row part-way: the rows before it are rolled back", async () => {
    // PostgreSQL refuses a NUL byte in text; the parser lets it through, the insert of row 3 fails
    const csv = [
      header,
      "podcast,2025-08-04,2025-08-31,,100,30,2000,",
      "podcast,2025-09-01,2025-09-28,,100,30,2000,a\u0000b",
    ].join("\n");
    await expect(api("analyst").liftTest.importCsv({ workspaceId, csv })).rejects.toBeDefined();
    expect(await countOf("podcast")).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { workspaceId, action: "liftTest.import" } })).toBe(1);
  });

  it("viewers and non-members cannot import", async () => {
    const csv = [header, "cinema,2025-10-06,2025-11-02,,100,30,2000,"].join("\n");
    expect((await failure(api("viewer").liftTest.importCsv({ workspaceId, csv }))).code).toBe("FORBIDDEN");
    expect((await failure(api("stranger").liftTest.importCsv({ workspaceId, csv }))).code).toBe("FORBIDDEN");
    expect(await countOf("cinema")).toBe(0);
  });
});
