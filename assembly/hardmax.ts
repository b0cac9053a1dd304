// One step of the pure-attention hardmax dynamics (survey arXiv 2510.03303, eq. 4.1a–b; Alcalde, Fantuzzi,
// Zuazua, arXiv 2407.01602), computed on atoms:
//   S_il = ⟨A z_i, z_l⟩,   C_i = { l : S_il ≥ m_i − tol·max(1, |m_i|) },  m_i = max_l S_il,
//   z_i ← z_i + c·(mean_{l∈C_i} z_l − z_i),   c = α/(1+α)      (all tokens simultaneously)
//
// Canonical scores (mirrored by src/kernels/hardmax.ts): A = GᵀG, G = L̃ᵀ the transposed
// Cholesky factor (TS side); u_a = G z_a (sequential sums over j) and
//   S_il = dot(u_i, u_l),  dot = (Σ_{k even} u_ik u_lk + Σ_{k odd, k<d−d%2}) + [d odd] last term
// (the two partial sums are the lanes of an f64x2 accumulator). Products commute, so S_il = S_li
// bit for bit and S depends only on the two tokens' coordinates.
//
// Atoms: tokens with bit-identical coordinates have the same scores against everyone, hence the
// same C_i, the same mean and the same new coordinates — they are simulated once. The TS side
// (src/attention/atoms.ts) keeps m atoms ordered by their smallest token: za (m×d), mult[a]
// members perm[off[a]..off[a+1]) ascending, atomOf[token]. The argmax sets are found among
// atoms (C_a = atoms whose score reaches the threshold), then
//   mean_{l∈C_i} z_l = (Σ over the tokens of C_i in ascending token index) / |C_i|,
// the same sum in the same order as brute force over tokens, so the result is bit-identical:
//   all atoms of C_a single tokens → atom order is token order;  one atom b → z_b added mult[b]
//   times;  otherwise a k-way merge of the member lists (or a scan of atomOf when cheaper).
//
// Three ways to find the argmax sets among the m atoms, all giving bit-identical C_a:
//   mode 0 "brute-force": every row scanned, O(m² d).
//   mode 1 "symmetric":  each unordered pair scored once (half the multiply–adds), 2×2 register
//                        blocks; every row keeps the few candidates within its running threshold
//                        (at most LIST_CAP; a row that overflows is rescanned by brute force).
//   mode 2 "hull" (d = 2): in u-space the scores are Euclidean inner products ⟨u_i, u_l⟩, a
//                        linear functional of u_l. A point p of a convex polygon P with
//                        ⟨a, p⟩ ≥ max_P⟨a,·⟩ − Δ lies within Δ/|a| of ∂P. With a bound ε on the
//                        rounding of a computed score, every atom that brute force could put in
//                        C_i lies within δ_i = (τ_i + 2ε)/|u_i| of ∂conv(u), so scanning the band B
//                        of points within η ≥ δ_i of the boundary (hull vertices, points on edges)
//                        finds the same maximum and the same C_i. Rows with δ_i > η are scanned.
//                        Cost O(m log m + m h + m |B|) per step instead of O(m²).
//
// Leader groups (second pass): atom a is flagged when a = min C_a and every b ∈ C_a has
// C_b = C_a (checked as |C_b| = |C_a| and S_bx ≥ thr_b for all x ∈ C_a): the group attends to
// itself and nothing else. |C_a| = 1 is a strict leader (C_i = {i}, eq. 4.1, docs/algorithms/attention.md,
// "Leaders"); larger groups are tokens within the tie tolerance of each other.
// Outputs per atom: leader[a] ∈ {0, 1}; first[a] = min C_i (a token); count[a] = |C_i| (tokens).
// Returns the work done in score evaluations (for the TS side's choice of mode in 'auto').
import { checkRange } from './lib/memory';

// @ts-ignore: decorator
@inline const LIST_CAP: i32 = 8;
// @ts-ignore: decorator
@inline const U: f64 = 1.1102230246251565e-16; // 2^−53

// ---- scratch layout of hardmaxRows (bytes), shared by all modes ----------------------------
//   u      m·d f64     G z_a
//   rmax   m f64       running row maxima         (mode 1)
//   row    m f64       one row of scores          (brute rows; band scores in mode 2)
//   lsc    m·CAP f64   candidate scores           (mode 1)
//   lidx   m·CAP i32   candidate indices          (mode 1)
//   lcnt   m i32       candidate counts, −1 = overflow
//   ord m, tmp m, hull 2m+2, band m, mask m, heads m, mark m (i32)
//   seq    n i32       atoms of C_i's tokens in token order (mean of interleaved atoms)
// zn, rthr (row thresholds m_a − tol·max(1,|m_a|)), first, count, cntA, firstA are outputs
// the caller keeps across the row blocks of one step.
export function hardmaxScratchBytes(m: i32, d: i32, n: i32): i32 {
  return 8 * (m * d + 2 * m + m * LIST_CAP) + 4 * (m * LIST_CAP + 10 * m + 2 + n) + 64;
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

/** S_il = dot(u_i, u_l) (symmetric: the orientation min/max is kept only for a fixed memory order). */
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

/** w_a = G z_a for every atom (sequential sums over j). */
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

/** Brute-force row: scores of atom i against every atom → C_i in `mask`, thr_i in rthr; returns |C_i| (atoms). */
function bruteRow(i: i32, u: usize, m: i32, d: i32, tol: f64, row: usize, rthr: usize, mask: usize): i32 {
  let mx = -Infinity;
  for (let l = 0; l < m; l++) {
    const s = score(u, u, d, i, l);
    store<f64>(row + (<usize>l << 3), s);
    if (s > mx) mx = s;
  }
  const thr = threshold(mx, tol);
  store<f64>(rthr + (<usize>i << 3), thr);
  let cnt = 0;
  for (let l = 0; l < m; l++) {
    if (load<f64>(row + (<usize>l << 3)) >= thr) {
      store<i32>(mask + (<usize>cnt << 2), l);
      cnt++;
    }
  }
  return cnt;
}

// Atom bookkeeping of the current call (module globals: kernels do not allocate).
let L_za: usize = 0, L_zn: usize = 0, L_d: i32 = 0, L_c: f64 = 0, L_n: i32 = 0;
let L_mult: usize = 0, L_perm: usize = 0, L_off: usize = 0, L_atomOf: usize = 0;
let L_first: usize = 0, L_count: usize = 0, L_cntA: usize = 0, L_firstA: usize = 0;
let L_heads: usize = 0, L_mark: usize = 0, L_seq: usize = 0;
// Set when a row's argmax set is empty (only a non-finite score can do that); the row is then
// left alone instead of reading an unset mask (which made results depend on old memory).
let L_bad: i32 = 0;

@inline
function ldi(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/**
 * Atom a's new coordinates and outputs from C_a (k atoms, ascending, in `mask`): the mean
 * visits the tokens of C_i in ascending token index (see the header).
 */
function finishRow(a: i32, mask: usize, k: i32): void {
  if (k <= 0) {
    L_bad = 1;
    return;
  }
  const d = L_d;
  const rb = <usize>d << 3;
  let cnt = 0;
  let single = true;
  for (let q = 0; q < k; q++) {
    const mq = ldi(L_mult, ldi(mask, q));
    cnt += mq;
    if (mq != 1) single = false;
  }
  // Sequence source: `mask` itself (single-token atoms), one atom repeated, or `seq`.
  let src = mask;
  let rep = 0;
  if (!single) {
    if (k == 1) rep = ldi(mask, 0);
    else {
      src = L_seq;
      if (<i64>cnt * <i64>k <= <i64>(2 * L_n)) {
        // k-way merge of the member lists by token index
        for (let q = 0; q < k; q++) store<i32>(L_heads + (<usize>q << 2), ldi(L_off, ldi(mask, q)));
        for (let t = 0; t < cnt; t++) {
          let best = -1, bt = 0x7fffffff;
          for (let q = 0; q < k; q++) {
            const b = ldi(mask, q);
            const h = ldi(L_heads, q);
            if (h < ldi(L_off, b + 1)) {
              const tok = ldi(L_perm, h);
              if (tok < bt) { bt = tok; best = q; }
            }
          }
          store<i32>(L_heads + (<usize>best << 2), ldi(L_heads, best) + 1);
          store<i32>(src + (<usize>t << 2), ldi(mask, best));
        }
      } else {
        // scan of all tokens, keeping those whose atom is in C_a
        const stamp = a + 1;
        for (let q = 0; q < k; q++) store<i32>(L_mark + (<usize>ldi(mask, q) << 2), stamp);
        let t = 0;
        for (let l = 0; l < L_n; l++) {
          const b = ldi(L_atomOf, l);
          if (ldi(L_mark, b) == stamp) { store<i32>(src + (<usize>t << 2), b); t++; }
        }
      }
    }
  }
  const inv = <f64>cnt;
  const za = L_za, zi = za + <usize>a * rb, zni = L_zn + <usize>a * rb;
  const cv = f64x2.splat(L_c), iv = f64x2.splat(inv);
  let kk = 0;
  for (; kk + 1 < d; kk += 2) {
    const o = <usize>kk << 3;
    let s = f64x2.splat(0.0);
    if (!single && k == 1) {
      const v = v128.load(za + <usize>rep * rb + o);
      for (let t = 0; t < cnt; t++) s = f64x2.add(s, v);
    } else {
      for (let t = 0; t < cnt; t++) s = f64x2.add(s, v128.load(za + <usize>ldi(src, t) * rb + o));
    }
    const mean = f64x2.div(s, iv);
    const x = v128.load(zi + o);
    v128.store(zni + o, f64x2.add(x, f64x2.mul(cv, f64x2.sub(mean, x))));
  }
  if (kk < d) {
    const o = <usize>kk << 3;
    let s = 0.0;
    if (!single && k == 1) {
      const v = load<f64>(za + <usize>rep * rb + o);
      for (let t = 0; t < cnt; t++) s = s + v;
    } else {
      for (let t = 0; t < cnt; t++) s = s + load<f64>(za + <usize>ldi(src, t) * rb + o);
    }
    const mean = s / inv;
    const x = load<f64>(zi + o);
    store<f64>(zni + o, x + L_c * (mean - x));
  }
  const m0 = ldi(mask, 0);
  store<i32>(L_first + (<usize>a << 2), ldi(L_perm, ldi(L_off, m0)));
  store<i32>(L_count + (<usize>a << 2), cnt);
  store<i32>(L_cntA + (<usize>a << 2), k);
  store<i32>(L_firstA + (<usize>a << 2), m0);
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

/**
 * The scores of rows (i, i+1) × columns (l, l+1), r0 = (s_il, s_i,l+1), r1 = (s_i+1,l, s_i+1,l+1):
 * fast reject when none reaches the running threshold of its row (ti, ti1) or column, else
 * offered to all four lists.
 */
// @ts-ignore: decorator
@inline
function offerBlock(i: i32, l: i32, r0: v128, r1: v128, ti: v128, ti1: v128, rmax: usize, rthr: usize, lsc: usize, lidx: usize, lcnt: usize, tol: f64): void {
  const tl = v128.load(rthr + (<usize>l << 3));
  const hit = v128.or(v128.or(f64x2.ge(r0, ti), f64x2.ge(r1, ti1)), v128.or(f64x2.ge(r0, tl), f64x2.ge(r1, tl)));
  if (!v128.any_true(hit)) return;
  const i1 = i + 1, l1 = l + 1;
  const s00 = f64x2.extract_lane(r0, 0), s01 = f64x2.extract_lane(r0, 1);
  const s10 = f64x2.extract_lane(r1, 0), s11 = f64x2.extract_lane(r1, 1);
  offer(i, s00, l, rmax, rthr, lsc, lidx, lcnt, tol);
  offer(l, s00, i, rmax, rthr, lsc, lidx, lcnt, tol);
  offer(i, s01, l1, rmax, rthr, lsc, lidx, lcnt, tol);
  offer(l1, s01, i, rmax, rthr, lsc, lidx, lcnt, tol);
  offer(i1, s10, l, rmax, rthr, lsc, lidx, lcnt, tol);
  offer(l, s10, i1, rmax, rthr, lsc, lidx, lcnt, tol);
  offer(i1, s11, l1, rmax, rthr, lsc, lidx, lcnt, tol);
  offer(l1, s11, i1, rmax, rthr, lsc, lidx, lcnt, tol);
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
    // 2 rows × 4 columns per pass (8 accumulators): each score is the same canonical sum as in
    // a 2×2 block, the w loads are shared by four columns
    for (; l + 3 < n; l += 4) {
      const z0 = z + <usize>l * rb, z1 = z0 + rb, z2 = z1 + rb, z3 = z2 + rb;
      let a00 = zero, a01 = zero, a10 = zero, a11 = zero, a02 = zero, a03 = zero, a12 = zero, a13 = zero;
      for (let k = 0; k + 1 < d; k += 2) {
        const o = <usize>k << 3;
        const x0 = v128.load(w0 + o), x1 = v128.load(w1 + o);
        const y0 = v128.load(z0 + o), y1 = v128.load(z1 + o);
        a00 = f64x2.add(a00, f64x2.mul(x0, y0));
        a01 = f64x2.add(a01, f64x2.mul(x0, y1));
        a10 = f64x2.add(a10, f64x2.mul(x1, y0));
        a11 = f64x2.add(a11, f64x2.mul(x1, y1));
        const y2 = v128.load(z2 + o), y3 = v128.load(z3 + o);
        a02 = f64x2.add(a02, f64x2.mul(x0, y2));
        a03 = f64x2.add(a03, f64x2.mul(x0, y3));
        a12 = f64x2.add(a12, f64x2.mul(x1, y2));
        a13 = f64x2.add(a13, f64x2.mul(x1, y3));
      }
      let r0 = f64x2.add(v128.shuffle<f64>(a00, a01, 0, 2), v128.shuffle<f64>(a00, a01, 1, 3));
      let r1 = f64x2.add(v128.shuffle<f64>(a10, a11, 0, 2), v128.shuffle<f64>(a10, a11, 1, 3));
      let r2 = f64x2.add(v128.shuffle<f64>(a02, a03, 0, 2), v128.shuffle<f64>(a02, a03, 1, 3));
      let r3 = f64x2.add(v128.shuffle<f64>(a12, a13, 0, 2), v128.shuffle<f64>(a12, a13, 1, 3));
      if (odd) {
        const xa = f64x2.splat(load<f64>(w0 + tail)), xb = f64x2.splat(load<f64>(w1 + tail));
        const y = f64x2.replace_lane(f64x2.splat(load<f64>(z0 + tail)), 1, load<f64>(z1 + tail));
        r0 = f64x2.add(r0, f64x2.mul(xa, y));
        r1 = f64x2.add(r1, f64x2.mul(xb, y));
        const yy = f64x2.replace_lane(f64x2.splat(load<f64>(z2 + tail)), 1, load<f64>(z3 + tail));
        r2 = f64x2.add(r2, f64x2.mul(xa, yy));
        r3 = f64x2.add(r3, f64x2.mul(xb, yy));
      }
      offerBlock(i, l, r0, r1, f64x2.splat(load<f64>(rthr + (<usize>i << 3))), f64x2.splat(load<f64>(rthr + (<usize>i1 << 3))), rmax, rthr, lsc, lidx, lcnt, tol);
      // (the row thresholds may have risen in the first block: read them again)
      offerBlock(i, l + 2, r2, r3, f64x2.splat(load<f64>(rthr + (<usize>i << 3))), f64x2.splat(load<f64>(rthr + (<usize>i1 << 3))), rmax, rthr, lsc, lidx, lcnt, tol);
    }
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
      offerBlock(i, l, r0, r1, f64x2.splat(load<f64>(rthr + (<usize>i << 3))), f64x2.splat(load<f64>(rthr + (<usize>i1 << 3))), rmax, rthr, lsc, lidx, lcnt, tol);
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

/**
 * Rows [r0, r1) of one step (mode 0 brute force or 2 hull: any block; mode 1 symmetric: only
 * the whole range r0 = 0, r1 = m). Reads the atoms za (m × d), writes for every row a of the
 * block: zn[a] (new coordinates, m × d array), rthr[a] (tie threshold), first[a], count[a]
 * (token-level min C_i and |C_i|), cntA[a], firstA[a] (atom-level |C_a| and min C_a; the
 * leader pass reads them). Blocks let the TS side check an AbortSignal between kernel calls
 * inside one long step (docs/algorithms/attention.md). Returns the work done in score
 * evaluations, or −1 when some row's argmax set was empty (a non-finite score; the TS side
 * rescales the tokens so that this cannot happen, and turns −1 into a typed error).
 */
export function hardmaxRows(
  za: usize, m: i32, d: i32, G: usize, c: f64, tol: f64, mode: i32, r0: i32, r1: i32,
  n: i32, mult: usize, perm: usize, off: usize, atomOf: usize,
  zn: usize, rthr: usize, first: usize, count: usize, cntA: usize, firstA: usize, scratch: usize,
): f64 {
  const md = <usize>(m * d) << 3;
  checkRange(za, md);
  checkRange(zn, md);
  checkRange(G, <usize>(d * d) << 3);
  checkRange(mult, <usize>m << 2);
  checkRange(perm, <usize>n << 2);
  checkRange(off, <usize>(m + 1) << 2);
  checkRange(atomOf, <usize>n << 2);
  checkRange(rthr, <usize>m << 3);
  checkRange(first, <usize>m << 2);
  checkRange(count, <usize>m << 2);
  checkRange(cntA, <usize>m << 2);
  checkRange(firstA, <usize>m << 2);
  checkRange(scratch, <usize>hardmaxScratchBytes(m, d, n));
  assert(mode != 2 || d == 2, 'hull mode needs d = 2');
  assert(m >= 1 && m <= n, 'need 1 ≤ m ≤ n atoms');
  assert(0 <= r0 && r0 <= r1 && r1 <= m, 'need 0 ≤ r0 ≤ r1 ≤ m');
  assert(mode != 1 || (r0 == 0 && r1 == m), 'symmetric mode runs all rows at once');
  const u = scratch;
  const rmax = u + md;
  const row = rmax + (<usize>m << 3);
  const lsc = row + (<usize>m << 3);
  const lidx = lsc + (<usize>(m * LIST_CAP) << 3);
  const lcnt = lidx + (<usize>(m * LIST_CAP) << 2);
  const ord = lcnt + (<usize>m << 2);
  const tmp = ord + (<usize>m << 2);
  const hull = tmp + (<usize>m << 2);
  const band = hull + (<usize>(2 * m + 2) << 2);
  const mask = band + (<usize>m << 2);
  L_za = za; L_zn = zn; L_d = d; L_c = c; L_n = n;
  L_mult = mult; L_perm = perm; L_off = off; L_atomOf = atomOf;
  L_first = first; L_count = count;
  L_cntA = cntA;
  L_firstA = firstA;
  L_heads = mask + (<usize>m << 2);
  L_mark = L_heads + (<usize>m << 2);
  L_seq = L_mark + (<usize>m << 2);
  L_bad = 0;
  memory.fill(L_mark, 0, <usize>m << 2);
  computeW(za, m, d, G, u);
  // Work done, in score evaluations (the TS side's 'auto' uses it to choose the next mode).
  let work: f64 = 0;
  const mf = <f64>m;
  if (mode == 1) {
    symmetricPass(u, u, m, d, tol, rmax, rthr, lsc, lidx, lcnt);
    work = mf * (mf + 1) / 2;
    for (let i = 0; i < m; i++) {
      let cnt = listToMask(i, rthr, lsc, lidx, lcnt, mask);
      if (cnt < 0) {
        cnt = bruteRow(i, u, m, d, tol, row, rthr, mask);
        work += mf;
      }
      finishRow(i, mask, cnt);
    }
  } else if (mode == 2) {
    work = hullStep(u, m, tol, rthr, row, ord, tmp, hull, band, mask, r0, r1);
  } else {
    for (let i = r0; i < r1; i++) finishRow(i, mask, bruteRow(i, u, m, d, tol, row, rthr, mask));
    work = <f64>(r1 - r0) * mf;
  }
  return L_bad ? -1.0 : work;
}

/**
 * Leader flags of rows [r0, r1) once every row's rthr, cntA and firstA are known (hardmaxRows
 * over all rows): leader[a] = 1 when a = min C_a and C_b = C_a for every b ∈ C_a.
 */
export function hardmaxLeaders(
  za: usize, m: i32, d: i32, G: usize, tol: f64, r0: i32, r1: i32,
  rthr: usize, cntA: usize, firstA: usize, leader: usize, scratch: usize,
): void {
  const md = <usize>(m * d) << 3;
  checkRange(za, md);
  checkRange(G, <usize>(d * d) << 3);
  checkRange(rthr, <usize>m << 3);
  checkRange(cntA, <usize>m << 2);
  checkRange(firstA, <usize>m << 2);
  checkRange(leader, <usize>m << 2);
  checkRange(scratch, <usize>hardmaxLeaderScratchBytes(m, d));
  assert(0 <= r0 && r0 <= r1 && r1 <= m, 'need 0 ≤ r0 ≤ r1 ≤ m');
  const u = scratch;
  const row = u + md;
  const mask = row + (<usize>m << 3);
  L_cntA = cntA;
  L_firstA = firstA;
  computeW(za, m, d, G, u);
  leaderPass(u, m, d, tol, row, rthr, mask, leader, r0, r1);
}

/** Scratch bytes of hardmaxLeaders: u (m·d f64), one row of scores (m f64), a mask (m i32). */
export function hardmaxLeaderScratchBytes(m: i32, d: i32): i32 {
  return 8 * (m * d + m) + 4 * m + 64;
}

/**
 * leader[a] = 1 when a = min C_a and C_b = C_a for every b ∈ C_a. Only rows with a = min C_a
 * and |C_a| > 1 are rescanned (groups of atoms tied within the tolerance), once per group.
 */
function leaderPass(u: usize, m: i32, d: i32, tol: f64, row: usize, rthr: usize, mask: usize, leader: usize, r0: i32, r1: i32): void {
  for (let a = r0; a < r1; a++) {
    let flag = 0;
    if (ldi(L_firstA, a) == a) {
      const g = ldi(L_cntA, a);
      if (g == 1) flag = 1;
      else {
        const k = bruteRow(a, u, m, d, tol, row, rthr, mask);
        flag = k == g ? 1 : 0;
        for (let q = 0; q < k && flag; q++) {
          const b = ldi(mask, q);
          if (b == a) continue;
          if (ldi(L_cntA, b) != g || ldi(L_firstA, b) != a) { flag = 0; break; }
          const tb = load<f64>(rthr + (<usize>b << 3));
          for (let r = 0; r < k; r++) {
            if (!(score(u, u, d, b, ldi(mask, r)) >= tb)) { flag = 0; break; }
          }
        }
      }
    }
    store<i32>(leader + (<usize>a << 2), flag);
  }
}

function hullStep(
  u: usize, m: i32, tol: f64, rthr: usize, row: usize,
  ord: usize, tmp: usize, hull: usize, band: usize, mask: usize, r0: i32, r1: i32,
): f64 {
  // Scale: R = max |u coordinate|. A computed score dot(u_i, u_l) = fl(fl(x0 y0) + fl(x1 y1))
  // is within γ₂(|x0 y0| + |x1 y1|) ≤ 4.0000001·u·R² of ⟨u_i, u_l⟩; ε doubles that.
  let R = 0.0;
  for (let t = 0; t < 2 * m; t++) R = max(R, abs(load<f64>(u + (<usize>t << 3))));
  const eps = 8.0 * U * R * R;
  // Band half-width: generous enough for typical rows, small enough to hold few points.
  const eta = 1e-9 * R;
  for (let t = 0; t < m; t++) store<i32>(ord + (<usize>t << 2), t);
  const sorted = sortXY(u, m, ord, tmp);
  let h = m >= 3 ? monotoneChain(u, m, sorted, hull) : 0;
  // Band: points within eta (plus the rounding slack of the test) of an edge line, or outside.
  let nb = 0;
  if (h < 3) {
    for (let l = 0; l < m; l++) { store<i32>(band + (<usize>nb << 2), l); nb++; }
  } else {
    for (let l = 0; l < m; l++) {
      const px = load<f64>(u + (<usize>l << 4)), py = load<f64>(u + (<usize>l << 4), 8);
      let near = false;
      for (let e = 0; e < h; e++) {
        const a = load<i32>(hull + (<usize>e << 2));
        const b = load<i32>(hull + (<usize>(e + 1 == h ? 0 : e + 1) << 2));
        const ax = load<f64>(u + (<usize>a << 4)), ay = load<f64>(u + (<usize>a << 4), 8);
        const ex = load<f64>(u + (<usize>b << 4)) - ax, ey = load<f64>(u + (<usize>b << 4), 8) - ay;
        const len = sqrt(ex * ex + ey * ey);
        const cr = ex * (py - ay) - ey * (px - ax); // = len · (inward distance of p)
        const slack = 32.0 * U * R * (len + 2.0 * R);
        if (cr <= len * eta + slack) { near = true; break; }
      }
      if (near) { store<i32>(band + (<usize>nb << 2), l); nb++; }
    }
  }
  let fallbacks = 0;
  // |m_i| ≤ 2R²(1 + 2u): the largest tie allowance any row can have.
  const tauMax = tol * max(1.0, 2.0 * R * R + eps);
  for (let i = r0; i < r1; i++) {
    const w0 = load<f64>(u + (<usize>i << 4)), w1 = load<f64>(u + (<usize>i << 4), 8);
    // |u_i| from below (the computed norm is within a few ulps).
    const aLow = sqrt(w0 * w0 + w1 * w1) * (1.0 - 4.0 * U);
    let cnt = 0;
    // (R ≥ 1e-100 keeps products clear of underflow, where the relative bound ε fails)
    if (h >= 3 && R >= 1e-100 && aLow > 0.0 && (tauMax + 2.0 * eps) <= eta * aLow) {
      let mx = -Infinity;
      for (let q = 0; q < nb; q++) {
        const s = score(u, u, 2, i, load<i32>(band + (<usize>q << 2)));
        store<f64>(row + (<usize>q << 3), s);
        if (s > mx) mx = s;
      }
      const thr = threshold(mx, tol);
      store<f64>(rthr + (<usize>i << 3), thr);
      for (let q = 0; q < nb; q++) {
        if (load<f64>(row + (<usize>q << 3)) >= thr) {
          store<i32>(mask + (<usize>cnt << 2), load<i32>(band + (<usize>q << 2)));
          cnt++;
        }
      }
    } else {
      cnt = bruteRow(i, u, m, 2, tol, row, rthr, mask);
      fallbacks++;
    }
    finishRow(i, mask, cnt);
  }
  // band scans + full rescans + the band test (≈ one score per point and hull edge tried)
  return <f64>(r1 - r0 - fallbacks) * <f64>nb + <f64>fallbacks * <f64>m + <f64>m * <f64>h;
}
