import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { conflict, notFound } from "../errors.ts";

export const cancelRunInput = z.object({ runId: z.string().min(1) });

/**
 * A queued run is cancelled at once (the worker skips cancelled runs). A running run gets
 * cancelRequestedAt; the worker watches it, aborts the sampler and sets status cancelled.
 */
export async function cancelRun(db: PrismaClient, actor: Actor, input: z.infer<typeof cancelRunInput>) {
  return db.$transaction(async (tx) => {
    const run = await tx.run.findFirst({ where: { id: input.runId, workspaceId: actor.workspaceId } });
    if (!run) throw notFound("That run");
    const now = new Date();
    let status = run.status;
    if (run.status === "queued") {
      const res = await tx.run.updateMany({
        where: { id: run.id, status: "queued" },
        data: { status: "cancelled", cancelRequestedAt: now, finishedAt: now },
      });
      if (res.count === 1) status = "cancelled";
      else
        await tx.run.updateMany({
          where: { id: run.id, status: "running" },
          data: { cancelRequestedAt: now },
        });
    } else if (run.status === "running") {
      await tx.run.update({ where: { id: run.id }, data: { cancelRequestedAt: now } });
    } else {
      throw conflict(
        `This run has already ${run.status === "succeeded" ? "finished" : run.status === "failed" ? "failed" : "been cancelled"}; there is nothing to cancel.`,
      );
    }
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "run.cancel",
      targetType: "run",
      targetId: run.id,
      details: { from: run.status },
    });
    return { id: run.id, status, cancelRequested: true };
  });
}
