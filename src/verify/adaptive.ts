/**
 * An independent integrator for verifying constructions (docs/algorithms/verification.md):
 * Dormand–Prince 5(4) with embedded error control (Dormand & Prince 1980; the tableau of
 * Hairer–Nørsett–Wanner, Solving ODEs I, Table II.5.2) for ẋ = W relu(A x + b), layer by layer
 * and point by point, with event location at every hyperplane crossing ⟨a_j, x⟩ + b_j = 0: a
 * step whose end point sees another activation pattern than its start is shortened by bisection
 * so that it ends just past the first crossing (the field is only Lipschitz there, so no step
 * straddles a kink by more than ~1e−14 of its length).
 *
 * It shares no code with the constructions (src/controllers/) nor with the flow engine
 * (src/flow/, the field kernels): it reads the raw layer arrays and evaluates the field itself,
 * in its own order of operations. A construction that keeps a clearance (no trajectory closer to
 * a hyperplane it must not cross than a margin ≫ round-off) is reproduced by it to within the
 * construction's round-off amplification; one that relies on the exact solver's own rounding to
 * decide sides is not — which is what this check exposes.
 */
import { AbortError, ConvergenceError } from '../errors.js';
import type { Controls, PointCloud, PointsLike } from '../types.js';
import { asCloud, asControls, asOptions, checkCount, checkSignal, checkTolerance } from '../validate.js';

export interface IndependentFlowOptions {
  /** Relative tolerance per step (default 1e−12). */
  rtol?: number;
  /** Absolute tolerance per step, in the units of the points (default 1e−14 · max |x|, at least 1e−300). */
  atol?: number;
  /** Step limit per point and layer (default 10^5); exceeding it throws. */
  maxSteps?: number;
  signal?: AbortSignal;
  /** Incremented by the number of field evaluations (for cost estimates). */
  stats?: { evaluations: number };
}

interface RawLayer {
  readonly duration: number;
  readonly W: ArrayLike<number>;
  readonly A: ArrayLike<number>;
  readonly b: ArrayLike<number>;
}

export interface RawControls {
  readonly d: number;
  readonly width: number;
  readonly layers: readonly RawLayer[];
}

// Dormand–Prince 5(4): stage coefficients, 5th-order weights, 4th-order (embedded) weights.
const AT: readonly (readonly number[])[] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const B5 = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
const B4 = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];

/**
 * Flows the rows `idx` of X (n × d, row-major) through the controls; yields the fraction of
 * points done every few points (for progress and abort), returns the end points (idx.length × d).
 */
export function* independentFlowSteps(c: RawControls, X: Float64Array, d: number, idx: ArrayLike<number>, options: IndependentFlowOptions = {}): Generator<number, Float64Array> {
  const p = c.width;
  let xmax = 0;
  for (let j = 0; j < idx.length; j++) for (let k = 0; k < d; k++) xmax = Math.max(xmax, Math.abs(X[idx[j] * d + k]));
  const rtol = options.rtol ?? 1e-12;
  const atol = options.atol ?? Math.max(1e-300, 1e-14 * xmax);
  const maxSteps = options.maxSteps ?? 1e5;
  const m = idx.length;
  const out = new Float64Array(m * d);
  const x = new Float64Array(d), xn = new Float64Array(d), tmp = new Float64Array(d);
  const K = Array.from({ length: 7 }, () => new Float64Array(d));
  const sgn = new Int8Array(p), sgn2 = new Int8Array(p);
  // Neurons with w = 0 never change the field: their hyperplanes are not events.
  const live = c.layers.map((L) => {
    const on = new Uint8Array(p);
    for (let j = 0; j < p; j++) for (let k = 0; k < d; k++) if (L.W[k * p + j] !== 0) on[j] = 1;
    return on;
  });
  for (let q = 0; q < m; q++) for (let k = 0; k < d; k++) out[q * d + k] = X[idx[q] * d + k];
  // Layer by layer over all points (the same arithmetic as point by point: each point's
  // trajectory depends only on its own position), so the layer's closures are built once.
  const perLayer = Math.max(1, m * p * d);
  let sinceYield = 0, evaluations = 0;
  for (let l = 0; l < c.layers.length; l++) {
    const { W, A, b, duration: T } = c.layers[l];
    const on = live[l];
    const field = (y: Float64Array, f: Float64Array): void => {
      evaluations++;
      for (let k = 0; k < d; k++) f[k] = 0;
      for (let j = 0; j < p; j++) {
        if (!on[j]) continue;
        let s = b[j];
        for (let k = 0; k < d; k++) s += A[j * d + k] * y[k];
        if (s > 0) for (let k = 0; k < d; k++) f[k] += W[k * p + j] * s;
      }
    };
    const signs = (y: Float64Array, o8: Int8Array): void => {
      for (let j = 0; j < p; j++) {
        if (!on[j]) {
          o8[j] = 0;
          continue;
        }
        let s = b[j];
        for (let k = 0; k < d; k++) s += A[j * d + k] * y[k];
        o8[j] = s > 0 ? 1 : -1;
      }
    };
    const step = (h: number): number => {
      field(x, K[0]);
      for (let st = 1; st < 7; st++) {
        const row = AT[st];
        for (let k = 0; k < d; k++) {
          let acc = 0;
          for (let j = 0; j < st; j++) acc += row[j] * K[j][k];
          tmp[k] = x[k] + h * acc;
        }
        field(tmp, K[st]);
      }
      let err = 0;
      for (let k = 0; k < d; k++) {
        let inc5 = 0, e = 0;
        for (let j = 0; j < 7; j++) {
          inc5 += B5[j] * K[j][k];
          e += (B5[j] - B4[j]) * K[j][k];
        }
        xn[k] = x[k] + h * inc5;
        const sc = atol + rtol * Math.max(Math.abs(x[k]), Math.abs(xn[k]));
        err += ((h * e) / sc) ** 2;
      }
      return Math.sqrt(err / d);
    };
    for (let q = 0; q < m; q++) {
      for (let k = 0; k < d; k++) x[k] = out[q * d + k];
      let t = 0, h = T, steps = 0;
      while (t < T) {
        if (++steps > maxSteps) throw new ConvergenceError('independent verification', `more than ${maxSteps} steps in layer ${l} for point ${idx[q]}`, 'the field is too stiff for the tolerance: loosen rtol/atol or check the controls for huge weights');
        h = Math.min(h, T - t);
        const err = step(h);
        if (!(err <= 1)) {
          h *= Math.max(0.1, 0.9 * Math.pow(err, -0.2));
          if (!(h > T * 1e-15)) throw new ConvergenceError('independent verification', `step size underflow in layer ${l} for point ${idx[q]}`, 'the field is not finite or too stiff there: check the controls for huge weights');
          continue;
        }
        signs(x, sgn);
        signs(xn, sgn2);
        let crossed = false;
        for (let j = 0; j < p; j++) if (sgn[j] !== sgn2[j]) crossed = true;
        let used = h;
        if (crossed) {
          // event location: the shortest step whose end point has left the start's pattern
          let lo = 0, hi = h;
          for (let it = 0; it < 60 && hi - lo > 1e-14 * h; it++) {
            const mid = 0.5 * (lo + hi);
            step(mid);
            signs(xn, sgn2);
            let same = true;
            for (let j = 0; j < p; j++) if (sgn[j] !== sgn2[j]) same = false;
            if (same) lo = mid;
            else hi = mid;
          }
          used = hi;
          step(used);
        }
        for (let k = 0; k < d; k++) x[k] = xn[k];
        t = used === T - t ? T : t + used;
        const grow = err > 0 ? Math.min(5, 0.9 * Math.pow(err, -0.2)) : 5;
        h = crossed ? Math.max(h, used) : h * grow;
      }
      for (let k = 0; k < d; k++) out[q * d + k] = x[k];
    }
    sinceYield += perLayer;
    if (sinceYield >= 2e5) {
      sinceYield = 0;
      if (options.signal?.aborted) throw new AbortError('verification');
      yield (l + 1) / c.layers.length;
    }
  }
  if (options.stats) options.stats.evaluations += evaluations;
  yield 1;
  return out;
}

export interface IndependentCheck {
  /** 'dopri5-events': adaptive Dormand–Prince 5(4) with event location (this module). */
  readonly method: 'dopri5-events';
  /** max_i |Φ_T(x_i) − y_i| (Euclidean) over the checked points. */
  readonly maxError: number;
  /** maxError / scale (scale = max |coordinate| of X and Y). */
  readonly relativeMaxError: number;
  /**
   * maxError / spread, spread = the largest side of the bounding box of X and Y: the error at the
   * data's own resolution (differs from relativeMaxError for clusters far from the origin).
   */
  readonly relativeToSpread: number;
  /** Index (in X) of the worst checked point. */
  readonly worst: number;
  /** Points flowed (all of them unless `sampled`). */
  readonly points: number;
  /** True when a deterministic subset was checked (the cost budget did not allow all points). */
  readonly sampled: boolean;
}

/**
 * Work the default check may spend, in field-evaluation units (p·d + 16 operations each):
 * about 1–2 s in JavaScript.
 */
export const INDEPENDENT_BUDGET = 1e8;

/**
 * Rows to check within `budget`: all when they fit, otherwise an evenly strided subset plus the
 * rows in `must`. The cost per point is measured, deterministically, by flowing row 0 first and
 * counting field evaluations (adaptive steps depend on the layers: constant fields take one step,
 * exponential ones many).
 */
export function* planRows(c: RawControls, X: Float64Array, n: number, budget = INDEPENDENT_BUDGET, must: readonly number[] = []): Generator<number, number[]> {
  if (budget === Infinity || n <= 1) return Array.from({ length: n }, (_, i) => i);
  const stats = { evaluations: 0 };
  // the pilot point: run to the end without reporting progress (fractions stay monotone)
  const pilot = independentFlowSteps(c, X, c.d, [0], { stats });
  while (!pilot.next().done);
  yield 0;
  const perPoint = Math.max(1, stats.evaluations * (c.width * c.d + 16));
  const m = Math.max(Math.min(n, 64), Math.min(n, Math.floor(budget / perPoint)));
  if (m >= n) return Array.from({ length: n }, (_, i) => i);
  const set = new Set<number>(must.filter((i) => i >= 0 && i < n));
  for (let j = 0; j < m; j++) set.add(Math.floor((j * n) / m));
  return [...set].sort((a, b) => a - b);
}

/** Flows the rows `rows` of X with the independent solver and compares them with Y. */
export function* independentCheckSteps(
  c: RawControls, X: Float64Array, Y: Float64Array, n: number, d: number,
  options: IndependentFlowOptions & { budget?: number; must?: readonly number[] } = {},
): Generator<number, IndependentCheck> {
  const rows = yield* planRows(c, X, n, options.budget ?? INDEPENDENT_BUDGET, options.must ?? []);
  const out = yield* independentFlowSteps(c, X, d, rows, options);
  let scale = 0, spread = 0;
  for (let j = 0; j < n * d; j++) scale = Math.max(scale, Math.abs(X[j]), Math.abs(Y[j]));
  if (!(scale > 0)) scale = 1;
  for (let k = 0; k < d; k++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, X[i * d + k], Y[i * d + k]);
      hi = Math.max(hi, X[i * d + k], Y[i * d + k]);
    }
    spread = Math.max(spread, hi - lo);
  }
  if (!(spread > 0)) spread = scale;
  let max = 0, worst = rows.length ? rows[0] : 0;
  for (let q = 0; q < rows.length; q++) {
    let e2 = 0;
    for (let k = 0; k < d; k++) e2 += (out[q * d + k] - Y[rows[q] * d + k]) ** 2;
    const e = Math.sqrt(e2);
    if (!(e <= max)) {
      max = e;
      worst = rows[q];
    }
  }
  return { method: 'dopri5-events', maxError: max, relativeMaxError: max / scale, relativeToSpread: max / spread, worst, points: rows.length, sampled: rows.length < n };
}

/**
 * Public entry: flows the points X through the controls with the independent adaptive solver
 * (Dormand–Prince 5(4) with event location at hyperplane crossings) and returns the end points.
 */
export function independentFlow(controls: RawControls, X: PointsLike, options: IndependentFlowOptions = {}): PointCloud {
  const o = asOptions(options);
  const c = asControls(controls as Controls, 'controls');
  const cx = asCloud(X, 'X', { d: c.d });
  const rtol = checkTolerance('options.rtol', o.rtol, 1e-12, { positive: true, max: 1e-2 });
  const atol = o.atol === undefined ? undefined : checkTolerance('options.atol', o.atol, 0, { positive: true });
  const maxSteps = o.maxSteps === undefined ? undefined : checkCount('options.maxSteps', o.maxSteps, 1, 1e9);
  const signal = checkSignal('options.signal', o.signal);
  const rows = Array.from({ length: cx.n }, (_, i) => i);
  const gen = independentFlowSteps(c, cx.data, c.d, rows, { rtol, atol, maxSteps, signal });
  for (;;) {
    const r = gen.next();
    if (r.done) return { n: cx.n, d: c.d, data: r.value };
  }
}
