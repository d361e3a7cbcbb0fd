/**
 * Model config v2 (shared/docs/model-v2.md section 7): v1's config plus geo, population, channel
 * roles (exposure, reach & frequency, organic), units KPI with a value, holidays, link, knots
 * baseline, time-varying media and sigma per geo. A v1 config is a valid v2 config and parses to
 * the same values plus the v2 defaults; `usesV2Features` tells whether a config needs the v2
 * model at all (a config that does not is fitted by the v1 model, draw for draw as before).
 */
import { z } from "zod";
import { channelRoles, kpiTypes, links } from "../data/types.ts";
import {
  channelConfigSchema,
  formatPath,
  ModelConfigError,
  modelConfigSchema,
  priorSchema,
  type ModelConfig,
} from "./config.ts";

export const channelConfigV2Schema = channelConfigSchema.extend({
  /** Spend column (money). Required for paid and R&F channels, absent for organic ones. */
  column: z.string().min(1).optional(),
  /** Result key; default `column` (paid) or `exposure` (organic). */
  name: z.string().min(1).optional(),
  /** Impressions / clicks / GRPs / views column: drives the effect; spend stays for ROI. */
  exposure: z.string().min(1).optional(),
  /** Reach and frequency columns (both or neither): a reach & frequency channel. */
  reach: z.string().min(1).optional(),
  frequency: z.string().min(1).optional(),
  /** "organic": exposure only, no spend, no ROI. Default "paid". */
  role: z.enum(channelRoles).default("paid"),
});
export type ChannelConfigV2 = z.output<typeof channelConfigV2Schema>;

const v1Shape = modelConfigSchema.shape;

export const modelConfigV2Schema = z
  .object({
    ...v1Shape,
    channels: z.array(channelConfigV2Schema).min(1),
    /** "units": conversions, sign-ups...; ROI needs a value per unit, CPIK is always reported. */
    kpiType: z.enum(kpiTypes).default("revenue"),
    /** Units KPI: value per unit from a column (per week and geo) or a constant. */
    valueColumn: z.string().min(1).optional(),
    valuePerUnit: z.number().positive().optional(),
    /** Long format: one row per (week, geo); population per geo (optional). */
    geo: z.string().min(1).optional(),
    population: z.string().min(1).optional(),
    /** Weekly count of public holidays (ISO 3166 country, optional region) as a control. */
    holidays: z.object({ country: z.string().min(2), region: z.string().min(1).optional() }).optional(),
    link: z.enum(links).default("identity"),
    /** Default "knots" when `geo` is set, else "trend" (v1's b0 + b_trend tau). */
    baseline: z.enum(["trend", "knots"]).optional(),
    /** Knot count of the knots baseline / media random walk; default ceil(T / 13). */
    knots: z.number().int().min(1).max(520).optional(),
    timeVaryingMedia: z.boolean().default(false),
    sigmaPerGeo: z.boolean().default(false),
    /** Priors of the v2 blocks (defaults: model-v2 section 3). */
    priorsV2: z
      .object({
        /** Random-walk innovation scale of the knots baseline, default HalfNormal(0.1). */
        knotScale: priorSchema.optional(),
        /** Random-walk innovation scale of the media effectiveness, default HalfNormal(0.1). */
        mediaScale: priorSchema.optional(),
        /** Geo spread of each channel's coefficient, default HalfNormal(0.3). */
        geoSpread: priorSchema.optional(),
        /** Scale of the geo offsets, default HalfNormal(0.5). */
        geoOffsetScale: priorSchema.optional(),
        /** R&F frequency half-saturation and shape, default Gamma(3, 1) and Gamma(3, 2). */
        Kf: priorSchema.optional(),
        Sf: priorSchema.optional(),
      })
      .default({}),
  })
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.channels.forEach((ch, i) => {
      const path = (f: string) => ["channels", i, f];
      const rf = ch.reach !== undefined || ch.frequency !== undefined;
      if (ch.role === "organic") {
        if (ch.column !== undefined)
          ctx.addIssue({
            code: "custom",
            path: path("column"),
            message: "an organic channel has no spend column",
          });
        if (ch.exposure === undefined)
          ctx.addIssue({
            code: "custom",
            path: path("exposure"),
            message: "an organic channel needs an exposure column",
          });
        if (rf)
          ctx.addIssue({
            code: "custom",
            path: path("reach"),
            message: "an organic channel cannot be reach & frequency",
          });
      } else if (ch.column === undefined)
        ctx.addIssue({
          code: "custom",
          path: path("column"),
          message: "a paid channel needs its spend column",
        });
      if (rf && (ch.reach === undefined || ch.frequency === undefined))
        ctx.addIssue({
          code: "custom",
          path: path(ch.reach === undefined ? "reach" : "frequency"),
          message: "reach and frequency come together",
        });
      if (rf && ch.exposure !== undefined)
        ctx.addIssue({
          code: "custom",
          path: path("exposure"),
          message: "a reach & frequency channel has no separate exposure column",
        });
      const name = channelNameOf(ch);
      if (names.has(name))
        ctx.addIssue({ code: "custom", path: path("name"), message: `duplicate channel "${name}"` });
      names.add(name);
    });
    if (cfg.valueColumn !== undefined && cfg.valuePerUnit !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["valuePerUnit"],
        message: "give valueColumn or valuePerUnit, not both",
      });
    if (cfg.kpiType === "revenue" && (cfg.valueColumn !== undefined || cfg.valuePerUnit !== undefined))
      ctx.addIssue({
        code: "custom",
        path: [cfg.valueColumn !== undefined ? "valueColumn" : "valuePerUnit"],
        message: 'a value per unit needs kpiType "units" (revenue is its own value)',
      });
    if (usesV2Features(cfg)) {
      if (cfg.roiPriors.length > 0)
        ctx.addIssue({
          code: "custom",
          path: ["roiPriors"],
          message:
            "ROI priors are not supported on v2 models yet (geo, roles, link, knots or time-varying media)",
        });
    }
    // v1's checks (transform kinds, prior supports, synergy pairs, controls vs channels) on the
    // channels keyed by name.
    const asV1 = { ...cfg, channels: cfg.channels.map((ch) => ({ ...ch, column: channelNameOf(ch) })) };
    const r = modelConfigSchema.safeParse(asV1);
    if (!r.success)
      for (const issue of r.error.issues)
        if (!issue.message.startsWith("duplicate channel"))
          ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  });

export type ModelConfigV2 = z.output<typeof modelConfigV2Schema>;
export type ModelConfigV2Input = z.input<typeof modelConfigV2Schema>;

/** The name a channel's results are keyed by. */
export function channelNameOf(ch: {
  name?: string;
  column?: string;
  exposure?: string;
  role?: string;
}): string {
  return ch.name ?? (ch.role === "organic" ? ch.exposure : ch.column) ?? ch.exposure ?? "";
}

/** The channel's role in the model: R&F when it has reach and frequency columns. */
export function channelRoleOf(ch: ChannelConfigV2): "paid" | "rf" | "organic" {
  if (ch.role === "organic") return "organic";
  return ch.reach !== undefined ? "rf" : "paid";
}

/** Knots when the config asks, or by default for geo data. */
export function baselineOf(cfg: ModelConfigV2): "trend" | "knots" {
  return cfg.baseline ?? (cfg.geo !== undefined ? "knots" : "trend");
}

type V2Fields = Pick<
  ModelConfigV2,
  | "channels"
  | "kpiType"
  | "valueColumn"
  | "valuePerUnit"
  | "geo"
  | "population"
  | "holidays"
  | "link"
  | "baseline"
  | "timeVaryingMedia"
  | "sigmaPerGeo"
>;

/** True when the config needs the v2 model (any v2 field set away from its v1 meaning). */
export function usesV2Features(cfg: V2Fields): boolean {
  return (
    cfg.geo !== undefined ||
    cfg.population !== undefined ||
    cfg.kpiType !== "revenue" ||
    cfg.valueColumn !== undefined ||
    cfg.valuePerUnit !== undefined ||
    cfg.holidays !== undefined ||
    cfg.link !== "identity" ||
    (cfg.baseline !== undefined && cfg.baseline !== "trend") ||
    cfg.timeVaryingMedia ||
    cfg.sigmaPerGeo ||
    cfg.channels.some(
      (ch) =>
        ch.role !== "paid" ||
        ch.exposure !== undefined ||
        ch.reach !== undefined ||
        ch.frequency !== undefined ||
        (ch.name !== undefined && ch.name !== ch.column),
    )
  );
}

/** Parses and validates a v1 or v2 config; throws ModelConfigError naming each field path. */
export function parseModelConfigV2(input: unknown): ModelConfigV2 {
  const r = modelConfigV2Schema.safeParse(input);
  if (!r.success)
    throw new ModelConfigError(r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  return r.data;
}

/** A v2 config that uses no v2 feature, as the v1 config it is (for the v1 model). */
export function toV1Config(cfg: ModelConfigV2): ModelConfig {
  if (usesV2Features(cfg)) throw new Error("this config uses v2 features; it has no v1 form");
  const {
    kpiType: _k,
    valueColumn: _vc,
    valuePerUnit: _vp,
    geo: _g,
    population: _p,
    holidays: _h,
    link: _l,
    baseline: _b,
    knots: _kn,
    timeVaryingMedia: _t,
    sigmaPerGeo: _s,
    priorsV2: _pv,
    ...rest
  } = cfg;
  return modelConfigSchema.parse({
    ...rest,
    channels: cfg.channels.map(
      ({ name: _n, exposure: _e, reach: _r, frequency: _f, role: _ro, ...ch }) => ch,
    ),
  });
}
