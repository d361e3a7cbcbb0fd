// `pnpm start` for the worker: DATABASE_URL must point at a migrated database.
import { loadWorkerEnv } from "./env.ts";
import { startWorker } from "./worker.ts";

const env = loadWorkerEnv();
const worker = await startWorker({ env });

let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals += 1;
  if (signals > 1) {
    console.error(`[worker] second ${signal}: exiting now`);
    process.exit(1);
  }
  console.log(`[worker] ${signal}: no new jobs; finishing or handing back the current one`);
  worker.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error("[worker] stop failed", error);
      process.exit(1);
    },
  );
};
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);
