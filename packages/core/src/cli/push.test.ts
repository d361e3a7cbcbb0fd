// `mixcast push` against a real HTTP server on 127.0.0.1 that records what it receives and answers
// like the REST API does (the web app's own tests run push against the real API handler).
import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./main.ts";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

let server: Server;
let base: string;
const received: Received[] = [];
let reply: { status: number; body: unknown } = { status: 201, body: {} };
const dir = mkdtempSync(join(tmpdir(), "mixcast-push-"));
const csv = "date,sales,tv\n2024-01-01,100,10\n2024-01-08,110,12\n";
writeFileSync(join(dir, "week.csv"), csv);

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

async function push(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["push", ...args], {
    stdout: { write: (s: string) => ((stdout += s), true) } as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((stderr += s), true) } as NodeJS.WritableStream,
    cwd: dir,
  });
  return { code, stdout, stderr };
}

describe("mixcast push", () => {
  it("POSTs the file as text/csv with the bearer token and reports the stored version", async () => {
    reply = {
      status: 201,
      body: {
        datasetId: "ds1",
        versionId: "v-7",
        version: 7,
        rows: 2,
        firstWeek: "2024-01-01",
        lastWeek: "2024-01-08",
        duplicate: false,
        warnings: [{ column: "tv", message: "few non-zero weeks" }],
      },
    };
    received.length = 0;
    const r = await push([
      "--url",
      `${base}/`,
      "--token",
      "mxc_secret",
      "--dataset",
      "ds1",
      "--file",
      "week.csv",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Stored version 7 (v-7) of dataset ds1: 2 weeks, 2024-01-01 to 2024-01-08.\n");
    expect(r.stderr).toBe('warning: column "tv": few non-zero weeks\n');
    expect(received).toHaveLength(1);
    const req = received[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/api/v1/datasets/ds1/versions?fileName=week.csv");
    expect(req.headers.authorization).toBe("Bearer mxc_secret");
    expect(req.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(req.body).toBe(csv);
  });

  it("accepts the API's own address as --url", async () => {
    received.length = 0;
    reply = { status: 200, body: { versionId: "v-7", version: 7, rows: 2, duplicate: true } };
    const r = await push([
      "--url",
      `${base}/api/v1`,
      "--token",
      "t",
      "--dataset",
      "ds1",
      "--file",
      join(dir, "week.csv"),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^week.csv is identical to version 7 \(v-7\); nothing new was stored/);
    expect(received[0]!.url).toBe("/api/v1/datasets/ds1/versions?fileName=week.csv");
  });

  it("prints the server's row/column errors and exits 1", async () => {
    reply = {
      status: 400,
      body: {
        error: {
          code: "invalid_csv",
          message: "The CSV has 3 problems; nothing was stored.",
          errors: [
            { row: 3, column: "tv", message: 'Row 3, column "tv": "lots" is not a number.' },
            { message: "The file has 2 weekly rows, but at least 39 are needed." },
          ],
          errorCount: 3,
        },
      },
    };
    const r = await push(["--url", base, "--token", "t", "--dataset", "ds1", "--file", "week.csv"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toEqual([
      "mixcast push: the server refused the file (HTTP 400 invalid_csv): The CSV has 3 problems; nothing was stored.",
      '  row 3, column "tv": Row 3, column "tv": "lots" is not a number.',
      "  The file has 2 weekly rows, but at least 39 are needed.",
      "  ... and 1 more",
      "",
    ]);
  });

  it("401/403 are reported with the server's reason", async () => {
    reply = {
      status: 401,
      body: { error: { code: "unauthorized", message: "That API token was revoked." } },
    };
    const r = await push(["--url", base, "--token", "t", "--dataset", "ds1", "--file", "week.csv"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "mixcast push: the server refused the file (HTTP 401 unauthorized): That API token was revoked.\n",
    );
  });

  it("bad input: exit 2 without a request", async () => {
    received.length = 0;
    expect(
      (await push(["--url", "ftp://x", "--token", "t", "--dataset", "d", "--file", "week.csv"])).stderr,
    ).toMatch(/--url must start with http:\/\/ or https:\/\//);
    const missing = await push(["--url", base, "--token", "t", "--dataset", "d", "--file", "nope.csv"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read --file .*nope.csv: ENOENT/);
    expect((await push(["--url", base, "--token", "t", "--file", "week.csv"])).stderr).toMatch(
      /missing --dataset/,
    );
    expect(received).toHaveLength(0);
  });

  it("an unreachable server: exit 1 naming the address", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
    const port = (probe.address() as { port: number }).port;
    await new Promise((done) => probe.close(done));
    const r = await push([
      "--url",
      `http://127.0.0.1:${port}`,
      "--token",
      "t",
      "--dataset",
      "d",
      "--file",
      "week.csv",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `mixcast push: could not reach http://127.0.0.1:${port}/api/v1 (ECONNREFUSED). Check --url and that the server is running.\n`,
    );
  });
});
