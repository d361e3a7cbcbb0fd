"use client";
// Import lift tests from a CSV on the registry page (docs/trust.md section 2b): choose a file, the
// server checks every row (liftTest.importCsv with dryRun) and the page previews the tests and
// lists each problem by row and column; nothing is stored until the file has no problem and the
// user confirms, and then all rows are stored together. A template CSV shows the columns.
import { useMutation } from "@tanstack/react-query";
import { type ChangeEvent, useState } from "react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from "@mixcast/ui";
import { LiftTestCells, LiftTestHeadCells } from "@/components/lift-test-cells.tsx";
import { describeCsvError, liftTestCsvTemplate, MAX_LIFT_TEST_ROWS } from "@/lib/lift-test-csv.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

function downloadTemplate() {
  const url = URL.createObjectURL(new Blob([liftTestCsvTemplate], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = "mixcast-lift-tests-template.csv";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function LiftTestImport({
  workspaceId,
  onDone,
  onCancel,
}: {
  workspaceId: string;
  onDone: (imported: number) => void | Promise<void>;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const toast = useToast();
  const [fileName, setFileName] = useState<string | null>(null);
  const [csv, setCsv] = useState<string | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const check = useMutation(trpc.liftTest.importCsv.mutationOptions());
  const save = useMutation(
    trpc.liftTest.importCsv.mutationOptions({
      onSuccess: async (res) => {
        toast.show({
          tone: "success",
          title: `${res.imported} lift test${res.imported === 1 ? "" : "s"} imported`,
        });
        await onDone(res.imported);
      },
    }),
  );

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setReadError(null);
    setCsv(null);
    check.reset();
    save.reset();
    if (!file) return;
    setFileName(file.name);
    if (file.size > 2_000_000) {
      setReadError("The file is larger than 2 MB: split it.");
      return;
    }
    const text = await file.text();
    setCsv(text);
    check.mutate({ workspaceId, csv: text, dryRun: true });
  };

  const result = check.data;
  const problems = result?.errors ?? [];
  const ready = result !== undefined && problems.length === 0 && result.rows.length > 0;

  return (
    <Card className="mb-6">
      <CardHeader
        title="Import lift tests from a CSV"
        description={`One test per row, with a header row: channel, start, end (dates as YYYY-MM-DD), geos (optional; several separated by ";"), lift and se (KPI units over the test), spend (during the test), source and notes (optional). Up to ${MAX_LIFT_TEST_ROWS} tests; a file with any problem imports nothing.`}
        actions={
          <Button variant="secondary" size="sm" onClick={downloadTemplate}>
            Download template CSV
          </Button>
        }
      />
      <CardBody className="flex flex-col gap-4">
        <div className="flex flex-col gap-1.5">
          <label htmlFor="lift-test-csv" className="text-sm font-medium">
            Lift tests CSV
          </label>
          <input
            id="lift-test-csv"
            type="file"
            accept=".csv,text/csv,text/plain"
            onChange={(e) => void onFile(e)}
            className="text-sm file:mr-3 file:rounded-lg file:border file:border-line file:bg-surface file:px-3 file:py-2 file:text-sm file:font-medium"
          />
        </div>
        {readError ? (
          <Alert tone="danger" title="Could not read the file">
            {readError}
          </Alert>
        ) : null}
        {check.isPending ? (
          <p role="status" className="text-sm text-muted">
            Checking {fileName}…
          </p>
        ) : null}
        {check.error ? (
          <Alert tone="danger" title="Could not check the file">
            {errorMessage(check.error)}
          </Alert>
        ) : null}
        {problems.length > 0 ? (
          <Alert
            tone="danger"
            title={`${fileName ?? "The file"} has ${problems.length} problem${problems.length === 1 ? "" : "s"}: nothing will be imported until ${problems.length === 1 ? "it is" : "they are"} fixed`}
          >
            <p className="mb-1 text-muted">
              Rows are numbered as a spreadsheet shows them (the header is row 1).
            </p>
            <ul className="list-disc pl-5" data-testid="lift-import-errors">
              {problems.map((p) => (
                <li key={`${p.row}-${p.column ?? ""}-${p.message}`} data-testid="lift-import-error">
                  {describeCsvError(p)}
                </li>
              ))}
            </ul>
          </Alert>
        ) : null}
        {result && result.rows.length > 0 ? (
          <Table caption={ready ? "Tests to import" : "Rows without a problem"}>
            <THead>
              <tr>
                <Th>Row</Th>
                <LiftTestHeadCells />
                <Th>Check</Th>
              </tr>
            </THead>
            <TBody>
              {result.rows.map((r) => (
                <Tr key={r.row} data-testid="lift-import-row">
                  <Td numeric>{r.row}</Td>
                  <LiftTestCells test={r} />
                  <Td>{r.ok ? <Badge tone="success">ok</Badge> : <Badge tone="danger">see above</Badge>}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : null}
        {save.error ? (
          <Alert tone="danger" title="Nothing was imported">
            {errorMessage(save.error)}
          </Alert>
        ) : null}
        <div className="flex gap-2">
          <Button
            disabled={!ready || csv === null}
            loading={save.isPending}
            onClick={() => csv !== null && save.mutate({ workspaceId, csv })}
          >
            {ready ? `Import ${result.rows.length} test${result.rows.length === 1 ? "" : "s"}` : "Import"}
          </Button>
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </CardBody>
    </Card>
  );
}
