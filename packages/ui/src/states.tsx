import type { ReactNode } from "react";
import { cn } from "./cn.ts";

/** Shown when a list is empty: says what this place is for and what to do next. */
export function EmptyState({
  title,
  next,
  action,
  className,
}: {
  title: ReactNode;
  next: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div
      className={cn(
        "flex flex-col items-center gap-3 rounded-[var(--radius-card)] border border-dashed border-line bg-surface px-6 py-10 text-center",
        className,
      )}
    >
      <p className="text-base font-semibold text-fg">{title}</p>
      <p className="max-w-md text-sm text-muted">{next}</p>
      {action ? <div className="mt-1">{action}</div> : null}
    </div>
  );
}

/** A failure in plain words: what happened and what the user can do about it. */
export function ErrorState({
  title = "Something went wrong",
  message,
  action,
}: {
  title?: ReactNode;
  message: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div
      role="alert"
      className="flex flex-col gap-2 rounded-[var(--radius-card)] border border-danger/40 bg-danger-soft px-5 py-4"
    >
      <p className="font-semibold text-danger">{title}</p>
      <div className="text-sm text-fg">{message}</div>
      {action ? <div className="mt-1">{action}</div> : null}
    </div>
  );
}

export type AlertTone = "info" | "success" | "warning" | "danger";
const alertTones: Record<AlertTone, string> = {
  info: "border-info/40 bg-info-soft",
  success: "border-success/40 bg-success-soft",
  warning: "border-warning/40 bg-warning-soft",
  danger: "border-danger/40 bg-danger-soft",
};
const alertTitle: Record<AlertTone, string> = {
  info: "text-info",
  success: "text-success",
  warning: "text-warning",
  danger: "text-danger",
};

export function Alert({
  tone = "info",
  title,
  children,
}: {
  tone?: AlertTone;
  title?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div
      role={tone === "danger" || tone === "warning" ? "alert" : "status"}
      className={cn("rounded-lg border px-4 py-3 text-sm", alertTones[tone])}
    >
      {title ? <p className={cn("font-semibold", alertTitle[tone])}>{title}</p> : null}
      {children ? <div className="mt-0.5 text-fg">{children}</div> : null}
    </div>
  );
}

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <div role="status" className="flex items-center gap-2 text-sm text-muted">
      <span
        aria-hidden
        className="size-4 animate-spin rounded-full border-2 border-current border-t-transparent"
      />
      {label}
    </div>
  );
}
