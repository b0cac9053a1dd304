/** Shared input checks of the Wasserstein engine (weights, p, pairs of clouds). */
import { InvalidArgumentError, NonFiniteError, ShapeMismatchError } from '../errors.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloud } from '../validate.js';

/** How far Σ weights may stray from 1. */
export const WEIGHT_SUM_TOLERANCE = 1e-12;

/** Two clouds of the same dimension, each with at least one point. */
export function asCloudPair(X: PointsLike, Y: PointsLike, names: [string, string] = ['X', 'Y']): [PointCloud, PointCloud] {
  const x = asCloud(X, names[0], { minPoints: 1 });
  const y = asCloud(Y, names[1], { minPoints: 1 });
  if (x.d !== y.d) {
    throw new ShapeMismatchError(names[1], `points of dimension ${y.d}`, `dimension ${x.d} like ${names[0]}`, 'both clouds must live in the same R^d');
  }
  return [x, y];
}

/**
 * Probability weights: `n` finite numbers ≥ 0 summing to 1 within 1e-12. `undefined` → null
 * (the caller uses uniform weights). Returns a fresh Float64Array.
 */
export function asWeights(name: string, w: unknown, n: number): Float64Array | null {
  if (w === undefined) return null;
  if (!(Array.isArray(w) || ArrayBuffer.isView(w)) || typeof (w as ArrayLike<number>).length !== 'number') {
    throw new InvalidArgumentError(name, w, `an array of ${n} probability weights`);
  }
  const arr = w as ArrayLike<number>;
  if (arr.length !== n) throw new ShapeMismatchError(name, `length ${arr.length}`, `length ${n} (one weight per point)`);
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (typeof v !== 'number') throw new InvalidArgumentError(`${name}[${i}]`, v, 'a number');
    if (!Number.isFinite(v)) throw new NonFiniteError(name, i, v);
    if (v < 0) throw new InvalidArgumentError(`${name}[${i}]`, v, 'a weight ≥ 0', 'weights are probabilities');
    out[i] = v;
    sum += v;
  }
  if (!(Math.abs(sum - 1) <= WEIGHT_SUM_TOLERANCE)) {
    throw new InvalidArgumentError(name, `weights summing to ${sum}`, 'weights summing to 1 (within 1e-12)', `divide by their sum (${sum}) first`);
  }
  return out;
}

/** The exponent p of W_p: a finite number ≥ 1. */
/** Largest exponent p: costs are computed in units where distances are ≤ 2, and 2^1000 ≈ 1e301. */
export const MAX_EXPONENT = 1000;

export function asExponent(name: string, p: unknown): number {
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 1 || p > MAX_EXPONENT) {
    throw new InvalidArgumentError(name, p, `a number in [1, ${MAX_EXPONENT}]`, 'W_p is a metric for p ≥ 1; costs |x − y|^p of larger p leave the double range (for W_∞ use the largest p allowed)');
  }
  return p;
}
