// Folds per-chain sampler progress into one snapshot for the Run row (phase, chain, iteration,
// percent, ETA, divergences so far). Pure and cheap: called on every sampler message; the worker
// writes the latest snapshot at most once per interval.
import type { EngineProgress } from "./engine.ts";

export interface ChainProgress {
  chain: number;
  phase: string;
  iteration: number;
  total: number;
  divergences: number;
  /** Chains run as separate jobs: the worker running the chain and the chain job's attempt. */
  workerId?: string | null;
  attempt?: number;
}

export interface RunProgress {
  phase: "starting" | "warmup" | "sampling" | "fitting" | "storing" | "done";
  /** The chain that reported last. */
  chain: number | null;
  iteration: number;
  of: number;
  percent: number;
  etaSeconds: number | null;
  divergences: number;
  elapsedSeconds: number;
  chains: ChainProgress[];
  attempt: number;
  workerId: string;
}

export class ProgressTracker {
  private readonly chains = new Map<number, ChainProgress>();
  private lastChain: number | null = null;
  private phase: RunProgress["phase"] = "starting";
  /** Fit-level percent/ETA when the engine reports them itself. */
  private reported: { percent: number; etaSeconds: number | null } | null = null;
  private readonly startedAt: number;

  constructor(
    private readonly plan: { chains: number; iterationsPerChain: number; attempt: number; workerId: string },
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  update(p: EngineProgress): void {
    if (typeof p.percent === "number")
      this.reported = { percent: p.percent, etaSeconds: p.etaSeconds ?? null };
    const chain = p.chain !== undefined && p.chain >= 0 ? p.chain : 0;
    const phase = p.phase ?? "fitting";
    this.chains.set(chain, {
      chain,
      phase,
      iteration: p.iteration ?? 0,
      total: p.total ?? this.plan.iterationsPerChain,
      divergences: p.divergences ?? 0,
    });
    this.lastChain = chain;
    this.phase = phase === "warmup" || phase === "sampling" ? phase : phase === "done" ? "done" : "fitting";
  }

  /** A chain's state as a chain job reported it (chains run as separate jobs, chain-jobs.ts). */
  setChain(c: ChainProgress): void {
    const before = this.chains.get(c.chain);
    this.chains.set(c.chain, c);
    const moved = !before || before.iteration !== c.iteration || before.phase !== c.phase;
    if (moved && c.phase !== "done" && c.phase !== "queued") this.lastChain = c.chain;
    this.lastChain ??= c.chain;
    const phases = [...this.chains.values()].map((x) => x.phase);
    this.phase = phases.includes("warmup") ? "warmup" : phases.includes("sampling") ? "sampling" : "fitting";
  }

  setPhase(phase: RunProgress["phase"]): void {
    this.phase = phase;
  }

  snapshot(): RunProgress {
    const perChain = Math.max(1, this.plan.iterationsPerChain);
    const nChains = Math.max(this.plan.chains, this.chains.size);
    let done = 0;
    let total = 0;
    let divergences = 0;
    for (const c of this.chains.values()) {
      done += Math.min(c.iteration, c.total);
      total += c.total;
      divergences += c.divergences;
    }
    total += (nChains - this.chains.size) * perChain;
    const elapsedSeconds = (this.now() - this.startedAt) / 1000;
    let fraction = this.phase === "done" ? 1 : total > 0 ? Math.min(1, done / total) : 0;
    let etaSeconds =
      fraction > 0.01 && fraction < 1
        ? (elapsedSeconds * (1 - fraction)) / fraction
        : fraction >= 1
          ? 0
          : null;
    if (this.reported && this.phase !== "done") {
      fraction = Math.min(1, Math.max(0, this.reported.percent / 100));
      etaSeconds = this.reported.etaSeconds;
    }
    const last = this.lastChain === null ? undefined : this.chains.get(this.lastChain);
    return {
      phase: this.phase,
      chain: this.lastChain,
      iteration: last?.iteration ?? 0,
      of: last?.total ?? perChain,
      percent: Math.round(fraction * 1000) / 10,
      etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds),
      divergences,
      elapsedSeconds: Math.round(elapsedSeconds * 10) / 10,
      chains: [...this.chains.values()].sort((a, b) => a.chain - b.chain),
      attempt: this.plan.attempt,
      workerId: this.plan.workerId,
    };
  }
}
