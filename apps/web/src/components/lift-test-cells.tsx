// The columns that say what a lift test measured, shared by the registry (lift-tests page) and the
// CSV import's preview, so that a previewed test reads exactly as it will in the registry. Each
// table keeps its own further columns (the registry: runs and actions; the preview: row and check).
import type { ReactNode } from "react";
import { Td, Th } from "@mixcast/ui";
import type { LiftTestCsvRow } from "@/lib/lift-test-csv.ts";

/** A stored test (source null when none) or a CSV row to import (source absent when none). */
export type LiftTestMeasurement = Pick<
  LiftTestCsvRow,
  "channel" | "start" | "end" | "geos" | "lift" | "se" | "spend"
> & {
  source?: string | null | undefined;
};

/** Header cells of the measurement columns, in the order of {@link LiftTestCells}. */
export function LiftTestHeadCells() {
  return (
    <>
      <Th>Channel</Th>
      <Th>Dates</Th>
      <Th>Geos</Th>
      <Th className="text-right">Lift ± se</Th>
      <Th className="text-right">Spend</Th>
      <Th>Source</Th>
    </>
  );
}

/** One test's measurement cells; `channelNote` follows the channel's name (e.g. an archived badge). */
export function LiftTestCells({ test, channelNote }: { test: LiftTestMeasurement; channelNote?: ReactNode }) {
  return (
    <>
      <Td>
        {test.channel}
        {channelNote ? <> {channelNote}</> : null}
      </Td>
      <Td>
        {test.start} – {test.end}
      </Td>
      <Td className="text-xs">{test.geos.length > 0 ? test.geos.join(", ") : "national"}</Td>
      <Td numeric>
        {test.lift.toLocaleString()} ± {test.se.toLocaleString()}
      </Td>
      <Td numeric>{test.spend.toLocaleString()}</Td>
      <Td className="text-xs">{test.source ?? "—"}</Td>
    </>
  );
}
