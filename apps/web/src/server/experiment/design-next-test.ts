import { designExperimentsForModel } from "@mixcast/core";
import type { PrismaExecutor } from "@mixcast/db";
import { z } from "zod";
import type { Actor } from "../actor.ts";
import { badRequest } from "../errors.ts";
import { loadRunPosterior } from "../insight/run-posterior.ts";

export const designNextTestInput = z.object({
  runId: z.string().min(1),
  /** Planning horizon the value of information is measured over. */
  horizonWeeks: z.number().int().min(12).max(52).default(13),
});

/** The ranked next test per paid channel of a succeeded run (docs/trust.md section 3). */
export async function designNextTest(
  db: PrismaExecutor,
  actor: Actor,
  input: z.infer<typeof designNextTestInput>,
) {
  const posterior = await loadRunPosterior(db, actor, input.runId);
  try {
    return designExperimentsForModel(posterior.model, posterior.draws, {
      horizonWeeks: input.horizonWeeks,
      maxDraws: 200,
      simulations: 150,
    });
  } catch (error) {
    throw badRequest(
      `No experiment design for this run: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
