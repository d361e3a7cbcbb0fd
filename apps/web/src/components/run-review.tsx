"use client";
// Run page: is this the approved run of its model; approve it (with a note); its stability
// against the approved run (chart + per-channel table, CSV export) and what changed.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  FormError,
  Input,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from "@mixcast/ui";
import { RoiMoveChart, type ChartUnits } from "@mixcast/ui/charts";
import { toCsv } from "@mixcast/ui/csv";
import { currencySymbol, formatDateTime } from "@/components/format.ts";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const f2 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(2);

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export function RunReview({ runId, kpiName }: { runId: string; kpiName: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const review = useQuery(trpc.approval.review.queryOptions({ workspaceId: ws.id, runId }));
  const [note, setNote] = useState("");
  const approve = useMutation(
    trpc.approval.approve.mutationOptions({
      onSuccess: async () => {
        toast.show({
          tone: "success",
          title: "Run approved",
          message: "Insights, plans and the home page now use it.",
        });
        setNote("");
        await queryClient.invalidateQueries({ queryKey: trpc.approval.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.home.pathKey() });
      },
    }),
  );
  if (review.isPending) return <Spinner label="Loading the review" />;
  if (review.error) return <Alert tone="danger">{errorMessage(review.error)}</Alert>;
  const r = review.data;
  if (r.run.status !== "succeeded") return null;
  const units: ChartUnits = { currency: currencySymbol(ws.currency), kpi: kpiName };
  const s = r.stability;
  const moves = s
    ? Object.entries(s.channels)
        .filter(([, c]) => c.approved && c.refit)
        .map(([name, c]) => ({
          channel: name,
          previous: c.approved!,
          current: c.refit!,
          delta: c.refit!.mean - c.approved!.mean,
          relativeDelta:
            c.approved!.mean === 0 ? null : (c.refit!.mean - c.approved!.mean) / Math.abs(c.approved!.mean),
          flagged: c.moved,
        }))
    : null;
  const baseLabel =
    r.comparedWith?.role === "previously approved" ? "Previously approved run" : "Approved run";
  const changes = r.changes;

  return (
    <Card>
      <CardHeader
        title="Approval and stability"
        description="Stakeholders see a model's approved run; a refit changes nothing until it is approved."
      />
      <CardBody className="flex flex-col gap-4" data-testid="run-review">
        {r.isApproved ? (
          <Alert tone="success">
            Approved run of {r.model.name}
            {r.approval
              ? ` — by ${r.approval.by}, ${formatDateTime(r.approval.at)}${r.approval.note ? `: “${r.approval.note}”` : ""}`
              : ""}
            .
          </Alert>
        ) : (
          <div className="flex flex-col gap-2">
            <p className="text-sm">
              Not approved.{" "}
              {r.comparedWith
                ? `${r.model.name}'s approved run is `
                : `${r.model.name} has no approved run yet.`}
              {r.comparedWith ? (
                <a className="underline" href={`/w/${ws.id}/runs/${r.comparedWith.id}`}>
                  {r.comparedWith.id.slice(0, 8)}
                </a>
              ) : null}
            </p>
            {ws.can("analyst") ? (
              <form
                className="flex flex-col gap-2 sm:flex-row sm:items-end"
                onSubmit={(e) => {
                  e.preventDefault();
                  approve.mutate({
                    workspaceId: ws.id,
                    runId,
                    ...(note.trim() ? { note: note.trim() } : {}),
                  });
                }}
              >
                <Input
                  label="Approval note (optional)"
                  value={note}
                  maxLength={500}
                  onChange={(e) => setNote(e.target.value)}
                  className="sm:flex-1"
                />
                <Button type="submit" loading={approve.isPending}>
                  Approve this run
                </Button>
              </form>
            ) : (
              <p className="text-sm text-muted">Analysts, admins and owners can approve runs.</p>
            )}
            <FormError>{approve.error ? errorMessage(approve.error) : null}</FormError>
          </div>
        )}

        {s ? (
          <section className="flex flex-col gap-3" data-testid="stability-panel" aria-label="Stability">
            <div className="flex flex-wrap items-center gap-3">
              <h3 className="text-base font-semibold">
                Stability against the {baseLabel.toLowerCase()}: {f2(s.score)}
              </h3>
              <Badge tone={s.stable ? "success" : "warning"}>
                {s.stable ? "stable" : "unstable"} (threshold {f2(s.threshold)})
              </Badge>
            </div>
            <p className="text-sm text-muted">
              {s.moved.length
                ? `Channels that moved: ${s.moved.join(", ")}.`
                : "No channel moved: every ROI is within one sd of the approved one and the intervals overlap."}{" "}
              Per channel: overlap of the 90% ROI intervals (1 = identical) and the shift of the mean in the
              approved posterior's standard deviations.
            </p>
            <RoiMoveChart moves={moves} units={units} previousLabel={baseLabel} currentLabel="This run" />
            <Table caption="Stability per channel">
              <THead>
                <Tr>
                  <Th>Channel</Th>
                  <Th>{baseLabel} ROI (90%)</Th>
                  <Th>This run ROI (90%)</Th>
                  <Th>Overlap</Th>
                  <Th>Shift (sd)</Th>
                  <Th>Score</Th>
                  <Th>Moved</Th>
                </Tr>
              </THead>
              <TBody>
                {Object.entries(s.channels).map(([name, c]) => (
                  <Tr key={name}>
                    <Td>{name}</Td>
                    <Td>
                      {c.approved
                        ? `${f2(c.approved.mean)} (${f2(c.approved.q05)}–${f2(c.approved.q95)})`
                        : "not in that run"}
                    </Td>
                    <Td>
                      {c.refit
                        ? `${f2(c.refit.mean)} (${f2(c.refit.q05)}–${f2(c.refit.q95)})`
                        : "not in this run"}
                    </Td>
                    <Td>{f2(c.overlap)}</Td>
                    <Td>{f2(c.shiftSd)}</Td>
                    <Td>{f2(c.score)}</Td>
                    <Td>{c.moved ? <Badge tone="warning">moved</Badge> : "—"}</Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
            <div>
              <Button
                variant="secondary"
                size="sm"
                onClick={() =>
                  download(
                    `mixcast-stability-${runId}.csv`,
                    toCsv(
                      [
                        "channel",
                        "approved_mean",
                        "approved_q05",
                        "approved_q95",
                        "run_mean",
                        "run_q05",
                        "run_q95",
                        "overlap",
                        "shift_sd",
                        "score",
                        "moved",
                      ],
                      Object.entries(s.channels).map(([n, c]) => [
                        n,
                        c.approved?.mean ?? "",
                        c.approved?.q05 ?? "",
                        c.approved?.q95 ?? "",
                        c.refit?.mean ?? "",
                        c.refit?.q05 ?? "",
                        c.refit?.q95 ?? "",
                        c.overlap,
                        c.shiftSd ?? "",
                        c.score,
                        c.moved ? "yes" : "no",
                      ]),
                    ),
                  )
                }
              >
                Export stability CSV
              </Button>
            </div>
          </section>
        ) : r.comparedWith ? (
          <p className="text-sm text-muted">
            Stability needs ROI summaries in both runs; one of them has none.
          </p>
        ) : null}

        {changes ? (
          <section className="flex flex-col gap-2" aria-label="What changed">
            <h3 className="text-base font-semibold">What changed since the {baseLabel.toLowerCase()}</h3>
            <ul className="list-disc pl-5 text-sm">
              <li>
                Data: dataset v{changes.datasetVersion.from} → v{changes.datasetVersion.to}
                {changes.data
                  ? changes.data.sameVersion
                    ? " (the same version)"
                    : ` — ${changes.data.added.length} week(s) added, ${changes.data.revisedCount} revised, ${changes.data.removed.length} removed${changes.data.columnsAdded.length ? `; new columns ${changes.data.columnsAdded.join(", ")}` : ""}${changes.data.columnsRemoved.length ? `; dropped columns ${changes.data.columnsRemoved.join(", ")}` : ""}`
                  : " (could not compare the files)"}
              </li>
              <li>
                Config: v{changes.configVersion.from} → v{changes.configVersion.to}
                {changes.config.length
                  ? ` — ${changes.config.length} setting(s) changed`
                  : " — no setting changed"}
              </li>
              <li>
                Engine: {changes.engine.from ?? "?"}
                {changes.engine.from === changes.engine.to
                  ? " (unchanged)"
                  : ` → ${changes.engine.to ?? "?"}`}
              </li>
            </ul>
            {changes.data && changes.data.revised.length ? (
              <Table caption="Revised weeks">
                <THead>
                  <Tr>
                    <Th>Week</Th>
                    <Th>Row</Th>
                    <Th>Column</Th>
                    <Th>Was</Th>
                    <Th>Now</Th>
                  </Tr>
                </THead>
                <TBody>
                  {changes.data.revised.flatMap((w) =>
                    w.changes.map((c) => (
                      <Tr key={`${w.date}-${c.column}`}>
                        <Td>{w.date}</Td>
                        <Td>{w.row}</Td>
                        <Td>{c.column}</Td>
                        <Td>{c.from}</Td>
                        <Td>{c.to}</Td>
                      </Tr>
                    )),
                  )}
                </TBody>
              </Table>
            ) : null}
            {changes.data && changes.data.added.length ? (
              <p className="text-xs text-muted">
                Weeks added: {changes.data.added.map((a) => a.date).join(", ")}.
              </p>
            ) : null}
            {changes.config.length ? (
              <ul className="text-xs text-muted">
                {changes.config.map((c) => (
                  <li key={c.path}>
                    <code>{c.path}</code>: {JSON.stringify(c.from) ?? "—"} → {JSON.stringify(c.to) ?? "—"}
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
        ) : null}
      </CardBody>
    </Card>
  );
}
