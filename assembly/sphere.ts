// Self-attention particles on the unit sphere S^{d−1} (Geshkovski, Letrouit, Polyanskiy,
// Rigollet, arXiv 2312.10794; seeds 000/001):
//   ẋ_i = P⊥_{x_i}( (1/Z_i) Σ_j e^{β⟨Q x_i, K x_j⟩} V x_j ),   P⊥_x y = y − ⟨x, y⟩ x,
//   Z_i = Σ_j e^{β⟨Q x_i, K x_j⟩} (SA)  or  Z_i = n (USA),
// integrated with classical RK4 (step h) and renormalised to the sphere after every step.
// Operation order (mirrored by src/kernels/sphere.ts, bit for bit):
//   q_i = Q x_i, k_j = K x_j, v_j = V x_j (sequential sums; k and v stored d × n, SoA);
//   s_ij = β·(Σ_k q_ik k_jk) (k ascending); m_i = max_j s_ij; e_ij = exp(s_ij − m_i);
//   j runs in pairs (f64x2 lanes: even j / odd j), so Zs = (Σ_even e + Σ_odd e) [+ e_last],
//   Y_k likewise; y = Y/Zs (SA) or y = Y·(exp(m_i)/n) (USA); f_i = y − (Σ_k x_ik y_k) x_i.
//   Stages: k1 = f(x), k2 = f(x + (h/2)k1), k3 = f(x + (h/2)k2), k4 = f(x + h k3),
//   x ← x + (h/6)·(((k1 + 2k2) + 2k3) + k4), then x_i ← x_i / sqrt(Σ_k x_ik²).
import { checkRange } from './lib/memory';
import { expF64, expF64x2 } from './lib/exp';

export function sphereScratchBytes(n: i32, d: i32): i32 {
  return 8 * (9 * n * d + n + 4 * d) + 64;
}

/** f(xs) → out, both n × d row-major. */
function sphereField(
  xs: usize, n: i32, d: i32, Q: usize, K: usize, V: usize, beta: f64, sa: i32, out: usize,
  q: usize, ks: usize, vs: usize, row: usize, acc: usize,
): void {
  const rb = <usize>d << 3;
  const nb = <usize>n << 3;
  for (let a = 0; a < n; a++) {
    const xa = xs + <usize>a * rb;
    for (let k = 0; k < d; k++) {
      const o = <usize>(k * d) << 3;
      let sq = 0.0, sk = 0.0, sv = 0.0;
      for (let j = 0; j < d; j++) {
        const x = load<f64>(xa + (<usize>j << 3));
        const oj = o + (<usize>j << 3);
        sq = sq + load<f64>(Q + oj) * x;
        sk = sk + load<f64>(K + oj) * x;
        sv = sv + load<f64>(V + oj) * x;
      }
      store<f64>(q + <usize>a * rb + (<usize>k << 3), sq);
      store<f64>(ks + <usize>k * nb + (<usize>a << 3), sk);
      store<f64>(vs + <usize>k * nb + (<usize>a << 3), sv);
    }
  }
  const zero = f64x2.splat(0.0);
  const vb = f64x2.splat(beta);
  const even = n & ~1;
  for (let i = 0; i < n; i++) {
    const qi = q + <usize>i * rb;
    let mv = f64x2.splat(-Infinity);
    for (let j = 0; j < even; j += 2) {
      let s = zero;
      for (let k = 0; k < d; k++) {
        s = f64x2.add(s, f64x2.mul(f64x2.splat(load<f64>(qi + (<usize>k << 3))), v128.load(ks + <usize>k * nb + (<usize>j << 3))));
      }
      s = f64x2.mul(vb, s);
      v128.store(row + (<usize>j << 3), s);
      mv = f64x2.max(mv, s);
    }
    let m = max(f64x2.extract_lane(mv, 0), f64x2.extract_lane(mv, 1));
    if (n & 1) {
      let s = 0.0;
      for (let k = 0; k < d; k++) s = s + load<f64>(qi + (<usize>k << 3)) * load<f64>(ks + <usize>k * nb + (<usize>even << 3));
      s = beta * s;
      store<f64>(row + (<usize>even << 3), s);
      m = max(m, s);
    }
    const vm = f64x2.splat(m);
    let zs = zero;
    for (let k = 0; k < d; k++) v128.store(acc + (<usize>k << 4), zero);
    for (let j = 0; j < even; j += 2) {
      const e = expF64x2(f64x2.sub(v128.load(row + (<usize>j << 3)), vm));
      zs = f64x2.add(zs, e);
      for (let k = 0; k < d; k++) {
        const pa = acc + (<usize>k << 4);
        v128.store(pa, f64x2.add(v128.load(pa), f64x2.mul(e, v128.load(vs + <usize>k * nb + (<usize>j << 3)))));
      }
    }
    let Z = f64x2.extract_lane(zs, 0) + f64x2.extract_lane(zs, 1);
    let eLast = 0.0;
    if (n & 1) {
      eLast = expF64(load<f64>(row + (<usize>even << 3)) - m);
      Z = Z + eLast;
    }
    const scale = sa ? 0.0 : expF64(m) / <f64>n;
    const xi = xs + <usize>i * rb;
    const oi = out + <usize>i * rb;
    let dotxy = 0.0;
    for (let k = 0; k < d; k++) {
      const pa = acc + (<usize>k << 4);
      let Y = f64x2.extract_lane(v128.load(pa), 0) + f64x2.extract_lane(v128.load(pa), 1);
      if (n & 1) Y = Y + eLast * load<f64>(vs + <usize>k * nb + (<usize>even << 3));
      const y = sa ? Y / Z : Y * scale;
      store<f64>(oi + (<usize>k << 3), y);
      dotxy = dotxy + load<f64>(xi + (<usize>k << 3)) * y;
    }
    for (let k = 0; k < d; k++) {
      const o = <usize>k << 3;
      store<f64>(oi + o, load<f64>(oi + o) - dotxy * load<f64>(xi + o));
    }
  }
}

export function sphereRk4(
  x: usize, n: i32, d: i32, Q: usize, K: usize, V: usize, beta: f64, sa: i32,
  h: f64, steps: i32, scratch: usize,
): void {
  const nd = <usize>(n * d) << 3;
  checkRange(x, nd);
  checkRange(Q, <usize>(d * d) << 3);
  checkRange(K, <usize>(d * d) << 3);
  checkRange(V, <usize>(d * d) << 3);
  checkRange(scratch, <usize>sphereScratchBytes(n, d));
  const xs = scratch, f = xs + nd, acc4 = f + nd, q = acc4 + nd, ks = q + nd, vs = ks + nd;
  const row = vs + nd, acc = row + (<usize>n << 3);
  const cnt = n * d;
  const half = 0.5 * h, sixth = h / 6.0;
  for (let s = 0; s < steps; s++) {
    sphereField(x, n, d, Q, K, V, beta, sa, acc4, q, ks, vs, row, acc);
    for (let t = 0; t < cnt; t++) {
      const o = <usize>t << 3;
      store<f64>(xs + o, load<f64>(x + o) + half * load<f64>(acc4 + o));
    }
    sphereField(xs, n, d, Q, K, V, beta, sa, f, q, ks, vs, row, acc);
    for (let t = 0; t < cnt; t++) {
      const o = <usize>t << 3;
      store<f64>(acc4 + o, load<f64>(acc4 + o) + 2.0 * load<f64>(f + o));
      store<f64>(xs + o, load<f64>(x + o) + half * load<f64>(f + o));
    }
    sphereField(xs, n, d, Q, K, V, beta, sa, f, q, ks, vs, row, acc);
    for (let t = 0; t < cnt; t++) {
      const o = <usize>t << 3;
      store<f64>(acc4 + o, load<f64>(acc4 + o) + 2.0 * load<f64>(f + o));
      store<f64>(xs + o, load<f64>(x + o) + h * load<f64>(f + o));
    }
    sphereField(xs, n, d, Q, K, V, beta, sa, f, q, ks, vs, row, acc);
    for (let i = 0; i < n; i++) {
      const xi = x + (<usize>(i * d) << 3);
      let r2 = 0.0;
      for (let k = 0; k < d; k++) {
        const o = (<usize>(i * d + k)) << 3;
        const v = load<f64>(x + o) + sixth * (load<f64>(acc4 + o) + load<f64>(f + o));
        store<f64>(x + o, v);
        r2 = r2 + v * v;
      }
      const r = sqrt(r2);
      for (let k = 0; k < d; k++) store<f64>(xi + (<usize>k << 3), load<f64>(xi + (<usize>k << 3)) / r);
    }
  }
}
