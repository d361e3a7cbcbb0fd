"use client";
// The v2 options of a model config (shared/docs/model-v2.md section 7): link, baseline and knots,
// time-varying media effectiveness, sigma per geo and the holiday country. Each has its default and
// a one-line explanation; the server validates the whole config with core's config-v2 and names
// the field of any invalid combination.
import { Card, CardBody, CardHeader, Checkbox, Input, Select } from "@mixcast/ui";
import { holidayCountries } from "@mixcast/core";
import { useMemo } from "react";

export interface V2Fields {
  geo?: string;
  kpiType?: "revenue" | "units";
  link?: "identity" | "log";
  baseline?: "trend" | "knots";
  knots?: number;
  timeVaryingMedia?: boolean;
  sigmaPerGeo?: boolean;
  holidays?: { country: string; region?: string };
  channels: { role?: string; reach?: string; exposure?: string }[];
}

export const LINK_HELP = {
  identity: "Additive: each channel adds its own amount to the KPI; contributions add up as they are.",
  log: "Multiplicative: channels scale the baseline by a percentage, so effects compound; the joint effect is split among channels by their share of the log-scale terms.",
} as const;

export function ModelV2Options<T extends V2Fields>({
  config,
  onChange,
  readOnly,
}: {
  config: T;
  onChange: (next: T) => void;
  readOnly: boolean;
}) {
  const countries = useMemo(
    () =>
      Object.entries(holidayCountries())
        .sort(([, a], [, b]) => a.localeCompare(b))
        .map(([code, name]) => ({ value: code, label: `${name} (${code})` })),
    [],
  );
  const geo = config.geo !== undefined;
  const link = config.link ?? "identity";
  const baseline = config.baseline ?? (geo ? "knots" : "trend");
  const rf = config.channels.filter((c) => c.reach !== undefined).length;
  const organic = config.channels.filter((c) => c.role === "organic").length;
  const set = (patch: Partial<V2Fields>) => {
    const next = { ...config, ...patch } as T & Record<string, unknown>;
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k];
    onChange(next);
  };
  return (
    <Card>
      <CardHeader
        title="Model structure"
        description={`${geo ? `Geo model (column ${config.geo}): one coefficient per channel and geo around a national mean. ` : ""}${
          config.kpiType === "units" ? "Units KPI: cost per incremental unit is reported beside ROI. " : ""
        }${rf ? `${rf} reach & frequency channel${rf === 1 ? "" : "s"}; ` : ""}${organic ? `${organic} organic channel${organic === 1 ? "" : "s"} (contribution, no ROI).` : ""}`}
      />
      <CardBody className="grid gap-4 sm:grid-cols-2">
        <Select
          label="Link"
          value={link}
          disabled={readOnly}
          options={[
            { value: "identity", label: "Additive (default)" },
            { value: "log", label: "Multiplicative (log link)" },
          ]}
          hint={LINK_HELP[link]}
          onChange={(e) => set({ link: e.target.value === "log" ? "log" : undefined })}
        />
        <Select
          label="Baseline"
          value={baseline}
          disabled={readOnly}
          options={[
            { value: "trend", label: `Linear trend${geo ? "" : " (default)"}` },
            { value: "knots", label: `Time-varying (knots)${geo ? " (default)" : ""}` },
          ]}
          hint={
            baseline === "knots"
              ? "The baseline follows a smooth random walk through evenly spaced knots, so slow shifts in demand are not credited to media."
              : "Intercept plus a straight-line trend over time, with seasonality."
          }
          onChange={(e) => set({ baseline: e.target.value as "trend" | "knots" })}
        />
        <Input
          label="Knots"
          type="number"
          min={1}
          max={520}
          disabled={readOnly || (baseline !== "knots" && !config.timeVaryingMedia)}
          value={config.knots ?? ""}
          placeholder="one per 13 weeks"
          hint="Knots of the time-varying baseline and media effectiveness. Empty: one per 13 training weeks."
          onChange={(e) => set({ knots: e.target.value === "" ? undefined : Number(e.target.value) })}
        />
        <Select
          label="Holiday country"
          value={config.holidays?.country ?? ""}
          disabled={readOnly}
          options={[{ value: "", label: "No holidays" }, ...countries]}
          hint="Adds the number of public holidays in each week as a control (shown as Holidays)."
          onChange={(e) => set({ holidays: e.target.value ? { country: e.target.value } : undefined })}
        />
        <Checkbox
          label="Media effectiveness varies over time (all paid channels move together, with a band)"
          checked={config.timeVaryingMedia ?? false}
          disabled={readOnly}
          onChange={(e) => set({ timeVaryingMedia: e.target.checked || undefined })}
        />
        {geo ? (
          <Checkbox
            label="Noise level per geo (for geos of very different size or data quality)"
            checked={config.sigmaPerGeo ?? false}
            disabled={readOnly}
            onChange={(e) => set({ sigmaPerGeo: e.target.checked || undefined })}
          />
        ) : null}
      </CardBody>
    </Card>
  );
}
