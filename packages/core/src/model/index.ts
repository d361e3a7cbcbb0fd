export * from "./config.ts";
export * from "./spec.ts";
export * from "./terms.ts";
export * from "./calibration.ts";
export * from "./model.ts";
