/**
 * Hardmax self-attention dynamics (seed 002, §4, eq. 4.1a–b; Alcalde, Fantuzzi, Zuazua,
 * "Clustering in pure-attention hardmax transformers", arXiv 2407.01602):
 *
 *   C_i(k) = argmax_l ⟨A z_i(k), z_l(k)⟩                                   (4.1b)
 *   z_i(k+1) = z_i(k) + α/(1+α) · ( (1/|C_i|) Σ_{l∈C_i} z_l(k) − z_i(k) )   (4.1a)
 *
 * (= (z_i + α·mean)/(1+α), written as the anchors' hardmax-numpy writes it). Ties are kept: every
 * maximiser is in C_i and they are averaged. Floating-point ties use a relative tolerance:
 * l ∈ C_i when S_il ≥ m_i − tieTolerance·max(1, |m_i|), m_i = max_l S_il (default 1e-12, the
 * anchors' value; 0 means exact equality of the computed scores).
 * A token is a **leader** at step k when C_i(k) = {i}; leaders never move (D2 of ALGORITHMS.md).
 *
 * Speed: the argmax sets cost O(n² d) by brute force. In WASM, d = 2 uses the convex hull of the
 * tokens (only points within a rounding-aware band around the hull boundary can be maximisers),
 * other d score each unordered pair once. Every path yields the same C_i as brute force, bit for
 * bit (assembly/hardmax.ts explains why; test/attention/hardmax.test.ts checks it).
 */
import { InvalidArgumentError } from '../errors.js';
import { hardmaxStepJS } from '../kernels/hardmax.js';
import { wasmRuntime, type WasmRuntime } from '../runtime/loader.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloud, checkCount, checkOneOf, checkPositive } from '../validate.js';
import { withArena } from '../flow/flow.js';
import { asSPD, type MatrixLike } from './matrix.js';

export type HardmaxAlgorithm = 'auto' | 'brute-force' | 'symmetric' | 'hull';
const ALGORITHMS: readonly HardmaxAlgorithm[] = ['auto', 'brute-force', 'symmetric', 'hull'];

export interface HardmaxOptions {
  /** d×d symmetric positive definite (number[][] or flat row-major); default the identity. */
  A?: MatrixLike;
  /** Step weight α > 0 (default 0.5, as in the paper's notebook). */
  alpha?: number;
  /** Number of steps (default 100). */
  steps?: number;
  /** Relative tie tolerance of eq. 4.1b (default 1e-12; 0 = exact equality). */
  tieTolerance?: number;
  /** Keep the tokens after every step in `trajectory` (default true). */
  record?: boolean;
  /** Distance below which final tokens share a cluster, relative to max(1, max|z|) (default 1e-6). */
  clusterTolerance?: number;
  /** How to find the argmax sets (default 'auto': 'hull' for d = 2, else 'symmetric'). All agree exactly. */
  algorithm?: HardmaxAlgorithm;
}

export interface AttentionCluster {
  /** Mean of the members' final positions. */
  center: number[];
  /** Token indices, ascending. */
  members: number[];
}

export interface HardmaxResult {
  /** Final tokens. */
  tokens: PointCloud;
  /** Tokens after each step: trajectory[k] after k steps (k = 0..steps); empty when record = false. */
  trajectory: PointCloud[];
  /** leaders[k]: indices i with C_i = {i} in the configuration after k steps (k = 0..steps). */
  leaders: number[][];
  /** The first k from which the leader set no longer changed (≤ steps). */
  stableFrom: number;
  /** Final tokens grouped by coincidence (clusterTolerance). */
  clusters: AttentionCluster[];
  /** attention[i] = min C_i at the final configuration (whom token i follows). */
  attention: Int32Array;
  /** The matrix used (symmetrised), α and the tie tolerance, for checkEquilibrium. */
  A: Float64Array;
  alpha: number;
  tieTolerance: number;
  /** Conditions the theorem does not cover (e.g. zero tokens). */
  warnings: string[];
}

interface HardmaxKernels {
  hardmaxStep(z: number, n: number, d: number, A: number, c: number, tol: number, mode: number, update: number, leader: number, first: number, count: number, scratch: number): number;
  hardmaxScratchBytes(n: number, d: number): number;
}

/** Runs eq. 4.1 for `steps` steps from Z (n tokens in R^d). */
export function hardmaxDynamics(Z: PointsLike, options: HardmaxOptions = {}): HardmaxResult {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an options object');
  const cloud = asCloud(Z, 'Z', { minPoints: 1 });
  const n = cloud.n, d = cloud.d;
  const A = asSPD(options.A, d);
  const alpha = checkPositive('options.alpha', options.alpha ?? 0.5, 'α is the step weight of eq. 4.1a and must be > 0');
  const steps = checkCount('options.steps', options.steps ?? 100, 0, 1 << 24);
  const tol = options.tieTolerance ?? 1e-12;
  if (typeof tol !== 'number' || !Number.isFinite(tol) || tol < 0) throw new InvalidArgumentError('options.tieTolerance', tol, 'a finite number ≥ 0');
  const record = options.record ?? true;
  const clusterTol = checkPositive('options.clusterTolerance', options.clusterTolerance ?? 1e-6);
  const algo = checkOneOf('options.algorithm', options.algorithm ?? 'auto', ALGORITHMS);
  if (algo === 'hull' && d !== 2) throw new InvalidArgumentError('options.algorithm', algo, "'hull' only for d = 2 tokens", "use 'auto'");
  const mode = algo === 'brute-force' ? 0 : algo === 'symmetric' ? 1 : algo === 'hull' ? 2 : d === 2 && n >= 32 ? 2 : 1;
  const c = alpha / (1 + alpha);
  const warnings: string[] = [];
  const zeros: number[] = [];
  for (let i = 0; i < n; i++) {
    let nz = false;
    for (let k = 0; k < d; k++) if (cloud.data[i * d + k] !== 0) nz = true;
    if (!nz) zeros.push(i);
  }
  if (zeros.length) warnings.push(`tokens ${zeros.slice(0, 10).join(', ')}${zeros.length > 10 ? ', …' : ''} are zero: every score of a zero token is 0, so it attends to all tokens; Thm 4.1 assumes non-zero tokens`);

  const z = Float64Array.from(cloud.data);
  const trajectory: PointCloud[] = record ? [{ n, d, data: z.slice() }] : [];
  const leaders: number[][] = [];
  const leader = new Int32Array(n), first = new Int32Array(n), count = new Int32Array(n);
  const collect = (): number[] => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (leader[i]) out.push(i);
    return out;
  };
  const rt = wasmRuntime('hardmaxDynamics');
  if (rt) {
    runWasm(rt, z, n, d, A, c, tol, mode, steps, leader, first, count, (moved) => {
      leaders.push(collect());
      if (record && moved) trajectory.push({ n, d, data: z.slice() });
    });
  } else {
    for (let k = 0; k <= steps; k++) {
      hardmaxStepJS(z, n, d, A, c, tol, k < steps, leader, first, count);
      leaders.push(collect());
      if (record && k < steps) trajectory.push({ n, d, data: z.slice() });
    }
  }
  let stableFrom = steps;
  const key = (a: number[]): string => a.join(',');
  const last = key(leaders[steps]);
  while (stableFrom > 0 && key(leaders[stableFrom - 1]) === last) stableFrom--;
  return {
    tokens: { n, d, data: z },
    trajectory,
    leaders,
    stableFrom,
    clusters: clusterTokens(z, n, d, clusterTol),
    attention: first.slice(),
    A,
    alpha,
    tieTolerance: tol,
    warnings,
  };
}

/**
 * Kernel loop: call s = 0..steps computes the sets of configuration s and, for s < steps,
 * moves to configuration s+1; `after(moved)` then sees the flags of s and the new z.
 */
function runWasm(
  rt: WasmRuntime, z: Float64Array, n: number, d: number, A: Float64Array, c: number, tol: number, mode: number, steps: number,
  leader: Int32Array, first: Int32Array, count: Int32Array, after: (moved: boolean) => void,
): void {
  const k = rt.exports as unknown as HardmaxKernels;
  withArena(rt, () => {
    const a = rt.arena;
    const pz = a.pushF64(z, 'Z');
    const pA = a.pushF64(A, 'A');
    const pl = a.alloc(4 * n), pf = a.alloc(4 * n), pc = a.alloc(4 * n);
    const ps = a.alloc(k.hardmaxScratchBytes(n, d), 'scratch');
    for (let s = 0; s <= steps; s++) {
      k.hardmaxStep(pz, n, d, pA, c, tol, mode, s < steps ? 1 : 0, pl, pf, pc, ps);
      const i32 = a.i32;
      leader.set(i32.subarray(pl >>> 2, (pl >>> 2) + n));
      first.set(i32.subarray(pf >>> 2, (pf >>> 2) + n));
      count.set(i32.subarray(pc >>> 2, (pc >>> 2) + n));
      z.set(a.f64.subarray(pz >>> 3, (pz >>> 3) + n * d));
      after(s < steps);
    }
  });
}

/** Greedy grouping of final tokens within clusterTol·max(1, max|z|) of a cluster's first member. */
export function clusterTokens(z: Float64Array, n: number, d: number, clusterTol: number): AttentionCluster[] {
  let R = 1;
  for (const v of z) R = Math.max(R, Math.abs(v));
  const eps = clusterTol * R;
  const reps: number[] = [];
  const members: number[][] = [];
  for (let i = 0; i < n; i++) {
    let found = -1;
    for (let r = 0; r < reps.length && found < 0; r++) {
      let dist2 = 0;
      for (let k = 0; k < d; k++) dist2 += (z[i * d + k] - z[reps[r] * d + k]) ** 2;
      if (dist2 <= eps * eps) found = r;
    }
    if (found < 0) {
      reps.push(i);
      members.push([i]);
    } else members[found].push(i);
  }
  return members.map((m) => {
    const center = new Array(d).fill(0);
    for (const i of m) for (let k = 0; k < d; k++) center[k] += z[i * d + k] / m.length;
    return { center, members: m };
  });
}
