// The exact score of the heat flow started at an empirical measure (survey arXiv 2510.03303,
// §5; docs/algorithms/diffusion.md): for data x_1..x_n and u(·,t) = (1/n) Σ_j G(· − x_j, t),
// G the heat kernel of variance 2t,
//   s(x, t) = ∇ log u(x, t) = Σ_j w_j (x_j − x) / (2t),   w = softmax_j(−|x − x_j|² / (4t)),
// evaluated at m query points. A softmax over the data points, numerically stable:
//   D_j = |x − x_j|² (direct differences, no |x|² − 2⟨x, x_j⟩ + |x_j|² cancellation),
//   D_min = min_j D_j,  a_j = (D_min − D_j)·c  with c = 1/(4t), so a_j ≤ 0 and a_j = 0 at the
//   nearest data point: the row sum Z = Σ_j e^{a_j} ≥ 1 whatever t is (no 0/0 when every
//   unshifted weight underflows);
//   e_j = exp(a_j) (assembly/lib/exp.ts), and e_j := 0 when a_j < cut, cut = ln(2^−53 / n)
//   chosen on the TS side, so the dropped mass is below 2^−53 of Z;
//   s = (Σ_j e_j x_j / Z − x)·(2c).
//
// Layout: the data are passed TRANSPOSED, dT (d × n, row k = coordinate k of every data
// point), so that f64x2 lanes run over pairs of data points (j, j+1).
//
// Operation order (mirrored by src/kernels/score.ts, bit for bit):
//   pass 1, pairs j = 0, 2, …: D lanes = Σ_k (x_k − dT[k][j..j+1])², ascending k, starting
//     from 0; odd tail j = n−1 the same in scalar. D_min: lane-wise running min over the pairs
//     (f64x2.pmin — one instruction; equal to min since D ≥ +0 is never NaN or −0 for finite
//     input), then min(lane0, lane1), then min with the tail.
//   pass 2, pairs: a = (D_min − D)·c; pairs with both lanes < cut are skipped; e = exp(a) with
//     lanes below the cut set to +0; Z lanes += e; A_k lanes += e·dT[k][j..j+1].
//     Z = (Z lane 0 + Z lane 1) + e_tail; A_k = (A_k lane 0 + A_k lane 1) + e_tail·dT[k][n−1]
//     (the tail term is always added, e_tail = 0 below the cut).
//   s_k = (A_k / Z − x_k)·(c + c).
import { checkRange } from './lib/memory';
import { expF64, expF64x2 } from './lib/exp';

/** Scratch bytes of scoreBatch: the n squared distances and 2d accumulators. */
export function scoreScratchBytes(n: i32, d: i32): i32 {
  return 8 * (n + 2 * d + 4) + 32;
}

/**
 * out (m × d) ← s(x_i, t) for every row x_i of x (m × d); dT is the data transposed (d × n),
 * c = 1/(4t) > 0, cut = ln(2^−53/n). Requires n ≥ 1.
 */
export function scoreBatch(x: usize, m: i32, d: i32, dT: usize, n: i32, c: f64, cut: f64, out: usize, scratch: usize): void {
  checkRange(x, <usize>(m * d) << 3);
  checkRange(dT, <usize>(n * d) << 3);
  checkRange(out, <usize>(m * d) << 3);
  checkRange(scratch, <usize>scoreScratchBytes(n, d));
  const row = (scratch + 15) & ~(<usize>15);
  const acc = row + ((<usize>(n + 1) << 3) & ~(<usize>15)) + 16;
  const rb = <usize>d << 3;
  const nb = <usize>n << 3;
  const even = n & ~1;
  const vc = f64x2.splat(c);
  const vcut = f64x2.splat(cut);
  const c2 = c + c;
  for (let i = 0; i < m; i++) {
    const xi = x + <usize>i * rb;
    const oi = out + <usize>i * rb;
    // pass 1: squared distances and their minimum
    let mv = f64x2.splat(Infinity);
    if (d == 2) {
      const x0 = f64x2.splat(load<f64>(xi)), x1 = f64x2.splat(load<f64>(xi + 8));
      for (let j = 0; j < even; j += 2) {
        const o = <usize>j << 3;
        const u = f64x2.sub(x0, v128.load(dT + o));
        const v = f64x2.sub(x1, v128.load(dT + nb + o));
        const D = f64x2.add(f64x2.add(f64x2.splat(0.0), f64x2.mul(u, u)), f64x2.mul(v, v));
        v128.store(row + o, D);
        mv = f64x2.pmin(mv, D);
      }
    } else {
      for (let j = 0; j < even; j += 2) {
        const o = <usize>j << 3;
        let D = f64x2.splat(0.0);
        for (let k = 0; k < d; k++) {
          const u = f64x2.sub(f64x2.splat(load<f64>(xi + (<usize>k << 3))), v128.load(dT + <usize>k * nb + o));
          D = f64x2.add(D, f64x2.mul(u, u));
        }
        v128.store(row + o, D);
        mv = f64x2.pmin(mv, D);
      }
    }
    let dmin = min(f64x2.extract_lane(mv, 0), f64x2.extract_lane(mv, 1));
    if (n & 1) {
      const o = <usize>even << 3;
      let D = 0.0;
      for (let k = 0; k < d; k++) {
        const u = load<f64>(xi + (<usize>k << 3)) - load<f64>(dT + <usize>k * nb + o);
        D = D + u * u;
      }
      store<f64>(row + o, D);
      dmin = min(dmin, D);
    }
    // pass 2: shifted weights and the weighted mean of the data
    const vmin = f64x2.splat(dmin);
    let zs = f64x2.splat(0.0);
    let z = 0.0;
    if (d == 2) {
      let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0);
      for (let j = 0; j < even; j += 2) {
        const o = <usize>j << 3;
        const a = f64x2.mul(f64x2.sub(vmin, v128.load(row + o)), vc);
        const keep = f64x2.ge(a, vcut);
        if (!v128.any_true(keep)) continue;
        const e = v128.and(expF64x2(a), keep);
        zs = f64x2.add(zs, e);
        a0 = f64x2.add(a0, f64x2.mul(e, v128.load(dT + o)));
        a1 = f64x2.add(a1, f64x2.mul(e, v128.load(dT + nb + o)));
      }
      let s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
      let s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
      z = f64x2.extract_lane(zs, 0) + f64x2.extract_lane(zs, 1);
      if (n & 1) {
        const o = <usize>even << 3;
        const a = (dmin - load<f64>(row + o)) * c;
        const e = a >= cut ? expF64(a) : 0.0;
        z = z + e;
        s0 = s0 + e * load<f64>(dT + o);
        s1 = s1 + e * load<f64>(dT + nb + o);
      }
      store<f64>(oi, (s0 / z - load<f64>(xi)) * c2);
      store<f64>(oi + 8, (s1 / z - load<f64>(xi + 8)) * c2);
    } else {
      for (let k = 0; k < d; k++) v128.store(acc + (<usize>k << 4), f64x2.splat(0.0));
      for (let j = 0; j < even; j += 2) {
        const o = <usize>j << 3;
        const a = f64x2.mul(f64x2.sub(vmin, v128.load(row + o)), vc);
        const keep = f64x2.ge(a, vcut);
        if (!v128.any_true(keep)) continue;
        const e = v128.and(expF64x2(a), keep);
        zs = f64x2.add(zs, e);
        for (let k = 0; k < d; k++) {
          const p = acc + (<usize>k << 4);
          v128.store(p, f64x2.add(v128.load(p), f64x2.mul(e, v128.load(dT + <usize>k * nb + o))));
        }
      }
      z = f64x2.extract_lane(zs, 0) + f64x2.extract_lane(zs, 1);
      let e = 0.0;
      const ot = <usize>even << 3;
      if (n & 1) {
        const a = (dmin - load<f64>(row + ot)) * c;
        e = a >= cut ? expF64(a) : 0.0;
        z = z + e;
      }
      for (let k = 0; k < d; k++) {
        const p = acc + (<usize>k << 4);
        let s = f64x2.extract_lane(v128.load(p), 0) + f64x2.extract_lane(v128.load(p), 1);
        if (n & 1) s = s + e * load<f64>(dT + <usize>k * nb + ot);
        store<f64>(oi + (<usize>k << 3), (s / z - load<f64>(xi + (<usize>k << 3))) * c2);
      }
    }
  }
}
