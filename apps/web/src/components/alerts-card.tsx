"use client";
// Settings -> Alerts: where failed, unconverged or unstable refits and late data are reported
// (webhooks signed with HMAC, or email), and the log of every delivery attempt.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import {
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  FormError,
  Input,
  Select,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from "@mixcast/ui";
import { formatDateTime } from "@/components/format.ts";
import { SettingsList, ShownOnceDialog } from "@/components/settings-list.tsx";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const KINDS = [
  ["refit_failed", "Refit failed"],
  ["not_converged", "Refit did not converge"],
  ["unstable", "Stability below the model's threshold"],
  ["data_late", "Data not received by the expected day"],
] as const;
type Kind = (typeof KINDS)[number][0];
const STATUS_TONE = { delivered: "success", pending: "info", failed: "danger" } as const;

export function AlertsCard() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isAdmin = ws.can("admin");
  const channels = useQuery({
    ...trpc.alert.channels.queryOptions({ workspaceId: ws.id }),
    enabled: isAdmin,
  });
  const deliveries = useQuery({
    ...trpc.alert.deliveries.queryOptions({ workspaceId: ws.id }),
    enabled: isAdmin,
    refetchInterval: 10_000,
  });
  const [kind, setKind] = useState<"webhook" | "email">("webhook");
  const [name, setName] = useState("");
  const [target, setTarget] = useState("");
  const [kinds, setKinds] = useState<Kind[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.alert.pathKey() });
  const create = useMutation(
    trpc.alert.createChannel.mutationOptions({
      onSuccess: async (c) => {
        setName("");
        setTarget("");
        if (c.secret) setSecret(c.secret);
        await invalidate();
      },
    }),
  );
  const remove = useMutation(trpc.alert.deleteChannel.mutationOptions({ onSuccess: invalidate }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ workspaceId: ws.id, kind, name, target, kinds });
  };
  return (
    <Card>
      <CardHeader
        title="Alerts"
        description="Hear about failed, unconverged or unstable weekly refits and data that did not arrive."
      />
      <CardBody className="flex flex-col gap-4">
        {!isAdmin ? (
          <p className="text-sm text-muted">Only admins and owners manage alert channels.</p>
        ) : (
          <>
            <form className="flex flex-col gap-3" onSubmit={submit} aria-label="Add an alert channel">
              <div className="grid gap-3 sm:grid-cols-3">
                <Select
                  label="Send by"
                  value={kind}
                  options={[
                    { value: "webhook", label: "Webhook (JSON, signed)" },
                    { value: "email", label: "Email" },
                  ]}
                  onChange={(e) => setKind(e.target.value as "webhook" | "email")}
                />
                <Input label="Channel name" value={name} required onChange={(e) => setName(e.target.value)} />
                <Input
                  label={kind === "webhook" ? "Webhook URL" : "Email address"}
                  type={kind === "webhook" ? "url" : "email"}
                  value={target}
                  required
                  onChange={(e) => setTarget(e.target.value)}
                />
              </div>
              <fieldset className="flex flex-col gap-1">
                <legend className="mb-1 text-sm font-medium">Alerts to send (none ticked = all)</legend>
                {KINDS.map(([k, label]) => (
                  <Checkbox
                    key={k}
                    label={label}
                    checked={kinds.includes(k)}
                    onChange={(e) =>
                      setKinds((s) => (e.target.checked ? [...s, k] : s.filter((x) => x !== k)))
                    }
                  />
                ))}
              </fieldset>
              <FormError>{create.error ? errorMessage(create.error) : null}</FormError>
              <div>
                <Button type="submit" loading={create.isPending}>
                  Add channel
                </Button>
              </div>
            </form>
            <SettingsList
              query={channels}
              loadingLabel="Loading channels"
              empty={
                <p className="text-sm text-muted">
                  No alert channels yet: add a webhook or an email address above.
                </p>
              }
              caption="Alert channels"
              columns={["Name", "Sends to", "Alerts"]}
              rowKey={(c) => c.id}
              row={(c) => (
                <>
                  <Td>{c.name}</Td>
                  <Td className="text-xs">
                    {c.kind}: {c.target}
                  </Td>
                  <Td className="text-xs">{c.kinds.length ? c.kinds.join(", ") : "all"}</Td>
                  <Td>
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => remove.mutate({ workspaceId: ws.id, channelId: c.id })}
                    >
                      Remove
                    </Button>
                  </Td>
                </>
              )}
            />
            <h3 className="text-sm font-semibold">Delivery log</h3>
            {deliveries.data && deliveries.data.length ? (
              <Table caption="Alert deliveries">
                <THead>
                  <Tr>
                    <Th>Alert</Th>
                    <Th>Channel</Th>
                    <Th>Status</Th>
                    <Th>Attempts</Th>
                    <Th>Last error / next try</Th>
                  </Tr>
                </THead>
                <TBody>
                  {deliveries.data.map((d) => (
                    <Tr key={d.id}>
                      <Td>
                        <div>{d.alert.title}</div>
                        <div className="text-xs text-muted">{formatDateTime(d.alert.at)}</div>
                      </Td>
                      <Td className="text-xs">{d.channel.name}</Td>
                      <Td>
                        <Badge tone={STATUS_TONE[d.status as keyof typeof STATUS_TONE] ?? "neutral"}>
                          {d.status}
                        </Badge>
                      </Td>
                      <Td>{d.attempts}</Td>
                      <Td className="text-xs">
                        {d.status === "delivered"
                          ? `delivered ${formatDateTime(d.deliveredAt)}${d.responseStatus ? ` (HTTP ${d.responseStatus})` : ""}`
                          : `${d.lastError ?? ""}${d.status === "pending" ? ` · next try ${formatDateTime(d.nextAttemptAt)}` : ""}`}
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            ) : (
              <p className="text-sm text-muted">No deliveries yet.</p>
            )}
          </>
        )}
      </CardBody>
      <ShownOnceDialog
        open={secret !== null}
        onClose={() => setSecret(null)}
        title="Copy the webhook signing secret now"
        description="It is shown once. Verify each delivery: X-Mixcast-Signature = sha256=HMAC-SHA256(secret, X-Mixcast-Timestamp + '.' + body)."
        label="Signing secret"
        value={secret ?? ""}
      />
    </Card>
  );
}
