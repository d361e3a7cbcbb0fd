// Run rows are written by this package only: the apps and the other packages call its functions
// (queueRun, claimRun, succeedRun, requestCancel, ...) instead of updating Run themselves, so a
// status change can never skip its audit event or its fence. Tests and test fixtures may set up
// rows directly; deleting a workspace may delete its runs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
/** Every app's and package's src/ except this package's, and the repo's scripts. */
const SOURCE_ROOTS = [
  ...["apps", "packages"].flatMap((group) =>
    readdirSync(join(ROOT, group), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !(group === "packages" && d.name === "runs"))
      .map((d) => join(group, d.name, "src")),
  ),
  "scripts",
].filter((dir) => existsSync(join(ROOT, dir)));

/** Prisma writes on the Run model (client or transaction) and raw SQL writes on "Run". */
const RUN_WRITE = [
  /\.run\s*\.\s*(create|createMany|createManyAndReturn|update|updateMany|upsert)\s*\(/g,
  /\b(UPDATE|INSERT\s+INTO)\s+"Run"/gi,
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (["node_modules", "generated", "testing", "test", "__fixtures__"].includes(entry.name)) continue;
      out.push(...sourceFiles(path));
    } else if (/\.(ts|tsx|mts|mjs|js)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/** "line: text" of each Run write in a source text (a call may span lines). */
export function runWritesIn(text: string): string[] {
  const hits: string[] = [];
  for (const re of RUN_WRITE) {
    for (const m of text.matchAll(re)) {
      const n = text.slice(0, m.index).split("\n").length;
      hits.push(`${n}: ${text.split("\n")[n - 1]!.trim()}`);
    }
  }
  return hits;
}

describe("Run rows have one owner", () => {
  it("the scan recognizes the writes it forbids", () => {
    expect(
      runWritesIn('await tx.run.updateMany({ where: { id }, data: { status: "failed" } });'),
    ).toHaveLength(1);
    expect(runWritesIn("const r = await prisma.run.create({ data });")).toHaveLength(1);
    expect(runWritesIn("await db.run\n  .update({ where })")).toHaveLength(1);
    expect(runWritesIn('UPDATE "Run" SET "status" = \'failed\'')).toHaveLength(1);
    expect(runWritesIn("await tx.run.findMany({ where })")).toHaveLength(0);
    expect(runWritesIn("await tx.run.deleteMany({ where: { workspaceId } })")).toHaveLength(0);
  });

  it("no source outside packages/runs creates or updates a Run", () => {
    const files = SOURCE_ROOTS.flatMap((root) => sourceFiles(join(ROOT, root)));
    expect(SOURCE_ROOTS).toEqual(expect.arrayContaining(["apps/web/src", "apps/worker/src"]));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((file) =>
      runWritesIn(readFileSync(file, "utf8")).map((hit) => `${relative(ROOT, file)}:${hit}`),
    );
    expect(offenders, "write Run rows through @mixcast/runs").toEqual([]);
  });
});
