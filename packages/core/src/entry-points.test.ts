/**
 * The two entry points (issue #12 item 5): @mixcast/core must stay browser-safe (no node: module,
 * no Node builtin anywhere in its runtime import graph) and the top-level folders of src/ must not
 * import each other in a cycle (transforms <-> model through priors once did).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };

const srcDir = dirname(fileURLToPath(import.meta.url));
const IMPORT_RE = /^\s*(import|export)\s+(type\s+)?(?:[^;'"]*?\s+from\s+)?"([^"]+)"/gm;

interface ImportEdge {
  specifier: string;
  typeOnly: boolean;
}

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(file, "utf8");
  const edges: ImportEdge[] = [];
  for (const m of text.matchAll(IMPORT_RE)) edges.push({ specifier: m[3]!, typeOnly: m[2] !== undefined });
  // dynamic imports count too (a string literal argument)
  for (const m of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g))
    edges.push({ specifier: m[1]!, typeOnly: false });
  return edges;
}

const builtins = new Set(builtinModules);
const isNodeModule = (spec: string) => spec.startsWith("node:") || builtins.has(spec.split("/")[0]!);

/** Every file reached from `entry` through runtime (non-type) imports, and the node modules met. */
function runtimeGraph(entry: string): { files: Set<string>; nodeImports: string[] } {
  const files = new Set<string>();
  const nodeImports: string[] = [];
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!file.endsWith(".ts")) continue;
    for (const { specifier, typeOnly } of importsOf(file)) {
      if (typeOnly) continue;
      if (isNodeModule(specifier)) nodeImports.push(`${relative(srcDir, file)} imports ${specifier}`);
      else if (specifier.startsWith(".")) stack.push(resolve(dirname(file), specifier));
    }
  }
  return { files, nodeImports };
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith(".ts") && !p.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

/** A cycle in the graph of top-level folders of src/ (type imports included), or null. */
function folderCycle(): string[] | null {
  const edges = new Map<string, Set<string>>();
  const folderOf = (file: string) => relative(srcDir, file).split("/")[0]!.replace(/\.ts$/, "");
  for (const file of sourceFiles(srcDir)) {
    const from = folderOf(file);
    for (const { specifier } of importsOf(file)) {
      if (!specifier.startsWith(".")) continue;
      const to = folderOf(resolve(dirname(file), specifier));
      if (to === from || to.startsWith("..")) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === "done") return null;
    if (state.get(n) === "open") return [...path.slice(path.indexOf(n)), n];
    state.set(n, "open");
    path.push(n);
    for (const m of edges.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    path.pop();
    state.set(n, "done");
    return null;
  };
  for (const n of edges.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

describe("core entry points", () => {
  it("package.json exports exactly the browser entry and the node entry (no deep paths)", () => {
    expect(Object.keys(pkg.exports).sort()).toEqual([".", "./node", "./package.json"]);
    expect(pkg.exports["."]).toBe("./src/index.ts");
    expect(pkg.exports["./node"]).toBe("./src/node.ts");
  });

  it("@mixcast/core reaches no node: module and no Node builtin", () => {
    const { files, nodeImports } = runtimeGraph(join(srcDir, "index.ts"));
    expect(files.size).toBeGreaterThan(40); // the walk really followed the graph
    expect(nodeImports).toEqual([]);
    expect([...files].map((f) => relative(srcDir, f)).filter((f) => f.startsWith("cli/"))).toEqual([]);
  });

  it("@mixcast/core/node does reach worker threads (the walk detects node modules)", () => {
    const { nodeImports } = runtimeGraph(join(srcDir, "node.ts"));
    expect(nodeImports.some((s) => s.includes("node:worker_threads"))).toBe(true);
  });

  it("the top-level folders of src/ import each other without a cycle", () => {
    expect(folderCycle()).toBeNull();
  });
});
