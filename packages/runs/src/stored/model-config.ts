// ModelConfigVersion.config: core's model config (schema in packages/core/src/model/config.ts,
// including `seed` and `sampler`). Decode it once per request or job and pass the value on: core
// recognizes a config it parsed and does not validate it again.
import {
  formatPath,
  ModelConfigError,
  modelConfigSchema,
  modelConfigV2Schema,
  parseModelConfig,
  parseModelConfigV2,
  usesV2Features,
  type ModelConfig,
  type ModelConfigV2,
  type ModelConfigV2Input,
} from "@mixcast/core";
import type { Prisma } from "@mixcast/db";
import { jsonSafe, StoredShapeError } from "./codec.ts";

/**
 * v1's schema strips keys it does not know, so a v2 config read as v1 would silently lose its geo,
 * roles and link; v1 readers refuse it instead (decodeStoredModelConfig reads both).
 */
function refuseV2(json: unknown): void {
  if (json === null || typeof json !== "object") return;
  const raw = json as Record<string, unknown>;
  const channels = Array.isArray(raw.channels) ? (raw.channels as Record<string, unknown>[]) : [];
  const withDefaults = {
    ...raw,
    kpiType: raw.kpiType ?? "revenue",
    link: raw.link ?? "identity",
    timeVaryingMedia: raw.timeVaryingMedia ?? false,
    sigmaPerGeo: raw.sigmaPerGeo ?? false,
    channels: channels.map((ch) => ({ ...ch, role: ch?.role ?? "paid" })),
  } as unknown as Parameters<typeof usesV2Features>[0];
  if (usesV2Features(withDefaults))
    throw new ModelConfigError([
      {
        path: "(root)",
        message:
          "this config uses v2 features (geo, exposure, reach & frequency, organic, units KPI, holidays, link, knots or time-varying media); this view reads v1 configs only",
      },
    ]);
}

export const modelConfigCodec = {
  column: "ModelConfigVersion.config",
  /** Validates and fills defaults; throws core's ModelConfigError naming each bad field (or a v2 config). */
  decode: (json: unknown): ModelConfig => {
    refuseV2(json);
    return parseModelConfig(json);
  },
  /** decode, or null when the stored config is no longer valid (or is a v2 config). */
  tryDecode(json: unknown): ModelConfig | null {
    try {
      refuseV2(json);
      return parseModelConfig(json);
    } catch {
      return null;
    }
  },
  encode(config: ModelConfig): Prisma.InputJsonValue {
    const r = modelConfigSchema.safeParse(config);
    if (!r.success)
      throw new StoredShapeError(
        "ModelConfigVersion.config",
        r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      );
    return jsonSafe(r.data) as Prisma.InputJsonValue;
  },
};

/**
 * The same column holding a v2 config (shared/docs/model-v2.md section 7: geo, exposure, R&F,
 * organic, units KPI, holidays, link, knots, time-varying media). A v1 config is a valid v2 config.
 */
export const modelConfigV2Codec = {
  column: "ModelConfigVersion.config",
  /** Validates and fills defaults; throws core's ModelConfigError naming each bad field. */
  decode: (json: unknown): ModelConfigV2 => parseModelConfigV2(json),
  tryDecode(json: unknown): ModelConfigV2 | null {
    try {
      return parseModelConfigV2(json);
    } catch {
      return null;
    }
  },
  encode(config: ModelConfigV2 | ModelConfigV2Input): Prisma.InputJsonValue {
    const r = modelConfigV2Schema.safeParse(config);
    if (!r.success)
      throw new StoredShapeError(
        "ModelConfigVersion.config",
        r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      );
    return jsonSafe(r.data) as Prisma.InputJsonValue;
  },
};

/** A stored config, routed as the engine routes it (usesV2Features): v1 configs keep v1's parse. */
export type StoredModelConfig = { version: 1; config: ModelConfig } | { version: 2; config: ModelConfigV2 };

/** Decodes a stored config of either version; throws ModelConfigError naming each bad field. */
export function decodeStoredModelConfig(json: unknown): StoredModelConfig {
  const v2 = parseModelConfigV2(json);
  if (usesV2Features(v2)) return { version: 2, config: v2 };
  return { version: 1, config: parseModelConfig(json) };
}
