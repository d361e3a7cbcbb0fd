"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  EmptyState,
  ErrorState,
  Input,
  PageHeader,
  Pagination,
  Select,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  buttonClasses,
} from "@mixcast/ui";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { formatDateTime } from "@/components/format.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const TARGETS = [
  "workspace",
  "membership",
  "invitation",
  "dataset",
  "dataset_version",
  "model",
  "model_config_version",
  "schedule",
  "run",
  "campaign",
  "scenario",
];

/** One option per person in the log; the email is added where two share a name, and people who
 *  have left the workspace are marked (their events stay in the log). */
function actorOptions(actors: readonly { id: string; name: string; email: string; member: boolean }[]) {
  const count = new Map<string, number>();
  for (const a of actors) count.set(a.name, (count.get(a.name) ?? 0) + 1);
  return actors.map((a) => {
    const name = (count.get(a.name) ?? 0) > 1 ? `${a.name} (${a.email})` : a.name;
    return { value: a.id, label: a.member ? name : `${name} — former member` };
  });
}

export default function AuditPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const [action, setAction] = useState("");
  const [actorId, setActorId] = useState("");
  const [targetType, setTargetType] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const filters = {
    ...(action ? { action } : {}),
    ...(actorId ? { actorId } : {}),
    ...(targetType ? { targetType } : {}),
    ...(from ? { from: new Date(`${from}T00:00:00`) } : {}),
    ...(to ? { to: new Date(new Date(`${to}T00:00:00`).getTime() + 86_400_000) } : {}),
  };
  const cursor = cursors[cursors.length - 1];
  const actors = useQuery(trpc.audit.actors.queryOptions({ workspaceId: ws.id }));
  const events = useQuery({
    ...trpc.audit.list.queryOptions({
      workspaceId: ws.id,
      limit: 50,
      ...filters,
      ...(cursor ? { cursor } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const reset = () => setCursors([]);
  const exportParams = new URLSearchParams({
    ...(action ? { action } : {}),
    ...(actorId ? { actorId } : {}),
    ...(targetType ? { targetType } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  });

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change in this workspace: who did what, when. Entries can never be edited or deleted."
        actions={
          <a
            className={buttonClasses("secondary")}
            href={`/api/w/${ws.id}/audit.csv?${exportParams.toString()}`}
            download
          >
            Export CSV
          </a>
        }
      />
      <div className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5">
        <Select
          label="Who"
          value={actorId}
          placeholder="Anyone"
          options={actorOptions(actors.data ?? [])}
          onChange={(e) => {
            setActorId(e.target.value);
            reset();
          }}
        />
        <Input
          label="Action starts with"
          placeholder="e.g. run."
          value={action}
          onChange={(e) => {
            setAction(e.target.value);
            reset();
          }}
        />
        <Select
          label="Target"
          value={targetType}
          placeholder="Any"
          options={TARGETS.map((t) => ({ value: t, label: t }))}
          onChange={(e) => {
            setTargetType(e.target.value);
            reset();
          }}
        />
        <Input
          label="From"
          type="date"
          value={from}
          onChange={(e) => {
            setFrom(e.target.value);
            reset();
          }}
        />
        <Input
          label="To"
          type="date"
          value={to}
          onChange={(e) => {
            setTo(e.target.value);
            reset();
          }}
        />
      </div>
      {events.isPending ? (
        <Spinner />
      ) : events.error ? (
        <ErrorState message={errorMessage(events.error)} />
      ) : events.data.items.length === 0 ? (
        <EmptyState title="No matching events" next="Change or clear the filters to see more." />
      ) : (
        <>
          <Table caption="Audit events">
            <THead>
              <tr>
                <Th>When</Th>
                <Th>Who</Th>
                <Th>Action</Th>
                <Th>Target</Th>
                <Th>Details</Th>
              </tr>
            </THead>
            <TBody>
              {events.data.items.map((e) => (
                <Tr key={e.id} data-testid="audit-row">
                  <Td className="whitespace-nowrap">{formatDateTime(e.at)}</Td>
                  <Td>{e.actor ? e.actor.name : e.actorKind}</Td>
                  <Td className="font-mono text-xs">{e.action}</Td>
                  <Td className="text-xs">{e.targetType ?? "—"}</Td>
                  <Td
                    className="max-w-md truncate font-mono text-xs"
                    title={e.details ? JSON.stringify(e.details) : ""}
                  >
                    {e.details ? JSON.stringify(e.details) : ""}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          <Pagination
            page={cursors.length + 1}
            hasPrevious={cursors.length > 0}
            hasNext={!!events.data.nextCursor}
            onPrevious={() => setCursors((c) => c.slice(0, -1))}
            onNext={() => setCursors((c) => [...c, events.data.nextCursor!])}
          />
        </>
      )}
    </>
  );
}
