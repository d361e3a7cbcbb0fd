// The stored form of posterior draws (RunArtifact kind "draws"): core's binary format (encodeDraws,
// header "MXD1", Float32 little-endian) deflated with node:zlib. The worker writes it, the web
// reads it; nothing else needs to know the encoding.
import { inflateSync, deflateSync } from "node:zlib";
import { decodeDraws, encodeDraws, type Draws } from "@mixcast/core";

export const DRAWS_ENCODING = "mixcast-draws-f32+deflate";

export interface StoredDraws {
  bytes: Uint8Array<ArrayBuffer>;
  encoding: typeof DRAWS_ENCODING;
  sizeBytes: number;
}

export function encodeStoredDraws(draws: Draws): StoredDraws {
  const out = deflateSync(encodeDraws(draws), { level: 6 });
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  return { bytes, encoding: DRAWS_ENCODING, sizeBytes: bytes.byteLength };
}

/** Draws from stored bytes: deflated (this encoding) or raw core binary (no or another encoding). */
export function decodeStoredDraws(bytes: Uint8Array, encoding: string | null): Draws {
  const raw =
    encoding === DRAWS_ENCODING || encoding?.includes("deflate") ? new Uint8Array(inflateSync(bytes)) : bytes;
  return decodeDraws(raw);
}
