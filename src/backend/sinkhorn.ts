/**
 * Entropic OT's operations (docs/algorithms/wasserstein.md, "Sinkhorn") on WASM memory or on
 * plain arrays, behind one interface (`SinkhornOps`): the driver src/wasserstein/sinkhorn.ts keeps
 * C, the kernel and the scalings resident across iterations. Kernel assembly/sinkhorn.ts (+ the
 * cost matrix of assembly/cost.ts), twin src/kernels/sinkhorn.ts. WASM ops live in the caller's
 * arena scope.
 */
import { costMatrixJS } from '../kernels/cost.js';
import {
  sinkhornAbsorbJS,
  sinkhornInitPotentialsJS,
  sinkhornIterateJS,
  sinkhornKernelJS,
  sinkhornPlanStatsJS,
  sinkhornTruncBuildJS,
  sinkhornTruncIterateJS,
  sinkhornTruncMaximaJS,
  sinkhornTruncPlanStatsJS,
} from '../kernels/sinkhorn.js';
import type { PointCloud } from '../types.js';
import { kernelsOf, pair, type WasmRuntime } from './index.js';

// Absorb when a scaling leaves [1e-100, 1e100]: far from the f64 range limits (K ≤ ~1, so
// K·v and u·K·v stay representable), rare enough that exps stay out of the hot loop.
export const TAU = 1e100;
export const CHECK_EVERY = 10;
/** Scaling ratio R (max/min of u or of v) at which the truncated iterations absorb: the keep rule
 *  drops entries below ~2^-54/(m R) of their row/column maximum (z more than ln(2^54 m R) + 1 ≈ 138
 *  below it for m = 2000), so a small R keeps fewer entries but absorbs (two passes over C, exps
 *  of the kept entries) more often. Measured on the bench problem (n = m = 2000, ε = 0.01, 100
 *  iterations): R = 1e12: 20 absorptions, 14 % kept, 0.36 s; 1e20: 12, 17 %, 0.30 s; 1e40: 6,
 *  25 %, 0.27 s; 1e60: > 30 % kept → dense, 0.48 s (dense alone 0.52 s). */
export const TRUNC_RATIO = 1e40;
/** Above this kept fraction the dense kernel (one SIMD sweep, no gathers) is faster. */
export const MAX_DENSITY = 0.3;

/** Keep-rule offsets of assembly/sinkhorn.ts: L = ln(2^-54 / (size · R)) − 1. */
export function truncOffset(size: number, ratio: number): number {
  return -54 * Math.LN2 - Math.log(size) - Math.log(ratio) - 1;
}

/** Capacity (entries) of the compressed kernel: ≤ MAX_DENSITY of n·m (+ row padding), and small
 *  enough that values (8 B) and column indices (4 B) fit in the dense kernel's n·me·8 bytes. */
export function truncCapacity(n: number, m: number): number {
  const me = (m + 1) & ~1;
  return Math.min(Math.floor((8 * n * me) / 12) & ~1, Math.floor(MAX_DENSITY * n * m) + 2 * n);
}

/** The operations the driver needs, on WASM memory or on plain arrays. */
export interface SinkhornOps {
  init(): void;
  /** g ← c-transform of f (before an ε change). */
  recenter(): void;
  kernel(eps: number): void;
  iterate(count: number): [number, number, number];
  absorb(eps: number): void;
  stats(wantPlan: boolean): { cost: number; r: Float64Array; c: Float64Array; f: Float64Array; g: Float64Array; u: Float64Array; v: Float64Array; K: Float64Array | null; C: Float64Array | null; maxC: number };
  maxC(): number;
  /** Kept fraction of the current kernel (1 when dense). */
  density(): number;
}

export type SinkhornOpen = (x: PointCloud, y: PointCloud, p: number, a: Float64Array, b: Float64Array, trunc: boolean) => SinkhornOps;

/** Bytes of the n × m matrices (C and the kernel) plus O(n + m): estimated before allocating. */
export function sinkhornBytes(n: number, m: number): number {
  const me = (m + 1) & ~1;
  return 16 * n * me + 8 * (8 * (n + me) + 16);
}

export const sinkhornOps = pair<SinkhornOpen>('sinkhorn', (x, y, p, a, b, trunc) => jsOps(x, y, p, a, b, trunc), (rt) => (x, y, p, a, b, trunc) => wasmOps(rt, x, y, p, a, b, trunc));

function jsOps(x: PointCloud, y: PointCloud, p: number, a: Float64Array, b: Float64Array, trunc: boolean): SinkhornOps {
  const n = x.n, m = y.n;
  let C: Float64Array;
  let K: Float64Array | null = null;
  const f = new Float64Array(n), g = new Float64Array(m);
  const u = new Float64Array(n).fill(1), v = new Float64Array(m).fill(1);
  const cap = truncCapacity(n, m);
  const Z = new Float64Array(n), Zc = new Float64Array(m), rowStart = new Int32Array(n + 1);
  let vals: Float64Array | null = null, col: Int32Array | null = null;
  let sparse = false, kernelEps = 1;
  const dense = (eps: number) => {
    K ??= new Float64Array(n * m);
    sinkhornKernelJS(C, K, n, m, f, g, eps);
    sparse = false;
  };
  return {
    init() {
      C = costMatrixJS(x.data, n, y.data, m, x.d, p);
      sinkhornInitPotentialsJS(C, n, m, f, g, false);
    },
    recenter: () => sinkhornInitPotentialsJS(C, n, m, f, g, true),
    maxC: () => C.reduce((s, c) => Math.max(s, c), 0),
    kernel(eps) {
      kernelEps = eps;
      if (!trunc) return dense(eps);
      vals ??= new Float64Array(cap);
      col ??= new Int32Array(cap);
      sinkhornTruncMaximaJS(C, n, m, f, g, eps, Z, Zc);
      const nnz = sinkhornTruncBuildJS(C, n, m, f, g, eps, Z, Zc, truncOffset(m, TRUNC_RATIO), truncOffset(n, TRUNC_RATIO), vals, col, rowStart, cap);
      if (nnz < 0) dense(eps);
      else sparse = true;
    },
    iterate: (count) => (sparse ? sinkhornTruncIterateJS(vals!, col!, rowStart, n, m, a, b, u, v, count, TRUNC_RATIO) : sinkhornIterateJS(K!, n, m, a, b, u, v, count, TAU)),
    absorb: (eps) => sinkhornAbsorbJS(n, m, f, g, u, v, eps),
    density: () => (sparse ? rowStart[n] / (n * m) : 1),
    stats(wantPlan) {
      const r = new Float64Array(n), c = new Float64Array(m);
      if (sparse && !wantPlan) {
        const cost = sinkhornTruncPlanStatsJS(C, vals!, col!, rowStart, n, m, u, v, r, c);
        return { cost, r, c, f, g, u, v, K: null, C: null, maxC: 0 };
      }
      // the plan is wanted: the dense kernel of the same potentials (scalings unchanged)
      if (sparse || !K) dense(kernelEps);
      const cost = sinkhornPlanStatsJS(C, K!, n, m, u, v, r, c);
      return { cost, r, c, f, g, u, v, K, C, maxC: 0 };
    },
  };
}

function wasmOps(rt: WasmRuntime, x: PointCloud, y: PointCloud, p: number, a: Float64Array, b: Float64Array, trunc: boolean): SinkhornOps {
  const k = kernelsOf(rt);
  const ar = rt.arena;
  const n = x.n, m = y.n, me = (m + 1) & ~1;
  const C = ar.allocF64(n * me, 'cost matrix (n·m doubles)');
  // K holds either the dense kernel or, truncated, cap values (f64) followed by cap columns (i32)
  const K = ar.allocF64(n * me, 'Sinkhorn kernel matrix (n·m doubles)');
  const cap = truncCapacity(n, m);
  const vals = K, col = K + 8 * cap;
  const pa = ar.pushF64(a);
  const pb = ar.allocF64(me);
  const f = ar.allocF64(n), g = ar.allocF64(me), u = ar.allocF64(n), v = ar.allocF64(me), acc = ar.allocF64(me);
  const Z = ar.allocF64(n), Zc = ar.allocF64(me), rowStart = ar.alloc(4 * (n + 1));
  const info = ar.allocF64(2);
  const F = () => ar.f64;
  let sparse = false, kernelEps = 1;
  const dense = (eps: number) => {
    k.sinkhornKernel(C, K, n, m, f, g, eps);
    sparse = false;
  };
  return {
    init() {
      const px = ar.pushF64(x.data), py = ar.pushF64(y.data);
      const cs = ar.alloc(k.costScratchBytes(m, x.d));
      k.costMatrix(px, n, py, m, x.d, p, C, me, cs);
      const h = F();
      h.set(b, pb >>> 3);
      h.fill(0, (pb >>> 3) + m, (pb >>> 3) + me);
      h.fill(1, u >>> 3, (u >>> 3) + n);
      h.fill(1, v >>> 3, (v >>> 3) + m);
      h.fill(0, (v >>> 3) + m, (v >>> 3) + me);
      k.sinkhornInitPotentials(C, n, m, f, g, false);
    },
    recenter: () => k.sinkhornInitPotentials(C, n, m, f, g, true),
    maxC() {
      const h = F();
      let mx = 0;
      for (let q = C >>> 3, e = q + n * me; q < e; q++) if (h[q] > mx) mx = h[q];
      return mx;
    },
    kernel(eps) {
      kernelEps = eps;
      if (!trunc) return dense(eps);
      k.sinkhornTruncMaxima(C, n, m, f, g, eps, Z, Zc);
      const nnz = k.sinkhornTruncBuild(C, n, m, f, g, eps, Z, Zc, truncOffset(m, TRUNC_RATIO), truncOffset(n, TRUNC_RATIO), vals, col, rowStart, cap);
      if (nnz < 0) dense(eps);
      else sparse = true;
    },
    iterate(count) {
      const done = sparse
        ? k.sinkhornTruncIterate(vals, col, rowStart, n, m, pa, pb, u, v, acc, count, TRUNC_RATIO, info)
        : k.sinkhornIterate(K, n, m, pa, pb, u, v, acc, count, TAU, info);
      const h = F();
      return [done, h[info >>> 3], h[(info >>> 3) + 1]];
    },
    absorb(eps) {
      k.sinkhornAbsorb(n, m, f, g, u, v, eps);
      // padding column: keep g = −Inf, v = 0 so that K stays 0 there
      if (me > m) {
        const h = F();
        h[(g >>> 3) + m] = -Infinity;
        h[(v >>> 3) + m] = 0;
      }
    },
    density: () => (sparse ? new Int32Array(F().buffer, rowStart + 4 * n, 1)[0] / (n * m) : 1),
    stats(wantPlan) {
      const r = ar.allocF64(n), c = ar.allocF64(me), out = ar.allocF64(1);
      if (sparse && !wantPlan) k.sinkhornTruncPlanStats(C, vals, col, rowStart, n, m, u, v, r, c, out);
      else {
        // the plan is wanted: the dense kernel of the same potentials (scalings unchanged)
        if (sparse) dense(kernelEps);
        k.sinkhornPlanStats(C, K, n, m, u, v, r, c, out);
      }
      const h = F();
      const sl = (p0: number, len: number) => h.slice(p0 >>> 3, (p0 >>> 3) + len);
      return { cost: h[out >>> 3], r: sl(r, n), c: sl(c, m), f: sl(f, n), g: sl(g, m), u: sl(u, n), v: sl(v, m), K: wantPlan ? sl(K, n * me) : null, C: wantPlan ? sl(C, n * me) : null, maxC: 0 };
    },
  };
}

