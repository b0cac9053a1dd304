/**
 * ℓ¹-minimal representation of N data pairs by a shallow ReLU network,
 *   f(x) = Σ_j w_j relu(⟨a_j, x⟩ + b_j),  (a_j, b_j) ∈ Ω = unit ball of R^{d+1},
 * problems (P₀)/(P_ε) and their relaxations over measures (PR₀)/(PR_ε) of the survey
 * (arXiv 2510.03303, §2.4–2.5, Thm 2.1; Liu & Zuazua arXiv 2412.01619). The algorithm as
 * implemented (column generation with exact pricing in d ≤ 3, the dual certificate, the basic
 * solution with ≤ N atoms) is docs/algorithms/shallow.md.
 */
import { CapacityError, InconsistentDataError, InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { checkAbort, runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import { checkSeed, createRng } from '../rng.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloud, asOptions, checkCount, checkFinite, checkOneOf, checkProgressOptions, checkTolerance } from '../validate.js';
import { highsSolver, initShallow, lpFailure, NeuronLP } from './lp.js';
import { priceExact, priceLocalSearch, pricingObjective, type PricingResult } from './pricing.js';

export const SHALLOW_METHODS = ['columnGeneration', 'dictionary'] as const;
export type ShallowMethod = (typeof SHALLOW_METHODS)[number];
export const SHALLOW_PRICING = ['auto', 'exact', 'localSearch'] as const;
export type ShallowPricing = (typeof SHALLOW_PRICING)[number];

export interface NeuronDictionary {
  /** Input weights, P × d (rows or row-major). */
  a: PointsLike;
  /** Biases, P. */
  b: ArrayLike<number>;
}

export interface ShallowRepresentOptions extends ProgressOptions {
  /** Fit tolerance ε ≥ 0: 0 is (P₀) (exact representation), ε > 0 is (P_ε). Default 0. */
  epsilon?: number;
  /** 'columnGeneration' (default): (PR_ε) over all of Ω; 'dictionary': the LP on `dictionary` only. */
  method?: ShallowMethod;
  /** Candidate neurons (each ‖(a_j, b_j)‖ ≤ 1). Required for 'dictionary'; warm start for 'columnGeneration'. */
  dictionary?: NeuronDictionary;
  /** Stop when the priced max |Σ λ_i relu(⟨a, x_i⟩ + b)| ≤ 1 + tolerance (relative gap ≈ tolerance). Default 1e-9. */
  tolerance?: number;
  /** 'auto' (default): exact when d ≤ 2, or d = 3 with N ≤ 300; 'localSearch' otherwise. */
  pricing?: ShallowPricing;
  /** Column-generation rounds. Default 500. */
  maxIterations?: number;
  /** Neurons added per round (the best distinct priced ones). Default max(10, ⌈N/3⌉). */
  columnsPerIteration?: number;
  /** Random starts of the local-search pricing. Default 64 + 4(d+1). */
  starts?: number;
  /** Column generation's warm start: random hinges through each data point (default 4 per point; 0 = none). */
  initialPerPoint?: number;
  /** Seed of the local-search starts and the warm start. Default 0. */
  seed?: number;
}

export type ShallowStatus = 'optimal' | 'maxIterations' | 'stalled';

export interface ShallowRepresentation {
  /** The network: a (P × d row-major), b (P), w (P); P = number of atoms (≤ N). */
  network: { a: Float64Array; b: Float64Array; w: Float64Array; P: number; d: number };
  /** Primal value Σ |w_j| of the returned network (it satisfies the constraints, see diagnostics.maxError). */
  value: number;
  /** Certified lower bound on val(PR_ε) (column generation) or on the dictionary LP ('dictionary'). */
  dual: number;
  /** value − dual (≥ 0 up to rounding). */
  gap: number;
  /**
   * The dual certificate λ (one per row of X; 0 on rows merged into an equal earlier input),
   * scaled so that max over the priced set of |Σ_i λ_i relu(⟨a, x_i⟩ + b)| ≤ 1 on the unit sphere
   * of (a, b); dual = Σ_i (λ_i > 0 ? λ_i (y_i − ε) : λ_i (y_i + ε)) (merged rows: their common interval).
   */
  multipliers: Float64Array;
  status: ShallowStatus;
  message: string;
  /** Column-generation rounds (LP solves). */
  iterations: number;
  diagnostics: ShallowDiagnostics;
}

export interface ShallowDiagnostics {
  N: number;
  d: number;
  epsilon: number;
  /** Atoms of the returned (basic) solution; ≤ N (Thm 2.1). */
  atoms: number;
  /** atoms < N: an exact/ε representation with fewer neurons than data. */
  condensation: boolean;
  /** max_i |f(x_i) − y_i|, f evaluated independently of the LP. */
  maxError: number;
  /** The check maxError ≤ ε + 1e-9·max(1, max|y|). */
  represents: boolean;
  /** Columns (signed neurons) in the final LP. */
  columns: number;
  /** max over the priced set of |Σ λ_i relu(⟨z, x̂_i⟩)| at the final duals (the certificate; ≤ 1 + tolerance when optimal). */
  priced: number;
  /** 'sphere' (exact pricing: the dual bound holds for all of Ω), 'searched' (local search: only on the points searched), 'dictionary'. */
  certificate: 'sphere' | 'searched' | 'dictionary';
  pricing: 'exact' | 'localSearch' | 'none';
  /** Inputs merged because they were equal (with consistent labels). */
  merged: number;
  simplexIterations: number;
  /** ‖λ‖₁ of the certified (scaled) dual vector; 1/‖λ₀‖₁ is the ε* = 0 threshold of Thm 2.2 (src/shallow/bound.ts). */
  dualNorm: number;
  /** Seconds in HiGHS and in pricing. */
  lpSeconds: number;
  pricingSeconds: number;
  note?: string;
}

interface Prepared {
  N: number;
  d: number;
  D: number;
  X: PointCloud;
  y: Float64Array;
  /** merged rows */
  M: number;
  xh: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  eps: number;
  /** representative original row of each merged row */
  rep: Int32Array;
}

function prepare(X: PointsLike, y: ArrayLike<number>, eps: number): Prepared {
  const cloud = asCloud(X, 'X', { minPoints: 1 });
  if (!(Array.isArray(y) || ArrayBuffer.isView(y))) throw new InvalidArgumentError('y', y, `an array of ${cloud.n} labels`);
  const yy = y as ArrayLike<number>;
  if (yy.length !== cloud.n) throw new ShapeMismatchError('y', `length ${yy.length}`, `length N = ${cloud.n} (one label per row of X)`);
  for (let i = 0; i < yy.length; i++) if (typeof yy[i] !== 'number') throw new InvalidArgumentError(`y[${i}]`, yy[i], 'a number');
  const yv = Float64Array.from(yy);
  checkFinite(yv, 'y');
  const { n: N, d, data } = cloud;
  // merge equal inputs; labels must agree (within 2ε)
  const order = Array.from({ length: N }, (_, i) => i).sort((p, q) => {
    for (let k = 0; k < d; k++) {
      const t = data[p * d + k] - data[q * d + k];
      if (t !== 0) return t;
    }
    return p - q;
  });
  const D = d + 1;
  const xs: number[] = [], lo: number[] = [], hi: number[] = [], rep: number[] = [];
  let M = 0;
  for (let s = 0; s < N; s++) {
    const i = order[s];
    let same = false;
    if (s > 0) {
      const p = order[s - 1];
      same = true;
      for (let k = 0; k < d; k++) if (data[p * d + k] !== data[i * d + k]) { same = false; break; }
    }
    if (same) {
      const l = Math.max(lo[M - 1], yv[i] - eps), h = Math.min(hi[M - 1], yv[i] + eps);
      if (l > h) {
        // find the first member of the group with a conflicting label
        let j = order[s - 1];
        for (let t = s - 1; t >= 0; t--) {
          const q = order[t];
          let eq = true;
          for (let k = 0; k < d; k++) if (data[q * d + k] !== data[i * d + k]) { eq = false; break; }
          if (!eq) break;
          if (Math.abs(yv[q] - yv[i]) > 2 * eps) { j = q; break; }
        }
        const [u, v] = j < i ? [j, i] : [i, j];
        throw new InconsistentDataError(
          'X, y',
          `rows ${u} and ${v} have the same input but labels ${yv[u]} and ${yv[v]} (no function fits both${eps > 0 ? ` within ε = ${eps}` : ''})`,
          [u, v],
          eps > 0 ? 'remove one of the two rows or raise epsilon to at least half the label difference' : 'remove one of the two rows, or pass epsilon > 0 to allow an approximate fit',
        );
      }
      lo[M - 1] = l;
      hi[M - 1] = h;
      continue;
    }
    for (let k = 0; k < d; k++) xs.push(data[i * d + k]);
    xs.push(1);
    rep.push(i);
    lo.push(yv[i] - eps);
    hi.push(yv[i] + eps);
    M++;
  }
  if (eps === 0) for (let r = 0; r < M; r++) hi[r] = lo[r]; // exact equality rows
  return { N, d, D, X: cloud, y: yv, M, xh: Float64Array.from(xs), lo: Float64Array.from(lo), hi: Float64Array.from(hi), eps, rep: Int32Array.from(rep) };
}

/**
 * A feasible start with M neurons: along a direction u separating the (distinct) inputs,
 * t_i = ⟨u, x_i⟩ sorted; the constant neuron (0, 1) and hinges relu(t − t_(k)), k < M − 1,
 * interpolate any labels (a triangular system), so the first LP is feasible.
 */
function startingNeurons(p: Prepared): Float64Array[] {
  const { M, d, D, xh } = p;
  const out: Float64Array[] = [];
  const c = new Float64Array(D);
  c[d] = 1;
  out.push(c);
  if (M === 1) return out;
  // direction with distinct projections: try a few deterministic directions
  const rng = createRng(12345);
  for (let attempt = 0; attempt < 50; attempt++) {
    const u = rng.unitVector(d);
    const t = new Float64Array(M);
    for (let i = 0; i < M; i++) for (let k = 0; k < d; k++) t[i] += u[k] * xh[i * D + k];
    const s = Array.from(t).sort((p1, q1) => p1 - q1);
    let scale = 0;
    for (const v of s) scale = Math.max(scale, Math.abs(v));
    let minGap = Infinity;
    for (let k = 1; k < M; k++) minGap = Math.min(minGap, s[k] - s[k - 1]);
    if (!(minGap > 1e-9 * Math.max(scale, 1e-300))) continue;
    for (let k = 0; k < M - 1; k++) {
      const z = new Float64Array(D);
      for (let j = 0; j < d; j++) z[j] = u[j];
      z[d] = -s[k];
      const n = Math.hypot(...z);
      for (let j = 0; j < D; j++) z[j] /= n;
      out.push(z);
    }
    return out;
  }
  throw new InconsistentDataError('X', 'the inputs are too close to each other to be separated numerically', [], 'rescale X or merge near-duplicate inputs');
}

/**
 * A cheap warm start (docs/algorithms/shallow.md): `k` hinges per data point, relu(⟨u, x − x_i⟩)
 * with random unit u, normalised onto the sphere. Not needed for correctness (the pricing is
 * global); it cuts the number of rounds spent leaving the poor starting basis.
 */
function hingeNeurons(p: Prepared, k: number, rng: ReturnType<typeof createRng>): Float64Array[] {
  const { M, d, D, xh } = p;
  const out: Float64Array[] = [];
  for (let i = 0; i < M; i++) {
    for (let t = 0; t < k; t++) {
      const u = rng.unitVector(d);
      const z = new Float64Array(D);
      let s = 0;
      for (let c = 0; c < d; c++) { z[c] = u[c]; s += u[c] * xh[i * D + c]; }
      z[d] = -s;
      const n = Math.hypot(...z);
      for (let c = 0; c < D; c++) z[c] /= n;
      out.push(z);
    }
  }
  return out;
}

function readDictionary(dict: NeuronDictionary | undefined, d: number): Float64Array[] {
  if (dict === undefined) return [];
  if (typeof dict !== 'object' || dict === null) throw new InvalidArgumentError('options.dictionary', dict, 'an object { a: P × d, b: P }');
  const A = asCloud(dict.a, 'options.dictionary.a', { d, minPoints: 1 });
  const b = dict.b;
  if (!(Array.isArray(b) || ArrayBuffer.isView(b))) throw new InvalidArgumentError('options.dictionary.b', b, `an array of ${A.n} biases`);
  if ((b as ArrayLike<number>).length !== A.n) throw new ShapeMismatchError('options.dictionary.b', `length ${(b as ArrayLike<number>).length}`, `length P = ${A.n}`);
  const bv = Float64Array.from(b as ArrayLike<number>);
  checkFinite(bv, 'options.dictionary.b');
  const out: Float64Array[] = [];
  for (let j = 0; j < A.n; j++) {
    const z = new Float64Array(d + 1);
    for (let k = 0; k < d; k++) z[k] = A.data[j * d + k];
    z[d] = bv[j];
    const n = Math.hypot(...z);
    if (n > 1 + 1e-9) {
      throw new InvalidArgumentError(`options.dictionary (neuron ${j})`, n, '‖(a_j, b_j)‖ ≤ 1 (Ω is the unit ball of R^{d+1})', 'normalise the neurons, e.g. divide (a_j, b_j) by its norm (the network is positively homogeneous)');
    }
    out.push(z);
  }
  return out;
}

/** f(x_i) = Σ_j w_j relu(⟨a_j, x_i⟩ + b_j), evaluated directly (no code shared with the LP). */
export function evaluateShallow(network: { a: ArrayLike<number>; b: ArrayLike<number>; w: ArrayLike<number> }, X: PointsLike): Float64Array {
  const cloud = asCloud(X, 'X');
  const { n, d, data } = cloud;
  const P = network.w.length;
  if (network.a.length !== P * d) throw new ShapeMismatchError('network.a', `length ${network.a.length}`, `P·d = ${P}·${d}`);
  if (network.b.length !== P) throw new ShapeMismatchError('network.b', `length ${network.b.length}`, `P = ${P}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let j = 0; j < P; j++) {
      let s = network.b[j];
      for (let k = 0; k < d; k++) s += network.a[j * d + k] * data[i * d + k];
      if (s > 0) f += network.w[j] * s;
    }
    out[i] = f;
  }
  return out;
}

const MAX_NONZEROS = 2e8;
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;

function* represent(X: PointsLike, y: ArrayLike<number>, options: ShallowRepresentOptions | undefined, fn: string): Generator<number, ShallowRepresentation> {
  const o = asOptions(options);
  checkProgressOptions(o);
  const eps = checkTolerance('options.epsilon', o.epsilon, 0);
  const method = o.method === undefined ? 'columnGeneration' : checkOneOf('options.method', o.method, SHALLOW_METHODS);
  const tol = checkTolerance('options.tolerance', o.tolerance, 1e-9, { max: 1 });
  const pricingOpt = o.pricing === undefined ? 'auto' : checkOneOf('options.pricing', o.pricing, SHALLOW_PRICING);
  const maxIterations = o.maxIterations === undefined ? 500 : checkCount('options.maxIterations', o.maxIterations, 1);
  const seed = o.seed === undefined ? 0 : checkSeed(o.seed, 'options.seed');
  const p = prepare(X, y, eps);
  const { M, d, D, xh } = p;
  const columnsPerIteration = o.columnsPerIteration === undefined ? Math.max(10, Math.ceil(M / 3)) : checkCount('options.columnsPerIteration', o.columnsPerIteration, 1);
  const starts = o.starts === undefined ? 64 + 4 * D : checkCount('options.starts', o.starts, 1);
  const initialPerPoint = o.initialPerPoint === undefined ? 4 : checkCount('options.initialPerPoint', o.initialPerPoint, 0, 1000);
  const dict = readDictionary(o.dictionary, d);
  if (method === 'dictionary' && dict.length === 0) {
    throw new InvalidArgumentError('options.dictionary', o.dictionary, "neurons { a, b } for method 'dictionary'", "pass a dictionary or use method 'columnGeneration'");
  }
  if (dict.length * M * 2 > MAX_NONZEROS) {
    throw new CapacityError('options.dictionary', dict.length * M * 2 * 12, `the LP would have ${dict.length * M * 2} nonzeros; pass fewer neurons or use method 'columnGeneration'`);
  }
  let pricing: 'exact' | 'localSearch' | 'none' = 'none';
  if (method === 'columnGeneration') {
    if (pricingOpt === 'exact') {
      if (d > 3) throw new InvalidArgumentError('options.pricing', 'exact', "'auto' or 'localSearch' when d > 3", 'exact pricing enumerates C(N, d−1) great circles; it is offered for d ≤ 3');
      pricing = 'exact';
    } else if (pricingOpt === 'localSearch') pricing = 'localSearch';
    else pricing = d <= 2 || (d === 3 && M <= 300) ? 'exact' : 'localSearch';
  }
  const h = highsSolver(fn);
  const lp = new NeuronLP(h, xh, M, D, p.lo, p.hi);
  try {
    if (method === 'columnGeneration') {
      lp.addNeurons(startingNeurons(p));
      lp.addNeurons(hingeNeurons(p, initialPerPoint, createRng(seed + 1)));
    }
    lp.addNeurons(dict);
    const rng = createRng(seed);
    let iterations = 0;
    let status: ShallowStatus = 'maxIterations';
    let last: { w: Float64Array; lambda: Float64Array; objective: number; simplexIterations: number } | null = null;
    let priced: PricingResult | null = null;
    let simplexIterations = 0;
    let stall = 0;
    let lpSeconds = 0, pricingSeconds = 0;
    let prevObjective = Infinity;
    for (;;) {
      let t0 = now();
      const st = lp.solve();
      lpSeconds += now() - t0;
      iterations++;
      if (st.name !== 'optimal') {
        if (st.name === 'infeasible' && method === 'dictionary') {
          throw new InconsistentDataError('options.dictionary', `the LP on the ${dict.length} given neurons is infeasible (HiGHS status 'infeasible'): no combination of them fits the data${eps > 0 ? ` within ε = ${eps}` : ''}`, [], "add neurons (every input must be active for some neuron, and the features must span the labels) or use method 'columnGeneration'");
        }
        throw lpFailure(st.name, `round ${iterations}`);
      }
      last = lp.solution();
      simplexIterations += last.simplexIterations;
      if (method === 'dictionary') { status = 'optimal'; break; }
      yield Math.min(0.99, iterations / maxIterations);
      checkAbort(o.signal, fn);
      t0 = now();
      priced = pricing === 'exact'
        ? priceExact(xh, M, D, last.lambda, 1 + tol, columnsPerIteration)
        : priceLocalSearch(xh, M, D, last.lambda, 1 + tol, columnsPerIteration, rng, starts, lp.neurons.slice(-columnsPerIteration));
      pricingSeconds += now() - t0;
      if (priced.value <= 1 + tol) { status = 'optimal'; break; }
      if (iterations >= maxIterations) break;
      if (last.objective >= prevObjective * (1 - 1e-15)) stall++;
      else stall = 0;
      prevObjective = last.objective;
      if (stall >= 5) { status = 'stalled'; break; }
      // keep the LP small: drop neurons at 0 whose dual slack is large (|Σ λ_i relu| < 1/2);
      // they can come back through the pricing, which is global
      if (lp.neurons.length > 4 * M) {
        const drop = new Uint8Array(lp.neurons.length);
        for (let j = 0; j < lp.neurons.length; j++) {
          if (last.w[j] !== 0) continue;
          const f = lp.features(lp.neurons[j]);
          let g = 0;
          for (let i = 0; i < M; i++) g += last.lambda[i] * f[i];
          if (lp.signs[j] * g < 0.5) drop[j] = 1;
        }
        lp.dropNeurons(drop);
      }
      const cols = priced.columns.length ? priced.columns : [priced.z];
      lp.addNeurons(cols, cols.map((z) => (pricingObjective(xh, M, D, last!.lambda, z) >= 0 ? 1 : -1)));
    }
    const sol = last!;
    // the basic solution: atoms with w ≠ 0 (HiGHS returns non-basic columns at exactly 0)
    const atoms: number[] = [];
    for (let j = 0; j < sol.w.length; j++) if (sol.w[j] !== 0) atoms.push(j);
    const P = atoms.length;
    const a = new Float64Array(P * d), b = new Float64Array(P), w = new Float64Array(P);
    atoms.forEach((j, t) => {
      const z = lp.neurons[j];
      for (let k = 0; k < d; k++) a[t * d + k] = z[k];
      b[t] = z[d];
      w[t] = sol.w[j];
    });
    let value = 0;
    for (let t = 0; t < P; t++) value += Math.abs(w[t]);
    const f = evaluateShallow({ a, b, w }, p.X);
    let maxError = 0, ymax = 0;
    for (let i = 0; i < p.N; i++) {
      maxError = Math.max(maxError, Math.abs(f[i] - p.y[i]));
      ymax = Math.max(ymax, Math.abs(p.y[i]));
    }
    const represents = maxError <= eps + 1e-9 * Math.max(1, ymax);
    // dual value of λ: Σ (λ>0 ? λ lo : λ hi), scaled to be feasible over the priced set
    let dualRaw = 0;
    for (let i = 0; i < M; i++) dualRaw += sol.lambda[i] > 0 ? sol.lambda[i] * p.lo[i] : sol.lambda[i] * p.hi[i];
    const pricedMax = priced ? priced.value : 1;
    const dual = method === 'dictionary' ? dualRaw : dualRaw / Math.max(1, pricedMax);
    const gap = value - dual;
    let dualNorm = 0;
    for (let i = 0; i < M; i++) dualNorm += Math.abs(sol.lambda[i]);
    if (method !== 'dictionary') dualNorm /= Math.max(1, pricedMax);
    const multipliers = new Float64Array(p.N);
    const scale = method === 'dictionary' ? 1 : Math.max(1, pricedMax);
    for (let r = 0; r < M; r++) multipliers[p.rep[r]] = sol.lambda[r] / scale;
    const certificate = method === 'dictionary' ? 'dictionary' : pricing === 'exact' && priced?.exact ? 'sphere' : 'searched';
    let message: string;
    if (!represents) {
      message = `the LP solution misses the data by ${maxError} > ε + 1e-9·max(1, max|y|); the data are badly scaled for HiGHS' tolerances — rescale X and y to order 1`;
    } else if (status === 'optimal') {
      message = method === 'dictionary'
        ? `optimal on the ${dict.length}-neuron dictionary (an upper bound on val(PR_ε))`
        : `optimal over Ω: the dual certificate max|Σλ_i relu(⟨a,x_i⟩+b)| = ${pricedMax.toPrecision(12)} ≤ 1 + ${tol} holds ${certificate === 'sphere' ? 'on the whole sphere (exact pricing)' : 'on the points searched (local-search pricing; not a certificate over all of Ω)'}`;
    } else if (status === 'stalled') {
      message = `the LP value stopped decreasing while the priced max is ${pricedMax} > 1 + ${tol}; the dual bound ${dual} still holds — raise tolerance (HiGHS' own tolerances are 1e-10)`;
    } else {
      message = `stopped after ${iterations} rounds with priced max ${pricedMax} > 1 + ${tol}; the dual bound ${dual} holds — raise maxIterations or columnsPerIteration`;
    }
    const note = priced?.note;
    return {
      network: { a, b, w, P, d },
      value,
      dual,
      gap,
      multipliers,
      status,
      message,
      iterations,
      diagnostics: {
        N: p.N, d, epsilon: eps, atoms: P, condensation: P < M, maxError, represents,
        columns: lp.neurons.length, priced: pricedMax, certificate, pricing, merged: p.N - M, simplexIterations, dualNorm, lpSeconds, pricingSeconds,
        ...(note ? { note } : {}),
      },
    };
  } finally {
    lp.dispose();
  }
}

/**
 * Solves (PR_ε) (ε = 0: (PR₀)) by column generation over all of Ω with a dual certificate, or the
 * LP on a given dictionary; returns a basic solution (≤ N atoms), verified on the data.
 * Needs `await initShallow()` once (HiGHS is loaded lazily); `shallowRepresentAsync` does it itself.
 */
export function shallowRepresent(X: PointsLike, y: ArrayLike<number>, options?: ShallowRepresentOptions): ShallowRepresentation {
  const o = asOptions(options);
  return runSync(represent(X, y, o, 'shallowRepresent'), o, 'shallowRepresent');
}

/** Async variant: loads HiGHS if needed, yields to the event loop between rounds; onProgress, signal. */
export async function shallowRepresentAsync(X: PointsLike, y: ArrayLike<number>, options?: ShallowRepresentOptions): Promise<ShallowRepresentation> {
  const o = asOptions(options);
  checkProgressOptions(o);
  await initShallow();
  return runAsync(represent(X, y, o, 'shallowRepresentAsync'), o, 'shallowRepresentAsync');
}
