import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import { requestCancel } from "@mixcast/runs";
import type { Actor } from "../actor.ts";
import { conflict, notFound } from "../errors.ts";

export const cancelRunInput = z.object({ runId: z.string().min(1) });

/**
 * A queued run is cancelled at once (the worker skips cancelled runs). A running run gets
 * cancelRequestedAt; the worker watches it, aborts the sampler and sets status cancelled.
 */
export async function cancelRun(db: PrismaClient, actor: Actor, input: z.infer<typeof cancelRunInput>) {
  const result = await requestCancel(
    db,
    { userId: actor.userId, workspaceId: actor.workspaceId },
    input.runId,
  );
  if (!result.ok) {
    if (result.reason === "not-found") throw notFound("That run");
    throw conflict(
      `This run has already ${result.status === "succeeded" ? "finished" : result.status === "failed" ? "failed" : "been cancelled"}; there is nothing to cancel.`,
    );
  }
  return { id: result.id, status: result.status, cancelRequested: result.cancelRequested };
}
