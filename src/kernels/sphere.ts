/**
 * Pure-TypeScript twin of assembly/sphere.ts: RK4 with renormalisation for attention particles
 * on the sphere, ẋ_i = P⊥_{x_i}(Σ_j e^{β⟨Qx_i,Kx_j⟩} V x_j / Z_i) (SA: Z_i = Σ_j e^{…};
 * USA: Z_i = n), in the kernel's operation order (even/odd j lanes, max shift, exp from
 * ./exp.ts), so both agree bit for bit. With sym = true (QᵀK symmetric) a field evaluation
 * uses one shift c = β·max|q|·max|k| for all rows and each unordered pair once (the order is
 * spelled out in assembly/sphere.ts), unless c > SPHERE_SHIFT_MAX, then the per-row path.
 */
import { expTS } from './exp.js';

/** Largest common shift of the symmetric path: exponents stay in [−2c, 0], no subnormal weights. */
export const SPHERE_SHIFT_MAX = 300;

function projectionsJS(x: Float64Array, n: number, d: number, Q: Float64Array, K: Float64Array, V: Float64Array, q: Float64Array, ks: Float64Array, vs: Float64Array): void {
  for (let a = 0; a < n; a++) {
    for (let k = 0; k < d; k++) {
      let sq = 0, sk = 0, sv = 0;
      for (let j = 0; j < d; j++) {
        const xv = x[a * d + j];
        sq = sq + Q[k * d + j] * xv;
        sk = sk + K[k * d + j] * xv;
        sv = sv + V[k * d + j] * xv;
      }
      q[a * d + k] = sq;
      ks[k * n + a] = sk;
      vs[k * n + a] = sv;
    }
  }
}

/** The symmetric field; false (nothing written) when the common shift exceeds SPHERE_SHIFT_MAX. */
function sphereFieldSymJS(x: Float64Array, n: number, d: number, beta: number, sa: boolean, out: Float64Array, q: Float64Array, ks: Float64Array, vs: Float64Array): boolean {
  let mq = 0, mk = 0;
  for (let a = 0; a < n; a++) {
    let sq = 0, sk = 0;
    for (let k = 0; k < d; k++) {
      const u = q[a * d + k], v = ks[k * n + a];
      sq = sq + u * u;
      sk = sk + v * v;
    }
    mq = Math.max(mq, sq);
    mk = Math.max(mk, sk);
  }
  const c = beta * (Math.sqrt(mq) * Math.sqrt(mk));
  if (!(c <= SPHERE_SHIFT_MAX)) return false;
  const zc = new Float64Array(n), yc = new Float64Array(d * n);
  const acc = new Float64Array(2 * d), Y = new Float64Array(d);
  const scale = sa ? 0 : expTS(c) / n;
  for (let i = 0; i < n; i++) {
    let z0 = 0, z1 = 0;
    acc.fill(0);
    let p = i + 1;
    for (; p + 1 < n; p += 2) {
      let s0 = 0, s1 = 0;
      for (let k = 0; k < d; k++) {
        s0 = s0 + q[i * d + k] * ks[k * n + p];
        s1 = s1 + q[i * d + k] * ks[k * n + p + 1];
      }
      const e0 = expTS(beta * s0 - c), e1 = expTS(beta * s1 - c);
      z0 = z0 + e0;
      z1 = z1 + e1;
      zc[p] = zc[p] + e0;
      zc[p + 1] = zc[p + 1] + e1;
      for (let k = 0; k < d; k++) {
        acc[2 * k] = acc[2 * k] + e0 * vs[k * n + p];
        acc[2 * k + 1] = acc[2 * k + 1] + e1 * vs[k * n + p + 1];
        yc[k * n + p] = yc[k * n + p] + e0 * vs[k * n + i];
        yc[k * n + p + 1] = yc[k * n + p + 1] + e1 * vs[k * n + i];
      }
    }
    let et = 0;
    const last = n - 1;
    if (p < n) {
      let s = 0;
      for (let k = 0; k < d; k++) s = s + q[i * d + k] * ks[k * n + last];
      et = expTS(beta * s - c);
      zc[last] = zc[last] + et;
      for (let k = 0; k < d; k++) yc[k * n + last] = yc[k * n + last] + et * vs[k * n + i];
    }
    let sii = 0;
    for (let k = 0; k < d; k++) sii = sii + q[i * d + k] * ks[k * n + i];
    const eii = expTS(beta * sii - c);
    const Z = zc[i] + eii + (z0 + z1) + et;
    for (let k = 0; k < d; k++) Y[k] = yc[k * n + i] + eii * vs[k * n + i] + (acc[2 * k] + acc[2 * k + 1]) + et * vs[k * n + last];
    let dotxy = 0;
    for (let k = 0; k < d; k++) {
      const y = sa ? Y[k] / Z : Y[k] * scale;
      out[i * d + k] = y;
      dotxy = dotxy + x[i * d + k] * y;
    }
    for (let k = 0; k < d; k++) out[i * d + k] = out[i * d + k] - dotxy * x[i * d + k];
  }
  return true;
}

export function sphereFieldJS(
  x: Float64Array, n: number, d: number, Q: Float64Array, K: Float64Array, V: Float64Array,
  beta: number, sa: boolean, out: Float64Array, sym = false,
): void {
  const q = new Float64Array(n * d), ks = new Float64Array(n * d), vs = new Float64Array(n * d);
  projectionsJS(x, n, d, Q, K, V, q, ks, vs);
  if (sym && sphereFieldSymJS(x, n, d, beta, sa, out, q, ks, vs)) return;
  const row = new Float64Array(n);
  const even = n & ~1;
  const acc = new Float64Array(2 * d);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s = s + q[i * d + k] * ks[k * n + j];
      s = beta * s;
      row[j] = s;
      m = Math.max(m, s);
    }
    let z0 = 0, z1 = 0;
    acc.fill(0);
    for (let j = 0; j < even; j += 2) {
      const e0 = expTS(row[j] - m), e1 = expTS(row[j + 1] - m);
      z0 = z0 + e0;
      z1 = z1 + e1;
      for (let k = 0; k < d; k++) {
        acc[2 * k] = acc[2 * k] + e0 * vs[k * n + j];
        acc[2 * k + 1] = acc[2 * k + 1] + e1 * vs[k * n + j + 1];
      }
    }
    let Z = z0 + z1;
    let eLast = 0;
    if (n & 1) {
      eLast = expTS(row[even] - m);
      Z = Z + eLast;
    }
    const scale = sa ? 0 : expTS(m) / n;
    let dotxy = 0;
    for (let k = 0; k < d; k++) {
      let Y = acc[2 * k] + acc[2 * k + 1];
      if (n & 1) Y = Y + eLast * vs[k * n + even];
      const y = sa ? Y / Z : Y * scale;
      out[i * d + k] = y;
      dotxy = dotxy + x[i * d + k] * y;
    }
    for (let k = 0; k < d; k++) out[i * d + k] = out[i * d + k] - dotxy * x[i * d + k];
  }
}

export function sphereRk4JS(
  x: Float64Array, n: number, d: number, Q: Float64Array, K: Float64Array, V: Float64Array,
  beta: number, sa: boolean, h: number, steps: number, sym = false,
): void {
  const nd = n * d;
  const xs = new Float64Array(nd), f = new Float64Array(nd), acc = new Float64Array(nd);
  const half = 0.5 * h, sixth = h / 6.0;
  for (let s = 0; s < steps; s++) {
    sphereFieldJS(x, n, d, Q, K, V, beta, sa, acc, sym);
    for (let t = 0; t < nd; t++) xs[t] = x[t] + half * acc[t];
    sphereFieldJS(xs, n, d, Q, K, V, beta, sa, f, sym);
    for (let t = 0; t < nd; t++) {
      acc[t] = acc[t] + 2.0 * f[t];
      xs[t] = x[t] + half * f[t];
    }
    sphereFieldJS(xs, n, d, Q, K, V, beta, sa, f, sym);
    for (let t = 0; t < nd; t++) {
      acc[t] = acc[t] + 2.0 * f[t];
      xs[t] = x[t] + h * f[t];
    }
    sphereFieldJS(xs, n, d, Q, K, V, beta, sa, f, sym);
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const v = x[i * d + k] + sixth * (acc[i * d + k] + f[i * d + k]);
        x[i * d + k] = v;
        r2 = r2 + v * v;
      }
      const r = Math.sqrt(r2);
      for (let k = 0; k < d; k++) x[i * d + k] = x[i * d + k] / r;
    }
  }
}
