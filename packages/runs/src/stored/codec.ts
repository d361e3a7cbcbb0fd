// A typed codec for one JSON column: `encode` validates a value and makes it JSON-safe (NaN and
// Infinity become null, typed arrays plain arrays) for Prisma; `decode` validates what was read and
// types it. A value that does not fit throws StoredShapeError naming the column and field.
import type { Prisma } from "@mixcast/db";
import type { z } from "zod";

export class StoredShapeError extends Error {
  override name = "StoredShapeError";
  constructor(
    readonly column: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(
      `stored ${column} does not have the expected shape: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    );
  }
}

/** Plain JSON: NaN/Infinity -> null, typed arrays -> arrays, undefined object fields dropped. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (ArrayBuffer.isView(value))
    return Array.from(value as unknown as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : null));
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : jsonSafe(v)));
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}

const pathOf = (path: readonly PropertyKey[]) =>
  path.length === 0
    ? "(root)"
    : path
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
        .join("")
        .replace(/^\./, "");

export interface JsonCodec<T> {
  /** e.g. "Run.summary": named in errors. */
  readonly column: string;
  readonly schema: z.ZodType<T>;
  decode(json: unknown): T;
  /** null for a NULL column, else decode. */
  decodeNullable(json: unknown): T | null;
  /** decode, or null when the value does not fit (for reads that must not fail on old rows). */
  tryDecode(json: unknown): T | null;
  encode(value: T): Prisma.InputJsonValue;
}

export function jsonCodec<T>(column: string, schema: z.ZodType<T>): JsonCodec<T> {
  const decode = (json: unknown): T => {
    const r = schema.safeParse(json);
    if (!r.success)
      throw new StoredShapeError(
        column,
        r.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })),
      );
    return r.data;
  };
  return {
    column,
    schema,
    decode,
    decodeNullable: (json) => (json === null || json === undefined ? null : decode(json)),
    tryDecode: (json) => {
      if (json === null || json === undefined) return null;
      const r = schema.safeParse(json);
      return r.success ? r.data : null;
    },
    encode: (value) => {
      const safe = jsonSafe(value);
      decode(safe);
      return safe as Prisma.InputJsonValue;
    },
  };
}
