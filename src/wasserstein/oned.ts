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
 * WASM: stable LSD radix sort of the float64 bit patterns (assembly/wasserstein1d.ts, pair
 * src/backend/wasserstein1d.ts), O(n + m) memory: 28 bytes per sample with weights, 16 without.
 * Overflow-proof (docs/algorithms/wasserstein.md, "Rescaling"): the samples are centred and
 * divided by their half-range H, and after sorting by t = the largest quantile-matched gap
 * (W_∞), so every term τ·(|Δ|/(H t))^p lies in [0, 1] for any p; value = H·t·(Σ)^{1/p}.
 */
import { InvalidArgumentError, NonFiniteError } from '../errors.js';
import { use } from '../backend/index.js';
import { sortedTransport } from '../backend/wasserstein1d.js';
import { asOptions, isPointCloud } from '../validate.js';
import type { PointCloud } from '../types.js';
import { asExponent, asWeights } from './common.js';
import { lengthFromCost, toUserUnits } from './scaling.js';

export interface Wasserstein1dOptions {
  /** Exponent p ≥ 1 (default 1). */
  p?: number;
  /** Probability weights of the samples u (uniform by default). */
  a?: ArrayLike<number>;
  /** Probability weights of the samples v (uniform by default). */
  b?: ArrayLike<number>;
}

export interface Wasserstein1dResult {
  /** W_p. */
  readonly value: number;
  /** W_p^p, in units of lengthUnit^p. */
  readonly transportCost: number;
  /** 1, unless W_p^p over- or underflows in the caller's units (then the length it is measured in). */
  readonly lengthUnit: number;
  readonly p: number;
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
export function wasserstein1d(u: Samples1d, v: Samples1d, options?: Wasserstein1dOptions): Wasserstein1dResult {
  const o = asOptions(options);
  const us = asSamples(u, 'u'), vs = asSamples(v, 'v');
  const p = o.p === undefined ? 1 : asExponent('options.p', o.p);
  const wu = asWeights('options.a', o.a, us.length);
  const wv = asWeights('options.b', o.b, vs.length);
  const { cost, L } = w1dCost('wasserstein1d', us, wu, vs, wv, p);
  const value = lengthFromCost(L, cost, p, 'u');
  const user = toUserUnits([Float64Array.of(cost)], L, p);
  return { value, transportCost: user ? user[0][0] : cost, lengthUnit: user ? 1 : L, p };
}

/**
 * W_p^p of the two samples in units of L^p (L returned): centres and divides by the joint
 * half-range, then the pair sorts, rescales by W_∞ and merges. Consumes us, vs. Internal: also
 * used by slicedWasserstein.
 */
export function w1dCost(fn: string, us: Float64Array, wu: Float64Array | null, vs: Float64Array, wv: Float64Array | null, p: number): { cost: number; L: number } {
  let lo = Infinity, hi = -Infinity;
  for (const s of [us, vs]) for (let i = 0; i < s.length; i++) {
    if (s[i] < lo) lo = s[i];
    if (s[i] > hi) hi = s[i];
  }
  const c = hi / 2 + lo / 2, H = hi / 2 - lo / 2;
  if (H === 0) return { cost: 0, L: 1 };
  for (const s of [us, vs]) for (let i = 0; i < s.length; i++) s[i] = (s[i] - c) / H;
  const r = use(sortedTransport, fn)(us, wu, vs, wv, p);
  return { cost: r.cost, L: H * r.t };
}
