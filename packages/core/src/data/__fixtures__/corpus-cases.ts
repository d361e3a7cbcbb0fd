/** Malformed and valid CSV inputs for the parser tests (expected messages live in malformed.ts). */
import type { ColumnMapping } from "../types.ts";

export const corpusMapping: ColumnMapping = {
  date: "date",
  kpi: "revenue",
  channels: [
    { column: "TV", type: "traditional" },
    { column: "Search", type: "digital" },
    { column: "Instagram", type: "social" },
  ],
  controls: ["price"],
  events: ["holiday"],
};

/** Corpus files are short: no holdout, 3 training rows minimum (the row-count rule has its own case). */
export const corpusOptions = { holdoutWeeks: 0, minTrainingWeeks: 3 };

export const header = "date,revenue,TV,Search,Instagram,price,holiday";
export const goodRows = [
  "2024-01-01,1000,100,50,20,9.99,0",
  "2024-01-08,1100,0,55,25,9.99,0",
  "2024-01-15,1200,120,60,0,10.49,1",
  "2024-01-22,1150,0,52,22,10.49,0",
  "2024-01-29,1300,130,58,24,9.49,0",
];

/** The good file with row `dataIndex` (0-based) replaced. */
export function withRow(dataIndex: number, line: string, rows = goodRows): string {
  const copy = [...rows];
  copy[dataIndex] = line;
  return [header, ...copy].join("\n") + "\n";
}

export function csv(...lines: string[]): string {
  return lines.join("\n") + "\n";
}
