/**
 * Hardmax self-attention dynamics (survey arXiv 2510.03303, §4, eq. 4.1a–b; Alcalde, Fantuzzi,
 * Zuazua, arXiv 2407.01602; the algorithm as implemented: docs/algorithms/attention.md):
 *
 *   C_i(k) = argmax_l ⟨A z_i(k), z_l(k)⟩                                   (4.1b)
 *   z_i(k+1) = z_i(k) + α/(1+α) · ( (1/|C_i|) Σ_{l∈C_i} z_l(k) − z_i(k) )   (4.1a)
 *
 * (= (z_i + α·mean)/(1+α), written as the anchors' hardmax-numpy writes it). Ties are kept: every
 * maximiser is in C_i and they are averaged. Floating-point ties use a relative tolerance:
 * l ∈ C_i when S_il ≥ m_i − tieTolerance·max(σ, |m_i|), m_i = max_l S_il, σ = 2^(2e+k) the
 * scale of the scores (2^e ≤ max|z| < 2^(e+1), 2^k ≤ max|A| < 2^(k+1); default tolerance 1e-12,
 * the anchors' value; 0 means exact equality of the computed scores). The kernels run on z/2^e
 * and A/2^k (./trajectory.ts), where σ = 1: the dynamics are homogeneous, the power-of-two
 * scaling is exact, and no score can overflow or underflow whatever the tokens' magnitude.
 * The scores are computed as S_il = ⟨G z_i, G z_l⟩ with A = GᵀG (Cholesky, once), so
 * S_il = S_li exactly and a score depends only on the two tokens' coordinates
 * (src/kernels/hardmax.ts).
 *
 * Long steps (more than HARDMAX_STEP_WORK multiply–adds) are split into blocks of rows, one
 * kernel call each, with the AbortSignal and onProgress served between them.
 *
 * Leaders. A token i with C_i = {i} never moves (docs/algorithms/attention.md, "Leaders"). Followers converge to
 * their leader geometrically and, in floating point, end up within the tie tolerance of it or
 * on it bit for bit; C_i = {i} then fails although nothing moves any more. So a leader here is a
 * group: i leads when i = min C_i and every l ∈ C_i has C_l = C_i (the group attends to itself
 * only); the group is represented by its smallest index, and a strict leader is a group of one.
 *
 * Speed: coincident tokens (bit-identical coordinates) are merged into atoms with multiplicities
 * (src/attention/atoms.ts; every member has the same C_i, so an atom moves as one token and the
 * mean counts every member), so after the tokens collapse a step costs O(atoms²) instead of
 * O(n²). Among atoms, WASM finds the argmax sets by brute force, by scoring each unordered pair
 * once ('symmetric'), or for d = 2 from the convex hull of the points G z ('hull': only points
 * within a rounding-aware band around the hull boundary can maximise a linear functional).
 * Every path yields the tokens of brute force over tokens, bit for bit (assembly/hardmax.ts
 * explains why; test/attention/hardmax.test.ts checks it on random and adversarial data).
 */
import { InvalidArgumentError, NonFiniteError } from '../errors.js';
import { use } from '../backend/index.js';
import { hardmaxLeaders, hardmaxRows } from '../backend/hardmax.js';
import { choleskyFactorT, hardmaxRowState } from '../kernels/hardmax.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloud, asOptions, checkBoolean, checkCount, checkOneOf, checkPositive, checkProgressOptions, checkTolerance } from '../validate.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import { asSPD, type MatrixLike } from './matrix.js';
import { Atoms, coincidenceTargets } from './atoms.js';
import { planTrajectory, pow2, scaleExponent, scalePow2, type Trajectory, type TrajectoryOptions, type TrajectoryRecorder } from './trajectory.js';

export type HardmaxAlgorithm = 'auto' | 'brute-force' | 'symmetric' | 'hull';
const ALGORITHMS: readonly HardmaxAlgorithm[] = ['auto', 'brute-force', 'symmetric', 'hull'];

export interface HardmaxOptions extends ProgressOptions {
  /** d×d symmetric positive definite (number[][] or flat row-major); default the identity. */
  A?: MatrixLike;
  /** Step weight α > 0 (default 0.5, as in the paper's notebook). */
  alpha?: number;
  /** Number of steps (default 100). */
  steps?: number;
  /** Relative tie tolerance of eq. 4.1b: l ∈ C_i when S_il ≥ m_i − τ·max(σ, |m_i|), σ the scores' scale (default 1e-12; 0 = exact equality). */
  tieTolerance?: number;
  /**
   * Record the tokens: `true` for every step, or `{ every, buffer }` (default false). Frame f is
   * the configuration after f·every steps, `times[f]` = f·every (the step count).
   */
  trajectory?: boolean | TrajectoryOptions;
  /** Distance below which final tokens share a cluster, relative to max|z| (default 1e-6). */
  clusterTolerance?: number;
  /**
   * How to find the argmax sets (default 'auto': 'hull' for d = 2 with ≥ 32 atoms while its band
   * stays small, else 'symmetric'). All agree exactly; the TS backend scans (brute force over atoms).
   */
  algorithm?: HardmaxAlgorithm;
  /**
   * Simulate tokens with bit-identical coordinates once, as one atom with a multiplicity
   * (default true; results are identical either way, false only costs time).
   */
  mergeCoincident?: boolean;
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
  /** The recorded configurations (options.trajectory); absent when none was asked for. */
  trajectory?: Trajectory;
  /**
   * leaders[k] (k = 0..steps), ascending: in the configuration after k steps, the smallest index
   * of every leader group — i with i = min C_i and C_l = C_i for all l ∈ C_i. A strict leader
   * (C_i = {i}) is a group of one; followers that reached their leader (bit for bit, or within
   * the tie tolerance) join its group instead of deposing it.
   */
  leaders: number[][];
  /**
   * The step after which the leader set no longer changed: the smallest k with
   * leaders[k] = leaders[k+1] = … = leaders[steps] (so 0 when it never changed, ≤ steps).
   */
  stableFrom: number;
  /** Final tokens grouped by coincidence (clusterTolerance). */
  clusters: AttentionCluster[];
  /** attention[i] = min C_i at the final configuration (whom token i follows). */
  attention: Int32Array;
  /** Number of distinct token positions (bit for bit) after the last step. */
  atoms: number;
  /**
   * The exponent e of the scale the kernels ran at (tokens z / 2^e with 2^e ≤ max|z| < 2^(e+1));
   * ties are decided relative to max(2^(2e+k), |m_i|) with 2^k ≤ max|A| < 2^(k+1).
   */
  scaleExponent: number;
  /** The matrix used (symmetrised), α and the tie tolerance, for checkEquilibrium. */
  A: Float64Array;
  alpha: number;
  tieTolerance: number;
  /** Conditions the theorem does not cover (e.g. zero tokens). */
  warnings: string[];
}

/** Runs eq. 4.1 for `steps` steps from Z (n tokens in R^d). */
export function hardmaxDynamics(Z: PointsLike, options?: HardmaxOptions): HardmaxResult {
  const plan = planHardmax(Z, options, 'hardmaxDynamics');
  return runSync(hardmaxSteps(plan), plan.progress, 'hardmaxDynamics');
}

/** Like hardmaxDynamics, but yields to the event loop between steps (progress bars, AbortSignal.timeout, UI). */
export function hardmaxDynamicsAsync(Z: PointsLike, options?: HardmaxOptions): Promise<HardmaxResult> {
  try {
    const plan = planHardmax(Z, options, 'hardmaxDynamicsAsync');
    return runAsync(hardmaxSteps(plan), plan.progress, 'hardmaxDynamicsAsync');
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Steps of at most HARDMAX_STEP_WORK multiply–adds (m²d/2, ≈ 30–60 ms) run in one kernel call
 * (the symmetric pass); longer steps are split into row blocks of about HARDMAX_BLOCK_WORK
 * score evaluations (brute-force or hull rows), and the AbortSignal and onProgress are served
 * between them.
 */
export const HARDMAX_STEP_WORK = 2 ** 25;
export const HARDMAX_BLOCK_WORK = 2 ** 21;

interface HardmaxPlan {
  fn: string;
  progress: ProgressOptions;
  cloud: PointCloud;
  /** Tokens scaled by 2^−e. */
  z: Float64Array;
  e: number;
  A: Float64Array;
  G: Float64Array;
  alpha: number;
  c: number;
  steps: number;
  tol: number;
  traj: TrajectoryRecorder | null;
  clusterTol: number;
  algo: HardmaxAlgorithm;
  merge: boolean;
  warnings: string[];
}

function planHardmax(Z: PointsLike, optionsIn: HardmaxOptions | undefined, fn: string): HardmaxPlan {
  const options = asOptions(optionsIn);
  checkProgressOptions(options);
  const cloud = asCloud(Z, 'Z', { minPoints: 1 });
  const n = cloud.n, d = cloud.d;
  const A = asSPD(options.A, d);
  const alpha = checkPositive('options.alpha', options.alpha ?? 0.5, 'α is the step weight of eq. 4.1a and must be > 0');
  const steps = checkCount('options.steps', options.steps ?? 100, 0, 1 << 24);
  const tol = checkTolerance('options.tieTolerance', options.tieTolerance, 1e-12);
  if ('record' in options) throw new InvalidArgumentError('options.record', (options as { record?: unknown }).record, 'absent', 'use options.trajectory (true or { every, buffer }) instead');
  const clusterTol = checkPositive('options.clusterTolerance', options.clusterTolerance ?? 1e-6);
  const algo = checkOneOf('options.algorithm', options.algorithm ?? 'auto', ALGORITHMS);
  if (algo === 'hull' && d !== 2) throw new InvalidArgumentError('options.algorithm', algo, "'hull' only for d = 2 tokens", "use 'auto'");
  const merge = checkBoolean('options.mergeCoincident', options.mergeCoincident, true);
  const traj = planTrajectory(options.trajectory, steps, n, d, (k) => k);
  const warnings: string[] = [];
  const zeros: number[] = [];
  for (let i = 0; i < n; i++) {
    let nz = false;
    for (let k = 0; k < d; k++) if (cloud.data[i * d + k] !== 0) nz = true;
    if (!nz) zeros.push(i);
  }
  if (zeros.length) warnings.push(`tokens ${zeros.slice(0, 10).join(', ')}${zeros.length > 10 ? ', …' : ''} are zero: every score of a zero token is 0, so it attends to all tokens; Thm 4.1 assumes non-zero tokens`);
  // Scale (./trajectory.ts): tokens by 2^−e, A by 2^−k; the argmax sets do not change.
  const e = scaleExponent(cloud.data);
  const z = scalePow2(Float64Array.from(cloud.data), -e);
  const As = scalePow2(Float64Array.from(A), -scaleExponent(A));
  const G = choleskyFactorT(As, d);
  use(hardmaxRows, fn); // NotInitializedError before any work
  return { fn, progress: { onProgress: options.onProgress, signal: options.signal }, cloud, z, e, A, G, alpha, c: alpha / (1 + alpha), steps, tol, traj, clusterTol, algo, merge, warnings };
}

/**
 * Kernel mode per step. 'auto' for d = 2 with ≥ 32 atoms: whichever of 'hull' and 'symmetric'
 * did fewer score evaluations (relative to m²) when last used, trying the other again after
 * 8 steps. The hull band fills up while followers sit within the tie tolerance of their leaders
 * (before they coincide bit for bit); 'symmetric' then wins until its candidate lists overflow.
 * Other d: 'symmetric'. All modes give identical results, so this only affects time.
 */
class ModeChooser {
  private readonly cost = [1, 0.5, 0]; // last work / m² per mode (hull first)
  private readonly used = [-1, -1, -1];
  constructor(private readonly algo: HardmaxAlgorithm, private readonly d: number) {}
  mode(step: number, m: number): number {
    const algo = this.algo;
    if (algo === 'brute-force') return 0;
    if (algo === 'symmetric') return 1;
    if (algo === 'hull') return 2;
    if (this.d !== 2 || m < 32) return 1;
    const best = this.cost[2] <= this.cost[1] ? 2 : 1;
    const other = 3 - best;
    return step - this.used[other] >= 8 ? other : best;
  }
  observe(step: number, mode: number, m: number, work: number): void {
    this.cost[mode] = work / (m * m);
    this.used[mode] = step;
  }
}

/**
 * Step s = 0..steps computes the sets of configuration s (leaders[s]) and, for s < steps, moves
 * to configuration s+1; yields the fraction done after each step, and between the row blocks
 * of a step on many atoms (HARDMAX_BLOCK_WORK). No WASM memory is held across a yield: every
 * kernel call copies its inputs in and its outputs out (src/backend/hardmax.ts).
 */
function* hardmaxSteps(plan: HardmaxPlan): Generator<number, HardmaxResult> {
  const { cloud, G, c, steps, tol, traj, merge, e, fn } = plan;
  const n = cloud.n, d = cloud.d;
  const atoms = Atoms.fromTokens(plan.z, n, d, merge);
  const scale = pow2(e) === Infinity ? 0 : pow2(e);
  const expandTo = (out: Float64Array): void => {
    atoms.expand(out);
    if (scale) for (let j = 0; j < out.length; j++) out[j] *= scale;
    else scalePow2(out, e);
  };
  if (traj) expandTo(traj.slot(0));
  const rows = use(hardmaxRows, fn), lead = use(hardmaxLeaders, fn);
  const leaders: number[][] = [];
  const leader = new Int32Array(n);
  let attention = new Int32Array(n);
  const chooser = new ModeChooser(plan.algo, d);
  const total = steps + 1;
  for (let s = 0; s <= steps; s++) {
    const update = s < steps;
    const m = atoms.m;
    const st = hardmaxRowState(m, d);
    let mode = chooser.mode(s, m);
    // rows per kernel call: all of them, unless one call would run long
    const per = (m * m * d) / 2 <= HARDMAX_STEP_WORK ? m : Math.max(1, Math.floor(HARDMAX_BLOCK_WORK / (m * Math.max(1, d / 2))));
    if (per < m && mode === 1) mode = 0; // the symmetric pass needs every row at once
    let work = 0;
    for (let r0 = 0; r0 < m; r0 += per) {
      const r1 = Math.min(m, r0 + per);
      const w = rows(atoms.za, d, G, c, tol, mode, atoms, r0, r1, st);
      if (w < 0) throw new NonFiniteError('Z', 0, NaN, `a score of step ${s} (the tokens' scale is out of the representable range)`);
      work += w;
      if (r1 < m) yield (s + 0.5 * (r1 / m)) / total;
    }
    chooser.observe(s, mode, m, work);
    for (let r0 = 0; r0 < m; r0 += per) {
      const r1 = Math.min(m, r0 + per);
      lead(atoms.za, m, d, G, tol, r0, r1, st, leader);
      if (r1 < m) yield (s + 0.5 + 0.5 * (r1 / m)) / total;
    }
    const ls: number[] = [];
    for (let a = 0; a < m; a++) if (leader[a]) ls.push(atoms.rep(a));
    const prev = leaders[leaders.length - 1];
    leaders.push(prev !== undefined && sameList(prev, ls) ? prev : ls); // unchanged sets share one array
    if (update) {
      atoms.za.set(st.zn.subarray(0, m * d));
      if (merge) atoms.mergeCoincident();
      if (traj?.wants(s + 1)) expandTo(traj.slot(s + 1));
    } else {
      attention = new Int32Array(n);
      for (let i = 0; i < n; i++) attention[i] = st.first[atoms.atomOf[i]];
    }
    yield (s + 1) / total;
  }
  const z = new Float64Array(n * d);
  expandTo(z);
  for (let j = 0; j < z.length; j++) {
    if (!Number.isFinite(z[j])) throw new NonFiniteError('tokens', j, z[j], `token ${Math.floor(j / d)} after the run (the tokens' magnitude is at the top of the double range; scale them down)`);
  }
  let stableFrom = steps;
  const last = leaders[steps];
  while (stableFrom > 0 && sameList(leaders[stableFrom - 1], last)) stableFrom--;
  const distinct = merge ? atoms.m : countDistinct(z, n, d);
  return {
    tokens: { n, d, data: z },
    ...(traj ? { trajectory: traj.result(n, d) } : {}),
    leaders,
    stableFrom,
    clusters: clusterTokens(z, n, d, plan.clusterTol),
    attention,
    atoms: distinct,
    scaleExponent: e,
    A: plan.A,
    alpha: plan.alpha,
    tieTolerance: tol,
    warnings: plan.warnings,
  };
}

function sameList(a: number[], b: number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function countDistinct(z: Float64Array, n: number, d: number): number {
  const t = coincidenceTargets(Float64Array.from(z), n, d);
  if (!t) return n;
  let k = 0;
  for (let a = 0; a < n; a++) if (t[a] === a) k++;
  return k;
}

/**
 * Greedy grouping of final tokens within clusterTol·max|z| of a cluster's first member
 * (homogeneous: distances are compared on z / max|z|, so nothing overflows).
 */
export function clusterTokens(z: Float64Array, n: number, d: number, clusterTol: number): AttentionCluster[] {
  // distances on z / 2^e (exact scaling, max |·| in [1, 2)): nothing overflows, and the
  // threshold clusterTol·max|z| becomes clusterTol·max|z̃|
  const zs = scalePow2(Float64Array.from(z), -scaleExponent(z));
  let R = 0;
  for (const v of zs) R = Math.max(R, Math.abs(v));
  if (!(R > 0)) R = 1;
  const eps2 = (clusterTol * R) ** 2;
  const reps: number[] = [];
  const members: number[][] = [];
  for (let i = 0; i < n; i++) {
    let found = -1;
    for (let r = 0; r < reps.length && found < 0; r++) {
      const o = reps[r] * d;
      let dist2 = 0;
      for (let k = 0; k < d && dist2 <= eps2; k++) {
        const t = zs[i * d + k] - zs[o + k];
        dist2 += t * t;
      }
      if (dist2 <= eps2) found = r;
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
