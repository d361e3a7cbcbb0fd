"use client";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { ResponsiveContainer } from "recharts";
import { Button } from "../button.tsx";
import { Card, CardBody, CardHeader } from "../card.tsx";
import { EmptyState, ErrorState, Spinner } from "../states.tsx";
import { downloadCsv, slug, type CsvTable } from "./csv.ts";

export type ChartStatus =
  | { state: "ready" }
  | { state: "loading" }
  | { state: "empty"; message: ReactNode }
  | { state: "error"; message: ReactNode };

/**
 * The frame of every chart: title, what it shows (with units), a CSV download of the data as
 * plotted, and loading / empty / error states in place of the plot.
 */
export function ChartCard({
  title,
  description,
  csv,
  status = { state: "ready" },
  actions,
  footer,
  children,
  testId,
}: {
  title: ReactNode;
  description?: ReactNode;
  csv?: CsvTable | (() => CsvTable);
  status?: ChartStatus;
  actions?: ReactNode;
  footer?: ReactNode;
  children?: ReactNode;
  testId?: string;
}) {
  const name = typeof title === "string" ? title : "chart";
  const download = csv ? (
    <Button
      variant="secondary"
      size="sm"
      onClick={() => downloadCsv(slug(name), typeof csv === "function" ? csv() : csv)}
      aria-label={`Download CSV of ${name}`}
    >
      CSV
    </Button>
  ) : null;
  return (
    <Card data-chart={testId ?? slug(name)} className="min-w-0">
      <CardHeader
        title={title}
        description={description}
        actions={
          status.state === "ready" ? (
            <>
              {actions}
              {download}
            </>
          ) : (
            actions
          )
        }
      />
      <CardBody>
        {status.state === "loading" ? (
          <div className="flex h-48 items-center justify-center">
            <Spinner label="Loading chart" />
          </div>
        ) : status.state === "error" ? (
          <ErrorState title="This chart could not be drawn" message={status.message} />
        ) : status.state === "empty" ? (
          <EmptyState title="Nothing to show yet" next={status.message} />
        ) : (
          children
        )}
        {footer && status.state === "ready" ? <div className="mt-3 text-sm text-muted">{footer}</div> : null}
      </CardBody>
    </Card>
  );
}

/**
 * Responsive plot area; renders at `initialWidth` before it can measure (and in tests). The plot
 * mounts only once the box is within 300 px of the viewport, so a long page of charts costs only
 * what is on screen at first; where IntersectionObserver is missing (jsdom) it mounts at once.
 */
export function ChartBox({
  height = 300,
  initialWidth = 640,
  children,
}: {
  height?: number;
  initialWidth?: number;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(() => typeof IntersectionObserver === "undefined");
  useEffect(() => {
    if (visible || !ref.current) return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setVisible(true);
          io.disconnect();
        }
      },
      { rootMargin: "300px 0px" },
    );
    io.observe(ref.current);
    return () => io.disconnect();
  }, [visible]);
  return (
    <div ref={ref} style={{ width: "100%", height }} data-chart-box={visible ? "drawn" : "waiting"}>
      {visible ? (
        <ResponsiveContainer width="100%" height={height} initialDimension={{ width: initialWidth, height }}>
          {children as React.ReactElement}
        </ResponsiveContainer>
      ) : null}
    </div>
  );
}

/** The status a caller passed, else empty (with `message`) when there is nothing to draw, else ready. */
export function statusOrEmpty(status: ChartStatus | undefined, count: number, message: string): ChartStatus {
  return status ?? (count === 0 ? { state: "empty", message } : { state: "ready" });
}
