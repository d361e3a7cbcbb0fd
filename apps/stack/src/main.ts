// `pnpm start`, `pnpm dev`, the end-to-end tests and the benchmarks: one launcher (stack.ts).
// Run with `node --import tsx apps/stack/src/main.ts [options]` (see args.ts or --help).
//
// Ctrl-C / SIGTERM / SIGHUP stop everything: web and worker first, PostgreSQL last; exit code 0.
// A crashed web or worker is restarted with back-off (supervisor.ts); when one keeps crashing
// the launcher gives up, stops everything and exits with code 1.
import { parseArgs, USAGE, UsageError, type StackOptions } from "./args.ts";
import { startStack, type RunningStack } from "./stack.ts";

let options: StackOptions;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  if (error.message) console.error(`[mixcast] ${error.message}\n`);
  console.error(USAGE);
  process.exit(error.message ? 2 : 0);
}

// With --ready-line stdout carries only the READY line; everything else goes to stderr.
const write = options.readyLine
  ? (line: string) => process.stderr.write(`${line}\n`)
  : (line: string) => process.stdout.write(`${line}\n`);
const log = (message: string) => write(`[mixcast] ${message}`);

let stack: RunningStack | undefined;
let stopStack: (() => Promise<void>) | undefined;
let stopping: Promise<void> | undefined;

function shutdown(code: number, why?: string): Promise<void> {
  stopping ??= (async () => {
    if (why) console.error(`[mixcast] ${why}`);
    log("Stopping...");
    await stopStack?.();
    log("Stopped.");
    process.exit(code);
  })();
  return stopping;
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(0));

let fatal: string | undefined;
try {
  stack = await startStack(options, {
    log,
    setStop: (stop) => (stopStack = stop),
    onFatal: (message) => {
      fatal = message;
      void shutdown(1, message);
    },
  });
} catch (error) {
  console.error(`[mixcast] ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}

if (stack && !stopping && !fatal) {
  write(stack.banner);
  if (options.dbOnly) {
    await shutdown(0);
  } else {
    if (options.readyLine)
      process.stdout.write(
        `READY ${JSON.stringify({ baseUrl: stack.baseUrl, databaseUrl: stack.databaseUrl })}\n`,
      );
    if (!options.web && !options.worker) log("Database is ready. Press Ctrl-C to stop.");
    else log("Running. Press Ctrl-C to stop.");
    // Keep the process alive until a signal (the children run in their own process groups).
    setInterval(() => {}, 1 << 30);
  }
}
