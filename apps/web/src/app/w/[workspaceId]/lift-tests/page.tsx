"use client";
// The workspace's lift-test registry (docs/model.md section 11): list, add, edit, archive. Runs
// read the active tests of their model's channels when they start, weigh them by age and spend
// level, and pin what they used (the run page shows each test against the model).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import {
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  EmptyState,
  ErrorState,
  Input,
  PageHeader,
  Spinner,
  Table,
  TBody,
  Td,
  Textarea,
  Th,
  THead,
  Tr,
  useToast,
} from "@mixcast/ui";
import { LiftTestCells, LiftTestHeadCells } from "@/components/lift-test-cells.tsx";
import { LiftTestImport } from "@/components/lift-test-import.tsx";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

interface FormState {
  channel: string;
  start: string;
  end: string;
  geos: string;
  lift: string;
  se: string;
  spend: string;
  source: string;
  notes: string;
}

const EMPTY: FormState = {
  channel: "",
  start: "",
  end: "",
  geos: "",
  lift: "",
  se: "",
  spend: "",
  source: "",
  notes: "",
};
type FieldErrors = Partial<Record<keyof FormState, string>>;
interface LiftTestValue {
  channel: string;
  start: string;
  end: string;
  geos: string[];
  lift: number;
  se: number;
  spend: number;
  source?: string;
  notes?: string;
}

/** Client-side checks, each naming its field (the server checks the same and names it too). */
function validate(f: FormState): { errors: FieldErrors; value?: LiftTestValue } {
  const errors: FieldErrors = {};
  const iso = /^\d{4}-\d{2}-\d{2}$/;
  if (f.channel.trim() === "") errors.channel = "Channel: name the channel as the model calls it.";
  if (!iso.test(f.start)) errors.start = "Start date: use a date like 2026-03-02.";
  if (!iso.test(f.end)) errors.end = "End date: use a date like 2026-03-02.";
  else if (iso.test(f.start) && f.end < f.start) errors.end = "End date: must not be before the start date.";
  const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
  const lift = num(f.lift);
  const se = num(f.se);
  const spend = num(f.spend);
  if (!Number.isFinite(lift)) errors.lift = "Measured lift: enter a number (KPI units).";
  if (!(se > 0)) errors.se = "Standard error: enter a number above 0.";
  if (!(spend > 0)) errors.spend = "Spend during the test: enter a number above 0.";
  if (Object.keys(errors).length > 0) return { errors };
  const geos = f.geos
    .split(",")
    .map((g) => g.trim())
    .filter((g) => g !== "");
  return {
    errors,
    value: {
      channel: f.channel.trim(),
      start: f.start,
      end: f.end,
      geos,
      lift,
      se,
      spend,
      ...(f.source.trim() ? { source: f.source.trim() } : {}),
      ...(f.notes.trim() ? { notes: f.notes.trim() } : {}),
    },
  };
}

/** A server message "Field: reason" goes under that field; anything else under the form. */
function fieldOfMessage(message: string): keyof FormState | null {
  const label = message.split(":")[0]?.trim().toLowerCase() ?? "";
  const map: Record<string, keyof FormState> = {
    channel: "channel",
    "start date": "start",
    start: "start",
    "end date": "end",
    end: "end",
    "measured lift": "lift",
    lift: "lift",
    "standard error": "se",
    se: "se",
    "spend during the test": "spend",
    spend: "spend",
    geos: "geos",
    source: "source",
    notes: "notes",
  };
  return map[label] ?? null;
}

export default function LiftTestsPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [showArchived, setShowArchived] = useState(false);
  const [importing, setImporting] = useState(false);
  const tests = useQuery(
    trpc.liftTest.list.queryOptions({ workspaceId: ws.id, includeArchived: showArchived }),
  );
  const canEdit = ws.can("analyst");
  const [editing, setEditing] = useState<string | null>(null);
  const [form, setForm] = useState<FormState>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.liftTest.pathKey() });
  const onError = (e: unknown) => {
    const message = errorMessage(e);
    const field = fieldOfMessage(message);
    if (field) setErrors({ [field]: message });
    else setFormError(message);
  };
  const create = useMutation(
    trpc.liftTest.create.mutationOptions({
      onSuccess: async () => {
        await refresh();
        setEditing(null);
        toast.show({ tone: "success", title: "Lift test added" });
      },
      onError,
    }),
  );
  const update = useMutation(
    trpc.liftTest.update.mutationOptions({
      onSuccess: async () => {
        await refresh();
        setEditing(null);
        toast.show({ tone: "success", title: "Lift test saved" });
      },
      onError,
    }),
  );
  const archive = useMutation(
    trpc.liftTest.archive.mutationOptions({
      onSuccess: refresh,
      onError: (e) => toast.show({ tone: "danger", title: "Could not archive", message: errorMessage(e) }),
    }),
  );

  const open = (id: string, f: FormState) => {
    setEditing(id);
    setForm(f);
    setErrors({});
    setFormError(null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const { errors: errs, value } = validate(form);
    setErrors(errs);
    if (!value) return;
    if (editing === "new") create.mutate({ workspaceId: ws.id, ...value });
    else if (editing) update.mutate({ workspaceId: ws.id, liftTestId: editing, ...value });
  };
  const field = (key: keyof FormState, label: string, extra: Record<string, unknown> = {}) => (
    <Input
      label={label}
      name={key}
      value={form[key]}
      error={errors[key]}
      onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      {...extra}
    />
  );
  const addButton = canEdit ? (
    <div className="flex gap-2">
      <Button
        variant="secondary"
        onClick={() => {
          setEditing(null);
          setImporting(true);
        }}
      >
        Import CSV
      </Button>
      <Button
        onClick={() => {
          setImporting(false);
          open("new", EMPTY);
        }}
      >
        Add lift test
      </Button>
    </div>
  ) : null;

  return (
    <>
      <PageHeader
        title="Lift tests"
        description="Experiments that measured a channel's incremental KPI. Runs use the active tests of their model's channels, weighted down by age (half-life 52 weeks) and by how far the test's spend level is from today's; each run pins the tests it used."
        actions={addButton}
      />
      {importing && canEdit ? (
        <LiftTestImport
          workspaceId={ws.id}
          onCancel={() => setImporting(false)}
          onDone={async () => {
            await refresh();
            setImporting(false);
          }}
        />
      ) : null}
      {editing !== null ? (
        <Card className="mb-6">
          <CardHeader
            title={editing === "new" ? "New lift test" : "Edit lift test"}
            description="Lift and standard error in KPI units over the test's weeks and geos. Runs already finished keep the values they used."
          />
          <CardBody>
            <form onSubmit={submit} noValidate aria-label="Lift test" className="flex flex-col gap-3">
              <div className="grid gap-3 sm:grid-cols-3">
                {field("channel", "Channel", {
                  autoFocus: true,
                  hint: "As the model names it (e.g. tv_spend or TV).",
                })}
                {field("start", "Start date", { type: "date" })}
                {field("end", "End date", { type: "date" })}
              </div>
              <div className="grid gap-3 sm:grid-cols-3">
                {field("lift", "Measured lift", {
                  inputMode: "decimal",
                  hint: "Incremental KPI over the test.",
                })}
                {field("se", "Standard error", { inputMode: "decimal" })}
                {field("spend", "Spend during the test", { inputMode: "decimal" })}
              </div>
              <div className="grid gap-3 sm:grid-cols-2">
                {field("geos", "Geos", { hint: "Comma-separated; empty for a national test." })}
                {field("source", "Source", { hint: "e.g. geo holdout by the agency" })}
              </div>
              <Textarea
                label="Notes"
                name="notes"
                value={form.notes}
                error={errors.notes}
                onChange={(e) => setForm({ ...form, notes: e.target.value })}
              />
              {formError ? (
                <p role="alert" className="text-sm font-medium text-danger">
                  {formError}
                </p>
              ) : null}
              <div className="flex gap-2">
                <Button type="submit" loading={create.isPending || update.isPending}>
                  {editing === "new" ? "Add lift test" : "Save"}
                </Button>
                <Button type="button" variant="secondary" onClick={() => setEditing(null)}>
                  Cancel
                </Button>
              </div>
            </form>
          </CardBody>
        </Card>
      ) : null}
      <div className="mb-3">
        <Checkbox
          label="Show archived tests"
          checked={showArchived}
          onChange={(e) => setShowArchived(e.target.checked)}
        />
      </div>
      {tests.isPending ? (
        <Spinner />
      ) : tests.error ? (
        <ErrorState message={errorMessage(tests.error)} />
      ) : tests.data.length === 0 ? (
        <EmptyState
          title="No lift tests yet"
          next={
            canEdit
              ? "Add the result of a geo holdout, a conversion-lift study or an on/off test; the next run of a model with that channel uses it."
              : "An analyst of this workspace can add lift tests."
          }
          action={addButton}
        />
      ) : (
        <Table caption="Lift tests">
          <THead>
            <tr>
              <LiftTestHeadCells />
              <Th className="text-right">Runs</Th>
              {canEdit ? <Th>Actions</Th> : null}
            </tr>
          </THead>
          <TBody>
            {tests.data.map((t) => (
              <Tr key={t.id}>
                <LiftTestCells
                  test={{ ...t, start: t.startDate, end: t.endDate }}
                  channelNote={t.archivedAt ? <Badge tone="neutral">archived</Badge> : null}
                />
                <Td numeric>{t.runs}</Td>
                {canEdit ? (
                  <Td>
                    <div className="flex gap-2">
                      <Button
                        size="sm"
                        variant="secondary"
                        aria-label={`Edit the ${t.channel} test of ${t.startDate}`}
                        onClick={() =>
                          open(t.id, {
                            channel: t.channel,
                            start: t.startDate,
                            end: t.endDate,
                            geos: t.geos.join(", "),
                            lift: String(t.lift),
                            se: String(t.se),
                            spend: String(t.spend),
                            source: t.source ?? "",
                            notes: t.notes ?? "",
                          })
                        }
                      >
                        Edit
                      </Button>
                      <Button
                        size="sm"
                        variant="secondary"
                        aria-label={`${t.archivedAt ? "Restore" : "Archive"} the ${t.channel} test of ${t.startDate}`}
                        onClick={() =>
                          archive.mutate({ workspaceId: ws.id, liftTestId: t.id, archived: !t.archivedAt })
                        }
                      >
                        {t.archivedAt ? "Restore" : "Archive"}
                      </Button>
                    </div>
                  </Td>
                ) : null}
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
