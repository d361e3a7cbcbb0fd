/** JSON form of a FitResult: everything except the draws, non-finite numbers as null. */
import type { FitResult } from "./result.ts";

export type SerializedFitResult = Omit<FitResult, "draws">;

/** JSON-ready copy: typed arrays as arrays, non-finite numbers as null, undefined keys dropped. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (ArrayBuffer.isView(value))
    return Array.from(value as unknown as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : null));
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}

/** Plain JSON-ready object (no draws; NaN and Infinity become null). */
export function serializeFitResult(result: FitResult): SerializedFitResult {
  const { draws: _draws, ...rest } = result;
  return jsonSafe(rest) as SerializedFitResult;
}
