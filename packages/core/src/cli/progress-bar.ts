/** Fit progress on stderr: redrawn in place on a terminal, one line every few seconds otherwise. */
import type { FitProgress } from "../fit/progress.ts";

export function formatProgress(p: FitProgress, width = 24): string {
  const filled = Math.round((p.percent / 100) * width);
  const bar = "#".repeat(filled) + ".".repeat(width - filled);
  const eta = p.etaSeconds === null ? "" : ` ETA ${formatSeconds(p.etaSeconds)}`;
  const where = p.chain >= 0 ? ` chain ${p.chain + 1} it ${p.iteration}` : "";
  const div = p.divergences > 0 ? ` divergences ${p.divergences}` : "";
  return `[${bar}] ${p.percent.toFixed(0).padStart(3)}% ${p.phase}${where}${div}${eta}`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
}

export class ProgressBar {
  private lastLine = Number.NEGATIVE_INFINITY;
  private lastWidth = 0;
  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly intervalMs = 3000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  update(p: FitProgress): void {
    const line = formatProgress(p);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.padEnd(this.lastWidth)}`);
      this.lastWidth = line.length;
      if (p.phase === "done") this.stream.write("\n");
      return;
    }
    const t = this.now();
    if (p.phase === "done" || t - this.lastLine >= this.intervalMs) {
      this.lastLine = t;
      this.stream.write(`${line}\n`);
    }
  }
}
