// One step of the softmax self-attention dynamics (survey arXiv 2510.03303, eq. 4.2;
// docs/algorithms/attention.md):
//   P_il = e^{S_il/T} / Σ_j e^{S_ij/T},  S_il = ⟨A z_i, z_l⟩,
//   z_i ← z_i + c·(Σ_l P_il z_l − z_i),  c = α/(1+α)
// (the update of the anchors' softmax-numpy; T → 0 gives the hardmax step of eq. 4.1).
//
// Operation order (mirrored by src/kernels/softmax.ts, bit for bit, in both modes):
//   w_a = A z_a (sequential sums); scores are the canonical ones of assembly/hardmax.ts,
//   S_il = dot(w_a, z_b)·(1/T) with a = min(i,l), b = max(i,l) and dot = (even-k lane + odd-k
//   lane) + odd tail — so S_il = S_li bit for bit (A is symmetrised exactly on the TS side);
//   m_i = max_l S_il; e_il = exp(S_il − m_i) (assembly/lib/exp.ts), and e_il := 0 when
//   S_il − m_i < cut, cut = ln(2^−53 / n) chosen on the TS side, so the dropped mass is below
//   2^−53 of the row sum (under the rounding of the sum itself);
//   Zs = Σ_l e_il, Y_k = Σ_l e_il z_lk (ascending l; a dropped term adds +0, which is exact);
//   z_ik ← z_ik + c·(Y_k/Zs − z_ik).
//
// Two ways to get the scores, identical results:
//   mode 1 "symmetric": the whole n×n score matrix in scratch, each unordered pair computed
//     once (half the n²d multiply–adds) in 64×64 tiles of 2×2 register blocks, the block's
//     transpose stored too (the tile keeps those rows in cache). Needs 8n² bytes of scratch.
//   mode 0 "rows": two rows at a time into two row buffers, each pair computed from both
//     sides in the canonical orientation (w of the smaller index). O(nd) scratch.
// The row pass is vectorised: f64x2 max, f64x2 exp on lane pairs with the cut as a lane mask
// (pairs entirely below the cut are skipped — most of them at small T), and the weighted sum
// Σ_l e_il z_l accumulated over k in f64x2 lanes (z is row-major, so z_l is contiguous).
import { checkRange } from './lib/memory';
import { expF64, expF64x2 } from './lib/exp';

// @ts-ignore: decorator
@inline const TILE: i32 = 64;

/** Scratch bytes for mode 0 (rows) or 1 (symmetric: adds the n×n score matrix). */
export function softmaxScratchBytes(n: i32, d: i32, mode: i32): i32 {
  // w, zn (n·d), two rows (n), acc (d + 2), the kept-pair list (n/2 + 1 of v128 + i32)
  const base = 8 * (2 * n * d + 2 * n + d + 2) + 20 * (n / 2 + 1) + 96;
  return mode == 1 ? base + 8 * n * n : base;
}

/** Scores of rows (i, i+1) × columns (l, l+1): x rows from xa, y columns from ya. */
// @ts-ignore: decorator
@inline
function block(x0: usize, x1: usize, y0: usize, y1: usize, d: i32, invT: f64, out0: usize, out1: usize): void {
  const zero = f64x2.splat(0.0);
  let a00 = zero, a01 = zero, a10 = zero, a11 = zero;
  for (let k = 0; k + 1 < d; k += 2) {
    const o = <usize>k << 3;
    const p0 = v128.load(x0 + o), p1 = v128.load(x1 + o);
    const q0 = v128.load(y0 + o), q1 = v128.load(y1 + o);
    a00 = f64x2.add(a00, f64x2.mul(p0, q0));
    a01 = f64x2.add(a01, f64x2.mul(p0, q1));
    a10 = f64x2.add(a10, f64x2.mul(p1, q0));
    a11 = f64x2.add(a11, f64x2.mul(p1, q1));
  }
  let r0 = f64x2.add(v128.shuffle<f64>(a00, a01, 0, 2), v128.shuffle<f64>(a00, a01, 1, 3));
  let r1 = f64x2.add(v128.shuffle<f64>(a10, a11, 0, 2), v128.shuffle<f64>(a10, a11, 1, 3));
  if (d & 1) {
    const t = <usize>(d - 1) << 3;
    const y = f64x2.replace_lane(f64x2.splat(load<f64>(y0 + t)), 1, load<f64>(y1 + t));
    r0 = f64x2.add(r0, f64x2.mul(f64x2.splat(load<f64>(x0 + t)), y));
    r1 = f64x2.add(r1, f64x2.mul(f64x2.splat(load<f64>(x1 + t)), y));
  }
  const it = f64x2.splat(invT);
  v128.store(out0, f64x2.mul(r0, it));
  v128.store(out1, f64x2.mul(r1, it));
}

// @ts-ignore: decorator
@inline
function dotRow(w: usize, z: usize, d: i32): f64 {
  let acc = f64x2.splat(0.0);
  for (let k = 0; k + 1 < d; k += 2) {
    const o = <usize>k << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(w + o), v128.load(z + o)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (d & 1) s = s + load<f64>(w + <usize>(d - 1) * 8) * load<f64>(z + <usize>(d - 1) * 8);
  return s;
}

// Kept-pair list of the row being finished (module globals: kernels do not allocate): the
// even column l of each lane pair with a weight above the cut, and its two weights (e_l, e_l+1).
let K_idx: usize = 0, K_e: usize = 0;

/**
 * Row i's softmax average from its n scores at `row`; writes the new token to zn.
 * Pass 1 (lane pairs of columns): max, weights e = exp(s − m) with the cut as a lane mask, the
 * row sum Zs, and the list of kept pairs. Pass 2: Y_k = Σ_l e_l z_lk over the kept pairs, eight
 * coordinates at a time in registers (then pairs, then the odd tail). Per coordinate the sum
 * runs over l ascending, ((Y + e_l z_l) + e_l+1 z_l+1), as the twin's (a dropped lane adds +0).
 */
function rowOut(i: i32, row: usize, z: usize, zn: usize, n: i32, d: i32, c: f64, cut: f64, acc: usize, known: bool, mKnown: f64): void {
  const even = n & ~1;
  let m = mKnown;
  if (!known) {
    let mv = f64x2.splat(-Infinity);
    for (let l = 0; l < even; l += 2) mv = f64x2.max(mv, v128.load(row + (<usize>l << 3)));
    m = max(f64x2.extract_lane(mv, 0), f64x2.extract_lane(mv, 1));
    if (n & 1) m = max(m, load<f64>(row + (<usize>even << 3)));
  }
  const rb = <usize>d << 3;
  const dv = d & ~1;
  let zs = 0.0;
  const vm = f64x2.splat(m), vcut = f64x2.splat(cut);
  let np = 0;
  for (let l = 0; l < even; l += 2) {
    const x = f64x2.sub(v128.load(row + (<usize>l << 3)), vm);
    const keep = f64x2.ge(x, vcut);
    if (!v128.any_true(keep)) continue;
    const e = v128.and(expF64x2(x), keep);
    zs = zs + f64x2.extract_lane(e, 0);
    zs = zs + f64x2.extract_lane(e, 1);
    store<i32>(K_idx + (<usize>np << 2), l);
    v128.store(K_e + (<usize>np << 4), e);
    np++;
  }
  let kk = 0;
  for (; kk + 8 <= dv; kk += 8) {
    const o = <usize>kk << 3;
    let a0 = f64x2.splat(0.0), a1 = a0, a2 = a0, a3 = a0;
    for (let q = 0; q < np; q++) {
      const e = v128.load(K_e + (<usize>q << 4));
      const s0 = v128.shuffle<f64>(e, e, 0, 0), s1 = v128.shuffle<f64>(e, e, 1, 1);
      const z0 = z + <usize>load<i32>(K_idx + (<usize>q << 2)) * rb + o, z1 = z0 + rb;
      a0 = f64x2.add(f64x2.add(a0, f64x2.mul(s0, v128.load(z0))), f64x2.mul(s1, v128.load(z1)));
      a1 = f64x2.add(f64x2.add(a1, f64x2.mul(s0, v128.load(z0, 16))), f64x2.mul(s1, v128.load(z1, 16)));
      a2 = f64x2.add(f64x2.add(a2, f64x2.mul(s0, v128.load(z0, 32))), f64x2.mul(s1, v128.load(z1, 32)));
      a3 = f64x2.add(f64x2.add(a3, f64x2.mul(s0, v128.load(z0, 48))), f64x2.mul(s1, v128.load(z1, 48)));
    }
    v128.store(acc + o, a0);
    v128.store(acc + o, a1, 16);
    v128.store(acc + o, a2, 32);
    v128.store(acc + o, a3, 48);
  }
  for (; kk < dv; kk += 2) {
    const o = <usize>kk << 3;
    let a0 = f64x2.splat(0.0);
    for (let q = 0; q < np; q++) {
      const e = v128.load(K_e + (<usize>q << 4));
      const z0 = z + <usize>load<i32>(K_idx + (<usize>q << 2)) * rb + o;
      a0 = f64x2.add(f64x2.add(a0, f64x2.mul(v128.shuffle<f64>(e, e, 0, 0), v128.load(z0))), f64x2.mul(v128.shuffle<f64>(e, e, 1, 1), v128.load(z0 + rb)));
    }
    v128.store(acc + o, a0);
  }
  if (d & 1) {
    const o = <usize>dv << 3;
    let a = 0.0;
    for (let q = 0; q < np; q++) {
      const z0 = z + <usize>load<i32>(K_idx + (<usize>q << 2)) * rb + o;
      a = (a + load<f64>(K_e + (<usize>q << 4)) * load<f64>(z0)) + load<f64>(K_e + (<usize>q << 4), 8) * load<f64>(z0 + rb);
    }
    store<f64>(acc + o, a);
  }
  if (n & 1) {
    const x = load<f64>(row + (<usize>even << 3)) - m;
    if (x >= cut) {
      const e = expF64(x);
      zs = zs + e;
      const zl = z + <usize>even * rb;
      for (let k = 0; k < d; k++) {
        const o = <usize>k << 3;
        store<f64>(acc + o, load<f64>(acc + o) + e * load<f64>(zl + o));
      }
    }
  }
  const zi = z + <usize>i * rb, zni = zn + <usize>i * rb;
  for (let k = 0; k < d; k++) {
    const o = <usize>k << 3;
    const x = load<f64>(zi + o);
    store<f64>(zni + o, x + c * (load<f64>(acc + o) / zs - x));
  }
}

/**
 * mode 1: the full score matrix S (n×n, row-major), each unordered pair computed once, and the
 * row maxima rmax (n) on the way (max is exact, so they equal the maxima of the stored rows and
 * the row pass need not read S twice).
 */
function symmetricScores(z: usize, w: usize, n: i32, d: i32, invT: f64, S: usize, rmax: usize): void {
  const rb = <usize>d << 3;
  const sb = <usize>n << 3;
  const even = n & ~1;
  for (let a = 0; a < n; a++) store<f64>(rmax + (<usize>a << 3), -Infinity);
  for (let ib = 0; ib < even; ib += TILE) {
    const ie = min(ib + TILE, even);
    for (let jb = ib; jb < even; jb += TILE) {
      const je = min(jb + TILE, even);
      for (let i = ib; i < ie; i += 2) {
        const w0 = w + <usize>i * rb, w1 = w0 + rb;
        const si = S + <usize>i * sb;
        let l = jb == ib ? i : jb;
        const pi = rmax + (<usize>i << 3);
        if (l == i) {
          // diagonal block: keep the canonical (i, i+1) score for both orientations
          const zi = z + <usize>i * rb;
          block(w0, w1, zi, zi + rb, d, invT, si + (<usize>i << 3), si + sb + (<usize>i << 3));
          store<f64>(si + sb + (<usize>i << 3), load<f64>(si + (<usize>(i + 1) << 3)));
          // (max(s_ii, s_i+1,i), max(s_i,i+1, s_i+1,i+1)): both entries of row i, both of row i+1
          v128.store(pi, f64x2.max(v128.load(pi), f64x2.max(v128.load(si + (<usize>i << 3)), v128.load(si + sb + (<usize>i << 3)))));
          l += 2;
        }
        let m0 = f64x2.splat(-Infinity), m1 = m0;
        for (; l < je; l += 2) {
          const z0 = z + <usize>l * rb;
          const o0 = si + (<usize>l << 3), o1 = o0 + sb;
          block(w0, w1, z0, z0 + rb, d, invT, o0, o1);
          const r0 = v128.load(o0), r1 = v128.load(o1);
          const t = S + <usize>l * sb + (<usize>i << 3);
          v128.store(t, v128.shuffle<f64>(r0, r1, 0, 2));
          v128.store(t + sb, v128.shuffle<f64>(r0, r1, 1, 3));
          m0 = f64x2.max(m0, r0);
          m1 = f64x2.max(m1, r1);
          const pl = rmax + (<usize>l << 3);
          v128.store(pl, f64x2.max(v128.load(pl), f64x2.max(r0, r1)));
        }
        store<f64>(pi, max(load<f64>(pi), max(f64x2.extract_lane(m0, 0), f64x2.extract_lane(m0, 1))));
        store<f64>(pi, max(load<f64>(pi, 8), max(f64x2.extract_lane(m1, 0), f64x2.extract_lane(m1, 1))), 8);
      }
    }
  }
  if (n & 1) {
    const last = n - 1;
    const zl = z + <usize>last * rb;
    const sl = S + <usize>last * sb;
    let ml = -Infinity;
    for (let a = 0; a < last; a++) {
      const s = dotRow(w + <usize>a * rb, zl, d) * invT;
      store<f64>(S + <usize>a * sb + (<usize>last << 3), s);
      store<f64>(sl + (<usize>a << 3), s);
      const pa = rmax + (<usize>a << 3);
      store<f64>(pa, max(load<f64>(pa), s));
      ml = max(ml, s);
    }
    const sll = dotRow(w + <usize>last * rb, zl, d) * invT;
    store<f64>(sl + (<usize>last << 3), sll);
    store<f64>(rmax + (<usize>last << 3), max(ml, sll));
  }
}

/** mode 0: scores of rows (i, i+1) (or row i alone when i = n−1) into row0/row1, canonically. */
function pairRows(i: i32, two: bool, z: usize, w: usize, n: i32, d: i32, invT: f64, row0: usize, row1: usize): void {
  const rb = <usize>d << 3;
  const even = n & ~1;
  if (!two) {
    const zi = z + <usize>i * rb;
    for (let l = 0; l <= i; l++) store<f64>(row0 + (<usize>l << 3), dotRow(w + <usize>l * rb, zi, d) * invT);
    return;
  }
  const w0 = w + <usize>i * rb, w1 = w0 + rb;
  const z0 = z + <usize>i * rb, z1 = z0 + rb;
  for (let l = 0; l < even; l += 2) {
    const o0 = row0 + (<usize>l << 3), o1 = row1 + (<usize>l << 3);
    if (l < i) {
      // columns below: S_il = dot(w_l, z_i)
      const wl = w + <usize>l * rb;
      block(z0, z1, wl, wl + rb, d, invT, o0, o1);
    } else {
      const zl = z + <usize>l * rb;
      block(w0, w1, zl, zl + rb, d, invT, o0, o1);
      if (l == i) store<f64>(o1, load<f64>(o0 + 8));
    }
  }
  if (n & 1) {
    const zl = z + <usize>even * rb;
    store<f64>(row0 + (<usize>even << 3), dotRow(w0, zl, d) * invT);
    store<f64>(row1 + (<usize>even << 3), dotRow(w1, zl, d) * invT);
  }
}

export function softmaxStep(z: usize, n: i32, d: i32, A: usize, c: f64, invT: f64, cut: f64, mode: i32, scratch: usize): void {
  const nd = <usize>(n * d) << 3;
  checkRange(z, nd);
  checkRange(A, <usize>(d * d) << 3);
  checkRange(scratch, <usize>softmaxScratchBytes(n, d, mode));
  const w = scratch, zn = w + nd, row0 = zn + nd, row1 = row0 + (<usize>n << 3);
  const acc = (row1 + (<usize>n << 3) + 15) & ~(<usize>15);
  K_e = (acc + (<usize>(d + 2) << 3) + 15) & ~(<usize>15);
  K_idx = K_e + (<usize>(n / 2 + 1) << 4);
  const S = (K_idx + (<usize>(n / 2 + 1) << 2) + 15) & ~(<usize>15);
  const rb = <usize>d << 3;
  for (let a = 0; a < n; a++) {
    const za = z + <usize>a * rb, wa = w + <usize>a * rb;
    for (let k = 0; k < d; k++) {
      const ak = A + (<usize>(k * d) << 3);
      let s = 0.0;
      for (let j = 0; j < d; j++) s = s + load<f64>(ak + (<usize>j << 3)) * load<f64>(za + (<usize>j << 3));
      store<f64>(wa + (<usize>k << 3), s);
    }
  }
  if (mode == 1) {
    symmetricScores(z, w, n, d, invT, S, row0); // row0 holds the row maxima in this mode
    const sb = <usize>n << 3;
    for (let i = 0; i < n; i++) rowOut(i, S + <usize>i * sb, z, zn, n, d, c, cut, acc, true, load<f64>(row0 + (<usize>i << 3)));
  } else {
    for (let i = 0; i < n; i += 2) {
      const two = i + 1 < n;
      if (two) {
        pairRows(i, true, z, w, n, d, invT, row0, row1);
        rowOut(i, row0, z, zn, n, d, c, cut, acc, false, 0.0);
        rowOut(i + 1, row1, z, zn, n, d, c, cut, acc, false, 0.0);
      } else {
        pairRows(i, false, z, w, n, d, invT, row0, row1);
        rowOut(i, row0, z, zn, n, d, c, cut, acc, false, 0.0);
      }
    }
  }
  memory.copy(z, zn, nd);
}
