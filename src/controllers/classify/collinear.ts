/**
 * The collinearity-constrained classifier of Álvarez-López, Orive-Illera & Zuazua
 * ("Cluster-based classification with neural ODEs via control", arXiv 2312.13807;
 * docs/algorithms/classify.md, "collinear") and the exact probability that it needs at most k switches.
 *
 * Model: width p = 1, ẋ = w(t) σ(⟨a(t), x⟩ + b(t)) (survey arXiv 2510.03303, eq. 3.3 with p = 1). "Collinear":
 * every hyperplane normal is one fixed axis e_k and every w is parallel to the readout axis e_r
 * (k ≠ r). Then ⟨a, w⟩ = 0 exactly — in floating point too, because the products are with exact
 * zeros — so x_k is invariant and, by primitive P1 (docs/algorithms/flow.md), after all layers
 *   x_r(T) = x_r(0) + F(x_k),   F = Σ_layers c_ℓ σ(±(x_k − t_ℓ))   (one ramp per layer, τ = 1).
 * Sort the points by x_k; R = number of runs of equal labels. F is built left to right, one ramp
 * per gap between runs (breakpoint t at the midpoint of the gap), so that F ≥ Hi on every
 * label-1 run and F ≤ 0 on every label-0 run (each new slope is the smallest change that puts
 * the next run on the right side, and keeps F monotone across that run). Layers = R − 1, i.e.
 * L = R − 2 switches (R ≥ 2; a single zero layer, L = 0, when every point has the same label).
 *
 * Probability: N label-1 and N label-0 points i.i.d. uniform in a box; the run count along
 * one axis is that of a uniformly random arrangement of N ones and N zeros,
 *   P(R = 2s) = 2·C(N−1, s−1)² / C(2N, N),  P(R = 2s+1) = 2·C(N−1, s−1)·C(N−1, s) / C(2N, N),
 * and the axes are independent, so with d′ usable axes the method (which picks the axis with
 * the fewest runs) needs L ≤ k switches with probability exactly
 *   P(L ≤ k) = 1 − P(R ≥ k + 3)^{d′}.
 * (The authors' notebook drops the terms R = 2N−1, 2N from the tail; they are included here.)
 */
import { ConvergenceError, InvalidArgumentError } from '../../errors.js';
import type { LayerLike } from '../../types.js';

/** Number of runs of equal labels along `order` (indices sorted by the axis coordinate). */
export function runCount(labels: ArrayLike<number>, order: ArrayLike<number>): number {
  let r = order.length > 0 ? 1 : 0;
  for (let i = 1; i < order.length; i++) if (labels[order[i]] !== labels[order[i - 1]]) r++;
  return r;
}

/** Indices 0..n−1 sorted by coordinate k of row-major points (ties by index, so deterministic). */
export function sortByAxis(P: Float64Array, n: number, d: number, k: number, idx?: readonly number[]): number[] {
  const order = idx ? idx.slice() : Array.from({ length: n }, (_, i) => i);
  order.sort((i, j) => P[i * d + k] - P[j * d + k] || i - j);
  return order;
}

/** One ramp of the collinear F: coefficient · σ(sign · (x_k − t)). */
export interface Ramp {
  coefficient: number;
  sign: 1 | -1;
  t: number;
}

/**
 * The ramps of F along axis k for points sorted by x_k (`order`), given
 * `need1[i]` = the least F that puts label-1 point i on its side and `need0[i]` = the largest F
 * that keeps label-0 point i on its side. Returns R − 1 ramps (R ≥ 2 runs). Points with equal
 * x_k and different labels make the problem infeasible along this axis: returns null.
 */
export function collinearRamps(
  P: Float64Array, d: number, k: number, order: readonly number[], labels: ArrayLike<number>, hi: number,
): Ramp[] | null {
  const n = order.length;
  const x = (r: number) => P[order[r] * d + k];
  const starts: number[] = [0];
  for (let r = 1; r < n; r++) {
    if (labels[order[r]] !== labels[order[r - 1]]) {
      if (!(x(r) > x(r - 1))) return null; // two labels share this x_k: no ramp in x_k separates them
      starts.push(r);
    }
  }
  const R = starts.length;
  if (R < 2) return [];
  const ends = starts.slice(1).concat([n]);
  const t = starts.slice(1).map((s) => 0.5 * (x(s - 1) + x(s)));
  const ramps: Ramp[] = [];
  let first = 0;
  if (labels[order[0]] === 1) {
    // Left ramp F = c0·σ(t1 − x): ≥ hi on the whole first run (its right end is the binding one).
    const b = x(ends[0] - 1);
    ramps.push({ coefficient: hi / (t[0] - b), sign: -1, t: t[0] });
    first = 1;
  }
  let slope = 0, F = 0, prevT = NaN;
  for (let r = first; r < R - 1; r++) {
    const tr = t[r];
    if (!Number.isNaN(prevT)) F += slope * (tr - prevT);
    const a = x(starts[r + 1]);
    const next = labels[order[starts[r + 1]]] === 1 ? Math.max(0, (hi - F) / (a - tr)) : Math.min(0, -F / (a - tr));
    ramps.push({ coefficient: next - slope, sign: 1, t: tr });
    slope = next;
    prevT = tr;
  }
  return ramps;
}

// ---------------------------------------------------------------------------------------------
// Probability of the run count and of L ≤ k.

function logFactorials(n: number): Float64Array {
  const lf = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) lf[i] = lf[i - 1] + Math.log(i);
  return lf;
}

/**
 * Exact distribution of the number of runs R of a uniformly random arrangement of N ones and
 * N zeros: returns pmf with pmf[r] = P(R = r), r = 0..2N (docs/algorithms/classify.md).
 */
export function runsDistribution(N: number): Float64Array {
  if (typeof N !== 'number' || !Number.isInteger(N) || N < 1 || N > 1e6) {
    throw new InvalidArgumentError('N', N, 'an integer in [1, 10^6] (points per class)');
  }
  const lf = logFactorials(2 * N);
  const lc = (a: number, b: number) => (b < 0 || b > a ? -Infinity : lf[a] - lf[b] - lf[a - b]);
  const total = lc(2 * N, N);
  const pmf = new Float64Array(2 * N + 1);
  for (let s = 1; s <= N; s++) {
    pmf[2 * s] = 2 * Math.exp(2 * lc(N - 1, s - 1) - total);
    if (s <= N - 1) pmf[2 * s + 1] = 2 * Math.exp(lc(N - 1, s - 1) + lc(N - 1, s) - total);
  }
  return pmf;
}

/**
 * P(L ≤ k) for the collinear method on N + N points i.i.d. uniform in [0,1]^d with `axes`
 * usable axes (d − 1 with the readout on a fixed axis, d if the readout axis may be chosen):
 *   1 − P(R ≥ k + 3)^{axes}    (equality for the axis-only method).
 */
export function collinearSwitchProbability(N: number, k: number, axes: number): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) throw new InvalidArgumentError('k', k, 'an integer ≥ 0 (switches)');
  if (typeof axes !== 'number' || !Number.isInteger(axes) || axes < 1) throw new InvalidArgumentError('axes', axes, 'an integer ≥ 1');
  const pmf = runsDistribution(N);
  let tail = 0;
  for (let r = k + 3; r <= 2 * N; r++) tail += pmf[r];
  return 1 - Math.pow(Math.min(1, tail), axes);
}

// ---------------------------------------------------------------------------------------------
// The 'collinear' construction of classify

/**
 * classify's 'collinear' method: the ramps of collinearRamps along the axis (≠ readout) with the
 * fewest runs, as width-1 layers in the centred coordinates P; the threshold θ goes 2μ beyond
 * the data on the side of the non-movers.
 */
export function buildCollinear(P: Float64Array, n: number, d: number, lab: Uint8Array, axis: number, mu: number, scale: number) {
  let rmax = -Infinity, rmin = Infinity;
  for (let i = 0; i < n; i++) {
    rmax = Math.max(rmax, P[i * d + axis]);
    rmin = Math.min(rmin, P[i * d + axis]);
  }
  const allOne = lab.every((v) => v === 1);
  // With every label equal the threshold goes below (label 1) or above (label 0) all points.
  const theta = allOne ? rmin - 2 * mu : rmax + 2 * mu;
  const hiLevel = theta + mu - rmin;
  let best: { k: number; R: number; order: number[] } | null = null;
  for (let k = 0; k < d; k++) {
    if (k === axis) continue;
    const order = sortByAxis(P, n, d, k);
    const R = runCount(lab, order);
    if (!best || R < best.R) {
      if (collinearRamps(P, d, k, order, lab, hiLevel)) best = { k, R, order };
    }
  }
  if (!best) {
    throw new InvalidArgumentError('X', 'points that share a coordinate across labels on every axis', 'data where some axis other than the readout axis separates the labels into runs', "use method: 'cluster'");
  }
  const ramps = collinearRamps(P, d, best.k, best.order, lab, hiLevel)!;
  const layers: LayerLike[] = ramps.map((r) => {
    const W = new Float64Array(d), A = new Float64Array(d);
    W[axis] = r.coefficient;
    A[best!.k] = r.sign;
    return { duration: 1, W, A, b: Float64Array.of(-r.sign * r.t) };
  });
  let maxMove = 0;
  for (let i = 0; i < n; i++) {
    let F = 0;
    for (const r of ramps) F += r.coefficient * Math.max(0, r.sign * (P[i * d + best.k] - r.t));
    maxMove = Math.max(maxMove, Math.abs(F));
    const h = P[i * d + axis] + F;
    if (lab[i] === 1 ? !(h >= theta + 0.5 * mu) : !(h <= theta - 0.5 * mu)) {
      throw new ConvergenceError("classify (method 'collinear')", `point ${i} ends at ${h} against ${theta}: the slopes grow geometrically with the number of runs and overflow doubles`, "use method 'cluster'");
    }
  }
  if (layers.length === 0) layers.push({ duration: 1, W: new Float64Array(d), A: new Float64Array(d), b: new Float64Array(1) });
  return { layers, theta, groups: best.R, fallbacks: 0, maxMove };
}
