import { z } from "zod";
import type { Prisma, PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { badRequest } from "../errors.ts";
import { toCsv } from "@mixcast/ui/csv";

export const auditFilterInput = z.object({
  action: z.string().max(100).optional(),
  actorId: z.string().max(100).optional(),
  targetType: z.string().max(100).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});

export const listAuditInput = auditFilterInput.extend({
  cursor: z.string().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/** `s` as a literal LIKE prefix: Prisma's startsWith passes % and _ through as wildcards. */
function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filters(actor: Actor, input: z.output<typeof auditFilterInput>): Prisma.AuditEventWhereInput[] {
  const and: Prisma.AuditEventWhereInput[] = [{ workspaceId: actor.workspaceId }];
  if (input.action) and.push({ action: { startsWith: likeLiteral(input.action) } });
  if (input.actorId) and.push({ actorId: input.actorId });
  if (input.targetType) and.push({ targetType: input.targetType });
  if (input.from) and.push({ at: { gte: input.from } });
  if (input.to) and.push({ at: { lt: input.to } });
  return and;
}

/**
 * Each event with its actor: the name stored on the event (as it was when the event was
 * written; a later rename does not rewrite history) and the account's email.
 */
async function withActors<T extends { actorId: string | null; actorName: string | null }>(
  db: PrismaExecutor,
  rows: T[],
) {
  const ids = [...new Set(rows.map((r) => r.actorId).filter((x): x is string => x !== null))];
  const users = ids.length
    ? await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, email: true } })
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  return rows.map((r) => {
    const user = r.actorId ? byId.get(r.actorId) : undefined;
    const actor = r.actorId
      ? { id: r.actorId, name: r.actorName ?? user?.name ?? "(deleted user)", email: user?.email ?? "" }
      : null;
    return { ...r, actor };
  });
}

export async function listAuditEvents(
  db: PrismaExecutor,
  actor: Actor,
  input: z.output<typeof listAuditInput>,
) {
  const and = filters(actor, input);
  if (input.cursor) {
    const [at, id] = Buffer.from(input.cursor, "base64url").toString("utf8").split("|");
    const when = new Date(at ?? "");
    if (!id || Number.isNaN(when.getTime()))
      throw badRequest("That page link is invalid. Go back to the first page.");
    and.push({ OR: [{ at: { lt: when } }, { at: when, id: { lt: id } }] });
  }
  const rows = await db.auditEvent.findMany({
    where: { AND: and },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    items: await withActors(db, page),
    nextCursor:
      rows.length > input.limit && last
        ? Buffer.from(`${last.at.toISOString()}|${last.id}`, "utf8").toString("base64url")
        : null,
  };
}

export const AUDIT_EXPORT_LIMIT = 50_000;

/** Every matching event (up to 50,000, newest first) as CSV text. */
export async function exportAuditCsv(
  db: PrismaExecutor,
  actor: Actor,
  input: z.output<typeof auditFilterInput>,
): Promise<{ csv: string; rows: number; truncated: boolean }> {
  const found = await db.auditEvent.findMany({
    where: { AND: filters(actor, input) },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: AUDIT_EXPORT_LIMIT + 1,
  });
  const page = await withActors(db, found.slice(0, AUDIT_EXPORT_LIMIT));
  const header = [
    "at",
    "action",
    "actor_email",
    "actor_name",
    "actor_kind",
    "target_type",
    "target_id",
    "details",
  ];
  const rows = page.map((r) => [
    r.at.toISOString(),
    r.action,
    r.actor?.email ?? "",
    r.actor?.name ?? "",
    r.actorKind,
    r.targetType ?? "",
    r.targetId ?? "",
    r.details == null ? "" : JSON.stringify(r.details),
  ]);
  return { csv: toCsv(header, rows), rows: page.length, truncated: found.length > AUDIT_EXPORT_LIMIT };
}

/**
 * Everyone who appears in this workspace's audit log, members or not (a former member's events
 * stay in the log after they leave), for the "Who" filter: name, email and whether they are
 * still a member.
 */
export async function listAuditActors(
  db: PrismaExecutor,
  actor: Actor,
): Promise<{ id: string; name: string; email: string; member: boolean }[]> {
  const rows = await db.auditEvent.findMany({
    where: { workspaceId: actor.workspaceId, actorId: { not: null } },
    distinct: ["actorId"],
    select: { actorId: true },
  });
  const ids = rows.map((r) => r.actorId).filter((x): x is string => x !== null);
  if (ids.length === 0) return [];
  const [users, members] = await Promise.all([
    db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, email: true } }),
    db.membership.findMany({
      where: { workspaceId: actor.workspaceId, userId: { in: ids } },
      select: { userId: true },
    }),
  ]);
  const memberIds = new Set(members.map((m) => m.userId));
  return users
    .map((u) => ({ ...u, member: memberIds.has(u.id) }))
    .sort((a, b) => Number(b.member) - Number(a.member) || a.name.localeCompare(b.name));
}
