"use client";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  EmptyState,
  ErrorState,
  PageHeader,
  Select,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from "@mixcast/ui";
import { downloadCsv, RunRoiCompareChart } from "@mixcast/ui/charts";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { currencySymbol, formatDateTime, formatNumber } from "@/components/format.ts";
import { configChangesCsv, runAccuracyCsv, runAccuracyRows } from "@/lib/exports.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const show = (v: unknown): string => {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
};
const FORMAT: Record<string, (v: number) => string> = {
  "Holdout MAPE": (v) => `${formatNumber(v * 100, 1)}%`,
  "Holdout R²": (v) => formatNumber(v, 3),
  "Holdout NRMSE": (v) => formatNumber(v, 3),
  "Holdout 90% coverage": (v) => `${formatNumber(v * 100, 0)}%`,
  "PSIS-LOO elpd": (v) => formatNumber(v, 1),
};

function Compare() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const a = params.get("a") ?? "";
  const b = params.get("b") ?? "";
  const runA = useQuery({
    ...trpc.run.get.queryOptions({ workspaceId: ws.id, runId: a }),
    enabled: a !== "",
  });
  const modelId = runA.data?.model.id;
  const candidates = useQuery({
    ...trpc.run.list.queryOptions({
      workspaceId: ws.id,
      status: "succeeded",
      limit: 100,
      ...(modelId ? { modelId } : {}),
    }),
  });
  const cmp = useQuery({
    ...trpc.comparison.runs.queryOptions({ workspaceId: ws.id, runA: a, runB: b }),
    enabled: a !== "" && b !== "" && a !== b,
  });
  const setParam = (key: "a" | "b", value: string) => {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    if (key === "a") next.delete("b");
    router.replace(`${pathname}?${next.toString()}`);
  };
  const options = (candidates.data?.items ?? []).map((r) => ({
    value: r.id,
    label: `${r.model.name} · config v${r.configVersion.version} · ${r.mode} · ${formatDateTime(r.finishedAt)}`,
  }));
  const d = cmp.data;
  const labels: [string, string] = d
    ? [
        `A: config v${d.a.configVersion}${d.a.configNote ? ` (${d.a.configNote})` : ""}`,
        `B: config v${d.b.configVersion}${d.b.configNote ? ` (${d.b.configNote})` : ""}`,
      ]
    : ["A", "B"];
  return (
    <>
      <PageHeader
        title="Compare two runs"
        description="Two fitted runs of the same model, e.g. a traditional config (same transforms for every channel) against the social-aware default: out-of-sample accuracy, PSIS-LOO, ROI per channel and what changed in the config."
      />
      <Card className="mb-6">
        <CardBody className="grid gap-4 sm:grid-cols-2">
          <Select
            label="Run A"
            value={a}
            onChange={(e) => setParam("a", e.target.value)}
            placeholder="Choose a run"
            options={options}
            name="runA"
          />
          <Select
            label="Run B (same model)"
            value={b}
            onChange={(e) => setParam("b", e.target.value)}
            placeholder="Choose a run"
            options={options.filter((o) => o.value !== a)}
            name="runB"
            disabled={!a}
          />
        </CardBody>
      </Card>
      {!a || !b ? (
        <EmptyState
          title="Pick two runs"
          next="Choose two succeeded runs of one model. Start a second fit with a changed config on the model page to compare configurations."
        />
      ) : cmp.isPending ? (
        <Spinner />
      ) : cmp.error ? (
        <ErrorState message={errorMessage(cmp.error)} />
      ) : d ? (
        <div className="flex flex-col gap-6" data-testid="run-comparison">
          <Card>
            <CardHeader
              title="Accuracy"
              description="Holdout: weeks kept out of fitting. PSIS-LOO: expected log predictive density (higher is better) estimated by leave-one-out cross-validation."
              actions={
                <Button
                  variant="secondary"
                  onClick={() =>
                    downloadCsv(`mixcast-run-accuracy-${d.a.id}-vs-${d.b.id}.csv`, runAccuracyCsv(d, labels))
                  }
                  aria-label="Download CSV of the accuracy table"
                >
                  Download CSV
                </Button>
              }
            />
            <CardBody>
              <Table caption="Accuracy of the two runs">
                <THead>
                  <tr>
                    <Th>Metric</Th>
                    <Th className="text-right">{labels[0]}</Th>
                    <Th className="text-right">{labels[1]}</Th>
                    <Th>Better</Th>
                  </tr>
                </THead>
                <TBody>
                  {runAccuracyRows(d).map(({ metric, better, a: va, b: vb, winner }) => {
                    const f = FORMAT[metric] ?? ((v: number) => formatNumber(v));
                    return (
                      <Tr key={metric}>
                        <Td>
                          {metric} <span className="text-xs text-muted">({better})</span>
                        </Td>
                        <Td numeric>{va === null ? "—" : f(va)}</Td>
                        <Td numeric>{vb === null ? "—" : f(vb)}</Td>
                        <Td>{winner ?? "—"}</Td>
                      </Tr>
                    );
                  })}
                </TBody>
              </Table>
              {d.elpdDiff ? (
                <p className="mt-3 text-sm text-muted">
                  elpd difference A − B: {formatNumber(d.elpdDiff.value, 1)} (±{" "}
                  {formatNumber(d.elpdDiff.se, 1)} SE of the paired differences over the same{" "}
                  {d.elpdDiff.weeks} training weeks).{" "}
                  {Math.abs(d.elpdDiff.value) < 2 * d.elpdDiff.se
                    ? "Not a clear difference."
                    : d.elpdDiff.value > 0
                      ? "A predicts better."
                      : "B predicts better."}
                </p>
              ) : d.elpdNote ? (
                <p className="mt-3 text-sm text-muted">{d.elpdNote}</p>
              ) : null}
              {[d.a, d.b].some((r) => (r.loo?.warnings ?? []).length > 0) ? (
                <div className="mt-3">
                  <Alert tone="warning" title="PSIS-LOO warnings">
                    {[
                      ...(d.a.loo?.warnings ?? []).map((w) => `A: ${w}`),
                      ...(d.b.loo?.warnings ?? []).map((w) => `B: ${w}`),
                    ].join(" ")}
                  </Alert>
                </div>
              ) : null}
            </CardBody>
          </Card>
          <RunRoiCompareChart
            roi={d.roi}
            labels={labels}
            units={{ currency: currencySymbol(ws.currency), kpi: "KPI" }}
          />
          <Card>
            <CardHeader
              title="What changed in the config"
              description="Every setting that differs between the two runs' model configs."
              actions={
                d.configChanges.length > 0 ? (
                  <Button
                    variant="secondary"
                    onClick={() =>
                      downloadCsv(
                        `mixcast-config-changes-${d.a.id}-vs-${d.b.id}.csv`,
                        configChangesCsv(d, labels),
                      )
                    }
                    aria-label="Download CSV of the config differences"
                  >
                    Download CSV
                  </Button>
                ) : null
              }
            />
            <CardBody>
              {d.configChanges.length === 0 ? (
                <p className="text-sm text-muted">
                  Same config; the runs differ only in data version, seed or fit mode.
                </p>
              ) : (
                <Table caption="Config differences">
                  <THead>
                    <tr>
                      <Th>Setting</Th>
                      <Th>A</Th>
                      <Th>B</Th>
                    </tr>
                  </THead>
                  <TBody>
                    {d.configChanges.map((c) => (
                      <Tr key={c.path} data-testid="config-change">
                        <Td className="font-mono text-xs">{c.path}</Td>
                        <Td className="font-mono text-xs">{show(c.a)}</Td>
                        <Td className="font-mono text-xs">{show(c.b)}</Td>
                      </Tr>
                    ))}
                  </TBody>
                </Table>
              )}
            </CardBody>
          </Card>
        </div>
      ) : null}
    </>
  );
}

export default function CompareRunsPage() {
  return (
    <Suspense fallback={<Spinner />}>
      <Compare />
    </Suspense>
  );
}
