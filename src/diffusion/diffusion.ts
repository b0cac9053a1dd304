/**
 * Diffusion models as the time reversal of the heat equation (survey arXiv 2510.03303, §5;
 * derivation, time grid and error laws in docs/algorithms/diffusion.md).
 *
 * Forward: u_t = Δu from u(·,0) = (1/n) Σ_j δ_{x_j}, i.e. u(·,t) = (1/n) Σ_j N(x_j, 2t I)
 * (heat kernel G(x,t) = (4πt)^{−d/2} e^{−|x|²/4t}); the score is
 *   s(x,t) = ∇ log u = Σ_j softmax_j(−|x − x_j|²/4t) (x_j − x)/(2t).
 * Backward, in the forward time t running from T down to τ: the density p(·,t) = u(·,t) solves
 * −∂_t p = ν Δp − (1 + ν) div(s p) for every ν = ν(t) ≥ 0 (survey §5), the Fokker–Planck
 * equation, in the reverse time r = T − t, of
 *   dY = (1 + ν(t)) s(Y, t) dr + √(2 ν(t)) dW_r.
 * ν = 1 is the classical reverse SDE dY = 2 s dr + √2 dW; ν = 0 the probability-flow ODE.
 * Started from Y(T) ~ u(·,T) exactly (start: 'heat'), Y(t) ~ u(·,t) for every t — up to the
 * time-stepping error.
 */
import { use } from '../backend/index.js';
import { scoreBatch } from '../backend/score.js';
import { CapacityError, InvalidArgumentError, NonFiniteError, ShapeMismatchError } from '../errors.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import type { Trajectory, TrajectoryOptions } from '../flow/flow.js';
import { scoreCut } from '../kernels/score.js';
import { fillNormals, zigguratNormal } from './normals.js';
import { checkSeed, createRng, portableLog } from '../rng.js';
import { expTS } from '../kernels/exp.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloud, asOptions, checkCount, checkFunction, checkOneOf, checkProgressOptions, isPointCloud } from '../validate.js';

export type DiffusionScheme = 'euler-maruyama' | 'heun';
export const DIFFUSION_SCHEMES: readonly DiffusionScheme[] = ['euler-maruyama', 'heun'];
export type DiffusionGrid = 'geometric' | 'uniform';
export const DIFFUSION_GRIDS: readonly DiffusionGrid[] = ['geometric', 'uniform'];

export interface DiffusionOptions extends ProgressOptions {
  /** Horizon of the forward heat flow (default 1): sampling starts at t = T. */
  T?: number;
  /** Stopping time τ ∈ (0, T) (default 0.01): samples are Y(τ) ~ u(·, τ). */
  tau?: number;
  /** Time steps from T to τ (default 100). */
  steps?: number;
  /** 'euler-maruyama' (default) or 'heun' (stochastic Heun, the same noise in both stages). */
  scheme?: DiffusionScheme;
  /**
   * Time grid from T down to τ: 'geometric' (default; t_k = T (τ/T)^{k/steps}, constant relative
   * step — the score's scale is √t, so this resolves small τ) or 'uniform' (t_k = T − k(T − τ)/steps).
   */
  grid?: DiffusionGrid;
  /** Diffusivity ν(t) ≥ 0 of the reverse equation (number or function of t; default 1; 0 = probability-flow ODE). */
  diffusivity?: number | ((t: number) => number);
  /** Number of samples (default 1000; ignored when `start` gives points). */
  samples?: number;
  /**
   * Starting points at t = T: 'heat' (default) exact samples of u(·,T) (a random data point plus
   * N(0, 2T I)); 'normal' N(0, 2T I) (the usual Gaussian prior, exact only as T → ∞); or points.
   */
  start?: 'heat' | 'normal' | PointsLike;
  seed?: number;
  /** Record the trajectory: `true` for every step, or { every, buffer } (frame 0 is t = T). */
  trajectory?: boolean | TrajectoryOptions;
}

export interface DiffusionDiagnostics {
  readonly T: number;
  readonly tau: number;
  readonly steps: number;
  readonly scheme: DiffusionScheme;
  readonly grid: DiffusionGrid;
  /** min and max of ν over the grid. */
  readonly diffusivity: { readonly min: number; readonly max: number };
  /** Score evaluations (per sample: steps for Euler–Maruyama, 2·steps for Heun). */
  readonly scoreEvaluations: number;
  /** Mean distance from a sample to its nearest data point (memorisation measure, ~√(2dτ)·… as τ → 0). */
  readonly meanNearestDistance: number;
}

export interface DiffusionResult {
  readonly samples: PointCloud;
  readonly trajectory?: Trajectory;
  readonly diagnostics: DiffusionDiagnostics;
}

/** Max doubles of one JS typed array we allocate (2^31 values = 16 GiB would fail anyway). */
const MAX_VALUES = 2 ** 28;

interface Plan {
  data: PointCloud;
  dT: Float64Array;
  times: Float64Array;
  nu: Float64Array;
  scheme: DiffusionScheme;
  grid: DiffusionGrid;
  T: number;
  tau: number;
  steps: number;
  M: number;
  x: Float64Array;
  traj: Float64Array | null;
  every: number;
  frames: number;
  trajTimes: Float64Array | null;
  seed: number;
  startKind: 'heat' | 'normal' | 'points';
  chunk: number;
  fn: string;
}

/** Samples of the reverse heat flow from the empirical measure of `data` (survey §5). */
export function diffusionSample(data: PointsLike, options?: DiffusionOptions): DiffusionResult {
  const o = asOptions(options);
  const plan = planDiffusion(data, o, 'diffusionSample');
  return runSync(sampleSteps(plan), o, 'diffusionSample');
}

/** Like diffusionSample, yielding to the event loop (progress bars, AbortSignal.timeout, UI). */
export async function diffusionSampleAsync(data: PointsLike, options?: DiffusionOptions): Promise<DiffusionResult> {
  const o = asOptions(options);
  const plan = planDiffusion(data, o, 'diffusionSampleAsync');
  return runAsync(sampleSteps(plan), o, 'diffusionSampleAsync');
}

/** The time grid T = t_0 > t_1 > … > t_steps = τ. */
export function diffusionTimes(T: number, tau: number, steps: number, grid: DiffusionGrid): Float64Array {
  const t = new Float64Array(steps + 1);
  // the project's portable exp / log (not Math.pow): the same grid, hence the same samples, on every engine
  const logRatio = portableLog(tau / T);
  for (let k = 0; k <= steps; k++) t[k] = grid === 'uniform' ? T - (k * (T - tau)) / steps : T * expTS((k / steps) * logRatio);
  t[0] = T;
  t[steps] = tau;
  return t;
}

function planDiffusion(dataIn: PointsLike, o: DiffusionOptions, fn: string): Plan {
  checkProgressOptions(o);
  const data = asCloud(dataIn, 'data');
  if (data.n < 1) throw new InvalidArgumentError('data', 'an empty point set', 'at least one data point', 'pass the training points as rows');
  const n = data.n, d = data.d;
  const T = o.T ?? 1;
  if (typeof T !== 'number' || !Number.isFinite(T) || T <= 0) throw new InvalidArgumentError('options.T', T, 'a finite number > 0');
  const tau = o.tau ?? Math.min(0.01, T / 2);
  if (typeof tau !== 'number' || !Number.isFinite(tau) || tau <= 0 || tau >= T) {
    throw new InvalidArgumentError('options.tau', tau, `a stopping time in (0, T) = (0, ${T})`, 'the score blows up at t = 0; pass e.g. tau: 0.01·T');
  }
  const steps = checkCount('options.steps', o.steps ?? 100, 1, 1 << 24);
  const scheme = checkOneOf('options.scheme', o.scheme ?? 'euler-maruyama', DIFFUSION_SCHEMES);
  const grid = checkOneOf('options.grid', o.grid ?? 'geometric', DIFFUSION_GRIDS);
  const seed = checkSeed(o.seed ?? 0, 'options.seed');
  const times = diffusionTimes(T, tau, steps, grid);
  for (let k = 0; k < steps; k++) {
    if (!(times[k + 1] < times[k])) {
      throw new InvalidArgumentError('options.steps', steps, `at most as many steps as the grid can resolve between T = ${T} and tau = ${tau}`, 'use fewer steps or a larger tau');
    }
  }
  // ν on the grid, checked before anything is allocated
  const nuIn = o.diffusivity ?? 1;
  const nu = new Float64Array(steps + 1);
  if (typeof nuIn === 'number') {
    if (!Number.isFinite(nuIn) || nuIn < 0) throw new InvalidArgumentError('options.diffusivity', nuIn, 'a finite number ≥ 0 or a function t ↦ ν(t) ≥ 0');
    nu.fill(nuIn);
  } else {
    const f = checkFunction<(t: number) => number>('options.diffusivity', nuIn);
    for (let k = 0; k <= steps; k++) {
      const v = f!(times[k]);
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new InvalidArgumentError('options.diffusivity', v, `a finite number ≥ 0 at every grid time (at t = ${times[k]})`, 'return ν(t) ≥ 0');
      }
      nu[k] = v;
    }
  }
  // starting points
  const start = o.start ?? 'heat';
  let M: number;
  let startKind: Plan['startKind'];
  let given: PointCloud | null = null;
  if (start === 'heat' || start === 'normal') {
    M = checkCount('options.samples', o.samples ?? 1000, 1);
    startKind = start;
  } else if (Array.isArray(start) || isPointCloud(start)) {
    given = asCloud(start as PointsLike, 'options.start', { d, minPoints: 1 });
    M = given.n;
    startKind = 'points';
  } else {
    throw new InvalidArgumentError('options.start', start, "'heat', 'normal' or starting points (PointCloud or number[][])");
  }
  if (M * d * (scheme === 'heun' ? 4 : 2) > MAX_VALUES) {
    throw new CapacityError('options.samples', M * d * 8 * (scheme === 'heun' ? 4 : 2), 'draw the samples in batches (several calls with different seeds)');
  }
  let every = 1, frames = 0;
  let traj: Float64Array | null = null, trajTimes: Float64Array | null = null;
  if (o.trajectory) {
    const tr = o.trajectory === true ? {} : o.trajectory;
    if (typeof tr !== 'object' || tr === null) throw new InvalidArgumentError('options.trajectory', tr, 'true, false or { every, buffer }');
    every = checkCount('options.trajectory.every', tr.every ?? 1, 1);
    frames = Math.floor(steps / every) + 1;
    const need = frames * M * d;
    if (tr.buffer !== undefined) {
      if (!(tr.buffer instanceof Float64Array) || tr.buffer.length < need) {
        throw new ShapeMismatchError('options.trajectory.buffer', tr.buffer, `a Float64Array of at least frames·samples·d = ${frames}·${M}·${d} = ${need} entries`);
      }
      traj = tr.buffer;
    } else {
      if (need > MAX_VALUES) {
        throw new CapacityError('options.trajectory', need * 8, 'record fewer frames with a larger `every`, or fewer samples');
      }
      traj = new Float64Array(need);
    }
    trajTimes = new Float64Array(frames);
    for (let f = 0; f < frames; f++) trajTimes[f] = times[f * every];
  }
  // transpose the data (d × n) for the kernel
  const dT = new Float64Array(n * d);
  for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) dT[k * n + j] = data.data[j * d + k];
  const x = new Float64Array(M * d);
  if (given) x.set(given.data);
  // ~2^20 pair evaluations per kernel call: a few milliseconds between progress reports
  const chunk = Math.max(16, Math.min(M, Math.floor((1 << 20) / n)));
  // resolve the backend now, so that a missing init() fails before any work
  use(scoreBatch, fn);
  return { data, dT, times, nu, scheme, grid, T, tau, steps, M, x, traj, every, frames, trajTimes, seed, startKind, chunk, fn };
}

function* sampleSteps(plan: Plan): Generator<number, DiffusionResult> {
  const { data, dT, times, nu, scheme, steps, M, x, traj, every, chunk, fn } = plan;
  const n = data.n, d = data.d;
  const rng = createRng(plan.seed);
  const kernel = use(scoreBatch, fn);
  const cut = scoreCut(n);
  if (plan.startKind !== 'points') {
    const sd = Math.sqrt(2 * plan.T);
    for (let i = 0; i < M; i++) {
      const j = plan.startKind === 'heat' ? rng.int(n) : -1;
      for (let k = 0; k < d; k++) x[i * d + k] = (j >= 0 ? data.data[j * d + k] : 0) + sd * zigguratNormal(rng);
    }
  }
  if (traj) traj.set(x.subarray(0, M * d), 0);
  const cm = chunk * d;
  const s1 = new Float64Array(cm), s2 = scheme === 'heun' ? new Float64Array(cm) : null;
  const xt = scheme === 'heun' ? new Float64Array(cm) : null;
  const xi = new Float64Array(cm);
  const chunks = Math.ceil(M / chunk);
  for (let k = 0; k < steps; k++) {
    const t0 = times[k], t1 = times[k + 1];
    const h = t0 - t1;
    const c0 = 0.25 / t0, c1 = 0.25 / t1;
    const g0 = h * (1 + nu[k]);
    // noise amplitude: √(∫ 2ν dt) over the step — EM: 2ν(t_k)h; Heun: trapezoid h(ν_k + ν_{k+1})
    const sig = scheme === 'heun' ? Math.sqrt(h * (nu[k] + nu[k + 1])) : Math.sqrt(2 * nu[k] * h);
    for (let c = 0; c < chunks; c++) {
      const i0 = c * chunk, m = Math.min(chunk, M - i0);
      const xs = x.subarray(i0 * d, (i0 + m) * d);
      const len = m * d;
      if (sig > 0) fillNormals(rng, xi, len);
      kernel(xs, m, d, dT, n, c0, cut, s1);
      if (scheme === 'euler-maruyama') {
        for (let q = 0; q < len; q++) xs[q] = xs[q] + g0 * s1[q] + (sig > 0 ? sig * xi[q] : 0);
      } else {
        const g1 = h * (1 + nu[k + 1]);
        for (let q = 0; q < len; q++) xt![q] = xs[q] + g0 * s1[q] + (sig > 0 ? sig * xi[q] : 0);
        kernel(xt!, m, d, dT, n, c1, cut, s2!);
        for (let q = 0; q < len; q++) xs[q] = xs[q] + 0.5 * (g0 * s1[q] + g1 * s2![q]) + (sig > 0 ? sig * xi[q] : 0);
      }
      for (let q = 0; q < len; q++) {
        if (!Number.isFinite(xs[q])) {
          throw new NonFiniteError('samples', i0 * d + q, xs[q], `sample ${i0 + Math.floor(q / d)} at step ${k + 1} (t = ${t1}); the step is too long for the score's scale there: use more steps or grid: 'geometric'`);
        }
      }
      yield (k + (c + 1) / chunks) / (steps + 1);
    }
    if (traj && (k + 1) % every === 0) traj.set(x.subarray(0, M * d), ((k + 1) / every) * M * d);
  }
  let nu0 = Infinity, nu1 = -Infinity;
  for (let k = 0; k <= steps; k++) {
    nu0 = Math.min(nu0, nu[k]);
    nu1 = Math.max(nu1, nu[k]);
  }
  const diagnostics: DiffusionDiagnostics = {
    T: plan.T,
    tau: plan.tau,
    steps,
    scheme,
    grid: plan.grid,
    diffusivity: { min: nu0, max: nu1 },
    scoreEvaluations: M * steps * (scheme === 'heun' ? 2 : 1),
    meanNearestDistance: 0,
  };
  // the memorisation diagnostic: O(M·n·d), about one step's distance pass; in chunks, too
  let near = 0;
  for (let c = 0; c < chunks; c++) {
    const i0 = c * chunk, m = Math.min(chunk, M - i0);
    near += meanNearestDistance(data, { n: m, d, data: x.subarray(i0 * d, (i0 + m) * d) }) * m;
    yield (steps + (c + 1) / chunks) / (steps + 1);
  }
  (diagnostics as { meanNearestDistance: number }).meanNearestDistance = near / M;
  const result: DiffusionResult = { samples: { n: M, d, data: x }, diagnostics };
  if (traj) (result as { trajectory?: Trajectory }).trajectory = { frames: plan.frames, n: M, d, times: plan.trajTimes!, data: traj };
  return result;
}

/** Mean over the points Y of the Euclidean distance to the nearest point of `data`. */
export function meanNearestDistance(data: PointCloud, Y: PointCloud): number {
  const n = data.n, d = data.d;
  let sum = 0;
  for (let i = 0; i < Y.n; i++) {
    let best = Infinity;
    for (let j = 0; j < n; j++) {
      let D = 0;
      for (let k = 0; k < d; k++) {
        const u = Y.data[i * d + k] - data.data[j * d + k];
        D += u * u;
      }
      if (D < best) best = D;
    }
    sum += Math.sqrt(best);
  }
  return Y.n ? sum / Y.n : 0;
}
