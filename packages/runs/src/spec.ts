// RunArtifact kind "spec": the ModelSpec a run was fitted on (scaled data, priors, parameter
// layout), stored by the worker with the outcome. The web rebuilds a run's model from it, so no
// view that needs a posterior parses the dataset's CSV or the config again.
//
// v2 runs store core's ModelSpecV2 (version 2) the same way.
//
// JSON has no typed arrays and no NaN: a Float64Array is stored as { "$f64": base64 of its
// little-endian bytes } (an Int32Array as { "$i32": ... }) and a non-finite number as { "$num": "NaN" | "Infinity" | "-Infinity" },
// so the spec reads back bit for bit.
import type { ModelSpec, ModelSpecV2 } from "@mixcast/core";
import type { Prisma } from "@mixcast/db";
import { StoredShapeError } from "./stored/codec.ts";

export const SPEC_ENCODING = "json+f64-base64";

function pack(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : { $num: String(value) };
  if (value instanceof Float64Array)
    return { $f64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (value instanceof Int32Array)
    return { $i32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (ArrayBuffer.isView(value))
    throw new Error(`model spec: unsupported typed array ${value.constructor.name}`);
  if (Array.isArray(value)) return value.map(pack);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = pack(v);
    return out;
  }
  return value;
}

function unpack(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unpack);
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.$f64 === "string") {
      const bytes = Buffer.from(o.$f64, "base64");
      const out = new Float64Array(bytes.byteLength / 8);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    }
    if (typeof o.$i32 === "string") {
      const bytes = Buffer.from(o.$i32, "base64");
      const out = new Int32Array(bytes.byteLength / 4);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    }
    if (typeof o.$num === "string") return Number(o.$num);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = unpack(v);
    return out;
  }
  return value;
}

export function encodeModelSpec(spec: ModelSpec | ModelSpecV2): Prisma.InputJsonValue {
  return pack(spec) as Prisma.InputJsonValue;
}

export function decodeModelSpec(json: unknown): ModelSpec {
  const spec = unpack(json) as Partial<ModelSpec> | null;
  if (
    spec === null ||
    typeof spec !== "object" ||
    spec.version !== 1 ||
    !(spec.y instanceof Float64Array) ||
    !Array.isArray(spec.channels) ||
    !Array.isArray(spec.parameters)
  )
    throw new StoredShapeError("RunArtifact(spec).analysis", [
      { path: "(root)", message: "not a version 1 model spec with y, channels and parameters" },
    ]);
  return spec as ModelSpec;
}

/** A v2 run's spec (core's ModelSpecV2: scaled data per geo, knots, parameter layout). */
export function decodeModelSpecV2(json: unknown): ModelSpecV2 {
  const spec = unpack(json) as Partial<ModelSpecV2> | null;
  if (
    spec === null ||
    typeof spec !== "object" ||
    spec.version !== 2 ||
    spec.data === undefined ||
    !Array.isArray(spec.channels) ||
    !Array.isArray(spec.parameters)
  )
    throw new StoredShapeError("RunArtifact(spec).analysis", [
      { path: "(root)", message: "not a version 2 model spec with data, channels and parameters" },
    ]);
  return spec as ModelSpecV2;
}

/** The version a stored spec was written with (1 or 2), without decoding it. */
export function storedSpecVersion(json: unknown): 1 | 2 | null {
  const v = (json as { version?: unknown } | null)?.version;
  return v === 1 || v === 2 ? v : null;
}
