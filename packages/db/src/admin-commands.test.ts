// `pnpm admin token ...` against real PostgreSQL: through DATABASE_URL (the real script in a child
// process) and through a running embedded server found by its postmaster.pid.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminCommand } from "./admin-commands.ts";
import { hashApiToken, looksLikeApiToken } from "./api-tokens.ts";
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from "./embedded.ts";
import { connectLocalDatabase, runningEmbeddedPort } from "./local-running.ts";
import { migrateDatabase } from "./migrate.ts";
import { createPrismaClient } from "./client.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

const run = promisify(execFile);
const scriptPath = new URL("./cli/admin.ts", import.meta.url).pathname;
const tsx = new URL("../node_modules/.bin/tsx", import.meta.url).pathname;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.workspace.create({ data: { id: "ws-acme", name: "Acme", slug: "acme" } });
});
afterAll(() => db?.drop());

function capture(url: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      connect: () => Promise.resolve({ url, stop: () => Promise.resolve() }),
    },
  };
}

describe("pnpm admin token", () => {
  it("create (real script, DATABASE_URL): prints the token once on stdout, stores only its hash, audits", async () => {
    const { stdout, stderr } = await run(
      tsx,
      [
        scriptPath,
        "token",
        "create",
        "--workspace",
        "acme",
        "--name",
        "Warehouse sync",
        "--scopes",
        "datasets:write,runs:read",
        "--expires-in-days",
        "30",
      ],
      { env: { ...process.env, DATABASE_URL: db.url } },
    );
    const token = stdout.trim();
    expect(looksLikeApiToken(token)).toBe(true);
    expect(stderr).toMatch(/Created token "Warehouse sync".*datasets:write, runs:read, expires/);
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: hashApiToken(token) } });
    expect(row).toMatchObject({
      workspaceId: "ws-acme",
      name: "Warehouse sync",
      createdById: null,
      revokedAt: null,
    });
    expect(row.scopes).toEqual(["datasets:write", "runs:read"]);
    expect(row.prefix).toBe(token.slice(0, 12));
    // The token itself is nowhere in the table.
    expect(JSON.stringify(row)).not.toContain(token);
    const days = (row.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "api_token.create", targetId: row.id },
    });
    expect(audit).toMatchObject({ actorKind: "system", workspaceId: "ws-acme" });
    expect(audit.details).toMatchObject({ via: "admin-script", scopes: ["datasets:write", "runs:read"] });
  }, 60_000);

  it("bad input: exit 2 naming the problem, nothing stored", async () => {
    const before = await db.prisma.apiToken.count();
    const c = capture(db.url);
    expect(
      await runAdminCommand(
        ["token", "create", "--workspace", "acme", "--name", "x1", "--scopes", "datasets:read"],
        c.io,
      ),
    ).toBe(2);
    expect(c.err.join("\n")).toMatch(
      /unknown scope "datasets:read" \(scopes: datasets:write, runs:read, reports:read\)/,
    );
    expect(
      await runAdminCommand(["token", "create", "--workspace", "acme", "--scopes", "runs:read"], c.io),
    ).toBe(2);
    expect(c.err.join("\n")).toMatch(/missing --name/);
    const unknown = capture(db.url);
    expect(
      await runAdminCommand(
        ["token", "create", "--workspace", "nope", "--name", "ab", "--scopes", "runs:read"],
        unknown.io,
      ),
    ).toBe(1);
    expect(unknown.err.join("\n")).toMatch(/No workspace with slug "nope". Workspaces: acme/);
    expect(await db.prisma.apiToken.count()).toBe(before);
  });

  it("list and revoke", async () => {
    const c = capture(db.url);
    expect(
      await runAdminCommand(
        ["token", "create", "--workspace", "acme", "--name", "Temp", "--scopes", "runs:read"],
        c.io,
      ),
    ).toBe(0);
    const row = await db.prisma.apiToken.findFirstOrThrow({ where: { name: "Temp" } });
    const l = capture(db.url);
    expect(await runAdminCommand(["token", "list", "--workspace", "acme"], l.io)).toBe(0);
    expect(l.out.find((line) => line.startsWith(row.id))).toMatch(/\tactive\truns:read\tTemp\tnever used$/);
    expect(await runAdminCommand(["token", "revoke", "--workspace", "acme", "--id", row.id], c.io)).toBe(0);
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).not.toBeNull();
    // Twice: nothing left to revoke.
    expect(await runAdminCommand(["token", "revoke", "--workspace", "acme", "--id", row.id], c.io)).toBe(1);
    expect(
      await db.prisma.auditEvent.count({ where: { action: "api_token.revoke", targetId: row.id } }),
    ).toBe(1);
  });
});

describe("the embedded database of a running `pnpm start`", () => {
  const parent = mkdtempSync(join(tmpdir(), "mixcast-admin-test-"));
  chmodSync(parent, 0o755);
  let server: EmbeddedPostgresServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  it("postmaster.pid: the port of a live server, nothing for a dead one", () => {
    const dir = join(parent, "fake");
    mkdirSync(dir);
    writeFileSync(join(dir, "postmaster.pid"), `${process.pid}\n${dir}\n1700000000\n54999\n/tmp\n`);
    expect(runningEmbeddedPort(dir)).toBe(54999);
    writeFileSync(join(dir, "postmaster.pid"), `999999999\n${dir}\n1700000000\n54999\n/tmp\n`);
    expect(runningEmbeddedPort(dir)).toBeUndefined();
  });

  it("is found and used without starting a second server", async () => {
    const dataDir = join(parent, "pg");
    server = await startEmbeddedPostgres({ dataDir, fast: true });
    const url = await server.ensureDatabase("mixcast");
    await migrateDatabase(url);
    const prisma = createPrismaClient(url, { maxConnections: 1 });
    await prisma.workspace.create({ data: { id: "ws-local", name: "Local", slug: "local" } });
    const out: string[] = [];
    const code = await runAdminCommand(
      ["token", "create", "--workspace", "local", "--name", "Local push", "--scopes", "datasets:write"],
      { out: (l) => out.push(l), err: () => {}, connect: () => connectLocalDatabase({ dataDir, env: {} }) },
    );
    expect(code).toBe(0);
    const stored = await prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: hashApiToken(out[0]!) } });
    expect(stored.workspaceId).toBe("ws-local");
    await prisma.$disconnect();
  }, 60_000);
});
