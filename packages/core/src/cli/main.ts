/**
 * `mixcast <command> [options]` (root: `pnpm mixcast ...`). Bad input exits with code 2 and one
 * line on stderr; anything unexpected exits with 1.
 */
import { CliError, parseArgs, usageLines } from "./args.ts";
import "./commands/index.ts";
import { getCommand, listCommands, type CliIo } from "./registry.ts";

function help(): string {
  const lines = ["usage: mixcast <command> [options]", "", "commands:"];
  for (const c of listCommands()) lines.push(`  ${c.name.padEnd(12)}${c.summary}`);
  lines.push("", "mixcast <command> --help shows the options of a command.");
  return lines.join("\n") + "\n";
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(help());
    return name === undefined ? 2 : 0;
  }
  const command = getCommand(name);
  try {
    if (command === undefined)
      throw new CliError(
        `unknown command "${name}" (commands: ${listCommands()
          .map((c) => c.name)
          .join(", ")})`,
      );
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(
        [
          `usage: mixcast ${command.name} [options]`,
          `  ${command.summary}`,
          "",
          ...usageLines(command.options),
        ].join("\n") + "\n",
      );
      return 0;
    }
    return await command.run(parseArgs(rest, command.options), io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`mixcast ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`mixcast ${name}: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

/** Runs the command of this process's arguments and sets its exit code (also called by the
 *  prebuilt launcher, bin/mixcast.mjs). */
export async function runProcess(): Promise<void> {
  // pnpm passes a literal "--" through when called as `pnpm mixcast -- fit ...`.
  const argv = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
  const code = await runCli(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.env.INIT_CWD ?? process.cwd(),
  });
  process.exitCode = code;
}

const isEntry =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) await runProcess();
