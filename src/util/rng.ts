/**
 * A seeded, platform-independent random source. Only IEEE-754 basic operations are used
 * (no Math.log/cos, whose last bits may differ between engines), so the same seed gives
 * bit-identical numbers in Node, Chromium and anywhere else.
 */

/** Deterministic generator: xoshiro128** for 32-bit words, seeded through splitmix32. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = NaN;

  /** @param seed - any finite number; its low 32 bits and the high bits both matter */
  constructor(seed: number) {
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
    const next = (): number => {
      // see: splitmix32 (Vigna), to spread a small seed over the 128-bit state
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next unsigned 32-bit integer (xoshiro128**, Blackman & Vigna 2018). */
  nextU32(): number {
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
  next(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal deviate (Marsaglia's polar method with a deterministic logarithm). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const m = Math.sqrt((-2 * ln(s)) / s); // sqrt is correctly rounded by IEEE-754
      this.spare = v * m;
      return u * m;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;
const scratch = new DataView(new ArrayBuffer(8));

/**
 * Natural logarithm of a positive finite number from basic arithmetic only: split off the
 * binary exponent exactly, then ln(m) = 2·atanh((m−1)/(m+1)) by its series (|t| ≤ 0.172).
 */
export function ln(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  scratch.setFloat64(0, x);
  let e = ((scratch.getUint16(0) >>> 4) & 0x7ff) - 1023;
  let m: number;
  if (e === -1023) {
    // subnormal: scale into the normal range first
    return ln(x * 18014398509481984) - 54 * LN2;
  }
  scratch.setUint16(0, (scratch.getUint16(0) & 0x800f) | (1023 << 4));
  m = scratch.getFloat64(0); // in [1, 2)
  if (m > SQRT2) {
    m /= 2;
    e += 1;
  }
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  let term = t;
  let sum = 0;
  for (let k = 1; k < 60; k += 2) {
    const add = term / k;
    sum += add;
    if (Math.abs(add) < 1e-18 * Math.abs(sum)) break;
    term *= t2;
  }
  return 2 * sum + e * LN2;
}
