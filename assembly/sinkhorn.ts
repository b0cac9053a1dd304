// Entropic optimal transport by Sinkhorn iterations, log-domain stabilised by absorption
// (Schmitzer 2019, "Stabilized sparse scaling algorithms for entropy regularized transport
// problems", SIAM J. Sci. Comput. 41(3), Alg. 2; the dense kernel here, the truncated one with a
// rigorous keep rule further down):
//
//   P_ij = u_i · K_ij · v_j,   K_ij = exp((f_i + g_j − C_ij) / ε)
//
// (f, g) are the absorbed dual potentials (cost units), (u, v) the scalings on top of them.
// An iteration is  u ← a / (K v),  v ← b / (Kᵀ u); when some scaling leaves [1/τ, τ] it is
// absorbed: f ← f + ε log u, g ← g + ε log v, K recomputed, u = v = 1. So the hot loop is two
// matrix–vector products with no exp; exps happen only on absorption / ε change.
//
// Fused pass (one sweep of K per iteration): for row i, s_i = Σ_j K_ij v_j (f64x2, two lane
// accumulators), u_i = a_i / s_i, and immediately acc_j += K_ij u_i while the row is in cache;
// then v_j = b_j / acc_j. The row marginal of the previous iterate, u_i^old · s_i, is known
// in passing, so residual = Σ_i |u_i^old s_i − a_i| costs nothing.
// Twin: src/kernels/sinkhorn.ts (same lane structure and order).
import { checkRange } from './lib/memory';
import { expF64x2 } from './lib/exp';

// @ts-ignore: decorator
@inline function at(base: usize, i: i32): usize { return base + (<usize>i << 3); }

/** Σ_j row_j v_j with four f64x2 accumulators: A_q gets j ≡ 2q, 2q+1 (mod 8) for j < m8, the
 *  tail pairs go to A_0; result = lane0 + lane1 of ((A_0 + A_1) + (A_2 + A_3)). */
// @ts-ignore: decorator
@inline
function rowDot(row: usize, v: usize, me: i32, m8: i32): f64 {
  let s0 = f64x2.splat(0.0), s1 = s0, s2 = s0, s3 = s0;
  let j = 0;
  for (; j < m8; j += 8) {
    const o = <usize>j << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(row + o), v128.load(v + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(row + o, 16), v128.load(v + o, 16)));
    s2 = f64x2.add(s2, f64x2.mul(v128.load(row + o, 32), v128.load(v + o, 32)));
    s3 = f64x2.add(s3, f64x2.mul(v128.load(row + o, 48), v128.load(v + o, 48)));
  }
  for (; j < me; j += 2) {
    const o = <usize>j << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(row + o), v128.load(v + o)));
  }
  const t = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}

/** K_ij = exp((f_i + g_j − C_ij) / ε) for the n × m matrices C, K (row stride me = even m). */
export function sinkhornKernel(C: usize, K: usize, n: i32, m: i32, f: usize, g: usize, eps: f64): void {
  const me = (m + 1) & ~1;
  checkRange(C, (<usize>n * <usize>me) << 3);
  checkRange(K, (<usize>n * <usize>me) << 3);
  checkRange(f, <usize>n << 3);
  checkRange(g, <usize>me << 3);
  const inv = f64x2.splat(1.0 / eps);
  for (let i = 0; i < n; i++) {
    const ro = (<usize>i * <usize>me) << 3;
    const fi = f64x2.splat(load<f64>(at(f, i)));
    for (let j = 0; j < me; j += 2) {
      const o = <usize>j << 3;
      const z = f64x2.mul(f64x2.sub(f64x2.add(fi, v128.load(g + o)), v128.load(C + ro + o)), inv);
      v128.store(K + ro + o, expF64x2(z));
    }
  }
}

/**
 * `iterations` fused Sinkhorn iterations on (u, v) with kernel K (n × me, padding columns of K
 * must be 0 and b, v padded with 0). Stops early, with return value = iterations done, when
 * a scaling leaves [1/τ, τ] (the caller absorbs) or becomes non-finite.
 * info[0] = Σ_i |u_i^old s_i − a_i| of the last iteration (row-marginal L1 error of the iterate
 * before it), info[1] = 1 if stopped for absorption, 2 if non-finite.
 */
export function sinkhornIterate(K: usize, n: i32, m: i32, a: usize, b: usize, u: usize, v: usize, acc: usize, iterations: i32, tau: f64, info: usize): i32 {
  const me = (m + 1) & ~1;
  checkRange(K, (<usize>n * <usize>me) << 3);
  checkRange(a, <usize>n << 3);
  checkRange(b, <usize>me << 3);
  checkRange(u, <usize>n << 3);
  checkRange(v, <usize>me << 3);
  checkRange(acc, <usize>me << 3);
  checkRange(info, 16);
  const lo = 1.0 / tau;
  store<f64>(info + 8, 0.0);
  const m8 = me & ~7;
  for (let it = 0; it < iterations; it++) {
    const zero = f64x2.splat(0.0);
    for (let j = 0; j < me; j += 2) v128.store(acc + (<usize>j << 3), zero);
    let res = 0.0;
    let i = 0;
    // Two rows at a time: both dot products in one sweep (8 independent accumulators), then
    // one fused update acc_j = (acc_j + K_ij u_i) + K_{i+1,j} u_{i+1} — the same rounding as
    // two sequential row updates.
    for (; i + 2 <= n; i += 2) {
      const r0 = K + ((<usize>i * <usize>me) << 3);
      const r1 = r0 + (<usize>me << 3);
      const s0 = rowDot(r0, v, me, m8), s1 = rowDot(r1, v, me, m8);
      const a0 = load<f64>(at(a, i)), a1 = load<f64>(at(a, i + 1));
      res += abs(load<f64>(at(u, i)) * s0 - a0);
      res += abs(load<f64>(at(u, i + 1)) * s1 - a1);
      const u0 = a0 / s0, u1 = a1 / s1;
      store<f64>(at(u, i), u0);
      store<f64>(at(u, i + 1), u1);
      const uv0 = f64x2.splat(u0), uv1 = f64x2.splat(u1);
      for (let j = 0; j < me; j += 2) {
        const o = <usize>j << 3;
        v128.store(acc + o, f64x2.add(f64x2.add(v128.load(acc + o), f64x2.mul(v128.load(r0 + o), uv0)), f64x2.mul(v128.load(r1 + o), uv1)));
      }
    }
    for (; i < n; i++) {
      const row = K + ((<usize>i * <usize>me) << 3);
      const s = rowDot(row, v, me, m8);
      const ai = load<f64>(at(a, i));
      res += abs(load<f64>(at(u, i)) * s - ai);
      const ui = ai / s;
      store<f64>(at(u, i), ui);
      const uv = f64x2.splat(ui);
      for (let j = 0; j < me; j += 2) {
        const o = <usize>j << 3;
        v128.store(acc + o, f64x2.add(v128.load(acc + o), f64x2.mul(v128.load(row + o), uv)));
      }
    }
    let vmax = 0.0, vmin = Infinity;
    for (let j = 0; j < m; j++) {
      const vj = load<f64>(at(b, j)) / load<f64>(at(acc, j));
      store<f64>(at(v, j), vj);
      vmax = max(vmax, vj);
      vmin = min(vmin, vj);
    }
    store<f64>(info, res);
    let umax = 0.0, umin = Infinity;
    for (let i = 0; i < n; i++) {
      const ui = load<f64>(at(u, i));
      umax = max(umax, ui);
      umin = min(umin, ui);
    }
    if (!(umax < Infinity && vmax < Infinity && res == res)) { store<f64>(info + 8, 2.0); return it + 1; }
    if (umax > tau || vmax > tau || umin < lo || vmin < lo) { store<f64>(info + 8, 1.0); return it + 1; }
  }
  return iterations;
}

/** f ← f + ε log u, g ← g + ε log v, u = v = 1 (the absorption step; K is recomputed by the caller). */
export function sinkhornAbsorb(n: i32, m: i32, f: usize, g: usize, u: usize, v: usize, eps: f64): void {
  checkRange(f, <usize>n << 3);
  checkRange(g, <usize>m << 3);
  checkRange(u, <usize>n << 3);
  checkRange(v, <usize>m << 3);
  for (let i = 0; i < n; i++) {
    store<f64>(at(f, i), load<f64>(at(f, i)) + eps * Math.log(load<f64>(at(u, i))));
    store<f64>(at(u, i), 1.0);
  }
  for (let j = 0; j < m; j++) {
    store<f64>(at(g, j), load<f64>(at(g, j)) + eps * Math.log(load<f64>(at(v, j))));
    store<f64>(at(v, j), 1.0);
  }
}

/** Plan statistics: out[0] = ⟨P, C⟩, row marginals r (n), column marginals c (me) of
 *  P = diag(u) K diag(v). */
export function sinkhornPlanStats(C: usize, K: usize, n: i32, m: i32, u: usize, v: usize, r: usize, c: usize, out: usize): void {
  const me = (m + 1) & ~1;
  checkRange(C, (<usize>n * <usize>me) << 3);
  checkRange(K, (<usize>n * <usize>me) << 3);
  checkRange(r, <usize>n << 3);
  checkRange(c, <usize>me << 3);
  checkRange(out, 8);
  const zero = f64x2.splat(0.0);
  for (let j = 0; j < me; j += 2) v128.store(c + (<usize>j << 3), zero);
  let total = 0.0;
  for (let i = 0; i < n; i++) {
    const ro = (<usize>i * <usize>me) << 3;
    const ui = f64x2.splat(load<f64>(at(u, i)));
    let s2 = zero, t2 = zero;
    for (let j = 0; j < me; j += 2) {
      const o = <usize>j << 3;
      const p = f64x2.mul(f64x2.mul(ui, v128.load(K + ro + o)), v128.load(v + o));
      s2 = f64x2.add(s2, p);
      t2 = f64x2.add(t2, f64x2.mul(p, v128.load(C + ro + o)));
      v128.store(c + o, f64x2.add(v128.load(c + o), p));
    }
    store<f64>(at(r, i), f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1));
    total += f64x2.extract_lane(t2, 0) + f64x2.extract_lane(t2, 1);
  }
  store<f64>(out, total);
}

/** Start from c-transforms so that every row and column of K has a largest entry 1:
 *  f_i = min_j C_ij (unless keepF), g_j = min_i (C_ij − f_i); padding columns get g = −Inf
 *  (K = 0 there). With keepF it re-centres g before an ε change, so that f_i + g_j ≤ C_ij and
 *  the new kernel cannot overflow, however large the step in ε. */
export function sinkhornInitPotentials(C: usize, n: i32, m: i32, f: usize, g: usize, keepF: bool): void {
  const me = (m + 1) & ~1;
  checkRange(C, (<usize>n * <usize>me) << 3);
  checkRange(f, <usize>n << 3);
  checkRange(g, <usize>me << 3);
  // (min is exact whatever the order, so the f64x2 version equals the scalar twin; C ≥ +0)
  for (let j = 0; j < me; j++) store<f64>(at(g, j), Infinity);
  for (let i = 0; i < n; i++) {
    const row = C + ((<usize>i * <usize>me) << 3);
    let fi = Infinity;
    if (keepF) fi = load<f64>(at(f, i));
    else {
      let mv = f64x2.splat(Infinity);
      let j = 0;
      for (; j + 2 <= m; j += 2) mv = f64x2.pmin(mv, v128.load(row + (<usize>j << 3)));
      fi = min(f64x2.extract_lane(mv, 0), f64x2.extract_lane(mv, 1));
      for (; j < m; j++) fi = min(fi, load<f64>(at(row, j)));
      store<f64>(at(f, i), fi);
    }
    const fv = f64x2.splat(fi);
    let j = 0;
    for (; j + 2 <= m; j += 2) {
      const o = <usize>j << 3;
      v128.store(g + o, f64x2.pmin(v128.load(g + o), f64x2.sub(v128.load(row + o), fv)));
    }
    for (; j < m; j++) store<f64>(at(g, j), min(load<f64>(at(g, j)), load<f64>(at(row, j)) - fi));
  }
  for (let j = m; j < me; j++) store<f64>(at(g, j), -Infinity);
}

// ───────────────────────── Truncated (sparse) kernel, Schmitzer 2019 §3.3 ─────────────────────────
//
// Between two absorptions the scalings satisfy  max v / min v ≤ R  and  max u / min u ≤ R  for
// every sum they enter (the iterations stop and the caller absorbs as soon as one would not), so
// an entry K_ij can be dropped when it cannot change any row sum s_i = Σ_j K_ij v_j or column
// sum t_j = Σ_i K_ij u_i beyond rounding:
//
//   row i:  Σ_{j dropped} K_ij v_j < m·θ_i·max v   and   s_i ≥ M_i · min v   (M_i = max_j K_ij is kept)
//           ⇒ dropped / kept < m R θ_i / M_i = 2^-54   for   θ_i = 2^-54 · M_i / (m R),
//   column j likewise with N_j = max_i K_ij and θ'_j = 2^-54 · N_j / (n R).
//
// An entry is dropped only when it is below both its row's θ_i and its column's θ'_j, so every
// truncated row and column sum is within a relative 2^-54 (half an ulp) of the untruncated one:
// the iterates equal the dense ones to rounding. In the exponent z_ij = (f_i + g_j − C_ij)/ε:
//   keep  ⇔  z_ij ≥ min(Z_i + L_r, Z'_j + L_c),   L_r = ln(2^-54 / (m R)) − 1,  L_c = ln(2^-54 / (n R)) − 1,
// with Z_i, Z'_j the row/column maxima of z; the extra −1 (a factor e) covers the rounding of exp
// and of the thresholds themselves. Only the ratio matters (u·c, v/c is the same plan), so a
// common drift of the scalings costs no absorption; they are still kept inside [1e-100, 1e100].
// Storage (compressed rows): vals (f64) and col (i32) hold the kept entries row after row, each
// row padded to even length with (0, last column), so rows start at even positions and f64x2
// loads stay aligned; rowStart[i] .. rowStart[i+1] delimit row i.
// The u half of an iteration is accepted only if max u / min u ≤ R; otherwise the iteration stops
// before v is touched (it is not counted) and the caller absorbs, so no column sum ever uses a u
// outside the range the bound assumed.
// Twin: src/kernels/sinkhorn.ts (same order of operations).

/** Row maxima Z (n) and column maxima Zc (me; −Inf for padding) of z_ij = (f_i + g_j − C_ij)·(1/ε). */
export function sinkhornTruncMaxima(C: usize, n: i32, m: i32, f: usize, g: usize, eps: f64, Z: usize, Zc: usize): void {
  const me = (m + 1) & ~1;
  checkRange(C, (<usize>n * <usize>me) << 3);
  checkRange(f, <usize>n << 3);
  checkRange(g, <usize>me << 3);
  checkRange(Z, <usize>n << 3);
  checkRange(Zc, <usize>me << 3);
  const inv = f64x2.splat(1.0 / eps);
  const ninf = f64x2.splat(-Infinity);
  for (let j = 0; j < me; j += 2) v128.store(Zc + (<usize>j << 3), ninf);
  const m2 = m & ~1;
  for (let i = 0; i < n; i++) {
    const ro = C + ((<usize>i * <usize>me) << 3);
    const fi = f64x2.splat(load<f64>(at(f, i)));
    let zm = ninf;
    for (let j = 0; j < m2; j += 2) {
      const o = <usize>j << 3;
      const z = f64x2.mul(f64x2.sub(f64x2.add(fi, v128.load(g + o)), v128.load(ro + o)), inv);
      zm = f64x2.pmax(zm, z);
      v128.store(Zc + o, f64x2.pmax(v128.load(Zc + o), z));
    }
    let zi = max(f64x2.extract_lane(zm, 0), f64x2.extract_lane(zm, 1));
    if (m2 < m) {
      const z = (load<f64>(at(f, i)) + load<f64>(at(g, m2)) - load<f64>(at(ro, m2))) * (1.0 / eps);
      zi = max(zi, z);
      store<f64>(at(Zc, m2), max(load<f64>(at(Zc, m2)), z));
    }
    store<f64>(at(Z, i), zi);
  }
}

/**
 * Compressed kernel of the entries kept by the rule above. Zc must hold the column maxima on entry
 * (it is overwritten with the column thresholds Zc + Lc). Writes vals/col/rowStart (n + 1) and
 * returns the stored length (padding included), or −1 as soon as it would exceed `cap` (the caller
 * then uses the dense kernel).
 */
export function sinkhornTruncBuild(C: usize, n: i32, m: i32, f: usize, g: usize, eps: f64, Z: usize, Zc: usize, Lr: f64, Lc: f64, vals: usize, col: usize, rowStart: usize, cap: i32): i32 {
  const me = (m + 1) & ~1;
  checkRange(C, (<usize>n * <usize>me) << 3);
  checkRange(f, <usize>n << 3);
  checkRange(g, <usize>me << 3);
  checkRange(Z, <usize>n << 3);
  checkRange(Zc, <usize>me << 3);
  checkRange(vals, <usize>cap << 3);
  checkRange(col, <usize>cap << 2);
  checkRange(rowStart, <usize>(n + 1) << 2);
  for (let j = 0; j < m; j++) store<f64>(at(Zc, j), load<f64>(at(Zc, j)) + Lc);
  const inv = f64x2.splat(1.0 / eps);
  const m2 = m & ~1;
  // Pass 1 (per row): compact the exponents z of the kept entries into vals, without branches
  // (both lanes are always written, the position advances by the keep mask); pad with z = −Inf.
  // Pass 2: vals ← exp(vals) over the whole compacted array in one branch-free f64x2 sweep
  // (exp(−Inf) = 0 for the padding).
  let k = 0;
  for (let i = 0; i < n; i++) {
    store<i32>(rowStart + (<usize>i << 2), k);
    if (k + m + 2 > cap) return -1;
    const ro = C + ((<usize>i * <usize>me) << 3);
    const fi = load<f64>(at(f, i));
    const fv = f64x2.splat(fi);
    const tr = f64x2.splat(load<f64>(at(Z, i)) + Lr);
    for (let j = 0; j < m2; j += 2) {
      const o = <usize>j << 3;
      const z = f64x2.mul(f64x2.sub(f64x2.add(fv, v128.load(g + o)), v128.load(ro + o)), inv);
      const keep = f64x2.ge(z, f64x2.pmin(tr, v128.load(Zc + o)));
      store<f64>(at(vals, k), f64x2.extract_lane(z, 0));
      store<i32>(col + (<usize>k << 2), j);
      k -= <i32>i64x2.extract_lane(keep, 0);
      store<f64>(at(vals, k), f64x2.extract_lane(z, 1));
      store<i32>(col + (<usize>k << 2), j + 1);
      k -= <i32>i64x2.extract_lane(keep, 1);
    }
    if (m2 < m) {
      const z = (fi + load<f64>(at(g, m2)) - load<f64>(at(ro, m2))) * (1.0 / eps);
      if (z >= min(load<f64>(at(Z, i)) + Lr, load<f64>(at(Zc, m2)))) {
        store<f64>(at(vals, k), z);
        store<i32>(col + (<usize>k << 2), m2);
        k++;
      }
    }
    if (k & 1) {
      store<f64>(at(vals, k), -Infinity);
      store<i32>(col + (<usize>k << 2), load<i32>(col + (<usize>(k - 1) << 2)));
      k++;
    }
  }
  let q = 0;
  for (; q + 4 <= k; q += 4) {
    // two independent exps per step: the polynomial is a long dependency chain
    const e0 = expF64x2(v128.load(at(vals, q))), e1 = expF64x2(v128.load(at(vals, q + 2)));
    v128.store(at(vals, q), e0);
    v128.store(at(vals, q + 2), e1);
  }
  if (q < k) v128.store(at(vals, q), expF64x2(v128.load(at(vals, q))));
  store<i32>(rowStart + (<usize>n << 2), k);
  return k;
}

/** Σ_k vals_k v_{col_k} over [k0, k1) (even length): A_0 gets k ≡ 0, 1 (mod 4), A_1 k ≡ 2, 3 for
 *  k − k0 < the multiple of 4, the tail pair to A_0; result = lane0 + lane1 of A_0 + A_1. */
// @ts-ignore: decorator
@inline
function sparseDot(vals: usize, col: usize, v: usize, k0: i32, k1: i32): f64 {
  let s0 = f64x2.splat(0.0), s1 = s0;
  let k = k0;
  const k4 = k0 + ((k1 - k0) & ~3);
  for (; k < k4; k += 4) {
    const c = col + (<usize>k << 2);
    let w0 = f64x2.splat(load<f64>(at(v, load<i32>(c))));
    w0 = f64x2.replace_lane(w0, 1, load<f64>(at(v, load<i32>(c, 4))));
    let w1 = f64x2.splat(load<f64>(at(v, load<i32>(c, 8))));
    w1 = f64x2.replace_lane(w1, 1, load<f64>(at(v, load<i32>(c, 12))));
    const o = at(vals, k);
    s0 = f64x2.add(s0, f64x2.mul(v128.load(o), w0));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(o, 16), w1));
  }
  if (k < k1) {
    const c = col + (<usize>k << 2);
    let w0 = f64x2.splat(load<f64>(at(v, load<i32>(c))));
    w0 = f64x2.replace_lane(w0, 1, load<f64>(at(v, load<i32>(c, 4))));
    s0 = f64x2.add(s0, f64x2.mul(v128.load(at(vals, k)), w0));
  }
  const t = f64x2.add(s0, s1);
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}

/**
 * Like sinkhornIterate on the compressed kernel, but absorbing (info[1] = 1) when max/min of u or
 * of v exceeds `ratio` (= R above) or a scaling leaves [1e-100, 1e100]. When it is u, then
 * v is left as it was and that iteration is not counted (u is absorbed with the old v, which
 * represents the same iterate); the return value is the number of complete iterations.
 */
export function sinkhornTruncIterate(vals: usize, col: usize, rowStart: usize, n: i32, m: i32, a: usize, b: usize, u: usize, v: usize, acc: usize, iterations: i32, ratio: f64, info: usize): i32 {
  const me = (m + 1) & ~1;
  checkRange(rowStart, <usize>(n + 1) << 2);
  const nnz = load<i32>(rowStart + (<usize>n << 2));
  checkRange(vals, <usize>nnz << 3);
  checkRange(col, <usize>nnz << 2);
  checkRange(a, <usize>n << 3);
  checkRange(b, <usize>me << 3);
  checkRange(u, <usize>n << 3);
  checkRange(v, <usize>me << 3);
  checkRange(acc, <usize>me << 3);
  checkRange(info, 16);
  store<f64>(info + 8, 0.0);
  for (let it = 0; it < iterations; it++) {
    const zero = f64x2.splat(0.0);
    for (let j = 0; j < me; j += 2) v128.store(acc + (<usize>j << 3), zero);
    let res = 0.0, umax = 0.0, umin = Infinity;
    let k0 = load<i32>(rowStart);
    for (let i = 0; i < n; i++) {
      const k1 = load<i32>(rowStart + (<usize>(i + 1) << 2));
      const s = sparseDot(vals, col, v, k0, k1);
      const ai = load<f64>(at(a, i));
      res += abs(load<f64>(at(u, i)) * s - ai);
      const ui = ai / s;
      store<f64>(at(u, i), ui);
      umax = max(umax, ui);
      umin = min(umin, ui);
      for (let k = k0; k < k1; k++) {
        const pj = at(acc, load<i32>(col + (<usize>k << 2)));
        store<f64>(pj, load<f64>(pj) + load<f64>(at(vals, k)) * ui);
      }
      k0 = k1;
    }
    store<f64>(info, res);
    if (!(umax < Infinity && res == res)) { store<f64>(info + 8, 2.0); return it + 1; }
    if (umax > umin * ratio || umax > 1e100 || umin < 1e-100) { store<f64>(info + 8, 1.0); return it; }
    let vmax = 0.0, vmin = Infinity;
    for (let j = 0; j < m; j++) {
      const vj = load<f64>(at(b, j)) / load<f64>(at(acc, j));
      store<f64>(at(v, j), vj);
      vmax = max(vmax, vj);
      vmin = min(vmin, vj);
    }
    if (!(vmax < Infinity)) { store<f64>(info + 8, 2.0); return it + 1; }
    if (vmax > vmin * ratio || vmax > 1e100 || vmin < 1e-100) { store<f64>(info + 8, 1.0); return it + 1; }
  }
  return iterations;
}

/** sinkhornPlanStats on the compressed kernel: out[0] = ⟨P, C⟩ over the kept entries, r (n), c (me). */
export function sinkhornTruncPlanStats(C: usize, vals: usize, col: usize, rowStart: usize, n: i32, m: i32, u: usize, v: usize, r: usize, c: usize, out: usize): void {
  const me = (m + 1) & ~1;
  checkRange(C, (<usize>n * <usize>me) << 3);
  checkRange(rowStart, <usize>(n + 1) << 2);
  const nnz = load<i32>(rowStart + (<usize>n << 2));
  checkRange(vals, <usize>nnz << 3);
  checkRange(col, <usize>nnz << 2);
  checkRange(r, <usize>n << 3);
  checkRange(c, <usize>me << 3);
  checkRange(out, 8);
  for (let j = 0; j < me; j++) store<f64>(at(c, j), 0.0);
  let total = 0.0;
  for (let i = 0; i < n; i++) {
    const ro = C + ((<usize>i * <usize>me) << 3);
    const ui = load<f64>(at(u, i));
    let s = 0.0, t = 0.0;
    for (let k = load<i32>(rowStart + (<usize>i << 2)), k1 = load<i32>(rowStart + (<usize>(i + 1) << 2)); k < k1; k++) {
      const j = load<i32>(col + (<usize>k << 2));
      const p = ui * load<f64>(at(vals, k)) * load<f64>(at(v, j));
      s += p;
      t += p * load<f64>(at(ro, j));
      store<f64>(at(c, j), load<f64>(at(c, j)) + p);
    }
    store<f64>(at(r, i), s);
    total += t;
  }
  store<f64>(out, total);
}
