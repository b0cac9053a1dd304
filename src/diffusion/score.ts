/**
 * The exact score of the heat flow from an empirical measure and the Li–Yau inequality
 * (survey arXiv 2510.03303, §5; docs/algorithms/diffusion.md).
 *
 *   u(x,t) = (1/n) Σ_j G(x − x_j, t),  s = ∇ log u = (x̄_w − x)/(2t),  x̄_w = Σ_j w_j x_j,
 *   w = softmax_j(−|x − x_j|²/4t).
 * Differentiating, ∇x̄_w = Cov_w/(2t) (the weighted covariance of the data), hence
 *   div s = Δ log u = tr Cov_w / (4t²) − d/(2t) ≥ −d/(2t)     (Li–Yau, sharp as t → 0 or n = 1).
 */
import { use } from '../backend/index.js';
import { scoreBatch } from '../backend/score.js';
import { InvalidArgumentError, NonFiniteError } from '../errors.js';
import { scoreCut } from '../kernels/score.js';
import { expTS } from '../kernels/exp.js';
import type { PointCloud, PointsLike } from '../types.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import { asCloud, asOptions, checkProgressOptions } from '../validate.js';

function checkTime(t: unknown): number {
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || !Number.isFinite(0.25 / t)) {
    throw new InvalidArgumentError('t', t, 'a finite time > 0 (with 1/(4t) finite)', 'the score is singular at t = 0');
  }
  return t;
}

function dataCloud(data: PointsLike): PointCloud {
  const c = asCloud(data, 'data');
  if (c.n < 1) throw new InvalidArgumentError('data', 'an empty point set', 'at least one data point', 'pass the training points as rows');
  return c;
}

/** The data transposed (d × n), the kernel's layout. */
export function transposeData(c: PointCloud): Float64Array {
  const dT = new Float64Array(c.n * c.d);
  for (let j = 0; j < c.n; j++) for (let k = 0; k < c.d; k++) dT[k * c.n + j] = c.data[j * c.d + k];
  return dT;
}

/** Rows per unit of work: about 2^20 (point, data point) pairs between progress reports. */
function rowsPerChunk(n: number): number {
  return Math.max(1, Math.floor((1 << 20) / n));
}

/** s(x_i, t) at every row of X (the WASM kernel or its twin, whichever backend init() chose). */
export function score(data: PointsLike, X: PointsLike, t: number, options?: ProgressOptions): PointCloud {
  const o = asOptions(options);
  return runSync(scoreSteps(data, X, t, o), o, 'score');
}

/** Like score, yielding to the event loop between chunks of rows. */
export async function scoreAsync(data: PointsLike, X: PointsLike, t: number, options?: ProgressOptions): Promise<PointCloud> {
  const o = asOptions(options);
  return runAsync(scoreSteps(data, X, t, o), o, 'scoreAsync');
}

function* scoreSteps(data: PointsLike, X: PointsLike, t: number, o: ProgressOptions): Generator<number, PointCloud> {
  checkProgressOptions(o);
  const D = dataCloud(data);
  const Q = asCloud(X, 'X', { d: D.d });
  checkTime(t);
  const d = Q.d;
  const out = new Float64Array(Q.n * d);
  const kernel = use(scoreBatch, 'score');
  const dT = transposeData(D), cut = scoreCut(D.n), chunk = rowsPerChunk(D.n);
  for (let i0 = 0; i0 < Q.n; i0 += chunk) {
    const m = Math.min(chunk, Q.n - i0);
    const part = out.subarray(i0 * d, (i0 + m) * d);
    kernel(Q.data.subarray(i0 * d, (i0 + m) * d), m, d, dT, D.n, 0.25 / t, cut, part);
    for (let q = 0; q < part.length; q++) {
      if (!Number.isFinite(part[q])) throw new NonFiniteError('score', i0 * d + q, part[q], `point ${i0 + Math.floor(q / d)}: |x − x_j|² overflows; rescale the data`);
    }
    yield (i0 + m) / Q.n;
  }
  return { n: Q.n, d, data: out };
}

export interface LiYauReport {
  /** The Li–Yau lower bound −d/(2t). */
  readonly bound: number;
  /** div s(x_i, t) at every point (exact, from the weighted covariance). */
  readonly divergence: Float64Array;
  /** min_i div s(x_i, t) − bound (≥ 0 when the inequality holds; it always does for this score). */
  readonly minMargin: number;
  /** Mean of div s over the points. */
  readonly mean: number;
  /** Number of points with div s < bound (beyond rounding: a relative 1e-12 slack). */
  readonly violations: number;
  readonly holds: boolean;
}

/**
 * Li–Yau check div s ≥ −d/(2t) at the points X (e.g. samples of diffusionSample), with the
 * exact divergence div s = tr Cov_w/(4t²) − d/(2t) of the mixture score (stable weights: the
 * nearest data point gets weight 1 before normalising, as in the kernel).
 */
export function liYauCheck(data: PointsLike, X: PointsLike, t: number, options?: ProgressOptions): LiYauReport {
  const o = asOptions(options);
  return runSync(liYauSteps(data, X, t, o), o, 'liYauCheck');
}

/** Like liYauCheck, yielding to the event loop between chunks of points. */
export async function liYauCheckAsync(data: PointsLike, X: PointsLike, t: number, options?: ProgressOptions): Promise<LiYauReport> {
  const o = asOptions(options);
  return runAsync(liYauSteps(data, X, t, o), o, 'liYauCheckAsync');
}

function* liYauSteps(data: PointsLike, X: PointsLike, t: number, o: ProgressOptions): Generator<number, LiYauReport> {
  checkProgressOptions(o);
  const D = dataCloud(data);
  const Q = asCloud(X, 'X', { d: D.d, minPoints: 1 });
  checkTime(t);
  const n = D.n, d = D.d;
  const bound = -d / (2 * t);
  const div = new Float64Array(Q.n);
  const w = new Float64Array(n);
  const mean = new Float64Array(d);
  let minMargin = Infinity, sum = 0, violations = 0;
  const chunk = rowsPerChunk(n);
  for (let i = 0; i < Q.n; i++) {
    if (i > 0 && i % chunk === 0) yield i / Q.n;
    let dmin = Infinity;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const u = Q.data[i * d + k] - D.data[j * d + k];
        s += u * u;
      }
      w[j] = s;
      if (s < dmin) dmin = s;
    }
    let z = 0;
    for (let j = 0; j < n; j++) {
      w[j] = expTS((dmin - w[j]) / (4 * t));
      z += w[j];
    }
    mean.fill(0);
    for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) mean[k] += (w[j] / z) * D.data[j * d + k];
    let tr = 0;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const u = D.data[j * d + k] - mean[k];
        s += u * u;
      }
      tr += (w[j] / z) * s;
    }
    const margin = tr / (4 * t * t);
    div[i] = margin + bound;
    sum += div[i];
    if (margin < minMargin) minMargin = margin;
    if (div[i] < bound * (1 + 1e-12)) violations++;
  }
  return { bound, divergence: div, minMargin, mean: sum / Q.n, violations, holds: violations === 0 };
}
