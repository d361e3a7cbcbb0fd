// Draws are stored as core's Float32 binary (encodeDraws), deflated with node:zlib.
import { deflateSync, inflateSync } from "node:zlib";

export const DRAWS_ENCODING = "mixcast-draws-f32+deflate";

export function compressDraws(encoded: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = deflateSync(encoded, { level: 6 });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export function decompressDraws(stored: Uint8Array): Uint8Array {
  return new Uint8Array(inflateSync(stored));
}
