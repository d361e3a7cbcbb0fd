import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.ts";
import {
  DEMO_USER,
  DEMO_WORKSPACE,
  demoDatasetPath,
  readDemoDatasetInfo,
  seedDemo,
  summariseCsv,
} from "./seed.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe("password hashes", () => {
  it("match better-auth's scrypt format (vector verified with @better-auth/utils verifyPassword)", async () => {
    const hash = await hashPassword("mixcast-demo", "00112233445566778899aabbccddeeff");
    expect(hash).toBe(
      "00112233445566778899aabbccddeeff:f21cd89e11350a502e0219385096626f4ccc673a88cda2f22f331bea93a4913bb18491424511e8ad088ba61b473c71bd2c4684d7c6da0c8a2e6560bd03ed8b2c",
    );
    expect(await verifyPassword(hash, "mixcast-demo")).toBe(true);
    expect(await verifyPassword(hash, "mixcast-dem0")).toBe(false);
  });
});

describe("demo dataset", () => {
  it("has 156 weekly rows with every channel, price and holiday, described by its sidecar", () => {
    const csv = readFileSync(demoDatasetPath, "utf8");
    const { rowCount, columnCount, summary } = summariseCsv(csv);
    expect(rowCount).toBe(156);
    expect(columnCount).toBe(11);
    const names = ["TV", "Search", "Instagram", "Facebook", "TikTok", "X (Twitter)", "Influencer"];
    expect(summary.columns.map((c) => c.name)).toEqual(["revenue", ...names, "price", "holiday"]);
    const info = readDemoDatasetInfo();
    expect(info.mapping.kpi).toBe("revenue");
    expect(info.mapping.channels.map((c) => c.column)).toEqual(names);
    expect(Object.keys(info.truth.channels)).toEqual(names);
    for (const channel of Object.values(info.truth.channels)) expect(channel.roi).toBeGreaterThan(0);
    expect(summary.columns.every((c) => c.missing === 0)).toBe(true);
    const dates = csv
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => Date.parse(line.split(",")[0]!));
    for (let i = 1; i < dates.length; i++) expect(dates[i]! - dates[i - 1]!).toBe(7 * 86_400_000);
  });
});

describe("seedDemo", () => {
  it("creates the demo workspace once and is idempotent", async () => {
    const { prisma } = db;
    const first = await seedDemo(prisma);
    expect(first.created).toBe(true);
    const second = await seedDemo(prisma);
    expect(second).toEqual({ ...first, created: false });

    const workspace = await prisma.workspace.findUniqueOrThrow({
      where: { slug: DEMO_WORKSPACE.slug },
      include: { memberships: { include: { user: true } } },
    });
    expect(workspace.name).toBe("Demo Brand");
    expect(workspace.currency).toBe("USD");
    expect(workspace.memberships.map((m) => [m.user.email, m.role])).toEqual([[DEMO_USER.email, "owner"]]);

    const account = await prisma.account.findFirstOrThrow({
      where: { userId: first.userId, providerId: "credential" },
    });
    expect(account.accountId).toBe(first.userId);
    expect(await verifyPassword(account.password!, DEMO_USER.password)).toBe(true);

    const version = await prisma.datasetVersion.findUniqueOrThrow({ where: { id: first.datasetVersionId } });
    expect(version.rowCount).toBe(156);
    expect(version.mapping).toEqual(readDemoDatasetInfo().mapping);
    const config = await prisma.modelConfigVersion.findUniqueOrThrow({
      where: { id: first.configVersionId },
    });
    expect(config.config).toMatchObject({ kpi: "revenue", holdoutWeeks: 13 });
    expect(version.checksum).toBe(createHash("sha256").update(version.csv).digest("hex"));
    expect(await prisma.datasetVersion.count()).toBe(1);
    expect(await prisma.modelConfigVersion.count()).toBe(1);
    const events = await prisma.auditEvent.findMany({
      where: { workspaceId: workspace.id },
      orderBy: { action: "asc" },
    });
    // the same action and target names the web app writes for these changes (one transaction, so
    // they share a timestamp: ordered by action)
    expect(events.map((e) => [e.action, e.targetType])).toEqual([
      ["dataset.create", "dataset"],
      ["dataset_version.create", "dataset_version"],
      ["model.create", "model"],
      ["workspace.create", "workspace"],
    ]);
  });
});
