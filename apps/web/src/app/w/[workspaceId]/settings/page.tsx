"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import {
  Button,
  Card,
  CardBody,
  CardHeader,
  Dialog,
  FormError,
  Input,
  PageHeader,
  Select,
  useToast,
} from "@mixcast/ui";
import { AlertsCard } from "@/components/alerts-card.tsx";
import { ApiTokensCard } from "@/components/api-tokens-card.tsx";
import { ReportsCard } from "@/components/reports-card.tsx";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { useHydrated } from "@/lib/use-hydrated.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

/** Common ISO 4217 codes first, then the rest the runtime knows. Server render and first client
 *  render show codes only (the runtimes' ICU data differ, which would break hydration); names
 *  ("EUR — Euro") are added after mount. */
const COMMON_CURRENCIES = [
  "USD",
  "EUR",
  "GBP",
  "JPY",
  "CAD",
  "AUD",
  "CHF",
  "SEK",
  "NOK",
  "DKK",
  "PLN",
  "INR",
  "BRL",
  "MXN",
  "CNY",
];

function currencyOptions(named: boolean, current: string): { value: string; label: string }[] {
  const codes = named
    ? [
        ...COMMON_CURRENCIES,
        ...Intl.supportedValuesOf("currency").filter((c) => !COMMON_CURRENCIES.includes(c)),
      ]
    : [...COMMON_CURRENCIES];
  if (current && !codes.includes(current)) codes.push(current);
  const names = named ? new Intl.DisplayNames(undefined, { type: "currency" }) : null;
  return codes.map((c) => ({ value: c, label: names ? `${c} — ${names.of(c) ?? c}` : c }));
}

export default function SettingsPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState(ws.name);
  const [currency, setCurrency] = useState(ws.currency ?? "");
  // Currency names come from the browser's Intl data, after hydration (the server's may differ).
  const named = useHydrated();
  const [confirming, setConfirming] = useState(false);
  const saveCurrency = useMutation(
    trpc.workspace.setCurrency.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.pathKey() });
        toast.show({ tone: "success", title: "Currency saved" });
      },
    }),
  );
  const [confirmName, setConfirmName] = useState("");
  const rename = useMutation(
    trpc.workspace.rename.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.pathKey() });
        toast.show({ tone: "success", title: "Workspace renamed" });
      },
    }),
  );
  const del = useMutation(
    trpc.workspace.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.pathKey() });
        router.push("/");
      },
    }),
  );
  return (
    <>
      <PageHeader title="Settings" />
      <div className="flex max-w-2xl flex-col gap-6">
        <Card>
          <CardHeader title="Workspace name" />
          <CardBody className="flex flex-col gap-3">
            <Input
              label="Name"
              value={name}
              disabled={!ws.can("admin")}
              onChange={(e) => setName(e.target.value)}
            />
            <FormError>{rename.error ? errorMessage(rename.error) : null}</FormError>
            {ws.can("admin") ? (
              <div>
                <Button
                  onClick={() => rename.mutate({ workspaceId: ws.id, name })}
                  loading={rename.isPending}
                  disabled={name.trim() === ws.name}
                >
                  Save name
                </Button>
              </div>
            ) : (
              <p className="text-sm text-muted">Only admins and owners can rename the workspace.</p>
            )}
          </CardBody>
        </Card>
        <Card>
          <CardHeader
            title="Currency"
            description="The currency your uploaded spend is in. Charts, ROI and budgets show it; nothing is converted."
          />
          <CardBody className="flex flex-col gap-3">
            <Select
              label="Currency"
              value={currency}
              // Enabled once hydrated: a choice made before React takes over the server's HTML
              // would be reset by hydration, leaving "Save currency" disabled.
              disabled={!ws.can("admin") || !named}
              placeholder="Not set (charts say “dataset currency”)"
              options={currencyOptions(named, currency)}
              onChange={(e) => setCurrency(e.target.value)}
            />
            <FormError>{saveCurrency.error ? errorMessage(saveCurrency.error) : null}</FormError>
            {ws.can("admin") ? (
              <div>
                <Button
                  onClick={() => saveCurrency.mutate({ workspaceId: ws.id, currency: currency || null })}
                  loading={saveCurrency.isPending}
                  disabled={currency === (ws.currency ?? "")}
                >
                  Save currency
                </Button>
              </div>
            ) : (
              <p className="text-sm text-muted">Only admins and owners can change the currency.</p>
            )}
          </CardBody>
        </Card>
        <ReportsCard />
        <ApiTokensCard />
        <AlertsCard />
        {ws.can("owner") ? (
          <Card className="border-danger/50">
            <CardHeader
              title="Delete workspace"
              description="Deletes every dataset, model, run and schedule in it. The audit trail is kept."
            />
            <CardBody>
              <Button variant="danger" onClick={() => setConfirming(true)}>
                Delete workspace…
              </Button>
            </CardBody>
          </Card>
        ) : null}
      </div>
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Delete ${ws.name}?`}
        description="This cannot be undone. Type the workspace name to confirm."
        footer={
          <>
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              Keep workspace
            </Button>
            <Button
              variant="danger"
              disabled={confirmName !== ws.name}
              loading={del.isPending}
              onClick={() => del.mutate({ workspaceId: ws.id, confirmName })}
            >
              Delete forever
            </Button>
          </>
        }
      >
        <Input label="Workspace name" value={confirmName} onChange={(e) => setConfirmName(e.target.value)} />
        <FormError>{del.error ? errorMessage(del.error) : null}</FormError>
      </Dialog>
    </>
  );
}
