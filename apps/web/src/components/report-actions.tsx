"use client";
// Report downloads (PDF, HTML) and "Share read-only link" for a run or a scenario comparison.
// The link is shown once (only its hash is stored); Settings -> Share links lists and revokes them.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, buttonClasses, Dialog, FormError, Input, Select, useToast } from "@mixcast/ui";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

export type ShareTarget =
  | { kind: "run_report"; runId: string }
  | { kind: "scenario_comparison"; scenarioIds: string[]; runId?: string };

const EXPIRY = [
  { value: "7", label: "7 days" },
  { value: "14", label: "14 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days (longest)" },
];

export function ReportActions({
  pdfHref,
  htmlHref,
  share,
}: {
  pdfHref: string;
  htmlHref: string;
  share: ShareTarget;
}) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [expiry, setExpiry] = useState("14");
  const [url, setUrl] = useState<string | null>(null);
  const create = useMutation(
    trpc.share.create.mutationOptions({
      onSuccess: async (created) => {
        setUrl(`${window.location.origin}/share/${created.token}`);
        await queryClient.invalidateQueries({ queryKey: trpc.share.pathKey() });
      },
    }),
  );
  const close = () => {
    setOpen(false);
    setUrl(null);
    create.reset();
  };
  return (
    <>
      <a className={buttonClasses("secondary")} href={pdfHref} download data-testid="report-pdf">
        Report PDF
      </a>
      <a className={buttonClasses("secondary")} href={htmlHref} download>
        Report HTML
      </a>
      {ws.can("analyst") ? (
        <Button variant="secondary" onClick={() => setOpen(true)}>
          Share link
        </Button>
      ) : null}
      <Dialog
        open={open}
        onClose={close}
        title="Share a read-only link"
        description="Anyone with the link sees this report, and nothing else of the workspace, until it expires or you revoke it (Settings -> Share links). Every view is recorded in the audit log."
        footer={
          url ? (
            <Button onClick={close}>Done</Button>
          ) : (
            <>
              <Button variant="secondary" onClick={close}>
                Cancel
              </Button>
              <Button
                loading={create.isPending}
                onClick={() => create.mutate({ workspaceId: ws.id, ...share, expiresInDays: Number(expiry) })}
              >
                Create link
              </Button>
            </>
          )
        }
      >
        {url ? (
          <div className="flex flex-col gap-2">
            <Input label="Link (shown once)" value={url} readOnly onFocus={(e) => e.currentTarget.select()} />
            <div>
              <Button
                variant="secondary"
                size="sm"
                onClick={() => {
                  void navigator.clipboard?.writeText(url);
                  toast.show({ tone: "success", title: "Link copied" });
                }}
              >
                Copy
              </Button>
            </div>
          </div>
        ) : (
          <div className="flex flex-col gap-2">
            <Select
              label="Expires after"
              value={expiry}
              options={EXPIRY}
              onChange={(e) => setExpiry(e.target.value)}
            />
            <FormError>{create.error ? errorMessage(create.error) : null}</FormError>
          </div>
        )}
      </Dialog>
    </>
  );
}
