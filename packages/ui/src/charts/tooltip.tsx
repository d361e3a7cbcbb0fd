"use client";
import type { ReactNode } from "react";
import { formatMoney, seriesColor } from "./theme.ts";

export interface TooltipLine {
  name: ReactNode;
  value: ReactNode;
  color?: string;
}

/** Tooltip body in the design tokens' colours (readable in light and dark). */
export function TooltipBox({ title, lines }: { title?: ReactNode; lines: TooltipLine[] }) {
  return (
    <div
      className="rounded-md border border-line bg-surface px-3 py-2 text-xs text-fg shadow-md"
      role="tooltip"
    >
      {title !== undefined ? <p className="mb-1 font-semibold">{title}</p> : null}
      <ul className="space-y-0.5">
        {lines.map((l, i) => (
          <li key={i} className="flex items-center gap-2">
            {l.color ? (
              <span
                aria-hidden
                className="inline-block size-2 rounded-full"
                style={{ background: l.color }}
              />
            ) : null}
            <span className="text-muted">{l.name}</span>
            <span className="ml-auto font-medium tabular-nums">{l.value}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The slice of recharts' tooltip props our tooltips read. */
export interface TooltipProps<Row> {
  active?: boolean;
  label?: string | number;
  payload?: readonly { payload?: Row }[];
}

export function rowOf<Row>(p: TooltipProps<Row>): Row | null {
  if (!p.active || !p.payload || p.payload.length === 0) return null;
  return p.payload[0]?.payload ?? null;
}

/** A recharts tooltip `content` showing the hovered row as `describe` words it (nothing off a row). */
export function rowTooltip<Row>(describe: (r: Row) => { title?: ReactNode; lines: TooltipLine[] }) {
  return (p: TooltipProps<Row>) => {
    const r = rowOf(p);
    return r ? <TooltipBox {...describe(r)} /> : null;
  };
}

/** Tooltip of a stacked spend chart: each series' amount in the hovered row, in its colour. */
export function stackedMoneyTooltip(titleKey: string, series: string[], currency: string) {
  return rowTooltip((r: Record<string, number | string>) => ({
    title: String(r[titleKey]),
    lines: series.map((name, i) => ({
      name,
      value: formatMoney(r[name] as number, currency),
      color: seriesColor(i),
    })),
  }));
}
