/**
 * Exact Wasserstein distances between weighted point clouds.
 *
 *   W_p(μ, ν)^p = min_{P ≥ 0, P1 = a, Pᵀ1 = b} Σ_ij P_ij ‖x_i − y_j‖^p
 *              = max_{u_i + v_j ≤ ‖x_i − y_j‖^p} Σ a_i u_i + Σ b_j v_j     (Kantorovich duality)
 *
 * μ = Σ a_i δ_{x_i}, ν = Σ b_j δ_{y_j}. For p = 1 this is the Kantorovich–Rubinstein
 * distance W₁ of seed 002, Thm 2.2 (generalization bound) — the quantity POT's `emd2` returns
 * for `M = ot.dist(X, Y, 'euclidean')`.
 *
 * Solvers (chosen automatically — see SIMPLEX_MAX_ENTRIES — all exact and certified):
 *  - equal sizes n = m with uniform weights whose cost matrix would exceed SIMPLEX_MAX_ENTRIES
 *    (or options.solver = 'auction') — the assignment problem:
 *    ε-scaling auction with costs computed on the fly from the coordinates, then an exact
 *    shortest-augmenting-path polish warm-started at the auction prices (assembly/auction.ts,
 *    twin src/kernels/auction.ts). Memory O(n·d): no cost matrix, so n = m = 10⁴ runs in
 *    about 1 MB of arena (x, y, transposed y, prices, labels). Measured (bench/wasserstein, Gaussian clouds, d = 2, 2-core machine at load
 *    1–2): n = 1000 0.089 s (POT emd2 incl. its cost matrix 0.112 s), 2000 0.51 s (POT 0.44 s),
 *    10⁴ 21 s in 1.07 MiB of arena. Worst case seen: all x_i equal (every row bids alike, a
 *    price war bounded by ε-scaling) n = 1000 ≈ 1.3–2.9 s.
 *  - everything else (weights given, n ≠ m, or a matrix that fits): the transportation network simplex on the
 *    dense cost matrix (assembly/network_simplex.ts, twin src/kernels/network_simplex.ts):
 *    strongly feasible spanning-tree bases (Cunningham 1976), block-search pricing over whole
 *    rows (Kelly & O'Neill 1991; LEMON / POT's emd use the same rule), potentials recomputed
 *    from the final tree. Uniform weights are passed as integers (each x_i carries m/g, each
 *    y_j n/g units, g = gcd(n, m)) so every pivot moves whole units; general weights are
 *    floating-point masses. Memory: the n × m matrix (8·n·m bytes) plus O(n + m). Measured
 *    (test/wasserstein/network_simplex.test.ts, Gaussian clouds, d = 2, p = 2, single runs on
 *    the shared 2-core machine under load): 135 × 1009 0.012–0.019 s on the debug WASM build,
 *    0.04 s on the TS twin (5.7k pivots); 675 × 5041 0.6 s debug WASM (46k pivots). The
 *    previous solver, successive shortest paths (assembly/emd.ts, `solver: 'ssp'`), takes
 *    2.2 s (WASM) / 11 s (twin) and ~4 min there: with n ≠ m most of its searches scan most
 *    rows. Release build (bench/wasserstein section E, W₁, Gaussian clouds, same run, load
 *    ~1.5): 135 × 1009 0.011 s (POT emd2 0.018 s, SSP 4.9 s), 675 × 5041 0.43 s (POT 0.81 s,
 *    TS twin 0.85 s). Should the simplex stop at its pivot cap (100·(n + m) + 10⁴, never
 *    seen), SSP finishes the problem.
 *
 * Every answer carries its certificate: the dual potentials (u, v) with u_i + v_j ≤ C_ij and
 * Σ a_i u_i + Σ b_j v_j = ⟨P, C⟩; `dualityGap` and `dualInfeasibility` report how well
 * floating point kept both (dual feasibility is measured over all n·m pairs, on the fly for the
 * assignment solver).
 */
import { FlowsteerError, InvalidArgumentError } from '../errors.js';
import { costMatrixJS } from '../kernels/cost.js';
import { emdJS, type EmdSolution } from '../kernels/emd.js';
import { nsPlanFromTree, nsSolveJS } from '../kernels/network_simplex.js';
import { auctionDualViolationJS, auctionJS } from '../kernels/auction.js';
import { wasmRuntime, type WasmRuntime } from '../runtime/loader.js';
import { withArena } from '../flow/flow.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloudPair, asExponent, asWeights } from './common.js';

export interface WassersteinOptions {
  /** Exponent of the ground cost ‖x − y‖^p, p ≥ 1 (wasserstein: default 2; wasserstein1 fixes p = 1). */
  p?: number;
  /** Weights of X (n probabilities summing to 1); uniform 1/n by default. */
  a?: ArrayLike<number>;
  /** Weights of Y (m probabilities summing to 1); uniform 1/m by default. */
  b?: ArrayLike<number>;
  /** 'auto' (default): the network simplex while the dense cost matrix has at most
   *  SIMPLEX_MAX_ENTRIES entries (it is the fastest: n = m = 2000 in ≈ 0.2 s, 2–3× the auction),
   *  beyond that the auction for n = m with uniform weights (memory O(n·d)), else the simplex;
   *  'auction': force the auction (n = m, uniform weights only); 'simplex' / 'ssp': that
   *  transport solver for every problem (the dense n × m matrix; 'ssp' = successive shortest
   *  paths, kept as an independent cross-check). */
  solver?: 'auto' | 'auction' | 'simplex' | 'ssp';
}

/** A sparse transport plan: mass[k] goes from X[rows[k]] to Y[cols[k]]. */
export interface TransportPlan {
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly mass: Float64Array;
}

export interface WassersteinResult {
  /** W_p = cost^{1/p}. */
  readonly value: number;
  /** The optimal transport cost min ⟨P, C⟩ = W_p^p. */
  readonly cost: number;
  readonly p: number;
  /** An optimal plan (n entries in the assignment case; typically ≤ n + m − 1 otherwise). */
  readonly plan: TransportPlan;
  /** Kantorovich potentials for the cost ‖x − y‖^p: u_i + v_j ≤ C_ij, Σ a u + Σ b v = cost. */
  readonly potentials: { readonly u: Float64Array; readonly v: Float64Array };
  /** |⟨P, C⟩ − (Σ a u + Σ b v)| / max(1, |⟨P, C⟩|). */
  readonly dualityGap: number;
  /** max(0, max_ij (u_i + v_j − C_ij)) / max(1, max C): how far the potentials are from feasible. */
  readonly dualInfeasibility: number;
  /** The problem kind: 'assignment' (n = m, uniform weights) or 'transport' (weights given or n ≠ m). */
  readonly method: 'assignment' | 'transport';
  /** The solver that ran: 'auction' (+ exact polish), 'simplex' (network simplex) or 'ssp'. */
  readonly solver: 'auction' | 'simplex' | 'ssp';
  /** Work count: network simplex pivots ('simplex'); shortest augmenting paths run by SSP
   *  ('ssp') or by the exact polish after the auction ('auction': rows whose auctioned column
   *  was not tight). */
  readonly augmentations: number;
}

interface TransportKernels {
  costMatrix(x: number, n: number, y: number, m: number, d: number, p: number, out: number, ld: number, scratch: number): void;
  costScratchBytes(m: number, d: number): number;
  emdSolve(C: number, n: number, m: number, resA: number, resB: number, tol: number, piRow: number, piCol: number, eRow: number, eCol: number, eNext: number, eFlow: number, cap: number, scratch: number, info: number): number;
  emdScratchBytes(n: number, m: number): number;
  emdDualViolation(C: number, n: number, m: number, piRow: number, piCol: number, out: number): void;
  nsScratchBytes(n: number, m: number): number;
  nsSolve(C: number, n: number, m: number, a: number, b: number, tolR: number, maxPivots: number, parent: number, arc: number, up: number, flow: number, pi: number, scratch: number, info: number): number;
  auctionScratchBytes(n: number, d: number): number;
  auctionAssign(x: number, y: number, n: number, d: number, p: number, eps0: number, epsFinal: number, factor: number, col4row: number, u: number, v: number, scratch: number, info: number): number;
  auctionDualViolation(x: number, n: number, y: number, m: number, d: number, p: number, u: number, v: number, scratch: number, out: number): void;
}

/** A solution plus its feasibility certificate on the (positive-weight) subproblem. */
type Solved = EmdSolution & { violation: number; cmax: number; solver: 'auction' | 'simplex' | 'ssp' };

function dualViolationJS(C: Float64Array, n: number, m: number, piRow: Float64Array, piCol: Float64Array): [number, number] {
  let worst = -Infinity, cmax = -Infinity;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const c = C[i * m + j];
      worst = Math.max(worst, -piRow[i] + piCol[j] - c);
      cmax = Math.max(cmax, c);
    }
  }
  return [worst, cmax];
}

/** Exact W₁ (Euclidean ground cost): `wasserstein(X, Y, { ...options, p: 1 })`. */
export function wasserstein1(X: PointsLike, Y: PointsLike, options: Omit<WassersteinOptions, 'p'> = {}): WassersteinResult {
  return wassersteinImpl(X, Y, 1, options, 'wasserstein1');
}

/** Exact W_p between weighted point clouds (p = 2 by default). */
export function wasserstein(X: PointsLike, Y: PointsLike, options: WassersteinOptions = {}): WassersteinResult {
  const p = options.p === undefined ? 2 : asExponent('options.p', options.p);
  return wassersteinImpl(X, Y, p, options, 'wasserstein');
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Largest dense cost matrix the automatic choice gives the network simplex (25·10⁶ entries =
 *  200 MB, n = m = 5000); larger equal-size uniform problems go to the auction (O(n·d) memory).
 *  Measured (Gaussian clouds, d = 2, release build, 2-core machine at load ≈ 2): n = m = 1000
 *  simplex 0.044 s vs auction 0.144 s; 2000: 0.21 s vs 0.54 s (POT emd2 ≈ 0.47 s). */
export const SIMPLEX_MAX_ENTRIES = 25_000_000;

function wassersteinImpl(X: PointsLike, Y: PointsLike, p: number, options: WassersteinOptions, fn: string): WassersteinResult {
  const [x, y] = asCloudPair(X, Y);
  const n = x.n, m = y.n;
  const a = asWeights('options.a', options.a, n);
  const b = asWeights('options.b', options.b, m);
  const solver = options.solver ?? 'auto';
  if (solver !== 'auto' && solver !== 'auction' && solver !== 'simplex' && solver !== 'ssp') {
    throw new InvalidArgumentError('options.solver', solver, "'auto', 'auction', 'simplex' or 'ssp'", "'auto' picks the fastest exact solver that fits in memory");
  }
  if (solver === 'auction' && (a || b || n !== m)) {
    throw new InvalidArgumentError('options.solver', solver, "'auto', 'simplex' or 'ssp' here", "the auction solves equal sizes with uniform weights only (omit options.a / options.b)");
  }
  const transport: 'simplex' | 'ssp' = solver === 'ssp' ? 'ssp' : 'simplex';
  const auction = solver === 'auction' || (solver === 'auto' && n * m > SIMPLEX_MAX_ENTRIES);
  const rt = wasmRuntime(fn);
  if (!a && !b && n === m && auction) {
    const sol = solveAssignment(rt, x, y, p);
    return finish(sol, x, y, p, new Float64Array(n).fill(1 / n), new Float64Array(m).fill(1 / m), n, 'assignment');
  }
  if (!a && !b) {
    const g = gcd(n, m);
    const unitsA = m / g, unitsB = n / g;
    if (unitsA * n > 2 ** 52) throw new FlowsteerError('INVALID_ARGUMENT', `${fn}: n·m = ${n * m} is too large for exact integer masses; pass explicit weights options.a / options.b`, { parameter: 'X' });
    const sol = solve(rt, x, y, p, new Float64Array(n).fill(unitsA), new Float64Array(m).fill(unitsB), 0.5, null, null, transport);
    const total = unitsA * n;
    return finish(sol, x, y, p, new Float64Array(n).fill(1 / n), new Float64Array(m).fill(1 / m), total, n === m ? 'assignment' : 'transport');
  }
  const aw = a ?? new Float64Array(n).fill(1 / n);
  const bw = b ?? new Float64Array(m).fill(1 / m);
  // Points of zero weight carry no mass: solve without them, then give them c-transform potentials.
  const keepA = indicesPositive(aw), keepB = indicesPositive(bw);
  let sa = 0, sb = 0;
  for (const i of keepA) sa += aw[i];
  for (const j of keepB) sb += bw[j];
  const ra = Float64Array.from(keepA, (i) => aw[i]);
  const rb = Float64Array.from(keepB, (j) => (bw[j] * sa) / sb); // equal totals up to rounding
  const sol = solve(rt, sub(x, keepA), sub(y, keepB), p, ra, rb, 1e-14, keepA, keepB, transport);
  return finish(sol, x, y, p, aw, bw, 1, 'transport', keepA, keepB);
}

/**
 * Final auction ε = AUCTION_EPS_FINAL · scale / n. The polish makes the result exact whatever ε
 * is; a smaller ε leaves fewer rows for the shortest-path polish (O(n·d) per scanned row) and
 * costs more auction phases. Measured (Gaussian clouds, d = 2, n = 1000 / 2000): 1e-2 → 37k /
 * 100k bids + 6.8k / 21k polish row scans; 1e-7 → 62k / 179k bids + 1.2k / 2.6k scans (slower);
 * 1 → 19k / 46k bids + 49k / 147k scans (slower).
 */
const AUCTION_EPS_FINAL = 1e-2;

/** First auction ε (× scale) and its reduction per phase (Bertsekas recommends 4–10; measured
 *  on Gaussian clouds, d = 2, n = 1000–2000: 5 and 8 within noise of each other). */
const AUCTION_EPS0 = 0.25;
const AUCTION_FACTOR = 5;

/** Upper bound of max_ij ‖x_i − y_j‖^p: the p-th power of the joint bounding box's diagonal. */
function costScale(x: PointCloud, y: PointCloud, p: number): number {
  const d = x.d;
  let s = 0;
  for (let k = 0; k < d; k++) {
    let lo = Infinity, hi = -Infinity;
    for (const c of [x, y]) {
      for (let i = 0; i < c.n; i++) {
        const t = c.data[i * d + k];
        if (t < lo) lo = t;
        if (t > hi) hi = t;
      }
    }
    s += (hi - lo) * (hi - lo);
  }
  const r = Math.sqrt(s);
  const scale = p === 1 ? r : p === 2 ? s : Math.pow(r, p);
  return scale > 0 && Number.isFinite(scale) ? scale : 1;
}

/** Equal sizes, uniform weights: auction + exact polish with costs on the fly (memory O(n·d)). */
function solveAssignment(rt: WasmRuntime | null, x: PointCloud, y: PointCloud, p: number): Solved {
  const n = x.n, d = x.d;
  const scale = costScale(x, y, p);
  const epsFinal = scale * AUCTION_EPS_FINAL / n;
  const eps0 = scale * AUCTION_EPS0, factor = AUCTION_FACTOR;
  let col4row: Int32Array, u: Float64Array, v: Float64Array, augmentations: number, violation: number, cmax: number;
  if (!rt) {
    const s = auctionJS(x.data, y.data, n, d, p, eps0, epsFinal, factor);
    [violation, cmax] = auctionDualViolationJS(x.data, n, y.data, n, d, p, s.u, s.v);
    ({ col4row, u, v } = s);
    augmentations = s.polishAugmentations;
  } else {
    const k = rt.exports as unknown as TransportKernels;
    const me = (n + 1) & ~1;
    [col4row, u, v, augmentations, violation, cmax] = withArena(rt, () => {
      const ar = rt.arena;
      const px = ar.pushF64(x.data, 'X'), py = ar.pushF64(y.data, 'Y');
      const pc = ar.alloc(n * 4), pu = ar.allocF64(n), pv = ar.allocF64(me);
      const ps = ar.alloc(k.auctionScratchBytes(n, d));
      const info = ar.allocF64(4);
      k.auctionAssign(px, py, n, d, p, eps0, epsFinal, factor, pc, pu, pv, ps, info);
      const aug = ar.f64[(info >>> 3) + 2];
      k.auctionDualViolation(px, n, py, n, d, p, pu, pv, ps, info);
      const f64 = ar.f64;
      return [
        ar.i32.slice(pc >>> 2, (pc >>> 2) + n),
        f64.slice(pu >>> 3, (pu >>> 3) + n),
        f64.slice(pv >>> 3, (pv >>> 3) + n),
        aug, f64[info >>> 3], f64[(info >>> 3) + 1],
      ] as const;
    });
  }
  return {
    rows: Int32Array.from({ length: n }, (_, i) => i),
    cols: col4row,
    mass: new Float64Array(n).fill(1),
    piRow: u.map((t) => -t),
    piCol: v,
    status: 0,
    augmentations,
    violation,
    cmax,
    solver: 'auction',
  };
}

function indicesPositive(w: Float64Array): Int32Array {
  let k = 0;
  for (let i = 0; i < w.length; i++) if (w[i] > 0) k++;
  const out = new Int32Array(k);
  k = 0;
  for (let i = 0; i < w.length; i++) if (w[i] > 0) out[k++] = i;
  return out;
}

function sub(c: PointCloud, keep: Int32Array): PointCloud {
  if (keep.length === c.n) return c;
  const data = new Float64Array(keep.length * c.d);
  for (let k = 0; k < keep.length; k++) data.set(c.data.subarray(keep[k] * c.d, (keep[k] + 1) * c.d), k * c.d);
  return { n: keep.length, d: c.d, data };
}

/** Reduced costs above −NS_TOL·max C count as ≥ 0 (rounding of the tree arcs' zero). */
const NS_TOL = 1e-14;

/** Network simplex on the dense cost matrix; null if it hit its pivot cap (then SSP runs). */
function solveSimplex(rt: WasmRuntime | null, x: PointCloud, y: PointCloud, p: number, a: Float64Array, b: Float64Array): Solved | null {
  const n = x.n, m = y.n, d = x.d;
  const maxPivots = 100 * (n + m) + 1e4;
  if (!rt) {
    const C = costMatrixJS(x.data, n, y.data, m, d, p);
    const t = nsSolveJS(C, n, m, a, b, NS_TOL, maxPivots);
    if (t.status !== 0) return null;
    const s = nsPlanFromTree(C, n, m, t.parent, t.arc, t.up, t.flow, 0);
    const [violation, cmax] = dualViolationJS(C, n, m, s.piRow, s.piCol);
    return { ...s, status: 0, augmentations: t.pivots, violation, cmax, solver: 'simplex' };
  }
  const k = rt.exports as unknown as TransportKernels;
  return withArena(rt, (): Solved | null => {
    const ar = rt.arena;
    const me = (m + 1) & ~1, N = n + me + 1;
    const C = ar.allocF64(n * m + 2, 'cost matrix (n·m doubles)');
    const px = ar.pushF64(x.data), py = ar.pushF64(y.data);
    const cs = ar.alloc(k.costScratchBytes(m, d));
    k.costMatrix(px, n, py, m, d, p, C, m, cs);
    const pa = ar.pushF64(a), pb = ar.pushF64(b);
    const parent = ar.alloc(N * 4), arc = ar.alloc(N * 4), up = ar.alloc(N * 4);
    const flow = ar.allocF64(N), pi = ar.allocF64(N);
    const scratch = ar.alloc(k.nsScratchBytes(n, m));
    const info = ar.allocF64(4);
    const status = k.nsSolve(C, n, m, pa, pb, NS_TOL, maxPivots, parent, arc, up, flow, pi, scratch, info);
    if (status !== 0) return null;
    const pivots = ar.f64[info >>> 3];
    const i32 = ar.i32, f64 = ar.f64;
    const s = nsPlanFromTree(
      f64.subarray(C >>> 3, (C >>> 3) + n * m), n, m,
      i32.slice(parent >>> 2, (parent >>> 2) + N), i32.slice(arc >>> 2, (arc >>> 2) + N),
      Uint8Array.from(i32.subarray(up >>> 2, (up >>> 2) + N)), f64.slice(flow >>> 3, (flow >>> 3) + N), 0,
    );
    // certificate on the same matrix, by the SSP module's kernel (piCol padded to even length)
    const ppr = ar.pushF64(s.piRow), ppc = ar.allocF64(me);
    ar.f64.set(s.piCol, ppc >>> 3);
    if (me > m) ar.f64[(ppc >>> 3) + m] = 0;
    k.emdDualViolation(C, n, m, ppr, ppc, info);
    return { ...s, status: 0, augmentations: pivots, violation: ar.f64[info >>> 3], cmax: ar.f64[(info >>> 3) + 1], solver: 'simplex' };
  });
}

/** Runs the solver on (sub)clouds; maps rows/cols back through keepA/keepB. */
function solve(rt: WasmRuntime | null, x: PointCloud, y: PointCloud, p: number, a: Float64Array, b: Float64Array, tol: number, keepA: Int32Array | null, keepB: Int32Array | null, solver: 'simplex' | 'ssp'): Solved {
  const n = x.n, m = y.n, d = x.d;
  let sol: Solved;
  const ns = solver === 'simplex' ? solveSimplex(rt, x, y, p, a, b) : null;
  if (ns) {
    sol = ns;
  } else if (!rt) {
    const C = costMatrixJS(x.data, n, y.data, m, d, p);
    const s = emdJS(C, n, m, a, b, tol);
    const [violation, cmax] = dualViolationJS(C, n, m, s.piRow, s.piCol);
    sol = { ...s, violation, cmax, solver: 'ssp' };
  } else {
    const k = rt.exports as unknown as TransportKernels;
    let cap = 4 * (n + m) + 16;
    for (;;) {
      const got = withArena(rt, (): Solved | null => {
        const ar = rt.arena;
        const me = (m + 1) & ~1;
        const C = ar.allocF64(n * m + 2, 'cost matrix (n·m doubles)');
        const px = ar.pushF64(x.data), py = ar.pushF64(y.data);
        const cs = ar.alloc(k.costScratchBytes(m, d));
        k.costMatrix(px, n, py, m, d, p, C, m, cs);
        const ra = ar.pushF64(a), rb = ar.pushF64(b);
        const piRow = ar.allocF64(n), piCol = ar.allocF64(me);
        const eRow = ar.alloc(cap * 4), eCol = ar.alloc(cap * 4), eNext = ar.alloc(cap * 4), eFlow = ar.allocF64(cap);
        const scratch = ar.alloc(k.emdScratchBytes(n, m));
        const info = ar.allocF64(4);
        const status = k.emdSolve(C, n, m, ra, rb, tol, piRow, piCol, eRow, eCol, eNext, eFlow, cap, scratch, info);
        if (status === 2) return null;
        const used = ar.f64[info >>> 3], augmentations = ar.f64[(info >>> 3) + 1];
        k.emdDualViolation(C, n, m, piRow, piCol, info);
        const f64 = ar.f64, i32 = ar.i32;
        const R: number[] = [], Cc: number[] = [], M: number[] = [];
        for (let e = 0; e < used; e++) {
          const f = f64[(eFlow >>> 3) + e];
          if (f > 0) {
            R.push(i32[(eRow >>> 2) + e]);
            Cc.push(i32[(eCol >>> 2) + e]);
            M.push(f);
          }
        }
        return {
          rows: Int32Array.from(R),
          cols: Int32Array.from(Cc),
          mass: Float64Array.from(M),
          piRow: f64.slice(piRow >>> 3, (piRow >>> 3) + n),
          piCol: f64.slice(piCol >>> 3, (piCol >>> 3) + m),
          status,
          augmentations,
          violation: f64[info >>> 3],
          cmax: f64[(info >>> 3) + 1],
          solver: 'ssp',
        };
      });
      if (got) {
        sol = got;
        break;
      }
      cap *= 4;
    }
  }
  if (sol.status !== 0) {
    throw new FlowsteerError('INCONSISTENT_DATA', 'the transport solver was left with supply no column could take: the weights options.a and options.b must have equal totals', { parameter: 'options.b' });
  }
  if (keepA || keepB) {
    const rows = keepA ? Int32Array.from(sol.rows, (r) => keepA[r]) : sol.rows;
    const cols = keepB ? Int32Array.from(sol.cols, (c) => keepB[c]) : sol.cols;
    return { ...sol, rows, cols };
  }
  return sol;
}

function distP(x: PointCloud, i: number, y: PointCloud, j: number, p: number): number {
  let s = 0;
  for (let k = 0; k < x.d; k++) {
    const t = x.data[i * x.d + k] - y.data[j * y.d + k];
    s = s + t * t;
  }
  return p === 2 ? s : p === 1 ? Math.sqrt(s) : Math.pow(Math.sqrt(s), p);
}

/** Scales the plan to probabilities, fills potentials of dropped points, computes certificates. */
function finish(
  sol: Solved, x: PointCloud, y: PointCloud, p: number, a: Float64Array, b: Float64Array, total: number,
  method: 'assignment' | 'transport', keepA?: Int32Array, keepB?: Int32Array,
): WassersteinResult {
  const n = x.n, m = y.n;
  const mass = Float64Array.from(sol.mass, (t) => t / total);
  let cost = 0;
  for (let k = 0; k < mass.length; k++) cost += mass[k] * distP(x, sol.rows[k], y, sol.cols[k], p);
  // Potentials per unit of mass are the same whatever the unit: u = −πrow, v = πcol.
  const u = new Float64Array(n).fill(NaN), v = new Float64Array(m).fill(NaN);
  if (keepA && keepA.length !== n) for (let k = 0; k < keepA.length; k++) u[keepA[k]] = -sol.piRow[k];
  else for (let i = 0; i < n; i++) u[i] = -sol.piRow[i];
  if (keepB && keepB.length !== m) for (let k = 0; k < keepB.length; k++) v[keepB[k]] = sol.piCol[k];
  else for (let j = 0; j < m; j++) v[j] = sol.piCol[j];
  // c-transforms for points of zero weight (feasible, and they add 0 to the dual objective).
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(u[i])) continue;
    let best = Infinity;
    for (let j = 0; j < m; j++) if (!Number.isNaN(v[j])) best = Math.min(best, distP(x, i, y, j, p) - v[j]);
    u[i] = best;
  }
  for (let j = 0; j < m; j++) {
    if (!Number.isNaN(v[j])) continue;
    let best = Infinity;
    for (let i = 0; i < n; i++) best = Math.min(best, distP(x, i, y, j, p) - u[i]);
    v[j] = best;
  }
  let dual = 0;
  for (let i = 0; i < n; i++) dual += a[i] * u[i];
  for (let j = 0; j < m; j++) dual += b[j] * v[j];
  const dualityGap = Math.abs(cost - dual) / Math.max(1, Math.abs(cost));
  // Feasibility was measured on the matrix the solver used; the c-transforms of zero-weight
  // points are feasible by construction.
  const worst = Math.max(0, sol.violation), cmax = Math.max(0, sol.cmax);
  const value = p === 1 ? cost : Math.pow(Math.max(cost, 0), 1 / p);
  return {
    value,
    cost,
    p,
    plan: { rows: sol.rows, cols: sol.cols, mass },
    potentials: { u, v },
    dualityGap,
    dualInfeasibility: worst / Math.max(1, cmax),
    method,
    solver: sol.solver,
    augmentations: sol.augmentations,
  };
}
