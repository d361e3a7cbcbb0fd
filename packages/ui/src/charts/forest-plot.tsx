"use client";
import { useState } from "react";
import { CartesianGrid, ErrorBar, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { DEFAULT_CHAIN_COUNT, defaultConvergenceThresholds, essMinimum } from "@mixcast/core";
import { Select } from "../field.tsx";
import { Table, TBody, Td, Th, THead, Tr } from "../table.tsx";
import { Badge } from "../badge.tsx";
import { ChartBox, ChartCard, type ChartStatus } from "./chart-card.tsx";
import { axisProps, gridProps, seriesColor } from "./theme.ts";
import { rowOf, TooltipBox, type TooltipProps } from "./tooltip.tsx";

export interface ParameterView {
  label: string;
  mean: number;
  q05: number;
  q95: number;
  sd?: number | null;
  rhat?: number | null;
  essBulk?: number | null;
  essTail?: number | null;
}

/** Parameter family of a label: "beta[TV]" -> "beta", "sigma" -> "sigma". */
export const familyOf = (label: string): string => label.replace(/\[.*$/, "");

export function parameterFamilies(params: ParameterView[]): string[] {
  return [...new Set(params.map((p) => familyOf(p.label)))];
}

export interface ForestRow {
  label: string;
  index: number;
  mean: number;
  err: [number, number];
  p: ParameterView;
}

export function forestRows(params: ParameterView[], family: string): ForestRow[] {
  return params
    .filter((p) => familyOf(p.label) === family)
    .map((p, index) => ({
      label: p.label,
      index,
      mean: p.mean,
      err: [Math.max(0, p.mean - p.q05), Math.max(0, p.q95 - p.mean)],
      p,
    }));
}

const fmt = (v: number | null | undefined, d = 3) =>
  v === null || v === undefined || !Number.isFinite(v)
    ? "—"
    : Math.abs(v) >= 1000
      ? v.toFixed(0)
      : v.toPrecision(d);

export function ForestPlot({
  parameters,
  status,
}: {
  parameters: ParameterView[] | null;
  status?: ChartStatus;
}) {
  const params = parameters ?? [];
  const families = parameterFamilies(params);
  const [family, setFamily] = useState<string>(families.includes("beta") ? "beta" : (families[0] ?? ""));
  const rows = forestRows(params, family);
  const height = Math.max(160, rows.length * 28 + 60);
  return (
    <ChartCard
      title="Posterior parameter intervals"
      description="Forest plot: posterior mean (dot) and 90% interval (bar) of each model parameter, on the model's scale. Pick a parameter family."
      csv={() => ({
        columns: ["parameter", "mean", "sd", "q05", "q95", "rhat", "ess_bulk", "ess_tail"],
        rows: params.map((p) => [
          p.label,
          p.mean,
          p.sd ?? null,
          p.q05,
          p.q95,
          p.rhat ?? null,
          p.essBulk ?? null,
          p.essTail ?? null,
        ]),
      })}
      status={
        status ??
        (params.length === 0
          ? { state: "empty", message: "This run stored no parameter summaries." }
          : { state: "ready" })
      }
      actions={
        families.length > 0 ? (
          <Select
            label="Parameter family"
            className="w-40"
            value={family}
            onChange={(e) => setFamily(e.target.value)}
            options={families.map((f) => ({ value: f, label: f }))}
          />
        ) : null
      }
      testId="forest"
    >
      <ChartBox height={height}>
        <ScatterChart margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid {...gridProps} horizontal={false} vertical />
          <XAxis type="number" dataKey="mean" {...axisProps} domain={["auto", "auto"]} name="value" />
          <YAxis
            type="category"
            dataKey="label"
            {...axisProps}
            width={140}
            interval={0}
            tick={{ ...axisProps.tick, fontSize: 11 }}
          />
          <Scatter data={rows} fill={seriesColor(0)} isAnimationActive={false} name={family}>
            <ErrorBar
              dataKey="err"
              direction="x"
              stroke={seriesColor(0)}
              strokeWidth={2}
              width={0}
              isAnimationActive={false}
            />
          </Scatter>
          <Tooltip
            content={(p: TooltipProps<ForestRow>) => {
              const r = rowOf(p);
              if (!r) return null;
              return (
                <TooltipBox
                  title={r.label}
                  lines={[
                    { name: "Mean", value: fmt(r.p.mean) },
                    { name: "90% interval", value: `${fmt(r.p.q05)} to ${fmt(r.p.q95)}` },
                    { name: "R-hat", value: fmt(r.p.rhat, 4) },
                  ]}
                />
              );
            }}
          />
        </ScatterChart>
      </ChartBox>
    </ChartCard>
  );
}

export interface DiagnosticsView {
  converged?: boolean;
  rhatMax?: number;
  essBulkMin?: number;
  essTailMin?: number;
  divergences?: number;
  treedepthHits?: number;
  ebfmiMin?: number;
  reasons?: string[];
}

/**
 * A parameter is flagged by core's convergence thresholds (Vehtari et al. 2021): R-hat above 1.01,
 * or bulk/tail ESS under 100 per chain (400 for 4 chains, the default when `chains` is unknown).
 */
export function parameterFlag(p: ParameterView, chains?: number | null): string | null {
  const essMin = essMinimum(chains ?? DEFAULT_CHAIN_COUNT);
  const { rhatMax } = defaultConvergenceThresholds;
  if (p.rhat !== null && p.rhat !== undefined && p.rhat > rhatMax)
    return `R-hat above ${rhatMax}: chains disagree`;
  if (p.essBulk !== null && p.essBulk !== undefined && p.essBulk < essMin)
    return "Few effective draws (bulk)";
  if (p.essTail !== null && p.essTail !== undefined && p.essTail < essMin)
    return "Few effective draws (tails)";
  return null;
}

export function DiagnosticsTable({
  parameters,
  diagnostics,
  chains,
}: {
  parameters: ParameterView[];
  diagnostics: DiagnosticsView | null;
  /** Chains of the run: the ESS a parameter needs is 100 per chain. */
  chains?: number | null;
}) {
  const flagged = parameters.filter((p) => parameterFlag(p, chains));
  return (
    <ChartCard
      title="Sampler diagnostics"
      description="Convergence checks of the posterior: R-hat near 1 and hundreds of effective draws mean the intervals can be trusted."
      csv={() => ({
        columns: ["parameter", "mean", "q05", "q95", "rhat", "ess_bulk", "ess_tail", "flag"],
        rows: parameters.map((p) => [
          p.label,
          p.mean,
          p.q05,
          p.q95,
          p.rhat ?? null,
          p.essBulk ?? null,
          p.essTail ?? null,
          parameterFlag(p, chains),
        ]),
      })}
      status={
        parameters.length === 0 && !diagnostics
          ? { state: "empty", message: "No diagnostics were stored for this run." }
          : { state: "ready" }
      }
      testId="diagnostics"
    >
      {diagnostics ? (
        <dl className="mb-4 grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-muted">Converged</dt>
            <dd>
              {diagnostics.converged ? <Badge tone="success">yes</Badge> : <Badge tone="warning">no</Badge>}
            </dd>
          </div>
          <div>
            <dt className="text-muted">Max R-hat</dt>
            <dd className="tabular-nums">{fmt(diagnostics.rhatMax, 4)}</dd>
          </div>
          <div>
            <dt className="text-muted">Min ESS (bulk / tail)</dt>
            <dd className="tabular-nums">
              {fmt(diagnostics.essBulkMin, 4)} / {fmt(diagnostics.essTailMin, 4)}
            </dd>
          </div>
          <div>
            <dt className="text-muted">Divergences</dt>
            <dd className="tabular-nums">{diagnostics.divergences ?? "—"}</dd>
          </div>
        </dl>
      ) : null}
      {diagnostics?.reasons && diagnostics.reasons.length > 0 ? (
        <ul className="mb-3 list-disc pl-5 text-sm text-warning">
          {diagnostics.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
      <p className="mb-2 text-sm text-muted">
        {flagged.length === 0
          ? "No parameter is flagged."
          : `${flagged.length} parameter${flagged.length === 1 ? " is" : "s are"} flagged.`}
      </p>
      <div className="max-h-96 overflow-auto">
        <Table caption="Parameter diagnostics">
          <THead>
            <tr>
              <Th>Parameter</Th>
              <Th>Mean</Th>
              <Th>90% interval</Th>
              <Th>R-hat</Th>
              <Th>ESS bulk</Th>
              <Th>ESS tail</Th>
              <Th>Check</Th>
            </tr>
          </THead>
          <TBody>
            {parameters.map((p) => {
              const flag = parameterFlag(p, chains);
              return (
                <Tr key={p.label}>
                  <Td>{p.label}</Td>
                  <Td numeric>{fmt(p.mean)}</Td>
                  <Td numeric>
                    {fmt(p.q05)} – {fmt(p.q95)}
                  </Td>
                  <Td numeric>{fmt(p.rhat, 4)}</Td>
                  <Td numeric>{fmt(p.essBulk, 4)}</Td>
                  <Td numeric>{fmt(p.essTail, 4)}</Td>
                  <Td>{flag ? <Badge tone="warning">{flag}</Badge> : <Badge tone="success">ok</Badge>}</Td>
                </Tr>
              );
            })}
          </TBody>
        </Table>
      </div>
    </ChartCard>
  );
}
