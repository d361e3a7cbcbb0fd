"use client";
// The run page's model health (docs/trust.md section 2): the score, the one-line verdict, the named
// checks with their figures and thresholds, and the plain verdict per channel.
import type { StoredModelHealth } from "@mixcast/runs/stored";
import {
  Badge,
  type BadgeTone,
  Card,
  CardBody,
  CardHeader,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from "@mixcast/ui";
import Link from "next/link";
import { formatNumber } from "@/components/format.ts";

const verdictTone: Record<StoredModelHealth["verdict"], BadgeTone> = {
  "reliable for budget decisions": "success",
  "use with care": "warning",
  "do not use": "danger",
};

const statusTone: Record<StoredModelHealth["checks"][number]["status"], BadgeTone> = {
  pass: "success",
  warn: "warning",
  fail: "danger",
  skipped: "neutral",
};

const channelTone: Record<StoredModelHealth["channels"][number]["verdict"], BadgeTone> = {
  "scale up": "success",
  hold: "neutral",
  test: "info",
  "pull back": "warning",
};

export function ModelHealthCard({
  health,
  nextTestHref,
}: {
  health: StoredModelHealth | null | undefined;
  nextTestHref?: string;
}) {
  if (!health)
    return (
      <Card>
        <CardHeader title="Model health" description="Is this model fit to decide with?" />
        <CardBody>
          <p className="text-sm text-muted">
            No health score for this run (it was fitted before scores were stored, or the score could not be
            computed).
          </p>
        </CardBody>
      </Card>
    );
  return (
    <Card>
      <CardHeader title="Model health" description="Is this model fit to decide with?" />
      <CardBody className="flex flex-col gap-4">
        <div className="flex flex-wrap items-center gap-3" data-testid="model-health">
          <span className="text-3xl font-semibold tabular-nums" data-testid="health-score">
            {health.score}
          </span>
          <span className="text-sm text-muted">/ 100</span>
          <Badge tone={verdictTone[health.verdict]}>{health.verdict}</Badge>
          <span className="text-sm">{health.summary}</span>
          {nextTestHref ? (
            <Link className="text-sm underline" href={nextTestHref}>
              Which test next?
            </Link>
          ) : null}
        </div>
        <Table>
          <THead>
            <Tr>
              <Th>Check</Th>
              <Th>Result</Th>
              <Th className="text-right">Figure</Th>
              <Th>Threshold</Th>
              <Th className="text-right">Points off</Th>
              <Th>What it means</Th>
            </Tr>
          </THead>
          <TBody>
            {health.checks.map((c) => (
              <Tr key={c.name}>
                <Td>{c.label}</Td>
                <Td>
                  <Badge tone={statusTone[c.status]}>{c.status}</Badge>
                </Td>
                <Td className="text-right tabular-nums">
                  {c.figure === null ? "–" : formatNumber(c.figure, 3)}
                </Td>
                <Td className="text-xs text-muted">{c.threshold}</Td>
                <Td className="text-right tabular-nums">{c.penalty}</Td>
                <Td className="text-xs">{c.detail}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
        <Table>
          <THead>
            <Tr>
              <Th>Channel</Th>
              <Th>Verdict</Th>
              <Th className="text-right">Learned from data</Th>
              <Th>Why</Th>
            </Tr>
          </THead>
          <TBody>
            {health.channels.map((c) => (
              <Tr key={c.name}>
                <Td>{c.name}</Td>
                <Td>
                  <Badge tone={channelTone[c.verdict]}>{c.verdict}</Badge>
                </Td>
                <Td className="text-right tabular-nums">
                  {c.contraction === null ? "–" : `${formatNumber(Math.max(0, c.contraction) * 100, 0)}%`}
                </Td>
                <Td className="text-xs">{c.reason}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      </CardBody>
    </Card>
  );
}
