/**
 * Softmax self-attention dynamics (survey arXiv 2510.03303, eq. 4.2; docs/algorithms/attention.md): the hardmax step of eq. 4.1 with the
 * argmax replaced by a softmax at temperature T,
 *   z_i ← z_i + α/(1+α)·( Σ_l P_il z_l − z_i ),   P_il = e^{⟨A z_i, z_l⟩/T} / Σ_j e^{⟨A z_i, z_j⟩/T}.
 * As T → 0, P_i· tends to the uniform weights on C_i of eq. 4.1b, so the dynamics tend to the
 * hardmax ones (test/attention/softmax.test.ts checks it).
 * Terms with weight below 2^−53/n of the row's largest are dropped (their total is below the
 * rounding of the row sum); this makes small temperatures cheap.
 *
 * Speed (WASM): the scores are symmetric, S_il = S_li (A is symmetrised exactly and every pair
 * uses one canonical dot product), so by default each unordered pair is computed once into an
 * n×n score matrix (8n² bytes of scratch, used while n ≤ 4096); larger n score two rows at a
 * time from both sides. Both give the same tokens bit for bit, and so does the TS twin.
 */
import { NonFiniteError } from '../errors.js';
import { use } from '../backend/index.js';
import { softmaxSteps as softmaxStepsPair } from '../backend/softmax.js';
import { softmaxCut } from '../kernels/softmax.js';
import { computeWJS, scoreJS } from '../kernels/hardmax.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloud, asOptions, checkCount, checkOneOf, checkPositive, checkProgressOptions } from '../validate.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import { asSPD, type MatrixLike } from './matrix.js';
import { clusterTokens, type AttentionCluster } from './hardmax.js';
import { planTrajectory, scaleExponent, scalePow2, type Trajectory, type TrajectoryOptions, type TrajectoryRecorder } from './trajectory.js';
import { InvalidArgumentError } from '../errors.js';
import { headWeights, isVariant, newSinkhornReport, planVariant, variantSoftmaxStep, type AttentionVariantOptions, type SinkhornAttentionReport, type VariantPlan } from './variants.js';

export interface SoftmaxOptions extends ProgressOptions, AttentionVariantOptions {
  /** d×d symmetric positive definite; default the identity. */
  A?: MatrixLike;
  /**
   * Multi-head attention: one entry per head, each with its own A (default the identity); the
   * heads' outputs are averaged (docs/algorithms/attention.md, "Variants"). Not with options.A.
   */
  heads?: readonly { A?: MatrixLike }[];
  /** Step weight α > 0 (default 0.5). */
  alpha?: number;
  /** Temperature T > 0 (default 0.1, as the anchors' softmax-numpy). */
  temperature?: number;
  /** Number of steps (default 100). */
  steps?: number;
  /** Record the tokens: `true` for every step, or `{ every, buffer }` (default false); times[f] = f·every. */
  trajectory?: boolean | TrajectoryOptions;
  /** Relative distance (to max|z|) below which final tokens share a cluster (default 1e-6). */
  clusterTolerance?: number;
  /**
   * How the WASM kernel gets the scores (default 'auto': 'symmetric' while n ≤ 4096, else 'rows').
   * 'symmetric' computes each pair once into an n×n matrix (8n² bytes); 'rows' uses O(nd)
   * memory. Results are identical bit for bit.
   */
  algorithm?: SoftmaxAlgorithm;
}

export type SoftmaxAlgorithm = 'auto' | 'symmetric' | 'rows';
const SOFTMAX_ALGORITHMS: readonly SoftmaxAlgorithm[] = ['auto', 'symmetric', 'rows'];
/** Largest n for which 'auto' stores the n×n score matrix (128 MiB). */
export const SOFTMAX_SYMMETRIC_MAX_N = 4096;

export interface SoftmaxResult {
  tokens: PointCloud;
  /** The recorded configurations (options.trajectory); absent when none was asked for. */
  trajectory?: Trajectory;
  clusters: AttentionCluster[];
  /** The matrix of the (first) head, symmetrised. */
  A: Float64Array;
  alpha: number;
  temperature: number;
  /** Sinkhorn attention only (weights: 'sinkhorn'): how the scaling went, worst over steps and heads. */
  sinkhorn?: SinkhornAttentionReport;
}

/** Runs eq. 4.2 for `steps` steps from Z (n tokens in R^d). */
export function softmaxDynamics(Z: PointsLike, options?: SoftmaxOptions): SoftmaxResult {
  const plan = planSoftmax(Z, options, 'softmaxDynamics');
  return runSync(softmaxRun(plan), plan.progress, 'softmaxDynamics');
}

/** Like softmaxDynamics, but yields to the event loop between groups of steps (progress, AbortSignal.timeout, UI). */
export function softmaxDynamicsAsync(Z: PointsLike, options?: SoftmaxOptions): Promise<SoftmaxResult> {
  try {
    const plan = planSoftmax(Z, options, 'softmaxDynamicsAsync');
    return runAsync(softmaxRun(plan), plan.progress, 'softmaxDynamicsAsync');
  } catch (e) {
    return Promise.reject(e);
  }
}

interface SoftmaxPlan {
  fn: string;
  progress: ProgressOptions;
  cloud: PointCloud;
  /** Tokens scaled by 2^−e, A by 2^−k (./trajectory.ts). */
  z: Float64Array;
  e: number;
  A: Float64Array;
  As: Float64Array;
  alpha: number;
  T: number;
  steps: number;
  traj: TrajectoryRecorder | null;
  clusterTol: number;
  mode: number;
  c: number;
  /** 1/T · 2^(2e+k): the scores of the scaled tokens times kappa are the scores / T. */
  kappa: number;
  cut: number;
  /** Variants (mask, weights, heads): null for the kernel's single-head softmax. */
  variant: VariantPlan | null;
  heads: { A: Float64Array; kappa: number }[];
}

function planSoftmax(Z: PointsLike, optionsIn: SoftmaxOptions | undefined, fn: string): SoftmaxPlan {
  const options = asOptions(optionsIn);
  checkProgressOptions(options);
  const cloud = asCloud(Z, 'Z', { minPoints: 1 });
  const n = cloud.n, d = cloud.d;
  if (options.heads !== undefined && options.A !== undefined) throw new InvalidArgumentError('options.A', options.A, 'absent when options.heads is given', 'put A into the heads');
  if (options.heads !== undefined && (!Array.isArray(options.heads) || options.heads.length === 0 || options.heads.length > 1024)) {
    throw new InvalidArgumentError('options.heads', options.heads, 'an array of 1 to 1024 heads { A }');
  }
  const headAs = options.heads ? options.heads.map((h, q) => asSPD(asOptions(h, `options.heads[${q}]`).A, d, `options.heads[${q}].A`)) : [asSPD(options.A, d)];
  const A = headAs[0];
  const alpha = checkPositive('options.alpha', options.alpha ?? 0.5);
  const T = checkPositive('options.temperature', options.temperature ?? 0.1, 'the temperature divides the scores; use hardmaxDynamics for T = 0');
  const steps = checkCount('options.steps', options.steps ?? 100, 0, 1 << 24);
  if ('record' in options) throw new InvalidArgumentError('options.record', (options as { record?: unknown }).record, 'absent', 'use options.trajectory (true or { every, buffer }) instead');
  const clusterTol = checkPositive('options.clusterTolerance', options.clusterTolerance ?? 1e-6);
  const algo = checkOneOf('options.algorithm', options.algorithm ?? 'auto', SOFTMAX_ALGORITHMS);
  const mode = algo === 'symmetric' || (algo === 'auto' && n <= SOFTMAX_SYMMETRIC_MAX_N) ? 1 : 0;
  if (mode === 1 && 8 * n * n > 2 ** 31 - 2 ** 20) {
    throw new InvalidArgumentError('options.algorithm', algo, `'rows' or 'auto' for n = ${n} (the n×n score matrix would need ${(8 * n * n / 2 ** 30).toFixed(1)} GiB)`);
  }
  const traj = planTrajectory(options.trajectory, steps, n, d, (k) => k);
  // Scale: S(z, A)/T = S(z/2^e, A/2^k) · 2^(2e+k)/T exactly (powers of two), and the scaled
  // scores are O(d²), so no score overflows. kappa is capped where e^{−kappa·Δ} is 0 for every
  // difference Δ above the scores' rounding anyway (then the step is the hardmax step).
  const e = scaleExponent(cloud.data);
  const z = scalePow2(Float64Array.from(cloud.data), -e);
  const cap = 1e300 / (64 * d * d);
  const heads = headAs.map((M) => {
    const kA = scaleExponent(M);
    let kappa = scalePow2(Float64Array.of(1 / T), 2 * e + kA)[0];
    if (!(kappa <= cap)) kappa = cap;
    return { A: scalePow2(Float64Array.from(M), -kA), kappa };
  });
  const variant = isVariant(options) ? planVariant(options, n) : null;
  use(softmaxStepsPair, fn); // NotInitializedError before any work
  return {
    fn, progress: { onProgress: options.onProgress, signal: options.signal }, cloud, z, e, A, As: heads[0].A, alpha, T, steps, traj, clusterTol, mode,
    c: alpha / (1 + alpha), kappa: heads[0].kappa, cut: softmaxCut(n), variant, heads,
  };
}

/**
 * Groups of steps of ~10^7 multiply–adds (at least one step) per unit of work; each group is
 * one call of the pair (no WASM memory is held across a yield).
 */
function* softmaxRun(plan: SoftmaxPlan): Generator<number, SoftmaxResult> {
  const { cloud, As, steps, traj, mode, c, kappa, cut, e, fn } = plan;
  const n = cloud.n, d = cloud.d;
  const z = plan.z;
  const record = (slot: Float64Array, src: Float64Array): void => {
    slot.set(src.subarray(0, n * d));
    scalePow2(slot, e);
  };
  if (traj) record(traj.slot(0), z);
  const run = use(softmaxStepsPair, fn);
  const per = Math.max(1, Math.floor(1e7 / Math.max(1, n * n * (d + 2))));
  const report = newSinkhornReport();
  if (plan.variant) {
    for (let s = 0; s < steps; s++) {
      let units = 0;
      for (const u of variantSoftmaxStep(z, n, d, plan.heads, c, cut, plan.variant, report)) {
        units += u;
        yield (s + 1 - 1 / (1 + units)) / steps;
      }
      if (traj?.wants(s + 1)) record(traj.slot(s + 1), z);
    }
  }
  for (let done = plan.variant ? steps : 0; done < steps; ) {
    const m = Math.min(per, steps - done);
    const base = done;
    run(z, n, d, As, c, kappa, cut, mode, m, traj ? (k, zz) => { if (traj.wants(base + k)) record(traj.slot(base + k), zz); } : undefined);
    for (let j = 0; j < z.length; j++) {
      if (!Number.isFinite(z[j])) throw new NonFiniteError('tokens', j, z[j], `token ${Math.floor(j / d)} after step ${done + m}`);
    }
    done += m;
    yield done / steps;
  }
  const out = scalePow2(Float64Array.from(z), e);
  for (let j = 0; j < out.length; j++) {
    if (!Number.isFinite(out[j])) throw new NonFiniteError('tokens', j, out[j], `token ${Math.floor(j / d)} after the run (the tokens' magnitude is at the top of the double range; scale them down)`);
  }
  const result: SoftmaxResult = { tokens: { n, d, data: out }, clusters: clusterTokens(out, n, d, plan.clusterTol), A: plan.A, alpha: plan.alpha, temperature: plan.T };
  if (traj) result.trajectory = traj.result(n, d);
  if (plan.variant?.weights === 'sinkhorn') result.sinkhorn = report;
  return result;
}

/**
 * The attention weights of configuration Z under the options of softmaxDynamics (A or heads,
 * temperature, mask, weights): one n×n row-major matrix per head, W_il = the weight token i gives
 * token l in the next step (softmax rows sum to 1; sigmoid unnormalised; Sinkhorn rows and
 * columns sum to 1 within options.sinkhorn.tolerance).
 */
export function attentionWeights(Z: PointsLike, options?: SoftmaxOptions): { weights: Float64Array[]; sinkhorn?: SinkhornAttentionReport } {
  const plan = planSoftmax(Z, { ...asOptions(options), steps: 0, trajectory: false }, 'attentionWeights');
  const n = plan.cloud.n, d = plan.cloud.d;
  const v = plan.variant ?? planVariant({}, n);
  const report = newSinkhornReport();
  const w = new Float64Array(n * d), div = new Float64Array(n);
  const weights = plan.heads.map(({ A, kappa }) => {
    computeWJS(plan.z, n, d, A, w);
    const L = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let l = 0; l < n; l++) L[i * n + l] = scoreJS(w, plan.z, d, i, l) * kappa;
    for (const _ of headWeights(L, n, v, plan.cut, div, false, report)) void _;
    for (let i = 0; i < n; i++) for (let l = 0; l < n; l++) L[i * n + l] /= div[i];
    return L;
  });
  return v.weights === 'sinkhorn' ? { weights, sinkhorn: report } : { weights };
}
