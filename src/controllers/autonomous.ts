/**
 * Autonomous (L = 0) approximate control, survey arXiv 2510.03303 Thm 3.4 (Álvarez-López, Hadj
 * Slimane & Zuazua, arXiv 2401.09902; docs/algorithms/autonomous.md): one layer of width p, constant in time, whose
 * flow carries every x_i to within ε of y_i at time T. The theorem gives
 *   ε ≤ C · log₂κ / κ^{1/d},   κ = (d + 2)·d·p,
 * through a Lipschitz field that interpolates the data and a quantitative universal
 * approximation theorem. The pipeline here (docs/algorithms/autonomous.md, steps 1–4):
 *  1. Paths: the straight segments S_i = [x_i, y_i]. They must be pairwise disjoint,
 *     d_min = min_{i≠j} dist(S_i, S_j) > 0 (generic when d ≥ 3; in d = 2 crossing segments are
 *     refused with the pair named — polygonal rerouting is not implemented).
 *  2. Tube field  F(x) = Σ_i v_i · max(0, 1 − dist(x, S_i)/r),  v_i = (y_i − x_i)/T,
 *     r = 0.45·d_min. Tubes are disjoint, so F = v_i on S_i and the exact flow of F moves x_i
 *     along S_i at constant speed to y_i at time T. Lip(F) ≤ max|v_i|/r.
 *  3. Shallow ReLU fit F_p(x) = Σ_{k<p} w_k σ(⟨a_k, x⟩ + b_k): random unit a_k, biases that put
 *     the hyperplanes through random points of the box K ⊃ ∪ tubes, and w by ridge-regularised
 *     least squares on samples of K (half uniform in K, half inside the tubes, where the
 *     trajectories run). η = max |F − F_p| on fresh test samples of the same law.
 *     (Random features, not the constructive approximant of the theorem: the observed rate is
 *     reported, not the theorem's.)
 *  4. Gronwall: if the trajectories of F_p stay where η was measured,
 *     |Φ_T(x_i) − y_i| ≤ (η/Lip)(e^{Lip·T} − 1).
 * The achieved error is measured by flowing X through the returned controls (rk4 by default,
 * or 'exact'), never taken from the bound. Returns { controls, diagnostics }.
 */
import { reluFieldPoint } from '../kernels/relu.js';
import { CapacityError, InconsistentDataError, InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { flow, type FlowMethod } from '../flow/flow.js';
import { createRng } from '../rng.js';
import type { Controls, PointsLike } from '../types.js';
import { asCloud, asOptions, checkCount, checkOneOf, checkPositive, makeControls } from '../validate.js';
import { choleskyLower, choleskySolve } from '../linalg/cholesky.js';

export interface AutonomousOptions {
  /** Number of neurons p (required). */
  width: number;
  /** Horizon T (default 1). */
  T?: number;
  /** Seed of the random features and samples (default 0). */
  seed?: number;
  /** Least-squares samples (default max(2000, 4p)). */
  samples?: number;
  /** Method used to measure the achieved error (default 'rk4'). */
  method?: FlowMethod;
  /** Steps for 'rk4' (default 400). */
  stepsPerLayer?: number;
  /** Ridge parameter λ, relative to the mean diagonal of the Gram matrix (default 1e-10). */
  ridge?: number;
}

export interface AutonomousResult {
  /** One layer (switches = 0) of width p and duration T. */
  readonly controls: Controls;
  readonly diagnostics: AutonomousDiagnostics;
}

export interface AutonomousDiagnostics {
  /** max_i |Φ_T(x_i) − y_i| and the mean, measured by flowing X. */
  readonly maxError: number;
  readonly meanError: number;
  readonly method: FlowMethod;
  readonly stepsPerLayer: number;
  /** Largest |x(t) − x̄| along the flowed data's trajectories (recorded frames), relative to the data's scale (x̄ = centre of the bounding box of X ∪ Y). */
  readonly excursion: number;
  /** sup |F − F_p| on test samples. */
  readonly eta: number;
  /** Lip(F) ≤ max|v_i|/r and the tube radius r. */
  readonly lipschitz: number;
  readonly radius: number;
  /** Gronwall bound (η/Lip)(e^{Lip T} − 1) (Infinity if it overflows). */
  readonly gronwallBound: number;
  /** κ = (d + 2)·d·p and the rate log₂κ/κ^{1/d} of Thm 3.4 (without its constant C). */
  readonly kappa: number;
  readonly rate: number;
}

/** Distance between segments [p1, q1] and [p2, q2] in R^d (closest points, clamped). */
export function segmentDistance(p1: Float64Array, q1: Float64Array, p2: Float64Array, q2: Float64Array): number {
  const d = p1.length;
  let a = 0, b = 0, c = 0, e = 0, f = 0;
  for (let k = 0; k < d; k++) {
    const u = q1[k] - p1[k], v = q2[k] - p2[k], w = p1[k] - p2[k];
    a += u * u;
    b += u * v;
    c += v * v;
    e += u * w;
    f += v * w;
  }
  const clamp = (t: number) => (t < 0 ? 0 : t > 1 ? 1 : t);
  let s: number, t: number;
  if (a <= 0 && c <= 0) {
    s = 0;
    t = 0;
  } else if (a <= 0) {
    s = 0;
    t = clamp(f / c);
  } else if (c <= 0) {
    t = 0;
    s = clamp(-e / a);
  } else {
    const den = a * c - b * b;
    s = den > 0 ? clamp((b * f - c * e) / den) : 0;
    t = (b * s + f) / c;
    if (t < 0) {
      t = 0;
      s = clamp(-e / a);
    } else if (t > 1) {
      t = 1;
      s = clamp((b - e) / a);
    }
  }
  let dist = 0;
  for (let k = 0; k < d; k++) {
    const z = p1[k] + s * (q1[k] - p1[k]) - p2[k] - t * (q2[k] - p2[k]);
    dist += z * z;
  }
  return Math.sqrt(dist);
}

/** Distance from x to the segment [p, q]. */
function pointSegment(x: Float64Array, xo: number, p: Float64Array, po: number, q: Float64Array, qo: number, d: number): number {
  let vv = 0, xv = 0;
  for (let k = 0; k < d; k++) {
    const v = q[qo + k] - p[po + k];
    vv += v * v;
    xv += (x[xo + k] - p[po + k]) * v;
  }
  const t = vv > 0 ? Math.min(1, Math.max(0, xv / vv)) : 0;
  let s = 0;
  for (let k = 0; k < d; k++) {
    const z = x[xo + k] - p[po + k] - t * (q[qo + k] - p[po + k]);
    s += z * z;
  }
  return Math.sqrt(s);
}

/**
 * The tube field of step 2, F(x) = Σ_i v_i·max(0, 1 − dist(x, S_i)/r), evaluated at row `i` of
 * `pts` into out[oo..oo+d).
 */
function tubeFieldOf(X: Float64Array, Y: Float64Array, N: number, d: number, V: Float64Array, r: number) {
  return (pts: Float64Array, i: number, out: Float64Array, oo: number): void => {
    for (let k = 0; k < d; k++) out[oo + k] = 0;
    for (let s = 0; s < N; s++) {
      const phi = 1 - pointSegment(pts, i * d, X, s * d, Y, s * d, d) / r;
      if (phi > 0) for (let k = 0; k < d; k++) out[oo + k] += phi * V[s * d + k];
    }
  };
}

/**
 * The Lipschitz field of Thm 3.4's proof (step 2) for disjoint segments, for tests and plots:
 * returns F as a function of one point, the tube radius r = 0.45·d_min and Lip(F) ≤ max|v|/r.
 */
export function tubeField(X: PointsLike, Y: PointsLike, T = 1): { field(x: ArrayLike<number>): Float64Array; radius: number; lipschitz: number } {
  const x = asCloud(X, 'X', { minPoints: 1 });
  const y = asCloud(Y, 'Y', { d: x.d });
  if (y.n !== x.n) throw new ShapeMismatchError('Y', `${y.n} points`, `${x.n} points, one target per input`);
  const { n: N, d } = x;
  let dmin = Infinity, vmax = 0;
  const seg = (i: number, c: Float64Array) => c.subarray(i * d, (i + 1) * d);
  for (let i = 0; i < N; i++) for (let j = 0; j < i; j++) dmin = Math.min(dmin, segmentDistance(seg(i, x.data), seg(i, y.data), seg(j, x.data), seg(j, y.data)));
  const V = new Float64Array(N * d);
  for (let j = 0; j < N * d; j++) V[j] = (y.data[j] - x.data[j]) / T;
  for (let i = 0; i < N; i++) vmax = Math.max(vmax, Math.hypot(...V.subarray(i * d, (i + 1) * d)));
  const r = Number.isFinite(dmin) ? 0.45 * dmin : 1;
  const f = tubeFieldOf(x.data, y.data, N, d, V, r);
  return {
    field(p: ArrayLike<number>) {
      const out = new Float64Array(d);
      f(Float64Array.from(p), 0, out, 0);
      return out;
    },
    radius: r,
    lipschitz: vmax / r,
  };
}

/**
 * Builds one ReLU layer of width p whose flow approximately carries X to Y in time T (Thm 3.4);
 * see the file comment. Throws InconsistentDataError naming the pair when two segments meet.
 */
export function approximateAutonomous(X: PointsLike, Y: PointsLike, options: AutonomousOptions): AutonomousResult {
  if (options === undefined) throw new InvalidArgumentError('options', options, 'an options object { width }');
  asOptions(options);
  const x = asCloud(X, 'X', { minPoints: 1 });
  const y = asCloud(Y, 'Y', { d: x.d });
  if (y.n !== x.n) throw new ShapeMismatchError('Y', `${y.n} points`, `${x.n} points, one target per input`);
  const { n: N, d } = x;
  if (d < 2) throw new InvalidArgumentError('X', `points of dimension ${d}`, 'points of dimension d ≥ 2');
  const p = checkCount('options.width', options.width, 1, 1 << 14);
  const T = checkPositive('options.T', options.T ?? 1);
  const seed = checkCount('options.seed', options.seed ?? 0, 0, 0xffffffff);
  const S = checkCount('options.samples', options.samples ?? Math.max(2000, 4 * p), p);
  const method = checkOneOf('options.method', options.method ?? 'rk4', ['rk4', 'euler', 'exact'] as const);
  const steps = checkCount('options.stepsPerLayer', options.stepsPerLayer ?? 400, 1);
  const ridge = checkPositive('options.ridge', options.ridge ?? 1e-10);
  // Limits before allocating: the feature matrix (S × p), the Gram matrix (p × p), the test samples.
  const bytes = 8 * (S * p + p * p + 2 * S * d + p * d);
  if (bytes > 2 ** 31) throw new CapacityError('options.samples', bytes, `lower options.samples (${S}) or options.width (${p}): the least-squares fit holds S·p + p² doubles`);

  // 1. Segments must be pairwise disjoint.
  let dmin = Infinity;
  const seg = (i: number, c: Float64Array) => c.subarray(i * d, (i + 1) * d);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < i; j++) {
      const dist = segmentDistance(seg(i, x.data), seg(i, y.data), seg(j, x.data), seg(j, y.data));
      if (dist <= 1e-12 * (1 + Math.abs(x.data[i * d]))) {
        throw new InconsistentDataError('X, Y', `the segments [x_${j}, y_${j}] and [x_${i}, y_${i}] meet`, [j, i],
          'an autonomous flow cannot carry two points through the same place; straight paths need disjoint segments (generic for d ≥ 3) — move or drop one pair');
      }
      dmin = Math.min(dmin, dist);
    }
  }
  let lo = new Float64Array(d).fill(Infinity), hi = new Float64Array(d).fill(-Infinity);
  let vmax = 0;
  for (let i = 0; i < N; i++) {
    let v2 = 0;
    for (let k = 0; k < d; k++) {
      const a = x.data[i * d + k], b = y.data[i * d + k];
      lo[k] = Math.min(lo[k], a, b);
      hi[k] = Math.max(hi[k], a, b);
      v2 += ((b - a) / T) ** 2;
    }
    vmax = Math.max(vmax, Math.sqrt(v2));
  }
  let span = 0;
  for (let k = 0; k < d; k++) span = Math.max(span, hi[k] - lo[k]);
  if (!(span > 0)) span = 1;
  const r = Number.isFinite(dmin) ? 0.45 * dmin : 0.45 * span;
  lo = lo.map((v) => v - r);
  hi = hi.map((v) => v + r);
  const V = new Float64Array(N * d);
  for (let j = 0; j < N * d; j++) V[j] = (y.data[j] - x.data[j]) / T;

  // 2. Tube field.
  const tube = tubeFieldOf(x.data, y.data, N, d, V, r);

  // 3. Random features and least squares.
  const rng = createRng(seed);
  const A = new Float64Array(p * d), b = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const a = rng.unitVector(d);
    A.set(a, j * d);
    let s = 0;
    for (let k = 0; k < d; k++) s += a[k] * (lo[k] + (hi[k] - lo[k]) * rng.uniform());
    b[j] = -s;
  }
  const sample = (count: number): Float64Array => {
    const pts = new Float64Array(count * d);
    for (let q = 0; q < count; q++) {
      if (q % 2 === 0) {
        for (let k = 0; k < d; k++) pts[q * d + k] = lo[k] + (hi[k] - lo[k]) * rng.uniform();
      } else {
        // A point of a tube: on a segment, plus a random offset of length < r.
        const i = rng.int(N), t = rng.uniform(), dir = rng.unitVector(d), len = r * rng.uniform();
        for (let k = 0; k < d; k++) pts[q * d + k] = x.data[i * d + k] + t * (y.data[i * d + k] - x.data[i * d + k]) + len * dir[k];
      }
    }
    return pts;
  };
  const Xs = sample(S);
  const Fs = new Float64Array(S * d);
  for (let q = 0; q < S; q++) tube(Xs, q, Fs, q * d);
  const H = new Float64Array(S * p);
  for (let q = 0; q < S; q++) {
    for (let j = 0; j < p; j++) {
      let z = b[j];
      for (let k = 0; k < d; k++) z += A[j * d + k] * Xs[q * d + k];
      H[q * p + j] = z > 0 ? z : 0;
    }
  }
  const G = new Float64Array(p * p), R = new Float64Array(p * d);
  for (let q = 0; q < S; q++) {
    const row = q * p;
    for (let i = 0; i < p; i++) {
      const hi_ = H[row + i];
      if (hi_ === 0) continue;
      for (let j = 0; j <= i; j++) G[i * p + j] += hi_ * H[row + j];
      for (let k = 0; k < d; k++) R[i * d + k] += hi_ * Fs[q * d + k];
    }
  }
  let trace = 0;
  for (let i = 0; i < p; i++) trace += G[i * p + i];
  const lambda = ridge * Math.max(trace / p, 1e-300);
  for (let i = 0; i < p; i++) {
    G[i * p + i] += lambda;
    for (let j = 0; j < i; j++) G[j * p + i] = G[i * p + j];
  }
  const Wt = ridgeSolve(G, R, p, d); // p × d: row j = w_j
  const W = new Float64Array(d * p);
  for (let j = 0; j < p; j++) for (let k = 0; k < d; k++) W[k * p + j] = Wt[j * d + k];

  // η on fresh samples.
  const test = sample(Math.max(1000, S >> 1));
  const m = test.length / d;
  const Ft = new Float64Array(d), Fp = new Float64Array(d);
  let eta = 0;
  for (let q = 0; q < m; q++) {
    tube(test, q, Ft, 0);
    reluFieldPoint(test, q * d, d, W, A, b, p, Fp, 0);
    let e2 = 0;
    for (let k = 0; k < d; k++) e2 += (Ft[k] - Fp[k]) ** 2;
    eta = Math.max(eta, Math.sqrt(e2));
  }

  const controls = makeControls({
    d,
    width: p,
    layers: [{ duration: T, W, A, b }],
    meta: { construction: 'approximateAutonomous', theorem: 'survey arXiv 2510.03303 Thm 3.4 (arXiv 2401.09902)', seed, samples: S, radius: r },
  });
  // 4. Measure.
  // The trajectory (at most ~64 frames) gives the excursion; its last frame is the end point.
  const every = Math.max(1, Math.ceil(steps / 64));
  const run = flow(controls, x, { method, stepsPerLayer: steps, trajectory: { every } });
  const end = run;
  let excursion = 0;
  {
    const tr = run.trajectory!;
    const c = lo.map((v, k) => 0.5 * (v + hi[k]));
    for (let f = 0; f < tr.frames; f++) {
      for (let i = 0; i < N; i++) {
        let r2 = 0;
        for (let k = 0; k < d; k++) r2 += (tr.data[(f * N + i) * d + k] - c[k]) ** 2;
        excursion = Math.max(excursion, Math.sqrt(r2));
      }
    }
    excursion /= span;
  }
  let maxError = 0, sum = 0;
  for (let i = 0; i < N; i++) {
    let e2 = 0;
    for (let k = 0; k < d; k++) e2 += (end.data[i * d + k] - y.data[i * d + k]) ** 2;
    const e = Math.sqrt(e2);
    maxError = Math.max(maxError, e);
    sum += e;
  }
  const lipschitz = vmax / r;
  const gronwallBound = lipschitz > 0 ? (eta / lipschitz) * Math.expm1(lipschitz * T) : eta * T;
  const kappa = (d + 2) * d * p;
  return {
    controls,
    diagnostics: {
      maxError,
      meanError: sum / N,
      method,
      stepsPerLayer: steps,
      excursion,
      eta,
      lipschitz,
      radius: r,
      gronwallBound,
      kappa,
      rate: Math.log2(kappa) / Math.pow(kappa, 1 / d),
    },
  };
}

/** Solves G X = R (G p×p symmetric positive semidefinite, R p×m); returns X. Dead features (never
 *  active on the samples) leave a zero pivot: kept at w = 0 (an infinite pivot solves to 0). */
function ridgeSolve(G: Float64Array, R: Float64Array, p: number, m: number): Float64Array {
  return choleskySolve(choleskyLower(G, p, (_j, s) => (s > 0 ? s : Infinity)), R, p, m);
}
