/**
 * The exact-OT solver registry: what a solver gets (`Problem`: rescaled clouds, masses, the
 * cost's clamp), what it returns (`Solved`: a plan and potentials with their certificate on the
 * solver's matrix), and the rule that picks one (docs/algorithms/wasserstein.md, "Choice rule").
 */
import { CapacityError, InvalidArgumentError } from '../errors.js';
import type { PointCloud } from '../types.js';
import { auctionSolve } from './auction.js';
import { simplexSolve } from './simplex.js';
import { sspSolve } from './ssp.js';

export type SolverName = 'simplex' | 'auction' | 'ssp';
export type SolverOption = 'auto' | SolverName;

export interface Problem {
  /** Rescaled clouds (coordinates (x − c)/L). */
  readonly x: PointCloud;
  readonly y: PointCloud;
  readonly p: number;
  /** Masses (integer units for uniform weights, else probabilities; equal totals). */
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** Costs above `clamp` are stored as `clamp` (a lower bound: certificates stay valid). */
  readonly clamp: number;
  /** Masses below this count as zero in SSP (0.5 for integer units). */
  readonly massTolerance: number;
  /** Upper bound of the distances on the rescaled clouds. */
  readonly maxDistance: number;
  /** The public function, for messages. */
  readonly fn: string;
}

export interface Solved {
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  /** In the problem's mass units. */
  readonly mass: Float64Array;
  /** Potentials in the rescaled cost units: u_i + v_j ≤ C_ij. */
  readonly u: Float64Array;
  readonly v: Float64Array;
  /** max_ij (u_i + v_j − C_ij) and max_ij C_ij on the solver's (clamped) matrix. */
  readonly violation: number;
  readonly cmax: number;
  /** Pivots (simplex), augmentations (ssp), polish augmentations (auction). */
  readonly iterations: number;
  readonly solver: SolverName;
}

export type SolverRun = (pr: Problem) => Generator<number, Solved | null>;

export const SOLVERS: Record<SolverName, SolverRun> = { simplex: simplexSolve, auction: auctionSolve, ssp: sspSolve };

/** Largest dense cost matrix the automatic choice gives the network simplex (25·10⁶ entries =
 *  200 MB, n = m = 5000) when the auction can serve instead. Measured (Gaussian clouds, d = 2,
 *  release build): n = m = 1000 simplex 0.044 s vs auction 0.144 s; 2000: 0.21 s vs 0.54 s. */
export const SIMPLEX_MAX_ENTRIES = 25_000_000;
/** Largest dense cost matrix at all (3 GiB of the 4 GiB WebAssembly memory). */
export const MATRIX_MAX_BYTES = 3 * 2 ** 30;

/**
 * The choice rule: 'auto' takes the network simplex while the n × m matrix has at most
 * SIMPLEX_MAX_ENTRIES entries, or when the auction cannot serve (weights given, n ≠ m, or
 * p > 2, where its prices span too many orders of magnitude); otherwise the auction. The matrix
 * solvers are refused up front with CapacityError when 8·n·m bytes exceed MATRIX_MAX_BYTES.
 */
export function chooseSolver(option: SolverOption, n: number, m: number, uniform: boolean, p: number): SolverName {
  const assignment = uniform && n === m;
  if (option === 'auction' && !assignment) {
    throw new InvalidArgumentError('options.solver', option, "'auto', 'simplex' or 'ssp' here", 'the auction solves equal sizes with uniform weights only (omit options.a / options.b)');
  }
  const solver: SolverName = option !== 'auto' ? option : assignment && n * m > SIMPLEX_MAX_ENTRIES && (p <= 2 || 8 * n * m > MATRIX_MAX_BYTES) ? 'auction' : 'simplex';
  if (solver !== 'auction' && 8 * n * m > MATRIX_MAX_BYTES) {
    throw new CapacityError('X.n × Y.n', 8 * n * m, assignment
      ? "the dense cost matrix does not fit; use solver 'auction' (memory O(n·d)) or fewer points"
      : 'the dense cost matrix does not fit; use fewer points, sinkhorn on a subsample, or slicedWasserstein');
  }
  return solver;
}
