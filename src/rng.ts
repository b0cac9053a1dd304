/**
 * Seeded pseudo-random numbers, reproducible bit for bit on every engine: xoshiro128**
 * (Blackman & Vigna) on 32-bit integer arithmetic, seeded through splitmix32. Doubles carry
 * 53 random bits; normals come from the Marsaglia polar method.
 *
 * Only correctly rounded IEEE operations are used (+, −, ×, ÷, sqrt): Math.log, Math.exp …
 * differ in their last bits between JavaScript engines (Node 20's V8 and Chromium's disagree),
 * so the polar method's logarithm is our own `portableLog`.
 */
import { InvalidArgumentError } from './errors.js';

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A random unit vector in R^d. */
  unitVector(d: number): Float64Array;
}

export function checkSeed(seed: unknown, name = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new InvalidArgumentError(name, seed, 'an integer in [0, 2^32)');
  }
  return seed;
}

export function createRng(seed = 0): Rng {
  checkSeed(seed);
  let x = seed >>> 0;
  const split = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = split(), s1 = split(), s2 = split(), s3 = split();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const next = (): number => {
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return r;
  };
  let spare: number | null = null;
  const uniform = (): number => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  return {
    uniform,
    normal(): number {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u: number, v: number, s: number;
      do {
        u = 2 * uniform() - 1;
        v = 2 * uniform() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * portableLog(s)) / s);
      spare = v * f;
      return u * f;
    },
    int(n: number): number {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 2 ** 53) throw new InvalidArgumentError('n', n, 'an integer in [1, 2^53] (rng.int(n) draws from 0 … n − 1)');
      return Math.floor(uniform() * n);
    },
    unitVector(d: number): Float64Array {
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 2 ** 24) throw new InvalidArgumentError('d', d, 'an integer in [1, 2^24] (the dimension of the unit vector)');
      const v = new Float64Array(d);
      let norm = 0;
      while (norm === 0) {
        norm = 0;
        for (let k = 0; k < d; k++) {
          v[k] = this.normal();
          norm += v[k] * v[k];
        }
      }
      norm = Math.sqrt(norm);
      for (let k = 0; k < d; k++) v[k] /= norm;
      return v;
    },
  };
}

function rotl(v: number, k: number): number {
  return ((v << k) | (v >>> (32 - k))) >>> 0;
}

const LN2_HI = 6.93147180369123816490e-1; // ln 2 split so that k·LN2_HI is exact for |k| < 2^11
const LN2_LO = 1.90821492927058770002e-10;
const SQRT1_2 = 0.7071067811865476;
const logView = new DataView(new ArrayBuffer(8));

/**
 * ln(x) for finite x > 0 from basic IEEE operations only, so that it gives the same bits on
 * every engine. x = m·2^k with m ∈ [√½, √2); ln m = 2 atanh(t), t = (m − 1)/(m + 1), |t| ≤ 0.1716,
 * by its odd series to t^25 (truncation < 1e-21); error about 1 ulp.
 */
export function portableLog(x: number): number {
  logView.setFloat64(0, x);
  const hi = logView.getUint32(0);
  let k = ((hi >>> 20) & 0x7ff) - 1023;
  if (k === -1023) {
    // subnormal: scale into the normal range first (multiplication by 2^54 is exact)
    return portableLog(x * 18014398509481984) - 54 * (LN2_HI + LN2_LO);
  }
  logView.setUint32(0, (hi & 0x800fffff) | 0x3ff00000);
  let m = logView.getFloat64(0);
  if (m > Math.SQRT2) {
    m *= 0.5;
    k += 1;
  }
  if (m < SQRT1_2) {
    m *= 2;
    k -= 1;
  }
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  let poly = 1 / 25;
  for (let j = 23; j >= 3; j -= 2) poly = 1 / j + t2 * poly;
  const atanhT = t + t * t2 * poly;
  return k * LN2_HI + (2 * atanhT + k * LN2_LO);
}
