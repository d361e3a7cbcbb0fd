// A user's cancel: a queued run is cancelled at once (the worker skips cancelled runs); a running
// run gets cancelRequestedAt, which the worker sees on its next progress write, then it stops the
// sampler and settles the run as cancelled (claim.ts, cancelClaimedRun).
import type { PrismaClient, RunStatus } from "@mixcast/db";
import { writeRunEvent } from "./audit.ts";
import { transaction } from "./transaction.ts";

export type RequestCancelResult =
  | { ok: true; id: string; status: RunStatus; cancelRequested: true }
  | { ok: false; reason: "not-found" }
  | { ok: false; reason: "finished"; status: RunStatus };

export async function requestCancel(
  prisma: PrismaClient,
  by: { userId: string; workspaceId: string },
  runId: string,
): Promise<RequestCancelResult> {
  return transaction(prisma, async (tx) => {
    const run = await tx.run.findFirst({ where: { id: runId, workspaceId: by.workspaceId } });
    if (!run) return { ok: false, reason: "not-found" };
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
      return { ok: false, reason: "finished", status: run.status };
    }
    await writeRunEvent(tx, run, "run.cancel", { from: run.status }, { userId: by.userId });
    return { ok: true, id: run.id, status, cancelRequested: true };
  });
}
