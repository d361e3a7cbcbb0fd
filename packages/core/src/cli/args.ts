/** Minimal argv parsing: `--name value`, `--name=value` and boolean `--flag`. */

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export interface OptionSpec {
  name: string;
  /** "boolean" flags take no value. */
  kind: "string" | "number" | "integer" | "boolean";
  required?: boolean;
  description: string;
  placeholder?: string;
  min?: number;
}

export type ParsedOptions = Record<string, string | number | boolean | undefined>;

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedOptions {
  const out: ParsedOptions = {};
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new CliError(`unexpected argument "${arg}" (options start with --)`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const spec = byName.get(name);
    if (spec === undefined)
      throw new CliError(`unknown option --${name} (known: ${specs.map((s) => `--${s.name}`).join(", ")})`);
    if (spec.kind === "boolean") {
      if (eq >= 0) throw new CliError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || (eq < 0 && value.startsWith("--")))
      throw new CliError(`--${name} needs a value (${spec.placeholder ?? spec.kind})`);
    if (spec.kind === "string") out[name] = value;
    else {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n))
        throw new CliError(`--${name} must be a number (got "${value}")`);
      if (spec.kind === "integer" && !Number.isInteger(n))
        throw new CliError(`--${name} must be a whole number (got "${value}")`);
      if (spec.min !== undefined && n < spec.min)
        throw new CliError(`--${name} must be at least ${spec.min} (got ${n})`);
      out[name] = n;
    }
  }
  for (const s of specs)
    if (s.required && out[s.name] === undefined)
      throw new CliError(`missing --${s.name} ${s.placeholder ?? ""}`.trimEnd());
  return out;
}

export function usageLines(specs: readonly OptionSpec[]): string[] {
  return specs.map((s) => {
    const flag = `--${s.name}${s.kind === "boolean" ? "" : ` ${s.placeholder ?? "<value>"}`}`;
    return `  ${s.required ? flag : `[${flag}]`}`.padEnd(34) + s.description;
  });
}
