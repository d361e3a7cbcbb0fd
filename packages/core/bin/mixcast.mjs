#!/usr/bin/env node
// `pnpm mixcast ...`: runs the prebuilt CLI (bin/cli-bundle.mjs builds it when src/ changed).
import { pathToFileURL } from "node:url";
import { ensureCliBundle } from "./cli-bundle.mjs";

const cli = await ensureCliBundle();
/** @type {{ runProcess(): Promise<void> }} */
const mod = await import(pathToFileURL(cli).href);
await mod.runProcess();
