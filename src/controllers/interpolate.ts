/**
 * Exact simultaneous control of N pairs (x_i ↦ y_i) with a width-p neural ODE
 *   ẋ = W(t) relu(A(t) x + b(t))                         (arXiv 2510.03303, eq. 3.3)
 * and piecewise-constant controls: Theorem 3.3 of the survey arXiv 2510.03303 (Álvarez-López, Hadj Slimane,
 * Zuazua, "Interplay between depth and width for interpolation in neural ODEs", arXiv
 * 2401.09902); Theorem 3.1 is the case p = 1. As implemented: docs/algorithms/interpolate.md.
 *
 * Full autonomy (default), d ≤ N — §A1, L = 2⌈N/p⌉ − 1 switches (2K layers, K = ⌈N/p⌉):
 *   1. choose unit u with ⟨u, x_i⟩ pairwise distinct and unit v ⟂ u with ⟨v, y_i⟩ pairwise
 *      distinct (./basis.ts: best separation among seeded candidates, coordinate axes preferred);
 *   2. intermediate points z_i = x_i + ⟨v, y_i − x_i⟩ v, so ⟨u, z_i⟩ = ⟨u, x_i⟩ (z_i − x_i ⟂ u),
 *      ⟨v, z_i⟩ = ⟨v, y_i⟩ (y_i − z_i ⟂ v);
 *   3. SHEAR_STAGE(X → Z, normal u): K parallel layers; SHEAR_STAGE(Z → Y, normal v): K layers.
 *   Every layer lasts τ = T / (2K).
 *
 * Full autonomy, d > N — §A2a, L = 2⌈N/p⌉ − 2 (2K − 1 layers): v as above, B = the m = min(p, N)
 *   points with the smallest ⟨v, y_i⟩, S = span{y_i − x_i : i ∈ B} (dim ≤ m < d); u ∈ S^⊥ with
 *   ⟨u, x_i⟩ distinct. Stage 1 (K layers, normal u) delivers B straight to its targets
 *   (z_i = y_i is allowed because ⟨u, y_i⟩ = ⟨u, x_i⟩) and the others to
 *   z_i = x_i + α_i r, r = v − ⟨u, v⟩u, α_i = ⟨v, y_i − x_i⟩ / ⟨v, r⟩; stage 2 (normal v) serves
 *   only the N − m others, all above B along v: ⌈(N − m)/p⌉ = K − 1 layers.
 *   Condition: no difference x_i − x_j lies in S (true for data in general position). When it
 *   fails (e.g. points swapped along their own line) the §A1 construction is used instead and
 *   `meta.fallback` says why; `meta.variant` is 'A1' then.
 *
 * Semi-autonomous (`autonomy: 'semi'`) — §A3, batched: W and A are the same in every layer,
 *   only b(t) switches. Each neuron has w = ±λ e_k (e_k an orthonormal basis of u^⊥, resp. v^⊥)
 *   and a = u (resp. v); a pair (+λe_k, −λe_k) with thresholds c1 < c2 in the gap below point r
 *   is a clipped ramp λ e_k [relu(s − c1) − relu(s − c2)] that translates point r and every point
 *   above it by τλ(c2 − c1) e_k. Sorting the points along u and giving point r the translation
 *   δ_r − δ_{r−1} (δ = z − x) lands every point exactly; each point needs 2(d−1) neurons per
 *   stage, so m = ⌊p / (4(d−1))⌋ points fit in one layer: L = 2⌈N/m⌉ − 1 (same formula with
 *   p/(4(d−1)) points per layer; width defaults to 4(d−1)). Durations are T/(2K); the common
 *   scale λ of W is the smallest that keeps every clipped ramp inside its gap. Neurons not in use
 *   get b = −(4·max|x| + 1), which keeps them off along every trajectory.
 *
 * Conditioning (issue 3, "Correctness"): weights scale like |D| / (τ·gap), so the directions
 * maximise the smallest gap of the projections relative to their range; thresholds follow
 * ./shear.ts (bounded slopes, margins ≥ ¼·gap); displacements and weights are projected on the
 * layer's invariant hyperplane (rule 1.7(1)); with axis directions A·W = 0 holds exactly.
 *
 * Scale invariance: the construction runs on X/σ, Y/σ with σ = 2^round(log2 max|coordinate|)
 * and maps the controls back: x = σx̃ turns x̃' = W̃ relu(Ã x̃ + b̃) into
 *   ẋ = σW̃ relu((Ã/σ) x + b̃),   i.e.  W = σW̃,  A = Ã/σ,  b = b̃.
 * σ is a power of two, so every product in the field (Ã/σ)·(σx̃), (σW̃)·s and x + τf is the
 * normalised one times σ *exactly* (barring under/overflow): tiny (1e−6) and far (1e6) data
 * behave bit for bit like unit data, and integrators with absolute tolerances see unit-size
 * preactivations. (Translations are not exact in floating point, so the data is not centred;
 * offset data is handled by the thresholds, which live in the s-coordinates.)
 *
 * Exactness (issue 3): the shear stages track every point through every layer with the exact
 * solver's own update (x ← x + τ·f(x), f by the field kernel or its bit-identical twin), so each
 * layer's remaining displacements are computed from the positions the solver will actually
 * have. Flowing X with method 'exact' then reproduces the construction's positions bit for bit
 * and only the rounding of the last layer a point sees is left: measured ≤ 1e−11 relative for
 * N ≤ 200 (property test), 1.4e−10 at N = 1000 and 5.9e−9 at N = 10^4 (d = 16, p = 100): that
 * last rounding is ε·|stage-2 drift| ≈ ε·range/(gap at a batch end), which grows with N.
 * Other integrators (RK4, adaptive solvers) round each layer differently: stage 1 leaves an error
 * δ_i ≈ ε·Σ_layers (|position| + |increment|) of point i in the coordinates stage 2 reads, and
 * stage 2 multiplies it by its slope at ⟨v, z_i⟩ (≈ |ΔD|/gap). Two design rules bound this (issue 3):
 *  - split (exact) direction pairs are used whenever one separates the data at all, before any
 *    rotated pair: ⟨a, x⟩ is then constant in floating point inside both stages, so no integrator
 *    sees an activation drift, crossing or slope-amplified error *within* a stage;
 *  - thresholds minimise the slope each layer leaves on the points not served yet (./shear.ts,
 *    "least-slope rule"): the drift of unserved points stays ≈ |ΔD|·range/gap for one layer
 *    at a small gap and is cancelled by the next point, instead of being carried through all
 *    later layers (p = 1 cannot avoid that one layer: one neuron has no zero tail).
 * Remaining law: error ≈ ε·(range/h₁)·(range/h₂)·(rounding events of one layer), h₁, h₂ the gaps
 * adjacent to the worst points of the two projections. Measured on the property test (520
 * datasets, N ≤ 200): independent adaptive Dormand–Prince ≤ 5.3e−7 (A2a on offset data, where
 * rotated directions are forced), ≤ 1.8e−7 for §A1 (collinear data whose inputs have a relative
 * gap 6e−8 along every direction); RK4 at 100 steps per layer (100× the rounding events) ≤ 1.1e−5
 * on that draw, ≤ 1e−6 on all others. Small problems still try up to 12 variants (3 direction
 * pairs × ±u, ±v) and keep the one least sensitive to a change of rounding (the flow in two
 * explicit half steps per layer: `meta.roundoffSensitivity`).
 *
 * Inputs: X, Y (N × d, d ≥ 2), inputs pairwise distinct, targets pairwise distinct. Repeated
 * pairs (x_i = x_j and y_i = y_j) are served once and count once in N (`meta.distinct`).
 * Returns Controls with meta { construction: 'interpolate', variant, seed, N, u, v, … }.
 */
import { CapacityError, InconsistentDataError, InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import { createRng, checkSeed } from '../rng.js';
import type { Controls, Layer, PointsLike } from '../types.js';
import { asCloud, asOptions, checkBoolean, checkCount, checkOneOf, checkPositive, checkProgressOptions, makeControls } from '../validate.js';
import { independentCheckSteps, type IndependentCheck } from '../verify/adaptive.js';
import { candidatePairs, chooseDirection, orthogonalComplement, predictedError, projections, separationScore, type Direction, type DirectionPair } from './basis.js';
import { summarizeControls } from './describe.js';
import { PARALLEL_MARGIN, shearStageSteps, stageLayers, THRESHOLD_FRACTION, type ShearStage } from './shear.js';

export type Autonomy = 'full' | 'semi';

export interface InterpolateOptions extends ProgressOptions {
  /**
   * Width p (neurons per layer). Default 1 ('full'), 4(d−1) ('semi'). Widths beyond what the
   * construction can use (N + 1; 4(d−1)N for 'semi') are reduced to that (meta.requestedWidth).
   */
  width?: number;
  /** Time horizon (default 1); every layer lasts the same time. */
  T?: number;
  /** Seed of the direction search (default 0). Same seed, same controls, bit for bit. */
  seed?: number;
  /** 'full' (default): W, A, b all switch. 'semi': only b switches (§A3). */
  autonomy?: Autonomy;
  /** Random candidate direction pairs tried (default 64, 16 when N > 2000). */
  candidates?: number;
  /**
   * Verify the controls by flowing the inputs with the independent adaptive solver
   * (src/verify/adaptive.ts; all points when the cost allows, an evenly strided subset otherwise).
   * Default true; false skips it (`diagnostics.verification.independent` is then null).
   */
  verify?: boolean;
  /**
   * Width ≥ 2: one neuron of every layer stops the shear above its batch (default true), so the
   * points not served yet are translated, not sheared: excursion ≤ ~3× the data instead of up to
   * ~range/gap, and the independent error drops accordingly (docs/algorithms/interpolate.md).
   * Costs batches of p − 1 instead of p points; false gives the theorem's count 2⌈N/p⌉ − 1.
   */
  tailNeuron?: boolean;
}

/** Relative error the independent check must meet for `verification.ok` (issue 15). */
export const INTERPOLATION_TOLERANCE = 1e-6;

export interface InterpolationVerification {
  /** max |Φ(x_i) − y_i| / scale of the positions the construction tracked (the exact solver's own update). */
  readonly tracked: number;
  /** The independent adaptive solver with event location (src/verify/adaptive.ts), or null when `verify: false`. */
  readonly independent: IndependentCheck | null;
  /** Relative tolerance `ok` is judged by (1e−6). */
  readonly tolerance: number;
  /** independent.relativeMaxError ≤ tolerance (true when not run). */
  readonly ok: boolean;
  readonly message: string;
}

export interface InterpolateDiagnostics {
  /** Switches of the controls (layers − 1). */
  readonly switches: number;
  /**
   * The count of Thm 3.3 of arXiv 2401.09902 (survey arXiv 2510.03303, Thm 3.1 for p = 1) for
   * this N, d, p: 2⌈N/p⌉ − 1 (d ≤ N), 2⌈N/p⌉ − 2 (d > N). For 'semi' the batched count 2⌈N/m⌉ − 1,
   * m = ⌊p/(4(d−1))⌋ (derived, docs/algorithms/interpolate.md).
   */
  readonly theoremSwitches: number;
  readonly layers: number;
  /** 'A1' (two shear stages), 'A2a' (d > N, one batch pre-placed), 'semi' (only b switches). */
  readonly variant: string;
  /** max |coordinate| over X and Y: the unit of `clearance` and of the verification errors. */
  readonly scale: number;
  /**
   * Smallest distance from any trajectory to any hyperplane ⟨a_j, x⟩ + b_j = 0 of a neuron with
   * w_j ≠ 0, over the whole flow, relative to `scale`. No trajectory crosses a hyperplane in
   * these constructions, so an integrator whose error stays below this decides every side right.
   */
  readonly clearance: number;
  /** The margin rule thresholds were placed by: a fraction of the gap between neighbouring points. */
  readonly clearanceRule: string;
  /** max_t,i |x_i(t)| / max_i max(|x_i|, |y_i|) (Euclidean norms; 1 = never leaves the data's ball). */
  readonly excursion: number;
  /** ‖θ‖_BV (eq. 3.11 of arXiv 2510.03303). */
  readonly bvNorm: number;
  readonly verification: InterpolationVerification;
}

export interface InterpolateResult {
  readonly controls: Controls;
  readonly diagnostics: InterpolateDiagnostics;
}

/** Below this relative separation (smallest gap / range of the projections) we refuse. */
const MIN_SEPARATION = 1e-13;
/** Multiply–adds (N · layers · p · d per variant) spent on trying construction variants. */
const VARIANT_BUDGET = 3e7;
/** Largest controls we build: layers · (2dp + p) doubles. */
const MAX_CONTROL_BYTES = 2 ** 30;

/** Switch count that `interpolate` achieves (for documentation and tests). */
export function interpolationSwitches(N: number, d: number, width: number, autonomy: Autonomy = 'full', tailNeuron = true): number {
  checkCount('N', N, 1);
  checkCount('d', d, 2);
  checkCount('width', width, 1);
  checkOneOf('autonomy', autonomy, ['full', 'semi'] as const);
  if (autonomy === 'semi') {
    if (width < 4 * (d - 1)) throw new InvalidArgumentError('width', width, `at least 4(d−1) = ${4 * (d - 1)} for autonomy 'semi'`);
    return theoremCount(N, d, width, autonomy);
  }
  // §A2a (d > N) as published; §A1 with a tail neuron per layer when p ≥ 2 (docs/algorithms/interpolate.md)
  if (d > N) return theoremCount(N, d, width, autonomy);
  return 2 * stageLayers(N, width, width >= 2 && tailNeuron !== false) - 1;
}

/** The count of Thm 3.3 (arXiv 2401.09902) for these sizes; for 'semi' the batched §A3 count. */
function theoremCount(N: number, d: number, width: number, autonomy: Autonomy): number {
  if (autonomy === 'semi') {
    const m = Math.floor(width / (4 * (d - 1)));
    return 2 * Math.ceil(N / m) - 1;
  }
  const K = Math.ceil(N / width);
  return d > N ? 2 * K - 2 : 2 * K - 1;
}

/**
 * Controls that steer every x_i to y_i exactly (Thm 3.3 of arXiv 2401.09902), with diagnostics:
 * switches vs the theorem's count, clearance, excursion, BV norm and an independent verification.
 * `onProgress(fraction)` and `signal` as in docs/conventions.md; `interpolateAsync` yields to the
 * event loop.
 */
export function interpolate(X: PointsLike, Y: PointsLike, options?: InterpolateOptions): InterpolateResult {
  const o = asOptions(options);
  checkProgressOptions(o);
  return runSync(interpolateSteps(X, Y, o), o, 'interpolate');
}

/** interpolate, yielding to the event loop (docs/conventions.md, "Long calls"). */
export async function interpolateAsync(X: PointsLike, Y: PointsLike, options?: InterpolateOptions): Promise<InterpolateResult> {
  const o = asOptions(options);
  checkProgressOptions(o);
  return runAsync(interpolateSteps(X, Y, o), o, 'interpolate');
}

function* interpolateSteps(X: PointsLike, Y: PointsLike, options: InterpolateOptions): Generator<number, InterpolateResult> {
  const cx = asCloud(X, 'X', { minPoints: 1 });
  const cy = asCloud(Y, 'Y', { d: cx.d });
  if (cy.n !== cx.n) throw new ShapeMismatchError('Y', `${cy.n} points`, `${cx.n} points, one target per input`);
  const d = cx.d;
  if (d < 2) {
    throw new InvalidArgumentError('X', `points of dimension ${d}`, 'points of dimension d ≥ 2', 'the construction needs two independent directions (in d = 1 flows preserve order); append a zero coordinate');
  }
  const autonomy = checkOneOf('options.autonomy', options.autonomy ?? 'full', ['full', 'semi'] as const);
  const requestedWidth = checkCount('options.width', options.width ?? (autonomy === 'semi' ? 4 * (d - 1) : 1), 1);
  // Neurons the construction can use: N + 1 (one layer per stage plus its tail neuron), or
  // 4(d−1)·N for 'semi'. More would be zero rows that every flow still pays for: the controls
  // get the useful width and meta.requestedWidth records the request.
  const usable = autonomy === 'semi' ? 4 * (d - 1) * cx.n : cx.n + 1;
  const width = Math.min(requestedWidth, usable);
  const T = checkPositive('options.T', options.T ?? 1);
  const seed = checkSeed(options.seed ?? 0, 'options.seed');
  const candidates = checkCount('options.candidates', options.candidates ?? (cx.n > 2000 ? 16 : 64), 1, 1 << 16);
  const doVerify = checkBoolean('options.verify', options.verify, true);
  const tail = checkBoolean('options.tailNeuron', options.tailNeuron, true);
  if (autonomy === 'semi' && width < 4 * (d - 1)) {
    throw new InvalidArgumentError('options.width', width, `at least 4(d−1) = ${4 * (d - 1)} for autonomy 'semi'`, 'each point needs a pair of neurons per direction of u^⊥ and of v^⊥');
  }
  // Size of the controls, checked before anything is allocated (issue 15, "limits").
  const layersMax = interpolationSwitches(cx.n, d, width, autonomy) + 1;
  const bytes = layersMax * (2 * d * width + width) * 8;
  if (bytes > MAX_CONTROL_BYTES) {
    throw new CapacityError('options.width', bytes, `the controls would need ${layersMax} layers of width ${width} in d = ${d} (${(bytes / 2 ** 30).toFixed(1)} GiB); use a width ≤ N (${cx.n}), or fewer points`);
  }
  yield 0;
  const { keep } = distinctPairs(cx.data, cy.data, cx.n, d);
  const N = keep.length;
  const X0 = new Float64Array(N * d), Y0 = new Float64Array(N * d);
  for (let j = 0; j < N; j++) {
    X0.set(cx.data.subarray(keep[j] * d, keep[j] * d + d), j * d);
    Y0.set(cy.data.subarray(keep[j] * d, keep[j] * d + d), j * d);
  }
  let scale = 0, normScale = 0;
  for (let j = 0; j < N * d; j++) scale = Math.max(scale, Math.abs(X0[j]), Math.abs(Y0[j]));
  for (let i = 0; i < N; i++) {
    let qx = 0, qy = 0;
    for (let k = 0; k < d; k++) {
      qx += (X0[i * d + k] / (scale || 1)) ** 2;
      qy += (Y0[i * d + k] / (scale || 1)) ** 2;
    }
    normScale = Math.max(normScale, Math.sqrt(qx), Math.sqrt(qy));
  }
  normScale *= scale || 1;
  // Scale invariance: build on X/σ, Y/σ with σ a power of two near the data's scale, then
  // W ← σW̃, A ← Ã/σ, b ← b̃ (see the module comment). Every product in the flow scales exactly.
  // Build on normalised data: X/σ (σ a power of two, so every product of the flow scales
  // exactly and the construction tracks the caller's arithmetic). Tight clusters far from the
  // origin, whose projections floating point cannot split there (a gap of a few ulps of the
  // coordinates), are built again centred at the middle m of their bounding box,
  // x̃ = (x − m)/σ with b ← b̃ − Ã m/σ: exact at the cluster's resolution, but the caller's
  // frame rounds at ulp(|m|) — `verification.independent.relativeToSpread` shows what is left.
  const attempt = function* (wantCentred: boolean): Generator<number, { built: Built; sigma: number; centre: Float64Array; centred: boolean; ctx: Ctx }> {
    const Xd = Float64Array.from(X0), Yd = Float64Array.from(Y0);
    let spread = 0;
    const centre = new Float64Array(d);
    for (let k = 0; k < d; k++) {
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < N; i++) {
        lo = Math.min(lo, Xd[i * d + k], Yd[i * d + k]);
        hi = Math.max(hi, Xd[i * d + k], Yd[i * d + k]);
      }
      spread = Math.max(spread, hi - lo);
      centre[k] = lo + 0.5 * (hi - lo);
    }
    const centred = wantCentred && scale > 0 && spread < 1e-3 * scale;
    let local = scale;
    if (centred) {
      local = 0;
      for (let i = 0; i < N; i++) {
        for (let k = 0; k < d; k++) {
          Xd[i * d + k] -= centre[k];
          Yd[i * d + k] -= centre[k];
          local = Math.max(local, Math.abs(Xd[i * d + k]), Math.abs(Yd[i * d + k]));
        }
      }
    } else centre.fill(0);
    const sigma = local > 0 ? 2 ** Math.round(Math.log2(local)) : 1;
    if (sigma !== 1) {
      for (let j = 0; j < N * d; j++) {
        Xd[j] /= sigma;
        Yd[j] /= sigma;
      }
    }
    const rng = createRng(seed);
    const all = Array.from({ length: N }, (_, i) => i);
    const ctx: Ctx = { Xd, Yd, N, d, p: width, T, rng, all, keep, candidates, scale: scale / sigma, work: 0, workTotal: 1, tail };
    let built: Built;
    if (autonomy === 'semi') built = semiAutonomous(ctx);
    else if (d > N) built = (yield* preplaced(ctx)) ?? (yield* twoStage(ctx, 'no direction u ⟂ span{y_i − x_i : i ∈ B} separates the inputs (some x_i − x_j lies in that span)'));
    else built = yield* twoStage(ctx);
    return { built, sigma, centre, centred, ctx };
  };
  let run;
  try {
    run = yield* attempt(false);
  } catch (e) {
    // (also "too close to separate": at the cluster's offset, distinct points may share projections)
    if (!(e instanceof InconsistentDataError && /floating point cannot split|too close to separate/.test(e.message))) throw e;
    run = yield* attempt(true);
  }
  const { built, sigma, centre, centred, ctx } = run;
  const base = { construction: 'interpolate', autonomy, seed, N: cx.n, distinct: N, width, T, ...(requestedWidth !== width ? { requestedWidth } : {}) };
  const controls = makeControls({
    d,
    width,
    layers: sigma === 1 && !centred ? built.layers : built.layers.map((L) => ({ duration: L.duration, W: L.W.map((w) => w * sigma), A: L.A.map((a) => a / sigma), b: centred ? L.b.map((bj, j) => bj - dotRow(L.A, j, d, centre) / sigma) : L.b })),
    meta: { ...base, ...built.meta, scale, normalisation: sigma, ...(centred ? { centre: Array.from(centre) } : {}), reference: 'arXiv 2401.09902 Thm 3.3; docs/algorithms/interpolate.md' },
  });
  // Clearance and excursion: from the shear stages' tracked positions (normalised units), or by a
  // pass over the layers (semi-autonomous).
  let stats = built.stats;
  if (!stats) stats = parallelStats(built.layers, ctx.Xd, N, d, width);
  const clearance = (stats.clearance * sigma) / (scale || 1);
  let mNorm = 0;
  for (let k = 0; k < d; k++) mNorm += centre[k] * centre[k];
  const excursion = normScale > 0 ? Math.max(1, (Math.sqrt(mNorm) + stats.excursion * sigma) / normScale) : 1;
  let independent: IndependentCheck | null = null;
  if (doVerify) {
    const gen = independentCheckSteps(controls, cx.data, cy.data, cx.n, d, { signal: options.signal });
    for (;;) {
      const r = gen.next();
      if (r.done) {
        independent = r.value;
        break;
      }
      yield 0.8 + 0.2 * r.value;
    }
  }
  const ok = !independent || independent.relativeMaxError <= INTERPOLATION_TOLERANCE;
  const tracked = typeof built.meta.selfCheck === 'number' ? built.meta.selfCheck : trackedError(built.layers, ctx.Xd, ctx.Yd, N, d, width, ctx.scale);
  const message = !independent
    ? 'independent verification skipped (options.verify = false)'
    : ok && independent.relativeToSpread > INTERPOLATION_TOLERANCE
      ? `an independent adaptive solver reproduces the targets to ${independent.relativeMaxError.toExponential(1)} of max |coordinate|, but only to ${independent.relativeToSpread.toExponential(1)} of the data's spread: coordinates this far from the origin cannot resolve the cluster in floating point — subtract the data's centre before calling`
      : ok
      ? `an independent adaptive solver reproduces the targets to ${independent.relativeMaxError.toExponential(1)} (relative)`
      : `an independent adaptive solver misses the targets by ${independent.relativeMaxError.toExponential(1)} (relative) > ${INTERPOLATION_TOLERANCE}: round-off is amplified by the smallest gaps between the projections of the data (docs/algorithms/interpolate.md, "error law"; width 1 and data with ties along the coordinate axes, such as rings, are the hard cases); a larger width, or data with larger relative gaps, lowers it`;
  const theoremSwitches = theoremCount(N, d, width, autonomy);
  return {
    controls,
    diagnostics: {
      switches: controls.switches,
      theoremSwitches,
      layers: controls.layers.length,
      variant: String(built.meta.variant),
      scale,
      clearance,
      clearanceRule: built.meta.variant === 'semi' ? `${THRESHOLD_FRACTION} of the gap between neighbouring projections` : `≥ ${PARALLEL_MARGIN} (split directions, exactly parallel layers) or ${THRESHOLD_FRACTION} (rotated directions) of the gap between neighbouring projections`,
      excursion,
      bvNorm: summarizeControls(controls).bvNorm,
      verification: { tracked, independent, tolerance: INTERPOLATION_TOLERANCE, ok, message },
    },
  };
}

function dotRow(A: Float64Array, j: number, d: number, v: Float64Array): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += A[j * d + k] * v[k];
  return s;
}

/** Clearance (min |⟨a_j, x⟩ + b_j| / |a_j| over live neurons) and excursion (max |x|) along parallel layers, at layer ends. */
function parallelStats(layers: readonly Layer[], X: Float64Array, N: number, d: number, p: number): { clearance: number; excursion: number } {
  const x = new Float64Array(d), vel = new Float64Array(d);
  let clearance = Infinity, excursion = 0;
  const norms = layers.map((L) => {
    const out = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let wn = 0, an = 0;
      for (let k = 0; k < d; k++) {
        wn += L.W[k * p + j] ** 2;
        an += L.A[j * d + k] ** 2;
      }
      out[j] = wn > 0 && an > 0 ? Math.sqrt(an) : 0;
    }
    return out;
  });
  for (let i = 0; i < N; i++) {
    let sq = 0;
    for (let k = 0; k < d; k++) {
      x[k] = X[i * d + k];
      sq += x[k] * x[k];
    }
    excursion = Math.max(excursion, Math.sqrt(sq));
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l];
      vel.fill(0);
      for (let j = 0; j < p; j++) {
        let s = L.b[j];
        for (let k = 0; k < d; k++) s += L.A[j * d + k] * x[k];
        if (norms[l][j] > 0) clearance = Math.min(clearance, Math.abs(s) / norms[l][j]);
        if (s > 0) for (let k = 0; k < d; k++) vel[k] += L.W[k * p + j] * s;
      }
      sq = 0;
      for (let k = 0; k < d; k++) {
        x[k] += L.duration * vel[k];
        sq += x[k] * x[k];
      }
      excursion = Math.max(excursion, Math.sqrt(sq));
    }
  }
  return { clearance, excursion };
}

/** max |Φ(x_i) − y_i| / scale with the parallel layers' closed form (normalised units). */
function trackedError(layers: readonly Layer[], X: Float64Array, Y: Float64Array, N: number, d: number, p: number, scale: number): number {
  return parallelFlowError(layers, X, Y, N, d, p, scale, 1);
}

interface Ctx {
  Xd: Float64Array;
  Yd: Float64Array;
  N: number;
  d: number;
  p: number;
  T: number;
  rng: ReturnType<typeof createRng>;
  all: number[];
  keep: number[];
  candidates: number;
  scale: number;
  /** Spend one neuron a layer on stopping the shear above the batch (p ≥ 2). */
  tail: boolean;
  /** Layers built so far and expected in total (progress). */
  work: number;
  workTotal: number;
}

interface Built {
  layers: Layer[];
  meta: Record<string, unknown>;
  /** Clearance and excursion of the tracked positions (normalised units), when the stages report them. */
  stats?: { clearance: number; excursion: number };
}

/** shearStageSteps, reporting progress as the fraction of all layers to build (up to 0.8). */
function* stage(ctx: Ctx, ...args: Parameters<typeof shearStageSteps>): Generator<number, ShearStage> {
  const g = shearStageSteps(...args);
  let last = 0;
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    ctx.work += r.value - last;
    last = r.value;
    yield Math.min(0.8, (0.8 * ctx.work) / Math.max(1, ctx.workTotal));
  }
}

const merge = (a: ShearStage, b: { clearance: number; excursion: number }) => ({ clearance: Math.min(a.clearance, b.clearance), excursion: Math.max(a.excursion, b.excursion) });

interface Plan {
  u: Float64Array;
  v: Float64Array;
  Z: Float64Array;
  inU: Uint8Array | null;
  separation: { u: number; v: number };
}

/**
 * Candidate direction pairs for §A1 / §A3 (./basis.ts: split pairs with exactly parallel layers,
 * rotated pairs), ranked by separation min(score_u(X), score_v(Y)), split pairs weighted ×4.
 * Deterministic in the seed. Throws when even the best pair cannot separate the data.
 */
function rankedPlans(ctx: Ctx, count: number): Plan[] {
  const { Xd, Yd, N, d, all, rng, candidates } = ctx;
  const scored: { pair: DirectionPair; su: number; sv: number; w: number }[] = [];
  for (const pair of candidatePairs(d, rng, candidates)) {
    const su = separationScore(projections(Xd, d, pair.u, all));
    const sv = separationScore(projections(Yd, d, pair.v, all));
    scored.push({ pair, su, sv, w: Math.min(su, sv) * (pair.inU ? 4 : 1) });
  }
  scored.sort((a, b) => b.w - a.w);
  const best = scored[0];
  // Exact (split) pairs first whenever one separates at all: their layers are parallel in floating
  // point, so no integrator can make ⟨a, x⟩ drift inside a stage (module comment, "Exactness").
  const ranked = [...scored.filter((c) => c.pair.inU && Math.min(c.su, c.sv) >= MIN_SEPARATION), ...scored.filter((c) => !(c.pair.inU && Math.min(c.su, c.sv) >= MIN_SEPARATION))];
  if (!best || Math.min(best.su, best.sv) < MIN_SEPARATION) {
    const bu = scored.reduce((a, b) => (b.su > a.su ? b : a), scored[0]);
    if (!bu || bu.su < MIN_SEPARATION) throw tooClose(ctx, 'X', Xd, bu ? { a: bu.pair.u, score: bu.su, axis: -1 } : null);
    const bv = scored.reduce((a, b) => (b.sv > a.sv ? b : a), scored[0]);
    throw tooClose(ctx, 'Y', Yd, { a: bv.pair.v, score: bv.sv, axis: -1 });
  }
  return ranked.slice(0, count).filter((c) => Math.min(c.su, c.sv) >= MIN_SEPARATION).map(({ pair, su, sv }) => {
    const { u, v, inU } = pair;
    const Z = new Float64Array(N * d);
    if (inU) {
      for (let i = 0; i < N; i++) for (let k = 0; k < d; k++) Z[i * d + k] = inU[k] ? Xd[i * d + k] : Yd[i * d + k];
    } else {
      for (let i = 0; i < N; i++) {
        let alpha = 0;
        for (let k = 0; k < d; k++) alpha += v[k] * (Yd[i * d + k] - Xd[i * d + k]);
        for (let k = 0; k < d; k++) Z[i * d + k] = Xd[i * d + k] + alpha * v[k];
      }
    }
    return { u, v, Z, inU, separation: { u: su, v: sv } };
  });
}

/**
 * §A1: two shear stages of K layers each, tracked bit for bit through the exact solver's update
 * (`meta.selfCheck`: max |Φ(x_i) − y_i| of that tracked flow relative to the data's scale).
 * Variants: when N · 2K · p · d ≤ VARIANT_BUDGET / 2 several variants (best-separated direction
 * pairs, each with ±u, ±v: the sign decides from which end the batches are served) are built
 * and the one least sensitive to a change of rounding is kept (module comment); otherwise one
 * build, oriented by basis.ts predictedError.
 */
function* twoStage(ctx: Ctx, fallback?: string): Generator<number, Built> {
  const { Xd, Yd, N, d, p, T } = ctx;
  const tailNeuron = p >= 2 && ctx.tail;
  const K = stageLayers(N, p, tailNeuron);
  const tau = T / (2 * K);
  // Budget: each variant costs about three field sweeps over all layers (build with tracking,
  // two-step check); small problems try up to 12, large ones 1.
  const work = N * 2 * K * p * d;
  const variants = Math.max(1, Math.min(12, Math.floor(VARIANT_BUDGET / Math.max(1, work))));
  const plans = rankedPlans(ctx, Math.max(1, Math.ceil(variants / 4)));
  ctx.workTotal = ctx.work + 2 * K * Math.min(variants, plans.length * 4);
  const signs = [[1, 1], [-1, 1], [1, -1], [-1, -1]] as const;
  const orient = (pl: Plan, sgnU: number, sgnV: number): Plan => ({ ...pl, u: pl.u.map((x) => sgnU * x), v: pl.v.map((x) => sgnV * x) });
  type Variant = { layers: Layer[]; plan: Plan; err: number; stats: { clearance: number; excursion: number } };
  const build = function* (plan: Plan): Generator<number, Variant> {
    const P = Float64Array.from(Xd);
    const s1 = yield* stage(ctx, P, plan.Z, N, d, plan.u, p, tau, { freeze: plan.inU ?? undefined, floatParallel: !!plan.inU, tailNeuron });
    const s2 = yield* stage(ctx, P, Yd, N, d, plan.v, p, tau, { freeze: plan.inU ? plan.inU.map((x) => 1 - x) : undefined, floatParallel: !!plan.inU, tailNeuron });
    // P now holds the exact solver's result: the stages track it bit for bit.
    let err = 0;
    for (let j = 0; j < N * d; j++) err = Math.max(err, Math.abs(P[j] - Yd[j]));
    return { layers: [...s1.layers, ...s2.layers], plan, err: err / (ctx.scale > 0 ? ctx.scale : 1), stats: merge(s1, s2) };
  };
  let chosen: Variant & { sensitivity: number };
  let tried = 0;
  if (variants === 1) {
    // One build: orientation by the predicted round-off amplification (basis.ts).
    const pl = plans[0];
    const su = projections(Xd, d, pl.u, ctx.all), sv = projections(Yd, d, pl.v, ctx.all);
    let bestSign: readonly [number, number] = signs[0], bestPred = Infinity;
    for (const [a, b] of signs) {
      const pr = predictedError(su.map((x) => a * x), sv.map((x) => b * x), p, !pl.inU);
      if (pr < bestPred) (bestPred = pr), (bestSign = [a, b]);
    }
    chosen = { ...(yield* build(orient(pl, bestSign[0], bestSign[1]))), sensitivity: NaN };
    tried = 1;
  } else {
    let best: (Variant & { sensitivity: number }) | null = null;
    for (const pl of plans) {
      for (const [a, b] of signs) {
        if (tried >= variants) break;
        tried++;
        const v = yield* build(orient(pl, a, b));
        const sensitivity = parallelFlowError(v.layers, Xd, Yd, N, d, p, ctx.scale, 2);
        if (!best || sensitivity < best.sensitivity) best = { ...v, sensitivity };
      }
    }
    chosen = best!;
  }
  const { layers, plan, err } = chosen;
  return {
    layers,
    stats: chosen.stats,
    meta: {
      variant: 'A1',
      directions: plan.inU ? 'split' : 'rotated',
      u: Array.from(plan.u),
      v: Array.from(plan.v),
      separation: plan.separation,
      selfCheck: err,
      variantsTried: tried,
      ...(Number.isFinite(chosen.sensitivity) ? { roundoffSensitivity: chosen.sensitivity } : {}),
      ...(fallback ? { fallback } : {}),
    },
  };
}

/**
 * Max |Φ(x_i) − y_i| / scale with the flow of parallel layers (P1) taken in `steps` equal
 * explicit steps x ← x + (τ/steps)·f(x) per layer. One step is the exact solver's own update, which
 * the construction reproduces bit for bit (./shear.ts), so its error is round-off of the last
 * layers only; two steps change the rounding of every layer the way any other integrator does
 * (RK4, adaptive solvers) and expose how much the construction amplifies it — the criterion by
 * which variants are ranked.
 */
function parallelFlowError(layers: readonly Layer[], X: Float64Array, Y: Float64Array, N: number, d: number, p: number, scale: number, steps = 1): number {
  const x = new Float64Array(d), vel = new Float64Array(d);
  let err = 0;
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < d; k++) x[k] = X[i * d + k];
    for (const L of layers) {
      const h = L.duration / steps;
      for (let step = 0; step < steps; step++) {
        vel.fill(0);
        for (let j = 0; j < p; j++) {
          let s = L.b[j];
          for (let k = 0; k < d; k++) s += L.A[j * d + k] * x[k];
          if (s > 0) for (let k = 0; k < d; k++) vel[k] += L.W[k * p + j] * s;
        }
        for (let k = 0; k < d; k++) x[k] += h * vel[k];
      }
    }
    for (let k = 0; k < d; k++) err = Math.max(err, Math.abs(x[k] - Y[i * d + k]));
  }
  return err / (scale > 0 ? scale : 1);
}

/** §A2a (d > N): stage 1 delivers the batch B directly; stage 2 needs one layer less. */
function* preplaced(ctx: Ctx): Generator<number, Built | null> {
  const { Xd, Yd, N, d, p, T, rng, all, candidates } = ctx;
  const m = Math.min(p, N);
  const tries = 16;
  for (let attempt = 0; attempt < tries; attempt++) {
    // First attempt: the best-separating v; then fresh random ones (a different B each time).
    const v = attempt === 0 ? chooseDirection(Yd, d, all, rng, { candidates }) : chooseDirection(Yd, d, all, rng, { candidates: 1 });
    if (!v || v.score < MIN_SEPARATION) continue;
    const sy = projections(Yd, d, v.a, all);
    const order = all.slice().sort((i, j) => sy[i] - sy[j]);
    const B = order.slice(0, m);
    const inB = new Uint8Array(N);
    for (const i of B) inB[i] = 1;
    // Orthonormal basis of S = span{y_i − x_i : i ∈ B} (modified Gram–Schmidt, twice).
    const basis: Float64Array[] = [];
    for (const i of B) {
      const g = new Float64Array(d);
      let n0 = 0;
      for (let k = 0; k < d; k++) {
        g[k] = Yd[i * d + k] - Xd[i * d + k];
        n0 += g[k] * g[k];
      }
      n0 = Math.sqrt(n0);
      if (n0 === 0) continue;
      for (let pass = 0; pass < 2; pass++) {
        for (const e of basis) {
          let c = 0;
          for (let k = 0; k < d; k++) c += g[k] * e[k];
          for (let k = 0; k < d; k++) g[k] -= c * e[k];
        }
      }
      let nn = 0;
      for (let k = 0; k < d; k++) nn += g[k] * g[k];
      nn = Math.sqrt(nn);
      if (nn <= 1e-10 * n0) continue; // dependent on the others
      for (let k = 0; k < d; k++) g[k] /= nn;
      basis.push(g);
    }
    if (basis.length >= d) continue;
    const u = chooseDirection(Xd, d, all, rng, { candidates, orthogonalTo: basis, avoid: { vector: v.a, maxCosine: 0.99 } });
    if (!u || u.score < MIN_SEPARATION) continue;
    let uv = 0;
    for (let k = 0; k < d; k++) uv += u.a[k] * v.a[k];
    const r = new Float64Array(d);
    for (let k = 0; k < d; k++) r[k] = v.a[k] - uv * u.a[k];
    const vr = 1 - uv * uv;
    const Z = new Float64Array(N * d);
    for (let i = 0; i < N; i++) {
      if (inB[i]) {
        Z.set(Yd.subarray(i * d, i * d + d), i * d);
        continue;
      }
      let alpha = 0;
      for (let k = 0; k < d; k++) alpha += v.a[k] * (Yd[i * d + k] - Xd[i * d + k]);
      alpha /= vr;
      for (let k = 0; k < d; k++) Z[i * d + k] = Xd[i * d + k] + alpha * r[k];
    }
    const K = Math.ceil(N / p);
    const tau = T / (2 * K - 1);
    const P = Float64Array.from(Xd);
    ctx.workTotal = ctx.work + 2 * K - 1;
    const s1 = yield* stage(ctx, P, Z, N, d, u.a, p, tau);
    const rest = order.slice(m);
    const t0 = sy[order[m - 1]];
    const gapBelowT0 = m >= 2 ? sy[order[m - 1]] - sy[order[m - 2]] : Infinity;
    const s2 = rest.length ? yield* stage(ctx, P, Yd, N, d, v.a, p, tau, { active: rest, t0, gapBelowT0 }) : null;
    let err = 0;
    for (let j = 0; j < N * d; j++) err = Math.max(err, Math.abs(P[j] - Yd[j]));
    return {
      layers: [...s1.layers, ...(s2 ? s2.layers : [])],
      stats: s2 ? merge(s1, s2) : { clearance: s1.clearance, excursion: s1.excursion },
      meta: {
        variant: 'A2a',
        u: Array.from(u.a),
        v: Array.from(v.a),
        separation: { u: u.score, v: v.score },
        preplaced: B.map((i) => ctx.keep[i]),
        selfCheck: err / (ctx.scale > 0 ? ctx.scale : 1),
      },
    };
  }
  return null;
}

/** §A3 batched: fixed W and A, only b (and nothing else) changes from layer to layer. */
function semiAutonomous(ctx: Ctx): Built {
  const { Xd, Yd, N, d, p, T } = ctx;
  const { u, v, Z, inU, separation } = rankedPlans(ctx, 1)[0];
  const m = Math.floor(p / (4 * (d - 1)));
  const K = Math.ceil(N / m);
  const tau = T / (2 * K);
  const axes = (side: number) => {
    const out: Float64Array[] = [];
    for (let k = 0; k < d; k++) {
      if (inU![k] !== side) continue;
      const e = new Float64Array(d);
      e[k] = 1;
      out.push(e);
    }
    return out;
  };
  // Split directions: stage 1 translates along the axes outside U, stage 2 along those in U.
  const E1 = inU ? axes(0) : orthogonalComplement(u);
  const E2 = inU ? axes(1) : orthogonalComplement(v);
  const stages = [
    { a: u, E: E1, target: Z },
    { a: v, E: E2, target: Yd },
  ];
  // Pass 1: per stage, the order along a, the window below each point and the coefficients of
  // its translation in the basis E; positions are advanced by the translations (exact flow).
  const P = Float64Array.from(Xd);
  const plans: { order: number[]; lo: Float64Array; len: Float64Array; coef: Float64Array }[] = [];
  let lambda = 0;
  for (const st of stages) {
    const s = projections(P, d, st.a, ctx.all);
    const order = ctx.all.slice().sort((i, j) => s[i] - s[j]);
    const range = N > 1 ? s[order[N - 1]] - s[order[0]] : 0;
    const H = range > 0 ? range : 1;
    const q = st.E.length;
    const lo = new Float64Array(N), len = new Float64Array(N), coef = new Float64Array(N * q);
    const delta = new Float64Array(d), shift = new Float64Array(d);
    for (let r = 0; r < N; r++) {
      const i = order[r];
      const t = s[i];
      if (r === 0) {
        lo[r] = t - H;
        len[r] = 0.75 * H;
      } else {
        const h = t - s[order[r - 1]];
        lo[r] = s[order[r - 1]] + THRESHOLD_FRACTION * h;
        len[r] = (1 - 2 * THRESHOLD_FRACTION) * h;
      }
      // δ_r: displacement point r still needs after the translations of points below it
      let along = 0;
      for (let k = 0; k < d; k++) {
        delta[k] = st.target[i * d + k] - (P[i * d + k] + shift[k]);
        along += delta[k] * st.a[k];
      }
      for (let k = 0; k < d; k++) delta[k] -= along * st.a[k];
      for (let e = 0; e < q; e++) {
        let c = 0;
        for (let k = 0; k < d; k++) c += st.E[e][k] * delta[k];
        coef[r * q + e] = c;
        lambda = Math.max(lambda, Math.abs(c) / (tau * len[r]));
      }
      // the translation acts on point r and every point above it
      for (let e = 0; e < q; e++) {
        const c = coef[r * q + e];
        for (let k = 0; k < d; k++) shift[k] += c * st.E[e][k];
      }
      for (let k = 0; k < d; k++) P[i * d + k] += shift[k];
    }
    plans.push({ order, lo, len, coef });
  }
  if (!(lambda > 0)) lambda = 1;
  let norm = 0;
  for (let i = 0; i < N; i++) {
    for (const M of [Xd, Yd, Z]) {
      let q = 0;
      for (let k = 0; k < d; k++) q += M[i * d + k] * M[i * d + k];
      norm = Math.max(norm, Math.sqrt(q));
    }
  }
  const off = -(4 * norm + 1);
  // Fixed W (d × p) and A (p × d).
  const W = new Float64Array(d * p), A = new Float64Array(p * d);
  const neuron = (st: number, slot: number, e: number, sign: number) => ((st * m + slot) * (d - 1) + e) * 2 + sign;
  for (let st = 0; st < 2; st++) {
    for (let slot = 0; slot < m; slot++) {
      for (let e = 0; e < stages[st].E.length; e++) {
        for (let sign = 0; sign < 2; sign++) {
          const j = neuron(st, slot, e, sign);
          A.set(stages[st].a, j * d);
          for (let k = 0; k < d; k++) W[k * p + j] = (sign === 0 ? lambda : -lambda) * stages[st].E[e][k];
        }
      }
    }
  }
  for (let j = 0; j < p; j++) {
    let used = false;
    for (let k = 0; k < d; k++) used ||= A[j * d + k] !== 0;
    if (!used) A.set(u, j * d);
  }
  const layers: Layer[] = [];
  for (let st = 0; st < 2; st++) {
    const { lo, coef } = plans[st];
    for (let start = 0; start < N; start += m) {
      const b = new Float64Array(p).fill(off);
      for (let slot = 0; slot < m && start + slot < N; slot++) {
        const r = start + slot;
        const q = stages[st].E.length;
        for (let e = 0; e < q; e++) {
          const c = coef[r * q + e];
          if (c === 0) continue;
          const c1 = lo[r], c2 = lo[r] + Math.abs(c) / (lambda * tau);
          const plus = neuron(st, slot, e, 0), minus = neuron(st, slot, e, 1);
          b[plus] = -(c > 0 ? c1 : c2);
          b[minus] = -(c > 0 ? c2 : c1);
        }
      }
      layers.push({ duration: tau, W, A, b });
    }
  }
  return {
    layers,
    meta: {
      variant: 'semi',
      directions: inU ? 'split' : 'rotated',
      u: Array.from(u),
      v: Array.from(v),
      separation,
      pointsPerLayer: m,
      lambda,
    },
  };
}

/** Removes repeated pairs; throws when equal inputs have different targets or vice versa. */
function distinctPairs(X: Float64Array, Y: Float64Array, n: number, d: number): { keep: number[] } {
  const cmp = (M: Float64Array) => (i: number, j: number) => {
    for (let k = 0; k < d; k++) {
      const diff = M[i * d + k] - M[j * d + k];
      if (diff !== 0) return diff;
    }
    return i - j;
  };
  const equalRows = (M: Float64Array, i: number, j: number) => {
    for (let k = 0; k < d; k++) if (M[i * d + k] !== M[j * d + k]) return false;
    return true;
  };
  const byX = Array.from({ length: n }, (_, i) => i).sort(cmp(X));
  const keep: number[] = [];
  for (let q = 0; q < n; q++) {
    const i = byX[q];
    if (q > 0 && equalRows(X, byX[q - 1], i)) {
      const j = byX[q - 1];
      if (!equalRows(Y, j, i)) {
        throw new InconsistentDataError(
          'X',
          `inputs ${Math.min(i, j)} and ${Math.max(i, j)} are equal (${rowText(X, i, d)}) but their targets differ`,
          [Math.min(i, j), Math.max(i, j)],
          'a flow map sends each point to one place: remove one of the two pairs or make the inputs distinct',
        );
      }
      continue; // repeated pair: served by its first copy
    }
    keep.push(i);
  }
  keep.sort((a, b) => a - b);
  const byY = keep.slice().sort(cmp(Y));
  for (let q = 1; q < byY.length; q++) {
    if (equalRows(Y, byY[q - 1], byY[q])) {
      const i = Math.min(byY[q - 1], byY[q]), j = Math.max(byY[q - 1], byY[q]);
      throw new InconsistentDataError(
        'Y',
        `targets ${i} and ${j} are equal (${rowText(Y, i, d)}) but their inputs differ`,
        [i, j],
        'the flow map of an ODE is injective, so two inputs cannot reach one target: make the targets distinct (for classification use classify)',
      );
    }
  }
  return { keep };
}

function rowText(M: Float64Array, i: number, d: number): string {
  const row = Array.from(M.subarray(i * d, i * d + Math.min(d, 4)), (x) => String(x));
  return `[${row.join(', ')}${d > 4 ? ', …' : ''}]`;
}

/** The pair closest along the best direction found, as an InconsistentDataError. */
function tooClose(ctx: Ctx, name: 'X' | 'Y', M: Float64Array, dir: Direction | null): InconsistentDataError {
  const { d, all, keep } = ctx;
  let pair = [0, Math.min(1, ctx.N - 1)];
  if (dir) {
    const s = projections(M, d, dir.a, all);
    const order = all.slice().sort((i, j) => s[i] - s[j]);
    let best = Infinity;
    for (let q = 1; q < order.length; q++) {
      const g = s[order[q]] - s[order[q - 1]];
      if (g < best) {
        best = g;
        pair = [order[q - 1], order[q]];
      }
    }
  }
  const [i, j] = [keep[pair[0]], keep[pair[1]]].sort((a, b) => a - b);
  const what = name === 'X' ? 'inputs' : 'targets';
  return new InconsistentDataError(
    name,
    `${what} ${i} and ${j} are too close to separate (relative gap ${dir ? dir.score.toExponential(1) : 0} < ${MIN_SEPARATION}); the weights would be of size 1/gap`,
    [i, j],
    `merge or perturb these ${what}, or rescale the data`,
  );
}
