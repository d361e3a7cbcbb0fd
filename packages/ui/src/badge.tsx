import type { ReactNode } from "react";
import { cn } from "./cn.ts";

export type BadgeTone = "neutral" | "info" | "success" | "warning" | "danger";

const tones: Record<BadgeTone, string> = {
  neutral: "bg-neutral-soft text-muted",
  info: "bg-info-soft text-info",
  success: "bg-success-soft text-success",
  warning: "bg-warning-soft text-warning",
  danger: "bg-danger-soft text-danger",
};

export function Badge({
  tone = "neutral",
  children,
  className,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  className?: string;
}) {
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap",
        tones[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

const runTone: Record<RunStatus, BadgeTone> = {
  queued: "neutral",
  running: "info",
  succeeded: "success",
  failed: "danger",
  cancelled: "neutral",
};

const runLabel: Record<RunStatus, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

/**
 * Status of a fit. A succeeded run that did not converge is never shown in the success color:
 * it gets a warning badge, because its numbers are not reliable.
 */
export function RunStatusBadge({ status, converged }: { status: RunStatus; converged?: boolean | null }) {
  if (status === "succeeded" && converged === false) {
    return <Badge tone="warning">Not converged</Badge>;
  }
  return <Badge tone={runTone[status]}>{runLabel[status]}</Badge>;
}
