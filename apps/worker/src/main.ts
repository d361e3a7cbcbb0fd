// `pnpm start` for the worker: DATABASE_URL must point at a migrated database.
import { loadWorkerEnv } from "./env.ts";
import { startWorker } from "./worker.ts";

const env = loadWorkerEnv();
const worker = await startWorker({ env });

let stopping = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (stopping) {
    // A second Ctrl-C means "now". A SIGTERM after SIGINT (what a supervisor may send after its
    // own grace period; the launcher sends one SIGTERM) keeps the graceful path going.
    if (signal === "SIGINT") {
      console.error("[worker] second SIGINT: exiting now");
      process.exit(1);
    }
    return;
  }
  stopping = true;
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
