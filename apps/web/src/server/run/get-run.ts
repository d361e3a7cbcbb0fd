import type { PrismaExecutor } from "@mixcast/db";
import {
  overriddenChecksCodec,
  runDiagnosticsCodec,
  runProgressCodec,
  runSummaryCodec,
} from "@mixcast/runs/stored";
import type { Actor } from "../actor.ts";
import { notFound } from "../errors.ts";

export async function getRun(db: PrismaExecutor, actor: Pick<Actor, "workspaceId">, runId: string) {
  const run = await db.run.findFirst({
    where: { id: runId, workspaceId: actor.workspaceId },
    include: {
      model: { select: { id: true, name: true } },
      datasetVersion: { select: { id: true, version: true, datasetId: true, rowCount: true } },
      configVersion: { select: { id: true, version: true, config: true } },
      createdBy: { select: { name: true } },
    },
  });
  if (!run) throw notFound("That run");
  // The JSON columns, typed by their codecs (undeclared fields are kept for the JSON export).
  return {
    ...run,
    summary: runSummaryCodec.decodeNullable(run.summary),
    diagnostics: runDiagnosticsCodec.decodeNullable(run.diagnostics),
    progress: runProgressCodec.decodeNullable(run.progress),
    overriddenChecks: overriddenChecksCodec.tryDecode(run.overriddenChecks),
  };
}
