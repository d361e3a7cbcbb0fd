"use client";
// Weekly spend grid (weeks x channels) plus labelled content-type / audience assumptions.
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

export interface PlanDraft {
  name: string;
  weeks: number;
  spend: Record<string, string[]>;
  assumptions: AssumptionDraft[];
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
  };
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
  if (!d.name.trim()) problems.push("Name the scenario.");
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, plan: { weeks: d.weeks, spend, assumptions, origin: d.origin } };
}

export function ScenarioEditor({
  draft,
  onChange,
  channels,
  currency = "",
}: {
  draft: PlanDraft;
  onChange: (d: PlanDraft) => void;
  channels: string[];
  /** symbol for money, "" = unnamed */ currency?: string;
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
      <div className="max-h-[28rem] overflow-auto rounded-lg border border-line">
        <table className="w-full border-collapse text-sm" aria-label="Weekly spend per channel">
          <thead className="sticky top-0 bg-surface-2">
            <tr>
              <th className="px-2 py-1 text-left text-xs text-muted">Week</th>
              {channels.map((c) => (
                <th key={c} className="px-2 py-1 text-left text-xs font-medium text-fg">
                  {c}
                </th>
              ))}
            </tr>
            <tr>
              <th className="px-2 py-1 text-left text-xs text-muted">Set all</th>
              {channels.map((c) => (
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
                {channels.map((c) => (
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
        </table>
      </div>
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
