import type { ReactNode } from "react";
import { cn } from "./cn.ts";

/** Determinate progress (0..100). Indeterminate when value is null. */
export function ProgressBar({
  value,
  label,
  detail,
  tone = "primary",
}: {
  value: number | null;
  label: string;
  detail?: ReactNode;
  tone?: "primary" | "success" | "danger";
}) {
  const pct = value === null ? null : Math.max(0, Math.min(100, value));
  const bar = tone === "success" ? "bg-success" : tone === "danger" ? "bg-danger" : "bg-primary";
  return (
    <div className="flex flex-col gap-1.5">
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium text-fg">{label}</span>
        {pct !== null ? <span className="tabular-nums text-muted">{pct.toFixed(0)}%</span> : null}
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        className="h-2.5 w-full overflow-hidden rounded-full bg-surface-2"
      >
        <div
          className={cn(
            "h-full rounded-full transition-[width] duration-500",
            bar,
            pct === null && "w-1/3 animate-pulse",
          )}
          style={pct === null ? undefined : { width: `${pct}%` }}
        />
      </div>
      {detail ? <div className="text-xs text-muted">{detail}</div> : null}
    </div>
  );
}
