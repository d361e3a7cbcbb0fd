// The workspace's lift-test registry (docs/model.md section 11): list, add, edit, archive, and the
// tests a run pinned beside what the model implied. Editors (analyst and up) write, viewers read.
// Runs read the registry when they start and pin what they used, so edits here never change a
// finished run.
import type { PrismaClient } from "@mixcast/db";
import { runSummaryCodec, type StoredCalibration } from "@mixcast/runs/stored";
import { z } from "zod";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest, notFound } from "../errors.ts";
import { describeCsvError, parseLiftTestCsv } from "@/lib/lift-test-csv.ts";

const isoDate = (label: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${label}: use a date like 2026-03-02.`)
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), `${label}: not a calendar date.`);

export const liftTestFieldsSchema = z.object({
  channel: z.string().trim().min(1, "Channel: name the channel as the model calls it.").max(120),
  start: isoDate("Start date"),
  end: isoDate("End date"),
  /** Geo names; empty: national. */
  geos: z.array(z.string().trim().min(1).max(120)).max(500).default([]),
  lift: z.number({ error: "Measured lift: enter a number (KPI units)." }).finite(),
  se: z.number({ error: "Standard error: enter a number." }).positive("Standard error: must be above 0."),
  spend: z
    .number({ error: "Spend during the test: enter a number." })
    .positive("Spend during the test: must be above 0 (it sets the test's weight)."),
  source: z.string().trim().max(200).optional(),
  notes: z.string().trim().max(2000).optional(),
});
export type LiftTestFields = z.infer<typeof liftTestFieldsSchema>;

export const createLiftTestInput = liftTestFieldsSchema;
export const updateLiftTestInput = liftTestFieldsSchema.extend({ liftTestId: z.string().min(1) });
export const archiveLiftTestInput = z.object({
  liftTestId: z.string().min(1),
  archived: z.boolean().default(true),
});

function checkDates(f: { start: string; end: string }): void {
  if (f.end < f.start) throw badRequest("End date: must not be before the start date.");
}

const rowSelect = {
  id: true,
  channel: true,
  startDate: true,
  endDate: true,
  geos: true,
  lift: true,
  se: true,
  spend: true,
  source: true,
  notes: true,
  createdAt: true,
  updatedAt: true,
  archivedAt: true,
  createdBy: { select: { name: true } },
  _count: { select: { runs: true } },
} as const;

export async function listLiftTests(
  db: PrismaClient,
  actor: Actor,
  opts: { includeArchived?: boolean } = {},
) {
  const rows = await db.liftTest.findMany({
    where: { workspaceId: actor.workspaceId, ...(opts.includeArchived ? {} : { archivedAt: null }) },
    orderBy: [{ channel: "asc" }, { endDate: "desc" }, { id: "asc" }],
    select: rowSelect,
  });
  return rows.map(({ _count, createdBy, ...r }) => ({
    ...r,
    createdBy: createdBy?.name ?? null,
    runs: _count.runs,
  }));
}

const dataOf = (f: LiftTestFields) => ({
  channel: f.channel,
  startDate: f.start,
  endDate: f.end,
  geos: f.geos,
  lift: f.lift,
  se: f.se,
  spend: f.spend,
  source: f.source ?? null,
  notes: f.notes ?? null,
});

export async function createLiftTest(db: PrismaClient, actor: Actor, input: LiftTestFields) {
  checkDates(input);
  return db.$transaction(async (tx) => {
    const row = await tx.liftTest.create({
      data: { workspaceId: actor.workspaceId, createdById: actor.userId, ...dataOf(input) },
      select: { id: true },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "liftTest.create",
      targetType: "liftTest",
      targetId: row.id,
      details: { channel: input.channel, start: input.start, end: input.end, lift: input.lift, se: input.se },
    });
    return row;
  });
}

export async function updateLiftTest(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof updateLiftTestInput>,
) {
  checkDates(input);
  return db.$transaction(async (tx) => {
    const { count } = await tx.liftTest.updateMany({
      where: { id: input.liftTestId, workspaceId: actor.workspaceId },
      data: dataOf(input),
    });
    if (count === 0) throw notFound("That lift test");
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "liftTest.update",
      targetType: "liftTest",
      targetId: input.liftTestId,
      details: { channel: input.channel, start: input.start, end: input.end, lift: input.lift, se: input.se },
    });
    return { id: input.liftTestId };
  });
}

export async function archiveLiftTest(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof archiveLiftTestInput>,
) {
  return db.$transaction(async (tx) => {
    const { count } = await tx.liftTest.updateMany({
      where: { id: input.liftTestId, workspaceId: actor.workspaceId },
      data: { archivedAt: input.archived ? new Date() : null },
    });
    if (count === 0) throw notFound("That lift test");
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: input.archived ? "liftTest.archive" : "liftTest.restore",
      targetType: "liftTest",
      targetId: input.liftTestId,
    });
    return { id: input.liftTestId, archived: input.archived };
  });
}

/** A run's pinned tests with the model's implied lift and the channels' calibration scores. */
export async function runLiftTests(db: PrismaClient, actor: Actor, runId: string) {
  const run = await db.run.findFirst({
    where: { id: runId, workspaceId: actor.workspaceId },
    select: { id: true, summary: true },
  });
  if (!run) throw notFound("That run");
  const pins = await db.runLiftTest.findMany({
    where: { runId: run.id },
    orderBy: [{ channel: "asc" }, { endDate: "desc" }],
  });
  let calibration: StoredCalibration | null;
  try {
    calibration = runSummaryCodec.decodeNullable(run.summary)?.calibration ?? null;
  } catch {
    calibration = null;
  }
  const byId = new Map((calibration?.tests ?? []).map((t) => [t.id, t]));
  return {
    tests: pins.map((p) => {
      const model = byId.get(p.liftTestId ?? p.id);
      return {
        id: p.id,
        liftTestId: p.liftTestId,
        channel: p.channel,
        start: p.startDate,
        end: p.endDate,
        geos: p.geos,
        lift: p.lift,
        se: p.se,
        effectiveSe: p.effectiveSe,
        weight: p.weight,
        used: p.used,
        excludedReason: p.excludedReason,
        implied: model?.implied ?? null,
        z: model?.z ?? null,
      };
    }),
    channels: calibration?.channels ?? [],
    settings: calibration
      ? { halfLifeWeeks: calibration.halfLifeWeeks, spendScale: calibration.spendScale }
      : null,
  };
}

export const importLiftTestsInput = z.object({
  csv: z.string().max(2_000_000, "The file is larger than 2 MB: split it."),
  /** Check and preview only: nothing is stored. */
  dryRun: z.boolean().default(false),
});

/**
 * Imports lift tests from a CSV (lib/lift-test-csv.ts): every row is checked, and a test already
 * in the registry (same channel, dates, geos, lift and se, not archived) is a problem too, so that
 * importing a file twice does not count its evidence twice. With any problem nothing is stored: a
 * dry run returns the problems (row and column each), an import refuses with them. Otherwise all
 * rows are stored in one transaction with one audit event.
 */
export async function importLiftTests(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof importLiftTestsInput>,
) {
  const { rows, errors } = parseLiftTestCsv(input.csv);
  if (rows.length > 0) {
    const existing = await db.liftTest.findMany({
      where: {
        workspaceId: actor.workspaceId,
        archivedAt: null,
        channel: { in: [...new Set(rows.map((r) => r.channel))] },
      },
      select: { channel: true, startDate: true, endDate: true, geos: true, lift: true, se: true },
    });
    const key = (t: {
      channel: string;
      start: string;
      end: string;
      geos: string[];
      lift: number;
      se: number;
    }) => [t.channel, t.start, t.end, [...t.geos].sort().join("|"), t.lift, t.se].join("\u0000");
    const have = new Set(existing.map((e) => key({ ...e, start: e.startDate, end: e.endDate })));
    for (const r of rows)
      if (have.has(key(r)))
        errors.push({
          row: r.row,
          column: null,
          message: `the same test (${r.channel}, ${r.start} to ${r.end}, lift ${r.lift}) is already in the registry`,
        });
    errors.sort((a, b) => a.row - b.row);
  }
  const bad = new Set(errors.map((e) => e.row));
  const preview = rows.map((r) => ({ ...r, ok: !bad.has(r.row) }));
  if (input.dryRun || errors.length > 0) {
    if (!input.dryRun) {
      const shown = errors.slice(0, 5).map(describeCsvError).join("; ");
      throw badRequest(
        `Nothing was imported: the file has ${errors.length} problem${errors.length === 1 ? "" : "s"}. ${shown}${
          errors.length > 5 ? `; and ${errors.length - 5} more.` : "."
        }`,
      );
    }
    return { rows: preview, errors, imported: 0, ids: [] as string[] };
  }
  const ids = await db.$transaction(async (tx) => {
    const created: string[] = [];
    for (const r of rows) {
      const { row: _row, ...fields } = r;
      const t = await tx.liftTest.create({
        data: { workspaceId: actor.workspaceId, createdById: actor.userId, ...dataOf({ ...fields }) },
        select: { id: true },
      });
      created.push(t.id);
    }
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "liftTest.import",
      targetType: "liftTest",
      details: {
        count: created.length,
        ids: created,
        channels: [...new Set(rows.map((r) => r.channel))],
      },
    });
    return created;
  });
  return { rows: preview, errors, imported: ids.length, ids };
}
