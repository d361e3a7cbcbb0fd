// The lift tests a run used (docs/model.md section 11.1). When a run starts, the worker reads the
// workspace's active tests of the model's channels (or, for a run that already pinned them, its
// pins: a retried run or a chain job fits with the same tests), weighs them against the data
// (core's weighRegistryLiftTests; the weights depend only on the data and the test values, so
// every reader gets the same numbers) and pins them here, once per run.
import type { PinnedLiftTest, RegistryLiftTest } from "@mixcast/core";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { jsonSafe } from "./stored/codec.ts";

/** The tests a run pinned, with their values as used (a chain job fits with these). */
export async function pinnedLiftTestsOf(prisma: PrismaClient, runId: string): Promise<RegistryLiftTest[]> {
  const pins = await prisma.runLiftTest.findMany({
    where: { runId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return pins.map((p) => ({
    id: p.liftTestId ?? p.id,
    channel: p.channel,
    start: p.startDate,
    end: p.endDate,
    geos: p.geos,
    lift: p.lift,
    se: p.se,
    spend: p.spend,
  }));
}

/** The tests a run fits with: its pins when it has them, else the registry's active tests. */
export async function liftTestsForRun(
  prisma: PrismaClient,
  run: { id: string; workspaceId: string },
  channels: readonly string[],
): Promise<{ tests: RegistryLiftTest[]; pinned: boolean }> {
  const pins = await pinnedLiftTestsOf(prisma, run.id);
  if (pins.length > 0) return { pinned: true, tests: pins };
  const rows = await prisma.liftTest.findMany({
    where: { workspaceId: run.workspaceId, archivedAt: null, channel: { in: [...channels] } },
    orderBy: [{ channel: "asc" }, { startDate: "asc" }, { id: "asc" }],
  });
  return {
    pinned: false,
    tests: rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      start: r.startDate,
      end: r.endDate,
      geos: r.geos,
      lift: r.lift,
      se: r.se,
      spend: r.spend,
    })),
  };
}

/**
 * Pins a run's weighed tests (values as used, weight, effective se, used or why not). A run that
 * already has pins keeps them (first writer wins). Returns the number of rows written.
 */
export async function pinRunLiftTests(
  prisma: PrismaClient,
  run: { id: string; workspaceId: string },
  pinned: readonly PinnedLiftTest[],
  settings: { halfLifeWeeks: number; spendScale: number },
): Promise<number> {
  if (pinned.length === 0) return 0;
  return prisma.$transaction(async (tx) => {
    const existing = await tx.runLiftTest.count({ where: { runId: run.id } });
    if (existing > 0) return 0;
    const ids = new Set(
      (
        await tx.liftTest.findMany({
          where: { id: { in: pinned.map((p) => p.id) }, workspaceId: run.workspaceId },
          select: { id: true },
        })
      ).map((r) => r.id),
    );
    const { count } = await tx.runLiftTest.createMany({
      data: pinned.map((p) => ({
        workspaceId: run.workspaceId,
        runId: run.id,
        liftTestId: ids.has(p.id) ? p.id : null,
        channel: p.channel,
        startDate: p.start,
        endDate: p.end,
        geos: [...(p.geos ?? [])],
        lift: p.lift,
        se: p.se,
        spend: p.spend,
        weight: p.weight,
        effectiveSe: Number.isFinite(p.effectiveSe) ? p.effectiveSe : null,
        used: p.used,
        excludedReason: p.excludedReason ?? null,
        details: jsonSafe({
          ageWeeks: p.ageWeeks,
          ageFactor: p.ageFactor,
          spendRatio: p.spendRatio,
          spendFactor: p.spendFactor,
          weeks: p.weeks,
          spendPerWeek: p.spendPerWeek,
          recentSpendPerWeek: p.recentSpendPerWeek,
          ...settings,
        }) as Prisma.InputJsonValue,
      })),
    });
    return count;
  });
}
