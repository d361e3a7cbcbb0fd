"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState, type ChangeEvent } from "react";
import { channelTypes, holidayCountries, type ChannelType, type ColumnMapping } from "@mixcast/core";
import type { DataIssue } from "@mixcast/core";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  FormError,
  Input,
  ProgressBar,
  Select,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from "@mixcast/ui";
import Papa from "papaparse";
import { previewCsv, PREVIEW_ROWS, type CsvPreview } from "@/lib/csv-preview.ts";
import { aggregateDailyToWeeklyInSlices, rowSpacingDays, type WeeklyRule } from "@/lib/weekly-aggregate.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";
import {
  buildMappingV2,
  CHANNEL_COLUMN_ROLES,
  suggestChoices,
  weeklyRuleOf,
  type ColumnChoiceV2,
  type MappingRole,
  type MappingSettings,
} from "@/lib/mapping-v2.ts";
import { checkUpload } from "@/lib/upload-checks.ts";
import { UploadChecks } from "./upload-checks.tsx";
import { useWorkspace } from "./workspace-context.tsx";

type ColumnRole = MappingRole;
type ColumnChoice = ColumnChoiceV2;

const roleOptions: { value: ColumnRole; label: string }[] = [
  { value: "date", label: "Date (week)" },
  { value: "geo", label: "Geo (region, market)" },
  { value: "population", label: "Population of the geo" },
  { value: "kpi", label: "KPI (what you sell)" },
  { value: "value", label: "Value per unit (e.g. revenue per conversion)" },
  { value: "channel", label: "Channel spend" },
  { value: "exposure", label: "Channel exposure (impressions, clicks)" },
  { value: "reach", label: "Channel reach" },
  { value: "frequency", label: "Channel frequency" },
  { value: "organic", label: "Organic channel (exposure, no spend)" },
  { value: "control", label: "Control (price, weather...; text = categories)" },
  { value: "event", label: "Event (0/1 holiday, promo)" },
  { value: "ignore", label: "Ignore" },
];

const typeLabels: Record<ChannelType, string> = {
  traditional: "Traditional (TV, radio, print)",
  digital: "Digital (search, display)",
  social: "Social (Meta, TikTok...)",
  influencer: "Influencer",
  other: "Other",
};

/** The v1 mapping of plain choices (kept for callers of the v1 upload form). */
export function buildMapping(choices: ColumnChoice[]): { mapping: ColumnMapping | null; problems: string[] } {
  const built = buildMappingV2(choices, { kpiType: "revenue", valuePerUnit: null, holidayCountry: "" });
  return { mapping: built.v1, problems: built.problems };
}

export function DatasetUpload({ datasetId, datasetName }: { datasetId?: string; datasetName?: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [choices, setChoices] = useState<ColumnChoice[]>([]);
  const [settings, setSettings] = useState<MappingSettings>({
    kpiType: "revenue",
    valuePerUnit: null,
    holidayCountry: "",
  });
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<{ list: DataIssue[]; count: number } | null>(null);

  const upload = useMutation(
    trpc.dataset.upload.mutationOptions({
      onSuccess: async (result) => {
        if (!result.ok) {
          setErrors({ list: result.errors, count: result.errorCount });
          return;
        }
        await queryClient.invalidateQueries({ queryKey: trpc.dataset.pathKey() });
        toast.show({
          tone: "success",
          title: result.duplicate
            ? `Same data as version ${result.version}`
            : `Saved as version ${result.version}`,
          ...(result.duplicate
            ? { message: "This file is identical to an existing version, so no new version was created." }
            : {}),
        });
        router.push(`/w/${ws.id}/datasets/${result.datasetId}`);
      },
    }),
  );

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const f = e.target.files?.[0] ?? null;
    setFile(f);
    setConverted(null);
    setPreview(null);
    setErrors(null);
    setReadError(null);
    if (!f) return;
    if (!name && !datasetId) setName(f.name.replace(/\.[^.]+$/, "").replace(/[_-]+/g, " "));
    setProgress(0);
    try {
      const p = await previewCsv(f, setProgress);
      setPreview(p);
      const suggested = suggestChoices(p.headers, p.rows);
      setChoices(suggested.choices);
      setSettings(suggested.settings);
    } catch (err) {
      setReadError(err instanceof Error ? err.message : String(err));
    } finally {
      setProgress(null);
    }
  }

  const built = useMemo(() => buildMappingV2(choices, settings), [choices, settings]);
  const countries = useMemo(
    () =>
      Object.entries(holidayCountries())
        .sort(([, a], [, b]) => a.localeCompare(b))
        .map(([code, label]) => ({ value: code, label: `${label} (${code})` })),
    [],
  );
  const geoColumn = choices.find((c) => c.role === "geo")?.column;
  const dateColumn = choices.find((c) => c.role === "date")?.column;
  const spacing = useMemo(
    () => (preview && dateColumn ? rowSpacingDays(preview.rows, dateColumn) : null),
    [preview, dateColumn],
  );
  const [converting, setConverting] = useState(false);
  const [converted, setConverted] = useState<string | null>(null);

  async function convertToWeekly() {
    if (!preview || !dateColumn) return;
    setConverting(true);
    setReadError(null);
    try {
      const rules: Record<string, WeeklyRule> = {};
      for (const c of choices) rules[c.column] = weeklyRuleOf(c.role);
      const started = performance.now();
      const weekly = await aggregateDailyToWeeklyInSlices(preview.text, dateColumn, rules, 150, geoColumn);
      const parsed = Papa.parse<Record<string, string>>(weekly.csv.trim(), { header: true });
      setPreview({
        headers: parsed.meta.fields ?? preview.headers,
        rows: parsed.data.slice(0, 60),
        rowCount: weekly.weeks,
        text: weekly.csv,
        parseMs: preview.parseMs + performance.now() - started,
      });
      setConverted(
        `Converted ${preview.rowCount.toLocaleString()} daily rows into ${weekly.weeks} full weeks (Monday to Sunday)${weekly.droppedPartialWeeks ? `; ${weekly.droppedPartialWeeks} incomplete week${weekly.droppedPartialWeeks === 1 ? "" : "s"} at the edges left out` : ""}. ${geoColumn ? ` Each geo (${geoColumn}) is aggregated on its own.` : ""} Spend, KPI, exposure and reach are summed (reach summed over days overstates unique reach), controls, population, value per unit and frequency averaged, events set if any day had one.`,
      );
    } catch (err) {
      setReadError(err instanceof Error ? err.message : String(err));
    } finally {
      setConverting(false);
    }
  }

  // Daily rows are checked once they are weeks; a file the mapping cannot parse says so instead.
  const awaitingWeeks = spacing === 1 && !converted;
  const check = useMemo(
    () =>
      preview && built.mapping && !awaitingWeeks ? checkUpload(preview.text, built.mapping, built.v1) : null,
    [preview, built, awaitingWeeks],
  );

  function setChoice(i: number, patch: Partial<ColumnChoice>) {
    setChoices((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch } : c)));
    setErrors(null);
  }

  function submit() {
    if (!preview || !built.mapping) return;
    setErrors(null);
    upload.mutate({
      workspaceId: ws.id,
      ...(datasetId ? { datasetId } : { name }),
      fileName: file?.name,
      csv: preview.text,
      // a mapping without v2 features goes as v1's ColumnMapping, exactly as before
      mapping: built.v1 ?? built.mapping,
    });
  }

  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader
          title={datasetId ? `New version of ${datasetName ?? "dataset"}` : "1. Choose a CSV file"}
          description="One row per week (wide), or one row per week and geo (long: a region or market column). A date column, your KPI (sales or conversions), spend per channel (with impressions, clicks or reach and frequency if you have them), organic activity, and optional controls or 0/1 events. Daily files are summed into weeks here."
        />
        <CardBody className="flex flex-col gap-4">
          {!datasetId ? (
            <Input
              label="Dataset name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              hint="For example: Weekly sales DE 2021-2025"
            />
          ) : null}
          <div className="flex flex-col gap-1.5">
            <label htmlFor="csv-file" className="text-sm font-medium">
              CSV file
            </label>
            <input
              id="csv-file"
              type="file"
              accept=".csv,text/csv,text/plain"
              onChange={onFile}
              className="text-sm file:mr-3 file:rounded-lg file:border file:border-line file:bg-surface file:px-3 file:py-2 file:text-sm file:font-medium"
            />
          </div>
          {progress !== null ? <ProgressBar value={progress * 100} label="Reading file" /> : null}
          {readError ? <FormError>{readError}</FormError> : null}
          {preview ? (
            <p className="text-sm text-muted">
              {preview.rowCount.toLocaleString()} rows, {preview.headers.length} columns, read in{" "}
              {Math.round(preview.parseMs)} ms.
            </p>
          ) : null}
        </CardBody>
      </Card>

      {preview ? (
        <Card>
          <CardHeader
            title="2. Preview"
            description={`The first ${Math.min(PREVIEW_ROWS, preview.rowCount)} rows as Mixcast reads them.`}
          />
          <CardBody>
            <Table caption="First rows of the file">
              <THead>
                <tr>
                  <Th>Row</Th>
                  {preview.headers.map((h) => (
                    <Th key={h}>{h}</Th>
                  ))}
                </tr>
              </THead>
              <TBody>
                {preview.rows.slice(0, PREVIEW_ROWS).map((r, i) => (
                  <Tr key={i}>
                    <Td className="text-muted">{i + 2}</Td>
                    {preview.headers.map((h) => (
                      <Td key={h} className="whitespace-nowrap tabular-nums">
                        {r[h]}
                      </Td>
                    ))}
                  </Tr>
                ))}
              </TBody>
            </Table>
          </CardBody>
        </Card>
      ) : null}

      {preview ? (
        <Card>
          <CardHeader
            title="3. Map columns"
            description="Suggested from the column names and values. Check each one; channel types set the default transforms of the model."
          />
          <CardBody className="flex flex-col gap-4">
            <Table caption="Column mapping">
              <THead>
                <tr>
                  <Th>Column</Th>
                  <Th>Role</Th>
                  <Th>Channel type</Th>
                  <Th>Channel</Th>
                  <Th>Why suggested</Th>
                </tr>
              </THead>
              <TBody>
                {choices.map((c, i) => (
                  <Tr key={c.column}>
                    <Td className="font-medium">{c.column}</Td>
                    <Td>
                      <Select
                        label={<span className="sr-only">Role of {c.column}</span>}
                        aria-label={`Role of ${c.column}`}
                        value={c.role}
                        options={roleOptions}
                        onChange={(e) => setChoice(i, { role: e.target.value as ColumnRole })}
                      />
                    </Td>
                    <Td>
                      {c.role === "channel" || c.role === "organic" ? (
                        <Select
                          label={<span className="sr-only">Channel type of {c.column}</span>}
                          aria-label={`Channel type of ${c.column}`}
                          value={c.type}
                          options={channelTypes.map((t) => ({ value: t, label: typeLabels[t] }))}
                          onChange={(e) => setChoice(i, { type: e.target.value as ChannelType })}
                        />
                      ) : (
                        <span className="text-muted">—</span>
                      )}
                    </Td>
                    <Td>
                      {CHANNEL_COLUMN_ROLES.includes(c.role) ? (
                        <Input
                          label={<span className="sr-only">Channel of {c.column}</span>}
                          aria-label={`Channel of ${c.column}`}
                          value={c.channel}
                          onChange={(e) => setChoice(i, { channel: e.target.value })}
                        />
                      ) : (
                        <span className="text-muted">—</span>
                      )}
                    </Td>
                    <Td className="text-xs text-muted">{c.reason}</Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
            <div className="grid gap-4 sm:grid-cols-3">
              <Select
                label="KPI type"
                value={settings.kpiType}
                options={[
                  { value: "revenue", label: "Revenue (money)" },
                  { value: "units", label: "Units (conversions, sign-ups, installs)" },
                ]}
                hint="Units: results include cost per incremental unit; ROI needs a value per unit."
                onChange={(e) =>
                  setSettings({ ...settings, kpiType: e.target.value as MappingSettings["kpiType"] })
                }
              />
              {settings.kpiType === "units" ? (
                <Input
                  label="Value per unit (optional)"
                  type="number"
                  min={0}
                  step="any"
                  value={settings.valuePerUnit ?? ""}
                  disabled={choices.some((c) => c.role === "value")}
                  hint={
                    choices.some((c) => c.role === "value")
                      ? "Taken from the value-per-unit column."
                      : "Revenue of one unit, for ROI in money. Or map a value-per-unit column."
                  }
                  onChange={(e) =>
                    setSettings({
                      ...settings,
                      valuePerUnit: e.target.value === "" ? null : Number(e.target.value),
                    })
                  }
                />
              ) : (
                <div />
              )}
              <Select
                label="Holiday country"
                value={settings.holidayCountry}
                options={[{ value: "", label: "No holidays" }, ...countries]}
                hint="Adds the weekly number of public holidays as a control."
                onChange={(e) => setSettings({ ...settings, holidayCountry: e.target.value })}
              />
            </div>
            {built.channels.length > 0 ? (
              <Table caption="Channels: one row per channel, its columns side by side">
                <THead>
                  <tr>
                    <Th>Channel</Th>
                    <Th>Kind</Th>
                    <Th>Spend</Th>
                    <Th>Exposure</Th>
                    <Th>Reach</Th>
                    <Th>Frequency</Th>
                  </tr>
                </THead>
                <TBody>
                  {built.channels.map((ch) => (
                    <Tr key={ch.name} data-testid="mapped-channel">
                      <Td className="font-medium">{ch.name}</Td>
                      <Td>
                        {ch.role === "organic"
                          ? "Organic (no ROI)"
                          : ch.role === "rf"
                            ? "Paid, reach & frequency"
                            : ch.exposure
                              ? "Paid, exposure drives the effect"
                              : "Paid"}
                      </Td>
                      <Td>{ch.spend ?? "—"}</Td>
                      <Td>{ch.exposure ?? "—"}</Td>
                      <Td>{ch.reach ?? "—"}</Td>
                      <Td>{ch.frequency ?? "—"}</Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            ) : null}
            {spacing === 1 && !converted ? (
              <Alert tone="warning" title="This file has one row per day">
                <p>Mixcast models weekly data. It can sum your days into weeks for you before validation.</p>
                <Button className="mt-2" variant="secondary" onClick={convertToWeekly} loading={converting}>
                  Convert to weekly rows
                </Button>
              </Alert>
            ) : null}
            {converted ? (
              <Alert tone="success" title="Daily rows converted to weeks">
                {converted}
              </Alert>
            ) : null}
            {built.problems.length > 0 ? (
              <Alert tone="warning" title="The mapping is not complete">
                <ul className="list-disc pl-5">
                  {built.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </Alert>
            ) : null}
          </CardBody>
        </Card>
      ) : null}

      {check && built.mapping ? <UploadChecks check={check} kpiName={built.mapping.kpi} /> : null}

      {preview ? (
        <div className="flex flex-col gap-2">
          {upload.error ? <FormError>{errorMessage(upload.error)}</FormError> : null}
          <div>
            <Button
              onClick={submit}
              disabled={!built.mapping || (!datasetId && name.trim().length < 2)}
              loading={upload.isPending}
            >
              Validate and save version
            </Button>
          </div>
        </div>
      ) : null}

      {errors ? <ValidationErrors errors={errors.list} count={errors.count} /> : null}
    </div>
  );
}

export function ValidationErrors({ errors, count }: { errors: DataIssue[]; count: number }) {
  return (
    <Card className="border-danger/50">
      <CardHeader
        title={
          <span className="text-danger">
            The file was not saved: {count} problem{count === 1 ? "" : "s"} found
          </span>
        }
        description={
          count > errors.length
            ? `Showing the first ${errors.length}. Fix these in your spreadsheet and upload again.`
            : "Fix these in your spreadsheet and upload again."
        }
      />
      <CardBody>
        <Table caption="Validation errors">
          <THead>
            <tr>
              <Th>Row</Th>
              <Th>Column</Th>
              <Th>Geo</Th>
              <Th>Problem</Th>
            </tr>
          </THead>
          <TBody>
            {errors.map((e, i) => (
              <Tr key={i} data-testid="validation-error">
                <Td className="tabular-nums">{e.row ?? <Badge>file</Badge>}</Td>
                <Td>{e.column ?? "—"}</Td>
                <Td>{e.geo ?? "—"}</Td>
                <Td>{e.message}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      </CardBody>
    </Card>
  );
}
