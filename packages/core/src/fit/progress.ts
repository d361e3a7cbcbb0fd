/** Turns per-chain sampler progress into one fit-level progress report (percent, ETA). */
import type { SamplerProgress } from "../inference/types.ts";

export interface FitProgress {
  phase: "preparing" | "warmup" | "sampling" | "optimizing" | "summarizing" | "done";
  /** Chain that reported last (0-based); -1 outside sampling. */
  chain: number;
  /** That chain's iteration (warmup and sampling counted together). */
  iteration: number;
  /** Overall completion 0..100. */
  percent: number;
  /** Estimated seconds left (null until enough is known). */
  etaSeconds: number | null;
  /** Divergent transitions so far, over all chains. */
  divergences: number;
}

/** Keeps the latest report of every chain and aggregates them. */
export class ProgressTracker {
  private readonly iterations: Float64Array;
  private readonly divergences: Float64Array;
  private readonly startedAt: number;

  constructor(
    private readonly chains: number,
    private readonly itersPerChain: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.iterations = new Float64Array(chains);
    this.divergences = new Float64Array(chains);
    this.startedAt = now();
  }

  update(p: SamplerProgress): FitProgress {
    if (p.chain >= 0 && p.chain < this.chains) {
      this.iterations[p.chain] = p.iteration;
      this.divergences[p.chain] = p.divergences;
    }
    let done = 0;
    let div = 0;
    for (let c = 0; c < this.chains; c += 1) {
      done += Math.min(this.iterations[c]!, this.itersPerChain);
      div += this.divergences[c]!;
    }
    const fraction = this.chains * this.itersPerChain > 0 ? done / (this.chains * this.itersPerChain) : 1;
    const elapsed = (this.now() - this.startedAt) / 1000;
    // Warmup iterations are slower than sampling ones (longer trees while the step size adapts),
    // so the ETA is a rough linear extrapolation; it is withheld until 2 % is done.
    const eta =
      fraction >= 0.02 && fraction < 1 ? (elapsed * (1 - fraction)) / fraction : fraction >= 1 ? 0 : null;
    return {
      phase: p.phase,
      chain: p.chain,
      iteration: p.iteration,
      percent: Math.min(100, 100 * fraction),
      etaSeconds: eta,
      divergences: div,
    };
  }
}
