/**
 * Exact Wasserstein distances between weighted point clouds (docs/algorithms/wasserstein.md):
 *
 *   W_p(μ, ν)^p = min_{P ≥ 0, P1 = a, Pᵀ1 = b} Σ_ij P_ij ‖x_i − y_j‖^p
 *              = max_{f_i + g_j ≤ ‖x_i − y_j‖^p} Σ a_i f_i + Σ b_j g_j     (Kantorovich duality)
 *
 * μ = Σ a_i δ_{x_i}, ν = Σ b_j δ_{y_j}. For p = 1 this is the Kantorovich–Rubinstein distance
 * d_KR of the generalization bound (survey arXiv 2510.03303, Thm 2.2) — what POT's `emd2`
 * returns for `M = ot.dist(X, Y, 'euclidean')`.
 *
 * Public API → this driver (rescaling rounds, certificate) → solver (./simplex.ts, ./auction.ts,
 * ./ssp.ts, chosen by ./solvers.ts) → Pair (src/backend/…) → kernel (assembly/…) | twin.
 *
 * Rescaling (docs/algorithms/wasserstein.md, "Rescaling"): W_p is translation invariant and
 * homogeneous of degree 1, so the solvers see (x − c)/L with L = H·t: H the half-diagonal of the
 * joint bounding box (all distances ≤ 2, nothing overflows), t = 1 in the first round. A round is
 * accepted when the optimum is ≥ WELL_CONDITIONED × the largest entry the solver worked with
 * (that entry sets the simplex's tolerance and the size of its potentials) and certified; else
 * (large p, or W ≪ diameter) the next round takes t ← t·V (V the value found, in L units) and
 * clamps costs at CLAMP_FACTOR·max(n, m): the optimum is then O(1), and the clamp (a lower bound
 * of the true cost) keeps tolerance and potentials at the optimum's scale. A round whose plan
 * uses a clamped arc is repeated with a 100× larger clamp.
 *
 * Certificate: `dualityGap` = |⟨P, C⟩ − (Σ a f + Σ b g)| / ⟨P, C⟩ and `dualInfeasibility` =
 * max(0, max_ij f_i + g_j − C_ij) / ⟨P, C⟩, both relative to the transport cost, with ⟨P, C⟩
 * summed from the true (unclamped) costs; feasibility is measured on the clamped matrix, whose
 * entries are ≤ the true costs, so it bounds the true infeasibility.
 */
import { ConvergenceError, InvalidArgumentError } from '../errors.js';
import type { ProgressOptions } from '../flow/progress.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asOptions, checkOneOf, checkProgressOptions } from '../validate.js';
import { asCloudPair, asExponent, asWeights } from './common.js';
import { drive, driveAsync } from './run.js';
import { distP, frameOf, lengthFromCost, rescale, toUserUnits, pow2Below } from './scaling.js';
import { chooseSolver, MATRIX_MAX_BYTES, SOLVERS, type Solved, type SolverName, type SolverOption } from './solvers.js';
import { sspSolve } from './ssp.js';

export { SIMPLEX_MAX_ENTRIES } from './solvers.js';

export interface WassersteinOptions extends ProgressOptions {
  /** Exponent of the ground cost ‖x − y‖^p, p ≥ 1 (wasserstein: default 2; wasserstein1 fixes p = 1). */
  p?: number;
  /** Weights of X (n probabilities summing to 1); uniform 1/n by default. */
  a?: ArrayLike<number>;
  /** Weights of Y (m probabilities summing to 1); uniform 1/m by default. */
  b?: ArrayLike<number>;
  /** 'auto' (default, see docs/algorithms/wasserstein.md "Choice rule"), or force one solver:
   *  'simplex' (network simplex, dense matrix), 'auction' (n = m, uniform weights, memory
   *  O(n·d)), 'ssp' (successive shortest paths, dense matrix; an independent cross-check). */
  solver?: SolverOption;
}

/** A sparse transport plan: mass[k] goes from X[rows[k]] to Y[cols[k]]. */
export interface TransportPlan {
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly mass: Float64Array;
}

export interface WassersteinResult {
  /** The distance W_p (in the units of the coordinates). */
  readonly value: number;
  /** The optimal transport cost min ⟨P, C⟩ = W_p^p, in units of lengthUnit^p. */
  readonly transportCost: number;
  /** 1 when transportCost and potentials are in the caller's cost units; else (they would over-
   *  or underflow, e.g. coordinates 1e150 with p = 3) the length L they are measured in: the
   *  cost is (‖x − y‖/L)^p. */
  readonly lengthUnit: number;
  readonly p: number;
  /** An optimal plan (n entries in the assignment case; typically ≤ n + m − 1 otherwise). */
  readonly plan: TransportPlan;
  /** Kantorovich potentials: f_i + g_j ≤ ‖x_i − y_j‖^p, Σ a f + Σ b g = transportCost. */
  readonly potentials: { readonly f: Float64Array; readonly g: Float64Array };
  /** |⟨P, C⟩ − (Σ a f + Σ b g)| / ⟨P, C⟩ (true costs). */
  readonly dualityGap: number;
  /** max(0, max_ij (f_i + g_j − C_ij)) / ⟨P, C⟩. */
  readonly dualInfeasibility: number;
  /** The problem kind: 'assignment' (n = m, uniform weights) or 'transport'. */
  readonly method: 'assignment' | 'transport';
  /** The solver that produced the plan. */
  readonly solver: SolverName;
  /** 'optimal' (every result is certified; failures are typed errors). */
  readonly status: 'optimal';
  /** One line: solver, rounds, certificate. */
  readonly message: string;
  /** Pivots (simplex), augmentations (ssp) or polish augmentations (auction) of the last round. */
  readonly iterations: number;
  /** Rescaling rounds (1 unless the problem was badly scaled; see the module comment). */
  readonly rounds: number;
}

/** The optimal cost (in L-units) from which a round's answer is accepted. */
const WELL_CONDITIONED = 1e-3;
/** The clamp of later rounds, × max(n, m) (an arc of an optimal plan costs ≤ 1/its mass). */
const CLAMP_FACTOR = 4;
const MAX_ROUNDS = 40;
/** Relative duality gap and infeasibility (in the solver's units) a round must reach. */
const CERTIFIED = 1e-9;

/** Exact W₁ (Euclidean ground cost): `wasserstein(X, Y, { ...options, p: 1 })`. */
export function wasserstein1(X: PointsLike, Y: PointsLike, options?: Omit<WassersteinOptions, 'p'>): WassersteinResult {
  const o = asOptions(options);
  return drive(exactGen(plan(X, Y, 1, o, 'wasserstein1')), o, 'wasserstein1');
}

/** Exact W_p between weighted point clouds (p = 2 by default). */
export function wasserstein(X: PointsLike, Y: PointsLike, options?: WassersteinOptions): WassersteinResult {
  const o = asOptions(options);
  return drive(exactGen(plan(X, Y, o.p === undefined ? 2 : asExponent('options.p', o.p), o, 'wasserstein')), o, 'wasserstein');
}

/** `wasserstein1` that yields to the event loop between chunks of pivots. */
export async function wasserstein1Async(X: PointsLike, Y: PointsLike, options?: Omit<WassersteinOptions, 'p'>): Promise<WassersteinResult> {
  const o = asOptions(options);
  const pl = plan(X, Y, 1, o, 'wasserstein1Async');
  return driveAsync(() => exactGen(pl), o, 'wasserstein1Async');
}

/** `wasserstein` that yields to the event loop between chunks of pivots. */
export async function wassersteinAsync(X: PointsLike, Y: PointsLike, options?: WassersteinOptions): Promise<WassersteinResult> {
  const o = asOptions(options);
  const pl = plan(X, Y, o.p === undefined ? 2 : asExponent('options.p', o.p), o, 'wassersteinAsync');
  return driveAsync(() => exactGen(pl), o, 'wassersteinAsync');
}

interface Plan {
  x: PointCloud;
  y: PointCloud;
  p: number;
  /** Probability weights of all points. */
  aw: Float64Array;
  bw: Float64Array;
  /** Kept (positive-weight) points and their masses in solver units. */
  keepA: Int32Array;
  keepB: Int32Array;
  ma: Float64Array;
  mb: Float64Array;
  total: number;
  massTolerance: number;
  method: 'assignment' | 'transport';
  solver: SolverName;
  option: SolverOption;
  fn: string;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

function positive(w: Float64Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < w.length; i++) if (w[i] > 0) out.push(i);
  return Int32Array.from(out);
}

/** Validates everything and fixes the problem before any allocation of its size. */
function plan(X: PointsLike, Y: PointsLike, p: number, o: WassersteinOptions, fn: string): Plan {
  checkProgressOptions(o);
  const [x, y] = asCloudPair(X, Y);
  const n = x.n, m = y.n;
  const a = asWeights('options.a', o.a, n), b = asWeights('options.b', o.b, m);
  const option = checkOneOf('options.solver', o.solver ?? 'auto', ['auto', 'simplex', 'auction', 'ssp'] as const);
  const uniform = !a && !b;
  const solver = chooseSolver(option, n, m, uniform, p);
  const aw = a ?? new Float64Array(n).fill(1 / n), bw = b ?? new Float64Array(m).fill(1 / m);
  if (uniform) {
    const g = gcd(n, m);
    const unitsA = m / g, unitsB = n / g;
    if (unitsA * n > 2 ** 52) {
      throw new InvalidArgumentError('X.n × Y.n', `${n} × ${m}`, 'sizes whose least common multiple is below 2^52 (exact integer masses)', 'pass explicit weights options.a / options.b');
    }
    return { x, y, p, aw, bw, keepA: range(n), keepB: range(m), ma: new Float64Array(n).fill(unitsA), mb: new Float64Array(m).fill(unitsB), total: unitsA * n, massTolerance: 0.5, method: n === m ? 'assignment' : 'transport', solver, option, fn };
  }
  // Points of zero weight carry no mass: solve without them, then give them c-transform potentials.
  const keepA = positive(aw), keepB = positive(bw);
  let sa = 0, sb = 0;
  for (const i of keepA) sa += aw[i];
  for (const j of keepB) sb += bw[j];
  const ma = Float64Array.from(keepA, (i) => aw[i]);
  const mb = Float64Array.from(keepB, (j) => (bw[j] * sa) / sb); // equal totals up to rounding
  return { x, y, p, aw, bw, keepA, keepB, ma, mb, total: 1, massTolerance: 1e-14, method: 'transport', solver, option, fn };
}

function sub(c: PointCloud, keep: Int32Array): PointCloud {
  if (keep.length === c.n) return c;
  const data = new Float64Array(keep.length * c.d);
  for (let k = 0; k < keep.length; k++) data.set(c.data.subarray(keep[k] * c.d, (keep[k] + 1) * c.d), k * c.d);
  return { n: keep.length, d: c.d, data };
}

function* exactGen(pl: Plan): Generator<number, WassersteinResult> {
  const { p, fn } = pl;
  const n = pl.x.n, m = pl.y.n;
  const frame = frameOf([pl.x, pl.y], pl.x.d);
  const xk = sub(pl.x, pl.keepA), yk = sub(pl.y, pl.keepB);
  let t = 1, clamp = Infinity, rounds = 0, uncertified = 0, solver = pl.solver;
  let sol: Solved, primal: number, L: number, xs: PointCloud, ys: PointCloud;
  for (;;) {
    rounds++;
    L = frame.H > 0 ? frame.H * t : 1;
    xs = rescale(xk, frame, L);
    ys = rescale(yk, frame, L);
    const pr = { x: xs, y: ys, p, a: pl.ma, b: pl.mb, clamp, massTolerance: pl.massTolerance, maxDistance: 2 / t, fn };
    sol = (yield* SOLVERS[solver](pr)) ?? (yield* sspSolve(pr));
    // the plan's true cost in L-units (unclamped), and whether it used a clamped arc
    primal = 0;
    let clamped = false;
    for (let k = 0; k < sol.mass.length; k++) {
      const c = distP(xs, sol.rows[k], ys, sol.cols[k], p);
      if (c >= clamp) clamped = true;
      primal += (sol.mass[k] / pl.total) * c;
    }
    if (clamped) {
      clamp *= 100;
      if (clamp > 1e16 || rounds >= MAX_ROUNDS) throw new ConvergenceError(fn, `the optimal plan keeps using arcs costlier than ${clamp / 100} times the optimum after ${rounds} rescaling rounds`, 'pass explicit weights without tiny masses, or a smaller p');
      continue;
    }
    // the certificate in L-units (per unit mass: potentials do not depend on the mass unit)
    let dual = 0;
    for (let i = 0; i < sol.u.length; i++) dual += (pl.ma[i] / pl.total) * sol.u[i];
    for (let j = 0; j < sol.v.length; j++) dual += (pl.mb[j] / pl.total) * sol.v[j];
    const ref = primal > 0 ? primal : 1;
    const certified = Math.abs(primal - dual) <= CERTIFIED * ref && sol.violation <= CERTIFIED * ref;
    // well conditioned: the optimum is not far below the largest entry the solver worked with
    // (that entry sets its tolerance and the size of its potentials); in clamped rounds the
    // clamp is needed anyway and the optimum is O(1) by construction
    const top = clamp < Infinity ? 1 : Math.max(1, sol.cmax);
    if (primal === 0) {
      // either the measures coincide (every arc of the plan has length 0: W_p = 0), or every cost
      // of the optimal plan underflowed in these units (large p, or W ≪ diameter): the next round
      // takes its longest arc as the unit, so that arc costs 1
      let far = 0;
      for (let k = 0; k < sol.rows.length; k++) if (sol.mass[k] > 0) far = Math.max(far, distP(xs, sol.rows[k], ys, sol.cols[k], 1));
      if (far === 0) break;
      if (rounds >= MAX_ROUNDS) throw new ConvergenceError(fn, `every cost of the optimal plan underflows (p = ${p}) over ${rounds} rescaling rounds`, 'use a smaller p');
      t *= unitStep(far, p);
      clamp = CLAMP_FACTOR * Math.max(n, m);
      if (solver === 'auction' && pl.option === 'auto' && 8 * n * m <= MATRIX_MAX_BYTES) solver = 'simplex';
      yield 0.5;
      continue;
    }
    if (primal >= WELL_CONDITIONED * top && certified) break;
    if (!certified && primal >= WELL_CONDITIONED * top && ++uncertified > 3) {
      throw new ConvergenceError(fn, `no certified optimum after ${rounds} rescaling rounds (solver '${solver}', duality gap ${(Math.abs(primal - dual) / primal).toExponential(1)})`, "use solver 'simplex' or 'ssp' (where the n × m matrix fits) or a smaller p");
    }
    if (rounds >= MAX_ROUNDS) throw new ConvergenceError(fn, `the value estimate kept decreasing over ${rounds} rescaling rounds`, "report this input; pass solver 'ssp' as a cross-check");
    t *= unitStep(Math.pow(primal, 1 / p), p);
    clamp = CLAMP_FACTOR * Math.max(n, m);
    // the auction has no clamp: where the matrix fits, later rounds take the simplex
    if (solver === 'auction' && pl.option === 'auto' && 8 * n * m <= MATRIX_MAX_BYTES) solver = 'simplex';
    yield 0.5;
  }
  return finish(pl, sol, xs, ys, L, primal, rounds);
}

/**
 * The factor of the next round's length unit. For p ≤ 8 a power of two (so the rescaled
 * coordinates are exact and small distances between large coordinates keep every bit; costs grow
 * by at most 2^p ≤ 256 over the ideal unit); for larger p the exact factor (a power of two could
 * raise costs by 2^p, past the clamp that keeps the optimum O(1)).
 */
function unitStep(x: number, p: number): number {
  return p <= 8 ? pow2Below(x) : x;
}

function finish(pl: Plan, sol: Solved, xs: PointCloud, ys: PointCloud, L: number, primal: number, rounds: number): WassersteinResult {
  const { p, keepA, keepB } = pl;
  const n = pl.x.n, m = pl.y.n;
  // potentials per unit mass (the same whatever the mass unit), mapped back to all points
  const f = new Float64Array(n).fill(NaN), g = new Float64Array(m).fill(NaN);
  for (let k = 0; k < keepA.length; k++) f[keepA[k]] = sol.u[k];
  for (let k = 0; k < keepB.length; k++) g[keepB[k]] = sol.v[k];
  // c-transforms for points of zero weight (feasible; they add 0 to the dual objective)
  if (keepA.length < n || keepB.length < m) {
    const frame = frameOf([pl.x, pl.y], pl.x.d);
    const xa = rescale(pl.x, frame, L), ya = rescale(pl.y, frame, L);
    for (let i = 0; i < n; i++) {
      if (!Number.isNaN(f[i])) continue;
      let best = Infinity;
      for (let j = 0; j < m; j++) if (!Number.isNaN(g[j])) best = Math.min(best, distP(xa, i, ya, j, p) - g[j]);
      f[i] = best;
    }
    for (let j = 0; j < m; j++) {
      if (!Number.isNaN(g[j])) continue;
      let best = Infinity;
      for (let i = 0; i < n; i++) best = Math.min(best, distP(xa, i, ya, j, p) - f[i]);
      g[j] = best;
    }
  }
  let dual = 0;
  for (let i = 0; i < n; i++) if (pl.aw[i] > 0) dual += pl.aw[i] * f[i];
  for (let j = 0; j < m; j++) if (pl.bw[j] > 0) dual += pl.bw[j] * g[j];
  // relative to the transport cost; when it is 0, absolute in the frame's units (costs ≤ 2^p)
  const ref = primal > 0 ? primal : 1;
  const dualityGap = Math.abs(primal - dual) / ref;
  const dualInfeasibility = Math.max(0, sol.violation) / ref;
  const value = lengthFromCost(L, primal, p, 'X');
  const user = toUserUnits([f, g, Float64Array.of(primal)], L, p);
  const [F, G, cost] = user ?? [f, g, Float64Array.of(primal)];
  const mass = Float64Array.from(sol.mass, (t) => t / pl.total);
  const rows = keepA.length === n ? sol.rows : Int32Array.from(sol.rows, (r) => keepA[r]);
  const cols = keepB.length === m ? sol.cols : Int32Array.from(sol.cols, (c) => keepB[c]);
  return {
    value,
    transportCost: cost[0],
    lengthUnit: user ? 1 : L,
    p,
    plan: { rows, cols, mass },
    potentials: { f: F, g: G },
    dualityGap,
    dualInfeasibility,
    method: pl.method,
    solver: sol.solver,
    status: 'optimal',
    message: `optimal (${sol.solver}, ${rounds} rescaling round${rounds > 1 ? 's' : ''}): duality gap ${dualityGap.toExponential(1)}, dual infeasibility ${dualInfeasibility.toExponential(1)} relative to the transport cost`,
    iterations: sol.iterations,
    rounds,
  };
}
