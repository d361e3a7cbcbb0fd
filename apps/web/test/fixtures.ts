// Small deterministic fixtures for server tests and e2e: a valid weekly CSV and users.
import { randomUUID } from "node:crypto";
import type { ColumnMapping } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import type { Role } from "@/lib/roles.ts";
import type { Context } from "../src/server/trpc.ts";

/** A valid weekly CSV: date, sales (KPI), three channels and a price control. */
export function weeklyCsv(weeks = 60, start = "2023-01-02"): string {
  const lines = ["date,sales,tv_spend,facebook_spend,influencer_spend,price"];
  const t0 = Date.parse(`${start}T00:00:00Z`);
  for (let w = 0; w < weeks; w++) {
    const date = new Date(t0 + w * 7 * 86_400_000).toISOString().slice(0, 10);
    const tv = 1000 + 400 * Math.sin(w / 5);
    const fb = 600 + 250 * Math.cos(w / 3);
    const inf = w % 4 === 0 ? 800 : 150;
    const sales = 20000 + 3 * tv + 5 * fb + 2 * inf + 500 * Math.sin(w / 8);
    lines.push(
      [
        date,
        sales.toFixed(2),
        tv.toFixed(2),
        fb.toFixed(2),
        inf.toFixed(2),
        (9.99 + (w % 3) * 0.5).toFixed(2),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

export const weeklyMapping: ColumnMapping = {
  date: "date",
  kpi: "sales",
  channels: [
    { column: "tv_spend", type: "traditional" },
    { column: "facebook_spend", type: "social" },
    { column: "influencer_spend", type: "influencer" },
  ],
  controls: ["price"],
};

export async function createUser(prisma: PrismaClient, name: string) {
  const id = randomUUID();
  return prisma.user.create({
    data: {
      id,
      name,
      email: `${name.toLowerCase().replace(/\W+/g, ".")}.${id.slice(0, 6)}@example.test`,
      emailVerified: true,
    },
  });
}

export async function addMember(prisma: PrismaClient, workspaceId: string, userId: string, role: Role) {
  return prisma.membership.create({ data: { id: randomUUID(), workspaceId, userId, role } });
}

type TestUser = Awaited<ReturnType<typeof createUser>>;

/** The request context the server tests call the tRPC caller with, for `user`. */
export function testContext(prisma: PrismaClient, user: TestUser): Context {
  return { prisma, user, enqueueFitRun: async () => null, baseUrl: "http://mixcast.test" };
}

export interface WorkspaceFixture {
  workspaceId: string;
  /** The workspace's creator (its owner), and a context acting as them. */
  owner: TestUser;
  analyst: Context;
  /** A member with the viewer role, and a context acting as them. */
  viewerUser: TestUser;
  viewer: Context;
}

/**
 * A workspace created by `owner` through workspace.create (so its membership and audit are the
 * app's own), with a second user added as a viewer: the setup of the server's domain tests.
 */
export async function workspaceWithViewer(
  prisma: PrismaClient,
  names: { workspace: string; owner?: string; viewer?: string },
): Promise<WorkspaceFixture> {
  // Imported here, not at the top: e2e/make-fixtures.ts imports this module for weeklyCsv and must
  // not load the server.
  const { createCaller } = await import("../src/server/root.ts");
  const owner = await createUser(prisma, names.owner ?? "Olivia Owner");
  const viewerUser = await createUser(prisma, names.viewer ?? "Victor Viewer");
  const analyst = testContext(prisma, owner);
  const viewer = testContext(prisma, viewerUser);
  const workspaceId = (await createCaller(analyst).workspace.create({ name: names.workspace })).id;
  await addMember(prisma, workspaceId, viewerUser.id, "viewer");
  return { workspaceId, owner, analyst, viewerUser, viewer };
}
