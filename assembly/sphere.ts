// Self-attention particles on the unit sphere S^{d−1} (Geshkovski, Letrouit, Polyanskiy,
// Rigollet, arXiv 2312.10794; docs/algorithms/attention.md):
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
//
// Symmetric field (sym = 1, used when QᵀK is symmetric, e.g. Q = K = I): then
// ⟨Qx_i, Kx_j⟩ = ⟨Qx_j, Kx_i⟩, and with ONE shift for all rows,
//   c = β·max_i|q_i|·max_j|k_j|  (so every exponent s_ij − c ≤ 0 up to rounding),
// the weights e_ij = exp(s_ij − c) are symmetric: each unordered pair costs one score and one
// exp, added to row i (lanes over j) and to row j (column accumulators zc, yc, SoA). The shift
// cancels in SA and is put back as e^c/n in USA. Exponents lie in [−2c, 0]; with c ≤ 300 no
// weight is subnormal, so this is as accurate as the per-row shift (a field evaluation with
// c > 300 falls back to the per-row path). Order, mirrored by the twin: for i ascending,
// pairs j = i+1, i+3, … in f64x2 lanes (s = β·Σ_k q_ik k_jk, k ascending), a scalar tail
// j = n−1 when n−i−1 is odd (e_t), the diagonal e_ii;
//   Z_i = ((zc_i + e_ii) + (lane0 + lane1)) + e_t,   Y_ik = ((yc_ki + e_ii v_ik) + (lane0 + lane1)) + e_t v_{n−1,k},
// where zc_i, yc_ki collect e_ai, e_ai v_ak from the rows a < i in ascending a.
import { checkRange } from './lib/memory';
import { expF64, expF64x2 } from './lib/exp';

// @ts-ignore: decorator
@inline const SHIFT_MAX: f64 = 300.0;

export function sphereScratchBytes(n: i32, d: i32): i32 {
  return 8 * (9 * n * d + 2 * n + 4 * d) + 64;
}

/** q = Q x (row-major), ks = K x and vs = V x (d × n, SoA). */
function projections(xs: usize, n: i32, d: i32, Q: usize, K: usize, V: usize, q: usize, ks: usize, vs: usize): void {
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
}

/** out_i = y_i − ⟨x_i, y_i⟩ x_i with y_i = Y/Z (SA) or Y·scale (USA); Y in yv[k·stride]. */
// @ts-ignore: decorator
@inline
function project(xi: usize, oi: usize, d: i32, sa: i32, Z: f64, scale: f64, Y: usize): void {
  let dotxy = 0.0;
  for (let k = 0; k < d; k++) {
    const y = sa ? load<f64>(Y + (<usize>k << 3)) / Z : load<f64>(Y + (<usize>k << 3)) * scale;
    store<f64>(oi + (<usize>k << 3), y);
    dotxy = dotxy + load<f64>(xi + (<usize>k << 3)) * y;
  }
  for (let k = 0; k < d; k++) {
    const o = <usize>k << 3;
    store<f64>(oi + o, load<f64>(oi + o) - dotxy * load<f64>(xi + o));
  }
}

/** Symmetric field (see the header); returns false (nothing written) when c > SHIFT_MAX. */
function sphereFieldSym(
  xs: usize, n: i32, d: i32, beta: f64, sa: i32, out: usize,
  q: usize, ks: usize, vs: usize, acc: usize, zc: usize, yc: usize, ybuf: usize,
): bool {
  const rb = <usize>d << 3;
  const nb = <usize>n << 3;
  let mq = 0.0, mk = 0.0;
  for (let a = 0; a < n; a++) {
    let sq = 0.0, sk = 0.0;
    for (let k = 0; k < d; k++) {
      const u = load<f64>(q + <usize>a * rb + (<usize>k << 3));
      const v = load<f64>(ks + <usize>k * nb + (<usize>a << 3));
      sq = sq + u * u;
      sk = sk + v * v;
    }
    mq = max(mq, sq);
    mk = max(mk, sk);
  }
  const c = beta * (sqrt(mq) * sqrt(mk));
  if (!(c <= SHIFT_MAX)) return false;
  memory.fill(zc, 0, nb);
  memory.fill(yc, 0, <usize>d * nb);
  const zero = f64x2.splat(0.0);
  const vb = f64x2.splat(beta), vc = f64x2.splat(c);
  const scale = sa ? 0.0 : expF64(c) / <f64>n;
  for (let i = 0; i < n; i++) {
    const qi = q + <usize>i * rb;
    const pi = <usize>i << 3;
    let zr = zero;
    for (let k = 0; k < d; k++) v128.store(acc + (<usize>k << 4), zero);
    let p = i + 1;
    if (d == 3) {
      // the same operations as the generic loop below, with q_i, v_i and the row sums in registers
      const q0 = f64x2.splat(load<f64>(qi)), q1 = f64x2.splat(load<f64>(qi + 8)), q2 = f64x2.splat(load<f64>(qi + 16));
      const v0 = f64x2.splat(load<f64>(vs + pi)), v1 = f64x2.splat(load<f64>(vs + nb + pi)), v2 = f64x2.splat(load<f64>(vs + 2 * nb + pi));
      const k0 = ks, k1 = ks + nb, k2 = ks + 2 * nb, w0 = vs, w1 = vs + nb, w2 = vs + 2 * nb;
      const y0 = yc, y1 = yc + nb, y2 = yc + 2 * nb;
      let a0 = zero, a1 = zero, a2 = zero;
      for (; p + 1 < n; p += 2) {
        const pp = <usize>p << 3;
        let s = f64x2.add(zero, f64x2.mul(q0, v128.load(k0 + pp)));
        s = f64x2.add(s, f64x2.mul(q1, v128.load(k1 + pp)));
        s = f64x2.add(s, f64x2.mul(q2, v128.load(k2 + pp)));
        const e = expF64x2(f64x2.sub(f64x2.mul(vb, s), vc));
        zr = f64x2.add(zr, e);
        v128.store(zc + pp, f64x2.add(v128.load(zc + pp), e));
        a0 = f64x2.add(a0, f64x2.mul(e, v128.load(w0 + pp)));
        v128.store(y0 + pp, f64x2.add(v128.load(y0 + pp), f64x2.mul(e, v0)));
        a1 = f64x2.add(a1, f64x2.mul(e, v128.load(w1 + pp)));
        v128.store(y1 + pp, f64x2.add(v128.load(y1 + pp), f64x2.mul(e, v1)));
        a2 = f64x2.add(a2, f64x2.mul(e, v128.load(w2 + pp)));
        v128.store(y2 + pp, f64x2.add(v128.load(y2 + pp), f64x2.mul(e, v2)));
      }
      v128.store(acc, a0);
      v128.store(acc + 16, a1);
      v128.store(acc + 32, a2);
    }
    for (; p + 1 < n; p += 2) {
      const pp = <usize>p << 3;
      let s = zero;
      for (let k = 0; k < d; k++) {
        s = f64x2.add(s, f64x2.mul(f64x2.splat(load<f64>(qi + (<usize>k << 3))), v128.load(ks + <usize>k * nb + pp)));
      }
      const e = expF64x2(f64x2.sub(f64x2.mul(vb, s), vc));
      zr = f64x2.add(zr, e);
      v128.store(zc + pp, f64x2.add(v128.load(zc + pp), e));
      for (let k = 0; k < d; k++) {
        const row = <usize>k * nb;
        const pa = acc + (<usize>k << 4);
        v128.store(pa, f64x2.add(v128.load(pa), f64x2.mul(e, v128.load(vs + row + pp))));
        const py = yc + row + pp;
        v128.store(py, f64x2.add(v128.load(py), f64x2.mul(e, f64x2.splat(load<f64>(vs + row + pi)))));
      }
    }
    let et = 0.0;
    const last = <usize>(n - 1) << 3;
    if (p < n) {
      let s = 0.0;
      for (let k = 0; k < d; k++) s = s + load<f64>(qi + (<usize>k << 3)) * load<f64>(ks + <usize>k * nb + last);
      et = expF64(beta * s - c);
      store<f64>(zc + last, load<f64>(zc + last) + et);
      for (let k = 0; k < d; k++) {
        const py = yc + <usize>k * nb + last;
        store<f64>(py, load<f64>(py) + et * load<f64>(vs + <usize>k * nb + pi));
      }
    }
    let sii = 0.0;
    for (let k = 0; k < d; k++) sii = sii + load<f64>(qi + (<usize>k << 3)) * load<f64>(ks + <usize>k * nb + pi);
    const eii = expF64(beta * sii - c);
    const Z = ((load<f64>(zc + pi) + eii) + (f64x2.extract_lane(zr, 0) + f64x2.extract_lane(zr, 1))) + et;
    for (let k = 0; k < d; k++) {
      const row = <usize>k * nb;
      const a = v128.load(acc + (<usize>k << 4));
      const Y = ((load<f64>(yc + row + pi) + eii * load<f64>(vs + row + pi)) + (f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1))) + et * load<f64>(vs + row + last);
      store<f64>(ybuf + (<usize>k << 3), Y);
    }
    project(xs + <usize>i * rb, out + <usize>i * rb, d, sa, Z, scale, ybuf);
  }
  return true;
}

/** f(xs) → out, both n × d row-major; the symmetric path when sym = 1 and c ≤ SHIFT_MAX. */
function sphereField(
  xs: usize, n: i32, d: i32, Q: usize, K: usize, V: usize, beta: f64, sa: i32, sym: i32, out: usize,
  q: usize, ks: usize, vs: usize, row: usize, acc: usize, zc: usize, yc: usize,
): void {
  const rb = <usize>d << 3;
  const nb = <usize>n << 3;
  projections(xs, n, d, Q, K, V, q, ks, vs);
  if (sym && sphereFieldSym(xs, n, d, beta, sa, out, q, ks, vs, acc, zc, yc, yc + <usize>d * nb)) return;
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
  h: f64, steps: i32, sym: i32, scratch: usize,
): void {
  const nd = <usize>(n * d) << 3;
  checkRange(x, nd);
  checkRange(Q, <usize>(d * d) << 3);
  checkRange(K, <usize>(d * d) << 3);
  checkRange(V, <usize>(d * d) << 3);
  checkRange(scratch, <usize>sphereScratchBytes(n, d));
  const xs = scratch, f = xs + nd, acc4 = f + nd, q = acc4 + nd, ks = q + nd, vs = ks + nd;
  const row = vs + nd, acc = (row + (<usize>n << 3) + 15) & ~(<usize>15);
  const zc = acc + (<usize>d << 4), yc = zc + (<usize>n << 3);
  const cnt = n * d;
  const half = 0.5 * h, sixth = h / 6.0;
  for (let s = 0; s < steps; s++) {
    sphereField(x, n, d, Q, K, V, beta, sa, sym, acc4, q, ks, vs, row, acc, zc, yc);
    for (let t = 0; t < cnt; t++) {
      const o = <usize>t << 3;
      store<f64>(xs + o, load<f64>(x + o) + half * load<f64>(acc4 + o));
    }
    sphereField(xs, n, d, Q, K, V, beta, sa, sym, f, q, ks, vs, row, acc, zc, yc);
    for (let t = 0; t < cnt; t++) {
      const o = <usize>t << 3;
      store<f64>(acc4 + o, load<f64>(acc4 + o) + 2.0 * load<f64>(f + o));
      store<f64>(xs + o, load<f64>(x + o) + half * load<f64>(f + o));
    }
    sphereField(xs, n, d, Q, K, V, beta, sa, sym, f, q, ks, vs, row, acc, zc, yc);
    for (let t = 0; t < cnt; t++) {
      const o = <usize>t << 3;
      store<f64>(acc4 + o, load<f64>(acc4 + o) + 2.0 * load<f64>(f + o));
      store<f64>(xs + o, load<f64>(x + o) + h * load<f64>(f + o));
    }
    sphereField(xs, n, d, Q, K, V, beta, sa, sym, f, q, ks, vs, row, acc, zc, yc);
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
