import { z } from "zod";
import type { Prisma, PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { badRequest } from "../errors.ts";

export const runStatuses = ["queued", "running", "succeeded", "failed", "cancelled"] as const;

export const listRunsInput = z.object({
  status: z.enum(runStatuses).optional(),
  trigger: z.enum(["manual", "schedule"]).optional(),
  modelId: z.string().min(1).optional(),
  converged: z.enum(["yes", "no", "unknown"]).optional(),
  /** Queued at or after / before (ISO dates or date-times). */
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  cursor: z.string().optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type ListRunsInput = z.input<typeof listRunsInput>;

/** Keyset cursor over (queuedAt desc, id desc): stable and index-backed at any depth. */
export function encodeCursor(queuedAt: Date, id: string): string {
  return Buffer.from(`${queuedAt.toISOString()}|${id}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): { queuedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const queuedAt = new Date(at ?? "");
  if (!id || Number.isNaN(queuedAt.getTime()))
    throw badRequest("That page link is invalid. Go back to the first page.");
  return { queuedAt, id };
}

export async function listRuns(
  db: PrismaExecutor,
  actor: Pick<Actor, "workspaceId">,
  input: z.output<typeof listRunsInput>,
) {
  const and: Prisma.RunWhereInput[] = [{ workspaceId: actor.workspaceId }];
  if (input.status) and.push({ status: input.status });
  if (input.trigger) and.push({ trigger: input.trigger });
  if (input.modelId) and.push({ modelId: input.modelId });
  if (input.converged)
    and.push({ converged: input.converged === "unknown" ? null : input.converged === "yes" });
  if (input.from) and.push({ queuedAt: { gte: input.from } });
  if (input.to) and.push({ queuedAt: { lt: input.to } });
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    and.push({ OR: [{ queuedAt: { lt: c.queuedAt } }, { queuedAt: c.queuedAt, id: { lt: c.id } }] });
  }
  const rows = await db.run.findMany({
    where: { AND: and },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    select: {
      id: true,
      status: true,
      trigger: true,
      mode: true,
      percent: true,
      converged: true,
      queuedAt: true,
      startedAt: true,
      finishedAt: true,
      error: true,
      cancelRequestedAt: true,
      model: { select: { id: true, name: true, approvedRunId: true } },
      datasetVersion: { select: { version: true } },
      configVersion: { select: { version: true } },
      createdBy: { select: { name: true } },
    },
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      ...r,
      /** The approved run of its model (what stakeholders see). */
      approved: r.model.approvedRunId === r.id,
      durationSeconds:
        r.startedAt && r.finishedAt ? (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000 : null,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last.queuedAt, last.id) : null,
  };
}
