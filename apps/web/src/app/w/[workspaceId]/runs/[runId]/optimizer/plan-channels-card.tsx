"use client";
import { Button, Card, CardBody, CardHeader, Table, TBody, Td, Th, THead, Tr } from "@mixcast/ui";
import { downloadCsv, formatMoney, formatPercent, type CsvTable } from "@mixcast/ui/charts";
import { formatNumber } from "@/components/format.ts";
import type { Interval } from "@/lib/exports.ts";

/** One channel of an optimized plan (flat optimizer's allocation or a goal's channels). */
export interface PlanChannel {
  channel: string;
  currentTotal: number;
  total: number;
  weekly: number[];
  share: number;
  contribution: Interval;
  roi: Interval;
  marginalRoi: number;
  atBound: string | null;
}

/**
 * The "Per-channel plan" card of the optimizer's results: CSV download, "Save as scenario" for
 * those who may, and the table of totals, contribution, ROI and marginal ROI per channel.
 */
export function PlanChannelsCard({
  description,
  channels,
  currency,
  planLabel,
  perWeek = false,
  caption,
  rowTestId,
  csv,
  onSave,
  formatContribution,
  formatRoi,
}: {
  description: string;
  channels: PlanChannel[];
  currency: string;
  /** Header of the plan's total column ("Optimal", "Plan"). */
  planLabel: string;
  /** Adds the first week's amount (flat plans spend the same every week). */
  perWeek?: boolean;
  caption: string;
  rowTestId: string;
  csv: { fileName: string; label: string; table: () => CsvTable };
  onSave: (() => void) | null;
  formatContribution: (i: Interval) => string;
  formatRoi: (i: Interval) => string;
}) {
  const money = (v: number) => formatMoney(v, currency);
  return (
    <Card>
      <CardHeader
        title="Per-channel plan"
        description={description}
        actions={
          <>
            <Button
              variant="secondary"
              onClick={() => downloadCsv(csv.fileName, csv.table())}
              aria-label={csv.label}
            >
              Download CSV
            </Button>
            {onSave ? (
              <Button variant="secondary" onClick={onSave}>
                Save as scenario
              </Button>
            ) : null}
          </>
        }
      />
      <CardBody>
        <Table caption={caption}>
          <THead>
            <tr>
              <Th>Channel</Th>
              <Th className="text-right">Current</Th>
              <Th className="text-right">{planLabel}</Th>
              {perWeek ? <Th className="text-right">Per week</Th> : null}
              <Th className="text-right">Share</Th>
              <Th className="text-right">Contribution (90%)</Th>
              <Th className="text-right">ROI (90%)</Th>
              <Th className="text-right">Marginal ROI</Th>
              <Th>Constraint</Th>
            </tr>
          </THead>
          <TBody>
            {channels.map((a) => (
              <Tr key={a.channel} data-testid={rowTestId}>
                <Td className="font-medium">{a.channel}</Td>
                <Td numeric>{money(a.currentTotal)}</Td>
                <Td numeric>{money(a.total)}</Td>
                {perWeek ? <Td numeric>{money(a.weekly[0] ?? 0)}</Td> : null}
                <Td numeric>{formatPercent(a.share, 1)}</Td>
                <Td numeric>{formatContribution(a.contribution)}</Td>
                <Td numeric>{formatRoi(a.roi)}</Td>
                <Td numeric>{formatNumber(a.marginalRoi)}</Td>
                <Td>{a.atBound ?? "—"}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      </CardBody>
    </Card>
  );
}
