"use client";
// Weekly spend grid (weeks x channels) plus labelled content-type / audience assumptions. v2 models:
// a per-geo plan has one grid per geo (collapsed, each with its totals); R&F channels are planned
// in spend at a chosen frequency and organic channels are held inputs whose level the plan states.
import { useState } from "react";
import { Button, Input, Select } from "@mixcast/ui";
import { formatMoney } from "@mixcast/ui/charts";

export const CONTENT_TYPES = ["video", "image", "carousel", "story", "live"] as const;

export interface AssumptionDraft {
  label: string;
  kind: "contentType" | "audience";
  value: string;
  multiplier: string;
  channels: string[];
}

export interface PlanningDraft {
  geoPlan: "national" | "perGeo";
  /** R&F channel -> frequency as typed ("" = the optimal frequency). */
  frequency: Record<string, string>;
  /** Organic channel -> weekly level as typed ("" = the last 13 weeks' mean). */
  organic: Record<string, string>;
}

export interface PlanningValue {
  geoPlan: "national" | "perGeo";
  frequency: Record<string, number>;
  organic: Record<string, number>;
}

/** What the editor offers for a v2 model's held inputs (from optimizer.context). */
export interface PlanningChoices {
  rf: { name: string; optimalFrequency: number; maxFrequency: number }[];
  organic: { name: string; defaultLevel: number }[];
}

export interface PlanDraft {
  name: string;
  weeks: number;
  spend: Record<string, string[]>;
  assumptions: AssumptionDraft[];
  planning?: PlanningDraft;
  origin:
    | { kind: "manual" }
    | { kind: "optimizer"; budget: number; objective: string }
    | { kind: "lastQuarter"; k: number }
    | { kind: "duplicate"; of: string };
}

export interface PlanValue {
  weeks: number;
  spend: Record<string, number[]>;
  assumptions: {
    label: string;
    kind: "contentType" | "audience";
    value: string;
    multiplier: number;
    channels?: string[];
  }[];
  origin: PlanDraft["origin"];
  planning?: PlanningValue;
}

export function draftFromPlan(name: string, plan: PlanValue, channels: string[]): PlanDraft {
  return {
    name,
    weeks: plan.weeks,
    spend: Object.fromEntries(
      channels.map((c) => [c, Array.from({ length: plan.weeks }, (_, w) => String(plan.spend[c]?.[w] ?? 0))]),
    ),
    assumptions: plan.assumptions.map((a) => ({
      label: a.label,
      kind: a.kind,
      value: a.value,
      multiplier: String(a.multiplier),
      channels: a.channels ?? [],
    })),
    origin: plan.origin,
    ...(plan.planning
      ? {
          planning: {
            geoPlan: plan.planning.geoPlan,
            frequency: Object.fromEntries(
              Object.entries(plan.planning.frequency).map(([k, v]) => [k, String(v)]),
            ),
            organic: Object.fromEntries(
              Object.entries(plan.planning.organic).map(([k, v]) => [k, String(v)]),
            ),
          },
        }
      : {}),
  };
}

/** `channel@geo` -> [channel, geo]; a plain channel name -> [name, null]. */
export function splitLine(line: string): [string, string | null] {
  const i = line.lastIndexOf("@");
  return i > 0 ? [line.slice(0, i), line.slice(i + 1)] : [line, null];
}

/** Plan lines grouped by geo (per-geo plans), in first-seen order, with each geo's total spend. */
export function geoGroups(
  spend: Record<string, string[]>,
): { geo: string; lines: string[]; total: number }[] {
  const groups = new Map<string, { geo: string; lines: string[]; total: number }>();
  for (const [line, weekly] of Object.entries(spend)) {
    const geo = splitLine(line)[1] ?? "";
    const g = groups.get(geo) ?? { geo, lines: [], total: 0 };
    g.lines.push(line);
    g.total += weekly.reduce((s, v) => s + (Number(v) || 0), 0);
    groups.set(geo, g);
  }
  return [...groups.values()];
}

/** Problems in plain words, or the plan ready for the server. */
export function planFromDraft(
  d: PlanDraft,
): { ok: true; plan: PlanValue } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const spend: Record<string, number[]> = {};
  for (const [c, weekly] of Object.entries(d.spend)) {
    spend[c] = weekly.map((s, w) => {
      const v = s.trim() === "" ? 0 : Number(s);
      if (!Number.isFinite(v) || v < 0)
        problems.push(`${c}, week ${w + 1}: "${s}" is not an amount of zero or more.`);
      return v;
    });
  }
  const assumptions = d.assumptions.map((a, i) => {
    const m = Number(a.multiplier);
    if (!a.label.trim()) problems.push(`Assumption ${i + 1} needs a label that says what you assume.`);
    if (!(m > 0)) problems.push(`Assumption ${i + 1}: the multiplier must be above zero.`);
    if (!a.value.trim()) problems.push(`Assumption ${i + 1}: choose a content type or name the audience.`);
    return {
      label: a.label.trim(),
      kind: a.kind,
      value: a.value.trim(),
      multiplier: m,
      ...(a.channels.length > 0 ? { channels: a.channels } : {}),
    };
  });
  let planning: PlanningValue | undefined;
  if (d.planning) {
    planning = { geoPlan: d.planning.geoPlan, frequency: {}, organic: {} };
    for (const [c, s] of Object.entries(d.planning.frequency)) {
      if (s.trim() === "") continue;
      const v = Number(s);
      if (!(v > 0)) problems.push(`Frequency of ${c}: "${s}" is not a number above zero.`);
      else planning.frequency[c] = v;
    }
    for (const [c, s] of Object.entries(d.planning.organic)) {
      if (s.trim() === "") continue;
      const v = Number(s);
      if (!(v >= 0) || !Number.isFinite(v))
        problems.push(`Weekly level of ${c}: "${s}" is not an amount of zero or more.`);
      else planning.organic[c] = v;
    }
  }
  if (!d.name.trim()) problems.push("Name the scenario.");
  return problems.length > 0
    ? { ok: false, problems }
    : {
        ok: true,
        plan: { weeks: d.weeks, spend, assumptions, origin: d.origin, ...(planning ? { planning } : {}) },
      };
}

export function ScenarioEditor({
  draft,
  onChange,
  channels,
  currency = "",
  choices = null,
}: {
  draft: PlanDraft;
  onChange: (d: PlanDraft) => void;
  channels: string[];
  /** symbol for money, "" = unnamed */ currency?: string;
  /** v2 models: R&F frequencies and organic levels the plan holds. */
  choices?: PlanningChoices | null;
}) {
  const [fill, setFill] = useState<Record<string, string>>({});
  const setCell = (c: string, w: number, v: string) =>
    onChange({
      ...draft,
      spend: { ...draft.spend, [c]: (draft.spend[c] ?? []).map((x, i) => (i === w ? v : x)) },
    });
  const setWeeks = (n: number) => {
    const weeks = Math.max(1, Math.min(104, Math.floor(n) || 1));
    onChange({
      ...draft,
      weeks,
      spend: Object.fromEntries(
        channels.map((c) => [
          c,
          Array.from(
            { length: weeks },
            (_, w) => draft.spend[c]?.[w] ?? draft.spend[c]?.[draft.weeks - 1] ?? "0",
          ),
        ]),
      ),
    });
  };
  const total = Object.values(draft.spend)
    .flat()
    .reduce((s, v) => s + (Number(v) || 0), 0);
  const setAssumption = (i: number, patch: Partial<AssumptionDraft>) =>
    onChange({ ...draft, assumptions: draft.assumptions.map((a, k) => (k === i ? { ...a, ...patch } : a)) });
  return (
    <div className="flex flex-col gap-4" data-testid="scenario-editor">
      <div className="grid gap-4 sm:grid-cols-3">
        <Input
          label="Scenario name"
          name="scenarioName"
          value={draft.name}
          onChange={(e) => onChange({ ...draft, name: e.target.value })}
        />
        <Input
          label="Weeks"
          type="number"
          min={1}
          max={104}
          value={String(draft.weeks)}
          onChange={(e) => setWeeks(Number(e.target.value))}
        />
        <div className="text-sm">
          <p className="text-muted">Total spend</p>
          <p className="text-lg font-semibold tabular-nums" data-testid="plan-total">
            {formatMoney(total, currency)}
          </p>
        </div>
      </div>
      {draft.planning && choices && (choices.rf.length > 0 || choices.organic.length > 0) ? (
        <HeldInputs draft={draft} onChange={onChange} choices={choices} />
      ) : null}
      {draft.planning?.geoPlan === "perGeo" ? (
        <div className="flex flex-col gap-2" data-testid="geo-grids">
          <p className="text-xs text-muted">
            One plan per geo: open a geo to edit its weekly spend. Totals are over the plan&apos;s weeks.
          </p>
          {geoGroups(draft.spend).map((g) => (
            <details key={g.geo} className="rounded-lg border border-line" data-testid="geo-grid">
              <summary className="cursor-pointer px-3 py-2 text-sm">
                <span className="font-medium text-fg">{g.geo}</span>{" "}
                <span className="tabular-nums text-muted">· total {formatMoney(g.total, currency)}</span>
              </summary>
              <div className="p-2">
                <SpendGrid
                  draft={draft}
                  lines={g.lines}
                  setCell={setCell}
                  fill={fill}
                  setFill={setFill}
                  onChange={onChange}
                  currency={currency}
                  caption={`Weekly spend per channel in ${g.geo}`}
                />
              </div>
            </details>
          ))}
        </div>
      ) : (
        <SpendGrid
          draft={draft}
          lines={channels}
          setCell={setCell}
          fill={fill}
          setFill={setFill}
          onChange={onChange}
          currency={currency}
          caption="Weekly spend per channel"
        />
      )}
      <div>
        <p className="text-sm font-medium text-fg">Assumptions (your estimates, not the model's)</p>
        <p className="mb-2 text-xs text-muted">
          Multipliers on a channel's own effect for a content type or audience, e.g. 1.2 = "video converts 20%
          better". They are shown next to every result built on them.
        </p>
        <div className="flex flex-col gap-3">
          {draft.assumptions.map((a, i) => (
            <div
              key={i}
              className="grid items-end gap-2 rounded-lg border border-line p-3 sm:grid-cols-5"
              data-testid="assumption"
            >
              <Input
                label="Label (what you assume)"
                value={a.label}
                onChange={(e) => setAssumption(i, { label: e.target.value })}
              />
              <Select
                label="Kind"
                value={a.kind}
                onChange={(e) =>
                  setAssumption(i, {
                    kind: e.target.value as AssumptionDraft["kind"],
                    value: e.target.value === "contentType" ? "video" : "",
                  })
                }
                options={[
                  { value: "contentType", label: "Content type" },
                  { value: "audience", label: "Audience segment" },
                ]}
              />
              {a.kind === "contentType" ? (
                <Select
                  label="Content type"
                  value={a.value}
                  onChange={(e) => setAssumption(i, { value: e.target.value })}
                  options={CONTENT_TYPES.map((t) => ({ value: t, label: t }))}
                />
              ) : (
                <Input
                  label="Audience"
                  value={a.value}
                  onChange={(e) => setAssumption(i, { value: e.target.value })}
                />
              )}
              <Input
                label="Multiplier"
                type="number"
                step="0.05"
                min={0}
                value={a.multiplier}
                onChange={(e) => setAssumption(i, { multiplier: e.target.value })}
              />
              <div className="flex flex-col gap-1">
                <Select
                  label="Applies to"
                  value={a.channels[0] ?? ""}
                  onChange={(e) => setAssumption(i, { channels: e.target.value ? [e.target.value] : [] })}
                  placeholder="All channels with spend"
                  options={channels.map((c) => ({ value: c, label: c }))}
                />
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() =>
                    onChange({ ...draft, assumptions: draft.assumptions.filter((_, k) => k !== i) })
                  }
                >
                  Remove
                </Button>
              </div>
            </div>
          ))}
          <div>
            <Button
              variant="secondary"
              size="sm"
              onClick={() =>
                onChange({
                  ...draft,
                  assumptions: [
                    ...draft.assumptions,
                    { label: "", kind: "contentType", value: "video", multiplier: "1.1", channels: [] },
                  ],
                })
              }
            >
              Add assumption
            </Button>
          </div>
        </div>
      </div>
    </div>
  );
}

function SpendGrid({
  draft,
  lines,
  setCell,
  fill,
  setFill,
  onChange,
  currency,
  caption,
}: {
  draft: PlanDraft;
  lines: string[];
  setCell: (c: string, w: number, v: string) => void;
  fill: Record<string, string>;
  setFill: (f: Record<string, string>) => void;
  onChange: (d: PlanDraft) => void;
  currency: string;
  caption: string;
}) {
  return (
    <div className="max-h-[28rem] overflow-auto rounded-lg border border-line">
      <table className="w-full border-collapse text-sm" aria-label={caption}>
        <thead className="sticky top-0 bg-surface-2">
          <tr>
            <th className="px-2 py-1 text-left text-xs text-muted">Week</th>
            {lines.map((c) => (
              <th key={c} className="px-2 py-1 text-left text-xs font-medium text-fg">
                {splitLine(c)[0]}
              </th>
            ))}
          </tr>
          <tr>
            <th className="px-2 py-1 text-left text-xs text-muted">Set all</th>
            {lines.map((c) => (
              <th key={c} className="px-1 py-1">
                <div className="flex gap-1">
                  <input
                    aria-label={`Set every week of ${c}`}
                    className="h-8 w-20 rounded border border-line bg-surface px-1 text-right text-xs text-fg"
                    value={fill[c] ?? ""}
                    onChange={(e) => setFill({ ...fill, [c]: e.target.value })}
                  />
                  <button
                    type="button"
                    className="text-xs text-primary hover:underline"
                    onClick={() =>
                      onChange({
                        ...draft,
                        spend: {
                          ...draft.spend,
                          [c]: Array.from({ length: draft.weeks }, () => fill[c] ?? "0"),
                        },
                      })
                    }
                  >
                    apply
                  </button>
                </div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: draft.weeks }, (_, w) => (
            <tr key={w} className="border-t border-line">
              <td className="px-2 py-1 text-xs text-muted">{w + 1}</td>
              {lines.map((c) => (
                <td key={c} className="px-1 py-0.5">
                  <input
                    aria-label={`${c} week ${w + 1}`}
                    inputMode="decimal"
                    className="h-8 w-full min-w-20 rounded border border-line bg-surface px-1 text-right tabular-nums text-fg focus:outline-none focus:ring-2 focus:ring-ring"
                    value={draft.spend[c]?.[w] ?? "0"}
                    onChange={(e) => setCell(c, w, e.target.value)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t border-line bg-surface-2">
            <td className="px-2 py-1 text-xs font-medium text-muted">Total</td>
            {lines.map((c) => (
              <td
                key={c}
                className="px-2 py-1 text-right text-xs font-medium tabular-nums text-fg"
                data-testid="channel-total"
              >
                {formatMoney(
                  (draft.spend[c] ?? []).reduce((s, v) => s + (Number(v) || 0), 0),
                  currency,
                )}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** R&F frequencies and organic levels: inputs the plan holds, not spend the optimizer moves. */
function HeldInputs({
  draft,
  onChange,
  choices,
}: {
  draft: PlanDraft;
  onChange: (d: PlanDraft) => void;
  choices: PlanningChoices;
}) {
  const planning = draft.planning!;
  const set = (patch: Partial<PlanningDraft>) => onChange({ ...draft, planning: { ...planning, ...patch } });
  return (
    <div className="grid gap-4 rounded-lg border border-line p-3 sm:grid-cols-3" data-testid="held-inputs">
      <p className="text-xs text-muted sm:col-span-3">
        Held inputs: reach &amp; frequency channels are planned in spend at the frequency below (empty: the
        optimal frequency); organic channels have no spend and stay at the weekly level below (empty: the last
        13 weeks&apos; mean).
      </p>
      {choices.rf.map((r) => (
        <Input
          key={r.name}
          label={`Frequency of ${r.name} (exposures per reached person)`}
          type="number"
          min={0}
          step="any"
          value={planning.frequency[r.name] ?? ""}
          placeholder={r.optimalFrequency.toFixed(2)}
          hint={`Optimal: ${r.optimalFrequency.toFixed(2)}; highest observed ${r.maxFrequency.toFixed(1)}.`}
          onChange={(e) => set({ frequency: { ...planning.frequency, [r.name]: e.target.value } })}
        />
      ))}
      {choices.organic.map((o) => (
        <Input
          key={o.name}
          label={`Weekly level of ${o.name} (organic, held)`}
          type="number"
          min={0}
          value={planning.organic[o.name] ?? ""}
          placeholder={String(Math.round(o.defaultLevel))}
          hint={`Last 13 weeks' mean: ${Math.round(o.defaultLevel).toLocaleString()} a week, all geos.`}
          onChange={(e) => set({ organic: { ...planning.organic, [o.name]: e.target.value } })}
        />
      ))}
    </div>
  );
}
