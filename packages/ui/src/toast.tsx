"use client";
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { cn } from "./cn.ts";

export type ToastTone = "info" | "success" | "danger";
interface ToastItem {
  id: number;
  tone: ToastTone;
  title: string;
  message?: string;
}

interface ToastApi {
  show(toast: { tone?: ToastTone; title: string; message?: string }): void;
}

const ToastContext = createContext<ToastApi | null>(null);

/** Transient notifications, announced politely to screen readers. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setItems((xs) => xs.filter((x) => x.id !== id)), []);
  const show = useCallback<ToastApi["show"]>(
    ({ tone = "info", title, message }) => {
      const id = nextId.current++;
      setItems((xs) => [...xs, { id, tone, title, ...(message !== undefined ? { message } : {}) }]);
      setTimeout(() => dismiss(id), 6000);
    },
    [dismiss],
  );
  const api = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div
        aria-live="polite"
        className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2"
      >
        {items.map((t) => (
          <div
            key={t.id}
            role="status"
            className={cn(
              "pointer-events-auto rounded-lg border bg-surface px-4 py-3 text-sm shadow-lg",
              t.tone === "success" && "border-success/50",
              t.tone === "danger" && "border-danger/50",
              t.tone === "info" && "border-line",
            )}
          >
            <div className="flex items-start justify-between gap-3">
              <p
                className={cn(
                  "font-semibold",
                  t.tone === "success" && "text-success",
                  t.tone === "danger" && "text-danger",
                )}
              >
                {t.title}
              </p>
              <button
                type="button"
                aria-label="Dismiss notification"
                className="text-muted hover:text-fg"
                onClick={() => dismiss(t.id)}
              >
                ×
              </button>
            </div>
            {t.message ? <p className="mt-0.5 text-muted">{t.message}</p> : null}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast must be used inside <ToastProvider>");
  return api;
}
