export * from "./data/types.ts";
export * from "./data/parse.ts";
export * from "./data/infer.ts";
export { parseNumberCell, parseDateCell } from "./data/values.ts";
export * from "./data/scale.ts";
export * from "./transforms/index.ts";
export * from "./model/index.ts";
export * from "./inference/index.ts";
export * from "./diagnostics/index.ts";
