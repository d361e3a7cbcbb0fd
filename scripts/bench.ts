/**
 * `pnpm bench [--coverage] [--only=<id>]`: runs every package's benchmarks
 * (packages/* /bench/*.bench.ts and apps/* /bench/*.bench.ts, each default-exporting
 * `(ctx) => Promise<BenchSection[]>`) and writes docs/benchmarks.md with the machine, the date,
 * the command and the figures. Sections that were not run this time (opt-in ones such as the
 * coverage study) keep their previous text.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, setPriority, totalmem } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";

interface BenchSection {
  id: string;
  title: string;
  command: string;
  body: string;
}
interface BenchContext {
  flags: ReadonlySet<string>;
  log(message: string): void;
}
/** Either a default export returning sections, or `run(options)` returning one markdown section. */
type BenchModule = {
  default?: (ctx: BenchContext) => Promise<BenchSection[]>;
  run?: (options: Record<string, boolean>) => Promise<string>;
};

const root = resolve(import.meta.dirname, "..");
const reportPath = join(root, "docs", "benchmarks.md");
const flags = new Set(
  process.argv
    .slice(2)
    .filter((a) => a !== "--")
    .map((a) => a.replace(/^--/, "")),
);

function benchFiles(): string[] {
  const files: string[] = [];
  for (const group of ["packages", "apps"]) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const pkg of readdirSync(dir).sort()) {
      const bench = join(dir, pkg, "bench");
      if (!existsSync(bench)) continue;
      for (const f of readdirSync(bench).sort()) if (f.endsWith(".bench.ts")) files.push(join(bench, f));
    }
  }
  return files;
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${cpu}, ${availableParallelism()} cores, ${gib} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** Previous sections of the report by id (between `<!-- section:id -->` markers). */
function previousSections(): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(reportPath)) return out;
  const text = readFileSync(reportPath, "utf8");
  for (const m of text.matchAll(/<!-- section:([\w-]+) -->\n([\s\S]*?)<!-- \/section:\1 -->\n/g))
    out.set(m[1]!, m[2]!);
  return out;
}

/**
 * Shields the benchmark from other work on a shared machine: on Linux as root, the bench re-runs
 * itself in a new session (`setsid`), whose scheduling autogroup gets nice -15, and the process
 * nice -15; everything it starts (worker threads, worker processes, Stan's R) inherits both. With
 * the kernel's autogroups, nice alone acts only inside a session, so other sessions' processes
 * would still take an equal share per session. MIXCAST_BENCH_SHIELD=off turns it off. Returns
 * what was done, for the report.
 */
function shield(): string {
  if (process.env.MIXCAST_BENCH_SHIELD === "off") return "not shielded (MIXCAST_BENCH_SHIELD=off)";
  const root = process.platform === "linux" && process.getuid?.() === 0;
  if (!root) return "not shielded (needs root on Linux)";
  if (process.env.MIXCAST_BENCH_SHIELDED !== "1" && existsSync("/usr/bin/setsid")) {
    const r = spawnSync(
      "/usr/bin/setsid",
      ["-w", process.execPath, ...process.execArgv, ...process.argv.slice(1)],
      {
        stdio: "inherit",
        env: { ...process.env, MIXCAST_BENCH_SHIELDED: "1" },
      },
    );
    process.exit(r.status ?? 1);
  }
  const done: string[] = [];
  try {
    if (existsSync("/proc/self/autogroup")) {
      writeFileSync("/proc/self/autogroup", "-15");
      done.push("own scheduling autogroup at nice -15");
    }
  } catch {
    // no autogroups in this kernel
  }
  try {
    setPriority(-15);
    done.push("process nice -15");
  } catch {
    // not allowed
  }
  return done.length > 0 ? `shielded from other load (${done.join(", ")})` : "not shielded";
}

async function main(): Promise<void> {
  const shielding = shield();
  const started = new Date();
  const files = benchFiles();
  const fresh = new Map<string, { pkg: string; text: string }>();
  const order: string[] = [];
  // --only=<file stem>[:<group>] selects bench files (and groups inside them, e.g. core:nuts).
  const only = [...flags].filter((f) => f.startsWith("only=")).map((f) => f.slice(5));
  const stem = (file: string): string =>
    file
      .split("/")
      .at(-1)!
      .replace(/\.bench\.ts$/, "");
  const fileFilter = only.map((o) => o.split(":")[0]!);
  const unknown = fileFilter.filter((o) => !files.some((f) => stem(f) === o));
  if (unknown.length > 0)
    throw new Error(
      `--only names no bench file: ${unknown.join(", ")} (files: ${files.map(stem).join(", ")})`,
    );
  for (const file of files) {
    if (fileFilter.length > 0 && !fileFilter.includes(stem(file))) continue;
    const groups = only.filter((o) => o.startsWith(`${stem(file)}:`)).map((o) => `only=${o.split(":")[1]}`);
    const fileFlags = new Set([...[...flags].filter((f) => !f.startsWith("only=")), ...groups]);
    const pkg = relative(root, file).split("/").slice(0, 2).join("/");
    const mod = (await import(pathToFileURL(file).href)) as BenchModule;
    let sections: BenchSection[];
    if (mod.default) {
      console.error(`== ${relative(root, file)}`);
      sections = await mod.default({ flags: fileFlags, log: (m) => console.error(`   ${m}`) });
    } else if (mod.run) {
      console.error(`== ${relative(root, file)}`);
      const markdown = await mod.run(Object.fromEntries([...fileFlags].map((f) => [f, true])));
      // Its own "## Title" heading becomes the section title.
      const heading = /^#+ (.*)$/m.exec(markdown);
      sections = [
        {
          id: `${pkg.split("/")[1]}-${stem(file)}`,
          title: heading?.[1] ?? stem(file),
          command: `pnpm bench --only=${stem(file)}`,
          body: heading ? markdown.replace(heading[0], "").trim() + "\n" : markdown,
        },
      ];
    } else {
      throw new Error(`${relative(root, file)} exports neither a default function nor run()`);
    }
    for (const s of sections) {
      const text = `### ${s.title}\n\n_${pkg}, measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${shielding}; reproduce with \`${s.command}\`._\n\n${s.body}\n`;
      fresh.set(s.id, { pkg, text });
      order.push(s.id);
    }
  }
  const previous = previousSections();
  const ids = [...order, ...[...previous.keys()].filter((id) => !fresh.has(id))];
  const parts = [
    "# Benchmarks",
    "",
    "Written by `pnpm bench` (scripts/bench.ts), which runs every package's `bench/*.bench.ts`.",
    "Opt-in studies: `pnpm bench --coverage` (20-seed ROI coverage, long), `--only=model-v2:geo --geo` (the 40-geo fit),",
    "`--only=peer:stan --stan` (Stan side by side; installs R + rstan from apt when missing). Run one file or group with",
    "`pnpm bench --only=<file stem>[:<group>]`, e.g. `--only=core:nuts` (core groups: gradient, fast, nuts, coverage, sampler; the last two are opt-in with --coverage and --sampler; model-v2 groups: gradient, coverage, geo, convergence, collapse, levers, divergences; the last six opt-in with --coverage, --geo, --convergence, --collapse, --levers, --divergences).",
    "",
    `- Machine: ${machine()}`,
    `- Last run: ${started.toISOString().slice(0, 16).replace("T", " ")} UTC, command \`pnpm bench${flags.size ? " " + [...flags].map((f) => `--${f}`).join(" ") : ""}\``,
    "- The machine is shared (other processes may run during a benchmark); wall times are upper bounds. As root on Linux the",
    "  bench runs in its own session at nice -15 (scheduling autogroup and process), so other sessions take little of its CPU;",
    "  each section says whether it was shielded.",
    "",
  ];
  for (const id of ids) {
    const text = fresh.get(id)?.text ?? previous.get(id);
    if (text === undefined) continue;
    parts.push(`<!-- section:${id} -->\n${text}<!-- /section:${id} -->\n`);
  }
  writeFileSync(reportPath, parts.join("\n"));
  console.error(
    `wrote ${relative(root, reportPath)} (${fresh.size} fresh sections, ${ids.length - fresh.size} kept)`,
  );
}

await main();
