"use client";
// Settings -> Reports: the workspace logo on every report (admins upload a PNG or JPEG), and the
// workspace's read-only share links with their views; analysts and up revoke them.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ChangeEvent } from "react";
import { Badge, Button, Card, CardBody, CardHeader, EmptyState, FormError, Td, useToast } from "@mixcast/ui";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { formatDateTime } from "@/components/format.ts";
import { CREDENTIAL_STATE_TONE, CreatedByCell, SettingsList } from "@/components/settings-list.tsx";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const LOGO_MAX_BYTES = 256 * 1024;

export function ReportsCard() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [fileError, setFileError] = useState<string | null>(null);
  const links = useQuery(trpc.share.list.queryOptions({ workspaceId: ws.id }));
  const logo = useQuery(trpc.workspace.get.queryOptions({ workspaceId: ws.id })).data?.logo ?? null;
  const setLogo = useMutation(
    trpc.workspace.setLogo.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.pathKey() });
        toast.show({ tone: "success", title: r.logo ? "Logo saved" : "Logo removed" });
      },
    }),
  );
  const revoke = useMutation(
    trpc.share.revoke.mutationOptions({
      onSuccess: async () => {
        toast.show({ tone: "success", title: "Link revoked", message: "It now shows nothing." });
        await queryClient.invalidateQueries({ queryKey: trpc.share.pathKey() });
      },
    }),
  );
  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    setFileError(null);
    const file = e.target.files?.[0];
    if (!file) return;
    if (!["image/png", "image/jpeg"].includes(file.type)) return setFileError("Choose a PNG or JPEG image.");
    if (file.size > LOGO_MAX_BYTES) return setFileError("The logo is larger than 256 KB.");
    const reader = new FileReader();
    reader.onload = () => {
      if (typeof reader.result === "string") setLogo.mutate({ workspaceId: ws.id, logo: reader.result });
    };
    reader.readAsDataURL(file);
  };
  return (
    <Card>
      <CardHeader
        title="Reports and share links"
        description="Run and comparison reports (PDF and HTML) carry the workspace's name and logo. Share links show one report, read-only, to people without an account."
      />
      <CardBody className="flex flex-col gap-4">
        <div className="flex flex-wrap items-center gap-4">
          {logo ? (
            // eslint-disable-next-line @next/next/no-img-element -- a data: URL, nothing to optimize
            <img src={logo} alt="Workspace logo" className="max-h-12 max-w-40 rounded border border-line" />
          ) : (
            <span className="text-sm text-muted">No logo yet.</span>
          )}
          {ws.can("admin") ? (
            <>
              <label className="text-sm">
                <span className="mr-2 font-medium">Upload logo (PNG or JPEG, up to 256 KB)</span>
                <input type="file" accept="image/png,image/jpeg" onChange={onFile} aria-label="Logo file" />
              </label>
              {logo ? (
                <Button
                  variant="ghost"
                  size="sm"
                  loading={setLogo.isPending}
                  onClick={() => setLogo.mutate({ workspaceId: ws.id, logo: null })}
                >
                  Remove logo
                </Button>
              ) : null}
            </>
          ) : (
            <span className="text-xs text-muted">Admins and owners change the logo.</span>
          )}
        </div>
        <FormError>{fileError ?? (setLogo.error ? errorMessage(setLogo.error) : null)}</FormError>
        <SettingsList
          query={links}
          loadingLabel="Loading share links"
          empty={
            <EmptyState
              title="No share links yet"
              next="Use “Share link” on a run or a scenario comparison to create one."
            />
          }
          caption="Share links"
          columns={["What", "Link", "State", "Views", "Expires"]}
          rowKey={(l) => l.id}
          row={(l) => (
            <>
              <CreatedByCell name={l.label} by={l.createdBy ?? "someone"} at={l.createdAt} />
              <Td>
                <code className="text-xs">{l.prefix}…</code>
              </Td>
              <Td>
                <Badge tone={CREDENTIAL_STATE_TONE[l.state]}>{l.state}</Badge>
              </Td>
              <Td className="text-xs">
                {l.views}
                {l.lastViewedAt ? ` (last ${formatDateTime(l.lastViewedAt)})` : ""}
              </Td>
              <Td className="text-xs">{formatDateTime(l.expiresAt)}</Td>
              <Td>
                {l.state === "active" && ws.can("analyst") ? (
                  <Button
                    variant="ghost"
                    size="sm"
                    loading={revoke.isPending && revoke.variables.shareLinkId === l.id}
                    onClick={() => revoke.mutate({ workspaceId: ws.id, shareLinkId: l.id })}
                  >
                    Revoke
                  </Button>
                ) : null}
              </Td>
            </>
          )}
        />
      </CardBody>
    </Card>
  );
}
