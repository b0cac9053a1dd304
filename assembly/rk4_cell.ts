// Cell-aware classical RK4 for one layer of the neural ODE  ẋ = W relu(A x + b)
// (survey arXiv 2510.03303, eq. 3.3–3.4): the same numbers as the dense kernel rk4.ts up to rounding, at a
// fraction of the work when d is small.
//
// Why it works. With s_j(x) = ⟨a_j, x⟩ + b_j, the field is affine on every cell of the
// hyperplane arrangement {s_j = 0}: on the closed cell of the activation pattern
// S = {j : s_j(x) > 0} it is f(y) = M y + c with M = Σ_{j∈S} w_j a_jᵀ, c = Σ_{j∈S} w_j b_j.
// One RK4 step of size h of an affine field is exactly the affine map
//   x ↦ x + D x + r,   D = K Φ,  r = h Φ c,  K = hM,  Φ = I + K/2 + K²/6 + K³/24
// (D = R − I with R = I + K + K²/2 + K³/6 + K⁴/24 the RK4 stability polynomial), so the step
// costs one d × d matrix–vector product instead of 4 field evaluations (4 · 4pd flops).
//
// When the map is valid. The stages of RK4 from x are y2 = x + (h/2)k1, y3 = x + (h/2)k2,
// y4 = x + h k3. Let ρ = min_j |s_j(x)| / |a_j| (distance to the nearest hyperplane; neurons with
// a_j = 0 are constant, never cross, and are left out), m ≥ ‖M‖₂ (we use the Frobenius norm) and
// F ≥ |f(x)|. While the stages stay in the ball B(x, ρ) ⊂ cell, |k_{i+1}| ≤ F + m·|y_{i+1} − x|,
//   δ2 = (h/2)F,  δ3 ≤ (h/2)(F + mδ2),  δ4 ≤ h(F + mδ3) = κF,  κ = h(1 + hm/2 + (hm)²/4),
// and δ2 ≤ δ3 ≤ δ4, so by induction all stages lie in the ball when κF < ρ.
// After the step, |Δx| ≤ ‖hΦ‖ F ≤ πF with π = h(1 + hm/2 + (hm)²/6 + (hm)³/24), so the ball of
// radius ρ − πF around the new point still lies in the cell and |f| ≤ F(1 + mπ) there: the
// point keeps stepping with the affine map, without evaluating A x + b, while the running
// bounds allow it. When they do not, s(x) is recomputed (and M, c, D, r rebuilt if the
// pattern changed); if even the fresh bound fails (x on or near a hyperplane, or a step too long
// for the cell) the point takes a plain RK4 step in exactly the dense kernel's operation order.
//
// Rounding. κ and π carry a relative safety factor 1 + 2^-20, the distance of neuron j is
// taken as (|s_j| − e_j)/|a_j| with e_j = (4d + 8)ε|b_j|, and τ = (4d + 8)ε(|x|₁ + κF) is added to
// the requirement, covering the rounding of s_j and of the stage points (ε = 2^-52). Where a
// pattern is still misread within rounding distance of a hyperplane, the field is Lipschitz,
// so the step changes only by O(h·Lip·ε|x|): the result is RK4 to rounding (tested ≤ 1e-12).
//
// Cell cache. The cell data (M, c, m, and D, r once a point of the cell takes an affine step) is
// kept in a direct-mapped table of ≤ 256 entries (≈ 48 KiB) hashed by the pattern, for the
// duration of one call: points of a chunk that meet the same cell share one rebuild (for d = 2,
// p = 16 the arrangement has ≤ 137 cells). The data depends on the pattern only, so hits change
// nothing but the time; the twin has no cache and gives the same doubles.
//
// Layout. Points are processed one at a time (each runs through all `steps` steps while its
// cell data sits in L1); vectors and column-major d × d matrices are padded to an even number of
// rows dp so that f64x2 works across coordinates; neuron inputs s are computed two neurons per
// f64x2 from a transposed, padded copy of A. Every reduction (norms, distances) is scalar and
// sequential. The twin src/kernels/rk4_cell.ts performs the same operations in the same order,
// so both give identical doubles.
//
// Trajectory: as rk4.ts — after global step g = stepOffset + s + 1 with g % every == 0 the point
// is written to frame g / every of traj (frames n × d, frame 0 written by the caller).
import { checkLayerArgs } from './lib/memory';

/** 2^-52 */
const EPS: f64 = 2.220446049250313e-16;
/** 1 + 2^-20 */
const SAFE: f64 = 1.0 + 9.5367431640625e-7;

@inline
function even(k: i32): i32 {
  return (k + 1) & ~1;
}

/** Doubles of one entry of the cell cache: header (valid, m, step map ready, unused), the
 *  pattern (nw words, padded), M and D (d × dp each), c and r (dp each). */
@inline
function cacheEntryDoubles(d: i32, p: i32): i32 {
  const dp = even(d);
  return 4 + even((p + 63) >> 6) + 2 * d * dp + 2 * dp;
}

/** Entries of the cell cache: a power of two, ≤ 256, about 48 KiB in all (L1/L2 resident). */
@inline
function cacheEntries(d: i32, p: i32): i32 {
  const fit = 6144 / cacheEntryDoubles(d, p);
  let e = 1;
  while (e * 2 <= fit && e < 256) e *= 2;
  return e;
}

/** Bytes of scratch rk4CellLayer needs for dimension d and width p. */
export function rk4CellScratchBytes(d: i32, p: i32): i32 {
  const dp = even(d), pp = even(p), nw = even((p + 63) >> 6);
  // inv, err, bP, s, active list (5 pp) + At (d pp) + wcol (p dp) + two pattern bitsets (2 nw)
  // + K, T, U (3 d dp) + x, xs, f, acc (4 dp) + the cell cache + 4 counters (see rk4CellLayer)
  return (5 * pp + d * pp + p * dp + 2 * nw + 3 * d * dp + 4 * dp + 4 + cacheEntries(d, p) * cacheEntryDoubles(d, p)) << 3;
}

/** s ← b + A x for all neurons, two per f64x2 (per lane: ((b_j + a_j0 x_0) + a_j1 x_1) + …). */
@inline
function neuronInputs(xv: usize, sv: usize, At: usize, bP: usize, d: i32, pp: i32): void {
  const rowBytes = <usize>pp << 3;
  for (let j = 0; j < pp; j += 2) {
    const o = <usize>j << 3;
    let acc = v128.load(bP + o);
    let a = At + o;
    for (let k = 0; k < d; k++) {
      acc = f64x2.add(acc, f64x2.mul(v128.load(a), v128.load64_splat(xv + (<usize>k << 3))));
      a += rowBytes;
    }
    v128.store(sv + o, acc);
  }
}

/** out ← Σ_j w_j max(s_j, 0) over j ascending, branch-free (the signs of s_j are unpredictable
 *  near hyperplanes); s is overwritten by max(s, 0). Inactive neurons add exact zeros, so the sum
 *  equals the dense kernel's, which skips neurons inactive on its whole tile; max propagates NaN
 *  as there. */
@inline
function fieldFromInputs(sv: usize, wcol: usize, out: usize, p: i32, dp: i32, pp: i32): void {
  const dpB = <usize>dp << 3;
  const zero = f64x2.splat(0.0);
  for (let j = 0; j < pp; j += 2) {
    const o = <usize>j << 3;
    v128.store(sv + o, f64x2.max(v128.load(sv + o), zero));
  }
  for (let q: usize = 0; q < dpB; q += 16) v128.store(out + q, zero);
  for (let j = 0; j < p; j++) {
    const rj = v128.load64_splat(sv + (<usize>j << 3));
    const w = wcol + <usize>j * dpB;
    for (let q: usize = 0; q < dpB; q += 16) {
      v128.store(out + q, f64x2.add(v128.load(out + q), f64x2.mul(v128.load(w + q), rj)));
    }
  }
}

/** dst = X Y for column-major d × d matrices with dp rows (per entry: sum over m ascending,
 *  starting from the m = 0 product). */
@inline
function matmul(dst: usize, X: usize, Y: usize, d: i32, dp: i32): void {
  const dpB = <usize>dp << 3;
  for (let l = 0; l < d; l++) {
    const col = dst + <usize>l * dpB;
    const ycol = Y + <usize>l * dpB;
    for (let q: usize = 0; q < dpB; q += 16) {
      let acc = f64x2.mul(v128.load(X + q), v128.load64_splat(ycol));
      let xm = X + q;
      for (let m = 1; m < d; m++) {
        xm += dpB;
        acc = f64x2.add(acc, f64x2.mul(v128.load(xm), v128.load64_splat(ycol + (<usize>m << 3))));
      }
      v128.store(col + q, acc);
    }
  }
}

@inline
function addDiagonal(X: usize, d: i32, dp: i32, v: f64): void {
  for (let l = 0; l < d; l++) {
    const e = X + ((<usize>l * <usize>dp + <usize>l) << 3);
    store<f64>(e, load<f64>(e) + v);
  }
}

/** out ← v0 + Σ_m X[:, m] x_m (X column-major d × d, dp rows). */
@inline
function affine(out: usize, X: usize, v0: usize, xv: usize, d: i32, dp: i32): void {
  const dpB = <usize>dp << 3;
  for (let q: usize = 0; q < dpB; q += 16) {
    let acc = v128.load(v0 + q);
    let col = X + q;
    for (let m = 0; m < d; m++) {
      acc = f64x2.add(acc, f64x2.mul(v128.load(col), v128.load64_splat(xv + (<usize>m << 3))));
      col += dpB;
    }
    v128.store(out + q, acc);
  }
}

/**
 * The field of the cell of the pattern in `pat`: M = Σ_{j∈S} w_j a_jᵀ, c = Σ_{j∈S} w_j b_j.
 * Returns m = ‖M‖_F · (1 + 2^-20) ≥ ‖M‖₂.
 */
function buildCellField(pat: usize, act: usize, A: usize, b: usize, wcol: usize, d: i32, dp: i32, p: i32, M: usize, c: usize): f64 {
  const dpB = <usize>dp << 3;
  const zero = f64x2.splat(0.0);
  // the active neurons, ascending
  const nw = (p + 63) >> 6;
  let na = 0;
  for (let wi = 0; wi < nw; wi++) {
    let bits = load<u64>(pat + (<usize>wi << 3));
    while (bits != 0) {
      store<i32>(act + (<usize>na << 2), (wi << 6) + <i32>ctz(bits));
      na++;
      bits &= bits - 1;
    }
  }
  // M[:, l] = Σ_j a_jl w_j and c = Σ_j b_j w_j, each entry summed from 0 over j ascending
  for (let l = 0; l <= d; l++) {
    const col = l < d ? M + <usize>l * dpB : c;
    for (let q: usize = 0; q < dpB; q += 16) {
      let acc = zero;
      for (let t = 0; t < na; t++) {
        const j = load<i32>(act + (<usize>t << 2));
        const coef = l < d ? A + (<usize>(j * d + l) << 3) : b + (<usize>j << 3);
        acc = f64x2.add(acc, f64x2.mul(v128.load(wcol + <usize>j * dpB + q), v128.load64_splat(coef)));
      }
      v128.store(col + q, acc);
    }
  }
  let ss: f64 = 0.0;
  for (let l = 0; l < d; l++) {
    for (let i = 0; i < d; i++) {
      const v = load<f64>(M + <usize>l * dpB + (<usize>i << 3));
      ss += v * v;
    }
  }
  return Math.sqrt(ss) * SAFE;
}

/** The RK4 step map of the cell (M, c): K = hM, Φ (Horner, in T), D = KΦ, r = h Φ c. Built only
 *  when a point of this pattern takes an affine step (not for cells crossed by plain steps). */
function buildCellStep(d: i32, dp: i32, h: f64, M: usize, K: usize, T: usize, U: usize, D: usize, c: usize, r: usize): void {
  const dpB = <usize>dp << 3;
  const matB = <usize>d * dpB;
  const hv = f64x2.splat(h);
  const c24 = f64x2.splat(1.0 / 24.0);
  for (let q: usize = 0; q < matB; q += 16) {
    const k = f64x2.mul(v128.load(M + q), hv);
    v128.store(K + q, k);
    v128.store(T + q, f64x2.mul(k, c24));
  }
  addDiagonal(T, d, dp, 1.0 / 6.0); //  T = I/6 + K/24
  matmul(U, K, T, d, dp);
  addDiagonal(U, d, dp, 0.5); //        U = I/2 + K T
  matmul(T, K, U, d, dp);
  addDiagonal(T, d, dp, 1.0); //        Φ = I + K U   (in T)
  matmul(D, K, T, d, dp); //            D = K Φ
  // r = h (Φ c)
  for (let q: usize = 0; q < dpB; q += 16) {
    let acc = f64x2.mul(v128.load(T + q), v128.load64_splat(c));
    for (let m = 1; m < d; m++) {
      acc = f64x2.add(acc, f64x2.mul(v128.load(T + <usize>m * dpB + q), v128.load64_splat(c + (<usize>m << 3))));
    }
    v128.store(r + q, f64x2.mul(acc, hv));
  }
}

/**
 * RK4 on one layer, cell by cell (see the header). Same arguments as rk4Layer; `scratch` is
 * rk4CellScratchBytes(d, p) bytes. On return its last 32 bytes hold four f64 counters for this
 * call: affine steps, plain RK4 steps, recomputations of s(x), cell rebuilds.
 */
export function rk4CellLayer(
  x: usize, n: i32, d: i32, W: usize, A: usize, b: usize, p: i32,
  h: f64, steps: i32, scratch: usize,
  traj: usize, every: i32, stepOffset: i32,
): void {
  checkLayerArgs(x, n, d, W, A, b, p, scratch, rk4CellScratchBytes(d, p), steps, traj, every, stepOffset);
  const dp = even(d), pp = even(p), nw = (p + 63) >> 6, nwp = even(nw);
  const dpB = <usize>dp << 3, ppB = <usize>pp << 3, matB = <usize>d * dpB;
  let q0 = scratch;
  const inv = q0; q0 += ppB;
  const err = q0; q0 += ppB;
  const bP = q0; q0 += ppB;
  const sv = q0; q0 += ppB;
  const act = q0; q0 += ppB;
  const At = q0; q0 += <usize>d * ppB;
  const wcol = q0; q0 += <usize>p * dpB;
  const pat = q0; q0 += <usize>nwp << 3;
  const npat = q0; q0 += <usize>nwp << 3;
  const K = q0; q0 += matB;
  const T = q0; q0 += matB;
  const U = q0; q0 += matB;
  const xv = q0; q0 += dpB;
  const xs = q0; q0 += dpB;
  const fv = q0; q0 += dpB;
  const acc = q0; q0 += dpB;
  // Cell cache: the cell data (M, c, m and, once built, D, r) of recently met patterns, in a
  // direct-mapped table indexed by a hash of the pattern. The data is a function of the pattern
  // alone, so a hit gives exactly the doubles a rebuild would: the cache changes speed only.
  const cache = q0;
  const nEntries = cacheEntries(d, p);
  const entryB = <usize>cacheEntryDoubles(d, p) << 3;
  const keyOff: usize = 32, mOff = keyOff + (<usize>nwp << 3), cOff = mOff + matB, dOff = cOff + dpB, rOff = dOff + matB;
  const counters = cache + <usize>nEntries * entryB; // the last 32 bytes

  // Layer preparation: padded copies, 1/|a_j| (0 for a_j = 0), rounding allowances e_j.
  memory.fill(scratch, 0, cache - scratch);
  for (let e = 0; e < nEntries; e++) store<f64>(cache + <usize>e * entryB, 0.0);
  const errScale = <f64>(4 * d + 8) * EPS;
  for (let j = 0; j < p; j++) {
    const bj = load<f64>(b + (<usize>j << 3));
    store<f64>(bP + (<usize>j << 3), bj);
    store<f64>(err + (<usize>j << 3), errScale * Math.abs(bj));
    let amax: f64 = 0.0;
    for (let k = 0; k < d; k++) {
      const a = load<f64>(A + (<usize>(j * d + k) << 3));
      store<f64>(At + <usize>k * ppB + (<usize>j << 3), a);
      const aa = Math.abs(a);
      if (aa > amax) amax = aa;
      store<f64>(wcol + <usize>j * dpB + (<usize>k << 3), load<f64>(W + (<usize>(k * p + j) << 3)));
    }
    let iv: f64 = 0.0;
    if (amax > 0.0) {
      let ss: f64 = 0.0;
      for (let k = 0; k < d; k++) {
        const t = load<f64>(A + (<usize>(j * d + k) << 3)) / amax;
        ss += t * t;
      }
      iv = 1.0 / amax / Math.sqrt(ss);
      if (!(iv <= f64.MAX_VALUE)) iv = f64.MAX_VALUE;
    }
    store<f64>(inv + (<usize>j << 3), iv);
  }

  const half = 0.5 * h, sixth = h / 6.0;
  const halfV = f64x2.splat(half), fullV = f64x2.splat(h), sixthV = f64x2.splat(sixth), twoV = f64x2.splat(2.0);
  const frameBytes = <usize>(n * d) << 3;
  const zero = f64x2.splat(0.0);
  let nAffine = 0, nPlain = 0, nRecompute = 0, nRebuild = 0;

  for (let i = 0; i < n; i++) {
    const xi = x + (<usize>(i * d) << 3);
    for (let q: usize = 0; q < dpB; q += 16) v128.store(xv + q, zero);
    memory.copy(xv, xi, <usize>d << 3);
    let hasCell = false, valid = false, stepReady = false;
    let entry: usize = cache, M: usize = 0, c: usize = 0, D: usize = 0, r: usize = 0;
    let rho: f64 = 0.0, F: f64 = 0.0, tau: f64 = 0.0;
    let kappa: f64 = 0.0, pi: f64 = 0.0, grow: f64 = 1.0;
    for (let s = 0; s < steps; s++) {
      let useAffine = valid && F * kappa + tau < rho;
      if (!useAffine) {
        // Recompute s(x), the pattern and the distance to the nearest hyperplane.
        nRecompute++;
        neuronInputs(xv, sv, At, bP, d, pp);
        for (let wi = 0; wi < nw; wi++) store<u64>(npat + (<usize>wi << 3), 0);
        rho = Infinity;
        for (let j = 0; j < p; j++) {
          const sj = load<f64>(sv + (<usize>j << 3));
          const wp = npat + (<usize>(j >> 6) << 3);
          store<u64>(wp, load<u64>(wp) | (<u64>(sj > 0.0) << <u64>(j & 63)));
          const iv = load<f64>(inv + (<usize>j << 3));
          if (iv > 0.0) {
            const dist = (Math.abs(sj) - load<f64>(err + (<usize>j << 3))) * iv;
            if (dist < rho) rho = dist;
          }
        }
        let changed = !hasCell;
        for (let wi = 0; wi < nw; wi++) {
          const v = load<u64>(npat + (<usize>wi << 3));
          if (v != load<u64>(pat + (<usize>wi << 3))) {
            changed = true;
            store<u64>(pat + (<usize>wi << 3), v);
          }
        }
        if (changed) {
          let hash: u64 = 0;
          for (let wi = 0; wi < nw; wi++) hash = (hash ^ load<u64>(pat + (<usize>wi << 3))) * 0x9E3779B97F4A7C15;
          entry = cache + <usize>(<i32>(hash >> 40) & (nEntries - 1)) * entryB;
          M = entry + mOff;
          c = entry + cOff;
          D = entry + dOff;
          r = entry + rOff;
          let hit = load<f64>(entry) != 0.0;
          for (let wi = 0; wi < nw && hit; wi++) hit = load<u64>(entry + keyOff + (<usize>wi << 3)) == load<u64>(pat + (<usize>wi << 3));
          let m: f64;
          if (hit) {
            m = load<f64>(entry, 8);
            stepReady = load<f64>(entry, 16) != 0.0;
          } else {
            memory.copy(entry + keyOff, pat, <usize>nw << 3);
            m = buildCellField(pat, act, A, b, wcol, d, dp, p, M, c);
            store<f64>(entry, 1.0);
            store<f64>(entry, m, 8);
            store<f64>(entry, 0.0, 16);
            stepReady = false;
          }
          const hm = h * m;
          kappa = h * (1.0 + hm * (0.5 + hm * 0.25)) * SAFE;
          pi = h * (1.0 + hm * (0.5 + hm * (1.0 / 6.0 + hm * (1.0 / 24.0)))) * SAFE;
          grow = 1.0 + m * pi;
          hasCell = true;
          nRebuild++;
        }
        // F = |M x + c|, τ = (4d + 8)ε(|x|₁ + κF)
        affine(fv, M, c, xv, d, dp);
        let ff: f64 = 0.0, x1: f64 = 0.0;
        for (let k = 0; k < d; k++) {
          const v = load<f64>(fv + (<usize>k << 3));
          ff += v * v;
          x1 += Math.abs(load<f64>(xv + (<usize>k << 3)));
        }
        F = Math.sqrt(ff);
        tau = errScale * (x1 + kappa * F);
        valid = true;
        useAffine = F * kappa + tau < rho;
        if (!useAffine) {
          // Plain RK4 step, the dense kernel's operation order (k1 from the s just computed).
          fieldFromInputs(sv, wcol, acc, p, dp, pp);
          for (let q: usize = 0; q < dpB; q += 16) {
            v128.store(xs + q, f64x2.add(v128.load(xv + q), f64x2.mul(halfV, v128.load(acc + q))));
          }
          neuronInputs(xs, sv, At, bP, d, pp);
          fieldFromInputs(sv, wcol, fv, p, dp, pp);
          for (let q: usize = 0; q < dpB; q += 16) {
            const f = v128.load(fv + q);
            v128.store(acc + q, f64x2.add(v128.load(acc + q), f64x2.mul(twoV, f)));
            v128.store(xs + q, f64x2.add(v128.load(xv + q), f64x2.mul(halfV, f)));
          }
          neuronInputs(xs, sv, At, bP, d, pp);
          fieldFromInputs(sv, wcol, fv, p, dp, pp);
          for (let q: usize = 0; q < dpB; q += 16) {
            const f = v128.load(fv + q);
            v128.store(acc + q, f64x2.add(v128.load(acc + q), f64x2.mul(twoV, f)));
            v128.store(xs + q, f64x2.add(v128.load(xv + q), f64x2.mul(fullV, f)));
          }
          neuronInputs(xs, sv, At, bP, d, pp);
          fieldFromInputs(sv, wcol, fv, p, dp, pp);
          for (let q: usize = 0; q < dpB; q += 16) {
            const sum = f64x2.add(v128.load(acc + q), v128.load(fv + q));
            v128.store(xv + q, f64x2.add(v128.load(xv + q), f64x2.mul(sixthV, sum)));
          }
          valid = false;
          nPlain++;
        }
      }
      if (useAffine) {
        if (!stepReady) {
          buildCellStep(d, dp, h, M, K, T, U, D, c, r);
          store<f64>(entry, 1.0, 16);
          stepReady = true;
        }
        if (d == 2) {
          // The same operations as below, with x, D and r held in registers for the whole run of
          // affine steps (the step is latency-bound: no store/reload of x between steps).
          const D0 = v128.load(D), D1 = v128.load(D, 16), rr = v128.load(r);
          let xr = v128.load(xv);
          for (;;) {
            nAffine++;
            let t = f64x2.add(rr, f64x2.mul(D0, f64x2.splat(f64x2.extract_lane(xr, 0))));
            t = f64x2.add(t, f64x2.mul(D1, f64x2.splat(f64x2.extract_lane(xr, 1))));
            xr = f64x2.add(xr, t);
            rho -= pi * F;
            F *= grow;
            if (traj != 0) {
              const g = stepOffset + s + 1;
              if (g % every == 0) v128.store(traj + <usize>(g / every) * frameBytes + (<usize>(i * 2) << 3), xr);
            }
            if (s + 1 >= steps || !(F * kappa + tau < rho)) break;
            s++;
          }
          v128.store(xv, xr);
          continue;
        }
        nAffine++;
        // x ← x + (D x + r); the ball around the new point shrinks by at most πF.
        affine(acc, D, r, xv, d, dp);
        for (let q: usize = 0; q < dpB; q += 16) v128.store(xv + q, f64x2.add(v128.load(xv + q), v128.load(acc + q)));
        rho -= pi * F;
        F *= grow;
      }
      if (traj != 0) {
        const g = stepOffset + s + 1;
        if (g % every == 0) memory.copy(traj + <usize>(g / every) * frameBytes + (<usize>(i * d) << 3), xv, <usize>d << 3);
      }
    }
    memory.copy(xi, xv, <usize>d << 3);
  }
  store<f64>(counters, <f64>nAffine);
  store<f64>(counters, <f64>nPlain, 8);
  store<f64>(counters, <f64>nRecompute, 16);
  store<f64>(counters, <f64>nRebuild, 24);
}
