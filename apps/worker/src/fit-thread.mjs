// Worker-thread entry for a whole fit (see fit-thread.ts). Registers tsx's ESM loader in this
// thread so the TypeScript engine can be imported whether the parent runs under tsx, vitest or node.
import { register } from "tsx/esm/api";

register();
await import("./fit-thread-main.ts");
