/**
 * W_p^p between two samples on the line by sorting and merging the quantile functions, with
 * the second rescaling of docs/algorithms/wasserstein.md: after sorting, t = the largest gap
 * |u_(i) − v_(j)| between quantile-matched samples (W_∞ of the two measures), and the merge sums
 * τ·(|Δ|/t)^p, so no term over- or underflows for any p (the result is W_p^p / t^p ∈ [min τ, 1]).
 * Kernel assembly/wasserstein1d.ts (radix sort + merge), twin src/kernels/wasserstein1d.ts.
 */
import { sortWithPayloadJS, w1dSortedEqualJS, w1dSortedMergeJS } from '../kernels/wasserstein1d.js';
import { kernelsOf, pair, withArena } from './index.js';

/** us, vs: samples (consumed: sorted and rescaled in place); wu, wv: masses (null: uniform).
 *  Returns { cost: W_p^p / t^p, t }. */
export type SortedTransport = (us: Float64Array, wu: Float64Array | null, vs: Float64Array, wv: Float64Array | null, p: number) => { cost: number; t: number };

/** Largest |u_i − v_j| over the pairs the monotone coupling gives positive mass (the masses'
 *  walk of the merge); equal sizes with unit masses: max_i |u_i − v_i|. */
function maxGap(u: Float64Array, wu: Float64Array | null, n: number, v: Float64Array, wv: Float64Array | null, m: number, uo = 0, vo = 0, wuo = 0, wvo = 0): number {
  let t = 0;
  if (!wu || !wv) {
    for (let i = 0; i < n; i++) t = Math.max(t, Math.abs(u[uo + i] - v[vo + i]));
    return t;
  }
  let i = 0, j = 0, ra = wu[wuo], rb = wv[wvo];
  while (i < n && j < m) {
    const tau = Math.min(ra, rb);
    if (tau > 0) t = Math.max(t, Math.abs(u[uo + i] - v[vo + j]));
    ra -= tau;
    rb -= tau;
    if (ra <= 0 && ++i < n) ra = wu[wuo + i];
    if (rb <= 0 && ++j < m) rb = wv[wvo + j];
  }
  return t;
}

function unitMasses(n: number, m: number, wu: Float64Array | null, wv: Float64Array | null): { a: Float64Array | null; b: Float64Array | null; total: number } {
  if (wu || wv) return { a: wu ?? new Float64Array(n).fill(1 / n), b: wv ?? new Float64Array(m).fill(1 / m), total: 1 };
  if (n === m) return { a: null, b: null, total: n };
  let g = n, h = m;
  while (h) [g, h] = [h, g % h];
  return { a: new Float64Array(n).fill(m / g), b: new Float64Array(m).fill(n / g), total: (m / g) * n };
}

function scaleInPlace(a: Float64Array, from: number, count: number, s: number): void {
  for (let k = from; k < from + count; k++) a[k] /= s;
}

export const sortedTransport = pair<SortedTransport>(
  'sortedTransport',
  (us, wu, vs, wv, p) => {
    const n = us.length, m = vs.length;
    const { a, b, total } = unitMasses(n, m, wu, wv);
    const pu = a ? Int32Array.from({ length: n }, (_, i) => i) : null;
    const pv = b ? Int32Array.from({ length: m }, (_, i) => i) : null;
    sortWithPayloadJS(us, pu);
    sortWithPayloadJS(vs, pv);
    const sa = a ? Float64Array.from(pu!, (i) => a[i]) : null, sb = b ? Float64Array.from(pv!, (i) => b[i]) : null;
    let t = 1;
    if (p !== 1) {
      t = maxGap(us, sa, n, vs, sb, m);
      if (t === 0) return { cost: 0, t: 1 };
      scaleInPlace(us, 0, n, t);
      scaleInPlace(vs, 0, m, t);
    }
    const s = sa && sb ? w1dSortedMergeJS(us, sa, n, vs, sb, m, p) : w1dSortedEqualJS(us, vs, n, p);
    return { cost: s / total, t };
  },
  (rt) => (us, wu, vs, wv, p) => {
    const k = kernelsOf(rt);
    const n = us.length, m = vs.length;
    const { a, b, total } = unitMasses(n, m, wu, wv);
    return withArena(rt, () => {
      const ar = rt.arena;
      const pu = ar.pushF64(us, 'u'), pv = ar.pushF64(vs, 'v');
      const iu = a ? ar.alloc(4 * n) : 0, iv = b ? ar.alloc(4 * m) : 0;
      if (a && b) {
        const i32 = ar.i32;
        for (let i = 0; i < n; i++) i32[(iu >>> 2) + i] = i;
        for (let j = 0; j < m; j++) i32[(iv >>> 2) + j] = j;
      }
      const scratch = ar.alloc(k.radixScratchBytes(Math.max(n, m)), 'sort scratch');
      k.radixSortF64(pu, n, iu, scratch);
      k.radixSortF64(pv, m, iv, scratch);
      let wa = 0, wb = 0;
      if (a && b) {
        wa = ar.allocF64(n);
        wb = ar.allocF64(m);
        const f64 = ar.f64, i32 = ar.i32;
        for (let i = 0; i < n; i++) f64[(wa >>> 3) + i] = a[i32[(iu >>> 2) + i]];
        for (let j = 0; j < m; j++) f64[(wb >>> 3) + j] = b[i32[(iv >>> 2) + j]];
      }
      let t = 1;
      if (p !== 1) {
        const f64 = ar.f64;
        t = a && b ? maxGap(f64, f64, n, f64, f64, m, pu >>> 3, pv >>> 3, wa >>> 3, wb >>> 3) : maxGap(f64, null, n, f64, null, m, pu >>> 3, pv >>> 3);
        if (t === 0) return { cost: 0, t: 1 };
        scaleInPlace(f64, pu >>> 3, n, t);
        scaleInPlace(f64, pv >>> 3, m, t);
      }
      const s = a && b ? k.w1dSortedMerge(pu, wa, n, pv, wb, m, p) : k.w1dSortedEqual(pu, pv, n, p);
      return { cost: s / total, t };
    });
  },
);
