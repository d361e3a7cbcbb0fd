#!/usr/bin/env node
// `pnpm mixcast ...`: runs the prebuilt CLI (bin/cli-bundle.mjs builds it when src/ changed).
// Without a bundle (esbuild not installed yet, e.g. a checkout updated without `pnpm install`)
// it runs the TypeScript sources through tsx, as before, and says why it is slower.
import { pathToFileURL } from "node:url";
import { ensureCliBundle } from "./cli-bundle.mjs";

/** @type {{ runProcess(): Promise<void> }} */
let mod;
try {
  mod = await import(pathToFileURL(await ensureCliBundle()).href);
} catch (err) {
  process.stderr.write(
    `mixcast: running from TypeScript sources (slower start): cannot build the CLI bundle: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  const { register } = await import("tsx/esm/api");
  register();
  mod = await import("../src/cli/main.ts");
}
await mod.runProcess();
