// Failures a client can provoke come back as clear 400/404/409 answers, never as driver errors:
// NUL bytes in filters, same-name create races, concurrent invitation accepts (#11 item 10).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPCError } from "@trpc/server";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { appRouter, createCaller } from "./root.ts";
import type { Context } from "./trpc.ts";
import { addMember, createUser, weeklyCsv, weeklyMapping } from "../../test/fixtures.ts";
import { createWorkspace } from "./workspace/create-workspace.ts";
import { DomainError } from "./errors.ts";
import { INTERNAL_MESSAGE, toClientError } from "./error-mapping.ts";

let db: TestDatabase;
let workspaceId: string;
let analyst: { id: string; email: string; name: string };
let datasetId: string;

const ctxFor = (user: { id: string; email: string; name: string }): Context => ({
  prisma: db.prisma,
  user: { id: user.id, email: user.email, name: user.name },
  enqueueFitRun: async () => "job",
  baseUrl: "http://mixcast.test",
});

/** The settled outcomes of calls run at the same moment, as "ok" or the client-visible code. */
async function race<T>(calls: (() => Promise<T>)[]): Promise<string[]> {
  const settled = await Promise.allSettled(calls.map((c) => c()));
  return settled
    .map((s) => (s.status === "fulfilled" ? "ok" : s.reason instanceof TRPCError ? s.reason.code : "raw"))
    .sort();
}

function driverText(message: string) {
  return /prisma|invalid byte sequence|constraint|duplicate key|P20\d\d|0x00|SQLSTATE/i.test(message);
}

beforeAll(async () => {
  db = await createTestDatabase();
  const owner = await createUser(db.prisma, "Owner");
  const ws = await createWorkspace(db.prisma, owner.id, { name: "Errors Co" });
  workspaceId = ws.id;
  analyst = await createUser(db.prisma, "Ana Analyst");
  await addMember(db.prisma, workspaceId, analyst.id, "analyst");
  const up = await createCaller(ctxFor(analyst)).dataset.upload({
    workspaceId,
    name: "Base data",
    csv: weeklyCsv(60),
    mapping: weeklyMapping,
  });
  datasetId = (up as { datasetId: string }).datasetId;
});

afterAll(async () => {
  await db?.drop();
});

describe("error mapping", () => {
  it("a NUL byte in a string filter is a 400 that names the problem, over HTTP too", async () => {
    const api = createCaller(ctxFor(analyst));
    const error = await api.audit.list({ workspaceId, action: "run\u0000x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toMatch(/NUL/);
    expect(driverText((error as TRPCError).message)).toBe(false);

    const audit = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(
        `http://mixcast.test/api/trpc/audit.list?input=${encodeURIComponent(JSON.stringify({ json: { workspaceId, actorId: "a\u0000" } }))}`,
      ),
      router: appRouter,
      createContext: () => ctxFor(analyst),
    });
    const body = await audit.text();
    expect(audit.status).toBe(400);
    expect(body).toMatch(/NUL/);
    expect(driverText(body)).toBe(false);
  });

  it("same-name creates at the same moment: one succeeds, the other is a 409 (dataset, model, campaign)", async () => {
    const api = () => createCaller(ctxFor(analyst));
    const upload = () =>
      api().dataset.upload({ workspaceId, name: "Raced data", csv: weeklyCsv(60), mapping: weeklyMapping });
    expect(await race([upload, upload])).toEqual(["CONFLICT", "ok"]);
    expect(await db.prisma.dataset.count({ where: { workspaceId, name: "Raced data" } })).toBe(1);

    const model = () => api().model.create({ workspaceId, name: "Raced model", datasetId });
    expect(await race([model, model])).toEqual(["CONFLICT", "ok"]);
    expect(await db.prisma.model.count({ where: { workspaceId, name: "Raced model" } })).toBe(1);

    const campaign = () => api().campaign.create({ workspaceId, name: "Raced campaign" });
    expect(await race([campaign, campaign])).toEqual(["CONFLICT", "ok"]);
    expect(await db.prisma.campaign.count({ where: { workspaceId, name: "Raced campaign" } })).toBe(1);

    const error = (await campaign().catch((e: unknown) => e)) as TRPCError;
    expect(error.code).toMatch(/CONFLICT|BAD_REQUEST/);
    expect(driverText(error.message)).toBe(false);
  });

  it("two accepts of one invitation at the same moment: one joins, the other gets a clear 4xx", async () => {
    const invitee = await createUser(db.prisma, "Ivy Invitee");
    const invitation = await db.prisma.invitation.create({
      data: {
        id: "inv-race-1",
        workspaceId,
        email: invitee.email,
        role: "viewer",
        status: "pending",
        inviterId: analyst.id,
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    const accept = () => createCaller(ctxFor(invitee)).invitation.accept({ invitationId: invitation.id });
    const outcomes = await race([accept, accept]);
    expect(outcomes).toContain("ok");
    expect(outcomes.filter((o) => o !== "ok")).toEqual([expect.stringMatching(/^(CONFLICT|BAD_REQUEST)$/)]);
    expect(await db.prisma.membership.count({ where: { workspaceId, userId: invitee.id } })).toBe(1);
    // one accept, one audit event (both used to pass when the second read 'pending' before the
    // first committed and found the membership after it)
    expect(
      await db.prisma.auditEvent.count({ where: { action: "invitation.accept", targetId: invitation.id } }),
    ).toBe(1);
  });

  it("domain errors keep their code and message; anything unknown is a 500 that says nothing", () => {
    expect(toClientError(new DomainError("CONFLICT", "Taken."))).toMatchObject({
      code: "CONFLICT",
      message: "Taken.",
    });
    const raw = toClientError(new Error('relation "secret_table" does not exist'));
    expect(raw.code).toBe("INTERNAL_SERVER_ERROR");
    expect(raw.message).toBe(INTERNAL_MESSAGE);
    // The original stays attached for the server log.
    expect(String((raw.cause as Error).message)).toContain("secret_table");
  });
});
