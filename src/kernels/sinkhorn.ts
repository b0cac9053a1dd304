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

// ───── Truncated (sparse) kernel: twin of the sinkhornTrunc* functions of assembly/sinkhorn.ts ─────
// (The error bound and the keep rule are derived there.) Compressed rows: vals/col hold the kept
// entries row after row, each row padded to even length with (0, last column); rowStart (n + 1).

/** Row maxima Z (n) and column maxima Zc (m) of z_ij = (f_i + g_j − C_ij)·(1/ε). */
export function sinkhornTruncMaximaJS(C: Float64Array, n: number, m: number, f: Float64Array, g: Float64Array, eps: number, Z: Float64Array, Zc: Float64Array): void {
  const inv = 1.0 / eps;
  Zc.fill(-Infinity, 0, m);
  for (let i = 0; i < n; i++) {
    let zi = -Infinity;
    for (let j = 0; j < m; j++) {
      const z = (f[i] + g[j] - C[i * m + j]) * inv;
      if (z > zi) zi = z;
      if (z > Zc[j]) Zc[j] = z;
    }
    Z[i] = zi;
  }
}

/** Keep z_ij ≥ min(Z_i + Lr, Zc_j + Lc); returns the stored length, or −1 past `cap`. Zc is
 *  overwritten with the column thresholds. */
export function sinkhornTruncBuildJS(C: Float64Array, n: number, m: number, f: Float64Array, g: Float64Array, eps: number, Z: Float64Array, Zc: Float64Array, Lr: number, Lc: number, vals: Float64Array, col: Int32Array, rowStart: Int32Array, cap: number): number {
  for (let j = 0; j < m; j++) Zc[j] = Zc[j] + Lc;
  const inv = 1.0 / eps;
  let k = 0;
  for (let i = 0; i < n; i++) {
    rowStart[i] = k;
    if (k + m + 2 > cap) return -1;
    const tr = Z[i] + Lr;
    for (let j = 0; j < m; j++) {
      const z = (f[i] + g[j] - C[i * m + j]) * inv;
      if (z >= Math.min(tr, Zc[j])) {
        vals[k] = expTS(z);
        col[k] = j;
        k++;
      }
    }
    if (k & 1) {
      vals[k] = 0; // = exp(−Inf), what the kernel stores
      col[k] = col[k - 1];
      k++;
    }
  }
  rowStart[n] = k;
  return k;
}

/** Mirrors the kernel's sparseDot: P_q (q = (k − k0) mod 4) below the multiple of 4, the tail
 *  pair into P_0, P_1; then ((P_0 + P_2) + (P_1 + P_3)). */
const Q = new Float64Array(4);
function sparseDotJS(vals: Float64Array, col: Int32Array, v: Float64Array, k0: number, k1: number): number {
  Q.fill(0);
  const k4 = k0 + ((k1 - k0) & ~3);
  let k = k0;
  for (; k < k4; k++) Q[(k - k0) & 3] = Q[(k - k0) & 3] + vals[k] * v[col[k]];
  for (; k < k1; k++) Q[(k - k0) & 1] = Q[(k - k0) & 1] + vals[k] * v[col[k]];
  return (Q[0] + Q[2]) + (Q[1] + Q[3]);
}

/** Same contract as the kernel sinkhornTruncIterate; returns [complete iterations, residual, flag]. */
export function sinkhornTruncIterateJS(vals: Float64Array, col: Int32Array, rowStart: Int32Array, n: number, m: number, a: Float64Array, b: Float64Array, u: Float64Array, v: Float64Array, iterations: number, ratio: number): [number, number, number] {
  const acc = new Float64Array(m);
  let res = 0;
  for (let it = 0; it < iterations; it++) {
    acc.fill(0);
    res = 0;
    let umax = 0, umin = Infinity;
    for (let i = 0; i < n; i++) {
      const k0 = rowStart[i], k1 = rowStart[i + 1];
      const s = sparseDotJS(vals, col, v, k0, k1);
      const ai = a[i];
      res += Math.abs(u[i] * s - ai);
      const ui = ai / s;
      u[i] = ui;
      umax = Math.max(umax, ui);
      umin = Math.min(umin, ui);
      for (let k = k0; k < k1; k++) acc[col[k]] = acc[col[k]] + vals[k] * ui;
    }
    if (!(umax < Infinity && res === res)) return [it + 1, res, 2];
    if (umax > umin * ratio || umax > 1e100 || umin < 1e-100) return [it, res, 1];
    let vmax = 0, vmin = Infinity;
    for (let j = 0; j < m; j++) {
      const vj = b[j] / acc[j];
      v[j] = vj;
      vmax = Math.max(vmax, vj);
      vmin = Math.min(vmin, vj);
    }
    if (!(vmax < Infinity)) return [it + 1, res, 2];
    if (vmax > vmin * ratio || vmax > 1e100 || vmin < 1e-100) return [it + 1, res, 1];
  }
  return [iterations, res, 0];
}

/** ⟨P, C⟩ over the kept entries; fills the marginals r (n), c (m). */
export function sinkhornTruncPlanStatsJS(C: Float64Array, vals: Float64Array, col: Int32Array, rowStart: Int32Array, n: number, m: number, u: Float64Array, v: Float64Array, r: Float64Array, c: Float64Array): number {
  c.fill(0, 0, m);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0, t = 0;
    for (let k = rowStart[i]; k < rowStart[i + 1]; k++) {
      const j = col[k];
      const p = u[i] * vals[k] * v[j];
      s += p;
      t += p * C[i * m + j];
      c[j] = c[j] + p;
    }
    r[i] = s;
    total += t;
  }
  return total;
}
