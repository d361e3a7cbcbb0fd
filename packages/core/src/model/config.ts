/**
 * Model configuration: plain, JSON-serializable data validated with zod. Extends the column
 * mapping with per-channel transform and prior overrides, synergy pairs, likelihood, holdout
 * and calibration inputs. Every validation error names the field path.
 */
import { z } from "zod";
import { channelTypes } from "../data/types.ts";
import { defaultPipeline, findTransform, transformKinds } from "../transforms/registry.ts";
import type { Stage } from "../transforms/types.ts";
import { type Prior, priorSupport } from "../priors/priors.ts";

export const priorSchema = z.discriminatedUnion("dist", [
  z.object({ dist: z.literal("normal"), mean: z.number(), sd: z.number().positive() }),
  z.object({ dist: z.literal("beta"), a: z.number().positive(), b: z.number().positive() }),
  z.object({ dist: z.literal("gamma"), shape: z.number().positive(), rate: z.number().positive() }),
  z.object({ dist: z.literal("halfNormal"), scale: z.number().positive() }),
  z.object({ dist: z.literal("logNormal"), mu: z.number(), sigma: z.number().positive() }),
]) satisfies z.ZodType<Prior>;

const stageOverrideSchema = z.object({
  kind: z.string().min(1),
  /** Prior per parameter name of that kind, e.g. { alpha: { dist: "beta", a: 2, b: 2 } }. */
  priors: z.record(z.string(), priorSchema).optional(),
});

export const channelConfigSchema = z.object({
  column: z.string().min(1),
  type: z.enum(channelTypes),
  adstock: stageOverrideSchema.optional(),
  saturation: stageOverrideSchema.optional(),
  /** Switch stages on or off regardless of the type's default pipeline. */
  viralEcho: z.boolean().optional(),
  network: z.boolean().optional(),
  authenticity: z.boolean().optional(),
  consistency: z.boolean().optional(),
  /** Prior of the channel's coefficient beta (default HalfNormal(1)). */
  beta: priorSchema.optional(),
  /** Prior overrides of the stage parameters by name (kappa, delta, eta, phi, psi, ...). */
  priors: z.record(z.string(), priorSchema).optional(),
});
export type ChannelConfig = z.infer<typeof channelConfigSchema>;

export const liftTestSchema = z.object({
  channel: z.string().min(1),
  /** First and last week (ISO dates, inclusive) of the test. */
  start: z.string().min(1),
  end: z.string().min(1),
  /** Measured incremental KPI in original units and its standard error. */
  lift: z.number(),
  se: z.number().positive(),
  /** Geos the test ran in (v2 geo models); absent or empty: national. */
  geos: z.array(z.string().min(1)).optional(),
});
export type LiftTest = z.infer<typeof liftTestSchema>;

export const roiPriorSchema = z.object({
  channel: z.string().min(1),
  prior: priorSchema,
});
export type RoiPrior = z.infer<typeof roiPriorSchema>;

export const baselinePriorsSchema = z.object({
  b0: priorSchema.optional(),
  trend: priorSchema.optional(),
  season: priorSchema.optional(),
  controls: priorSchema.optional(),
  events: priorSchema.optional(),
  sigma: priorSchema.optional(),
});

export const samplerSettingsSchema = z.object({
  chains: z.number().int().min(1).max(64).optional(),
  warmup: z.number().int().min(0).max(100_000).optional(),
  draws: z.number().int().min(1).max(100_000).optional(),
});
export type SamplerSettingsInput = z.output<typeof samplerSettingsSchema>;

const stagePriorParams = (kind: string): string[] => findTransform(kind)?.params.map((p) => p.name) ?? [];

export const modelConfigSchema = z
  .object({
    date: z.string().min(1),
    kpi: z.string().min(1),
    channels: z.array(channelConfigSchema).min(1),
    controls: z.array(z.string().min(1)).default([]),
    events: z.array(z.string().min(1)).default([]),
    synergies: z
      .array(z.object({ a: z.string().min(1), b: z.string().min(1), prior: priorSchema.optional() }))
      .default([]),
    likelihood: z.enum(["normal", "studentT"]).default("normal"),
    /** Student-t degrees of freedom (fixed). */
    nu: z.number().positive().default(5),
    holdoutWeeks: z.number().int().min(0).default(13),
    fourierPairs: z.number().int().min(0).max(26).default(2),
    adstockLags: z.number().int().min(1).max(104).default(8),
    priors: baselinePriorsSchema.default({}),
    liftTests: z.array(liftTestSchema).default([]),
    roiPriors: z.array(roiPriorSchema).default([]),
    /**
     * Priors by parameter label (`beta[Search]`, `alpha[TV]`, `b0`, ...), over every other prior
     * source; labels the model does not have are ignored. Set by refits with priors from the
     * approved run's posterior (analysis/posterior-priors.ts), not typed by hand.
     */
    parameterPriors: z.record(z.string(), priorSchema).optional(),
    /** Seed of scheduled refits (a manual run picks its own); unset: derived from the week. */
    seed: z.number().int().min(0).max(2_147_483_647).optional(),
    /** NUTS size of full fits; each unset field falls back to the worker's FIT_CHAINS/WARMUP/DRAWS. */
    sampler: samplerSettingsSchema.optional(),
  })
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.channels.forEach((ch, i) => {
      if (names.has(ch.column))
        ctx.addIssue({
          code: "custom",
          path: ["channels", i, "column"],
          message: `duplicate channel "${ch.column}"`,
        });
      names.add(ch.column);
      for (const stage of ["adstock", "saturation"] as const satisfies Stage[]) {
        const o = ch[stage];
        if (o === undefined) continue;
        const t = findTransform(o.kind);
        if (t === undefined || t.stage !== stage) {
          ctx.addIssue({
            code: "custom",
            path: ["channels", i, stage, "kind"],
            message: `unknown ${stage} kind "${o.kind}" (one of ${transformKinds(stage).join(", ")})`,
          });
          continue;
        }
        for (const [name, prior] of Object.entries(o.priors ?? {})) {
          const param = t.params.find((p) => p.name === name);
          if (param === undefined) {
            ctx.addIssue({
              code: "custom",
              path: ["channels", i, stage, "priors", name],
              message: `"${o.kind}" has no parameter "${name}" (has ${stagePriorParams(o.kind).join(", ")})`,
            });
          } else checkSupport(ctx, ["channels", i, stage, "priors", name], prior, param.constraint);
        }
      }
      if (ch.beta !== undefined) checkSupport(ctx, ["channels", i, "beta"], ch.beta, "positive");
      const stageParams = new Map<string, string>();
      for (const st of resolvePipeline(ch)) {
        for (const p of findTransform(st.kind)?.params ?? []) stageParams.set(p.name, p.constraint);
      }
      for (const [name, prior] of Object.entries(ch.priors ?? {})) {
        const constraint = name === "beta" ? "positive" : stageParams.get(name);
        if (constraint === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["channels", i, "priors", name],
            message: `channel "${ch.column}" has no parameter "${name}" (has beta, ${[...stageParams.keys()].join(", ")})`,
          });
        } else checkSupport(ctx, ["channels", i, "priors", name], prior, constraint);
      }
    });
    cfg.synergies.forEach((s, i) => {
      if (!names.has(s.a))
        ctx.addIssue({ code: "custom", path: ["synergies", i, "a"], message: `unknown channel "${s.a}"` });
      if (!names.has(s.b))
        ctx.addIssue({ code: "custom", path: ["synergies", i, "b"], message: `unknown channel "${s.b}"` });
      if (s.a === s.b)
        ctx.addIssue({
          code: "custom",
          path: ["synergies", i, "b"],
          message: "a synergy pair needs two different channels",
        });
      if (s.prior !== undefined) checkSupport(ctx, ["synergies", i, "prior"], s.prior, "real");
      const dup = cfg.synergies.findIndex(
        (o) => (o.a === s.a && o.b === s.b) || (o.a === s.b && o.b === s.a),
      );
      if (dup < i)
        ctx.addIssue({
          code: "custom",
          path: ["synergies", i],
          message: `duplicate synergy pair ${s.a}:${s.b}`,
        });
    });
    const real: (keyof typeof cfg.priors)[] = ["b0", "trend", "season", "controls", "events"];
    for (const key of real) {
      const p = cfg.priors[key];
      if (p !== undefined) checkSupport(ctx, ["priors", key], p, "real");
    }
    if (cfg.priors.sigma !== undefined) checkSupport(ctx, ["priors", "sigma"], cfg.priors.sigma, "positive");
    const dupCols = (list: string[], field: string) =>
      list.forEach((c, i) => {
        if (names.has(c))
          ctx.addIssue({ code: "custom", path: [field, i], message: `"${c}" is also a channel` });
      });
    dupCols(cfg.controls, "controls");
    dupCols(cfg.events, "events");
    cfg.liftTests.forEach((l, i) => {
      if (!names.has(l.channel))
        ctx.addIssue({
          code: "custom",
          path: ["liftTests", i, "channel"],
          message: `unknown channel "${l.channel}"`,
        });
    });
    cfg.roiPriors.forEach((r, i) => {
      if (!names.has(r.channel))
        ctx.addIssue({
          code: "custom",
          path: ["roiPriors", i, "channel"],
          message: `unknown channel "${r.channel}"`,
        });
      checkSupport(ctx, ["roiPriors", i, "prior"], r.prior, "positive");
    });
  });

/** Resolved stages of a channel, in pipeline order: type defaults, then the overrides. */
export function resolvePipeline(
  ch: ChannelConfig,
): { stage: Stage; kind: string; priors: Record<string, Prior> }[] {
  const d = defaultPipeline(ch.type);
  const out: { stage: Stage; kind: string; priors: Record<string, Prior> }[] = [];
  out.push({ stage: "adstock", kind: ch.adstock?.kind ?? d.adstock, priors: ch.adstock?.priors ?? {} });
  for (const stage of ["viralEcho", "network", "authenticity", "consistency"] as const) {
    if (ch[stage] ?? d[stage]) out.push({ stage, kind: stage, priors: {} });
  }
  out.push({
    stage: "saturation",
    kind: ch.saturation?.kind ?? d.saturation,
    priors: ch.saturation?.priors ?? {},
  });
  return out;
}

/** Checks that a prior's support matches the parameter's constraint. */
export function checkSupport(
  ctx: z.RefinementCtx,
  path: (string | number)[],
  prior: Prior,
  constraint: string,
): void {
  const support = priorSupport(prior);
  if (support !== constraint) {
    ctx.addIssue({
      code: "custom",
      path,
      message: `a ${prior.dist} prior (support ${support}) does not fit a ${constraint} parameter`,
    });
  }
}

/** Parsed config (all defaults filled in). */
export type ModelConfig = z.output<typeof modelConfigSchema>;
/** What callers may write (defaults optional). */
export type ModelConfigInput = z.input<typeof modelConfigSchema>;

export class ModelConfigError extends Error {
  readonly issues: { path: string; message: string }[];
  constructor(issues: { path: string; message: string }[]) {
    super(`invalid model config: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
    this.name = "ModelConfigError";
    this.issues = issues;
  }
}

/** Formats a zod path as `channels[2].adstock.kind`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s === "" ? String(p) : `.${String(p)}`;
  return s === "" ? "(root)" : s;
}

/** Configs this function returned: parsing one of them again returns it as is, so a config parsed
 *  once per job or request is not re-validated by every function it is passed on to. */
const parsedConfigs = new WeakSet<object>();

/** Parses and validates; throws ModelConfigError whose issues name each field path. */
export function parseModelConfig(input: unknown): ModelConfig {
  if (typeof input === "object" && input !== null && parsedConfigs.has(input)) return input as ModelConfig;
  const r = modelConfigSchema.safeParse(input);
  if (!r.success)
    throw new ModelConfigError(r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  parsedConfigs.add(r.data);
  return r.data;
}
