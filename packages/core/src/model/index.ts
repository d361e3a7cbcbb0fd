export * from "./config.ts";
export * from "./spec.ts";
export * from "./terms.ts";
export * from "./calibration.ts";
export * from "./model.ts";
export * from "./data-v2.ts";
export * from "./config-v2.ts";
