/**
 * @mixcast/core, the browser-safe entry: nothing in its import graph uses a node: module
 * (checked by entry-points.test.ts). Worker threads, fitModel and the CLI are in
 * @mixcast/core/node (src/node.ts), which re-exports everything here.
 */
export * from "./data/types.ts";
export * from "./data/parse.ts";
export * from "./data/infer.ts";
export { parseNumberCell, parseDateCell } from "./data/values.ts";
export * from "./data/scale.ts";
export * from "./data/parse-v2.ts";
export * from "./data/infer-v2.ts";
export * from "./data/scale-v2.ts";
export * from "./data/holidays.ts";
export * from "./priors/priors.ts";
export * from "./transforms/index.ts";
export * from "./model/index.ts";
export * from "./inference/index.ts";
export * from "./diagnostics/index.ts";
export * from "./simulate/spend.ts";
export * from "./simulate/scenario.ts";
export * from "./simulate/simulate.ts";
export * from "./simulate/simulate-v2.ts";
export * from "./fit/draws-codec.ts";
export * from "./fit/metrics.ts";
export * from "./fit/progress.ts";
export * from "./fit/result.ts";
export * from "./fit/serialize.ts";
export * from "./analysis/index.ts";
export * from "./fit/recovery.ts";
export * from "./checks/check-data.ts";
export * from "./health/assess-model.ts";
export * from "./health/health-figures.ts";
export * from "./experiments/design-experiments.ts";
