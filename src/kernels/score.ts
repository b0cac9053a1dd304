/**
 * Pure-TypeScript twin of assembly/score.ts: the exact score of the heat flow started at an
 * empirical measure (survey arXiv 2510.03303, §5; docs/algorithms/diffusion.md),
 *   s(x, t) = Σ_j softmax_j(−|x − x_j|²/(4t)) (x_j − x)/(2t),
 * in exactly the kernel's operation order (lane 0 = even j, lane 1 = odd j, odd tail last), so
 * the two agree bit for bit. See the kernel's header for the order.
 */
import { portableLog } from '../rng.js';
import { expTS } from './exp.js';

/** The weight cut ln(2^−53 / n): weights below e^cut (relative to the largest, 1) are dropped. */
export function scoreCut(n: number): number {
  return portableLog(1.1102230246251565e-16 / n);
}

/** out (m × d) ← s(x_i, t) for every row of x (m × d); dT is the data transposed (d × n), c = 1/(4t). */
export function scoreBatchJS(x: Float64Array, m: number, d: number, dT: Float64Array, n: number, c: number, cut: number, out: Float64Array): void {
  const row = new Float64Array(n);
  const acc0 = new Float64Array(d), acc1 = new Float64Array(d);
  const even = n & ~1;
  const c2 = c + c;
  for (let i = 0; i < m; i++) {
    const xi = i * d;
    let m0 = Infinity, m1 = Infinity;
    for (let j = 0; j < even; j += 2) {
      let D0 = 0, D1 = 0;
      for (let k = 0; k < d; k++) {
        const xk = x[xi + k];
        const u0 = xk - dT[k * n + j], u1 = xk - dT[k * n + j + 1];
        D0 = D0 + u0 * u0;
        D1 = D1 + u1 * u1;
      }
      row[j] = D0;
      row[j + 1] = D1;
      m0 = Math.min(m0, D0);
      m1 = Math.min(m1, D1);
    }
    let dmin = Math.min(m0, m1);
    if (n & 1) {
      let D = 0;
      for (let k = 0; k < d; k++) {
        const u = x[xi + k] - dT[k * n + even];
        D = D + u * u;
      }
      row[even] = D;
      dmin = Math.min(dmin, D);
    }
    let z0 = 0, z1 = 0;
    acc0.fill(0);
    acc1.fill(0);
    for (let j = 0; j < even; j += 2) {
      const a0 = (dmin - row[j]) * c, a1 = (dmin - row[j + 1]) * c;
      const k0 = a0 >= cut, k1 = a1 >= cut;
      if (!k0 && !k1) continue;
      const e0 = k0 ? expTS(a0) : 0, e1 = k1 ? expTS(a1) : 0;
      z0 = z0 + e0;
      z1 = z1 + e1;
      for (let k = 0; k < d; k++) {
        acc0[k] = acc0[k] + e0 * dT[k * n + j];
        acc1[k] = acc1[k] + e1 * dT[k * n + j + 1];
      }
    }
    let z = z0 + z1;
    let e = 0;
    if (n & 1) {
      const a = (dmin - row[even]) * c;
      e = a >= cut ? expTS(a) : 0;
      z = z + e;
    }
    for (let k = 0; k < d; k++) {
      let s = acc0[k] + acc1[k];
      if (n & 1) s = s + e * dT[k * n + even];
      out[xi + k] = (s / z - x[xi + k]) * c2;
    }
  }
}
