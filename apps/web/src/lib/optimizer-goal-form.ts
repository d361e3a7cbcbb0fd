// The optimizer page's goal form: what the user typed (strings) -> the goal the server takes, or
// one error per field, each naming the field, so the form can show it under that field.

export type GoalKind = "max-kpi" | "min-spend" | "target-mroi" | "target-roi";

export const GOAL_CHOICES: { value: GoalKind; label: string; hint: string }[] = [
  {
    value: "max-kpi",
    label: "Most KPI for a budget",
    hint: "Split a fixed budget across channels.",
  },
  {
    value: "min-spend",
    label: "Least spend to reach a KPI target",
    hint: "The smallest budget whose KPI reaches the target with the probability you ask for.",
  },
  {
    value: "target-mroi",
    label: "Spend until the marginal ROI falls to a target",
    hint: "Keep adding budget while the next unit of spend still returns at least this much.",
  },
  {
    value: "target-roi",
    label: "Hit an overall ROI",
    hint: "The largest budget whose whole plan still returns this ROI on average.",
  },
];

export interface GoalDraft {
  kind: GoalKind;
  weeks: string;
  budget: string;
  targetKpi: string;
  /** Percent, e.g. "80". */
  probability: string;
  mroi: string;
  roi: string;
  /** Optional ceiling of the budget search. */
  maxBudget: string;
}

export type GoalInput =
  | { kind: "max-kpi"; budget: number }
  | { kind: "min-spend"; targetKpi: number; probability: number }
  | { kind: "target-mroi"; mroi: number }
  | { kind: "target-roi"; roi: number };

export type GoalErrors = Partial<Record<keyof GoalDraft, string>>;

const num = (s: string): number => (s.trim() === "" ? Number.NaN : Number(s));

/** The goal, horizon and ceiling, or the errors of the fields that stop it. */
export function parseGoalDraft(
  d: GoalDraft,
): { ok: true; weeks: number; goal: GoalInput; maxBudget?: number } | { ok: false; errors: GoalErrors } {
  const errors: GoalErrors = {};
  const weeks = num(d.weeks);
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52)
    errors.weeks = "Horizon: enter a whole number of weeks from 1 to 52.";
  let goal: GoalInput | null = null;
  if (d.kind === "max-kpi") {
    const budget = num(d.budget);
    if (!(budget > 0)) errors.budget = "Total budget: enter an amount above zero.";
    else goal = { kind: "max-kpi", budget };
  } else if (d.kind === "min-spend") {
    const targetKpi = num(d.targetKpi);
    const p = num(d.probability);
    if (!(targetKpi > 0)) errors.targetKpi = "Target KPI: enter a number above zero.";
    if (!(p > 0 && p < 100))
      errors.probability = "Probability: enter a percentage between 0 and 100 (e.g. 80).";
    if (targetKpi > 0 && p > 0 && p < 100) goal = { kind: "min-spend", targetKpi, probability: p / 100 };
  } else if (d.kind === "target-mroi") {
    const mroi = num(d.mroi);
    if (!(mroi > 0)) errors.mroi = "Marginal ROI: enter a number above zero (e.g. 1.2).";
    else goal = { kind: "target-mroi", mroi };
  } else {
    const roi = num(d.roi);
    if (!(roi > 0)) errors.roi = "Overall ROI: enter a number above zero (e.g. 3).";
    else goal = { kind: "target-roi", roi };
  }
  let maxBudget: number | undefined;
  if (d.kind !== "max-kpi" && d.maxBudget.trim() !== "") {
    maxBudget = num(d.maxBudget);
    if (!(maxBudget > 0)) errors.maxBudget = "Search ceiling: enter an amount above zero, or leave it empty.";
  }
  if (Object.keys(errors).length > 0 || goal === null) return { ok: false, errors };
  return { ok: true, weeks, goal, ...(maxBudget !== undefined ? { maxBudget } : {}) };
}

/** Per-channel bounds as typed: errors name the channel and the field. */
export function parseBoundDrafts(
  drafts: Record<string, { min: string; max: string; locked: boolean; weeklyMax?: string }>,
): {
  bounds: Record<string, { min?: number; max?: number; locked?: boolean }>;
  weeklyBounds: Record<string, { max: number }>;
  errors: Record<string, string>;
} {
  const bounds: Record<string, { min?: number; max?: number; locked?: boolean }> = {};
  const weeklyBounds: Record<string, { max: number }> = {};
  const errors: Record<string, string> = {};
  for (const [name, d] of Object.entries(drafts)) {
    const entry: { min?: number; max?: number; locked?: boolean } = {};
    if (d.locked) entry.locked = true;
    const min = num(d.min);
    const max = num(d.max);
    if (d.min.trim() !== "") {
      if (!(min >= 0)) errors[`${name}.min`] = `Minimum for ${name}: enter an amount of 0 or more.`;
      else entry.min = min;
    }
    if (d.max.trim() !== "") {
      if (!(max >= 0)) errors[`${name}.max`] = `Maximum for ${name}: enter an amount of 0 or more.`;
      else if (min > max) errors[`${name}.max`] = `Maximum for ${name}: it is below the minimum.`;
      else entry.max = max;
    }
    if (d.weeklyMax !== undefined && d.weeklyMax.trim() !== "") {
      const w = num(d.weeklyMax);
      if (!(w >= 0))
        errors[`${name}.weeklyMax`] = `Weekly maximum for ${name}: enter an amount of 0 or more.`;
      else weeklyBounds[name] = { max: w };
    }
    if (Object.keys(entry).length > 0) bounds[name] = entry;
  }
  return { bounds, weeklyBounds, errors };
}

/** v2 planning choices as typed: empty frequency = the optimal one, empty level = the recent mean. */
export function parsePlanningDraft(
  geoPlan: "national" | "perGeo",
  frequency: Record<string, string>,
  organic: Record<string, string>,
): {
  planning: {
    geoPlan: "national" | "perGeo";
    frequency: Record<string, number>;
    organic: Record<string, number>;
  };
  errors: Record<string, string>;
} {
  const planning = {
    geoPlan,
    frequency: {} as Record<string, number>,
    organic: {} as Record<string, number>,
  };
  const errors: Record<string, string> = {};
  for (const [name, s] of Object.entries(frequency)) {
    if (s.trim() === "") continue;
    const v = num(s);
    if (!(v > 0))
      errors[`frequency.${name}`] =
        `Frequency of ${name}: enter a number above zero, or leave it empty for the optimal one.`;
    else planning.frequency[name] = v;
  }
  for (const [name, s] of Object.entries(organic)) {
    if (s.trim() === "") continue;
    const v = num(s);
    if (!(v >= 0))
      errors[`organic.${name}`] = `Weekly level of ${name}: enter an amount of 0 or more, or leave it empty.`;
    else planning.organic[name] = v;
  }
  return { planning, errors };
}
