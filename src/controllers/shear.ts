/**
 * SHEAR_STAGE (docs/algorithms/interpolate.md §A1, primitive P1 of §1.2): move points P_i to Q_i, with every
 * Q_i − P_i ⟂ a, using ⌈n_active / p⌉ parallel layers of width p that all have the normal a.
 *
 * In a layer whose neurons all have normal a and weights w_l ⟂ a, s = ⟨a, x⟩ is constant along
 * trajectories, so the exact flow is x ↦ x + F(⟨a, x⟩) with
 *
 *   F(s) = τ Σ_l w_l relu(s − c_l),                                                   (P1)
 *
 * a continuous piecewise-linear map R → a^⊥ that vanishes below c_1 and has slope
 * σ_r = τ Σ_{l≤r} w_l on (c_r, c_{r+1}). The active points are sorted by s and cut into
 * consecutive batches of ≤ p points t_1 < … < t_m; one layer serves one batch, with one
 * threshold c_l in each gap below t_l. Solving F(t_r) = D_r (remaining displacement) from the
 * bottom up is a bidiagonal recursion in the slopes:
 *
 *   σ_1 = D_1 / (t_1 − c_1),   σ_r = (D_r − F(c_r)) / (t_r − c_r),
 *   F(c_r) = D_{r−1} + σ_{r−1} (c_r − t_{r−1}),   τ w_r = σ_r − σ_{r−1}.
 *
 * Points below c_1 (earlier batches, or s ≤ t0) do not move; the batch lands exactly; later
 * points move by the affine extrapolation D_m + σ_m (s − t_m) ∈ a^⊥, which leaves their s
 * unchanged, so their remaining displacement is recomputed when their turn comes.
 *
 * Threshold placement (derived here; docs/algorithms/interpolate.md puts c_r at the midpoint). Write q = t_r − c_r,
 * h = t_r − t_{r−1} and e = D_r − D_{r−1} − σ_{r−1} h (e = D_1 for the first point of a layer,
 * σ_0 = 0). The recursion above reads σ_r = σ_{r−1} + e/q: as q runs over (0, h), σ_r runs over the
 * ray from the secant slope (D_r − D_{r−1})/h away from σ_{r−1}. The slope that matters for
 * round-off is the one left on the points not served yet: they drift by the cumulative map of the
 * stage, whose slope beyond t_r is T + σ_r (T = Σ of the last slopes of the earlier layers of the
 * stage; exact when ⟨a, x⟩ is constant, first-order otherwise), and each layer adds σ_r·(s − c_r).
 * Other integrators round positions and increments of that size, and the next stage multiplies the
 * rounding by its own slope (interpolate.ts). So 1/q is chosen to minimise
 *   |T + σ_{r−1} + e/q|² + |σ_{r−1} + e/q|²   (closed form, clamped to q ∈ [θ h, h − θ min(h, h_{r−1})]).
 * Consequences: |σ_r| never exceeds the secant slope by more than 1/(1 − θ); it is 0 whenever the
 * secant lies between 0 and the previous slope, so a large slope left by a small gap is cancelled
 * by the next point instead of being carried through every later layer; slopes stay bounded
 * whatever N. The margin θ keeps inactive points away from the hyperplanes: θ = ¼ in general
 * (round-off in ⟨a, x⟩ must not flip an activation), θ = 1/256 when the stage is parallel in
 * floating point (`floatParallel`: ⟨a, x⟩ is then bit-for-bit constant, so any positive margin is
 * exact and a small one lets the cancellation above be almost complete).
 *
 * Rule 1.7(1): every D_r and every w_l is projected on a^⊥ before use. When a is a coordinate
 * axis the projection zeroes that component exactly and the layer is parallel in floating point.
 *
 * Cost: O(n log n) for the sort, O(m d) per batch for the weights, O(n d) per layer to move the
 * points not served yet (affine extrapolation, not a full field evaluation): O(n log n + n d ⌈n/p⌉).
 */
import { use } from '../backend/index.js';
import { InconsistentDataError } from '../errors.js';
import { reluField } from '../backend/relu.js';
import type { Layer } from '../types.js';

/** Fraction of the neighbouring gap between a served point and the next threshold (see above). */
export const THRESHOLD_FRACTION = 0.25;
/** Smallest fraction of a gap between a threshold and a point when the stage is parallel in floating point. */
export const PARALLEL_MARGIN = 1 / 256;

export interface ShearStageOptions {
  /** Points with index not listed never move (default: all n points are active). */
  active?: ArrayLike<number>;
  /** Points with ⟨a, x⟩ ≤ t0 never move; every threshold is placed above t0 (default −∞). */
  t0?: number;
  /** Gap just below t0 (for the threshold rule; default +∞). */
  gapBelowT0?: number;
  /** Length used for the first threshold when t0 = −∞: c_1 = t_1 − scale (default: range of s, or 1). */
  scale?: number;
  /**
   * Coordinates the stage must not change (freeze[k] = 1), containing the support of a: the
   * displacements are zeroed there instead of projected, so ⟨a, w⟩ = 0 exactly (./basis.ts,
   * chooseSplitPair). What is left in those coordinates is round-off of earlier stages.
   */
  freeze?: Uint8Array;
  /**
   * The layers are parallel in floating point (a reads only frozen coordinates), so ⟨a, x⟩ is
   * bit-for-bit constant and thresholds may come closer to served points (margin PARALLEL_MARGIN
   * instead of THRESHOLD_FRACTION of the neighbouring gap).
   */
  floatParallel?: boolean;
  /**
   * Spend the last neuron of every layer that has points above its batch on cancelling the slope
   * above the batch (a threshold in the gap above it): the layer's map is then constant above the
   * batch, so the points not served yet are translated, never sheared, and their excursion stays
   * bounded by |Q − P| (docs/algorithms/interpolate.md, "excursion"). Batches have p − 1 points
   * (p on the last layer). Needs p ≥ 2.
   */
  tailNeuron?: boolean;
}

/** Layers a stage of n active points needs with width p (see ShearStageOptions.tailNeuron). */
export function stageLayers(n: number, p: number, tailNeuron: boolean): number {
  if (n <= 0) return 0;
  if (!tailNeuron || p < 2 || n <= p) return Math.ceil(n / p);
  return 1 + Math.ceil((n - p) / (p - 1));
}

export interface ShearStage {
  readonly layers: Layer[];
  /** Number of active points served. */
  readonly served: number;
  /**
   * Smallest distance |⟨a, x_i⟩ − c_l| between any of the n points and any threshold of the stage
   * (a is a unit vector, so this is the Euclidean distance to the hyperplane). In a parallel stage
   * ⟨a, x⟩ is constant, so no trajectory comes closer during the stage (docs/algorithms/interpolate.md).
   */
  readonly clearance: number;
  /** Largest |x_i| (Euclidean) along the stage: initial, after every layer (segments are straight). */
  readonly excursion: number;
}

/**
 * Builds the layers and applies their exact flow to P in place (n × d, row-major).
 * `a` must be a unit vector; the s-values of the active points must be pairwise distinct.
 */
export function shearStage(
  P: Float64Array, Q: Float64Array, n: number, d: number, a: Float64Array,
  p: number, tau: number, options: ShearStageOptions = {},
): ShearStage {
  const gen = shearStageSteps(P, Q, n, d, a, p, tau, options);
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

/** shearStage as a generator: yields the number of layers built so far after every layer. */
export function* shearStageSteps(
  P: Float64Array, Q: Float64Array, n: number, d: number, a: Float64Array,
  p: number, tau: number, options: ShearStageOptions = {},
): Generator<number, ShearStage> {
  const active = options.active ?? Array.from({ length: n }, (_, i) => i);
  const na = active.length;
  const s = new Float64Array(na);
  for (let j = 0; j < na; j++) {
    const o = active[j] * d;
    let acc = 0;
    for (let k = 0; k < d; k++) acc += a[k] * P[o + k];
    s[j] = acc;
  }
  const order = Array.from({ length: na }, (_, j) => j).sort((x, y) => s[x] - s[y]);
  const range = na > 1 ? s[order[na - 1]] - s[order[0]] : 0;
  const H = options.scale && options.scale > 0 ? options.scale : range > 0 ? range : 1;
  let prev = options.t0 ?? -Infinity;
  let prevGap = options.gapBelowT0 ?? Infinity;
  const theta = options.floatParallel ? PARALLEL_MARGIN : THRESHOLD_FRACTION;
  const layers: Layer[] = [];
  const D = new Float64Array(p * d);
  const sigma = new Float64Array(d), sigmaPrev = new Float64Array(d), Fc = new Float64Array(d);
  const e = new Float64Array(d), tail = new Float64Array(d);
  const c = new Float64Array(p), t = new Float64Array(p);
  const scratch: Scratch = { rows: new Float64Array(0), f: new Float64Array(0), excursion: 0 };
  // Sorted projections of all n points (clearance) and the initial excursion.
  const sAll = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0, sq = 0;
    for (let k = 0; k < d; k++) {
      acc += a[k] * P[i * d + k];
      sq += P[i * d + k] * P[i * d + k];
    }
    sAll[i] = acc;
    scratch.excursion = Math.max(scratch.excursion, Math.sqrt(sq));
  }
  sAll.sort();
  let clearance = Infinity;
  const useTail = !!options.tailNeuron && p >= 2;
  for (let start = 0; start < na; ) {
    const m = useTail && na - start > p ? p - 1 : Math.min(p, na - start);
    // the batch, read at its current positions (s was computed before the stage; for rotated
    // normals the tracked positions may have moved along a by round-off since)
    for (let r = 0; r < m; r++) {
      const o = active[order[start + r]] * d;
      let acc = 0;
      for (let k = 0; k < d; k++) acc += a[k] * P[o + k];
      t[r] = acc;
    }
    // remaining displacements, projected on a^⊥ (rule 1.7(1))
    for (let r = 0; r < m; r++) {
      const i = active[order[start + r]];
      let along = 0;
      for (let k = 0; k < d; k++) {
        D[r * d + k] = Q[i * d + k] - P[i * d + k];
        along += D[r * d + k] * a[k];
      }
      for (let k = 0; k < d; k++) D[r * d + k] -= along * a[k];
      if (options.freeze) for (let k = 0; k < d; k++) if (options.freeze[k]) D[r * d + k] = 0;
    }
    // thresholds c_r (least-slope rule, module comment), slopes σ_r, weights w_r = (σ_r − σ_{r−1}) / τ
    const W = new Float64Array(d * p), A = new Float64Array(p * d), b = new Float64Array(p);
    sigmaPrev.fill(0);
    for (let r = 0; r < m; r++) {
      const below = r === 0 ? prev : t[r - 1];
      if (below === -Infinity) {
        c[r] = t[r] - H;
        prevGap = H;
      } else {
        const h = t[r] - below;
        // σ_r = σ_{r−1} + e/q with q = t_r − c_r, e = D_r − D_{r−1} − σ_{r−1} h (e = D_1 for r = 1)
        let ee = 0, dot = 0;
        for (let k = 0; k < d; k++) {
          e[k] = r === 0 ? D[k] : D[r * d + k] - D[(r - 1) * d + k] - sigmaPrev[k] * h;
          ee += e[k] * e[k];
          dot += (tail[k] + 2 * sigmaPrev[k]) * e[k];
        }
        const qMax = h - theta * Math.min(h, prevGap), qMin = theta * h;
        let lambda = ee > 0 ? -dot / (2 * ee) : 0;
        lambda = Math.min(1 / qMin, Math.max(1 / qMax, lambda));
        c[r] = t[r] - 1 / lambda;
        if (!(c[r] > below && c[r] < t[r])) c[r] = below + theta * Math.min(h, prevGap);
        // Keep a few units of round-off between the threshold and both points (clusters far from
        // the origin: the gap may be a few ulps of the coordinates); the middle when that is all.
        const mg = 4 * Number.EPSILON * Math.max(Math.abs(below), Math.abs(t[r]));
        if (h <= 4 * mg) c[r] = below + 0.5 * h;
        else c[r] = Math.min(t[r] - mg, Math.max(below + mg, c[r]));
        if (!(c[r] > below && c[r] < t[r])) {
          throw new InconsistentDataError('X', `two points are only ${h} apart along a direction of the construction, which floating point cannot split at coordinates of size ${Math.max(Math.abs(below), Math.abs(t[r]))}`, [], 'merge the two points, or centre the data before calling');
        }
        prevGap = h;
      }
      if (r === 0) {
        for (let k = 0; k < d; k++) sigma[k] = D[k] / (t[0] - c[0]);
      } else {
        const left = c[r] - t[r - 1], right = t[r] - c[r];
        for (let k = 0; k < d; k++) {
          Fc[k] = D[(r - 1) * d + k] + sigmaPrev[k] * left;
          sigma[k] = (D[r * d + k] - Fc[k]) / right;
        }
      }
      let along = 0;
      for (let k = 0; k < d; k++) along += (sigma[k] - sigmaPrev[k]) * a[k];
      for (let k = 0; k < d; k++) W[k * p + r] = (sigma[k] - sigmaPrev[k] - along * a[k]) / tau;
      sigmaPrev.set(sigma);
      b[r] = -c[r];
    }
    for (let r = 0; r < m; r++) clearance = Math.min(clearance, nearest(sAll, c[r]));
    if (useTail && start + m < na) {
      // tail neuron: slope back to 0 a quarter of the way into the gap above the batch
      const o = active[order[start + m]] * d;
      let next = 0;
      for (let k = 0; k < d; k++) next += a[k] * P[o + k];
      const h = next - t[m - 1];
      let ct = t[m - 1] + THRESHOLD_FRACTION * Math.min(h, Math.max(prevGap, 0) || h);
      if (!(ct > t[m - 1] && ct < next)) ct = t[m - 1] + 0.5 * h;
      for (let k = 0; k < d; k++) W[k * p + m] = -sigma[k] / tau;
      b[m] = -ct;
      clearance = Math.min(clearance, nearest(sAll, ct));
      tail.fill(0);
    } else {
      for (let k = 0; k < d; k++) tail[k] += sigma[k];
    }
    for (let l = 0; l < p; l++) A.set(a, l * d);
    layers.push({ duration: tau, W, A, b });
    // Positions after the layer, computed exactly as the flow engine's exact solver computes
    // them for a parallel layer (x ← x + τ·f(x), f by the field kernel or its bit-identical
    // twin): the batch and every point above it. Points below c_1 see f = 0 and keep their bits.
    advance(P, d, p, layers[layers.length - 1], active, order, start, na, scratch);
    prev = t[m - 1];
    start += m;
    yield layers.length;
  }
  return { layers, served: na, clearance, excursion: scratch.excursion };
}

/** Distance from c to the nearest value of the sorted array s. */
function nearest(s: Float64Array, c: number): number {
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid] < c) lo = mid + 1;
    else hi = mid;
  }
  let best = Infinity;
  if (lo < s.length) best = Math.min(best, Math.abs(s[lo] - c));
  if (lo > 0) best = Math.min(best, Math.abs(c - s[lo - 1]));
  return best;
}

interface Scratch {
  rows: Float64Array;
  f: Float64Array;
  excursion: number;
}

/**
 * P[rows order[from..na)] ← x + τ·f(x) with f = W relu(A x + b) evaluated by the active field
 * kernel (WASM, or the TS twin when flowsteer is not initialised or runs on the twins — both give
 * the same doubles), exactly the update the exact solver applies to a parallel layer.
 */
function advance(
  P: Float64Array, d: number, p: number, L: Layer,
  active: ArrayLike<number>, order: readonly number[], from: number, na: number, scratch: Scratch,
): void {
  const n = na - from;
  if (n <= 0) return;
  if (scratch.rows.length < n * d) {
    scratch.rows = new Float64Array(n * d);
    scratch.f = new Float64Array(n * d);
  }
  const rows = scratch.rows.subarray(0, n * d), f = scratch.f.subarray(0, n * d);
  for (let j = 0; j < n; j++) {
    const o = active[order[from + j]] * d;
    for (let k = 0; k < d; k++) rows[j * d + k] = P[o + k];
  }
  use(reluField, 'interpolate', { beforeInit: 'js' })(rows, n, d, L.W, L.A, L.b, p, f);
  const tau = L.duration;
  let ex = scratch.excursion;
  for (let j = 0; j < n; j++) {
    const o = active[order[from + j]] * d;
    let sq = 0;
    for (let k = 0; k < d; k++) {
      P[o + k] = P[o + k] + tau * f[j * d + k];
      sq += P[o + k] * P[o + k];
    }
    if (sq > ex * ex) ex = Math.sqrt(sq);
  }
  scratch.excursion = ex;
}
