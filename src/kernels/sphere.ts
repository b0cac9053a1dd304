/**
 * Pure-TypeScript twin of assembly/sphere.ts: RK4 with renormalisation for attention particles
 * on the sphere, ẋ_i = P⊥_{x_i}(Σ_j e^{β⟨Qx_i,Kx_j⟩} V x_j / Z_i) (SA: Z_i = Σ_j e^{…};
 * USA: Z_i = n), in the kernel's operation order (even/odd j lanes, max shift, exp from
 * ./exp.ts), so both agree bit for bit.
 */
import { expTS } from './exp.js';

export function sphereFieldJS(
  x: Float64Array, n: number, d: number, Q: Float64Array, K: Float64Array, V: Float64Array,
  beta: number, sa: boolean, out: Float64Array,
): void {
  const q = new Float64Array(n * d), ks = new Float64Array(n * d), vs = new Float64Array(n * d);
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
  beta: number, sa: boolean, h: number, steps: number,
): void {
  const nd = n * d;
  const xs = new Float64Array(nd), f = new Float64Array(nd), acc = new Float64Array(nd);
  const half = 0.5 * h, sixth = h / 6.0;
  for (let s = 0; s < steps; s++) {
    sphereFieldJS(x, n, d, Q, K, V, beta, sa, acc);
    for (let t = 0; t < nd; t++) xs[t] = x[t] + half * acc[t];
    sphereFieldJS(xs, n, d, Q, K, V, beta, sa, f);
    for (let t = 0; t < nd; t++) {
      acc[t] = acc[t] + 2.0 * f[t];
      xs[t] = x[t] + half * f[t];
    }
    sphereFieldJS(xs, n, d, Q, K, V, beta, sa, f);
    for (let t = 0; t < nd; t++) {
      acc[t] = acc[t] + 2.0 * f[t];
      xs[t] = x[t] + h * f[t];
    }
    sphereFieldJS(xs, n, d, Q, K, V, beta, sa, f);
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
