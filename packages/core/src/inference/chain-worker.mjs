// Worker-thread entry for sampleChains. Registers tsx's ESM loader in this thread so that the
// TypeScript sampler and the target module (given as a .ts file URL) can be imported, whether the
// parent runs under tsx, vitest or plain node.
import { register } from "tsx/esm/api";

register();
await import("./chain-worker.ts");
