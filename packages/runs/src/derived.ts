// Fields of a finished run derived after its outcome transaction (no change of state, so no
// audit event): written here too, so that this package stays the only writer of Run rows.
import type { Prisma, PrismaClient } from "@mixcast/db";
import { jsonSafe } from "./stored/codec.ts";

/** Run.stability: the refit's stability report against the model's approved run. */
export async function recordStability(prisma: PrismaClient, runId: string, stability: object): Promise<void> {
  await prisma.run.update({
    where: { id: runId },
    data: { stability: jsonSafe(stability) as Prisma.InputJsonValue },
  });
}
