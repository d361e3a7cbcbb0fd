"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { channelNameOf } from "@mixcast/core";
import { ModelV2Options, type V2Fields } from "./model-v2-options.tsx";
import { channelTypes, type ChannelType } from "@mixcast/core";
import type { ChannelConfig, ModelConfig } from "@mixcast/core";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  Input,
  Select,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from "@mixcast/ui";
import {
  adstockKinds,
  channelParams,
  defaultPipeline,
  formatPrior,
  MULTIPLIER_STAGES,
  parsePrior,
  saturationKinds,
  STAGE_LABELS,
  type MultiplierStage,
} from "@/lib/model-defaults.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";
import { useWorkspace } from "./workspace-context.tsx";

function pruneOverrides(ch: ChannelConfig): ChannelConfig {
  const names = new Set(channelParams({ ...ch, priors: {} }).map((p) => p.name));
  const priors = Object.fromEntries(Object.entries(ch.priors ?? {}).filter(([k]) => names.has(k)));
  const next: ChannelConfig = { ...ch };
  delete next.priors;
  if (Object.keys(priors).length > 0) next.priors = priors;
  return next;
}

function ChannelEditor({
  ch,
  onChange,
  readOnly,
}: {
  ch: ChannelConfig;
  onChange: (c: ChannelConfig) => void;
  readOnly: boolean;
}) {
  const defaults = defaultPipeline(ch.type);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const params = channelParams(ch);

  function setPrior(name: string, text: string) {
    setDrafts((d) => ({ ...d, [name]: text }));
    const priors = { ...(ch.priors ?? {}) };
    if (text.trim() === "") {
      delete priors[name];
      setErrors((e) => ({ ...e, [name]: "" }));
      const next: ChannelConfig = { ...ch, priors };
      if (name === "beta") delete next.beta;
      onChange(next);
      return;
    }
    const parsed = parsePrior(text);
    if ("error" in parsed) {
      setErrors((e) => ({ ...e, [name]: parsed.error }));
      return;
    }
    setErrors((e) => ({ ...e, [name]: "" }));
    priors[name] = parsed.prior;
    onChange({ ...ch, priors });
  }

  function setMultiplier(stage: MultiplierStage, value: string) {
    const next: ChannelConfig = { ...ch };
    if (value === "default") delete next[stage];
    else next[stage] = value === "on";
    onChange(pruneOverrides(next));
  }

  return (
    <Card>
      <CardHeader
        title={channelNameOf(ch)}
        description="Transforms and priors of this channel. Empty prior fields use the default shown."
        actions={<Badge tone="info">{ch.type}</Badge>}
      />
      <CardBody className="flex flex-col gap-4">
        <div className="grid gap-4 sm:grid-cols-3">
          <Select
            label="Channel type"
            disabled={readOnly}
            value={ch.type}
            options={channelTypes.map((t) => ({ value: t, label: t }))}
            onChange={(e) => onChange(pruneOverrides({ ...ch, type: e.target.value as ChannelType }))}
            hint="Sets the default transforms and priors."
          />
          <Select
            label="Carry-over (adstock)"
            disabled={readOnly}
            value={ch.adstock?.kind ?? ""}
            options={[
              { value: "", label: `Default: ${defaults.adstock}` },
              ...adstockKinds().map((k) => ({ value: k, label: k })),
            ]}
            onChange={(e) => {
              const next: ChannelConfig = { ...ch };
              if (e.target.value) next.adstock = { kind: e.target.value };
              else delete next.adstock;
              onChange(pruneOverrides(next));
            }}
          />
          <Select
            label="Saturation"
            disabled={readOnly}
            value={ch.saturation?.kind ?? ""}
            options={[
              { value: "", label: `Default: ${defaults.saturation}` },
              ...saturationKinds().map((k) => ({ value: k, label: k })),
            ]}
            onChange={(e) => {
              const next: ChannelConfig = { ...ch };
              if (e.target.value) next.saturation = { kind: e.target.value };
              else delete next.saturation;
              onChange(pruneOverrides(next));
            }}
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-4">
          {MULTIPLIER_STAGES.map((stage) => (
            <Select
              key={stage}
              label={STAGE_LABELS[stage]}
              disabled={readOnly}
              value={ch[stage] === undefined ? "default" : ch[stage] ? "on" : "off"}
              options={[
                { value: "default", label: `Default: ${defaults[stage] ? "on" : "off"}` },
                { value: "on", label: "On" },
                { value: "off", label: "Off" },
              ]}
              onChange={(e) => setMultiplier(stage, e.target.value)}
            />
          ))}
        </div>
        <Table caption={`Priors of ${ch.column}`}>
          <THead>
            <tr>
              <Th>Parameter</Th>
              <Th>Stage</Th>
              <Th>Default prior</Th>
              <Th>Your prior</Th>
            </tr>
          </THead>
          <TBody>
            {params.map((p) => (
              <Tr key={p.name}>
                <Td>
                  <span className="font-mono">{p.name}</span>
                  <span className="block text-xs text-muted">{p.description}</span>
                </Td>
                <Td className="text-xs">
                  {p.kind === "coefficient" ? "coefficient" : `${STAGE_LABELS[p.stage]} (${p.kind})`}
                </Td>
                <Td className="font-mono text-xs">{formatPrior(p.defaultPrior)}</Td>
                <Td>
                  <Input
                    label={<span className="sr-only">Prior for {p.name}</span>}
                    aria-label={`Prior for ${p.name} of ${ch.column}`}
                    disabled={readOnly}
                    placeholder={formatPrior(p.defaultPrior)}
                    value={drafts[p.name] ?? (p.override ? formatPrior(p.override) : "")}
                    onChange={(e) => setPrior(p.name, e.target.value)}
                    error={errors[p.name] || undefined}
                  />
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      </CardBody>
    </Card>
  );
}

export function ModelConfigEditor({
  modelId,
  initial,
  version,
}: {
  modelId: string;
  initial: ModelConfig;
  version: number;
}) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const readOnly = !ws.can("analyst");
  const [config, setConfig] = useState<ModelConfig>(initial);
  const [note, setNote] = useState("");
  const [pair, setPair] = useState<{ a: string; b: string }>({
    a: initial.channels[0]?.column ?? "",
    b: initial.channels[1]?.column ?? "",
  });
  const [issues, setIssues] = useState<{ path: string; message: string }[]>([]);
  const save = useMutation(
    trpc.model.saveConfig.mutationOptions({
      onSuccess: async (r) => {
        if (!r.ok) return setIssues(r.issues);
        setIssues([]);
        await queryClient.invalidateQueries({ queryKey: trpc.model.pathKey() });
        toast.show({
          tone: "success",
          title: r.unchanged
            ? `No changes: still version ${r.version}`
            : `Saved as config version ${r.version}`,
        });
      },
    }),
  );
  const channels = config.channels.map((c) => channelNameOf(c));
  // v2 configs (geo, roles, units KPI, link, knots): the structure card; a v1 config gets it too,
  // since turning an option on is how a national model becomes a v2 one.
  const v2 = config as unknown as V2Fields;

  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader
          title="Model settings"
          description={`Editing from config version ${version}. Saving creates a new version; past runs keep theirs.`}
        />
        <CardBody className="grid gap-4 sm:grid-cols-4">
          <Input
            label="Holdout weeks"
            type="number"
            min={0}
            max={52}
            disabled={readOnly}
            value={config.holdoutWeeks}
            onChange={(e) =>
              setConfig({ ...config, holdoutWeeks: Math.max(0, Math.round(Number(e.target.value) || 0)) })
            }
            hint="The last weeks are kept out of the fit to test predictions."
          />
          <Select
            label="Likelihood"
            disabled={readOnly}
            value={config.likelihood}
            options={[
              { value: "normal", label: "Normal" },
              { value: "studentT", label: "Student-t (robust to outliers)" },
            ]}
            onChange={(e) =>
              setConfig({ ...config, likelihood: e.target.value as ModelConfig["likelihood"] })
            }
          />
          <Input
            label="Seasonality (Fourier pairs)"
            type="number"
            min={0}
            max={26}
            disabled={readOnly}
            value={config.fourierPairs}
            onChange={(e) => setConfig({ ...config, fourierPairs: Math.round(Number(e.target.value) || 0) })}
          />
          <Input
            label="Adstock window (weeks)"
            type="number"
            min={1}
            max={104}
            disabled={readOnly}
            value={config.adstockLags}
            onChange={(e) =>
              setConfig({ ...config, adstockLags: Math.max(1, Math.round(Number(e.target.value) || 1)) })
            }
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Synergy pairs"
          description="Channels that work better together (e.g. influencer content boosting paid social). Each pair adds one interaction term."
        />
        <CardBody className="flex flex-col gap-3">
          {config.synergies.length === 0 ? <p className="text-sm text-muted">No synergy pairs.</p> : null}
          <ul className="flex flex-wrap gap-2">
            {config.synergies.map((s, i) => (
              <li
                key={`${s.a}:${s.b}`}
                className="flex items-center gap-2 rounded-full border border-line px-3 py-1 text-sm"
              >
                {s.a} × {s.b}
                {!readOnly ? (
                  <button
                    type="button"
                    className="text-muted hover:text-danger"
                    aria-label={`Remove synergy ${s.a} and ${s.b}`}
                    onClick={() =>
                      setConfig({ ...config, synergies: config.synergies.filter((_, j) => j !== i) })
                    }
                  >
                    ×
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          {!readOnly && channels.length >= 2 ? (
            <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
              <Select
                label="First channel"
                value={pair.a}
                options={channels.map((c) => ({ value: c, label: c }))}
                onChange={(e) => setPair({ ...pair, a: e.target.value })}
              />
              <Select
                label="Second channel"
                value={pair.b}
                options={channels.map((c) => ({ value: c, label: c }))}
                onChange={(e) => setPair({ ...pair, b: e.target.value })}
              />
              <Button
                variant="secondary"
                disabled={
                  pair.a === pair.b ||
                  config.synergies.some(
                    (s) => (s.a === pair.a && s.b === pair.b) || (s.a === pair.b && s.b === pair.a),
                  )
                }
                onClick={() =>
                  setConfig({ ...config, synergies: [...config.synergies, { a: pair.a, b: pair.b }] })
                }
              >
                Add pair
              </Button>
            </div>
          ) : null}
        </CardBody>
      </Card>

      <ModelV2Options
        config={v2}
        readOnly={readOnly}
        onChange={(next) => {
          setIssues([]);
          setConfig(next as unknown as ModelConfig);
        }}
      />

      {config.channels.map((ch, i) => (
        <ChannelEditor
          key={channelNameOf(ch)}
          ch={ch}
          readOnly={readOnly}
          onChange={(next) =>
            setConfig({ ...config, channels: config.channels.map((c, j) => (j === i ? next : c)) })
          }
        />
      ))}

      {issues.length > 0 ? (
        <Alert tone="danger" title="The configuration was not saved">
          <ul className="list-disc pl-5">
            {issues.map((i) => (
              <li key={`${i.path}:${i.message}`}>
                <span className="font-mono">{i.path}</span>: {i.message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
      {save.error ? (
        <Alert tone="danger" title="The configuration was not saved">
          {errorMessage(save.error)}
        </Alert>
      ) : null}
      {!readOnly ? (
        <div className="flex flex-wrap items-end gap-3">
          <Input
            className="min-w-72 flex-1"
            label="Note for this version (optional)"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="e.g. slower TV decay"
          />
          <Button
            onClick={() =>
              save.mutate({
                workspaceId: ws.id,
                modelId,
                config,
                ...(note ? { note } : {}),
              })
            }
            loading={save.isPending}
          >
            Save as new version
          </Button>
          <Button variant="ghost" onClick={() => setConfig(initial)}>
            Discard changes
          </Button>
        </div>
      ) : (
        <p className="text-sm text-muted">
          Your role ({ws.role}) can view this configuration but not change it.
        </p>
      )}
    </div>
  );
}
