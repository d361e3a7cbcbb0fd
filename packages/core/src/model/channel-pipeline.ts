/**
 * One channel's media pipeline (docs/model.md sections 2 and 10.2) driven by the transform
 * registry: the spec's stage list (kind, parameter positions, training constants) run on an
 * input series with the registered transforms' own forward functions. Analysis, response curves,
 * the optimizer and scenarios evaluate channels through this runner for v1 and v2 models alike;
 * `channel-pipeline.test.ts` checks it against each model's forward for every registered
 * transform and every v2 option.
 *
 * Planning splits the pipeline in two: the leading stages that are linear and time-invariant in
 * their input (every adstock kind and the viral echo: `LINEAR_STAGES`), and the rest, which act
 * week by week on their input given a data feature (network, authenticity, consistency,
 * saturation). For a plan appended after the history the linear part is the history's carry-over
 * plus the same stages run on the plan alone from a zero state, so a planned week costs O(1) per
 * stage instead of a pass over the whole history.
 */
import { getTransform } from "../transforms/registry.ts";
import type { Stage, Transform, TransformContext } from "../transforms/types.ts";

export interface PipelineStage {
  stage: Stage;
  kind: string;
  /** Positions of the stage's parameters in the (constrained) values vector, `params` order. */
  params: ArrayLike<number>;
  /** Training constants of the stage (the geo's, for geo models). */
  constants: Record<string, number>;
}

/** Stages linear and time-invariant in their input (zero state before the first week). */
export const LINEAR_STAGES: ReadonlySet<Stage> = new Set<Stage>(["adstock", "viralEcho"]);

interface StageRun {
  stage: Stage;
  t: Transform;
  pIdx: Int32Array;
  p: Float64Array;
  constants: Record<string, number>;
  ctx: TransformContext;
  out: Float64Array;
}

export class ChannelPipeline {
  readonly capacity: number;
  readonly lags: number;
  /** Number of leading linear stages (the rest act week by week). */
  readonly linearCount: number;
  private readonly runs: StageRun[];
  private readonly full: Float64Array[];
  private lastLin: Float64Array;
  private readonly gA: Float64Array;
  private readonly gB: Float64Array;
  private readonly gp: Float64Array;

  constructor(stages: readonly PipelineStage[], lags: number, capacity: number) {
    this.capacity = capacity;
    this.lags = lags;
    this.runs = stages.map((st) => {
      const t = getTransform(st.kind);
      return {
        stage: st.stage,
        t,
        pIdx: Int32Array.from(st.params),
        p: new Float64Array(st.params.length),
        constants: st.constants,
        ctx: {
          x: new Float64Array(0),
          lags,
          feature: new Float64Array(t.feature ? capacity : 0),
          ws: new Float64Array(t.workspaceSize(capacity, lags)),
        },
        out: new Float64Array(capacity),
      };
    });
    let k = 0;
    while (k < this.runs.length && LINEAR_STAGES.has(this.runs[k]!.stage)) k++;
    for (let j = k; j < this.runs.length; j++)
      if (LINEAR_STAGES.has(this.runs[j]!.stage))
        throw new Error(`pipeline stage "${this.runs[j]!.stage}" after a week-by-week stage`);
    this.linearCount = k;
    this.full = this.runs.map((r) => new Float64Array(r.t.feature ? capacity : 0));
    this.lastLin = new Float64Array(0);
    this.gA = new Float64Array(capacity);
    this.gB = new Float64Array(capacity);
    this.gp = new Float64Array(Math.max(0, ...this.runs.map((r) => r.p.length)));
  }

  /** No week-by-week stage reads a data feature: its slope in the input is its own derivative. */
  get featureFree(): boolean {
    for (let k = this.linearCount; k < this.runs.length; k++) if (this.runs[k]!.t.feature) return false;
    return true;
  }

  /**
   * d response_t / d lin_t of the last runPointwise call, by the stages' own reverse sweeps (each
   * acts week by week, so the Jacobian is diagonal). Only for featureFree pipelines: a feature
   * moves with the spend too, which the stages' backward does not see.
   */
  pointwiseSlope(n: number, slope: Float64Array): void {
    let g = this.gA;
    let gIn = this.gB;
    g.fill(1, 0, n);
    for (let k = this.runs.length - 1; k >= this.linearCount; k--) {
      const r = this.runs[k]!;
      const input = k === this.linearCount ? this.lastLin : this.runs[k - 1]!.out;
      r.t.backward(input, n, r.p, r.out, g, this.gp, gIn, r.ctx);
      const tmp = g;
      g = gIn;
      gIn = tmp;
    }
    for (let t = 0; t < n; t++) slope[t] = g[t]!;
  }

  get stageKinds(): Stage[] {
    return this.runs.map((r) => r.stage);
  }

  /** Loads the stages' parameters from a constrained values vector. */
  setParams(values: ArrayLike<number>): void {
    for (const r of this.runs) for (let k = 0; k < r.p.length; k++) r.p[k] = values[r.pIdx[k]!]!;
  }

  /** Whether a stage needs a data feature (multiplier stages). */
  get hasFeatures(): boolean {
    return this.runs.some((r) => r.t.feature !== undefined);
  }

  /**
   * The whole pipeline over n weeks: `input` enters the first stage, the multiplier features come
   * from `x` (the channel's scaled spend / exposure series, at least n long) with the stage's
   * training constants. `skip` leaves a stage out (counterfactual shares). Returns the last
   * stage's output (an internal buffer, valid until the next call).
   */
  run(input: Float64Array, x: Float64Array, n: number, skip?: Stage): Float64Array {
    this.check(n);
    let cur = input;
    for (const r of this.runs) {
      if (r.stage === skip) continue;
      if (r.t.feature) r.t.feature(x, n, r.constants, r.ctx.feature);
      r.ctx.x = x;
      r.t.forward(cur, n, r.p, r.out, r.ctx);
      cur = r.out;
    }
    return cur;
  }

  /** The linear stages only, over n weeks from a zero state (writes `out`). */
  runLinear(input: Float64Array, n: number, out: Float64Array): Float64Array {
    this.check(n);
    let cur = input;
    for (let k = 0; k < this.linearCount; k++) {
      const r = this.runs[k]!;
      r.ctx.x = input;
      r.t.forward(cur, n, r.p, r.out, r.ctx);
      cur = r.out;
    }
    for (let t = 0; t < n; t++) out[t] = cur[t]!;
    return out;
  }

  /**
   * Data features of the week-by-week stages for the weeks [from, from + n) of the series x
   * (computed over x[0, from + n), then cut): one array per stage (empty for stages without a
   * feature), to pass to runPointwise. Draw-independent.
   */
  features(x: Float64Array, from: number, n: number, out: Float64Array[]): void {
    this.check(from + n);
    for (let k = this.linearCount; k < this.runs.length; k++) {
      const r = this.runs[k]!;
      if (!r.t.feature) continue;
      const f = this.full[k]!;
      r.t.feature(x, from + n, r.constants, f);
      out[k]!.set(f.subarray(from, from + n));
    }
  }

  /** Buffers for features(): one per stage, n long where the stage has a feature. */
  featureBuffers(n: number): Float64Array[] {
    return this.runs.map((r) => new Float64Array(r.t.feature ? n : 0));
  }

  /**
   * The week-by-week stages on the linear part's output `lin` (n weeks) with precomputed
   * features (features()); writes the response to out[offset, offset + n).
   */
  runPointwise(lin: Float64Array, n: number, features: Float64Array[], out: Float64Array, offset = 0): void {
    let cur = lin;
    this.lastLin = lin;
    for (let k = this.linearCount; k < this.runs.length; k++) {
      const r = this.runs[k]!;
      const ctx = r.ctx;
      const saved = ctx.feature;
      if (r.t.feature) ctx.feature = features[k]!;
      r.t.forward(cur, n, r.p, r.out, ctx);
      ctx.feature = saved;
      cur = r.out;
    }
    for (let t = 0; t < n; t++) out[offset + t] = cur[t]!;
  }

  private check(n: number): void {
    if (n > this.capacity)
      throw new Error(`pipeline run of ${n} weeks exceeds its capacity ${this.capacity}`);
  }
}
