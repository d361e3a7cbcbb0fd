// The cache key of a scenario evaluation (ScenarioResult.planChecksum): defined once in
// @mixcast/runs, which the worker uses too when it evaluates a run's scenarios after its fit.
export { planChecksum } from "@mixcast/runs";
