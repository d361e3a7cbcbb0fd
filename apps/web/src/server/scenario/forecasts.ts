// Plans that keep themselves current: a scenario can follow its model's approved run. Each time a
// new run is approved (or the plan is edited) the plan is re-forecast on that run's draws and kept
// as a new ScenarioForecast version: expected KPI, KPI caused by the plan, ROI, P(beats the
// alternative) (another scenario, or the current plan: the last 13 weeks' spend repeated), and
// whether that probability crossed 1/2 against the previous version ("flipped").
//
// Approvals in the app re-forecast at once (approval.approve); an approval the worker makes by
// itself (auto-approve) is caught up the next time the scenario's history is read.
import { z } from "zod";
import {
  compareScenarios as coreCompare,
  repeatRecentWeeks,
  thinIndices,
  type MmmModel,
} from "@mixcast/core";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { scenarioPlanCodec, toCoreScenario, type ScenarioPlan } from "@mixcast/runs/stored";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest, notFound } from "../errors.ts";
import { loadPlanningPosterior, planningHorizonOf } from "../optimizer/planning-posterior.ts";
import { CURRENT_PLAN_WEEKS, PLANNING_DRAWS } from "../optimizer/run-optimizer.ts";
import { asPlanError, horizonWeeks } from "./evaluate-scenario.ts";
import { planChecksum } from "./plan-checksum.ts";

export const followScenarioInput = z.object({
  scenarioId: z.string().min(1),
  follow: z.boolean(),
  /** Measure the plan against this scenario (same model); null or absent: the current plan. */
  alternativeScenarioId: z.string().min(1).nullable().optional(),
});

export const forecastHistoryInput = z.object({ scenarioId: z.string().min(1) });

interface IntervalJson {
  mean: number;
  q05: number;
  q95: number;
}

export interface ForecastSummary {
  weeks: number;
  horizonWeeks: number;
  draws: number;
  totalSpend: number;
  kpi: IntervalJson;
  incrementalKpi: IntervalJson;
  roi: IntervalJson | null;
  /** Mean contribution per channel (what moved between versions). */
  channels: Record<string, number>;
  alternative: { label: string; kpi: IntervalJson; totalSpend: number };
}

const iv = (i: { mean: number; q05: number; q95: number }): IntervalJson => ({
  mean: i.mean,
  q05: i.q05,
  q95: i.q95,
});

/** Did P(beats the alternative) cross 1/2 between two versions (the plan stopped / started winning)? */
export function probabilityFlipped(previous: number | null | undefined, next: number | null): boolean {
  if (previous === null || previous === undefined || next === null) return false;
  return previous >= 0.5 !== next >= 0.5;
}

type ScenarioRow = {
  id: string;
  name: string;
  modelId: string;
  runId: string;
  plan: Prisma.JsonValue;
  followApproved: boolean;
  alternativeScenarioId: string | null;
  model: { approvedRunId: string | null };
};

const scenarioSelect = {
  id: true,
  name: true,
  modelId: true,
  runId: true,
  plan: true,
  followApproved: true,
  alternativeScenarioId: true,
  model: { select: { approvedRunId: true } },
} as const;

async function alternativeOf(
  db: PrismaClient,
  actor: Actor,
  s: ScenarioRow,
): Promise<{ label: string; plan: ScenarioPlan | null }> {
  if (!s.alternativeScenarioId) return { label: "Current plan (last 13 weeks repeated)", plan: null };
  const alt = await db.scenario.findFirst({
    where: { id: s.alternativeScenarioId, workspaceId: actor.workspaceId, modelId: s.modelId },
    select: { name: true, plan: true },
  });
  if (!alt) return { label: "Current plan (last 13 weeks repeated)", plan: null };
  return { label: alt.name, plan: scenarioPlanCodec.decode(alt.plan) };
}

/** Forecasts the scenario on `runId` and stores it as the next version (no-op when that run and
 *  plan already have one). Returns the version row. */
async function forecastOn(db: PrismaClient, actor: Actor, s: ScenarioRow, runId: string) {
  const plan = scenarioPlanCodec.decode(s.plan);
  const alt = await alternativeOf(db, actor, s);
  const posterior = await loadPlanningPosterior(db, actor, runId);
  // the current plan: each plan line's last 13 weeks repeated (v2: the lines of the plan's geo choice)
  const current =
    posterior.version === 1
      ? (posterior.model as MmmModel).spec.channels.map((c) => ({ name: c.name, history: c.spend }))
      : planningHorizonOf(posterior, 1, Int32Array.of(0), plan.planning).lines;
  const altPlan: ScenarioPlan = alt.plan ?? {
    weeks: plan.weeks,
    spend: Object.fromEntries(
      current.map((c) => [c.name, repeatRecentWeeks(c.history, CURRENT_PLAN_WEEKS, plan.weeks)]),
    ),
    assumptions: [],
    origin: { kind: "lastQuarter", k: 1 },
    ...(plan.planning ? { planning: plan.planning } : {}),
  };
  const checksum = planChecksum(plan, {
    draws: PLANNING_DRAWS,
    tail: "adstockLags",
    alternative: planChecksum(altPlan, {}),
  });
  const existing = await db.scenarioForecast.findUnique({
    where: { scenarioId_runId_planChecksum: { scenarioId: s.id, runId, planChecksum: checksum } },
  });
  if (existing) return existing;

  const H = horizonWeeks(posterior, Math.max(plan.weeks, altPlan.weeks));
  let cmp;
  try {
    const resp = planningHorizonOf(
      posterior,
      H,
      thinIndices(posterior.draws.draws, PLANNING_DRAWS),
      plan.planning,
    );
    cmp = coreCompare(resp, [toCoreScenario("plan", plan), toCoreScenario("alternative", altPlan)]);
  } catch (error) {
    return asPlanError(error);
  }
  const mine = cmp.scenarios[0]!;
  const other = cmp.scenarios[1]!;
  const probability = cmp.pairs[0]!.probabilityABeatsB;
  const summary: ForecastSummary = {
    weeks: plan.weeks,
    horizonWeeks: mine.horizonWeeks,
    draws: mine.draws,
    totalSpend: mine.totalSpend,
    kpi: iv(mine.kpi),
    incrementalKpi: iv(mine.incrementalKpi),
    roi: mine.roi ? iv(mine.roi) : null,
    channels: Object.fromEntries(Object.entries(mine.channels).map(([c, v]) => [c, v.contribution.mean])),
    alternative: { label: alt.label, kpi: iv(other.kpi), totalSpend: other.totalSpend },
  };

  return db.$transaction(async (tx) => {
    // One writer per scenario: versions are numbered without gaps or duplicates.
    await tx.$queryRaw`SELECT id FROM "Scenario" WHERE id = ${s.id} FOR UPDATE`;
    const again = await tx.scenarioForecast.findUnique({
      where: { scenarioId_runId_planChecksum: { scenarioId: s.id, runId, planChecksum: checksum } },
    });
    if (again) return again;
    const previous = await tx.scenarioForecast.findFirst({
      where: { scenarioId: s.id },
      orderBy: { version: "desc" },
    });
    const reason = !previous ? "follow" : previous.runId === runId ? "plan" : "approved";
    const flipped = probabilityFlipped(previous?.probabilityBeatsAlternative, probability);
    const row = await tx.scenarioForecast.create({
      data: {
        workspaceId: actor.workspaceId,
        scenarioId: s.id,
        version: (previous?.version ?? 0) + 1,
        runId,
        planChecksum: checksum,
        reason,
        summary: summary as unknown as Prisma.InputJsonValue,
        probabilityBeatsAlternative: probability,
        flipped,
      },
    });
    if (s.runId !== runId) await tx.scenario.update({ where: { id: s.id }, data: { runId } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      // The re-forecast follows an approval (or a read that caught one up): the system did it.
      actorId: null,
      actorKind: "system",
      action: "scenario.reforecast",
      targetType: "scenario",
      targetId: s.id,
      details: {
        version: row.version,
        runId,
        reason,
        probabilityBeatsAlternative: probability,
        flipped,
        triggeredBy: actor.userId,
      },
    });
    return row;
  });
}

/** The run a following scenario should be forecast on: the model's approved run, else its own. */
const targetRun = (s: ScenarioRow) => s.model.approvedRunId ?? s.runId;

/** Brings a following scenario's forecast up to date (new approved run or edited plan). */
export async function syncScenarioForecast(db: PrismaClient, actor: Actor, scenarioId: string) {
  const s = await db.scenario.findFirst({
    where: { id: scenarioId, workspaceId: actor.workspaceId },
    select: scenarioSelect,
  });
  if (!s) throw notFound("That scenario");
  if (!s.followApproved) return null;
  return forecastOn(db, actor, s, targetRun(s));
}

/** After a run of `modelId` is approved: re-forecast every scenario that follows the model.
 *  A scenario whose plan no longer fits the new run is skipped (its history says so when read). */
export async function reforecastFollowers(db: PrismaClient, actor: Actor, modelId: string) {
  const followers = await db.scenario.findMany({
    where: { workspaceId: actor.workspaceId, modelId, followApproved: true },
    select: scenarioSelect,
  });
  const out: { scenarioId: string; version: number | null; error?: string }[] = [];
  for (const s of followers) {
    try {
      const row = await forecastOn(db, actor, s, targetRun(s));
      out.push({ scenarioId: s.id, version: row.version });
    } catch (error) {
      out.push({
        scenarioId: s.id,
        version: null,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return out;
}

export async function followScenario(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof followScenarioInput>,
) {
  const s = await db.scenario.findFirst({
    where: { id: input.scenarioId, workspaceId: actor.workspaceId },
    select: { id: true, modelId: true },
  });
  if (!s) throw notFound("That scenario");
  if (input.alternativeScenarioId) {
    if (input.alternativeScenarioId === s.id) throw badRequest("A plan cannot be its own alternative.");
    const alt = await db.scenario.findFirst({
      where: { id: input.alternativeScenarioId, workspaceId: actor.workspaceId },
      select: { modelId: true },
    });
    if (!alt) throw notFound("The alternative scenario");
    if (alt.modelId !== s.modelId) throw badRequest("The alternative must be a scenario of the same model.");
  }
  await db.$transaction(async (tx) => {
    await tx.scenario.update({
      where: { id: s.id },
      data: {
        followApproved: input.follow,
        ...(input.alternativeScenarioId !== undefined
          ? { alternativeScenarioId: input.alternativeScenarioId }
          : {}),
      },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: input.follow ? "scenario.follow" : "scenario.unfollow",
      targetType: "scenario",
      targetId: s.id,
      details: { alternativeScenarioId: input.alternativeScenarioId ?? null },
    });
  });
  const forecast = input.follow ? await syncScenarioForecast(db, actor, s.id) : null;
  return { scenarioId: s.id, follow: input.follow, version: forecast?.version ?? null };
}

export interface ForecastVersionView {
  version: number;
  reason: string;
  computedAt: Date;
  run: { id: string; finishedAt: Date | null; datasetVersion: number; configVersion: number };
  approval: { at: Date; by: string; note: string | null } | null;
  summary: ForecastSummary;
  probabilityBeatsAlternative: number | null;
  flipped: boolean;
  /** Why the forecast moved against the previous version, in plain words. */
  why: string[];
}

/** Plain-words reasons a forecast moved: new data, a new config, the channels that moved most. */
export function explainForecastChange(
  prev: { summary: ForecastSummary; run: { datasetVersion: number; configVersion: number } } | null,
  cur: { summary: ForecastSummary; reason: string; run: { datasetVersion: number; configVersion: number } },
  kpiName: string,
): string[] {
  if (!prev) return ["First forecast of this plan."];
  const out: string[] = [];
  if (cur.reason === "plan") out.push("The plan was edited.");
  if (cur.run.datasetVersion !== prev.run.datasetVersion)
    out.push(`New data: dataset version ${prev.run.datasetVersion} -> ${cur.run.datasetVersion}.`);
  if (cur.run.configVersion !== prev.run.configVersion)
    out.push(`Model settings changed: config version ${prev.run.configVersion} -> ${cur.run.configVersion}.`);
  const delta = cur.summary.incrementalKpi.mean - prev.summary.incrementalKpi.mean;
  const moves = Object.entries(cur.summary.channels)
    .map(([c, v]) => ({ c, d: v - (prev.summary.channels[c] ?? 0) }))
    .sort((a, b) => Math.abs(b.d) - Math.abs(a.d))
    .slice(0, 2)
    .filter((m) => Math.abs(m.d) > 0.05 * Math.abs(delta) && m.d !== 0);
  const fmt = (v: number) => `${v >= 0 ? "+" : "-"}${Math.abs(Math.round(v)).toLocaleString("en-US")}`;
  out.push(
    `${kpiName} caused by the plan ${fmt(delta)}${moves.length ? `, mostly ${moves.map((m) => `${m.c} ${fmt(m.d)}`).join(" and ")}` : ""}.`,
  );
  return out;
}

export async function forecastHistory(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof forecastHistoryInput>,
) {
  const s = await db.scenario.findFirst({
    where: { id: input.scenarioId, workspaceId: actor.workspaceId },
    select: { ...scenarioSelect, alternativeScenarioId: true },
  });
  if (!s) throw notFound("That scenario");
  let syncError: string | null = null;
  if (s.followApproved) {
    try {
      await forecastOn(db, actor, s, targetRun(s));
    } catch (error) {
      syncError = error instanceof Error ? error.message : String(error);
    }
  }
  const rows = await db.scenarioForecast.findMany({
    where: { scenarioId: s.id, workspaceId: actor.workspaceId },
    orderBy: { version: "asc" },
  });
  const runIds = [...new Set(rows.map((r) => r.runId))];
  const [runs, approvals] = await Promise.all([
    db.run.findMany({
      where: { id: { in: runIds }, workspaceId: actor.workspaceId },
      select: {
        id: true,
        finishedAt: true,
        datasetVersion: { select: { version: true } },
        configVersion: { select: { version: true, config: true } },
      },
    }),
    db.runApproval.findMany({
      where: { runId: { in: runIds }, workspaceId: actor.workspaceId },
      orderBy: { at: "desc" },
    }),
  ]);
  const users = await db.user.findMany({
    where: { id: { in: approvals.map((a) => a.approvedById).filter((x): x is string => !!x) } },
    select: { id: true, name: true },
  });
  const userName = new Map(users.map((u) => [u.id, u.name]));
  const runOf = new Map(runs.map((r) => [r.id, r]));
  const kpiRaw = (runs[0]?.configVersion.config as { kpi?: unknown } | undefined)?.kpi;
  const kpiName = typeof kpiRaw === "string" ? kpiRaw : "KPI";
  const versions: ForecastVersionView[] = [];
  for (const r of rows) {
    const run = runOf.get(r.runId);
    const approval = approvals.find((a) => a.runId === r.runId);
    const view = {
      version: r.version,
      reason: r.reason,
      computedAt: r.computedAt,
      run: {
        id: r.runId,
        finishedAt: run?.finishedAt ?? null,
        datasetVersion: run?.datasetVersion.version ?? 0,
        configVersion: run?.configVersion.version ?? 0,
      },
      approval: approval
        ? {
            at: approval.at,
            by: approval.approvedById
              ? (userName.get(approval.approvedById) ?? "a former member")
              : "auto-approve",
            note: approval.note,
          }
        : null,
      summary: r.summary as unknown as ForecastSummary,
      probabilityBeatsAlternative: r.probabilityBeatsAlternative,
      flipped: r.flipped,
      why: [] as string[],
    };
    view.why = explainForecastChange(versions[versions.length - 1] ?? null, view, kpiName);
    versions.push(view);
  }
  const latest = versions[versions.length - 1] ?? null;
  return {
    scenarioId: s.id,
    following: s.followApproved,
    alternativeScenarioId: s.alternativeScenarioId,
    kpiName,
    versions,
    /** The newest version flipped: the plan now loses (or now wins) against its alternative. */
    flippedNow: latest?.flipped ?? false,
    syncError,
  };
}
