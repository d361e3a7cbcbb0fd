// One supervised child process (web or worker) of the launcher.
//
// Restart policy: when the child exits while the stack is not stopping (a crash, a `kill -9`, an
// out-of-memory kill, or any exit at all: web and worker are meant to run until told to stop), it
// is started again after a delay: `initialDelayMs`, doubling with every crash in a row, at most
// `maxDelayMs`. A child that ran at least `stableMs` before exiting starts the count afresh. After
// `maxFastCrashes` crashes in a row, each within `stableMs` of starting, the supervisor gives up
// (`onGiveUp`): something is wrong that a restart will not fix.
//
// Each child runs in its own process group, so the terminal's Ctrl-C reaches only the launcher,
// which then stops the children in order, and so a crashed child's own children (next dev's
// server) are cleaned up with it.
import { spawn, type ChildProcess } from "node:child_process";

export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  stableMs: number;
  maxFastCrashes: number;
}

export interface SupervisedSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where the child's stdout goes: our stdout ("inherit") or our stderr. */
  stdout: "inherit" | "stderr";
}

export interface SupervisorEvents {
  log(message: string): void;
  /** Called once when the supervisor stops restarting after repeated fast crashes. */
  onGiveUp(message: string): void;
  /** Called every time a child process starts (the first time and after each restart). */
  onStart?(pid: number): void;
}

/** Delay before restart number `crashesInARow` (1-based). */
export function restartDelay(policy: RestartPolicy, crashesInARow: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, crashesInARow - 1));
}

const describeExit = (code: number | null, signal: NodeJS.Signals | null) =>
  signal ? `killed by ${signal}` : `exit code ${code}`;

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid: number): boolean {
  return signalGroup(pid, 0 as unknown as NodeJS.Signals);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export class Supervisor {
  private child: ChildProcess | undefined;
  private startedAt = 0;
  private crashesInARow = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();
  /** Number of restarts so far. */
  restarts = 0;

  constructor(
    private readonly spec: SupervisedSpec,
    private readonly policy: RestartPolicy,
    private readonly events: SupervisorEvents,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.stopping) return;
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ["ignore", this.spec.stdout === "inherit" ? "inherit" : process.stderr, "inherit"],
      detached: true,
    });
    this.child = child;
    this.startedAt = Date.now();
    this.exited = new Promise((done) => child.once("exit", () => done()));
    child.once("error", (error) => this.events.log(`${this.spec.name}: ${error.message}`));
    child.once("exit", (code, signal) => this.onExit(child, code, signal));
    if (child.pid !== undefined) {
      this.events.log(`${this.spec.name} started (pid ${child.pid})`);
      this.events.onStart?.(child.pid);
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null) {
    if (this.stopping) return;
    // Whatever the crashed child left behind in its group (e.g. next dev's server) goes with it.
    if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
    const ranMs = Date.now() - this.startedAt;
    this.crashesInARow = ranMs >= this.policy.stableMs ? 1 : this.crashesInARow + 1;
    const how = describeExit(code, signal);
    if (this.crashesInARow >= this.policy.maxFastCrashes) {
      const message =
        `${this.spec.name} crashed ${this.crashesInARow} time${this.crashesInARow === 1 ? "" : "s"} in a row, ` +
        `each within ${Math.round(this.policy.stableMs / 1000)} s of starting (last: ${how}); giving up. ` +
        `Its error is above; fix it and start again.`;
      this.events.onGiveUp(message);
      return;
    }
    const delay = restartDelay(this.policy, this.crashesInARow);
    this.events.log(
      `${this.spec.name} (pid ${child.pid}) stopped unexpectedly (${how}) after ${(ranMs / 1000).toFixed(1)} s; ` +
        `restarting it in ${(delay / 1000).toFixed(1)} s (crash ${this.crashesInARow} in a row; ` +
        `giving up after ${this.policy.maxFastCrashes} fast ones)`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restarts += 1;
      this.start();
    }, delay);
  }

  /** SIGTERM to the child's group, SIGKILL after `graceMs`; no restarts from now on. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (!child?.pid) return;
    const pid = child.pid;
    if (child.exitCode === null && child.signalCode === null) signalGroup(pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    await Promise.race([this.exited, sleep(graceMs)]);
    // The leader is gone (or out of time): give the rest of its group until the deadline.
    while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
    signalGroup(pid, "SIGKILL");
    await this.exited;
  }
}
