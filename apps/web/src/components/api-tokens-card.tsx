"use client";
// Settings -> API tokens: admins create tokens for the REST API (/api/v1), see them once, and
// revoke them. Everyone else sees why the card is not for them.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import {
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  Dialog,
  EmptyState,
  FormError,
  Input,
  Select,
  Td,
  useToast,
} from "@mixcast/ui";
import {
  API_TOKEN_SCOPE_DESCRIPTIONS,
  API_TOKEN_SCOPES,
  type ApiTokenScope,
} from "@mixcast/db/api-token-scopes";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { formatDateTime } from "@/components/format.ts";
import {
  CREDENTIAL_STATE_TONE,
  CreatedByCell,
  SettingsList,
  ShownOnceDialog,
} from "@/components/settings-list.tsx";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const EXPIRY_OPTIONS = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "never", label: "Never" },
];

export function ApiTokensCard() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const isAdmin = ws.can("admin");
  const tokens = useQuery({ ...trpc.apiToken.list.queryOptions({ workspaceId: ws.id }), enabled: isAdmin });
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiTokenScope[]>(["datasets:write"]);
  const [expiry, setExpiry] = useState("90");
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.apiToken.pathKey() });
  const create = useMutation(
    trpc.apiToken.create.mutationOptions({
      onSuccess: async (created) => {
        setShown({ name: created.name, token: created.token });
        setName("");
        await invalidate();
      },
    }),
  );
  const revoke = useMutation(
    trpc.apiToken.revoke.mutationOptions({
      onSuccess: async () => {
        setRevoking(null);
        toast.show({ tone: "success", title: "Token revoked", message: "Calls with it now get 401." });
        await invalidate();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      workspaceId: ws.id,
      name,
      scopes,
      expiresInDays: expiry === "never" ? null : Number(expiry),
    });
  };
  const origin = typeof window === "undefined" ? "" : window.location.origin;

  return (
    <Card>
      <CardHeader
        title="API tokens"
        description="Let a data pipeline push weekly data and read runs through the REST API, without a login."
      />
      <CardBody className="flex flex-col gap-4">
        {!isAdmin ? (
          <p className="text-sm text-muted">Only admins and owners can create and revoke API tokens.</p>
        ) : (
          <>
            <form className="flex flex-col gap-3" onSubmit={submit} aria-label="Create an API token">
              <Input
                label="Token name"
                hint="Say where it is used, e.g. “Warehouse weekly export”."
                value={name}
                required
                minLength={2}
                maxLength={80}
                onChange={(e) => setName(e.target.value)}
              />
              <fieldset className="flex flex-col gap-2">
                <legend className="mb-1 text-sm font-medium text-fg">Scopes</legend>
                {API_TOKEN_SCOPES.map((scope) => (
                  <div key={scope}>
                    <Checkbox
                      label={<code>{scope}</code>}
                      checked={scopes.includes(scope)}
                      onChange={(e) =>
                        setScopes((s) => (e.target.checked ? [...s, scope] : s.filter((x) => x !== scope)))
                      }
                    />
                    <p className="ml-6 text-xs text-muted">{API_TOKEN_SCOPE_DESCRIPTIONS[scope]}</p>
                  </div>
                ))}
              </fieldset>
              <Select
                label="Expires after"
                value={expiry}
                options={EXPIRY_OPTIONS}
                onChange={(e) => setExpiry(e.target.value)}
              />
              <FormError>{create.error ? errorMessage(create.error) : null}</FormError>
              <div>
                <Button
                  type="submit"
                  loading={create.isPending}
                  disabled={name.trim().length < 2 || scopes.length === 0}
                >
                  Create token
                </Button>
              </div>
            </form>
            <SettingsList
              query={tokens}
              loadingLabel="Loading tokens"
              empty={
                <EmptyState
                  title="No API tokens yet"
                  next="Create one above, then send it as “Authorization: Bearer <token>” to /api/v1 — or run pnpm mixcast push with it."
                />
              }
              caption="API tokens"
              columns={["Name", "Token", "Scopes", "State", "Last used", "Expires"]}
              rowKey={(t) => t.id}
              row={(t) => (
                <>
                  <CreatedByCell
                    name={t.name}
                    by={t.createdBy?.name ?? "an operator (pnpm admin)"}
                    at={t.createdAt}
                  />
                  <Td>
                    <code className="text-xs">{t.prefix}…</code>
                  </Td>
                  <Td className="text-xs">{t.scopes.join(", ")}</Td>
                  <Td>
                    <Badge tone={CREDENTIAL_STATE_TONE[t.state]}>{t.state}</Badge>
                  </Td>
                  <Td className="text-xs">{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : "never"}</Td>
                  <Td className="text-xs">{t.expiresAt ? formatDateTime(t.expiresAt) : "never"}</Td>
                  <Td>
                    {t.state === "active" ? (
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() => setRevoking({ id: t.id, name: t.name })}
                      >
                        Revoke
                      </Button>
                    ) : null}
                  </Td>
                </>
              )}
            />
            <p className="text-xs text-muted">
              API reference:{" "}
              <a className="underline" href="/api/v1/openapi.json">
                /api/v1/openapi.json
              </a>
              . Every call is recorded in the audit log, and each token has a per-minute request limit.
            </p>
          </>
        )}
      </CardBody>
      <ShownOnceDialog
        open={shown !== null}
        onClose={() => setShown(null)}
        title={`Copy the token “${shown?.name ?? ""}” now`}
        description="It is shown only this once; Mixcast keeps only a hash of it."
        label="API token"
        value={shown?.token ?? ""}
      >
        <p className="mt-3 text-xs text-muted">Push a week of data with it:</p>
        <pre className="mt-1 overflow-x-auto rounded bg-surface-2 p-2 text-xs">
          {`pnpm mixcast push --url ${origin} --token ${shown?.token ?? "<token>"} --dataset <dataset id> --file week.csv`}
        </pre>
      </ShownOnceDialog>
      <Dialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        description="Anything using it stops working at once. This cannot be undone."
        footer={
          <>
            <Button variant="ghost" onClick={() => setRevoking(null)}>
              Keep it
            </Button>
            <Button
              variant="danger"
              loading={revoke.isPending}
              onClick={() => revoking && revoke.mutate({ workspaceId: ws.id, tokenId: revoking.id })}
            >
              Revoke token
            </Button>
          </>
        }
      >
        <FormError>{revoke.error ? errorMessage(revoke.error) : null}</FormError>
      </Dialog>
    </Card>
  );
}
