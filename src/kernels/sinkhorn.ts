/**
 * Pure-TypeScript twin of assembly/sinkhorn.ts (absorption-stabilised Sinkhorn, Schmitzer
 * 2019). Matrices here are n × m row-major without padding; sums over j use two accumulators
 * (even and odd j) added at the end, exactly like the kernel's f64x2 lanes, so both give the
 * same numbers (up to the last ulp of log in the absorption step).
 */
import { expTS } from './exp.js';

export function sinkhornInitPotentialsJS(C: Float64Array, n: number, m: number, f: Float64Array, g: Float64Array, keepF: boolean): void {
  g.fill(Infinity, 0, m);
  for (let i = 0; i < n; i++) {
    let fi = Infinity;
    if (keepF) fi = f[i];
    else {
      for (let j = 0; j < m; j++) fi = Math.min(fi, C[i * m + j]);
      f[i] = fi;
    }
    for (let j = 0; j < m; j++) g[j] = Math.min(g[j], C[i * m + j] - fi);
  }
}

/** K_ij = exp((f_i + g_j − C_ij) / ε). */
export function sinkhornKernelJS(C: Float64Array, K: Float64Array, n: number, m: number, f: Float64Array, g: Float64Array, eps: number): void {
  const inv = 1.0 / eps;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) K[i * m + j] = expTS((f[i] + g[j] - C[i * m + j]) * inv);
  }
}

/** Mirrors the kernel's rowDot: 8 partial sums P_r (r = j mod 8) for j < m8 = (even m) & ~7,
 *  the tail j ≥ m8 into P_0 (even j) and P_1 (odd j); lane q of ((A0 + A1) + (A2 + A3)) with
 *  A_k = (P_2k, P_2k+1), then lane0 + lane1. Missing odd entries (odd m) are +0. */
const P = new Float64Array(8);
function rowDotJS(K: Float64Array, o: number, v: Float64Array, m: number): number {
  P.fill(0);
  const me = (m + 1) & ~1, m8 = me & ~7;
  let j = 0;
  for (; j < m8 && j < m; j++) P[j & 7] = P[j & 7] + K[o + j] * v[j];
  for (; j < m; j++) P[j & 1] = P[j & 1] + K[o + j] * v[j];
  const l0 = (P[0] + P[2]) + (P[4] + P[6]);
  const l1 = (P[1] + P[3]) + (P[5] + P[7]);
  return l0 + l1;
}

/** Same contract as the kernel sinkhornIterate; returns [iterations done, residual, flag]. */
export function sinkhornIterateJS(K: Float64Array, n: number, m: number, a: Float64Array, b: Float64Array, u: Float64Array, v: Float64Array, iterations: number, tau: number): [number, number, number] {
  const acc = new Float64Array(m);
  const lo = 1.0 / tau;
  let res = 0;
  for (let it = 0; it < iterations; it++) {
    acc.fill(0);
    res = 0;
    for (let i = 0; i < n; i++) {
      const o = i * m;
      const s = rowDotJS(K, o, v, m);
      const ai = a[i];
      res += Math.abs(u[i] * s - ai);
      const ui = ai / s;
      u[i] = ui;
      for (let j = 0; j < m; j++) acc[j] = acc[j] + K[o + j] * ui;
    }
    let vmax = 0, vmin = Infinity, umax = 0, umin = Infinity;
    for (let j = 0; j < m; j++) {
      const vj = b[j] / acc[j];
      v[j] = vj;
      vmax = Math.max(vmax, vj);
      vmin = Math.min(vmin, vj);
    }
    for (let i = 0; i < n; i++) {
      umax = Math.max(umax, u[i]);
      umin = Math.min(umin, u[i]);
    }
    if (!(umax < Infinity && vmax < Infinity && res === res)) return [it + 1, res, 2];
    if (umax > tau || vmax > tau || umin < lo || vmin < lo) return [it + 1, res, 1];
  }
  return [iterations, res, 0];
}

export function sinkhornAbsorbJS(n: number, m: number, f: Float64Array, g: Float64Array, u: Float64Array, v: Float64Array, eps: number): void {
  for (let i = 0; i < n; i++) {
    f[i] = f[i] + eps * Math.log(u[i]);
    u[i] = 1;
  }
  for (let j = 0; j < m; j++) {
    g[j] = g[j] + eps * Math.log(v[j]);
    v[j] = 1;
  }
}

/** Returns ⟨P, C⟩ and fills the marginals r (n), c (m) of P = diag(u) K diag(v). */
export function sinkhornPlanStatsJS(C: Float64Array, K: Float64Array, n: number, m: number, u: Float64Array, v: Float64Array, r: Float64Array, c: Float64Array): number {
  c.fill(0, 0, m);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const o = i * m;
    let s0 = 0, s1 = 0, t0 = 0, t1 = 0;
    for (let j = 0; j < m; j++) {
      const p = u[i] * K[o + j] * v[j];
      if (j & 1) {
        s1 = s1 + p;
        t1 = t1 + p * C[o + j];
      } else {
        s0 = s0 + p;
        t0 = t0 + p * C[o + j];
      }
      c[j] = c[j] + p;
    }
    r[i] = s0 + s1;
    total += t0 + t1;
  }
  return total;
}
