// The demo workspace's campaigns and their two scenarios each, seeded by `pnpm start` next to the
// demo models' first fits, so a first-time user finds a scenario comparison ready on the Campaigns
// page instead of an empty list: "Next quarter" on the national model, "Next quarter by state" on
// the geo model. Plans are Scenario.plan's one shape (weekly spend per plan line in the dataset's
// currency, labelled assumptions, origin), encoded by its codec when stored.
import type { Dataset, DatasetV2 } from "@mixcast/core";
import { repeatRecentWeeks } from "@mixcast/core";
import type { ScenarioPlan } from "@mixcast/runs/stored";

export const DEMO_PLAN_WEEKS = 13;

/** The one plan shape (@mixcast/runs/stored): what apps/web stores in Scenario.plan. */
export type DemoPlan = ScenarioPlan;
export type DemoAssumption = ScenarioPlan["assumptions"][number];

export interface DemoScenario {
  name: string;
  description: string;
  plan: DemoPlan;
}

export interface DemoCampaign {
  name: string;
  description: string;
  /** Planned total budget: the last quarter's total spend. */
  budget: number;
  scenarios: DemoScenario[];
}

const cents = (x: number): number => Math.round(x * 100) / 100;

/** The last `weeks` data weeks' spend per channel (the web's "last quarter x 1" plan). */
export function lastQuarterSpend(dataset: Dataset, weeks = DEMO_PLAN_WEEKS): Record<string, number[]> {
  return Object.fromEntries(
    dataset.channels.map((ch) => [ch.name, repeatRecentWeeks(ch.spend, weeks, weeks)]),
  );
}

/**
 * "Repeat last quarter" and "Move 20 % of TV to TikTok and Instagram" (the same total budget, TV's
 * weekly cut split evenly onto the two social channels in the same week; falls back to every
 * social channel). The shift scenario is left out when the data has no TV or no social channel.
 */
export function demoCampaign(dataset: Dataset): DemoCampaign {
  const base = lastQuarterSpend(dataset);
  let budget = 0;
  for (const weekly of Object.values(base)) for (const v of weekly) budget += v;
  const scenarios: DemoScenario[] = [
    {
      name: "Repeat last quarter",
      description: "Every channel spends what it spent in the last 13 weeks of data, week by week.",
      plan: { weeks: DEMO_PLAN_WEEKS, spend: base, assumptions: [], origin: { kind: "lastQuarter", k: 1 } },
    },
  ];
  const tv = dataset.channels.find((c) => c.name === "TV" || c.type === "traditional");
  const social = dataset.channels.filter((c) => c.type === "social");
  const preferred = social.filter((c) => c.name === "TikTok" || c.name === "Instagram");
  const targets = (preferred.length > 0 ? preferred : social).map((c) => c.name);
  if (tv !== undefined && targets.length > 0) {
    const spend: Record<string, number[]> = Object.fromEntries(
      Object.entries(base).map(([k, v]) => [k, [...v]]),
    );
    const tvWeekly = spend[tv.name]!;
    for (let w = 0; w < DEMO_PLAN_WEEKS; w++) {
      const moved = cents(0.2 * tvWeekly[w]!);
      tvWeekly[w] = cents(tvWeekly[w]! - moved);
      const share = cents(moved / targets.length);
      targets.forEach((name, i) => {
        // the last target takes the rounding remainder, so the week's total is unchanged
        const add = i === targets.length - 1 ? cents(moved - share * (targets.length - 1)) : share;
        spend[name]![w] = cents(spend[name]![w]! + add);
      });
    }
    const tiktok = targets.includes("TikTok");
    scenarios.push({
      name: `Move 20 % of ${tv.name} to ${targets.join(" and ")}`,
      description: `Same total budget as last quarter; each week a fifth of ${tv.name}'s spend goes to ${targets.join(" and ")}.`,
      plan: {
        weeks: DEMO_PLAN_WEEKS,
        spend,
        assumptions: tiktok
          ? [
              {
                label: "Short video creatives on TikTok do 10 % better (team estimate)",
                kind: "contentType",
                value: "video",
                multiplier: 1.1,
                channels: ["TikTok"],
              },
            ]
          : [],
        origin: { kind: "manual" },
      },
    });
  }
  return {
    name: "Next quarter",
    description: "Demo campaign: two ways to spend next quarter's budget, compared on the demo model's fit.",
    budget: cents(budget),
    scenarios,
  };
}

/** The Sun Belt states of the geo demo (the ones the shift scenario moves budget in). */
export const SUN_BELT = [
  "California",
  "Texas",
  "Florida",
  "Georgia",
  "North Carolina",
  "Arizona",
  "Tennessee",
];

/** Per-geo plans; R&F channels at their optimal frequency, organic Instagram at its recent level. */
const PER_GEO: NonNullable<ScenarioPlan["planning"]> = { geoPlan: "perGeo", frequency: {}, organic: {} };

/** A per-geo plan line's name: core's perGeo plans call the line of channel c in geo g `c@g`. */
export const geoLine = (channel: string, geo: string) => `${channel}@${geo}`;

/** The last `weeks` data weeks' spend of every paid (and R&F) channel in every geo, as `channel@geo` lines. */
export function lastQuarterSpendByGeo(dataset: DatasetV2, weeks = DEMO_PLAN_WEEKS): Record<string, number[]> {
  const lines: Record<string, number[]> = {};
  for (const ch of dataset.channels) {
    if (ch.spend === undefined) continue; // organic channels are held, not planned
    dataset.geos.forEach((geo, g) => {
      lines[geoLine(ch.name, geo)] = repeatRecentWeeks(ch.spend![g]!, weeks, weeks);
    });
  }
  return lines;
}

/**
 * The geo demo's campaign: "Repeat last quarter, state by state" and "Move 20 % of Search to TikTok
 * in the Sun Belt" (each Sun Belt state's weekly Search spend cut by a fifth and added to its
 * TikTok spend in the same week: every state's weekly total is unchanged). Plans are per geo, one
 * `channel@geo` line per paid channel and state (core's perGeo plan lines, `planning.geoPlan`
 * "perGeo") in Scenario.plan's one shape; R&F channels are planned at their optimal frequency and
 * organic Instagram is held at its recent level (the planning defaults). Without Search or TikTok
 * the shift scenario is left out.
 */
export function demoGeoCampaign(dataset: DatasetV2): DemoCampaign {
  const base = lastQuarterSpendByGeo(dataset);
  let budget = 0;
  for (const weekly of Object.values(base)) for (const v of weekly) budget += v;
  const scenarios: DemoScenario[] = [
    {
      name: "Repeat last quarter, state by state",
      description:
        "Every paid channel spends in every state what it spent there in the last 13 weeks of data, week by week; organic Instagram posts continue at their recent level.",
      plan: {
        weeks: DEMO_PLAN_WEEKS,
        spend: base,
        assumptions: [],
        origin: { kind: "lastQuarter", k: 1 },
        planning: PER_GEO,
      },
    },
  ];
  const names = new Set(dataset.channels.map((c) => c.name));
  const states = SUN_BELT.filter((s) => dataset.geos.includes(s));
  if (names.has("Search") && names.has("TikTok") && states.length > 0) {
    const spend: Record<string, number[]> = Object.fromEntries(
      Object.entries(base).map(([k, v]) => [k, [...v]]),
    );
    for (const state of states) {
      const search = spend[geoLine("Search", state)]!;
      const tiktok = spend[geoLine("TikTok", state)]!;
      for (let w = 0; w < DEMO_PLAN_WEEKS; w++) {
        const moved = cents(0.2 * search[w]!);
        search[w] = cents(search[w]! - moved);
        tiktok[w] = cents(tiktok[w]! + moved);
      }
    }
    scenarios.push({
      name: "Move 20 % of Search to TikTok in the Sun Belt",
      description: `Same budget in every state and week; in ${states.join(", ")} a fifth of Search's weekly spend goes to TikTok.`,
      plan: { weeks: DEMO_PLAN_WEEKS, spend, assumptions: [], origin: { kind: "manual" }, planning: PER_GEO },
    });
  }
  return {
    name: "Next quarter by state",
    description:
      "Demo campaign on the geo model: two per-state plans for next quarter's budget, compared on the geo model's fit.",
    budget: cents(budget),
    scenarios,
  };
}
