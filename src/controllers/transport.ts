/**
 * Transport of measures by neural ODEs: controls that push an empirical measure onto the uniform
 * law of the unit cube, and one empirical measure onto another.
 *
 * The theorem (Álvarez-López, Hadj Slimane, Zuazua, "Interplay between depth and width for
 * interpolation in neural ODEs", arXiv 2401.09902, Neural Networks 180 (2024); survey arXiv
 * 2510.03303 §3.4, eq. 3.16): for μ0 compactly supported and absolutely continuous,
 * any width p and ε > 0 there are piecewise-constant controls θ with W_q(Φ_T(·; θ)#μ0, U([0,1]^d)) < ε
 * and a number of switches L = O(1 + (p ε^d)^{−1}). The proof has three steps, implemented here
 * as docs/algorithms/transport.md derives them:
 *
 *   Step 1  compress μ0 into the cube: per coordinate two P2 neurons (w = ∓λ_k e_k, a = ±e_k,
 *           b = ∓½) give the affine map x_k ↦ ½ + (x_k − ½) e^{−λ_k}, λ_k = ln(R_k / 0.49),
 *           R_k = max |x_k − ½| over the samples — 2d neurons, ⌈2d/p⌉ layers. (Per coordinate
 *           rather than one λ for all: same count, better-conditioned later cuts; λ_k < 0, an
 *           expansion, when the samples already sit well inside the cube.)
 *   Step 2  the source partition: n^d rectangles of equal μ-mass, cut level by level
 *           (x_1 at its quantiles, x_2 at the conditional quantiles inside each x_1-slab, …;
 *           ./measure-partition.ts); the target partition is the grid of cubes of side 1/n.
 *   Step 3  level k aligns coordinate x_k inside every cell already aligned in x_1..x_{k−1}:
 *           k = 1: n one-neuron P2 dilations about (m−1)/n (m = 1..n) send the m-th cut to m/n;
 *           k ≥ 2: stack the n^{k−1} cells along x_k by a P1 shear
 *             x_k += Σ_{l<k} H n^{l−1} stair(x_l)        (2(n−1)(k−1) neurons),
 *           each step of a stair a pair of ramps rising across the middle half of the empty
 *           gap between the samples on either side of the grid line i/n (a band ±δ around i/n
 *           with one global δ would also do; per-line bands are as wide as the data allow,
 *           so the weights H n^{l−1}/width stay as small as possible),
 *           dilate each cell with a three-neuron tent (linear on the cell, zero outside its
 *           slot; ⌊p/3⌋ cells a layer, n rounds), and unstack with the negated shear.
 *
 * Switch count (derived, exact; `uniformTransportLayers`): with n = ⌈√d/ε⌉
 *
 *   layers = ⌈2d/p⌉ + n + Σ_{k=2}^{d} ( 2⌈2(n−1)(k−1)/p⌉ + n⌈n^{k−1}/⌊p/3⌋⌉ ),   L = layers − 1,
 *
 * term by term the three steps above, ≈ 3n^d/p + lower order = O(1 + (√d/ε)^d / p): the
 * theorem's ε^{−d}/p rate. It does not depend on q. Why n = ⌈√d/ε⌉: when every grid cube
 * receives mass n^{−d}, coupling inside each cube moves mass at most its diameter √d/n, so
 * W_q ≤ √d/n ≤ ε for every q ≥ 1. For M samples the cube counts are ⌊M/n^d⌋ or ⌈M/n^d⌉ (equal
 * when n^d divides M); `bound` certifies the actual counts: √d/n + O(n^{d−1}/M) otherwise (see
 * `countBound`).
 *
 * The survey's transcription states L = ⌈2d/p⌉ + ⌈(p−d+1)^{−1}(3^{1+d/q}√d/ε)^{d/(1+d/q−d)}⌉ − 1 for q ∈ [1, d/(d−1));
 * as transcribed its exponent is not positive for q ≥ d/(d−1) (probably mis-transcribed).
 * `seedSwitches` returns it where it is defined, for comparison;
 * the construction here needs far fewer switches (e.g. d = 2, ε = 0.1, p = 3: 261 vs ≈ 7·10^4).
 *
 * Transport between two measures (docs/algorithms/transport.md): run the construction for μ0
 * (flow Φ0) and for μ1 (flow Φ1) with the same n and cell numbering, and follow Φ0 by the
 * inverse of Φ1 — the flow of the negated field with the layers in reverse order. Every sample
 * of μ0 in source cell J lands in grid cube J and then in μ1's cell J. The strips in which Φ1's
 * shears are not constant are placed between the samples of both clouds, so that no image of
 * μ0 falls into one (the proviso of §B3, enforced here rather than assumed). The error is then
 * governed by the size of μ1's cells, not by ε alone: small where μ1 has a density bounded
 * below on a box, larger in the tails of, e.g., a Gaussian (whose outer cells are long).
 *
 * Numerics: the closed-form flows (./layer-flow.ts) carry the samples during the construction;
 * the flow engine's 'exact' method reproduces them to ~1e−8 and RK4 does too with enough steps
 * per layer — RK4's error must stay below `clearance`, the distance from the samples to the
 * shear bands, which shrinks like the gaps between samples (≈ 1e−7 for M = 10^5).
 */
import { CapacityError, InconsistentDataError, InvalidArgumentError } from '../errors.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import type { Controls, Layer, PointCloud, PointsLike } from '../types.js';
import { asCloud, asOptions, checkBoolean, checkCount, checkPositive, checkProgressOptions, makeControls } from '../validate.js';
import { independentCheckSteps, type IndependentCheck } from '../verify/adaptive.js';
import { summarizeControls } from './describe.js';
import { flowLayerClosedForm, type LayerKind } from './layer-flow.js';
import { equalMassCuts } from './measure-partition.js';

export interface TransportToUniformOptions extends ProgressOptions {
  /** Width p of the neural ODE (neurons per layer), p ≥ 3 (a tent needs three neurons). */
  width: number;
  /** Target accuracy ε > 0 in W_q; sets the grid resolution n = ⌈√d/ε⌉. */
  epsilon: number;
  /** Exponent q ≥ 1 of W_q, used by the certificate `bound` (the construction itself does not depend on q). Default 1. */
  q?: number;
  /** Time horizon T > 0; every layer lasts T / layers. Default 1. */
  T?: number;
  /** Verify with the independent adaptive solver (src/verify/adaptive.ts); default true. */
  verify?: boolean;
}

/** Relative error the independent check must meet for `verification.ok`. */
export const TRANSPORT_TOLERANCE = 1e-6;

export interface TransportDiagnostics {
  /** Switches of the controls (layers − 1). */
  readonly switches: number;
  /**
   * The count this construction is proved to need (derived, docs/algorithms/transport.md):
   * uniformTransportLayers(n, d, p) − 1 per half — Thm 3.4-type rate O(1 + (√d/ε)^d / p) of
   * arXiv 2401.09902; equal to `switches` for transportToUniform.
   */
  readonly theoremSwitches: number;
  /** The survey's transcription of the published formula (null where it is undefined). */
  readonly seedSwitches: number | null;
  /** Grid resolution n = ⌈√d/ε⌉: the target partition is the n^d cubes of side 1/n. */
  readonly resolution: number;
  /** Certified upper bound on W_q (see UniformTransport / MeasureTransport). */
  readonly bound: number;
  /**
   * Smallest distance from a sample's trajectory to a hyperplane of a neuron with w ≠ 0, over the
   * whole flow (the samples' trajectories never cross one), in the units of the unit cube the
   * construction works in. An integrator must keep its error below this.
   */
  readonly clearance: number;
  /** max_t,i |x_i(t)| / max(1, max_i |x_i(0)|): the stacking shears lift cells by up to H·n^{d−1}. */
  readonly excursion: number;
  /** ‖θ‖_BV (eq. 3.11 of arXiv 2510.03303). */
  readonly bvNorm: number;
  readonly verification: {
    /** Independent adaptive solver vs the closed-form `points` (relative to max |coordinate|); null when `verify: false`. */
    readonly independent: IndependentCheck | null;
    readonly tolerance: number;
    readonly ok: boolean;
    readonly message: string;
  };
}

export type TransportOptions = TransportToUniformOptions;

export interface UniformTransport {
  /** The controls; `controls.switches` = uniformTransportLayers(n, d, width) − 1. */
  readonly controls: Controls;
  readonly diagnostics: TransportDiagnostics;
  /** Φ_T(samples), computed with the closed-form flows of the layers (no time steps). */
  readonly points: PointCloud;
  /** Grid resolution n = ⌈√d/ε⌉: the target partition is the n^d cubes of side 1/n. */
  readonly resolution: number;
  /** Samples in each grid cube at time T, cube (i_1..i_d) at index Σ_k i_k n^{k−1}. */
  readonly cellCounts: Int32Array;
  /** Certified upper bound on W_q(ν_T, U([0,1]^d)) from the cube counts (= √d/n when they are equal). */
  readonly bound: number;
  /** The survey's transcribed switch formula for this ε, p, q, d, or null where it is undefined (see module doc). */
  readonly seedSwitches: number | null;
  /**
   * Smallest distance between a sample and a band in which a stacking shear is not constant
   * (the bands sit in the empty gaps between samples, so this is about a quarter of the smallest
   * such gap; Infinity when d = 1 or n = 1). The closed-form and 'exact' flows reproduce `points`
   * to ~1e−9; a time-stepping integrator (RK4) must keep its error well below `clearance`, or
   * a sample can be sheared into the wrong slot.
   */
  readonly clearance: number;
}

export interface MeasureTransport {
  /** Φ0 followed by the inverse of Φ1; switches = L0 + L1 + 1. */
  readonly controls: Controls;
  readonly diagnostics: TransportDiagnostics;
  /** Φ_T(samplesFrom), computed with the closed-form flows. */
  readonly points: PointCloud;
  readonly resolution: number;
  /** Switches of the two halves: μ0 → U (L0) and U → μ1 (L1). */
  readonly switchesToUniform: number;
  readonly switchesFromUniform: number;
  /**
   * Certified upper bound on W_q(Φ_T#ν0, ν1): inside every cell J, mass min(ν0-share, ν1-share)
   * moves at most the diameter of the bounding box of both clouds' samples in J; the rest at
   * most the diameter of the bounding box of everything.
   */
  readonly bound: number;
  /** min of the two halves' `clearance` (see UniformTransport.clearance). */
  readonly clearance: number;
}

/** μ of the tents (docs/algorithms/transport.md): the linear part ends μ above the cell's highest reach. */
const TENT_MARGIN = 0.25;
/** Step 1 maps the samples into [½ − 0.49, ½ + 0.49]^d. */
const CUBE_HALF_WIDTH = 0.49;
/** Refuse constructions larger than this many parameters (W, A, b of all layers). */
const MAX_PARAMETERS = 2 ** 26;
/** … or with more layers than this (≈ 5 s of construction) … */
const MAX_LAYERS = 2 ** 18;
/** … or whose layers and samples need more memory than this (estimate, bytes). */
const MAX_BYTES = 2 ** 29;
/** Largest dimension the counting helpers accept. */
const MAX_D = 1024;

/**
 * Number of layers of the construction (switches = layers − 1) for grid resolution n, dimension
 * d and width p ≥ 3; the formula of the module doc.
 */
export function uniformTransportLayers(n: number, d: number, p: number): number {
  checkCount('n', n, 1);
  checkCount('d', d, 1, MAX_D);
  checkCount('width', p, 3);
  const tentsPerLayer = Math.floor(p / 3);
  let layers = Math.ceil((2 * d) / p) + n;
  for (let k = 2; k <= d; k++) {
    layers += 2 * Math.ceil((2 * (n - 1) * (k - 1)) / p) + n * Math.ceil(n ** (k - 1) / tentsPerLayer);
    if (!(layers <= Number.MAX_SAFE_INTEGER)) {
      throw new InvalidArgumentError('n', n, `a resolution for which the layer count n^d·… stays below 2^53 in d = ${d}`, 'use a coarser grid (larger epsilon) or a smaller dimension');
    }
  }
  return layers;
}

/** Grid resolution n = ⌈√d/ε⌉ for which coupling cube by cube gives W_q ≤ √d/n ≤ ε. */
export function uniformTransportResolution(d: number, epsilon: number): number {
  checkCount('d', d, 1, MAX_D);
  checkPositive('epsilon', epsilon);
  // The tiny relative slack keeps ε = √d/n from rounding up to n + 1.
  const n = Math.max(1, Math.ceil((Math.sqrt(d) / epsilon) * (1 - 1e-12)));
  if (!(n <= 2 ** 31)) throw new InvalidArgumentError('epsilon', epsilon, `at least √d / 2^31 = ${(Math.sqrt(d) / 2 ** 31).toExponential(2)}`, 'the grid resolution n = ⌈√d/ε⌉ must be a representable count');
  return n;
}

/**
 * The survey's transcribed switch count L = ⌈2d/p⌉ + ⌈(p−d+1)^{−1}(3^{1+d/q}√d/ε)^{d/(1+d/q−d)}⌉ − 1, or null
 * where it is undefined (q ≥ d/(d−1), or p < d). Reported for comparison only.
 */
export function seedSwitches(d: number, p: number, q: number, epsilon: number): number | null {
  const expDen = 1 + d / q - d;
  if (!(expDen > 0) || p - d + 1 <= 0) return null;
  const v = Math.ceil((2 * d) / p) + Math.ceil((1 / (p - d + 1)) * Math.pow((3 ** (1 + d / q) * Math.sqrt(d)) / epsilon, d / expDen)) - 1;
  return Number.isFinite(v) ? v : null;
}

interface CheckedOptions {
  p: number;
  epsilon: number;
  q: number;
  T: number;
  signal?: AbortSignal;
}

function checkOptions(options: TransportToUniformOptions): CheckedOptions & { verify: boolean } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new InvalidArgumentError('options', options, 'an options object { width, epsilon, q?, T? }');
  checkProgressOptions(options);
  if (typeof options.width === 'number' && Number.isInteger(options.width) && options.width > 0 && options.width < 3) {
    throw new InvalidArgumentError('options.width', options.width, 'an integer ≥ 3', 'each cell is dilated by a tent of three neurons (docs/algorithms/transport.md), so the construction needs width ≥ 3');
  }
  const p = checkCount('options.width', options.width, 3, 1 << 16);
  const epsilon = checkPositive('options.epsilon', options.epsilon);
  const q = options.q ?? 1;
  if (typeof q !== 'number' || !Number.isFinite(q) || q < 1) throw new InvalidArgumentError('options.q', q, 'a finite number ≥ 1');
  const T = checkPositive('options.T', options.T ?? 1);
  const verify = checkBoolean('options.verify', options.verify, true);
  return { p, epsilon, q, T, verify, signal: options.signal };
}

/**
 * Layer count and memory estimated before anything is allocated (issue 15, "limits"): the
 * layers' arrays plus per-layer object overhead, the samples' copies and the cell bookkeeping.
 */
function checkSize(n: number, d: number, p: number, halves: number, epsilon: number, samples: number): number {
  const layers = halves * layerCount(n, d, p);
  const params = layers * (2 * d * p + p);
  const cells = n ** d;
  const bytes = Math.min(2 ** 60, params * 8 + layers * 400 + samples * d * 8 * 4 + Math.min(cells, 2 ** 50) * 8 * 2);
  if (cells > 2 ** 26 || params > MAX_PARAMETERS || layers > MAX_LAYERS || bytes > MAX_BYTES) {
    // The coarsest grid that fits.
    let nFit = n;
    while (nFit > 1) {
      const l = halves * layerCount(nFit, d, p);
      if (nFit ** d <= 2 ** 26 && l <= MAX_LAYERS && l * (2 * d * p + p) <= MAX_PARAMETERS) break;
      nFit = Math.max(1, Math.min(nFit - 1, Math.floor(nFit * 0.9)));
    }
    const epsFit = Math.sqrt(d) / nFit;
    throw new CapacityError(
      'options.epsilon',
      bytes,
      `epsilon = ${epsilon} needs n = ${n} (n^d = ${cells.toPrecision(3)} cells) and ${layers.toPrecision(7)} layers of width ${p} (limit ${MAX_LAYERS} layers, ${MAX_PARAMETERS} parameters); use epsilon ≥ ${epsFit.toPrecision(3)}, or a larger options.width (the count grows like 3(√d/ε)^d / width)`,
    );
  }
  return layers;
}

/** uniformTransportLayers, or Infinity when the count is not representable. */
function layerCount(n: number, d: number, p: number): number {
  try {
    return uniformTransportLayers(n, d, p);
  } catch {
    return Infinity;
  }
}

/**
 * Controls of width p that steer the empirical measure of `samples` (M × d) to U([0,1]^d)
 * within W_q ≤ ε (exactly: within `diagnostics.bound`, which is √d/n ≤ ε when n^d divides M),
 * with the number of switches of the module doc. The result's `points` are the samples at
 * time T. Layer count and memory are checked before anything is built (CapacityError naming
 * options.epsilon).
 */
export function transportToUniform(samples: PointsLike, options: TransportToUniformOptions): UniformTransport {
  const o = checkOptions(options);
  return runSync(toUniformSteps(samples, o), options, 'transportToUniform');
}

/** transportToUniform, yielding to the event loop (docs/conventions.md, "Long calls"). */
export async function transportToUniformAsync(samples: PointsLike, options: TransportToUniformOptions): Promise<UniformTransport> {
  const o = checkOptions(options);
  return runAsync(toUniformSteps(samples, o), options, 'transportToUniform');
}

function* toUniformSteps(samples: PointsLike, o: CheckedOptions & { verify: boolean; signal?: AbortSignal }): Generator<number, UniformTransport> {
  const cloud = asCloud(samples, 'samples');
  const { p, epsilon, q, T } = o;
  const d = cloud.d, M = cloud.n;
  const n = uniformTransportResolution(d, epsilon);
  const total = checkSize(n, d, p, 1, epsilon, M);
  const x = Float64Array.from(cloud.data);
  const progress = { done: 0, total: o.verify ? total * 1.25 : total };
  const built = yield* buildToUniform(x, M, d, p, n, T / total, null, progress);
  const controls = makeControls({
    d, width: p, layers: built.layers,
    meta: { construction: 'transportToUniform', reference: 'arXiv 2401.09902; docs/algorithms/transport.md', epsilon, q, resolution: n, samples: M },
  });
  const cellCounts = gridCounts(x, M, d, n);
  const independent = o.verify ? yield* independentSteps(controls, cloud.data, x, M, d, o.signal, progress) : null;
  let x0 = 1;
  for (let j = 0; j < M * d; j++) x0 = Math.max(x0, Math.abs(cloud.data[j]));
  return {
    controls,
    points: { n: M, d, data: x },
    resolution: n,
    cellCounts,
    bound: countBound(cellCounts, M, d, n, q),
    seedSwitches: seedSwitches(d, p, q, epsilon),
    clearance: built.clearance,
    diagnostics: diagnosticsOf(controls, controls.switches, {
      seedSwitches: seedSwitches(d, p, q, epsilon), resolution: n, bound: countBound(cellCounts, M, d, n, q),
      clearance: built.stats.clearance, excursion: built.stats.excursion / x0, independent,
    }),
  };
}

/**
 * Controls of width p that steer the empirical measure of `samplesFrom` onto that of
 * `samplesTo` (both M_i × d): μ0 → U([0,1]^d) → μ1, the second half being the inverse flow of
 * the construction for μ1 (docs/algorithms/transport.md). `bound` certifies W_q(Φ_T#ν0, ν1).
 */
export function transport(samplesFrom: PointsLike, samplesTo: PointsLike, options: TransportOptions): MeasureTransport {
  const o = checkOptions(options);
  return runSync(transportSteps(samplesFrom, samplesTo, o), options, 'transport');
}

/** transport, yielding to the event loop (docs/conventions.md, "Long calls"). */
export async function transportAsync(samplesFrom: PointsLike, samplesTo: PointsLike, options: TransportOptions): Promise<MeasureTransport> {
  const o = checkOptions(options);
  return runAsync(transportSteps(samplesFrom, samplesTo, o), options, 'transport');
}

function* transportSteps(samplesFrom: PointsLike, samplesTo: PointsLike, o: CheckedOptions & { verify: boolean; signal?: AbortSignal }): Generator<number, MeasureTransport> {
  const from = asCloud(samplesFrom, 'samplesFrom');
  const to = asCloud(samplesTo, 'samplesTo', { d: from.d });
  const { p, epsilon, q, T } = o;
  const d = from.d;
  const n = uniformTransportResolution(d, epsilon);
  const total = checkSize(n, d, p, 2, epsilon, from.n + to.n);
  const half = total / 2;
  const tau = T / total;
  const progress = { done: 0, total: o.verify ? total * 1.25 : total };
  const y0 = Float64Array.from(from.data);
  const forward = yield* buildToUniform(y0, from.n, d, p, n, tau, null, progress);
  // Φ1 is built on μ1's samples; its shear strips must also avoid the images Φ0(samplesFrom).
  const y1 = Float64Array.from(to.data);
  const backward = yield* buildToUniform(y1, to.n, d, p, n, tau, { data: y0, n: from.n }, progress);
  const inverse: Layer[] = [];
  for (let i = backward.layers.length - 1; i >= 0; i--) {
    const l = backward.layers[i];
    inverse.push({ duration: l.duration, W: l.W.map((v) => -v), A: l.A, b: l.b });
  }
  const layers = [...forward.layers, ...inverse];
  const controls = makeControls({
    d, width: p, layers,
    meta: { construction: 'transport', reference: 'arXiv 2401.09902; docs/algorithms/transport.md (forward construction, then the target\'s reversed)', epsilon, q, resolution: n },
  });
  // Φ0(samplesFrom) sits in the grid cubes; carry it through the reversed layers, measuring the
  // clearance of these trajectories to the reversed layers' hyperplanes as they go.
  const stats = { ...forward.stats };
  for (let i = backward.layers.length - 1; i >= 0; i--) {
    const L = inverse[backward.layers.length - 1 - i];
    layerStats(y0, from.n, d, L, p, stats);
    flowLayerClosedForm(y0, from.n, d, L, p, backward.kinds[i]);
    layerStats(y0, from.n, d, L, p, stats);
  }
  const independent = o.verify ? yield* independentSteps(controls, from.data, y0, from.n, d, o.signal, progress) : null;
  let x0 = 1;
  for (let j = 0; j < from.n * d; j++) x0 = Math.max(x0, Math.abs(from.data[j]));
  const bound = cellCouplingBound(y0, from.n, to.data, to.n, d, forward.cells, backward.cells, n ** d, q);
  const clearance = Math.min(forward.clearance, backward.clearance);
  return {
    controls,
    points: { n: from.n, d, data: y0 },
    resolution: n,
    switchesToUniform: forward.layers.length - 1,
    switchesFromUniform: backward.layers.length - 1,
    bound,
    clearance,
    diagnostics: diagnosticsOf(controls, 2 * half - 1, {
      seedSwitches: null, resolution: n, bound, clearance: stats.clearance, excursion: stats.excursion / x0, independent,
    }),
  };
}

function diagnosticsOf(
  controls: Controls, theoremSwitches: number,
  r: { seedSwitches: number | null; resolution: number; bound: number; clearance: number; excursion: number; independent: IndependentCheck | null },
): TransportDiagnostics {
  const ok = !r.independent || r.independent.relativeMaxError <= TRANSPORT_TOLERANCE;
  const message = !r.independent
    ? 'independent verification skipped (options.verify = false)'
    : ok
      ? `an independent adaptive solver reproduces the constructed end points to ${r.independent.relativeMaxError.toExponential(1)} (relative)`
      : `an independent adaptive solver misses the constructed end points by ${r.independent.relativeMaxError.toExponential(1)} (relative) > ${TRANSPORT_TOLERANCE}: samples come too close to the shear bands (clearance ${r.clearance.toExponential(1)}); remove near-duplicate samples or use a coarser epsilon`;
  return {
    switches: controls.switches,
    theoremSwitches,
    seedSwitches: r.seedSwitches,
    resolution: r.resolution,
    bound: r.bound,
    clearance: r.clearance,
    excursion: r.excursion,
    bvNorm: summarizeControls(controls).bvNorm,
    verification: { independent: r.independent, tolerance: TRANSPORT_TOLERANCE, ok, message },
  };
}

/** The independent check of the samples' end points, with progress from 0.8 to 1. */
function* independentSteps(controls: Controls, X: Float64Array, Y: Float64Array, M: number, d: number, signal: AbortSignal | undefined, progress: { done: number; total: number }): Generator<number, IndependentCheck> {
  const gen = independentCheckSteps(controls, X, Y, M, d, { signal });
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
    yield 0.8 + 0.2 * r.value;
  }
}

/** min distance of the points to the live hyperplanes of the layer (|a| = 1 here) and max |x|, into `acc`. */
function layerStats(x: Float64Array, M: number, d: number, L: Layer, p: number, acc: { clearance: number; excursion: number }): void {
  const live: number[] = [];
  for (let j = 0; j < p; j++) {
    let wn = 0;
    for (let k = 0; k < d; k++) wn += L.W[k * p + j] * L.W[k * p + j];
    if (wn > 0) live.push(j);
  }
  let cl = acc.clearance, ex = acc.excursion;
  for (let i = 0; i < M; i++) {
    let sq = 0;
    for (let k = 0; k < d; k++) sq += x[i * d + k] * x[i * d + k];
    if (sq > ex * ex) ex = Math.sqrt(sq);
    for (const j of live) {
      let s = L.b[j], an = 0;
      for (let k = 0; k < d; k++) {
        s += L.A[j * d + k] * x[i * d + k];
        an += L.A[j * d + k] * L.A[j * d + k];
      }
      const dist = Math.abs(s) / Math.sqrt(an);
      if (dist < cl) cl = dist;
    }
  }
  acc.clearance = cl;
  acc.excursion = ex;
}

interface Built {
  layers: Layer[];
  kinds: LayerKind[];
  /** Cell index (Σ i_k n^k over all d coordinates) of every sample, fixed by the source partition. */
  cells: Int32Array;
  /** Smallest distance between a sample (or an avoided point) and a shear band. */
  clearance: number;
  /** Clearance to every live hyperplane and largest |x| of the samples, at the ends of every layer. */
  stats: { clearance: number; excursion: number };
}

/**
 * The construction of docs/algorithms/transport.md §A6 on the samples x (M × d, modified in place to their
 * positions at the end). Every layer lasts tau (its weights are scaled by 1/tau). `avoid`: more
 * points, already in their final grid cubes, that the shear strips must avoid as well.
 */
function* buildToUniform(
  x: Float64Array, M: number, d: number, p: number, n: number, tau: number,
  avoid: { data: Float64Array; n: number } | null, progress: { done: number; total: number },
): Generator<number, Built> {
  const layers: Layer[] = [];
  const kinds: LayerKind[] = [];
  const stats = { clearance: Infinity, excursion: 0 };
  // Trajectories inside a layer are straight ('parallel') or monotone in one coordinate ('axis')
  // and cross no hyperplane, so the distances at the two ends bound those along the way.
  const push = (neurons: Neuron[], kind: LayerKind): void => {
    const layer = packLayer(neurons, d, p, tau);
    layers.push(layer);
    kinds.push(kind);
    layerStats(x, M, d, layer, p, stats);
    flowLayerClosedForm(x, M, d, layer, p, kind);
    layerStats(x, M, d, layer, p, stats);
    progress.done++;
  };
  const tick = () => Math.min(0.8, (0.8 * progress.done) / Math.max(1, progress.total));

  // ---- Step 1: compression (or expansion) into [0.01, 0.99]^d, 2d neurons.
  const step1: Neuron[] = [];
  for (let k = 0; k < d; k++) {
    let R = 0;
    for (let i = 0; i < M; i++) R = Math.max(R, Math.abs(x[i * d + k] - 0.5));
    const lam = R > 0 ? Math.log(R / CUBE_HALF_WIDTH) : 0;
    step1.push({ w: -lam, wAxis: k, a: 1, aAxis: k, b: -0.5 });
    step1.push({ w: lam, wAxis: k, a: -1, aAxis: k, b: 0.5 });
  }
  for (let g = 0; g < step1.length; g += p) push(step1.slice(g, g + p), 'axis');
  yield tick();

  // ---- Steps 2 + 3, level by level.
  const cellOf = new Int32Array(M); // cell index over the coordinates aligned so far
  let clearance = Infinity;
  for (let k = 0; k < d; k++) {
    const ncell = n ** k;
    const members: number[][] = Array.from({ length: ncell }, () => []);
    for (let i = 0; i < M; i++) members[cellOf[i]].push(i);
    // Step 2: equal-mass cuts of x_k inside each cell; the dilation factors that send cut m to m/n,
    // and the highest point each cell's top reaches while they act.
    const fac = new Float64Array(ncell * n);
    const ext = new Float64Array(ncell);
    for (let J = 0; J < ncell; J++) {
      const xs = Float64Array.from(members[J], (i) => x[i * d + k]).sort();
      const { cuts, counts } = equalMassCuts(xs, n, 0, 1);
      if (xs.length > 0 && (xs[0] <= 0 || xs[xs.length - 1] >= 1)) {
        throw new InconsistentDataError('samples', `coordinate ${k} left the unit cube during the construction`, [], 'report this with the samples');
      }
      const cur = cuts.slice();
      let top = 1;
      for (let m = 1; m <= n; m++) {
        const c = (m - 1) / n;
        const f = 1 / n / (cur[m] - c);
        fac[J * n + m - 1] = f;
        for (let j = m; j <= n; j++) cur[j] = c + (cur[j] - c) * f;
        top = Math.max(top, cur[n]);
      }
      ext[J] = top;
      // Sub-cell index: slab s of x_k. A particle below cuts[s+1] and at/above cuts[s].
      let s = 0;
      const order = members[J].slice().sort((a, b) => x[a * d + k] - x[b * d + k]);
      let seen = 0;
      for (const i of order) {
        while (s < n - 1 && seen >= cumulative(counts, s)) s++;
        cellOf[i] += s * ncell;
        seen++;
      }
    }
    if (k === 0) {
      for (let m = 1; m <= n; m++) {
        push([{ w: Math.log(fac[m - 1]), wAxis: 0, a: 1, aAxis: 0, b: -(m - 1) / n }], 'axis');
        if (m % 16 === 0) yield tick();
      }
      continue;
    }
    let maxExt = 0;
    for (let J = 0; J < ncell; J++) maxExt = Math.max(maxExt, ext[J]);
    const H = maxExt + 3 * TENT_MARGIN + 1;
    // Stack: x_k += Σ_{l<k} H n^l stair(x_l). Each step of the stair is a ramp pair that rises
    // inside the empty band between the samples on both sides of the grid line i/n.
    const shear: Neuron[] = [];
    for (let l = 0; l < k; l++) {
      const amp = H * n ** l;
      for (let i = 1; i < n; i++) {
        const line = i / n;
        let lo = line - 0.5 / n, hi = line + 0.5 / n;
        const scan = (data: Float64Array, count: number): void => {
          for (let r = 0; r < count; r++) {
            const v = data[r * d + l];
            if (v <= line) lo = Math.max(lo, v);
            else hi = Math.min(hi, v);
          }
        };
        scan(x, M);
        if (avoid) scan(avoid.data, avoid.n);
        const s0 = lo + (hi - lo) / 4, s1 = hi - (hi - lo) / 4;
        clearance = Math.min(clearance, (hi - lo) / 4);
        if (!(s1 > s0)) {
          throw new InconsistentDataError('samples', `samples on both sides of the grid line x_${l + 1} = ${line} are too close to separate`, [], 'remove duplicate samples or add a little noise');
        }
        const slope = amp / (s1 - s0);
        shear.push({ w: slope, wAxis: k, a: 1, aAxis: l, b: -s0 });
        shear.push({ w: -slope, wAxis: k, a: 1, aAxis: l, b: -s1 });
      }
    }
    for (let g = 0; g < shear.length; g += p) push(shear.slice(g, g + p), 'parallel');
    // Dilate: tents, ⌊p/3⌋ cells a layer, n rounds.
    const perLayer = Math.floor(p / 3);
    for (let m = 1; m <= n; m++) {
      for (let g = 0; g < ncell; g += perLayer) {
        const tents: Neuron[] = [];
        for (let J = g; J < Math.min(ncell, g + perLayer); J++) {
          const o = H * J;
          const c = o + (m - 1) / n;
          const c1 = o + ext[J] + TENT_MARGIN, c2 = c1 + TENT_MARGIN;
          const kappa = (c1 - c) / (c2 - c1);
          const lam = Math.log(fac[J * n + m - 1]);
          tents.push({ w: lam, wAxis: k, a: 1, aAxis: k, b: -c });
          tents.push({ w: -(1 + kappa) * lam, wAxis: k, a: 1, aAxis: k, b: -c1 });
          tents.push({ w: kappa * lam, wAxis: k, a: 1, aAxis: k, b: -c2 });
        }
        push(tents, 'axis');
        yield tick();
      }
    }
    // Unstack: the same shear, negated (exact inverse, P1).
    for (let g = 0; g < shear.length; g += p) push(shear.slice(g, g + p).map((u) => ({ ...u, w: -u.w })), 'parallel');
  }
  yield tick();
  return { layers, kinds, cells: cellOf, clearance, stats };
}

function cumulative(counts: Int32Array, s: number): number {
  let c = 0;
  for (let j = 0; j <= s; j++) c += counts[j];
  return c;
}

/** One neuron w σ(a x_{aAxis} + b) e_{wAxis} (unscaled; packLayer divides w by tau). */
interface Neuron {
  w: number;
  wAxis: number;
  a: number;
  aAxis: number;
  b: number;
}

function packLayer(neurons: Neuron[], d: number, p: number, tau: number): Layer {
  const W = new Float64Array(d * p), A = new Float64Array(p * d), b = new Float64Array(p);
  neurons.forEach((u, i) => {
    W[u.wAxis * p + i] = u.w / tau;
    A[i * d + u.aAxis] = u.a;
    b[i] = u.b;
  });
  return { duration: tau, W, A, b };
}

/** Samples per grid cube of side 1/n (points outside the cube are clamped to the nearest cube). */
function gridCounts(x: Float64Array, M: number, d: number, n: number): Int32Array {
  const counts = new Int32Array(n ** d);
  for (let i = 0; i < M; i++) {
    let J = 0, stride = 1;
    for (let k = 0; k < d; k++) {
      const ik = Math.min(n - 1, Math.max(0, Math.floor(x[i * d + k] * n)));
      J += ik * stride;
      stride *= n;
    }
    counts[J]++;
  }
  return counts;
}

/**
 * A certified upper bound on W_q(ν, U([0,1]^d)) for samples ν in [0,1]^d with c_J of the M
 * samples in grid cube J (index Σ_k i_k n^k): the smaller of two valid bounds.
 *
 *  (a) Knothe: let ν′ spread each cube's mass c_J/M uniformly over the cube. Coupling inside the
 *      cubes gives W_q(ν, ν′) ≤ √d/n. The Knothe–Rosenblatt map from ν′ to U is
 *      T_k(x) = F_{k | x_1..x_{k−1}}(x_k), the conditional CDFs of ν′, which are piecewise linear
 *      with value Σ_{j<i} c_{K,j}/m_K at x_k = i/n (c_{K,j}: samples of level-k cell K in slab j,
 *      m_K = Σ_j c_{K,j}). So |T_k(x) − x_k| ≤ b_k = max_{K,i} |Σ_{j<i} c_{K,j}/m_K − i/n| and
 *        W_q(ν, U) ≤ √d/n + (Σ_k b_k²)^{1/2}     for every q.
 *      With the round(i·m/n) cuts of ./measure-partition.ts, b_k ≤ 1/(2 min_K m_K) ≈ n^{k−1}/(2M):
 *      equal counts give exactly √d/n.
 *  (b) crude: ( Σ_J min(c_J/M, n^{−d}) (√d/n)^q + TV·d^{q/2} )^{1/q}, TV = Σ_J (c_J/M − n^{−d})⁺ —
 *      couple what fits inside each cube, move the excess anywhere (distance ≤ √d). Wins only
 *      when some cell is empty or tiny.
 */
export function countBound(counts: Int32Array, M: number, d: number, n: number, q: number): number {
  const cell = n ** -d;
  let inside = 0, excess = 0;
  for (let J = 0; J < counts.length; J++) {
    const m = counts[J] / M;
    inside += Math.min(m, cell);
    excess += Math.max(0, m - cell);
  }
  const crude = Math.pow(inside * Math.pow(Math.sqrt(d) / n, q) + excess * Math.pow(d, q / 2), 1 / q);
  let sumB2 = 0;
  for (let k = 0; k < d; k++) {
    // counts of (K, i): K = J mod n^k (the cell over coordinates < k), i = slab of coordinate k
    const nk = n ** k;
    const slab = new Float64Array(nk * n);
    for (let J = 0; J < counts.length; J++) slab[J % (nk * n)] += counts[J];
    let bk = 0;
    for (let K = 0; K < nk; K++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += slab[i * nk + K];
      if (m === 0) continue; // ν′ has no mass there: no conditional law to move
      let cum = 0;
      for (let i = 1; i < n; i++) {
        cum += slab[(i - 1) * nk + K];
        bk = Math.max(bk, Math.abs(cum / m - i / n));
      }
    }
    sumB2 += bk * bk;
  }
  const knothe = Math.sqrt(d) / n + Math.sqrt(sumB2);
  return Math.min(crude, knothe);
}

/** The certificate of MeasureTransport.bound (see there). */
function cellCouplingBound(
  x0: Float64Array, M0: number, x1: Float64Array, M1: number, d: number,
  cells0: Int32Array, cells1: Int32Array, ncell: number, q: number,
): number {
  const lo = new Float64Array(ncell * d).fill(Infinity), hi = new Float64Array(ncell * d).fill(-Infinity);
  const glo = new Float64Array(d).fill(Infinity), ghi = new Float64Array(d).fill(-Infinity);
  const mass0 = new Float64Array(ncell), mass1 = new Float64Array(ncell);
  const visit = (x: Float64Array, M: number, cells: Int32Array, mass: Float64Array): void => {
    for (let i = 0; i < M; i++) {
      const J = cells[i];
      mass[J] += 1 / M;
      for (let k = 0; k < d; k++) {
        const v = x[i * d + k];
        lo[J * d + k] = Math.min(lo[J * d + k], v);
        hi[J * d + k] = Math.max(hi[J * d + k], v);
        glo[k] = Math.min(glo[k], v);
        ghi[k] = Math.max(ghi[k], v);
      }
    }
  };
  visit(x0, M0, cells0, mass0);
  visit(x1, M1, cells1, mass1);
  let diamAll = 0;
  for (let k = 0; k < d; k++) diamAll += (ghi[k] - glo[k]) ** 2;
  diamAll = Math.sqrt(diamAll);
  let sum = 0, moved = 0;
  for (let J = 0; J < ncell; J++) {
    const m = Math.min(mass0[J], mass1[J]);
    if (m <= 0) continue;
    let diam = 0;
    for (let k = 0; k < d; k++) diam += (hi[J * d + k] - lo[J * d + k]) ** 2;
    sum += m * Math.pow(Math.sqrt(diam), q);
    moved += m;
  }
  return Math.pow(sum + Math.max(0, 1 - moved) * Math.pow(diamAll, q), 1 / q);
}
