// The demo workspace's campaign and its two scenarios, seeded by `pnpm start` next to the demo's
// first fit, so a first-time user finds a scenario comparison ready on the Campaigns page instead
// of an empty list. Plans are Scenario.plan's one shape (weekly spend per channel in the dataset's
// currency, labelled assumptions, origin), encoded by its codec when stored.
import type { Dataset } from "@mixcast/core";
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
