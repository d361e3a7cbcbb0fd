import type { ColumnMapping } from "../types.ts";
import type { ParseOptions } from "../parse.ts";
import { corpusMapping, csv, goodRows, header, withRow } from "./corpus-cases.ts";

export interface MalformedInput {
  name: string;
  csv: string;
  mapping?: ColumnMapping;
  options?: ParseOptions;
}

const tenWeeks = Array.from({ length: 10 }, (_, i) => {
  const d = new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10);
  return `${d},1000,${i % 2 ? 0 : 100},50,20,9.99,0`;
});

export const malformedInputs: MalformedInput[] = [
  { name: "empty file", csv: "" },
  { name: "whitespace only", csv: "\n  \n" },
  { name: "header only", csv: header + "\n" },
  { name: "unclosed quote", csv: csv(header, '2024-01-01,"1000,100,50,20,9.99,0', goodRows[1]!) },
  {
    name: "unnamed column",
    csv: csv("date,revenue,TV,Search,Instagram,price,holiday,,notes", ...goodRows.map((r) => r + ",5,x")),
  },
  { name: "duplicate column", csv: csv("date,revenue,TV,Search,TV,price,holiday", ...goodRows) },
  { name: "mapped channel absent", csv: csv("date,revenue,TV,Search,Insta,price,holiday", ...goodRows) },
  { name: "mapped date absent", csv: csv("week,revenue,TV,Search,Instagram,price,holiday", ...goodRows) },
  {
    name: "column mapped twice",
    csv: withRow(0, goodRows[0]!),
    mapping: { ...corpusMapping, controls: ["price", "TV"] },
  },
  {
    name: "no channels in mapping",
    csv: withRow(0, goodRows[0]!),
    mapping: { ...corpusMapping, channels: [] },
  },
  {
    name: "unknown channel type",
    csv: withRow(0, goodRows[0]!),
    mapping: {
      ...corpusMapping,
      channels: [
        { column: "TV", type: "broadcast" as never },
        { column: "Search", type: "digital" },
      ],
    },
  },
  { name: "unquoted thousands separator", csv: withRow(1, "2024-01-08,1100,1,200,55,25,9.99,0") },
  { name: "too few cells", csv: withRow(2, "2024-01-15,1200,120,60") },
  { name: "text in spend", csv: withRow(1, "2024-01-08,1100,abc,55,25,9.99,0") },
  { name: "NaN in kpi", csv: withRow(3, "2024-01-22,NaN,0,52,22,10.49,0") },
  { name: "N/A in control", csv: withRow(0, "2024-01-01,1000,100,50,20,N/A,0") },
  { name: "empty spend cell", csv: withRow(2, "2024-01-15,1200,,60,0,10.49,1") },
  { name: "empty kpi cell", csv: withRow(4, "2024-01-29,,130,58,24,9.49,0") },
  { name: "negative spend", csv: withRow(1, "2024-01-08,1100,-5,55,25,9.99,0") },
  { name: "accounting negative spend", csv: withRow(1, '2024-01-08,1100,"(1,500)",55,25,9.99,0') },
  { name: "negative kpi", csv: withRow(1, "2024-01-08,-1100,0,55,25,9.99,0") },
  { name: "event not 0/1", csv: withRow(2, "2024-01-15,1200,120,60,0,10.49,2") },
  { name: "invalid date text", csv: withRow(2, "last week,1200,120,60,0,10.49,1") },
  { name: "impossible calendar date", csv: withRow(1, "2024-02-30,1100,0,55,25,9.99,0") },
  { name: "empty date", csv: withRow(1, ",1100,0,55,25,9.99,0") },
  { name: "duplicate date", csv: withRow(2, "2024-01-08,1200,120,60,0,10.49,1") },
  {
    name: "unsorted dates",
    csv: csv(header, goodRows[0]!, goodRows[2]!, goodRows[1]!, goodRows[3]!, goodRows[4]!),
  },
  { name: "one missing week", csv: csv(header, goodRows[0]!, goodRows[1]!, goodRows[3]!, goodRows[4]!) },
  {
    name: "several missing weeks",
    csv: csv(header, goodRows[0]!, "2024-02-05,1100,0,55,25,9.99,0", "2024-02-12,1200,120,60,0,10.49,1"),
  },
  { name: "not 7 days apart", csv: withRow(2, "2024-01-18,1200,120,60,0,10.49,1") },
  {
    name: "daily data",
    csv: csv(header, ...["01", "02", "03", "04", "05"].map((d) => `2024-01-${d},1000,100,50,20,9.99,0`)),
  },
  {
    name: "mixed day-first and month-first",
    csv: csv(
      header,
      "25/12/2023,1000,100,50,20,9.99,0",
      "01/01/2024,1100,0,55,25,9.99,0",
      "01/08/2024,1200,120,60,0,10.49,1",
      "01/15/2024,1300,0,60,4,10.49,1",
    ),
  },
  {
    name: "all-zero channel",
    csv: csv(
      header,
      ...goodRows.map((r) =>
        r
          .split(",")
          .map((c, i) => (i === 4 ? "0" : c))
          .join(","),
      ),
    ),
  },
  {
    name: "channel zero in training weeks",
    csv: csv(
      header,
      ...tenWeeks.map((r, i) =>
        r
          .split(",")
          .map((c, j) => (j === 3 ? (i >= 8 ? "40" : "0") : c))
          .join(","),
      ),
    ),
    options: { holdoutWeeks: 2, minTrainingWeeks: 3 },
  },
  {
    name: "all-zero kpi",
    csv: csv(
      header,
      ...goodRows.map((r) =>
        r
          .split(",")
          .map((c, i) => (i === 1 ? "0" : c))
          .join(","),
      ),
    ),
  },
  {
    name: "constant control",
    csv: csv(
      header,
      ...goodRows.map((r) =>
        r
          .split(",")
          .map((c, i) => (i === 5 ? "10" : c))
          .join(","),
      ),
    ),
  },
  { name: "too few rows for the holdout", csv: csv(header, ...tenWeeks), options: {} },
  {
    name: "many errors are capped",
    csv: csv(
      header,
      ...Array.from(
        { length: 60 },
        (_, i) => `${new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10)},x,1,1,1,1,0`,
      ),
    ),
    options: { holdoutWeeks: 0, minTrainingWeeks: 3, maxErrors: 50 },
  },
  {
    name: "several problems at once",
    csv: csv(header, goodRows[0]!, "2024-01-08,1100,abc,55,-3,9.99,0", "2024-01-08,1200,120,60,0,,1"),
  },
];
