// `mixcast push`: sends a CSV to a Mixcast server as a new version of a dataset, through the REST
// API (POST /api/v1/datasets/{id}/versions) with a workspace API token. Self-contained: only
// node:fs and fetch, so it works from any machine with Node 20 and this repository.
import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { CliError } from "../args.ts";
import type { CliCommand } from "../registry.ts";

interface PushIssue {
  row?: number;
  column?: string;
  message: string;
}

/** What the API answers: a stored version, or an error (docs/api.md). */
interface ApiReply {
  version?: number;
  versionId?: string;
  rows?: number;
  firstWeek?: string | null;
  lastWeek?: string | null;
  duplicate?: boolean;
  warnings?: PushIssue[];
  error?: { code?: string; message?: string; errors?: PushIssue[]; errorCount?: number };
}

function apiBase(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`--url must be the server's address, e.g. https://mixcast.example.com (got "${raw}")`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new CliError(`--url must start with http:// or https:// (got "${raw}")`);
  // Accept the app's address or the API's: https://host, https://host/, https://host/api/v1.
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api\/v1$/, "");
  return `${url.origin}${path}/api/v1`;
}

export const pushCommand: CliCommand = {
  name: "push",
  summary: "send a CSV to a Mixcast server as a new dataset version (REST API, API token)",
  options: [
    {
      name: "url",
      kind: "string",
      required: true,
      placeholder: "<base url>",
      description: "the Mixcast server, e.g. https://mixcast.example.com",
    },
    {
      name: "token",
      kind: "string",
      required: true,
      placeholder: "<token>",
      description: "workspace API token with the datasets:write scope",
    },
    {
      name: "dataset",
      kind: "string",
      required: true,
      placeholder: "<dataset id>",
      description: "dataset to add the version to",
    },
    {
      name: "file",
      kind: "string",
      required: true,
      placeholder: "<data.csv>",
      description: "the whole dataset as CSV (same columns as the dataset)",
    },
  ],
  async run(opts, io) {
    const base = apiBase(opts.url as string);
    const dataset = (opts.dataset as string).trim();
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(dataset))
      throw new CliError(`--dataset must be a dataset id (letters, digits, - and _), got "${dataset}"`);
    const path = resolve(io.cwd, opts.file as string);
    let csv: string;
    try {
      csv = await readFile(path, "utf8");
    } catch (error) {
      throw new CliError(
        `cannot read --file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    const endpoint = `${base}/datasets/${encodeURIComponent(dataset)}/versions?fileName=${encodeURIComponent(basename(path))}`;
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: {
          authorization: `Bearer ${opts.token as string}`,
          "content-type": "text/csv; charset=utf-8",
          "user-agent": "mixcast-cli push",
        },
        body: csv,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      io.stderr.write(
        `mixcast push: could not reach ${base} (${cause?.code ?? cause?.message ?? (error as Error).message}). Check --url and that the server is running.\n`,
      );
      return 1;
    }
    const text = await response.text();
    let body: ApiReply | null;
    try {
      body = JSON.parse(text) as ApiReply;
    } catch {
      body = null;
    }
    if ((response.status === 201 || response.status === 200) && body) {
      const b = body;
      if (b.duplicate)
        io.stdout.write(
          `${basename(path)} is identical to version ${b.version} (${b.versionId}); nothing new was stored.\n`,
        );
      else
        io.stdout.write(
          `Stored version ${b.version} (${b.versionId}) of dataset ${dataset}: ${b.rows} weeks, ${b.firstWeek} to ${b.lastWeek}.\n`,
        );
      for (const w of b.warnings ?? []) io.stderr.write(`warning: ${describeIssue(w)}\n`);
      return 0;
    }
    const error = body?.error ?? null;
    io.stderr.write(
      `mixcast push: the server refused the file (HTTP ${response.status}${error?.code ? ` ${error.code}` : ""}): ${error?.message ?? text.slice(0, 300)}\n`,
    );
    for (const issue of error?.errors ?? []) io.stderr.write(`  ${describeIssue(issue)}\n`);
    if (error?.errorCount !== undefined && error.errors && error.errorCount > error.errors.length)
      io.stderr.write(`  ... and ${error.errorCount - error.errors.length} more\n`);
    return 1;
  },
};

function describeIssue(issue: PushIssue): string {
  const where = [
    issue.row !== undefined ? `row ${issue.row}` : null,
    issue.column ? `column "${issue.column}"` : null,
  ]
    .filter(Boolean)
    .join(", ");
  return where ? `${where}: ${issue.message}` : issue.message;
}
