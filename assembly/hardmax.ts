// One step of the pure-attention hardmax dynamics (seed 002, eq. 4.1a–b; Alcalde, Fantuzzi,
// Zuazua, arXiv 2407.01602):
//   S_il = ⟨A z_i, z_l⟩,   C_i = { l : S_il ≥ m_i − tol·max(1, |m_i|) },  m_i = max_l S_il,
//   z_i ← z_i + c·(mean_{l∈C_i} z_l − z_i),   c = α/(1+α)      (all tokens simultaneously)
// A is symmetric (the TS side symmetrises it exactly), so S_il = S_li in exact arithmetic; we
// make that exact in floating point too by one canonical definition used by every path here
// and by the TypeScript twin (src/kernels/hardmax.ts):
//   w_a = A z_a  (w_ak = Σ_j A_kj z_aj, j ascending),
//   S_il = dot(w_a, z_b) with a = min(i,l), b = max(i,l),
//   dot(w, z) = (Σ_{k even} w_k z_k + Σ_{k odd, k<d−d%2} w_k z_k) + [d odd] w_{d−1} z_{d−1}
// (the two partial sums are the two lanes of an f64x2 accumulator). The mean sums the members
// of C_i in ascending index order, then divides by |C_i|.
//
// Three ways to find the argmax sets, all giving bit-identical C_i (tests check it):
//   mode 0 "brute-force": every row scanned, O(n² d).
//   mode 1 "symmetric":  each unordered pair scored once (half the multiply–adds), 2×2 register
//                        blocks; every row keeps the few candidates within its running threshold
//                        (at most LIST_CAP; a row that overflows is rescanned by brute force).
//   mode 2 "hull" (d = 2): only points near the boundary of the convex hull of the tokens can
//                        be within the tie tolerance of a maximum of a linear functional:
//                        a point p inside a convex polygon P with ⟨a, p⟩ ≥ max_P⟨a,·⟩ − Δ lies
//                        within Δ/|a| of ∂P. With a rigorous bound ε on the rounding error of
//                        the scores, every point that brute force could put in C_i lies within
//                        δ_i = (τ_i + 2ε)/|A z_i| of ∂P, so scanning the band B of points within
//                        η ≥ δ_i of ∂P (hull vertices, collinear points on edges, duplicates) finds
//                        the same maximum and the same C_i. Rows with δ_i > η fall back to a scan.
//                        Cost O(n log n + n h + n |B|) per step instead of O(n²).
// Outputs per token: leader[i] = 1 when C_i = {i}; first[i] = min C_i; count[i] = |C_i|.
import { checkRange } from './lib/memory';

// @ts-ignore: decorator
@inline const LIST_CAP: i32 = 8;
// @ts-ignore: decorator
@inline const U: f64 = 1.1102230246251565e-16; // 2^−53

// ---- scratch layout (bytes), shared by all modes -------------------------------------------
//   w      n·d f64     A z_i
//   zn     n·d f64     new tokens
//   rmax   n f64       running row maxima         (mode 1)
//   rthr   n f64       running row thresholds     (mode 1)
//   lsc    n·CAP f64   candidate scores           (mode 1)
//   row    n f64       one row of scores          (brute rows; band scores in mode 2)
//   lidx   n·CAP i32   candidate indices          (mode 1)
//   lcnt   n i32       candidate counts, −1 = overflow
//   ord    n i32, tmp n i32, hull (2n+2) i32, band n i32, mask n i32
export function hardmaxScratchBytes(n: i32, d: i32): i32 {
  return 8 * (2 * n * d + 3 * n + n * LIST_CAP) + 4 * (n * LIST_CAP + 6 * n + 2) + 64;
}

@inline
function dotCanon(w: usize, z: usize, d: i32): f64 {
  let acc = f64x2.splat(0.0);
  let k = 0;
  for (; k + 1 < d; k += 2) {
    const o = <usize>k << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(w + o), v128.load(z + o)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (d & 1) {
    const o = <usize>(d - 1) << 3;
    s = s + load<f64>(w + o) * load<f64>(z + o);
  }
  return s;
}

@inline
function score(w: usize, z: usize, d: i32, i: i32, l: i32): f64 {
  const a = min(i, l), b = max(i, l);
  const rb = <usize>d << 3;
  return dotCanon(w + <usize>a * rb, z + <usize>b * rb, d);
}

@inline
function threshold(m: f64, tol: f64): f64 {
  return m - tol * max(1.0, abs(m));
}

/** w_a = A z_a for every token (sequential sums over j). */
function computeW(z: usize, n: i32, d: i32, A: usize, w: usize): void {
  for (let a = 0; a < n; a++) {
    const za = z + (<usize>(a * d) << 3);
    const wa = w + (<usize>(a * d) << 3);
    for (let k = 0; k < d; k++) {
      const ak = A + (<usize>(k * d) << 3);
      let s = 0.0;
      for (let j = 0; j < d; j++) s = s + load<f64>(ak + (<usize>j << 3)) * load<f64>(za + (<usize>j << 3));
      store<f64>(wa + (<usize>k << 3), s);
    }
  }
}

/** Writes C_i's consequences: new token, leader flag, first member, count. `mask` holds the
 *  members in ascending order. */
@inline
function finishRow(
  i: i32, mask: usize, cnt: i32, z: usize, zn: usize, d: i32, c: f64,
  leader: usize, first: usize, count: usize,
): void {
  const rb = <usize>d << 3;
  const zi = z + <usize>i * rb;
  const zni = zn + <usize>i * rb;
  const inv = <f64>cnt;
  for (let k = 0; k < d; k++) {
    const o = <usize>k << 3;
    let s = 0.0;
    for (let q = 0; q < cnt; q++) s = s + load<f64>(z + <usize>load<i32>(mask + (<usize>q << 2)) * rb + o);
    const mean = s / inv;
    const x = load<f64>(zi + o);
    store<f64>(zni + o, x + c * (mean - x));
  }
  const m0 = load<i32>(mask);
  store<i32>(leader + (<usize>i << 2), cnt == 1 && m0 == i ? 1 : 0);
  store<i32>(first + (<usize>i << 2), m0);
  store<i32>(count + (<usize>i << 2), cnt);
}

/** Brute-force row: scores of row i against every token → C_i in `mask`; returns |C_i|. */
function bruteRow(i: i32, z: usize, w: usize, n: i32, d: i32, tol: f64, row: usize, mask: usize): i32 {
  let m = -Infinity;
  for (let l = 0; l < n; l++) {
    const s = score(w, z, d, i, l);
    store<f64>(row + (<usize>l << 3), s);
    if (s > m) m = s;
  }
  const thr = threshold(m, tol);
  let cnt = 0;
  for (let l = 0; l < n; l++) {
    if (load<f64>(row + (<usize>l << 3)) >= thr) {
      store<i32>(mask + (<usize>cnt << 2), l);
      cnt++;
    }
  }
  return cnt;
}

// ---- mode 1: symmetric pairs with per-row candidate lists ---------------------------------
@inline
function offer(a: i32, s: f64, b: i32, rmax: usize, rthr: usize, lsc: usize, lidx: usize, lcnt: usize, tol: f64): void {
  const pa = <usize>a << 3;
  if (s < load<f64>(rthr + pa)) return;
  const pc = lcnt + (<usize>a << 2);
  let cnt = load<i32>(pc);
  const base = <usize>(a * LIST_CAP);
  if (s > load<f64>(rmax + pa)) {
    store<f64>(rmax + pa, s);
    const thr = threshold(s, tol);
    store<f64>(rthr + pa, thr);
    if (cnt > 0) {
      let keep = 0;
      for (let q = 0; q < cnt; q++) {
        const sq = load<f64>(lsc + ((base + <usize>q) << 3));
        if (sq >= thr) {
          store<f64>(lsc + ((base + <usize>keep) << 3), sq);
          store<i32>(lidx + ((base + <usize>keep) << 2), load<i32>(lidx + ((base + <usize>q) << 2)));
          keep++;
        }
      }
      cnt = keep;
    }
  }
  if (cnt < 0) return;
  if (cnt == LIST_CAP) {
    store<i32>(pc, -1);
    return;
  }
  store<f64>(lsc + ((base + <usize>cnt) << 3), s);
  store<i32>(lidx + ((base + <usize>cnt) << 2), b);
  store<i32>(pc, cnt + 1);
}

function symmetricPass(z: usize, w: usize, n: i32, d: i32, tol: f64, rmax: usize, rthr: usize, lsc: usize, lidx: usize, lcnt: usize): void {
  for (let a = 0; a < n; a++) {
    store<f64>(rmax + (<usize>a << 3), -Infinity);
    store<f64>(rthr + (<usize>a << 3), -Infinity);
    store<i32>(lcnt + (<usize>a << 2), 0);
  }
  const rb = <usize>d << 3;
  const zero = f64x2.splat(0.0);
  const odd = d & 1;
  const tail = <usize>(d - 1) << 3;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const i1 = i + 1;
    // diagonal block: (i,i), (i,i+1), (i+1,i+1)
    const sii = score(w, z, d, i, i);
    offer(i, sii, i, rmax, rthr, lsc, lidx, lcnt, tol);
    const sij = score(w, z, d, i, i1);
    offer(i, sij, i1, rmax, rthr, lsc, lidx, lcnt, tol);
    offer(i1, sij, i, rmax, rthr, lsc, lidx, lcnt, tol);
    const sjj = score(w, z, d, i1, i1);
    offer(i1, sjj, i1, rmax, rthr, lsc, lidx, lcnt, tol);
    const w0 = w + <usize>i * rb, w1 = w0 + rb;
    let l = i + 2;
    for (; l + 1 < n; l += 2) {
      const z0 = z + <usize>l * rb, z1 = z0 + rb;
      let a00 = zero, a01 = zero, a10 = zero, a11 = zero;
      for (let k = 0; k + 1 < d; k += 2) {
        const o = <usize>k << 3;
        const x0 = v128.load(w0 + o), x1 = v128.load(w1 + o);
        const y0 = v128.load(z0 + o), y1 = v128.load(z1 + o);
        a00 = f64x2.add(a00, f64x2.mul(x0, y0));
        a01 = f64x2.add(a01, f64x2.mul(x0, y1));
        a10 = f64x2.add(a10, f64x2.mul(x1, y0));
        a11 = f64x2.add(a11, f64x2.mul(x1, y1));
      }
      // Horizontal sums (lane 0 + lane 1, the canonical order) of two pairs at once.
      let r0 = f64x2.add(v128.shuffle<f64>(a00, a01, 0, 2), v128.shuffle<f64>(a00, a01, 1, 3)); // (s00, s01)
      let r1 = f64x2.add(v128.shuffle<f64>(a10, a11, 0, 2), v128.shuffle<f64>(a10, a11, 1, 3)); // (s10, s11)
      if (odd) {
        const y = f64x2.replace_lane(f64x2.splat(load<f64>(z0 + tail)), 1, load<f64>(z1 + tail));
        r0 = f64x2.add(r0, f64x2.mul(f64x2.splat(load<f64>(w0 + tail)), y));
        r1 = f64x2.add(r1, f64x2.mul(f64x2.splat(load<f64>(w1 + tail)), y));
      }
      // Fast reject: no score reaches the running threshold of its row or column.
      const tl = v128.load(rthr + (<usize>l << 3));
      const hit = v128.or(
        v128.or(f64x2.ge(r0, f64x2.splat(load<f64>(rthr + (<usize>i << 3)))), f64x2.ge(r1, f64x2.splat(load<f64>(rthr + (<usize>i1 << 3))))),
        v128.or(f64x2.ge(r0, tl), f64x2.ge(r1, tl)),
      );
      if (!v128.any_true(hit)) continue;
      const s00 = f64x2.extract_lane(r0, 0), s01 = f64x2.extract_lane(r0, 1);
      const s10 = f64x2.extract_lane(r1, 0), s11 = f64x2.extract_lane(r1, 1);
      const l1 = l + 1;
      offer(i, s00, l, rmax, rthr, lsc, lidx, lcnt, tol);
      offer(l, s00, i, rmax, rthr, lsc, lidx, lcnt, tol);
      offer(i, s01, l1, rmax, rthr, lsc, lidx, lcnt, tol);
      offer(l1, s01, i, rmax, rthr, lsc, lidx, lcnt, tol);
      offer(i1, s10, l, rmax, rthr, lsc, lidx, lcnt, tol);
      offer(l, s10, i1, rmax, rthr, lsc, lidx, lcnt, tol);
      offer(i1, s11, l1, rmax, rthr, lsc, lidx, lcnt, tol);
      offer(l1, s11, i1, rmax, rthr, lsc, lidx, lcnt, tol);
    }
    if (l < n) {
      const s0 = score(w, z, d, i, l);
      offer(i, s0, l, rmax, rthr, lsc, lidx, lcnt, tol);
      offer(l, s0, i, rmax, rthr, lsc, lidx, lcnt, tol);
      const s1 = score(w, z, d, i1, l);
      offer(i1, s1, l, rmax, rthr, lsc, lidx, lcnt, tol);
      offer(l, s1, i1, rmax, rthr, lsc, lidx, lcnt, tol);
    }
  }
  if (i < n) offer(i, score(w, z, d, i, i), i, rmax, rthr, lsc, lidx, lcnt, tol);
}

/** Final filter of row a's candidate list into `mask` (ascending); −1 when the list overflowed. */
function listToMask(a: i32, rthr: usize, lsc: usize, lidx: usize, lcnt: usize, mask: usize): i32 {
  const cnt = load<i32>(lcnt + (<usize>a << 2));
  if (cnt < 0) return -1;
  const thr = load<f64>(rthr + (<usize>a << 3));
  const base = <usize>(a * LIST_CAP);
  let m = 0;
  for (let q = 0; q < cnt; q++) {
    if (load<f64>(lsc + ((base + <usize>q) << 3)) >= thr) {
      const v = load<i32>(lidx + ((base + <usize>q) << 2));
      // insertion into the ascending mask
      let p = m;
      while (p > 0 && load<i32>(mask + (<usize>(p - 1) << 2)) > v) {
        store<i32>(mask + (<usize>p << 2), load<i32>(mask + (<usize>(p - 1) << 2)));
        p--;
      }
      store<i32>(mask + (<usize>p << 2), v);
      m++;
    }
  }
  return m;
}

// ---- mode 2: convex hull band (d = 2) -----------------------------------------------------
@inline
function lessXY(z: usize, a: i32, b: i32): bool {
  const ax = load<f64>(z + (<usize>a << 4)), bx = load<f64>(z + (<usize>b << 4));
  if (ax != bx) return ax < bx;
  const ay = load<f64>(z + (<usize>a << 4), 8), by = load<f64>(z + (<usize>b << 4), 8);
  if (ay != by) return ay < by;
  return a < b;
}

/** Bottom-up merge sort of ord[0..n) by (x, y, index). */
function sortXY(z: usize, n: i32, ord: usize, tmp: usize): usize {
  let src = ord, dst = tmp;
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = min(lo + width, n), hi = min(lo + 2 * width, n);
      let p = lo, q = mid, o = lo;
      while (p < mid && q < hi) {
        const a = load<i32>(src + (<usize>p << 2)), b = load<i32>(src + (<usize>q << 2));
        if (lessXY(z, b, a)) { store<i32>(dst + (<usize>o << 2), b); q++; }
        else { store<i32>(dst + (<usize>o << 2), a); p++; }
        o++;
      }
      while (p < mid) { store<i32>(dst + (<usize>o << 2), load<i32>(src + (<usize>p << 2))); p++; o++; }
      while (q < hi) { store<i32>(dst + (<usize>o << 2), load<i32>(src + (<usize>q << 2))); q++; o++; }
    }
    const t = src; src = dst; dst = t;
  }
  return src;
}

@inline
function cross(z: usize, o: i32, a: i32, b: i32): f64 {
  const ox = load<f64>(z + (<usize>o << 4)), oy = load<f64>(z + (<usize>o << 4), 8);
  return (load<f64>(z + (<usize>a << 4)) - ox) * (load<f64>(z + (<usize>b << 4), 8) - oy)
    - (load<f64>(z + (<usize>a << 4), 8) - oy) * (load<f64>(z + (<usize>b << 4)) - ox);
}

/** Andrew's monotone chain; strict turns only. Returns h (CCW vertices in hull[0..h)). */
function monotoneChain(z: usize, n: i32, sorted: usize, hull: usize): i32 {
  let h = 0;
  for (let t = 0; t < n; t++) {
    const p = load<i32>(sorted + (<usize>t << 2));
    while (h >= 2 && cross(z, load<i32>(hull + (<usize>(h - 2) << 2)), load<i32>(hull + (<usize>(h - 1) << 2)), p) <= 0.0) h--;
    store<i32>(hull + (<usize>h << 2), p);
    h++;
  }
  const lower = h + 1;
  for (let t = n - 2; t >= 0; t--) {
    const p = load<i32>(sorted + (<usize>t << 2));
    while (h >= lower && cross(z, load<i32>(hull + (<usize>(h - 2) << 2)), load<i32>(hull + (<usize>(h - 1) << 2)), p) <= 0.0) h--;
    store<i32>(hull + (<usize>h << 2), p);
    h++;
  }
  return h - 1; // last point repeats the first
}

export function hardmaxStep(
  z: usize, n: i32, d: i32, A: usize, c: f64, tol: f64, mode: i32, update: i32,
  leader: usize, first: usize, count: usize, scratch: usize,
): i32 {
  const nd = <usize>(n * d) << 3;
  checkRange(z, nd);
  checkRange(A, <usize>(d * d) << 3);
  checkRange(leader, <usize>n << 2);
  checkRange(first, <usize>n << 2);
  checkRange(count, <usize>n << 2);
  checkRange(scratch, <usize>hardmaxScratchBytes(n, d));
  assert(mode != 2 || d == 2, 'hull mode needs d = 2');
  const w = scratch;
  const zn = w + nd;
  const rmax = zn + nd;
  const rthr = rmax + (<usize>n << 3);
  const row = rthr + (<usize>n << 3);
  const lsc = row + (<usize>n << 3);
  const lidx = lsc + (<usize>(n * LIST_CAP) << 3);
  const lcnt = lidx + (<usize>(n * LIST_CAP) << 2);
  const ord = lcnt + (<usize>n << 2);
  const tmp = ord + (<usize>n << 2);
  const hull = tmp + (<usize>n << 2);
  const band = hull + (<usize>(2 * n + 2) << 2);
  const mask = band + (<usize>n << 2);
  computeW(z, n, d, A, w);
  let fallbacks = 0;
  if (mode == 1) {
    symmetricPass(z, w, n, d, tol, rmax, rthr, lsc, lidx, lcnt);
    for (let i = 0; i < n; i++) {
      let cnt = listToMask(i, rthr, lsc, lidx, lcnt, mask);
      if (cnt < 0) {
        cnt = bruteRow(i, z, w, n, d, tol, row, mask);
        fallbacks++;
      }
      finishRow(i, mask, cnt, z, zn, d, c, leader, first, count);
    }
  } else if (mode == 2) {
    fallbacks = hullStep(z, w, n, A, c, tol, zn, row, ord, tmp, hull, band, mask, leader, first, count);
  } else {
    for (let i = 0; i < n; i++) {
      const cnt = bruteRow(i, z, w, n, d, tol, row, mask);
      finishRow(i, mask, cnt, z, zn, d, c, leader, first, count);
    }
  }
  if (update) memory.copy(z, zn, nd);
  return fallbacks;
}

function hullStep(
  z: usize, w: usize, n: i32, A: usize, c: f64, tol: f64, zn: usize, row: usize,
  ord: usize, tmp: usize, hull: usize, band: usize, mask: usize,
  leader: usize, first: usize, count: usize,
): i32 {
  // Scale of the problem: R = max |coordinate|, Aabs = Σ|A_kj|.
  let R = 0.0;
  for (let t = 0; t < 2 * n; t++) R = max(R, abs(load<f64>(z + (<usize>t << 3))));
  const Aabs = abs(load<f64>(A)) + abs(load<f64>(A, 8)) + abs(load<f64>(A, 16)) + abs(load<f64>(A, 24));
  // Rounding bound of a canonical score against ⟨A z_i, z_l⟩ (d = 2: ≤ 8u·Aabs·R², doubled).
  const eps = 16.0 * U * Aabs * R * R;
  // Band half-width: generous enough for typical rows, small enough to hold few points.
  const eta = 1e-9 * R;
  for (let t = 0; t < n; t++) store<i32>(ord + (<usize>t << 2), t);
  const sorted = sortXY(z, n, ord, tmp);
  let h = n >= 3 ? monotoneChain(z, n, sorted, hull) : 0;
  // Band: points within eta (plus the rounding slack of the test) of an edge line, or outside.
  let nb = 0;
  if (h < 3) {
    for (let l = 0; l < n; l++) { store<i32>(band + (<usize>nb << 2), l); nb++; }
  } else {
    for (let l = 0; l < n; l++) {
      const px = load<f64>(z + (<usize>l << 4)), py = load<f64>(z + (<usize>l << 4), 8);
      let near = false;
      for (let e = 0; e < h; e++) {
        const a = load<i32>(hull + (<usize>e << 2));
        const b = load<i32>(hull + (<usize>(e + 1 == h ? 0 : e + 1) << 2));
        const ax = load<f64>(z + (<usize>a << 4)), ay = load<f64>(z + (<usize>a << 4), 8);
        const ex = load<f64>(z + (<usize>b << 4)) - ax, ey = load<f64>(z + (<usize>b << 4), 8) - ay;
        const len = sqrt(ex * ex + ey * ey);
        const cr = ex * (py - ay) - ey * (px - ax); // = len · (inward distance of p)
        const slack = 32.0 * U * R * (len + 2.0 * R);
        if (cr <= len * eta + slack) { near = true; break; }
      }
      if (near) { store<i32>(band + (<usize>nb << 2), l); nb++; }
    }
  }
  let fallbacks = 0;
  const tauMax = tol * max(1.0, Aabs * R * R + eps);
  for (let i = 0; i < n; i++) {
    const w0 = load<f64>(w + (<usize>i << 4)), w1 = load<f64>(w + (<usize>i << 4), 8);
    // |A z_i| is at least |w_i| minus its rounding error (≤ 4u·Aabs·R).
    const aLow = sqrt(w0 * w0 + w1 * w1) * (1.0 - 4.0 * U) - 4.0 * U * Aabs * R;
    let cnt = 0;
    if (h >= 3 && aLow > 0.0 && (tauMax + 2.0 * eps) <= eta * aLow) {
      let m = -Infinity;
      for (let q = 0; q < nb; q++) {
        const s = score(w, z, 2, i, load<i32>(band + (<usize>q << 2)));
        store<f64>(row + (<usize>q << 3), s);
        if (s > m) m = s;
      }
      const thr = threshold(m, tol);
      for (let q = 0; q < nb; q++) {
        if (load<f64>(row + (<usize>q << 3)) >= thr) {
          store<i32>(mask + (<usize>cnt << 2), load<i32>(band + (<usize>q << 2)));
          cnt++;
        }
      }
    } else {
      cnt = bruteRow(i, z, w, n, 2, tol, row, mask);
      fallbacks++;
    }
    finishRow(i, mask, cnt, z, zn, 2, c, leader, first, count);
  }
  return fallbacks;
}
