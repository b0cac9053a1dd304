/**
 * Entropic optimal transport (Cuturi 2013) between weighted point clouds:
 *
 *   P_ε = argmin_{P ≥ 0, P1 = a, Pᵀ1 = b} ⟨P, C⟩ + ε·KL(P ‖ a⊗b),
 *   C_ij = ‖x_i − y_j‖² ('sqeuclidean', default) or ‖x_i − y_j‖ ('euclidean').
 *
 * ε is in the units of the cost, like POT's `reg`. Returned:
 *   value      = ⟨P_ε, C⟩, the transport cost of the entropic plan (what POT's `sinkhorn2` reports)
 *   objective  = ⟨P_ε, C⟩ + ε·KL(P_ε ‖ a⊗b) (= OT_ε of Feydy et al. 2019, used by sinkhornDivergence)
 *   residual   = ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ of the returned plan
 * As ε → 0, value → the exact cost min ⟨P, C⟩ (W₂² for 'sqeuclidean', W₁ for 'euclidean').
 *
 * Method: Sinkhorn scaling stabilised in the log domain by absorption (Schmitzer 2019, SIAM J.
 * Sci. Comput. 41(3)), with ε-scaling (ε₀ = max C halved down to ε, ≤ `stageIterations` per
 * stage): the hot loop is two matrix–vector products per iteration in WASM SIMD (one sweep of
 * the kernel matrix), exps only when potentials are absorbed (assembly/sinkhorn.ts,
 * twin src/kernels/sinkhorn.ts). With `truncation: 'auto'` (default) the kernel is truncated
 * after every absorption (Schmitzer's sparse scaling): only entries that can move some row or
 * column sum by more than half an ulp are kept, so the iterates are the dense ones to rounding
 * while each iteration streams ~4× fewer bytes at small ε (n = m = 2000, ε = 0.01: 25 % kept,
 * 0.49 s → 0.24 s for 100 iterations). `density` in the result says what was used.
 * Memory: two n × m matrices (C and K), 16·n·m bytes (the truncated kernel reuses K's buffer).
 *
 * Stops when the row-marginal error of an iterate is ≤ `tolerance` (checked every 10
 * iterations), else after `maxIterations`; `status` says which, and `message` which knob to
 * turn. Never returns NaN as a value: a numerical breakdown throws ConvergenceError.
 */
import { ConvergenceError, InvalidArgumentError } from '../errors.js';
import { withArena } from '../flow/flow.js';
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
import { wasmRuntime, type WasmRuntime } from '../runtime/loader.js';
import type { PointCloud, PointsLike } from '../types.js';
import { checkCount, checkOneOf, checkPositive } from '../validate.js';
import { asCloudPair, asWeights } from './common.js';

export type SinkhornCost = 'sqeuclidean' | 'euclidean';
/** 'numerical' never reaches the caller: a breakdown throws ConvergenceError naming the knob. */
export type SinkhornStatus = 'converged' | 'maxIterations' | 'numerical';

export interface SinkhornOptions {
  /** Entropic regularisation ε > 0, in cost units (POT's `reg`). Required. */
  epsilon: number;
  cost?: SinkhornCost;
  /** Total iterations over all ε stages (default 1000, like POT's numItermax). */
  maxIterations?: number;
  /** Stop when ‖P1 − a‖₁ ≤ tolerance (default 1e-9; 0 runs exactly maxIterations). */
  tolerance?: number;
  /** ε-scaling: start at max C and halve down to ε (default true). */
  epsilonScaling?: boolean;
  /** Iterations per intermediate ε stage (default 20). */
  stageIterations?: number;
  a?: ArrayLike<number>;
  b?: ArrayLike<number>;
  /** Return the dense plan (n × m row-major). */
  plan?: boolean;
  /**
   * 'auto' (default): after every absorption keep only the kernel entries that can change a row
   * or column sum by more than half an ulp (Schmitzer 2019's truncated kernel, with the rigorous
   * keep rule derived in assembly/sinkhorn.ts), absorbing whenever max/min of u or of v exceeds
   * R = 1e40; the iterates equal the dense ones to rounding (tests: ≤ 1e-12 relative). When more
   * than 30 % of the entries would be kept (large ε, or early ε-scaling stages) that stage runs on
   * the dense kernel. Memory is the same (the compressed kernel lives in the dense one's buffer).
   * 'off': always the dense kernel (absorption when a scaling leaves [1e-100, 1e100]).
   */
  truncation?: 'auto' | 'off';
}

export interface SinkhornResult {
  readonly value: number;
  readonly objective: number;
  readonly iterations: number;
  readonly residual: number;
  readonly status: SinkhornStatus;
  /** What to change when status ≠ 'converged'. */
  readonly message?: string;
  readonly epsilon: number;
  /** Dual potentials f, g (cost units) with P_ij = exp((f_i + g_j − C_ij)/ε) (−Inf for zero weights). */
  readonly potentials: { readonly f: Float64Array; readonly g: Float64Array };
  readonly plan?: Float64Array;
  readonly absorptions: number;
  /** Stored fraction of the n·m kernel entries when the iterations ended (kept entries plus at most
   *  one padding entry a row; 1 = the dense kernel was used). */
  readonly density: number;
}

// Absorb when a scaling leaves [1e-100, 1e100]: far from the f64 range limits (K ≤ ~1, so
// K·v and u·K·v stay representable), rare enough that exps stay out of the hot loop.
const TAU = 1e100;
const CHECK_EVERY = 10;
/** Scaling ratio R (max/min of u or of v) at which the truncated iterations absorb: the keep rule
 *  drops entries below ~2^-54/(m R) of their row/column maximum (z more than ln(2^54 m R) + 1 ≈ 138
 *  below it for m = 2000), so a small R keeps fewer entries but absorbs (two passes over C, exps
 *  of the kept entries) more often. Measured on the bench problem (n = m = 2000, ε = 0.01, 100
 *  iterations): R = 1e12: 20 absorptions, 14 % kept, 0.36 s; 1e20: 12, 17 %, 0.30 s; 1e40: 6,
 *  25 %, 0.27 s; 1e60: > 30 % kept → dense, 0.48 s (dense alone 0.52 s). */
const TRUNC_RATIO = 1e40;
/** Above this kept fraction the dense kernel (one SIMD sweep, no gathers) is faster. */
const MAX_DENSITY = 0.3;

/** Keep-rule offsets of assembly/sinkhorn.ts: L = ln(2^-54 / (size · R)) − 1. */
function truncOffset(size: number, ratio: number): number {
  return -54 * Math.LN2 - Math.log(size) - Math.log(ratio) - 1;
}

/** Capacity (entries) of the compressed kernel: ≤ MAX_DENSITY of n·m (+ row padding), and small
 *  enough that values (8 B) and column indices (4 B) fit in the dense kernel's n·me·8 bytes. */
function truncCapacity(n: number, m: number): number {
  const me = (m + 1) & ~1;
  return Math.min(Math.floor((8 * n * me) / 12) & ~1, Math.floor(MAX_DENSITY * n * m) + 2 * n);
}

interface SinkhornKernels {
  costMatrix(x: number, n: number, y: number, m: number, d: number, p: number, out: number, ld: number, scratch: number): void;
  costScratchBytes(m: number, d: number): number;
  sinkhornInitPotentials(C: number, n: number, m: number, f: number, g: number, keepF: boolean): void;
  sinkhornKernel(C: number, K: number, n: number, m: number, f: number, g: number, eps: number): void;
  sinkhornIterate(K: number, n: number, m: number, a: number, b: number, u: number, v: number, acc: number, iterations: number, tau: number, info: number): number;
  sinkhornAbsorb(n: number, m: number, f: number, g: number, u: number, v: number, eps: number): void;
  sinkhornPlanStats(C: number, K: number, n: number, m: number, u: number, v: number, r: number, c: number, out: number): void;
  sinkhornTruncMaxima(C: number, n: number, m: number, f: number, g: number, eps: number, Z: number, Zc: number): void;
  sinkhornTruncBuild(C: number, n: number, m: number, f: number, g: number, eps: number, Z: number, Zc: number, Lr: number, Lc: number, vals: number, col: number, rowStart: number, cap: number): number;
  sinkhornTruncIterate(vals: number, col: number, rowStart: number, n: number, m: number, a: number, b: number, u: number, v: number, acc: number, iterations: number, tau: number, info: number): number;
  sinkhornTruncPlanStats(C: number, vals: number, col: number, rowStart: number, n: number, m: number, u: number, v: number, r: number, c: number, out: number): void;
}

/** The operations the driver needs, on WASM memory or on plain arrays. */
interface Ops {
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

export function sinkhorn(X: PointsLike, Y: PointsLike, options: SinkhornOptions): SinkhornResult {
  return sinkhornImpl(X, Y, options, 'sinkhorn');
}

/**
 * Debiased Sinkhorn divergence (Feydy et al. 2019, AISTATS):
 *   S_ε(μ, ν) = OT_ε(μ, ν) − ½ OT_ε(μ, μ) − ½ OT_ε(ν, ν),   OT_ε = `objective` above.
 * S_ε ≥ 0, S_ε(μ, μ) = 0, and S_ε → exact cost as ε → 0.
 */
export function sinkhornDivergence(X: PointsLike, Y: PointsLike, options: SinkhornOptions): { value: number; terms: [SinkhornResult, SinkhornResult, SinkhornResult] } {
  const o = { ...options, plan: false };
  const xy = sinkhornImpl(X, Y, o, 'sinkhornDivergence');
  const xx = sinkhornImpl(X, X, { ...o, b: o.a }, 'sinkhornDivergence');
  const yy = sinkhornImpl(Y, Y, { ...o, a: o.b }, 'sinkhornDivergence');
  return { value: xy.objective - 0.5 * (xx.objective + yy.objective), terms: [xy, xx, yy] };
}

function sinkhornImpl(X: PointsLike, Y: PointsLike, options: SinkhornOptions, fn: string): SinkhornResult {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an object { epsilon, … }');
  const eps = checkPositive('options.epsilon', options.epsilon, 'ε is in cost units, e.g. 0.01 · (typical cost)');
  const cost = checkOneOf('options.cost', options.cost ?? 'sqeuclidean', ['sqeuclidean', 'euclidean'] as const);
  const maxIterations = checkCount('options.maxIterations', options.maxIterations ?? 1000, 1);
  const tolerance = options.tolerance ?? 1e-9;
  if (typeof tolerance !== 'number' || !(tolerance >= 0) || !Number.isFinite(tolerance)) throw new InvalidArgumentError('options.tolerance', tolerance, 'a finite number ≥ 0');
  const scaling = options.epsilonScaling ?? true;
  const stageIterations = checkCount('options.stageIterations', options.stageIterations ?? 20, 1);
  const [x0, y0] = asCloudPair(X, Y);
  const a0 = asWeights('options.a', options.a, x0.n) ?? new Float64Array(x0.n).fill(1 / x0.n);
  const b0 = asWeights('options.b', options.b, y0.n) ?? new Float64Array(y0.n).fill(1 / y0.n);
  // Zero-weight points carry no mass and would make log u = −∞: solve without them.
  const keepA = positive(a0), keepB = positive(b0);
  const x = sub(x0, keepA), y = sub(y0, keepB);
  const a = Float64Array.from(keepA, (i) => a0[i]), b = Float64Array.from(keepB, (j) => b0[j]);
  const p = cost === 'sqeuclidean' ? 2 : 1;
  const trunc = checkOneOf('options.truncation', options.truncation ?? 'auto', ['auto', 'off'] as const) === 'auto';
  const rt = wasmRuntime(fn);
  const run = (ops: Ops): SinkhornResult => drive(ops, { eps, maxIterations, tolerance, scaling, stageIterations, a, b, x0, y0, keepA, keepB, wantPlan: options.plan === true });
  if (!rt) return run(jsOps(x, y, p, a, b, trunc));
  return withArena(rt, () => run(wasmOps(rt, x, y, p, a, b, trunc)));
}

function drive(
  ops: Ops,
  o: { eps: number; maxIterations: number; tolerance: number; scaling: boolean; stageIterations: number; a: Float64Array; b: Float64Array; x0: PointCloud; y0: PointCloud; keepA: Int32Array; keepB: Int32Array; wantPlan: boolean },
): SinkhornResult {
  ops.init();
  const stages: number[] = [];
  if (o.scaling) {
    for (let e = ops.maxC(); e > o.eps; e /= 2) stages.push(e);
  }
  stages.push(o.eps);
  // Intermediate stages get at most half of the iteration budget; skipped stages are safe
  // because the potentials are re-centred (c-transform) before every change of ε.
  const perStage = stages.length > 1 ? Math.min(o.stageIterations, Math.floor(o.maxIterations / (2 * (stages.length - 1)))) : 0;
  let iterations = 0, absorptions = 0, status: SinkhornStatus = 'maxIterations', lastRes = Infinity;
  for (let s = 0; s < stages.length; s++) {
    const eps = stages[s];
    const final = s === stages.length - 1;
    if (s > 0) {
      ops.absorb(stages[s - 1]);
      ops.recenter();
      absorptions++;
    }
    let budget = final ? o.maxIterations - iterations : perStage;
    if (budget <= 0) continue;
    ops.kernel(eps);
    while (budget > 0) {
      const [done, res, flag] = ops.iterate(Math.min(CHECK_EVERY, budget));
      iterations += done;
      budget -= done;
      lastRes = res;
      if (flag === 2) {
        status = 'numerical';
        break;
      }
      if (flag === 1) {
        ops.absorb(eps);
        ops.kernel(eps);
        absorptions++;
      }
      if (final && o.tolerance > 0 && res <= o.tolerance) {
        status = 'converged';
        break;
      }
    }
    if (status === 'numerical') break;
  }
  void lastRes;
  const density = ops.density();
  const st = ops.stats(o.wantPlan);
  let residual = 0;
  for (let i = 0; i < st.r.length; i++) residual += Math.abs(st.r[i] - o.a[i]);
  for (let j = 0; j < st.c.length; j++) residual += Math.abs(st.c[j] - o.b[j]);
  if (status === 'numerical' || !Number.isFinite(st.cost)) {
    throw new ConvergenceError('sinkhorn', `a scaling overflowed or vanished at ε = ${o.eps} after ${iterations} iterations`, 'increase options.epsilon, keep options.epsilonScaling on, or rescale the points so that costs are O(1)');
  }
  if (status === 'maxIterations' && o.tolerance > 0 && residual <= o.tolerance) status = 'converged';
  // objective = Σ r_i (F_i − ε log a_i) + Σ c_j (G_j − ε log b_j) − ε(Σ P − 1), F = f + ε log u
  const eps = o.eps;
  const F = Float64Array.from(st.f, (fi, i) => fi + eps * Math.log(st.u[i]));
  const G = Float64Array.from(st.g, (gj, j) => gj + eps * Math.log(st.v[j]));
  let objective = 0, mass = 0;
  for (let i = 0; i < F.length; i++) {
    objective += st.r[i] * (F[i] - eps * Math.log(o.a[i]));
    mass += st.r[i];
  }
  for (let j = 0; j < G.length; j++) objective += st.c[j] * (G[j] - eps * Math.log(o.b[j]));
  objective -= eps * (mass - 1);
  const f = new Float64Array(o.x0.n).fill(-Infinity), g = new Float64Array(o.y0.n).fill(-Infinity);
  o.keepA.forEach((i, k) => (f[i] = F[k]));
  o.keepB.forEach((j, k) => (g[j] = G[k]));
  let plan: Float64Array | undefined;
  if (o.wantPlan && st.K && st.C) {
    const n = F.length, m = G.length, ld = st.C.length / n;
    plan = new Float64Array(o.x0.n * o.y0.n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) plan[o.keepA[i] * o.y0.n + o.keepB[j]] = st.u[i] * st.K[i * ld + j] * st.v[j];
    }
  }
  const message =
    status === 'converged'
      ? undefined
      : status === 'maxIterations'
        ? `stopped after ${iterations} iterations with marginal error ${residual.toExponential(2)} > tolerance ${o.tolerance}; increase maxIterations or epsilon (or keep epsilonScaling on)`
        : undefined;
  return {
    value: st.cost,
    objective,
    iterations,
    residual,
    status,
    ...(message ? { message } : {}),
    epsilon: eps,
    potentials: { f, g },
    ...(plan ? { plan } : {}),
    absorptions,
    density,
  };
}

function jsOps(x: PointCloud, y: PointCloud, p: number, a: Float64Array, b: Float64Array, trunc: boolean): Ops {
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

function wasmOps(rt: WasmRuntime, x: PointCloud, y: PointCloud, p: number, a: Float64Array, b: Float64Array, trunc: boolean): Ops {
  const k = rt.exports as unknown as SinkhornKernels;
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

function positive(w: Float64Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < w.length; i++) if (w[i] > 0) out.push(i);
  return Int32Array.from(out);
}

function sub(c: PointCloud, keep: Int32Array): PointCloud {
  if (keep.length === c.n) return c;
  const data = new Float64Array(keep.length * c.d);
  for (let k = 0; k < keep.length; k++) data.set(c.data.subarray(keep[k] * c.d, (keep[k] + 1) * c.d), k * c.d);
  return { n: keep.length, d: c.d, data };
}
