/**
 * Table-driven exp and log for the Hill saturation's inner loop (docs/model.md section 6).
 *
 * V8's Math.exp / Math.log call fdlibm's C code (ieee754::exp/log) out of line; these are plain
 * arithmetic that TurboFan inlines into the loop. Both are faithfully rounded in practice (max
 * relative error against Math.exp / Math.log about 1.5e-16 on tens of millions of inputs,
 * fast-math.test.ts) but not bit-identical to them. Arguments outside the fast path (exp: |x| >
 * 708, NaN; log: x <= 0, subnormal, Infinity, NaN) go to Math.exp / Math.log.
 *
 * exp(x) = 2^(k / 128) exp(r), |r| <= ln2 / 256: 2^(j/128) from a hi + lo table (exact to about
 * 2^-106, built with BigInt at load), exp(r) - 1 by a degree-5 Taylor polynomial (truncation
 * below 1e-18), 2^floor(k / 128) from a table of powers of two (exact scaling).
 *
 * log(x) = e ln2 + log(c) + log1p((z - c) / c) with x = 2^e z, z in [sqrt(2)/2, sqrt(2)): e and
 * the 7 leading mantissa bits of z (the table index) from the high word of x (one typed-array
 * store and load); z = x 2^-e by an exact multiplication; c is a short (20-bit) point of z's
 * 1/128-wide bin, so z - c is exact (Sterbenz); the bin holding 1 and its neighbours have c = 1
 * exactly (no cancellation near x = 1); log(c) hi + lo; log1p(r) by a degree-11 Taylor
 * polynomial (|r| < 0.023: truncation below 1e-19 relative).
 */

const TABLE_BITS = 7;
const N = 1 << TABLE_BITS; // 128
/** 1.5 * 2^52: adding it rounds a double of magnitude < 2^51 to an integer (round to nearest). */
const SHIFT = 6755399441055744;
const INV_LN2_N = N / Math.LN2;
// ln2 / N split: HI has 36 significant bits, so k * HI is exact for |k| < 2^17.
const LN2_N_HI = Math.round((Math.LN2 / N) * 2 ** 43) / 2 ** 43;
// ln2 - Math.LN2 = 2.3190468138462996e-17
const LN2_N_LO = Math.LN2 / N - LN2_N_HI + 2.3190468138462996e-17 / N;
// Powers of two 2^(e - P2_BIAS), e in [0, 2 P2_BIAS]: exact scaling without bit manipulation.
const P2_BIAS = 1100;
const POW2 = new Float64Array(2 * P2_BIAS + 1);
const EXP_HI = new Float64Array(N);
const EXP_LO = new Float64Array(N);

/** Table values are computed in PREC-bit fixed point (BigInt) and split into hi + lo doubles. */
const PREC = 128n;
const ONE = 1n << PREC;

function toNumber(fixed: bigint): { hi: number; lo: number } {
  // fixed / 2^PREC -> hi (rounded to nearest) + lo (the rest, rounded)
  const scale = 2 ** 100;
  const hi = Number(fixed >> (PREC - 100n)) / scale; // hi: the 100-bit value rounded to nearest
  const hiFixed = BigInt(hi * 2 ** 100) << (PREC - 100n); // hi's bits all lie above 2^-100 here
  const lo = Number(fixed - hiFixed) / 2 ** Number(PREC);
  return { hi, lo };
}

/** 2^(j/N) in PREC-bit fixed point: exp(j ln2 / N) by its Taylor series. */
function pow2Fixed(j: number, ln2: bigint): bigint {
  const x = (ln2 * BigInt(j)) / BigInt(N);
  let term = ONE;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 1n) {
    sum += term;
    term = (term * x) / ONE / k;
  }
  return sum;
}

/** log(c) in PREC-bit fixed point for 1/2 < c < 2: 2 atanh((c - 1) / (c + 1)) series. */
function logFixed(c: number): bigint {
  // c = m / 2^52 exactly
  const m = BigInt(Math.round(c * 2 ** 52));
  const num = m - (1n << 52n);
  const den = m + (1n << 52n);
  const s = (num * ONE) / den; // |s| < 1/3
  const s2 = (s * s) / ONE;
  let term = s;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * s2) / ONE;
  }
  return 2n * sum;
}

for (let e = 0; e <= 2 * P2_BIAS; e++) POW2[e] = 2 ** (e - P2_BIAS);
const LN2_FIXED = logFixed(2);
for (let j = 0; j < N; j++) {
  const { hi, lo } = toNumber(pow2Fixed(j, LN2_FIXED));
  EXP_HI[j] = hi;
  EXP_LO[j] = lo;
}

/** exp(x), faithfully rounded; Math.exp outside |x| <= 708. */
export function fastExp(x: number): number {
  if (!(x <= 708 && x >= -708)) return Math.exp(x);
  const kd = x * INV_LN2_N + SHIFT;
  const k = kd - SHIFT;
  const ki = k | 0;
  const r = x - k * LN2_N_HI - k * LN2_N_LO;
  const q = r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120))));
  const j = ki & (N - 1);
  const t = EXP_HI[j]!;
  return POW2[(ki >> TABLE_BITS) + P2_BIAS]! * (t + (EXP_LO[j]! + t * q));
}

const LOG_BITS = 7;
const LN = 1 << LOG_BITS;
/** High word of sqrt(2)/2: z is normalized into [OFF, 2 OFF) by the exponent. */
const OFF = 0x3fe6a09e;
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);
// Which Int32 of the Float64 holds the high word (little-endian: index 1).
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOG_C = new Float64Array(LN);
const LOG_C_HI = new Float64Array(LN);
const LOG_C_LO = new Float64Array(LN);
const INV_C = new Float64Array(LN);
const NEAR_1 = new Uint8Array(LN);
// ln2 hi (with trailing zeros: e * LN2_HI is exact for |e| < 2^11) + lo
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;

for (let i = 0; i < LN; i++) {
  // the bin i holds the z whose high word lies in [OFF + i 2^13, OFF + (i + 1) 2^13)
  I32[HI] = OFF + (i << (20 - LOG_BITS)) + (1 << (19 - LOG_BITS));
  I32[1 - HI] = 0;
  const mid = F64[0]!;
  I32[HI] = OFF + (i << (20 - LOG_BITS));
  const lo = F64[0]!;
  I32[HI] = OFF + ((i + 1) << (20 - LOG_BITS));
  const hi = F64[0]!;
  // for x in the bin of 1 and its neighbours (e = 0) fastLog takes log1p(x - 1) directly: x - 1
  // is exact and has no cancellation against log(c) (with the bins' c, x just past 1 lost 4 bits)
  const near1 = lo <= 1.0124 && 0.977 < hi;
  const c = Math.round(mid * 2 ** 20) / 2 ** 20;
  NEAR_1[i] = near1 ? 1 : 0;
  LOG_C[i] = c;
  INV_C[i] = 1 / c;
  const { hi: lh, lo: ll } = toNumber(logFixed(c));
  LOG_C_HI[i] = lh;
  LOG_C_LO[i] = ll;
}

/** log(x), faithfully rounded; Math.log for x <= 0, subnormal x, Infinity and NaN. */
export function fastLog(x: number): number {
  F64[0] = x;
  const hx = I32[HI]!;
  if (hx < 0x00100000 || hx >= 0x7ff00000) return Math.log(x);
  const tmp = (hx - OFF) | 0;
  const e = tmp >> 20;
  const i = (tmp >> (20 - LOG_BITS)) & (LN - 1);
  const z = x * POW2[P2_BIAS - e]!;
  if (e === 0 && NEAR_1[i] === 1) {
    // 0.973 < x < 1.016: log1p(r), r = x - 1 exact, degree 11 (truncation below 1e-19 relative)
    const r = x - 1;
    const p =
      r *
      r *
      (-1 / 2 +
        r *
          (1 / 3 +
            r *
              (-1 / 4 +
                r *
                  (1 / 5 +
                    r *
                      (-1 / 6 + r * (1 / 7 + r * (-1 / 8 + r * (1 / 9 + r * (-1 / 10 + r * (1 / 11))))))))));
    return r + p;
  }
  // |r| < 0.0041 < |hi| (|log c| > 0.0117 in the other bins of e = 0): degree 7, Fast2Sum
  const r = (z - LOG_C[i]!) * INV_C[i]!;
  const p = r * r * (-1 / 2 + r * (1 / 3 + r * (-1 / 4 + r * (1 / 5 + r * (-1 / 6 + r * (1 / 7))))));
  const hi = e * LN2_HI + LOG_C_HI[i]!;
  const w = hi + r;
  return w + (hi - w + r + (e * LN2_LO + LOG_C_LO[i]!) + p);
}
