"use client";
// The pieces the settings cards (API tokens, share links, alert channels) share: a list loaded by
// one query (spinner, error, empty state, table with an actions column), the "created by" cell,
// and the dialog that shows a secret once.
import type { ReactNode } from "react";
import { Alert, Button, Dialog, Input, Spinner, Table, TBody, Td, Th, THead, Tr } from "@mixcast/ui";
import { formatDateTime } from "@/components/format.ts";
import { errorMessage } from "@/trpc/client.tsx";

/** Badge tone of a credential's state (API tokens, share links). */
export const CREDENTIAL_STATE_TONE = { active: "success", expired: "warning", revoked: "neutral" } as const;

/** What SettingsList reads of a react-query result (once it is neither pending nor failed, data is there). */
export interface SettingsListQuery<T> {
  isPending: boolean;
  error: unknown;
  data: readonly T[] | undefined;
}

export function SettingsList<T>({
  query,
  loadingLabel,
  empty,
  caption,
  columns,
  rowKey,
  row,
}: {
  query: SettingsListQuery<T>;
  loadingLabel: string;
  /** Shown when the list has loaded with nothing in it. */
  empty: ReactNode;
  caption: string;
  /** Column headers; an unlabelled "Actions" column follows them. */
  columns: string[];
  rowKey: (item: T) => string;
  /** The cells of one row, its actions last. */
  row: (item: T) => ReactNode;
}) {
  if (query.isPending) return <Spinner label={loadingLabel} />;
  if (query.error) return <Alert tone="danger">{errorMessage(query.error)}</Alert>;
  const items = query.data ?? [];
  if (items.length === 0) return <>{empty}</>;
  return (
    <Table caption={caption}>
      <THead>
        <Tr>
          {columns.map((c) => (
            <Th key={c}>{c}</Th>
          ))}
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </Tr>
      </THead>
      <TBody>
        {items.map((item) => (
          <Tr key={rowKey(item)}>{row(item)}</Tr>
        ))}
      </TBody>
    </Table>
  );
}

/** First cell of a credential's row: its name, who created it and when. */
export function CreatedByCell({ name, by, at }: { name: string; by: string; at: Date | string }) {
  return (
    <Td>
      <div className="font-medium">{name}</div>
      <div className="text-xs text-muted">
        by {by} · {formatDateTime(at)}
      </div>
    </Td>
  );
}

/** A secret Mixcast keeps only a hash of, shown once right after it is created. */
export function ShownOnceDialog({
  open,
  onClose,
  title,
  description,
  label,
  value,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description: string;
  label: string;
  value: string;
  children?: ReactNode;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      description={description}
      footer={<Button onClick={onClose}>I have copied it</Button>}
    >
      <Input label={label} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
      {children}
    </Dialog>
  );
}
