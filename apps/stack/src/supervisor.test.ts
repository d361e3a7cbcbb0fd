// The restart policy with tiny real child processes (no database): back-off, give-up, stop.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { restartDelay, Supervisor, type RestartPolicy } from "./supervisor.ts";

const policy: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 250, stableMs: 20_000, maxFastCrashes: 4 };

function nodeChild(name: string, script: string) {
  return {
    name,
    command: process.execPath,
    args: ["-e", script],
    cwd: process.cwd(),
    env: process.env,
    stdout: "stderr" as const,
  };
}

describe("supervisor", () => {
  it("doubles the restart delay per crash in a row, up to the maximum", () => {
    expect([1, 2, 3, 4].map((n) => restartDelay(policy, n))).toEqual([100, 200, 250, 250]);
  });

  it("restarts a crashing child with back-off, then gives up with a clear message", async () => {
    const starts: number[] = [];
    const logs: string[] = [];
    const message = await new Promise<string>((resolve) => {
      const s = new Supervisor(nodeChild("crasher", "process.exit(3)"), policy, {
        log: (m) => logs.push(m),
        onGiveUp: resolve,
        onStart: () => starts.push(Date.now()),
      });
      s.start();
    });
    expect(starts).toHaveLength(4);
    expect(message).toMatch(
      /crasher crashed 4 times in a row, each within 20 s of starting \(last: exit code 3\); giving up/,
    );
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(gaps[2]).toBeGreaterThanOrEqual(250);
    expect(logs.filter((l) => l.includes("restarting it in"))).toHaveLength(3);
  });

  it("stop() ends the child without restarting it, SIGKILL when it ignores SIGTERM", async () => {
    const starts: number[] = [];
    // The child says it has installed its SIGTERM handler by creating a file (node starts slowly
    // on a busy machine).
    const marker = join(mkdtempSync(join(tmpdir(), "mixcast-supervisor-")), "ready");
    const s = new Supervisor(
      nodeChild(
        "stubborn",
        `process.on('SIGTERM', () => {}); require('node:fs').writeFileSync(${JSON.stringify(marker)}, ''); setInterval(() => {}, 1000)`,
      ),
      policy,
      { log: () => {}, onGiveUp: () => {}, onStart: (pid) => starts.push(pid) },
    );
    s.start();
    const deadline = Date.now() + 20_000;
    while (!existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(marker)).toBe(true);
    const pid = s.pid!;
    const t0 = Date.now();
    await s.stop(500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    expect(() => process.kill(pid, 0)).toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(starts).toEqual([pid]);
  });
});
