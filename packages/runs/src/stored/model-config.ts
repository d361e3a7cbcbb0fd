// ModelConfigVersion.config: core's model config (schema in packages/core/src/model/config.ts,
// including `seed` and `sampler`). Decode it once per request or job and pass the value on: core
// recognizes a config it parsed and does not validate it again.
import { formatPath, modelConfigSchema, parseModelConfig, type ModelConfig } from "@mixcast/core";
import type { Prisma } from "@mixcast/db";
import { jsonSafe, StoredShapeError } from "./codec.ts";

export const modelConfigCodec = {
  column: "ModelConfigVersion.config",
  /** Validates and fills defaults; throws core's ModelConfigError naming each bad field. */
  decode: (json: unknown): ModelConfig => parseModelConfig(json),
  /** decode, or null when the stored config is no longer valid. */
  tryDecode(json: unknown): ModelConfig | null {
    try {
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
