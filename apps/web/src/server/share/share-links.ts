// Read-only share links: a secret URL (/share/<token>) that shows one run report or one scenario
// comparison to someone without an account. What a link can reach is fixed when it is made (the
// run, or the scenarios and the run that evaluates them) and nothing else of the workspace: the
// viewer gets the rendered report, never an id to ask for more. Links expire (at most 90 days),
// can be revoked, and every view is audited. Only sha256 of the token is stored.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { PrismaClient, ShareLink } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest, notFound } from "../errors.ts";

export const SHARE_LINK_MAX_DAYS = 90;
const PREFIX_CHARS = 10;

export const shareKinds = ["run_report", "scenario_comparison"] as const;
export type ShareKind = (typeof shareKinds)[number];

export const createShareLinkInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("run_report"),
    runId: z.string().min(1),
    label: z.string().trim().max(120).optional(),
    expiresInDays: z.number().int().min(1).max(SHARE_LINK_MAX_DAYS).default(14),
  }),
  z.object({
    kind: z.literal("scenario_comparison"),
    scenarioIds: z.array(z.string().min(1)).min(2).max(8),
    runId: z.string().min(1).optional(),
    label: z.string().trim().max(120).optional(),
    expiresInDays: z.number().int().min(1).max(SHARE_LINK_MAX_DAYS).default(14),
  }),
]);

export const revokeShareLinkInput = z.object({ shareLinkId: z.string().min(1) });

export const hashShareToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
export const looksLikeShareToken = (v: string) => /^mxs_[A-Za-z0-9_-]{43}$/.test(v);

export type ShareLinkState = "active" | "expired" | "revoked";
export function shareLinkState(
  l: { revokedAt: Date | null; expiresAt: Date },
  now = new Date(),
): ShareLinkState {
  if (l.revokedAt) return "revoked";
  if (l.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

export async function createShareLink(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof createShareLinkInput>,
  now = new Date(),
) {
  let runId: string;
  let scenarioIds: string[] = [];
  let label: string;
  if (input.kind === "run_report") {
    const run = await db.run.findFirst({
      where: { id: input.runId, workspaceId: actor.workspaceId },
      select: { id: true, status: true, model: { select: { name: true } } },
    });
    if (!run) throw notFound("That run");
    if (run.status !== "succeeded")
      throw badRequest(`Only a succeeded run has a report; this one is ${run.status}.`);
    runId = run.id;
    label = input.label || `${run.model.name}: run report`;
  } else {
    scenarioIds = [...new Set(input.scenarioIds)];
    if (scenarioIds.length < 2) throw badRequest("Pick at least two different scenarios.");
    const rows = await db.scenario.findMany({
      where: { id: { in: scenarioIds }, workspaceId: actor.workspaceId },
      select: {
        id: true,
        modelId: true,
        runId: true,
        run: { select: { finishedAt: true } },
        model: { select: { name: true } },
      },
    });
    if (rows.length !== scenarioIds.length) throw notFound("One of those scenarios");
    if (new Set(rows.map((r) => r.modelId)).size > 1)
      throw badRequest(
        "These scenarios belong to different models; share a comparison of one model's scenarios.",
      );
    if (input.runId) {
      const run = await db.run.findFirst({
        where: {
          id: input.runId,
          workspaceId: actor.workspaceId,
          modelId: rows[0]!.modelId,
          status: "succeeded",
        },
        select: { id: true },
      });
      if (!run) throw notFound("That run");
      runId = run.id;
    } else {
      // As the comparison page does: the newest run among the scenarios' runs, pinned now.
      runId = [...rows].sort(
        (a, b) => (b.run.finishedAt?.getTime() ?? 0) - (a.run.finishedAt?.getTime() ?? 0),
      )[0]!.runId;
    }
    label = input.label || `${rows[0]!.model.name}: comparison of ${scenarioIds.length} scenarios`;
  }
  const token = `mxs_${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(now.getTime() + input.expiresInDays * 86_400_000);
  const link = await db.$transaction(async (tx) => {
    const created = await tx.shareLink.create({
      data: {
        workspaceId: actor.workspaceId,
        kind: input.kind,
        runId,
        scenarioIds,
        label,
        prefix: token.slice(0, PREFIX_CHARS),
        tokenHash: hashShareToken(token),
        expiresAt,
        createdById: actor.userId,
      },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "share.create",
      targetType: "share_link",
      targetId: created.id,
      details: { kind: input.kind, runId, scenarioIds, expiresAt: expiresAt.toISOString() },
    });
    return created;
  });
  // The only response that carries the token itself.
  return { id: link.id, kind: link.kind, label: link.label, prefix: link.prefix, expiresAt, token };
}

export async function listShareLinks(db: PrismaClient, actor: Actor, now = new Date()) {
  const rows = await db.shareLink.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      kind: true,
      runId: true,
      scenarioIds: true,
      label: true,
      prefix: true,
      expiresAt: true,
      revokedAt: true,
      createdAt: true,
      views: true,
      lastViewedAt: true,
      createdById: true,
    },
  });
  const ids = [...new Set(rows.map((r) => r.createdById).filter((x): x is string => !!x))];
  const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const name = new Map(users.map((u) => [u.id, u.name]));
  return rows.map(({ createdById, ...r }) => ({
    ...r,
    createdBy: createdById ? (name.get(createdById) ?? "a former member") : null,
    state: shareLinkState(r, now),
  }));
}

export async function revokeShareLink(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof revokeShareLinkInput>,
) {
  return db.$transaction(async (tx) => {
    const link = await tx.shareLink.findFirst({
      where: { id: input.shareLinkId, workspaceId: actor.workspaceId },
      select: { id: true, revokedAt: true },
    });
    if (!link) throw notFound("That share link");
    if (link.revokedAt) return { id: link.id, revokedAt: link.revokedAt };
    const revokedAt = new Date();
    await tx.shareLink.update({ where: { id: link.id }, data: { revokedAt, revokedById: actor.userId } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "share.revoke",
      targetType: "share_link",
      targetId: link.id,
    });
    return { id: link.id, revokedAt };
  });
}

/**
 * The link behind a token when it may be viewed (exists, not revoked, not expired), after
 * counting and auditing the view; null otherwise (the caller answers 404 and says nothing more).
 */
export async function openShareLink(
  db: PrismaClient,
  token: string,
  view: { format: "html" | "pdf"; now?: Date },
): Promise<ShareLink | null> {
  if (!looksLikeShareToken(token)) return null;
  const now = view.now ?? new Date();
  const link = await db.shareLink.findUnique({ where: { tokenHash: hashShareToken(token) } });
  if (!link || shareLinkState(link, now) !== "active") return null;
  return db.$transaction(async (tx) => {
    const updated = await tx.shareLink.update({
      where: { id: link.id },
      data: { views: { increment: 1 }, lastViewedAt: now },
    });
    await writeAudit(tx, {
      workspaceId: link.workspaceId,
      actorId: null,
      actorKind: "system",
      action: "share.view",
      targetType: "share_link",
      targetId: link.id,
      details: { kind: link.kind, format: view.format, runId: link.runId, view: updated.views },
    });
    return updated;
  });
}

/** The read-only actor a share link's report is built as: its workspace, viewer rights, no user. */
export function shareActor(link: ShareLink): Actor {
  return { userId: `share:${link.id}`, workspaceId: link.workspaceId, role: "viewer" };
}
