/**
 * Seedable PRNG: xoshiro128** (Blackman & Vigna) on four 32-bit words, which V8 handles without
 * BigInt. Period 2^128 - 1. Independent per-chain streams come from the generator's jump function
 * (each jump advances 2^64 steps), so stream k of a seed never overlaps stream j != k within
 * 2^64 draws. The seed is expanded to the initial state by SplitMix64.
 */
const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b] as const;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal = 0;
  private hasSpare = false;

  /** seed: any finite number (integers up to 2^53 are distinct); stream: e.g. chain index
   *  (costs one jump per unit, keep it small); salt: separates generators used for different
   *  purposes from the same seed (e.g. optimizer starts vs. sampler chains). */
  constructor(seed: number, stream = 0, salt = 0) {
    if (!Number.isFinite(seed)) throw new Error(`Rng seed must be finite, got ${seed}`);
    const mask = (1n << 64n) - 1n;
    let x = BigInt.asUintN(64, BigInt(Math.trunc(seed)) ^ (BigInt(Math.trunc(salt)) << 32n));
    const words: number[] = [];
    for (let i = 0; i < 2; i++) {
      // SplitMix64
      x = (x + 0x9e3779b97f4a7c15n) & mask;
      let z = x;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
      z = z ^ (z >> 31n);
      words.push(Number(z & 0xffffffffn) | 0, Number(z >> 32n) | 0);
    }
    this.s0 = words[0]!;
    this.s1 = words[1]!;
    this.s2 = words[2]!;
    this.s3 = words[3]!;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    for (let k = 0; k < stream; k++) this.jump();
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /** Standard normal draw (Marsaglia polar method; the second value of each pair is cached). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Advance the state by 2^64 steps. */
  jump(): void {
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (const word of JUMP) {
      for (let b = 0; b < 32; b++) {
        if (word & (1 << b)) {
          t0 ^= this.s0;
          t1 ^= this.s1;
          t2 ^= this.s2;
          t3 ^= this.s3;
        }
        this.nextUint32();
      }
    }
    this.s0 = t0;
    this.s1 = t1;
    this.s2 = t2;
    this.s3 = t3;
    this.hasSpare = false;
  }
}
