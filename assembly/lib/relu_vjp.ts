// The vector–Jacobian product of the batched ReLU field f(y) = W relu(A y + b) (survey
// arXiv 2510.03303, eq. 3.3–3.4) on a tile of TILE points (SoA, f64x2 across points), with the
// parameter gradients accumulated: for a cotangent v (d × TILE),
//   u_i = [s_i > 0] ⟨w_i, v⟩,           s_i = ⟨a_i, y⟩ + b_i,
//   out_k = Σ_i A_ik u_i                 (Jᵀ v, one value per point),
//   gW[k,i] += Σ_points v_k relu(s_i),   gA[i,k] += Σ_points u_i y_k,   gb[i] += Σ_points u_i.
// Used by the discrete adjoints assembly/rk4_adjoint.ts and assembly/euler_adjoint.ts
// (docs/algorithms/training.md). Operation order is fixed and mirrored by the twin
// (src/kernels/rk4_adjoint.ts, reluVjpTile):
//   s_i as in tileField (((b_i + A_i0 y_0) + A_i1 y_1) + …); a neuron with s_i ≤ 0 on every lane
//   of the tile (max(s_i, 0) all zero) is skipped;
//   ⟨w_i, v⟩ = (((0 + W_0i v_0) + W_1i v_1) + …); u_i = s_i > 0 ? ⟨w_i, v⟩ : +0;
//   out_k = (((0 + A_{i0,k} u_{i0}) + A_{i1,k} u_{i1}) + …) over the neurons not skipped;
//   a sum over the 8 lanes x_0..x_7 is ((x0 + x2) + (x4 + x6)) + ((x1 + x3) + (x5 + x7)).
import { TILE_BYTES_PER_COORD } from './relu_tile';

/** Lane sum of the 8 lanes held in 4 vectors, in the fixed order documented above. */
@inline
export function hsum4(a0: v128, a1: v128, a2: v128, a3: v128): f64 {
  const t = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}

@inline
function addTo(ptr: usize, v: f64): void {
  store<f64>(ptr, load<f64>(ptr) + v);
}

/** out ← Jᵀ v at the tile y; gW (d×p), gA (p×d), gb (p) accumulate the parameter gradients. */
export function reluVjpTile(
  y: usize, v: usize, out: usize, d: i32, W: usize, A: usize, b: usize, p: i32,
  gW: usize, gA: usize, gb: usize,
): void {
  const zero = f64x2.splat(0.0);
  for (let k = 0; k < d; k++) {
    const o = out + <usize>(k * TILE_BYTES_PER_COORD);
    v128.store(o, zero);
    v128.store(o, zero, 16);
    v128.store(o, zero, 32);
    v128.store(o, zero, 48);
  }
  const wstride = <usize>p << 3;
  for (let i = 0; i < p; i++) {
    const bi = v128.load64_splat(b + (<usize>i << 3));
    let s0 = bi, s1 = bi, s2 = bi, s3 = bi;
    const arow = A + <usize>(i * d) * 8;
    for (let k = 0; k < d; k++) {
      const a = v128.load64_splat(arow + (<usize>k << 3));
      const yk = y + <usize>(k * TILE_BYTES_PER_COORD);
      s0 = f64x2.add(s0, f64x2.mul(a, v128.load(yk)));
      s1 = f64x2.add(s1, f64x2.mul(a, v128.load(yk, 16)));
      s2 = f64x2.add(s2, f64x2.mul(a, v128.load(yk, 32)));
      s3 = f64x2.add(s3, f64x2.mul(a, v128.load(yk, 48)));
    }
    const r0 = f64x2.max(s0, zero), r1 = f64x2.max(s1, zero), r2 = f64x2.max(s2, zero), r3 = f64x2.max(s3, zero);
    if (!v128.any_true(v128.or(v128.or(r0, r1), v128.or(r2, r3)))) continue;
    // ⟨w_i, v⟩ and gW[:, i]
    let w0 = zero, w1 = zero, w2 = zero, w3 = zero;
    for (let k = 0; k < d; k++) {
      const wk = v128.load64_splat(W + <usize>k * wstride + (<usize>i << 3));
      const vk = v + <usize>(k * TILE_BYTES_PER_COORD);
      const v0 = v128.load(vk), v1 = v128.load(vk, 16), v2 = v128.load(vk, 32), v3 = v128.load(vk, 48);
      w0 = f64x2.add(w0, f64x2.mul(wk, v0));
      w1 = f64x2.add(w1, f64x2.mul(wk, v1));
      w2 = f64x2.add(w2, f64x2.mul(wk, v2));
      w3 = f64x2.add(w3, f64x2.mul(wk, v3));
      addTo(gW + <usize>k * wstride + (<usize>i << 3), hsum4(f64x2.mul(v0, r0), f64x2.mul(v1, r1), f64x2.mul(v2, r2), f64x2.mul(v3, r3)));
    }
    const u0 = v128.and(w0, f64x2.gt(s0, zero));
    const u1 = v128.and(w1, f64x2.gt(s1, zero));
    const u2 = v128.and(w2, f64x2.gt(s2, zero));
    const u3 = v128.and(w3, f64x2.gt(s3, zero));
    addTo(gb + (<usize>i << 3), hsum4(u0, u1, u2, u3));
    for (let k = 0; k < d; k++) {
      const yk = y + <usize>(k * TILE_BYTES_PER_COORD);
      addTo(gA + <usize>(i * d + k) * 8, hsum4(
        f64x2.mul(u0, v128.load(yk)), f64x2.mul(u1, v128.load(yk, 16)),
        f64x2.mul(u2, v128.load(yk, 32)), f64x2.mul(u3, v128.load(yk, 48)),
      ));
      const a = v128.load64_splat(arow + (<usize>k << 3));
      const o = out + <usize>(k * TILE_BYTES_PER_COORD);
      v128.store(o, f64x2.add(v128.load(o), f64x2.mul(a, u0)));
      v128.store(o, f64x2.add(v128.load(o, 16), f64x2.mul(a, u1)), 16);
      v128.store(o, f64x2.add(v128.load(o, 32), f64x2.mul(a, u2)), 32);
      v128.store(o, f64x2.add(v128.load(o, 48), f64x2.mul(a, u3)), 48);
    }
  }
}

/** acc (TILE lanes) += Σ_k a_k b_k per lane, the sum over k in ascending order starting from
 *  (0 + a_0 b_0), then scaled: acc += c · (Σ_k a_k b_k). */
@inline
export function dotTileAcc(acc: usize, a: usize, bb: usize, d: i32, c: v128): void {
  const zero = f64x2.splat(0.0);
  let t0 = zero, t1 = zero, t2 = zero, t3 = zero;
  for (let k = 0; k < d; k++) {
    const o = <usize>(k * TILE_BYTES_PER_COORD);
    t0 = f64x2.add(t0, f64x2.mul(v128.load(a + o), v128.load(bb + o)));
    t1 = f64x2.add(t1, f64x2.mul(v128.load(a + o, 16), v128.load(bb + o, 16)));
    t2 = f64x2.add(t2, f64x2.mul(v128.load(a + o, 32), v128.load(bb + o, 32)));
    t3 = f64x2.add(t3, f64x2.mul(v128.load(a + o, 48), v128.load(bb + o, 48)));
  }
  v128.store(acc, f64x2.add(v128.load(acc), f64x2.mul(c, t0)));
  v128.store(acc, f64x2.add(v128.load(acc, 16), f64x2.mul(c, t1)), 16);
  v128.store(acc, f64x2.add(v128.load(acc, 32), f64x2.mul(c, t2)), 32);
  v128.store(acc, f64x2.add(v128.load(acc, 48), f64x2.mul(c, t3)), 48);
}

/** dst = x + c*y over d × TILE values (the forward stage inputs, as in rk4.ts). */
@inline
export function axpyTileV(dst: usize, x: usize, c: v128, y: usize, d: i32): void {
  for (let k = 0; k < d; k++) {
    const o = <usize>(k * TILE_BYTES_PER_COORD);
    v128.store(dst + o, f64x2.add(v128.load(x + o), f64x2.mul(c, v128.load(y + o))));
    v128.store(dst + o, f64x2.add(v128.load(x + o, 16), f64x2.mul(c, v128.load(y + o, 16))), 16);
    v128.store(dst + o, f64x2.add(v128.load(x + o, 32), f64x2.mul(c, v128.load(y + o, 32))), 32);
    v128.store(dst + o, f64x2.add(v128.load(x + o, 48), f64x2.mul(c, v128.load(y + o, 48))), 48);
  }
}
