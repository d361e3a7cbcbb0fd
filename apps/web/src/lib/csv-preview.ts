"use client";
import Papa from "papaparse";

export interface CsvPreview {
  headers: string[];
  /** First rows (as objects keyed by header), for the preview table and mapping inference. */
  rows: Record<string, string>[];
  rowCount: number;
  /** The whole file as text, sent to the server for validation and storage. */
  text: string;
  parseMs: number;
}

export const PREVIEW_ROWS = 20;
const SAMPLE_ROWS = 60;

/**
 * Reads a CSV file for preview without blocking the page: Papa Parse streams the File in 64 KB
 * chunks (FileReader is asynchronous, so the UI gets the main thread back between chunks) and only
 * the first rows are kept. 5 years of daily rows x 50 columns (~1 MB) is a handful of chunks.
 */
export function previewCsv(file: File, onProgress?: (fraction: number) => void): Promise<CsvPreview> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let headers: string[] | null = null;
    const rows: Record<string, string>[] = [];
    let rowCount = 0;
    let cursor = 0;
    Papa.parse<string[]>(file, {
      header: false,
      skipEmptyLines: "greedy",
      chunkSize: 64 * 1024,
      chunk(results) {
        for (const cells of results.data) {
          if (!headers) {
            headers = cells.map((h) => h.trim());
            continue;
          }
          rowCount += 1;
          if (rows.length < SAMPLE_ROWS) {
            const row: Record<string, string> = {};
            headers.forEach((h, i) => (row[h] = cells[i] ?? ""));
            rows.push(row);
          }
        }
        cursor = results.meta.cursor;
        onProgress?.(file.size ? Math.min(1, cursor / file.size) : 1);
      },
      complete() {
        file
          .text()
          .then((text) =>
            resolve({ headers: headers ?? [], rows, rowCount, text, parseMs: performance.now() - started }),
          )
          .catch(reject);
      },
      error(err) {
        reject(new Error(`The file could not be read as CSV: ${err.message}`));
      },
    });
  });
}
