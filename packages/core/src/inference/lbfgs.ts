/**
 * Limited-memory BFGS (Nocedal & Wright 2006, Alg. 7.4 / 7.5) with a strong-Wolfe line search
 * (Alg. 3.5 / 3.6, safeguarded cubic interpolation). Non-finite objective values are treated
 * as "step too long", so the search backs off from regions where the density is -Infinity/NaN.
 */

/** Returns f(x) and writes its gradient into grad. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface MinimizeOptions {
  maxIterations?: number;
  memory?: number;
  /** Converged when max |grad| <= gradTol (default 1e-8). */
  gradTol?: number;
  /** Converged when |f_k - f_{k+1}| <= relTol * max(|f_k|, |f_{k+1}|, 1) (default 1e-12). */
  relTol?: number;
}

export interface MinimizeResult {
  x: Float64Array;
  f: number;
  grad: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

const C1 = 1e-4;
const C2 = 0.9;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return Number.NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

class LineSearch {
  readonly xTrial: Float64Array;
  readonly gTrial: Float64Array;
  readonly xBest: Float64Array;
  readonly gBest: Float64Array;
  fBest = 0;
  evaluations = 0;

  constructor(
    private readonly fg: Objective,
    n: number,
  ) {
    this.xTrial = new Float64Array(n);
    this.gTrial = new Float64Array(n);
    this.xBest = new Float64Array(n);
    this.gBest = new Float64Array(n);
  }

  private evalAt(x: Float64Array, d: Float64Array, a: number): { f: number; df: number } {
    for (let i = 0; i < x.length; i++) this.xTrial[i] = x[i]! + a * d[i]!;
    this.evaluations++;
    const f = this.fg(this.xTrial, this.gTrial);
    if (!Number.isFinite(f) || !this.gTrial.every(Number.isFinite)) {
      return { f: Number.POSITIVE_INFINITY, df: Number.NaN };
    }
    return { f, df: dot(this.gTrial, d) };
  }

  private keepTrial(f: number): void {
    this.xBest.set(this.xTrial);
    this.gBest.set(this.gTrial);
    this.fBest = f;
  }

  /** Finds a step satisfying the strong Wolfe conditions (or at least sufficient decrease);
   *  the accepted point is left in xBest/gBest/fBest. Returns false when no decrease was found. */
  search(x: Float64Array, f0: number, d: Float64Array, df0: number, aInit: number): boolean {
    let aPrev = 0;
    let fPrev = f0;
    let dfPrev = df0;
    let a = aInit;
    for (let i = 0; i < 60; i++) {
      const { f, df } = this.evalAt(x, d, a);
      if (!Number.isFinite(f) || f > f0 + C1 * a * df0 || (i > 0 && f >= fPrev)) {
        return this.zoom(x, f0, d, df0, aPrev, fPrev, dfPrev, a, f, df);
      }
      if (Math.abs(df) <= -C2 * df0) {
        this.keepTrial(f);
        return true;
      }
      if (df >= 0) {
        this.keepTrial(f);
        return this.zoom(x, f0, d, df0, a, f, df, aPrev, fPrev, dfPrev, true);
      }
      this.keepTrial(f);
      aPrev = a;
      fPrev = f;
      dfPrev = df;
      a *= 4;
      if (a > 1e20) return true;
    }
    return true;
  }

  private zoom(
    x: Float64Array,
    f0: number,
    d: Float64Array,
    df0: number,
    lo: number,
    fLo: number,
    dfLo: number,
    hi: number,
    fHi: number,
    dfHi: number,
    loKept = false,
  ): boolean {
    let haveLo = loKept || lo > 0;
    for (let j = 0; j < 60; j++) {
      const w = hi - lo;
      let a = Number.isFinite(fHi) ? cubicMin(lo, fLo, dfLo, hi, fHi, dfHi) : Number.NaN;
      const lower = Math.min(lo, hi) + 0.1 * Math.abs(w);
      const upper = Math.max(lo, hi) - 0.1 * Math.abs(w);
      if (!(a >= lower && a <= upper)) a = lo + 0.5 * w;
      const { f, df } = this.evalAt(x, d, a);
      if (!Number.isFinite(f) || f > f0 + C1 * a * df0 || f >= fLo) {
        hi = a;
        fHi = f;
        dfHi = df;
      } else {
        this.keepTrial(f);
        haveLo = true;
        if (Math.abs(df) <= -C2 * df0) return true;
        if (df * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          dfHi = dfLo;
        }
        lo = a;
        fLo = f;
        dfLo = df;
      }
      if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    // Sufficient decrease without the curvature condition still makes progress.
    return haveLo && lo > 0;
  }
}

export function lbfgsMinimize(fg: Objective, x0: Float64Array, opts: MinimizeOptions = {}): MinimizeResult {
  const n = x0.length;
  const maxIter = opts.maxIterations ?? 1000;
  const m = opts.memory ?? 10;
  const gradTol = opts.gradTol ?? 1e-8;
  const relTol = opts.relTol ?? 1e-12;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = fg(x, g);
  if (!Number.isFinite(f) || !g.every(Number.isFinite)) {
    throw new Error("lbfgsMinimize: objective or gradient not finite at the starting point");
  }
  const ls = new LineSearch(fg, n);
  const sHist = Array.from({ length: m }, () => new Float64Array(n));
  const yHist = Array.from({ length: m }, () => new Float64Array(n));
  const rhoHist = new Float64Array(m);
  let sNew = new Float64Array(n);
  let yNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  let count = 0;
  let head = 0;
  const d = new Float64Array(n);
  let iter = 0;
  let message = "maximum iterations reached";
  let converged = false;
  for (; iter < maxIter; iter++) {
    if (maxAbs(g) <= gradTol) {
      converged = true;
      message = "gradient below tolerance";
      break;
    }
    // Two-loop recursion: d = -H g
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let k = 0; k < count; k++) {
      const idx = (head - 1 - k + m) % m;
      const a = rhoHist[idx]! * dot(sHist[idx]!, d);
      alpha[idx] = a;
      const y = yHist[idx]!;
      for (let i = 0; i < n; i++) d[i] = d[i]! - a * y[i]!;
    }
    if (count > 0) {
      const last = (head - 1 + m) % m;
      const gamma = dot(sHist[last]!, yHist[last]!) / dot(yHist[last]!, yHist[last]!);
      for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
    }
    for (let k = count - 1; k >= 0; k--) {
      const idx = (head - 1 - k + m) % m;
      const b = rhoHist[idx]! * dot(yHist[idx]!, d);
      const s = sHist[idx]!;
      const a = alpha[idx]!;
      for (let i = 0; i < n; i++) d[i] = d[i]! + (a - b) * s[i]!;
    }
    let df0 = dot(g, d);
    if (!(df0 < 0)) {
      count = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      df0 = dot(g, d);
    }
    const aInit = count === 0 ? Math.min(1, 1 / Math.sqrt(-df0)) : 1;
    let ok = ls.search(x, f, d, df0, aInit);
    if (!ok && count > 0) {
      // Retry along steepest descent with a fresh memory.
      count = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      df0 = dot(g, d);
      ok = ls.search(x, f, d, df0, Math.min(1, 1 / Math.sqrt(-df0)));
    }
    if (!ok) {
      message = "line search found no decrease";
      break;
    }
    const fNew = ls.fBest;
    for (let i = 0; i < n; i++) {
      sNew[i] = ls.xBest[i]! - x[i]!;
      yNew[i] = ls.gBest[i]! - g[i]!;
    }
    const sy = dot(sNew, yNew);
    // Keep the pair only when it has positive curvature (keeps H positive definite).
    if (sy > 1e-12 * dot(yNew, yNew)) {
      [sHist[head], sNew] = [sNew, sHist[head]!];
      [yHist[head], yNew] = [yNew, yHist[head]!];
      rhoHist[head] = 1 / sy;
      head = (head + 1) % m;
      count = Math.min(count + 1, m);
    }
    const fOld = f;
    x.set(ls.xBest);
    g.set(ls.gBest);
    f = fNew;
    if (Math.abs(fOld - f) <= relTol * Math.max(Math.abs(fOld), Math.abs(f), 1)) {
      converged = true;
      message = "relative objective change below tolerance";
      iter++;
      break;
    }
  }
  return { x, f, grad: g, iterations: iter, evaluations: ls.evaluations + 1, converged, message };
}
