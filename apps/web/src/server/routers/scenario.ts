import { z } from "zod";
import { procedureAccess as access } from "../access.ts";
import { compareScenarios, compareScenariosInput } from "../scenario/compare-scenarios.ts";
import { createScenario, createScenarioInput } from "../scenario/create-scenario.ts";
import { deleteScenario, deleteScenarioInput } from "../scenario/delete-scenario.ts";
import { duplicateScenario, duplicateScenarioInput } from "../scenario/duplicate-scenario.ts";
import { evaluateScenario, evaluateScenarioInput } from "../scenario/evaluate-scenario.ts";
import {
  followScenario,
  followScenarioInput,
  forecastHistory,
  forecastHistoryInput,
} from "../scenario/forecasts.ts";
import { generateScenarioPlan, generateScenarioPlanInput } from "../scenario/generate-scenario-plan.ts";
import { getScenario, listScenarios, listScenariosInput } from "../scenario/list-scenarios.ts";
import { updateScenario, updateScenarioInput } from "../scenario/update-scenario.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const scenarioRouter = router({
  list: workspaceProcedure(access["scenario.list"])
    .input(listScenariosInput)
    .query(({ ctx, input }) => listScenarios(ctx.prisma, actorOf(ctx), input)),
  get: workspaceProcedure(access["scenario.get"])
    .input(z.object({ scenarioId: z.string().min(1) }))
    .query(({ ctx, input }) => getScenario(ctx.prisma, actorOf(ctx), input.scenarioId)),
  evaluate: workspaceProcedure(access["scenario.evaluate"])
    .input(evaluateScenarioInput)
    .query(({ ctx, input }) => evaluateScenario(ctx.prisma, actorOf(ctx), input)),
  compare: workspaceProcedure(access["scenario.compare"])
    .input(compareScenariosInput)
    .query(({ ctx, input }) => compareScenarios(ctx.prisma, actorOf(ctx), input)),
  generatePlan: workspaceProcedure(access["scenario.generatePlan"])
    .input(generateScenarioPlanInput)
    .mutation(({ ctx, input }) => generateScenarioPlan(ctx.prisma, actorOf(ctx), input)),
  create: workspaceProcedure(access["scenario.create"])
    .input(createScenarioInput)
    .mutation(({ ctx, input }) => createScenario(ctx.prisma, actorOf(ctx), input)),
  update: workspaceProcedure(access["scenario.update"])
    .input(updateScenarioInput)
    .mutation(({ ctx, input }) => updateScenario(ctx.prisma, actorOf(ctx), input)),
  duplicate: workspaceProcedure(access["scenario.duplicate"])
    .input(duplicateScenarioInput)
    .mutation(({ ctx, input }) => duplicateScenario(ctx.prisma, actorOf(ctx), input)),
  follow: workspaceProcedure(access["scenario.follow"])
    .input(followScenarioInput)
    .mutation(({ ctx, input }) => followScenario(ctx.prisma, actorOf(ctx), input)),
  forecasts: workspaceProcedure(access["scenario.forecasts"])
    .input(forecastHistoryInput)
    .query(({ ctx, input }) => forecastHistory(ctx.prisma, actorOf(ctx), input)),
  delete: workspaceProcedure(access["scenario.delete"])
    .input(deleteScenarioInput)
    .mutation(({ ctx, input }) => deleteScenario(ctx.prisma, actorOf(ctx), input)),
});
