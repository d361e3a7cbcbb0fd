/**
 * What changed between two versions of a weekly dataset: weeks added, weeks removed, and weeks
 * whose values were revised (with the cells, old and new). Rows are matched by the date column;
 * cells are equal when their text is equal or both are numbers equal to 1e-9 relative.
 */
import Papa from "papaparse";

export interface CellChange {
  column: string;
  from: string;
  to: string;
}

export interface DatasetDiff {
  added: { date: string; row: number }[];
  removed: { date: string }[];
  revised: { date: string; row: number; changes: CellChange[] }[];
  columnsAdded: string[];
  columnsRemoved: string[];
}

function table(csv: string): { header: string[]; rows: string[][] } {
  const parsed = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ""), { header: false, skipEmptyLines: true });
  const [header = [], ...rows] = parsed.data;
  return { header: header.map((h) => h.trim()), rows };
}

function sameCell(a: string, b: string): boolean {
  const x = a.trim();
  const y = b.trim();
  if (x === y) return true;
  const nx = Number(x);
  const ny = Number(y);
  if (x === "" || y === "" || !Number.isFinite(nx) || !Number.isFinite(ny)) return false;
  return Math.abs(nx - ny) <= 1e-9 * Math.max(1, Math.abs(nx), Math.abs(ny));
}

export function diffDatasetCsv(previousCsv: string, nextCsv: string, dateColumn: string): DatasetDiff {
  const prev = table(previousCsv);
  const next = table(nextCsv);
  const pDate = prev.header.indexOf(dateColumn);
  const nDate = next.header.indexOf(dateColumn);
  if (pDate < 0 || nDate < 0) throw new Error(`Both versions need the date column "${dateColumn}".`);
  const shared = next.header.filter((h) => h !== dateColumn && prev.header.includes(h));
  const prevByDate = new Map<string, string[]>();
  for (const r of prev.rows) prevByDate.set((r[pDate] ?? "").trim(), r);
  const seen = new Set<string>();
  const diff: DatasetDiff = {
    added: [],
    removed: [],
    revised: [],
    columnsAdded: next.header.filter((h) => !prev.header.includes(h)),
    columnsRemoved: prev.header.filter((h) => !next.header.includes(h)),
  };
  next.rows.forEach((r, i) => {
    const date = (r[nDate] ?? "").trim();
    seen.add(date);
    const old = prevByDate.get(date);
    // Spreadsheet row numbers: the header is row 1.
    if (!old) {
      diff.added.push({ date, row: i + 2 });
      return;
    }
    const changes: CellChange[] = [];
    for (const column of shared) {
      const from = old[prev.header.indexOf(column)] ?? "";
      const to = r[next.header.indexOf(column)] ?? "";
      if (!sameCell(from, to)) changes.push({ column, from, to });
    }
    if (changes.length) diff.revised.push({ date, row: i + 2, changes });
  });
  for (const date of prevByDate.keys()) if (!seen.has(date)) diff.removed.push({ date });
  return diff;
}

/** Leaf-by-leaf differences between two JSON values (e.g. model configs), as dotted paths. */
export function diffJson(
  previous: unknown,
  next: unknown,
  path = "",
): { path: string; from: unknown; to: unknown }[] {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObj(previous) && isObj(next)) {
    const keys = [...new Set([...Object.keys(previous), ...Object.keys(next)])].sort();
    return keys.flatMap((k) => diffJson(previous[k], next[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(previous) && Array.isArray(next) && previous.length === next.length)
    return previous.flatMap((v, i) => diffJson(v, next[i], `${path}[${i}]`));
  return JSON.stringify(previous) === JSON.stringify(next)
    ? []
    : [{ path: path || "(root)", from: previous, to: next }];
}
