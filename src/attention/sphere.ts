/**
 * Self-attention particles on the unit sphere (Geshkovski, Letrouit, Polyanskiy, Rigollet,
 * "A mathematical perspective on Transformers", arXiv 2312.10794; survey arXiv 2510.03303 §4;
 * docs/algorithms/attention.md):
 *   ẋ_i = P⊥_{x_i}( (1/Z_i) Σ_j e^{β⟨Q x_i, K x_j⟩} V x_j ),   P⊥_x y = y − ⟨x, y⟩ x,
 *   Z_i = Σ_j e^{β⟨Q x_i, K x_j⟩} ('SA', self-attention)  or  Z_i = n ('USA', unnormalised).
 * Classical RK4 with step dt, each step followed by renormalisation x_i ← x_i/|x_i| (a retraction
 * onto the sphere). Scores are shifted by their row maximum before exp. USA velocities scale like
 * e^β: use dt ≲ 0.01·e^{−β} (docs/algorithms/attention.md, "Sphere"). Cost per step: 4 field evaluations of O(n² d).
 *
 * Speed: when QᵀK is symmetric (Q = K = I by default; checked to 1e-13 relative) the scores
 * ⟨Qx_i, Kx_j⟩ are symmetric, and one shift c = β·max|Qx|·max|Kx| for every row (instead of
 * each row's maximum) makes the weights e^{s_ij − c} symmetric too: each unordered pair then
 * costs one score and one exp (half the work), vectorised in f64x2 lanes. Exponents stay in
 * [−2c, 0]; an evaluation with c > 300 (β·‖Q‖‖K‖ > 300) uses the per-row shift instead.
 * The two paths agree to rounding (≈1e-15 relative), not bit for bit.
 */
import { InvalidArgumentError } from '../errors.js';
import { use } from '../backend/index.js';
import { sphereRk4 } from '../backend/sphere.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloud, asOptions, checkCount, checkNumber, checkOneOf, checkPositive, checkProgressOptions } from '../validate.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import { asSquare, type MatrixLike } from './matrix.js';
import { isVariant, newSinkhornReport, planVariant, variantSphereRk4, type AttentionVariantOptions, type SinkhornAttentionReport, type VariantPlan } from './variants.js';
import { planTrajectory, type Trajectory, type TrajectoryOptions, type TrajectoryRecorder } from './trajectory.js';

export interface SphereOptions extends ProgressOptions, AttentionVariantOptions {
  /** Inverse temperature β ≥ 0 (default 1). */
  beta?: number;
  /** Number of RK4 steps (default 1000). */
  steps?: number;
  /** Step size (default 0.01). */
  dt?: number;
  /** 'SA' (row-normalised, default) or 'USA' (divided by n). */
  normalization?: 'SA' | 'USA';
  /** d×d matrices (default identity). */
  Q?: MatrixLike;
  /**
   * Multi-head attention: one entry per head with its own Q, K, V (each default the identity);
   * the heads' fields are averaged before the projection P⊥ (docs/algorithms/attention.md,
   * "Variants"). Not together with options.Q/K/V.
   */
  heads?: readonly { Q?: MatrixLike; K?: MatrixLike; V?: MatrixLike }[];
  K?: MatrixLike;
  V?: MatrixLike;
  /** Record the particles: `true` for every step, or `{ every, buffer }` (default false); times[f] = f·every·dt. */
  trajectory?: boolean | TrajectoryOptions;
  /**
   * 'auto' (default): 'symmetric' when QᵀK is symmetric, else 'rows'. 'symmetric' computes each
   * pair once with a common shift (requires QᵀK symmetric); 'rows' shifts every row by its maximum.
   */
  algorithm?: SphereAlgorithm;
}

export type SphereAlgorithm = 'auto' | 'symmetric' | 'rows';
const SPHERE_ALGORITHMS: readonly SphereAlgorithm[] = ['auto', 'symmetric', 'rows'];

/** True when M = QᵀK is symmetric to 1e-13 relative (then ⟨Qx, Ky⟩ = ⟨Qy, Kx⟩ for all x, y). */
export function scoresSymmetric(Q: Float64Array, K: Float64Array, d: number): boolean {
  const M = new Float64Array(d * d);
  let scale = 0;
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += Q[k * d + a] * K[k * d + b];
    M[a * d + b] = s;
    scale = Math.max(scale, Math.abs(s));
  }
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) if (Math.abs(M[a * d + b] - M[b * d + a]) > 1e-13 * scale) return false;
  return true;
}

export interface SphereResult {
  /** Final particles (unit vectors). */
  tokens: PointCloud;
  /** Sinkhorn attention only (weights: 'sinkhorn'): how the scaling went, worst over steps and heads. */
  sinkhorn?: SinkhornAttentionReport;
  /** Recorded frames (frame f after f·every steps, frame 0 the normalised input); absent unless options.trajectory. */
  trajectory?: Trajectory;
}

/** Integrates the particle system from X (n particles in R^d, normalised onto the sphere first). */
export function sphereDynamics(X: PointsLike, options?: SphereOptions): SphereResult {
  const plan = planSphere(X, options, 'sphereDynamics');
  return runSync(sphereSteps(plan), plan.progress, 'sphereDynamics');
}

/** Like sphereDynamics, but yields to the event loop between groups of steps (progress, AbortSignal.timeout, UI). */
export function sphereDynamicsAsync(X: PointsLike, options?: SphereOptions): Promise<SphereResult> {
  try {
    const plan = planSphere(X, options, 'sphereDynamicsAsync');
    return runAsync(sphereSteps(plan), plan.progress, 'sphereDynamicsAsync');
  } catch (e) {
    return Promise.reject(e);
  }
}

interface SpherePlan {
  fn: string;
  progress: ProgressOptions;
  n: number;
  d: number;
  x: Float64Array;
  beta: number;
  steps: number;
  dt: number;
  mode: 'SA' | 'USA';
  Q: Float64Array;
  K: Float64Array;
  V: Float64Array;
  traj: TrajectoryRecorder | null;
  symmetric: boolean;
  /** Variants (mask, weights, heads): null for the kernel's single head. */
  variant: VariantPlan | null;
  heads: { Q: Float64Array; K: Float64Array; V: Float64Array }[];
}

function planSphere(X: PointsLike, optionsIn: SphereOptions | undefined, fn: string): SpherePlan {
  const options = asOptions(optionsIn);
  checkProgressOptions(options);
  const cloud = asCloud(X, 'X', { minPoints: 1 });
  const n = cloud.n, d = cloud.d;
  if (d < 2) throw new InvalidArgumentError('X.d', d, 'at least 2 (particles on S^{d−1})');
  const beta = checkNumber('options.beta', options.beta ?? 1);
  if (beta < 0) throw new InvalidArgumentError('options.beta', beta, 'a number ≥ 0 (an inverse temperature)');
  const steps = checkCount('options.steps', options.steps ?? 1000, 0, 1 << 30);
  const dt = checkPositive('options.dt', options.dt ?? 0.01);
  const mode = checkOneOf('options.normalization', options.normalization ?? 'SA', ['SA', 'USA'] as const);
  if (options.heads !== undefined && (options.Q !== undefined || options.K !== undefined || options.V !== undefined)) {
    throw new InvalidArgumentError('options.Q', options.Q ?? options.K ?? options.V, 'absent when options.heads is given', 'put Q, K, V into the heads');
  }
  if (options.heads !== undefined && (!Array.isArray(options.heads) || options.heads.length === 0 || options.heads.length > 1024)) {
    throw new InvalidArgumentError('options.heads', options.heads, 'an array of 1 to 1024 heads { Q, K, V }');
  }
  const heads = (options.heads ?? [options]).map((h, q) => {
    const o = asOptions(h, `options.heads[${q}]`);
    const at = options.heads ? `options.heads[${q}].` : 'options.';
    return { Q: asSquare(o.Q, d, `${at}Q`), K: asSquare(o.K, d, `${at}K`), V: asSquare(o.V, d, `${at}V`) };
  });
  const { Q, K, V } = heads[0];
  const variant = isVariant(options) ? planVariant(options, n) : null;
  if ('every' in options) throw new InvalidArgumentError('options.every', (options as { every?: unknown }).every, 'absent', 'use options.trajectory: { every } instead');
  const traj = planTrajectory(options.trajectory, steps, n, d, (k) => k * dt);
  const algo = checkOneOf('options.algorithm', options.algorithm ?? 'auto', SPHERE_ALGORITHMS);
  const symmetric = algo !== 'rows' && scoresSymmetric(Q, K, d);
  if (algo === 'symmetric' && !symmetric) {
    throw new InvalidArgumentError('options.algorithm', algo, "'auto' or 'rows' (QᵀK is not symmetric, so the scores ⟨Qx_i, Kx_j⟩ are not symmetric)");
  }
  const x = Float64Array.from(cloud.data);
  for (let i = 0; i < n; i++) {
    let r2 = 0;
    for (let k = 0; k < d; k++) r2 += x[i * d + k] ** 2;
    if (!(r2 > 0)) throw new InvalidArgumentError(`X[${i}]`, 0, 'a non-zero vector (particles are normalised onto the sphere)');
    const r = Math.sqrt(r2);
    for (let k = 0; k < d; k++) x[i * d + k] /= r;
  }
  use(sphereRk4, fn); // NotInitializedError before any work
  return { fn, progress: { onProgress: options.onProgress, signal: options.signal }, n, d, x, beta, steps, dt, mode, Q, K, V, traj, symmetric, variant, heads };
}

/**
 * Units of work of ~10^7 pair evaluations (at least one RK4 step, never across a recorded
 * frame); each unit runs in its own arena scope, so no WASM memory is held across a yield.
 */
function* sphereSteps(plan: SpherePlan): Generator<number, SphereResult> {
  const { n, d, x, beta, steps, dt, mode, Q, K, V, traj, symmetric, fn } = plan;
  if (traj) traj.slot(0).set(x);
  const every = traj ? traj.every : 0;
  const sa = mode === 'SA';
  const run = use(sphereRk4, fn);
  const per = plan.variant ? 1 : Math.max(1, Math.floor(1e7 / Math.max(1, 4 * n * n * (d + 1))));
  const report = newSinkhornReport();
  for (let done = 0; done < steps; ) {
    let m = Math.min(per, steps - done);
    if (every) m = Math.min(m, every - (done % every));
    if (plan.variant) {
      let units = 0;
      for (const u of variantSphereRk4(x, n, d, plan.heads, beta, !sa, dt, m, plan.variant, report)) {
        units += u;
        yield (done + 1 - 1 / (1 + units)) / steps;
      }
    } else run(x, n, d, Q, K, V, beta, sa, dt, m, symmetric);
    done += m;
    for (let j = 0; j < x.length; j++) {
      if (!Number.isFinite(x[j])) {
        throw new InvalidArgumentError('options.dt', dt, `small enough that the particles stay finite (particle ${Math.floor(j / d)} became ${x[j]} after ${done} steps: the ${mode} field overflowed or the step is too large)`, 'lower dt (USA needs dt ≲ 0.01·e^{−β}) or β');
      }
    }
    if (traj?.wants(done)) traj.slot(done).set(x);
    yield done / steps;
  }
  const result: SphereResult = { tokens: { n, d, data: x } };
  if (traj) result.trajectory = traj.result(n, d);
  if (plan.variant?.weights === 'sinkhorn') result.sinkhorn = report;
  return result;
}

/**
 * Number of clusters of points (e.g. on the sphere): greedy grouping, a point joins the first
 * representative within Euclidean distance `threshold` (default 1e-3, as in f_sphere.py).
 */
export function countClusters(X: PointsLike, threshold = 1e-3): number {
  const cloud = asCloud(X, 'X');
  checkPositive('threshold', threshold);
  const { n, d, data } = cloud;
  const reps: number[] = [];
  for (let i = 0; i < n; i++) {
    let found = false;
    for (const r of reps) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (data[i * d + k] - data[r * d + k]) ** 2;
      if (s < threshold * threshold) { found = true; break; }
    }
    if (!found) reps.push(i);
  }
  return reps.length;
}
