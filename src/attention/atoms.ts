/**
 * Atoms of a token configuration: maximal groups of tokens with bit-identical coordinates.
 *
 * The hardmax dynamics (eq. 4.1) are permutation-invariant, and with the canonical scores of
 * src/kernels/hardmax.ts (S_il = dot(u_i, u_l), u = G z) two tokens with the same bits have the
 * same scores against every token, hence the same C_i, the same mean and the same new bits.
 * So coincident tokens stay coincident, atoms only ever merge, and one step costs
 * O(m² d + Σ_atoms |C| d) for m atoms instead of O(n² d). Only exact duplicates are merged
 * (Object.is per coordinate: −0 and +0 stay apart), never approximately equal tokens.
 */
import type { AtomLayout } from '../kernels/hardmax.js';

export class Atoms implements AtomLayout {
  m: number;
  mult: Int32Array;
  perm: Int32Array;
  off: Int32Array;
  atomOf: Int32Array;
  /** Atom coordinates, m × d (the first m·d entries are live). */
  za: Float64Array;

  private constructor(readonly n: number, readonly d: number, z: Float64Array) {
    this.m = n;
    this.mult = new Int32Array(n).fill(1);
    this.perm = new Int32Array(n);
    this.off = new Int32Array(n + 1);
    this.atomOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.perm[i] = i;
      this.off[i + 1] = i + 1;
      this.atomOf[i] = i;
    }
    this.za = Float64Array.from(z);
  }

  /** One atom per token; with `merge`, coincident input tokens are merged at once. */
  static fromTokens(z: Float64Array, n: number, d: number, merge: boolean): Atoms {
    const a = new Atoms(n, d, z);
    if (merge) a.mergeCoincident();
    return a;
  }

  /** Merges atoms whose coordinates became bit-identical; returns the number of merges. */
  mergeCoincident(): number {
    const { m, d, za } = this;
    if (m < 2) return 0;
    const target = coincidenceTargets(za, m, d);
    if (target === null) return 0;
    // Keep the first atom of every coordinate (the one with the smallest token: atoms are
    // ordered by their smallest token), renumber in the same order.
    const newId = new Int32Array(m);
    let k = 0;
    for (let a = 0; a < m; a++) {
      if (target[a] === a) {
        if (k !== a) za.copyWithin(k * d, a * d, a * d + d);
        newId[a] = k++;
      }
    }
    for (let a = 0; a < m; a++) newId[a] = newId[target[a]];
    const n = this.n;
    const mult = this.mult.fill(0, 0, k);
    for (let i = 0; i < n; i++) {
      const b = newId[this.atomOf[i]];
      this.atomOf[i] = b;
      mult[b]++;
    }
    this.off[0] = 0;
    for (let b = 0; b < k; b++) this.off[b + 1] = this.off[b] + mult[b];
    const fill = this.off.slice(0, k);
    for (let i = 0; i < n; i++) this.perm[fill[this.atomOf[i]]++] = i; // ascending within atoms
    const merged = m - k;
    this.m = k;
    return merged;
  }

  /** Token coordinates (n × d) from the atoms'. */
  expand(out: Float64Array = new Float64Array(this.n * this.d)): Float64Array {
    const { d, za, atomOf } = this;
    for (let i = 0; i < this.n; i++) {
      const o = atomOf[i] * d;
      for (let k = 0; k < d; k++) out[i * d + k] = za[o + k];
    }
    return out;
  }

  /** Smallest token of atom a. */
  rep(a: number): number {
    return this.perm[this.off[a]];
  }
}

/**
 * target[a] = the first atom b ≤ a with the same coordinate bits as a (open-addressing hash on
 * the 32-bit words of the coordinates); null when all m rows are distinct.
 */
export function coincidenceTargets(za: Float64Array, m: number, d: number): Int32Array | null {
  const words = new Uint32Array(za.buffer, za.byteOffset, 2 * m * d);
  let size = 16;
  while (size < 2 * m) size <<= 1;
  const table = new Int32Array(size).fill(-1);
  const target = new Int32Array(m);
  let any = false;
  for (let a = 0; a < m; a++) {
    let h = 0x811c9dc5;
    for (let t = 2 * a * d; t < 2 * (a + 1) * d; t++) h = Math.imul(h ^ words[t], 0x01000193);
    h ^= h >>> 15;
    let slot = h & (size - 1);
    target[a] = a;
    for (;;) {
      const b = table[slot];
      if (b < 0) {
        table[slot] = a;
        break;
      }
      let same = true;
      for (let t = 0; t < 2 * d; t++) if (words[2 * a * d + t] !== words[2 * b * d + t]) { same = false; break; }
      if (same) {
        target[a] = b;
        any = true;
        break;
      }
      slot = (slot + 1) & (size - 1);
    }
  }
  return any ? target : null;
}
