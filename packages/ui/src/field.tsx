"use client";
import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";
import { cn } from "./cn.ts";

const control =
  "block w-full rounded-lg border bg-surface px-3 text-sm text-fg placeholder:text-muted " +
  "focus:outline-none focus:ring-2 focus:ring-ring disabled:opacity-60";

interface FieldChrome {
  label: ReactNode;
  /** Shown under the control in plain words; marks the control aria-invalid. */
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
}

function FieldFrame({
  id,
  label,
  error,
  hint,
  className,
  children,
}: FieldChrome & { id: string; children: ReactNode }) {
  return (
    <div className={cn("flex flex-col gap-1.5", className)}>
      <label htmlFor={id} className="text-sm font-medium text-fg">
        {label}
      </label>
      {children}
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-xs font-medium text-danger">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, error?: string, hint?: ReactNode): string | undefined {
  if (error) return `${id}-error`;
  if (hint) return `${id}-hint`;
  return undefined;
}

export type InputProps = FieldChrome & Omit<InputHTMLAttributes<HTMLInputElement>, "className">;

/** A labelled text input with an inline error. */
export function Input({ label, error, hint, className, id, ...rest }: InputProps) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <FieldFrame id={inputId} label={label} error={error} hint={hint} className={className}>
      <input
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(inputId, error, hint)}
        className={cn(control, "h-10", error ? "border-danger" : "border-line")}
        {...rest}
      />
    </FieldFrame>
  );
}

export type TextareaProps = FieldChrome & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "className">;

export function Textarea({ label, error, hint, className, id, ...rest }: TextareaProps) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <FieldFrame id={inputId} label={label} error={error} hint={hint} className={className}>
      <textarea
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(inputId, error, hint)}
        className={cn(control, "py-2", error ? "border-danger" : "border-line")}
        {...rest}
      />
    </FieldFrame>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

export type SelectProps = FieldChrome &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, "className" | "children"> & {
    options: readonly SelectOption[];
    placeholder?: string;
  };

/** A labelled native select: keyboard, screen reader and mobile friendly by construction. */
export function Select({ label, error, hint, className, id, options, placeholder, ...rest }: SelectProps) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <FieldFrame id={inputId} label={label} error={error} hint={hint} className={className}>
      <select
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(inputId, error, hint)}
        className={cn(control, "h-10 pr-8", error ? "border-danger" : "border-line")}
        {...rest}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "className"> {
  label: ReactNode;
  className?: string;
}

export function Checkbox({ label, className, id, ...rest }: CheckboxProps) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <div className={cn("flex items-center gap-2", className)}>
      <input id={inputId} type="checkbox" className="size-4 rounded border-line accent-primary" {...rest} />
      <label htmlFor={inputId} className="text-sm text-fg">
        {label}
      </label>
    </div>
  );
}

/** Form-level error summary, e.g. a server rejection not tied to a single field. */
export function FormError({ children }: { children?: ReactNode }) {
  if (!children) return null;
  return (
    <div
      role="alert"
      className="rounded-lg border border-danger/40 bg-danger-soft px-3 py-2 text-sm text-danger"
    >
      {children}
    </div>
  );
}
