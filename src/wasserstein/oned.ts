/**
 * Exact W_p between probability measures on the real line, by sorting:
 *
 *   W_p^p(μ, ν) = ∫_0^1 |F_μ^{-1}(t) − F_ν^{-1}(t)|^p dt
 *
 * (the monotone rearrangement is optimal for every convex cost; Villani 2003, Thm 2.18).
 * μ = Σ a_i δ_{u_i}, ν = Σ b_j δ_{v_j}; uniform weights by default. With uniform weights the
 * masses are integers (m per u_i, n per v_j; one each when n = m), so the merge is exact.
 * For p = 1 this is SciPy's `wasserstein_distance(u, v, a, b)`.
 *
 * WASM: stable LSD radix sort of the float64 bit patterns (assembly/wasserstein1d.ts),
 * O(n + m) memory: 28 bytes per sample with weights, 16 without.
 */
import { InvalidArgumentError, NonFiniteError } from '../errors.js';
import { withArena } from '../flow/flow.js';
import { sortWithPayloadJS, w1dSortedEqualJS, w1dSortedMergeJS } from '../kernels/wasserstein1d.js';
import { wasmRuntime, type WasmRuntime } from '../runtime/loader.js';
import { isPointCloud } from '../validate.js';
import type { PointCloud } from '../types.js';
import { asExponent, asWeights } from './common.js';

export interface Wasserstein1dOptions {
  /** Exponent p ≥ 1 (default 1). */
  p?: number;
  /** Probability weights of the samples u and v (uniform by default). */
  weights?: { u?: ArrayLike<number>; v?: ArrayLike<number> };
}

export interface Wasserstein1dResult {
  /** W_p. */
  readonly value: number;
  /** W_p^p. */
  readonly cost: number;
  readonly p: number;
}

interface OneDKernels {
  radixSortF64(keys: number, n: number, payload: number, scratch: number): void;
  radixScratchBytes(n: number): number;
  w1dSortedEqual(u: number, v: number, n: number, p: number): number;
  w1dSortedMerge(u: number, wu: number, n: number, v: number, wv: number, m: number, p: number): number;
}

/** Samples on the line: numbers, or a PointCloud / rows with d = 1. */
export type Samples1d = ArrayLike<number> | PointCloud | readonly (readonly number[])[];

function asSamples(x: Samples1d, name: string): Float64Array {
  let data: ArrayLike<number>;
  if (isPointCloud(x)) {
    if (x.d !== 1) throw new InvalidArgumentError(`${name}.d`, x.d, '1 (samples on the line)', 'project the points first (see slicedWasserstein)');
    data = x.data;
  } else if (Array.isArray(x) && x.length > 0 && Array.isArray(x[0])) {
    const rows = x as readonly (readonly number[])[];
    data = rows.map((r, i) => {
      if (r.length !== 1) throw new InvalidArgumentError(`${name}[${i}]`, r, 'a row of length 1 (samples on the line)');
      return r[0];
    });
  } else if (Array.isArray(x) || ArrayBuffer.isView(x)) {
    data = x as ArrayLike<number>;
  } else {
    throw new InvalidArgumentError(name, x, 'an array of numbers (samples on the line)');
  }
  if (data.length === 0) throw new InvalidArgumentError(name, x, 'a non-empty array of samples', 'pass at least one sample');
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number') throw new InvalidArgumentError(`${name}[${i}]`, v, 'a number');
    if (!Number.isFinite(v)) throw new NonFiniteError(name, i, v);
    out[i] = v;
  }
  return out;
}

/** Exact 1-D W_p (default p = 1) between the empirical measures of u and v. */
export function wasserstein1d(u: Samples1d, v: Samples1d, options: Wasserstein1dOptions = {}): Wasserstein1dResult {
  const us = asSamples(u, 'u'), vs = asSamples(v, 'v');
  const p = options.p === undefined ? 1 : asExponent('options.p', options.p);
  const wu = asWeights('options.weights.u', options.weights?.u, us.length);
  const wv = asWeights('options.weights.v', options.weights?.v, vs.length);
  const cost = w1dCost(wasmRuntime('wasserstein1d'), us, wu, vs, wv, p);
  return { value: p === 1 ? cost : Math.pow(cost, 1 / p), cost, p };
}

/** W_p^p of the sorted-merge; consumes (sorts) us, vs. Internal: also used by slicedWasserstein. */
export function w1dCost(rt: WasmRuntime | null, us: Float64Array, wu: Float64Array | null, vs: Float64Array, wv: Float64Array | null, p: number): number {
  const n = us.length, m = vs.length;
  const weighted = wu !== null || wv !== null;
  let unitA = 1, unitB = 1, total = n;
  if (!weighted && n !== m) {
    const g = gcd(n, m);
    unitA = m / g;
    unitB = n / g;
    total = unitA * n;
  }
  const massA = weighted ? (wu ?? new Float64Array(n).fill(1 / n)) : null;
  const massB = weighted ? (wv ?? new Float64Array(m).fill(1 / m)) : null;
  if (!rt) {
    const pu = massA ? Int32Array.from({ length: n }, (_, i) => i) : null;
    const pv = massB ? Int32Array.from({ length: m }, (_, i) => i) : null;
    sortWithPayloadJS(us, pu);
    sortWithPayloadJS(vs, pv);
    if (!weighted && n === m) return w1dSortedEqualJS(us, vs, n, p) / n;
    const a = massA ? Float64Array.from(pu!, (i) => massA[i]) : new Float64Array(n).fill(unitA);
    const b = massB ? Float64Array.from(pv!, (i) => massB[i]) : new Float64Array(m).fill(unitB);
    return w1dSortedMergeJS(us, a, n, vs, b, m, p) / (weighted ? 1 : total);
  }
  const k = rt.exports as unknown as OneDKernels;
  return withArena(rt, () => {
    const ar = rt.arena;
    const pu = ar.pushF64(us), pv = ar.pushF64(vs);
    const iu = weighted ? ar.alloc(4 * n) : 0, iv = weighted ? ar.alloc(4 * m) : 0;
    if (weighted) {
      const i32 = ar.i32;
      for (let i = 0; i < n; i++) i32[(iu >>> 2) + i] = i;
      for (let j = 0; j < m; j++) i32[(iv >>> 2) + j] = j;
    }
    const scratch = ar.alloc(k.radixScratchBytes(Math.max(n, m)), 'sort scratch');
    k.radixSortF64(pu, n, iu, scratch);
    k.radixSortF64(pv, m, iv, scratch);
    if (!weighted && n === m) return k.w1dSortedEqual(pu, pv, n, p) / n;
    const wa = ar.allocF64(n), wb = ar.allocF64(m);
    const f64 = ar.f64, i32 = ar.i32;
    for (let i = 0; i < n; i++) f64[(wa >>> 3) + i] = massA ? massA[i32[(iu >>> 2) + i]] : unitA;
    for (let j = 0; j < m; j++) f64[(wb >>> 3) + j] = massB ? massB[i32[(iv >>> 2) + j]] : unitB;
    return k.w1dSortedMerge(pu, wa, n, pv, wb, m, p) / (weighted ? 1 : total);
  });
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
