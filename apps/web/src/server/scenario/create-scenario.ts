import { z } from "zod";
import type { Prisma, PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest, notFound } from "../errors.ts";
import { channelNameOf, channelRoleOf } from "@mixcast/core";
import { modelConfigV2Codec, scenarioPlanCodec, scenarioPlanSchema, totalSpend } from "@mixcast/runs/stored";

export const scenarioNameSchema = z.string().trim().min(1, "Name the scenario.").max(80);

export const createScenarioInput = z.object({
  runId: z.string().min(1),
  campaignId: z.string().min(1).optional(),
  name: scenarioNameSchema,
  description: z.string().trim().max(500).optional(),
  plan: scenarioPlanSchema,
});

/** Checks the plan's channels against the run's model config: paid channels by name (v1: the spend
 *  column), or `channel@geo` in a per-geo plan of a v2 model; organic channels are held inputs. */
export async function checkPlanChannels(
  tx: Prisma.TransactionClient,
  runId: string,
  plan: z.output<typeof scenarioPlanSchema>,
): Promise<void> {
  const run = await tx.run.findUniqueOrThrow({
    where: { id: runId },
    select: { configVersion: { select: { config: true } } },
  });
  const config = modelConfigV2Codec.decode(run.configVersion.config);
  const names = new Set(config.channels.filter((c) => channelRoleOf(c) !== "organic").map(channelNameOf));
  const perGeo = plan.planning?.geoPlan === "perGeo";
  const unknown = Object.keys(plan.spend).filter(
    (n) => !names.has(n) && !(perGeo && n.includes("@") && names.has(n.slice(0, n.lastIndexOf("@")))),
  );
  if (unknown.length > 0)
    throw badRequest(
      `The plan names channel${unknown.length > 1 ? "s" : ""} the model does not have: ${unknown.join(", ")}.`,
    );
}

export async function createScenario(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof createScenarioInput>,
) {
  return db.$transaction(async (tx) => {
    const run = await tx.run.findFirst({
      where: { id: input.runId, workspaceId: actor.workspaceId },
      select: { id: true, modelId: true, status: true },
    });
    if (!run) throw notFound("That run");
    if (run.status !== "succeeded")
      throw badRequest("Scenarios are evaluated on a fitted run; this run has not finished successfully.");
    if (
      input.campaignId &&
      !(await tx.campaign.findFirst({
        where: { id: input.campaignId, workspaceId: actor.workspaceId },
        select: { id: true },
      }))
    )
      throw notFound("That campaign");
    await checkPlanChannels(tx, run.id, input.plan);
    const scenario = await tx.scenario.create({
      data: {
        workspaceId: actor.workspaceId,
        modelId: run.modelId,
        runId: run.id,
        campaignId: input.campaignId ?? null,
        name: input.name,
        description: input.description ?? null,
        plan: scenarioPlanCodec.encode(input.plan),
        createdById: actor.userId,
      },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "scenario.create",
      targetType: "scenario",
      targetId: scenario.id,
      details: {
        name: input.name,
        campaignId: input.campaignId ?? null,
        runId: run.id,
        weeks: input.plan.weeks,
        totalSpend: totalSpend(input.plan),
        origin: input.plan.origin.kind,
      },
    });
    return scenario;
  });
}
