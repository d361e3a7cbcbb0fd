"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import {
  Button,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  Dialog,
  EmptyState,
  ErrorState,
  Input,
  PageHeader,
  Select,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from "@mixcast/ui";
import { formatMoney } from "@mixcast/ui/charts";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { currencySymbol } from "@/components/format.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

export default function CampaignsPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();
  const campaigns = useQuery(trpc.campaign.list.queryOptions({ workspaceId: ws.id }));
  const models = useQuery(trpc.model.list.queryOptions({ workspaceId: ws.id }));
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({
    name: "",
    startsOn: "",
    endsOn: "",
    budget: "",
    modelId: "",
    channels: [] as string[],
  });
  const [selected, setSelected] = useState<string[]>([]);
  const create = useMutation(
    trpc.campaign.create.mutationOptions({
      onSuccess: async (c) => {
        await queryClient.invalidateQueries({ queryKey: trpc.campaign.pathKey() });
        setOpen(false);
        router.push(`/w/${ws.id}/campaigns/${c.id}`);
      },
      onError: (e) =>
        toast.show({ tone: "danger", title: "Could not create the campaign", message: errorMessage(e) }),
    }),
  );
  const canEdit = ws.can("analyst");
  const newButton = canEdit ? <Button onClick={() => setOpen(true)}>New campaign</Button> : null;
  const modelOptions = ((models.data ?? []) as { id: string; name: string }[]).map((m) => ({
    value: m.id,
    label: m.name,
  }));
  // the chosen model's channels, from its latest config
  const modelChannels = (models.data ?? []).find((m) => m.id === form.modelId)?.channels ?? [];

  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Named flights with budget scenarios. Build weekly spend plans, evaluate them on a fitted model, and compare scenarios within and across campaigns."
        actions={newButton}
      />
      {campaigns.isPending ? (
        <Spinner />
      ) : campaigns.error ? (
        <ErrorState message={errorMessage(campaigns.error)} />
      ) : campaigns.data.length === 0 ? (
        <EmptyState
          title="No campaigns yet"
          next={
            canEdit
              ? "Create a campaign for a flight (e.g. Spring 2026), then add spend scenarios to it."
              : "An analyst of this workspace can create campaigns."
          }
          action={newButton}
        />
      ) : (
        <div className="flex flex-col gap-6">
          <Table caption="Campaigns">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Flight</Th>
                <Th className="text-right">Budget</Th>
                <Th>Model</Th>
                <Th>Channels</Th>
                <Th className="text-right">Scenarios</Th>
              </tr>
            </THead>
            <TBody>
              {campaigns.data.map((c) => (
                <Tr key={c.id}>
                  <Td>
                    <Link
                      className="font-medium text-primary hover:underline"
                      href={`/w/${ws.id}/campaigns/${c.id}`}
                    >
                      {c.name}
                    </Link>
                  </Td>
                  <Td>
                    {c.startsOn
                      ? `${new Date(c.startsOn).toISOString().slice(0, 10)} – ${c.endsOn ? new Date(c.endsOn).toISOString().slice(0, 10) : "open"}`
                      : "—"}
                  </Td>
                  <Td numeric>{c.budget ? formatMoney(c.budget, currencySymbol(ws.currency)) : "—"}</Td>
                  <Td>{c.model?.name ?? "—"}</Td>
                  <Td className="text-xs">{c.channels.length > 0 ? c.channels.join(", ") : "All"}</Td>
                  <Td numeric>{c.scenarios.length}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          <Card>
            <CardHeader
              title="Compare scenarios across campaigns"
              description="Tick scenarios of one model from any campaigns; they are evaluated on the same posterior draws."
              actions={
                <Button
                  disabled={selected.length < 2}
                  onClick={() => router.push(`/w/${ws.id}/campaigns/compare?ids=${selected.join(",")}`)}
                >
                  Compare selected ({selected.length})
                </Button>
              }
            />
            <CardBody className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {campaigns.data.map((c) => (
                <fieldset key={c.id} className="rounded-lg border border-line p-3">
                  <legend className="px-1 text-sm font-medium text-fg">{c.name}</legend>
                  {c.scenarios.length === 0 ? <p className="text-sm text-muted">No scenarios.</p> : null}
                  {c.scenarios.map((s) => (
                    <Checkbox
                      key={s.id}
                      label={s.name}
                      checked={selected.includes(s.id)}
                      onChange={(e) =>
                        setSelected(
                          e.target.checked ? [...selected, s.id] : selected.filter((x) => x !== s.id),
                        )
                      }
                    />
                  ))}
                </fieldset>
              ))}
            </CardBody>
          </Card>
        </div>
      )}
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="New campaign"
        description="A named flight. Dates and budget are optional and can change later."
        footer={
          <>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              loading={create.isPending}
              onClick={() =>
                create.mutate({
                  workspaceId: ws.id,
                  name: form.name,
                  ...(form.startsOn ? { startsOn: form.startsOn } : {}),
                  ...(form.endsOn ? { endsOn: form.endsOn } : {}),
                  ...(form.budget ? { budget: Number(form.budget) } : {}),
                  ...(form.modelId ? { modelId: form.modelId } : {}),
                  ...(form.modelId && form.channels.length > 0 ? { channels: form.channels } : {}),
                })
              }
            >
              Create campaign
            </Button>
          </>
        }
      >
        <div className="flex flex-col gap-3">
          <Input
            label="Name"
            name="campaignName"
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
          <div className="grid grid-cols-2 gap-3">
            <Input
              label="Starts"
              type="date"
              value={form.startsOn}
              onChange={(e) => setForm({ ...form, startsOn: e.target.value })}
            />
            <Input
              label="Ends"
              type="date"
              value={form.endsOn}
              onChange={(e) => setForm({ ...form, endsOn: e.target.value })}
            />
          </div>
          <Input
            label={`Budget (${ws.currency ?? "dataset currency"})`}
            type="number"
            min={0}
            value={form.budget}
            onChange={(e) => setForm({ ...form, budget: e.target.value })}
          />
          <Select
            label="Model"
            value={form.modelId}
            onChange={(e) => setForm({ ...form, modelId: e.target.value, channels: [] })}
            placeholder="Any model"
            options={modelOptions}
            name="campaignModel"
          />
          {modelChannels.length > 0 ? (
            <fieldset className="flex flex-col gap-1">
              <legend className="mb-1 text-sm font-medium text-fg">Channels this campaign plans</legend>
              <p className="mb-1 text-xs text-muted">
                None ticked: all of the model&apos;s channels. Scenarios of this campaign only plan spend on
                the ticked ones.
              </p>
              <div className="grid grid-cols-2 gap-1" data-testid="campaign-channel-picker">
                {modelChannels
                  .filter((ch) => ch.role !== "organic")
                  .map((ch) => (
                    <Checkbox
                      key={ch.column}
                      label={`${ch.column} (${ch.type}${ch.role === "rf" ? ", reach & frequency" : ", paid"})`}
                      checked={form.channels.includes(ch.column)}
                      onChange={(e) =>
                        setForm({
                          ...form,
                          channels: e.target.checked
                            ? [...form.channels, ch.column]
                            : form.channels.filter((x) => x !== ch.column),
                        })
                      }
                    />
                  ))}
              </div>
              {modelChannels.some((ch) => ch.role === "organic") ? (
                <p className="mt-1 text-xs text-muted" data-testid="campaign-organic-channels">
                  Organic (no spend; plans hold them at a weekly level):{" "}
                  {modelChannels
                    .filter((ch) => ch.role === "organic")
                    .map((ch) => `${ch.column} (${ch.type})`)
                    .join(", ")}
                </p>
              ) : null}
            </fieldset>
          ) : null}
        </div>
      </Dialog>
    </>
  );
}
