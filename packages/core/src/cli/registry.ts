/**
 * Subcommands of `mixcast`. Each command lives in cli/commands/<name>.ts and is listed in
 * cli/commands/index.ts; adding one is one file and one line there.
 */
import type { OptionSpec, ParsedOptions } from "./args.ts";

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  cwd: string;
}

export interface CliCommand {
  name: string;
  summary: string;
  options: OptionSpec[];
  /** Returns the process exit code. Throw CliError for bad input (exit 2, one-line reason). */
  run(options: ParsedOptions, io: CliIo): number | Promise<number>;
}

const registry = new Map<string, CliCommand>();

export function registerCommand(command: CliCommand): void {
  if (registry.has(command.name)) throw new Error(`command "${command.name}" is registered twice`);
  registry.set(command.name, command);
}

export function getCommand(name: string): CliCommand | undefined {
  return registry.get(name);
}

export function listCommands(): CliCommand[] {
  return [...registry.values()];
}
