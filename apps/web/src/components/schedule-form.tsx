"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Button, Card, CardBody, CardHeader, Checkbox, FormError, Select, useToast } from "@mixcast/ui";
import { formatDateTime } from "@/components/format.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";
import { useWorkspace } from "./workspace-context.tsx";

export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"];
  }
}

interface ScheduleValue {
  weekday: number;
  hour: number;
  timezone: string;
  mode: "fast" | "full";
  enabled: boolean;
}

interface ScheduleStatus {
  nextRunAt: Date | string | null;
  lastSkippedAt: Date | string | null;
  lastSkipReason: string | null;
}

export function ScheduleForm({
  modelId,
  current,
  status,
}: {
  modelId: string;
  current: ScheduleValue | null;
  status?: ScheduleStatus | null;
}) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const zones = useMemo(timeZones, []);
  const [value, setValue] = useState<ScheduleValue>(
    current ?? {
      weekday: 1,
      hour: 6,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
      mode: "full",
      enabled: true,
    },
  );
  const canEdit = ws.can("admin");
  const onSuccess = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.model.pathKey() });
    toast.show({ tone: "success", title: "Refit schedule saved" });
  };
  const upsert = useMutation(trpc.schedule.upsert.mutationOptions({ onSuccess }));
  const remove = useMutation(trpc.schedule.remove.mutationOptions({ onSuccess }));
  return (
    <Card>
      <CardHeader
        title="Weekly refit"
        description={
          current?.enabled
            ? `Refits every ${WEEKDAYS[current.weekday]} at ${String(current.hour).padStart(2, "0")}:00 (${current.timezone}) on the newest dataset version.`
            : "Not scheduled. A weekly refit keeps ROI estimates current as new data arrives."
        }
      />
      <CardBody className="flex flex-col gap-4">
        {status?.nextRunAt || status?.lastSkippedAt ? (
          <div className="flex flex-col gap-1 text-sm" data-testid="schedule-status">
            {status.nextRunAt ? <p>Next refit: {formatDateTime(status.nextRunAt)}</p> : null}
            {status.lastSkippedAt ? (
              <p className="text-muted">
                Skipped the refit of {formatDateTime(status.lastSkippedAt)}: {status.lastSkipReason}.
              </p>
            ) : null}
          </div>
        ) : null}
        <div className="grid gap-4 sm:grid-cols-4">
          <Select
            label="Weekday"
            disabled={!canEdit}
            value={String(value.weekday)}
            options={WEEKDAYS.map((d, i) => ({ value: String(i), label: d }))}
            onChange={(e) => setValue({ ...value, weekday: Number(e.target.value) })}
          />
          <Select
            label="Hour"
            disabled={!canEdit}
            value={String(value.hour)}
            options={Array.from({ length: 24 }, (_, h) => ({
              value: String(h),
              label: `${String(h).padStart(2, "0")}:00`,
            }))}
            onChange={(e) => setValue({ ...value, hour: Number(e.target.value) })}
          />
          <Select
            label="Time zone"
            disabled={!canEdit}
            value={value.timezone}
            options={zones.map((z) => ({ value: z, label: z }))}
            onChange={(e) => setValue({ ...value, timezone: e.target.value })}
          />
          <Select
            label="Fit mode"
            disabled={!canEdit}
            value={value.mode}
            options={[
              { value: "full", label: "Full (NUTS, exact)" },
              { value: "fast", label: "Fast (approximate)" },
            ]}
            onChange={(e) => setValue({ ...value, mode: e.target.value as "fast" | "full" })}
          />
        </div>
        <Checkbox
          label="Enabled"
          disabled={!canEdit}
          checked={value.enabled}
          onChange={(e) => setValue({ ...value, enabled: e.target.checked })}
        />
        <FormError>
          {upsert.error ? errorMessage(upsert.error) : remove.error ? errorMessage(remove.error) : null}
        </FormError>
        {canEdit ? (
          <div className="flex gap-2">
            <Button
              onClick={() => upsert.mutate({ workspaceId: ws.id, modelId, ...value })}
              loading={upsert.isPending}
            >
              Save schedule
            </Button>
            {current ? (
              <Button
                variant="ghost"
                onClick={() => remove.mutate({ workspaceId: ws.id, modelId })}
                loading={remove.isPending}
              >
                Remove schedule
              </Button>
            ) : null}
          </div>
        ) : (
          <p className="text-sm text-muted">Only admins and owners can change schedules.</p>
        )}
      </CardBody>
    </Card>
  );
}
