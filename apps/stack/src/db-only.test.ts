// The launcher with --db-only against a fresh database (DATABASE_URL): migrates and seeds on the
// first start, finds everything in place on the second, and prints the demo login both times.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "@mixcast/db/client";
import { DEMO_GEO, DEMO_USER } from "@mixcast/db/seed";
import { createEmptyTestDatabase, type EmptyTestDatabase } from "@mixcast/db/testing";

const run = promisify(execFile);
const stackDir = fileURLToPath(new URL("..", import.meta.url));
const launcher = ["--import", "tsx", "src/main.ts", "--db-only"];
let db: EmptyTestDatabase | undefined;
afterAll(() => db?.drop());

async function start(databaseUrl: string) {
  const { stdout } = await run(process.execPath, launcher, {
    cwd: stackDir,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "3999" },
    timeout: 180_000,
  });
  return stdout;
}

describe("launcher --db-only", () => {
  it("migrates and seeds once, then reuses the database; prints the demo login", async () => {
    db = await createEmptyTestDatabase();
    const first = await start(db.url);
    const migrationCount = readdirSync(new URL("../../../packages/db/prisma/migrations", import.meta.url), {
      withFileTypes: true,
    }).filter((d) => d.isDirectory()).length;
    expect(migrationCount).toBeGreaterThanOrEqual(3);
    expect(first).toContain(`Applied ${migrationCount} migration(s)`);
    expect(first).toMatch(/Seeded the demo workspace "Demo Brand"/);
    expect(first).toMatch(/queued the demo model's first fit/);
    expect(first).toMatch(/queued the geo demo model's first fit/);
    expect(first).toContain(`${DEMO_USER.email}  /  ${DEMO_USER.password}`);
    expect(first).toContain("http://localhost:3999");

    const second = await start(db.url);
    expect(second).toContain(`Database schema is up to date (${migrationCount} migrations)`);
    expect(second).toMatch(/Demo workspace already present/);

    const prisma = createPrismaClient(db.url, { maxConnections: 1 });
    try {
      expect(await prisma.workspace.count()).toBe(1);
      // the national demo and the geo demo, each with its first fit queued once
      expect(await prisma.datasetVersion.count()).toBe(2);
      expect(await prisma.model.count()).toBe(2);
      const runs = await prisma.run.findMany({ select: { modelId: true, status: true, mode: true } });
      expect(runs).toHaveLength(2);
      expect(runs.filter((r) => r.modelId === DEMO_GEO.modelId)).toEqual([
        { modelId: DEMO_GEO.modelId, status: "queued", mode: "full" },
      ]);
      expect(runs.every((r) => r.status === "queued" && r.mode === "full")).toBe(true);
      const campaigns = await prisma.campaign.findMany({
        include: { _count: { select: { scenarios: true } } },
        orderBy: { name: "asc" },
      });
      expect(campaigns.map((c) => [c.name, c._count.scenarios])).toEqual([
        ["Next quarter", 2],
        ["Next quarter by state", 2],
      ]);
    } finally {
      await prisma.$disconnect();
    }
  }, 360_000);

  it("refuses an invalid environment, naming the variable", async () => {
    await expect(
      run(process.execPath, launcher, {
        cwd: stackDir,
        env: { ...process.env, DATABASE_URL: "mysql://nope/x" },
      }),
    ).rejects.toThrow(/DATABASE_URL must be a PostgreSQL URL/);
  }, 60_000);
});
