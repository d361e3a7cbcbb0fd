export * from "./data/types.ts";
