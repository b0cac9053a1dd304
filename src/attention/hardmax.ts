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
 * anchors' value; 0 means exact equality of the computed scores). The scores are computed as
 * S_il = ⟨G z_i, G z_l⟩ with A = GᵀG (Cholesky, once), so S_il = S_li exactly and a score
 * depends only on the two tokens' coordinates (src/kernels/hardmax.ts).
 *
 * Leaders. A token i with C_i = {i} never moves (D2.1 of ALGORITHMS.md). Followers converge to
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
import { InvalidArgumentError } from '../errors.js';
import { choleskyFactorT, hardmaxAtomStepJS } from '../kernels/hardmax.js';
import { wasmRuntime, type WasmRuntime } from '../runtime/loader.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloud, checkCount, checkOneOf, checkPositive } from '../validate.js';
import { withArena } from '../flow/flow.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import { asSPD, type MatrixLike } from './matrix.js';
import { Atoms, coincidenceTargets } from './atoms.js';

export type HardmaxAlgorithm = 'auto' | 'brute-force' | 'symmetric' | 'hull';
const ALGORITHMS: readonly HardmaxAlgorithm[] = ['auto', 'brute-force', 'symmetric', 'hull'];

export interface HardmaxOptions extends ProgressOptions {
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
  /** Tokens after each step: trajectory[k] after k steps (k = 0..steps); empty when record = false. */
  trajectory: PointCloud[];
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
  /** The matrix used (symmetrised), α and the tie tolerance, for checkEquilibrium. */
  A: Float64Array;
  alpha: number;
  tieTolerance: number;
  /** Conditions the theorem does not cover (e.g. zero tokens). */
  warnings: string[];
}

interface HardmaxKernels {
  hardmaxStep(
    za: number, m: number, d: number, G: number, c: number, tol: number, mode: number, update: number,
    n: number, mult: number, perm: number, off: number, atomOf: number,
    leader: number, first: number, count: number, scratch: number,
  ): number; // score evaluations done
  hardmaxScratchBytes(m: number, d: number, n: number): number;
}

/** Runs eq. 4.1 for `steps` steps from Z (n tokens in R^d). */
export function hardmaxDynamics(Z: PointsLike, options: HardmaxOptions = {}): HardmaxResult {
  return runSync(hardmaxSteps(planHardmax(Z, options, 'hardmaxDynamics')), options, 'hardmaxDynamics');
}

/** Like hardmaxDynamics, but yields to the event loop between steps (progress bars, AbortSignal.timeout, UI). */
export function hardmaxDynamicsAsync(Z: PointsLike, options: HardmaxOptions = {}): Promise<HardmaxResult> {
  return runAsync(hardmaxSteps(planHardmax(Z, options, 'hardmaxDynamicsAsync')), options, 'hardmaxDynamicsAsync');
}

interface HardmaxPlan {
  cloud: PointCloud;
  A: Float64Array;
  G: Float64Array;
  alpha: number;
  c: number;
  steps: number;
  tol: number;
  record: boolean;
  clusterTol: number;
  algo: HardmaxAlgorithm;
  merge: boolean;
  warnings: string[];
  rt: WasmRuntime | null;
}

function planHardmax(Z: PointsLike, options: HardmaxOptions, fn: string): HardmaxPlan {
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
  const merge = options.mergeCoincident ?? true;
  if (typeof merge !== 'boolean') throw new InvalidArgumentError('options.mergeCoincident', merge, 'true or false');
  const warnings: string[] = [];
  const zeros: number[] = [];
  for (let i = 0; i < n; i++) {
    let nz = false;
    for (let k = 0; k < d; k++) if (cloud.data[i * d + k] !== 0) nz = true;
    if (!nz) zeros.push(i);
  }
  if (zeros.length) warnings.push(`tokens ${zeros.slice(0, 10).join(', ')}${zeros.length > 10 ? ', …' : ''} are zero: every score of a zero token is 0, so it attends to all tokens; Thm 4.1 assumes non-zero tokens`);
  const G = choleskyFactorT(A, d);
  return { cloud, A, G, alpha, c: alpha / (1 + alpha), steps, tol, record, clusterTol, algo, merge, warnings, rt: wasmRuntime(fn) };
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
 * to configuration s+1; yields the fraction done after each step. Each step runs in its own
 * arena scope (no WASM memory is held across a yield).
 */
function* hardmaxSteps(plan: HardmaxPlan): Generator<number, HardmaxResult> {
  const { cloud, G, c, steps, tol, record, rt, merge } = plan;
  const n = cloud.n, d = cloud.d;
  const atoms = Atoms.fromTokens(cloud.data, n, d, merge);
  const trajectory: PointCloud[] = record ? [{ n, d, data: Float64Array.from(cloud.data) }] : [];
  const leaders: number[][] = [];
  const leader = new Int32Array(n), first = new Int32Array(n), count = new Int32Array(n);
  let attention = new Int32Array(n);
  const chooser = new ModeChooser(plan.algo, d);
  for (let s = 0; s <= steps; s++) {
    const update = s < steps;
    if (rt) {
      const mode = chooser.mode(s, atoms.m);
      chooser.observe(s, mode, atoms.m, wasmStep(rt, plan, atoms, mode, update, leader, first, count));
    } else hardmaxAtomStepJS(atoms.za, d, G, c, tol, update, atoms, leader, first, count);
    const ls: number[] = [];
    for (let a = 0; a < atoms.m; a++) if (leader[a]) ls.push(atoms.rep(a));
    leaders.push(ls);
    if (update) {
      if (merge) atoms.mergeCoincident();
      if (record) trajectory.push({ n, d, data: atoms.expand() });
    } else {
      attention = new Int32Array(n);
      for (let i = 0; i < n; i++) attention[i] = first[atoms.atomOf[i]];
    }
    yield (s + 1) / (steps + 1);
  }
  const z = atoms.expand();
  let stableFrom = steps;
  const key = (a: number[]): string => a.join(',');
  const last = key(leaders[steps]);
  while (stableFrom > 0 && key(leaders[stableFrom - 1]) === last) stableFrom--;
  const distinct = merge ? atoms.m : countDistinct(z, n, d);
  return {
    tokens: { n, d, data: z },
    trajectory,
    leaders,
    stableFrom,
    clusters: clusterTokens(z, n, d, plan.clusterTol),
    attention,
    atoms: distinct,
    A: plan.A,
    alpha: plan.alpha,
    tieTolerance: tol,
    warnings: plan.warnings,
  };
}

function countDistinct(z: Float64Array, n: number, d: number): number {
  const t = coincidenceTargets(Float64Array.from(z), n, d);
  if (!t) return n;
  let k = 0;
  for (let a = 0; a < n; a++) if (t[a] === a) k++;
  return k;
}

/** One kernel call on the atoms: updates atoms.za (when `update`) and the per-atom outputs; returns the kernel's work. */
function wasmStep(rt: WasmRuntime, plan: HardmaxPlan, atoms: Atoms, mode: number, update: boolean, leader: Int32Array, first: Int32Array, count: Int32Array): number {
  const k = rt.exports as unknown as HardmaxKernels;
  const { m, n, d } = atoms;
  return withArena(rt, () => {
    const a = rt.arena;
    const pz = a.pushF64(atoms.za.subarray(0, m * d), 'Z');
    const pG = a.pushF64(plan.G, 'A');
    const pm = a.alloc(4 * m), pp = a.alloc(4 * n), po = a.alloc(4 * (m + 1)), pa = a.alloc(4 * n);
    const pl = a.alloc(4 * m), pf = a.alloc(4 * m), pc = a.alloc(4 * m);
    const ps = a.alloc(k.hardmaxScratchBytes(m, d, n), 'scratch');
    const i32 = a.i32;
    i32.set(atoms.mult.subarray(0, m), pm >>> 2);
    i32.set(atoms.perm, pp >>> 2);
    i32.set(atoms.off.subarray(0, m + 1), po >>> 2);
    i32.set(atoms.atomOf, pa >>> 2);
    const work = k.hardmaxStep(pz, m, d, pG, plan.c, plan.tol, mode, update ? 1 : 0, n, pm, pp, po, pa, pl, pf, pc, ps);
    const v = a.i32;
    leader.set(v.subarray(pl >>> 2, (pl >>> 2) + m));
    first.set(v.subarray(pf >>> 2, (pf >>> 2) + m));
    count.set(v.subarray(pc >>> 2, (pc >>> 2) + m));
    if (update) atoms.za.set(a.f64.subarray(pz >>> 3, (pz >>> 3) + m * d));
    return work;
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
