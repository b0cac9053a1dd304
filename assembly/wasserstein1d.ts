// 1-D optimal transport by sorting: for probability measures μ = Σ a_i δ_{u_i}, ν = Σ b_j δ_{v_j}
// on the line,  W_p^p(μ, ν) = ∫_0^1 |F_μ^{-1}(t) − F_ν^{-1}(t)|^p dt,  the quantile functions
// being step functions: after sorting, a merge walks both in order and charges each common
// mass step τ the cost τ·|u_(i) − v_(j)|^p (monotone rearrangement; e.g. Villani 2003, Thm 2.18;
// Santambrogio 2015, §2.2).
//
// Sorting: least-significant-digit radix sort on the IEEE-754 bits (stable, 6 passes of 11
// bits, passes where every key shares the digit are skipped). A float maps to an unsigned key
// with the same order by flipping all bits of negatives and the sign bit of the rest.
// Twin: src/kernels/wasserstein1d.ts.
import { checkRange } from './lib/memory';

const BITS: i32 = 11;
const RADIX: i32 = 1 << BITS;
const PASSES: i32 = 6;

export function radixScratchBytes(n: i32): i32 {
  // tmp keys (8n) + tmp payload (4n) + histograms
  return n * 12 + PASSES * RADIX * 4 + 16;
}

// @ts-ignore: decorator
@inline function toKey(x: f64): u64 {
  const b = reinterpret<u64>(x);
  return (b >> 63) != 0 ? ~b : b | 0x8000000000000000;
}
// @ts-ignore: decorator
@inline function fromKey(k: u64): f64 {
  return reinterpret<f64>((k >> 63) != 0 ? k & 0x7FFFFFFFFFFFFFFF : ~k);
}

/** Sorts keys[0..n) ascending in place (stable); when payload ≠ 0 the i32 payload[0..n)
 *  moves along (e.g. original indices, to carry weights). */
export function radixSortF64(keys: usize, n: i32, payload: usize, scratch: usize): void {
  checkRange(keys, <usize>n << 3);
  if (payload != 0) checkRange(payload, <usize>n << 2);
  checkRange(scratch, <usize>radixScratchBytes(n));
  const tk = scratch;
  const tp = tk + (<usize>n << 3);
  const hist = tp + (<usize>n << 2);
  memory.fill(hist, 0, <usize>(PASSES * RADIX * 4));
  for (let i = 0; i < n; i++) {
    const a = keys + (<usize>i << 3);
    const k = toKey(load<f64>(a));
    store<u64>(a, k);
    for (let q = 0; q < PASSES; q++) {
      const h = hist + (<usize>(q * RADIX + <i32>((k >> (<u64>(q * BITS))) & <u64>(RADIX - 1))) << 2);
      store<u32>(h, load<u32>(h) + 1);
    }
  }
  let src = keys, dst = tk, ps = payload, pd = tp;
  for (let q = 0; q < PASSES; q++) {
    const hq = hist + (<usize>(q * RADIX) << 2);
    // skip a pass whose digit is the same for every key
    let trivial = false;
    for (let r = 0; r < RADIX; r++) {
      const c = load<u32>(hq + (<usize>r << 2));
      if (c != 0) { trivial = c == <u32>n; break; }
    }
    if (trivial) continue;
    let sum: u32 = 0;
    for (let r = 0; r < RADIX; r++) {
      const h = hq + (<usize>r << 2);
      const c = load<u32>(h);
      store<u32>(h, sum);
      sum += c;
    }
    const shift = <u64>(q * BITS);
    for (let i = 0; i < n; i++) {
      const k = load<u64>(src + (<usize>i << 3));
      const h = hq + (<usize>(<i32>((k >> shift) & <u64>(RADIX - 1))) << 2);
      const pos = load<u32>(h);
      store<u32>(h, pos + 1);
      store<u64>(dst + (<usize>pos << 3), k);
      if (payload != 0) store<i32>(pd + (<usize>pos << 2), load<i32>(ps + (<usize>i << 2)));
    }
    const t = src; src = dst; dst = t;
    const tq = ps; ps = pd; pd = tq;
  }
  for (let i = 0; i < n; i++) store<f64>(keys + (<usize>i << 3), fromKey(load<u64>(src + (<usize>i << 3))));
  if (src != keys) {
    // odd number of executed passes: results are in scratch; keys were already copied above
    if (payload != 0) memory.copy(payload, ps, <usize>n << 2);
  }
}

// @ts-ignore: decorator
@inline function powCost(t: f64, p: f64): f64 {
  return p == 1.0 ? t : p == 2.0 ? t * t : Math.pow(t, p);
}

/** Σ_i |u_i − v_i|^p over sorted u, v of equal length n (uniform weights; divide by n). */
export function w1dSortedEqual(u: usize, v: usize, n: i32, p: f64): f64 {
  checkRange(u, <usize>n << 3);
  checkRange(v, <usize>n << 3);
  let s2 = f64x2.splat(0.0);
  let i = 0;
  if (p == 1.0 || p == 2.0) {
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      let t = f64x2.abs(f64x2.sub(v128.load(u + o), v128.load(v + o)));
      if (p == 2.0) t = f64x2.mul(t, t);
      s2 = f64x2.add(s2, t);
    }
  }
  let s = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  for (; i < n; i++) s += powCost(abs(load<f64>(u + (<usize>i << 3)) - load<f64>(v + (<usize>i << 3))), p);
  return s;
}

/** Merge of sorted u (n, masses wu) and v (m, masses wv) with equal totals:
 *  Σ over common mass steps τ·|u_i − v_j|^p. Masses may be integers (exact) or probabilities. */
export function w1dSortedMerge(u: usize, wu: usize, n: i32, v: usize, wv: usize, m: i32, p: f64): f64 {
  checkRange(u, <usize>n << 3);
  checkRange(wu, <usize>n << 3);
  checkRange(v, <usize>m << 3);
  checkRange(wv, <usize>m << 3);
  let i = 0, j = 0;
  let ra = n > 0 ? load<f64>(wu) : 0.0;
  let rb = m > 0 ? load<f64>(wv) : 0.0;
  let s = 0.0;
  while (i < n && j < m) {
    const tau = min(ra, rb);
    s += tau * powCost(abs(load<f64>(u + (<usize>i << 3)) - load<f64>(v + (<usize>j << 3))), p);
    ra -= tau;
    rb -= tau;
    if (ra <= 0.0) { i++; if (i < n) ra = load<f64>(wu + (<usize>i << 3)); }
    if (rb <= 0.0) { j++; if (j < m) rb = load<f64>(wv + (<usize>j << 3)); }
  }
  return s;
}
