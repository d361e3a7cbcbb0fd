/**
 * Binary form of posterior draws: a small header then Float32 little-endian values. Compression
 * (deflate) is left to the caller that stores the bytes, so core stays free of node-only modules.
 *
 * Layout (all integers uint32 little-endian):
 *   0  magic "MXD1"
 *   4  format version (1)
 *   8  chains
 *  12  draws per chain
 *  16  dim (number of names)
 *  20  byte length N of the names (UTF-8 JSON array of strings)
 *  24  names, zero-padded to a multiple of 4
 *  ..  chains * perChain * dim float32 values, chain-major then draw then parameter
 */
export interface Draws {
  /** Parameter labels, one per column. */
  names: string[];
  chains: number;
  perChain: number;
  /** values[(chain * perChain + draw) * names.length + j] */
  values: Float64Array;
}

const MAGIC = 0x3144584d; // "MXD1" read as little-endian uint32
const VERSION = 1;
const HEADER = 24;

export function encodeDraws(draws: Draws): Uint8Array {
  const dim = draws.names.length;
  const count = draws.chains * draws.perChain * dim;
  if (draws.values.length !== count) {
    throw new Error(
      `draws.values has ${draws.values.length} values, expected chains*perChain*dim = ${count}`,
    );
  }
  const names = new TextEncoder().encode(JSON.stringify(draws.names));
  const namesPadded = Math.ceil(names.length / 4) * 4;
  const bytes = new Uint8Array(HEADER + namesPadded + count * 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, draws.chains, true);
  view.setUint32(12, draws.perChain, true);
  view.setUint32(16, dim, true);
  view.setUint32(20, names.length, true);
  bytes.set(names, HEADER);
  let off = HEADER + namesPadded;
  for (let i = 0; i < count; i += 1, off += 4) view.setFloat32(off, draws.values[i]!, true);
  return bytes;
}

export function decodeDraws(bytes: Uint8Array): Draws {
  if (bytes.byteLength < HEADER) throw new Error("draws: truncated header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error("draws: not a Mixcast draws file (bad magic)");
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new Error(`draws: unsupported format version ${version}`);
  const chains = view.getUint32(8, true);
  const perChain = view.getUint32(12, true);
  const dim = view.getUint32(16, true);
  const nameBytes = view.getUint32(20, true);
  const namesPadded = Math.ceil(nameBytes / 4) * 4;
  const count = chains * perChain * dim;
  if (bytes.byteLength !== HEADER + namesPadded + count * 4) {
    throw new Error(`draws: expected ${HEADER + namesPadded + count * 4} bytes, got ${bytes.byteLength}`);
  }
  const names = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER, HEADER + nameBytes))) as unknown;
  if (!Array.isArray(names) || names.length !== dim || !names.every((n) => typeof n === "string")) {
    throw new Error("draws: names do not match the dimension");
  }
  const values = new Float64Array(count);
  let off = HEADER + namesPadded;
  for (let i = 0; i < count; i += 1, off += 4) values[i] = view.getFloat32(off, true);
  return { names: names, chains, perChain, values };
}

/** Draws of column j, one Float64Array per chain (the shape diagnostics take). */
export function drawColumn(draws: Draws, j: number): Float64Array[] {
  const dim = draws.names.length;
  return Array.from({ length: draws.chains }, (_, c) => {
    const out = new Float64Array(draws.perChain);
    for (let i = 0; i < draws.perChain; i += 1) out[i] = draws.values[(c * draws.perChain + i) * dim + j]!;
    return out;
  });
}
