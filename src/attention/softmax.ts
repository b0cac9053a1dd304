/**
 * Softmax self-attention dynamics (seed 002, eq. 4.2): the hardmax step of eq. 4.1 with the
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
import { FlowsteerError, InvalidArgumentError } from '../errors.js';
import { softmaxCut, softmaxStepJS } from '../kernels/softmax.js';
import { wasmRuntime, type WasmRuntime } from '../runtime/loader.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloud, checkCount, checkOneOf, checkPositive } from '../validate.js';
import { withArena } from '../flow/flow.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import { asSPD, type MatrixLike } from './matrix.js';
import { clusterTokens, type AttentionCluster } from './hardmax.js';

export interface SoftmaxOptions extends ProgressOptions {
  /** d×d symmetric positive definite; default the identity. */
  A?: MatrixLike;
  /** Step weight α > 0 (default 0.5). */
  alpha?: number;
  /** Temperature T > 0 (default 0.1, as the anchors' softmax-numpy). */
  temperature?: number;
  /** Number of steps (default 100). */
  steps?: number;
  /** Keep the tokens after every step (default true). */
  record?: boolean;
  /** Relative distance below which final tokens share a cluster (default 1e-6). */
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
  /** trajectory[k] = tokens after k steps (k = 0..steps); empty when record = false. */
  trajectory: PointCloud[];
  clusters: AttentionCluster[];
  A: Float64Array;
  alpha: number;
  temperature: number;
}

interface SoftmaxKernels {
  softmaxStep(z: number, n: number, d: number, A: number, c: number, invT: number, cut: number, mode: number, scratch: number): void;
  softmaxScratchBytes(n: number, d: number, mode: number): number;
}

/** Runs eq. 4.2 for `steps` steps from Z (n tokens in R^d). */
export function softmaxDynamics(Z: PointsLike, options: SoftmaxOptions = {}): SoftmaxResult {
  return runSync(softmaxSteps(planSoftmax(Z, options, 'softmaxDynamics')), options, 'softmaxDynamics');
}

/** Like softmaxDynamics, but yields to the event loop between groups of steps (progress, AbortSignal.timeout, UI). */
export function softmaxDynamicsAsync(Z: PointsLike, options: SoftmaxOptions = {}): Promise<SoftmaxResult> {
  return runAsync(softmaxSteps(planSoftmax(Z, options, 'softmaxDynamicsAsync')), options, 'softmaxDynamicsAsync');
}

interface SoftmaxPlan {
  cloud: PointCloud;
  A: Float64Array;
  alpha: number;
  T: number;
  steps: number;
  record: boolean;
  clusterTol: number;
  mode: number;
  c: number;
  invT: number;
  cut: number;
  rt: WasmRuntime | null;
}

function planSoftmax(Z: PointsLike, options: SoftmaxOptions, fn: string): SoftmaxPlan {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an options object');
  const cloud = asCloud(Z, 'Z', { minPoints: 1 });
  const n = cloud.n, d = cloud.d;
  const A = asSPD(options.A, d);
  const alpha = checkPositive('options.alpha', options.alpha ?? 0.5);
  const T = checkPositive('options.temperature', options.temperature ?? 0.1, 'the temperature divides the scores; use hardmaxDynamics for T = 0');
  const steps = checkCount('options.steps', options.steps ?? 100, 0, 1 << 24);
  const record = options.record ?? true;
  const clusterTol = checkPositive('options.clusterTolerance', options.clusterTolerance ?? 1e-6);
  const algo = checkOneOf('options.algorithm', options.algorithm ?? 'auto', SOFTMAX_ALGORITHMS);
  const mode = algo === 'symmetric' || (algo === 'auto' && n <= SOFTMAX_SYMMETRIC_MAX_N) ? 1 : 0;
  if (mode === 1 && 8 * n * n > 2 ** 31 - 2 ** 20) {
    throw new InvalidArgumentError('options.algorithm', algo, `'rows' or 'auto' for n = ${n} (the n×n score matrix would need ${(8 * n * n / 2 ** 30).toFixed(1)} GiB)`);
  }
  const c = alpha / (1 + alpha), invT = 1 / T, cut = softmaxCut(n);
  if (!Number.isFinite(invT)) throw new InvalidArgumentError('options.temperature', T, 'a temperature whose inverse is finite');
  return { cloud, A, alpha, T, steps, record, clusterTol, mode, c, invT, cut, rt: wasmRuntime(fn) };
}

/**
 * Groups of steps of ~10^7 multiply–adds (at least one step) per unit of work; each group runs
 * in its own arena scope, so no WASM memory is held across a yield.
 */
function* softmaxSteps(plan: SoftmaxPlan): Generator<number, SoftmaxResult> {
  const { cloud, A, steps, record, mode, c, invT, cut, rt } = plan;
  const n = cloud.n, d = cloud.d;
  const z = Float64Array.from(cloud.data);
  const trajectory: PointCloud[] = record ? [{ n, d, data: z.slice() }] : [];
  const per = Math.max(1, Math.floor(1e7 / Math.max(1, n * n * (d + 2))));
  for (let done = 0; done < steps; ) {
    const m = Math.min(per, steps - done);
    if (!rt) {
      for (let s = 0; s < m; s++) {
        softmaxStepJS(z, n, d, A, c, invT, cut);
        if (record) trajectory.push({ n, d, data: z.slice() });
      }
    } else {
      const k = rt.exports as unknown as SoftmaxKernels;
      withArena(rt, () => {
        const a = rt.arena;
        const pz = a.pushF64(z, 'Z'), pA = a.pushF64(A, 'A');
        const ps = a.alloc(k.softmaxScratchBytes(n, d, mode), mode ? 'scratch (n×n scores; pass algorithm: \'rows\' to use O(nd) memory)' : 'scratch');
        for (let s = 0; s < m; s++) {
          k.softmaxStep(pz, n, d, pA, c, invT, cut, mode, ps);
          if (record) trajectory.push({ n, d, data: a.f64.slice(pz >>> 3, (pz >>> 3) + n * d) });
        }
        z.set(a.f64.subarray(pz >>> 3, (pz >>> 3) + n * d));
      });
    }
    for (let j = 0; j < z.length; j++) {
      if (!Number.isFinite(z[j])) {
        throw new FlowsteerError('NON_FINITE', `softmaxDynamics: token ${Math.floor(j / d)} became ${z[j]}; the scores overflowed — scale the tokens or A down, or raise the temperature`, { parameter: 'options.temperature', value: plan.T });
      }
    }
    done += m;
    yield done / steps;
  }
  const T = plan.T, alpha = plan.alpha, clusterTol = plan.clusterTol;
  return { tokens: { n, d, data: z }, trajectory, clusters: clusterTokens(z, n, d, clusterTol), A, alpha, temperature: T };
}
