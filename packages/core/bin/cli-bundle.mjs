// The `mixcast` command line as prebuilt JavaScript (issue 15: a tsx start-up transpiled every
// module at run time, in the main thread and again in each sampler worker thread, about 2 s of a
// 12 s fit). `ensureCliBundle()` returns the bundle of src/cli/main.ts for the current sources,
// building it with esbuild first when the sources changed (a few hundred ms), so a clean checkout
// and an edited one both run what is in src/. npm packages stay external (resolved from
// packages/core/node_modules at run time).
//
// Worker threads and factory modules: every `new URL("<relative path>", import.meta.url)` in the
// sources (the sampler's worker entry, the log-density factory modules of LogDensityFactoryRef)
// becomes an entry point of the bundle, and the URL is rewritten to the emitted file next to it.
// A `.mjs` reference with a `.ts` sibling of the same name (inference/chain-worker.mjs, which
// registers tsx for un-bundled runs) is bundled from the `.ts` file: the bundled worker needs no
// loader.
//
// Lazy packages: `date-holidays` takes about 0.3 s to load and only configs with holidays use it;
// in the bundle its default export is a constructor that requires the package on first use.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = join(coreDir, "src");
const outRoot = join(coreDir, "dist", "cli");
const LAZY_CONSTRUCTORS = ["date-holidays"];
const URL_PATTERN = /new URL\(\s*"(\.{1,2}\/[^"]+\.(?:ts|mjs))"\s*,\s*import\.meta\.url\s*\)/g;

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

/** Key of the current sources: path, size and mtime of every source file, this script, package.json. */
function sourceKey(files) {
  const h = createHash("sha1");
  for (const f of [...files, fileURLToPath(import.meta.url), join(coreDir, "package.json")]) {
    const s = statSync(f);
    h.update(`${relative(coreDir, f)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest("hex").slice(0, 16);
}

/** The file bundled for a `new URL(...)` target: the `.ts` sibling of a `.mjs` shim when it exists. */
function bundledSource(target) {
  if (target.endsWith(".mjs")) {
    const ts = target.slice(0, -4) + ".ts";
    if (existsSync(ts)) return ts;
  }
  return target;
}

async function build(files, outDir) {
  const { build: esbuild } = await import("esbuild");
  const entries = new Map([[join(srcDir, "cli", "main.ts"), "cli"]]);
  const rewrites = new Map(); // source file -> [[literal, emitted name]]
  for (const f of files) {
    if (!f.endsWith(".ts")) continue;
    const text = readFileSync(f, "utf8");
    for (const m of text.matchAll(URL_PATTERN)) {
      const source = bundledSource(resolve(dirname(f), m[1]));
      if (!existsSync(source)) continue;
      let name = entries.get(source);
      if (name === undefined) {
        name = basename(source).replace(/\.(ts|mjs)$/, "");
        if ([...entries.values()].includes(name)) throw new Error(`two bundle entries named ${name}`);
        entries.set(source, name);
      }
      const list = rewrites.get(f) ?? [];
      list.push([m[0], `new URL("./${name}.mjs", import.meta.url)`]);
      rewrites.set(f, list);
    }
  }
  await esbuild({
    entryPoints: [...entries].map(([input, out]) => ({ in: input, out })),
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    outExtension: { ".js": ".mjs" },
    // chunks beside the entries: a rewritten `new URL("./x.mjs", import.meta.url)` may sit in one
    chunkNames: "chunk-[hash]",
    // package.json says "sideEffects": false for consumers; the CLI registers its commands by import
    ignoreAnnotations: true,
    logLevel: "error",
    plugins: [
      {
        name: "lazy-constructors",
        setup(b) {
          const filter = new RegExp(`^(${LAZY_CONSTRUCTORS.join("|")})$`);
          b.onResolve({ filter }, (args) =>
            args.namespace === "lazy" ? undefined : { path: args.path, namespace: "lazy" },
          );
          b.onLoad({ filter: /.*/, namespace: "lazy" }, (args) => ({
            contents: [
              `import { createRequire } from "node:module";`,
              `const require = createRequire(${JSON.stringify(join(coreDir, "package.json"))});`,
              `let loaded;`,
              `export default function Lazy(...args) {`,
              `  loaded ??= require(${JSON.stringify(args.path)});`,
              `  return new loaded(...args);`,
              `}`,
            ].join("\n"),
            loader: "js",
            resolveDir: coreDir,
          }));
        },
      },
      {
        name: "rewrite-module-urls",
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            const list = rewrites.get(args.path);
            if (list === undefined) return undefined;
            let contents = readFileSync(args.path, "utf8");
            for (const [from, to] of list) contents = contents.split(from).join(to);
            return { contents, loader: "ts" };
          });
        },
      },
    ],
  });
}

/** Path of the bundled CLI for the current sources (built when missing). */
export async function ensureCliBundle() {
  const files = sourceFiles(srcDir).sort();
  const key = sourceKey(files);
  const dir = join(outRoot, key);
  const cli = join(dir, "cli.mjs");
  if (existsSync(cli)) return cli;
  mkdirSync(outRoot, { recursive: true });
  const tmp = join(outRoot, `.tmp-${process.pid}-${Date.now()}`);
  await build(files, tmp);
  try {
    renameSync(tmp, dir);
  } catch {
    // another process built the same key first
    rmSync(tmp, { recursive: true, force: true });
  }
  // builds of older sources, once no process started in the last hour can still be running them
  const hourAgo = Date.now() - 3600_000;
  for (const old of readdirSync(outRoot)) {
    const p = join(outRoot, old);
    if (old !== key && statSync(p).mtimeMs < hourAgo) rmSync(p, { recursive: true, force: true });
  }
  return cli;
}
