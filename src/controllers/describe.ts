/**
 * What users need around the constructions (issue 3, item 4):
 *
 * summarizeControls(controls) — size and regularity of piecewise-constant controls θ(t) = (W, A, b)(t):
 *   d, width p, layers, switches L, parameter count (layers · (2dp + p)), and the BV norm of
 *   the survey arXiv 2510.03303 §3.3, eq. (3.11):
 *     ‖θ‖_BV(0,T) = ‖θ‖_L¹(0,T) + TV(θ; (0,T)) = Σ_k τ_k |θ_k| + Σ_{k≥1} |θ_k − θ_{k−1}|,
 *   |·| the Euclidean norm of all d·p + p·d + p entries of a layer (for p = 1 this is the norm of
 *   (a, b, w) ∈ R^{2d+1} used there). K = ‖θ‖²_BV is the constant of (3.11), and by
 *   (3.14)–(3.15) every global minimiser θ* of J_α(θ) = α‖θ‖²_BV + Σ_i |Φ_T(x_i) − y_i|² satisfies
 *     ‖θ*‖²_BV ≤ J_α(θ*)/α ≤ J_α(θ)/α = K + risk/α,
 *   where risk = Σ_i |Φ_T(x_i) − y_i|² of our controls (0 for exact interpolation; `aprioriBound`
 *   adds the measured risk when given one).
 *
 * verify(controls, X, Y) — flows X (method 'exact' by default) and reports max and mean
 *   |Φ_T(x_i) − y_i|, the same relative to the data's scale (max |coordinate| of X and Y), the
 *   empirical risk Σ|·|² and the method used; and, by default, the same check with an
 *   independent adaptive solver with event location (src/verify/adaptive.ts, sharing no code
 *   with the flow engine or the constructions; docs/algorithms/verification.md): a construction
 *   that only the engine's own arithmetic reproduces shows up as a gap between the two.
 *
 * (Named summarizeControls, not describe: `describe` collides with every test framework's.)
 */
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { flow, type FlowMethod } from '../flow/flow.js';
import type { Controls, PointsLike } from '../types.js';
import { asCloud, asControls, asOptions, checkBoolean, checkCount, checkOneOf, checkPositive, checkSignal } from '../validate.js';
import { independentCheckSteps, INDEPENDENT_BUDGET, type IndependentCheck } from '../verify/adaptive.js';

export interface ControlsDescription {
  d: number;
  width: number;
  layers: number;
  switches: number;
  T: number;
  /** layers · (d·p + p·d + p). */
  parameters: number;
  /** ∫_0^T |θ(t)| dt. */
  l1Norm: number;
  /** Σ_k |θ_k − θ_{k−1}| (jumps at the switches). */
  totalVariation: number;
  /** ‖θ‖_BV = l1Norm + totalVariation (eq. 3.11). */
  bvNorm: number;
  /** K = ‖θ‖²_BV: the a-priori bound (3.14)–(3.15) on ‖θ*‖²_BV for minimisers of J_α when our risk is 0. */
  aprioriBound: number;
  /** max |W|, |A|, |b| entries (conditioning at a glance). */
  maxAbs: { W: number; A: number; b: number };
}

export function summarizeControls(controls: Controls): ControlsDescription {
  const c = asControls(controls);
  let l1 = 0, tv = 0, mW = 0, mA = 0, mb = 0;
  let prev: Controls['layers'][number] | null = null;
  for (const L of c.layers) {
    let sq = 0, jump = 0;
    for (const [arr, prevArr, which] of [[L.W, prev?.W, 0], [L.A, prev?.A, 1], [L.b, prev?.b, 2]] as const) {
      for (let j = 0; j < arr.length; j++) {
        const x = arr[j];
        sq += x * x;
        if (prevArr) jump += (x - prevArr[j]) ** 2;
        const ax = Math.abs(x);
        if (which === 0) mW = Math.max(mW, ax);
        else if (which === 1) mA = Math.max(mA, ax);
        else mb = Math.max(mb, ax);
      }
    }
    l1 += L.duration * Math.sqrt(sq);
    if (prev) tv += Math.sqrt(jump);
    prev = L;
  }
  const bv = l1 + tv;
  return {
    d: c.d,
    width: c.width,
    layers: c.layers.length,
    switches: c.switches,
    T: c.T,
    parameters: c.layers.length * (2 * c.d * c.width + c.width),
    l1Norm: l1,
    totalVariation: tv,
    bvNorm: bv,
    aprioriBound: bv * bv,
    maxAbs: { W: mW, A: mA, b: mb },
  };
}

/**
 * The bound (3.15) for a given penalty α > 0 and the measured risk Σ|Φ_T(x_i) − y_i|² of the
 * controls: ‖θ*‖²_BV ≤ ‖θ‖²_BV + risk/α.
 */
export function aprioriBound(controls: Controls, alpha: number, risk = 0): number {
  checkPositive('alpha', alpha);
  if (typeof risk !== 'number' || !(risk >= 0) || !Number.isFinite(risk)) throw new InvalidArgumentError('risk', risk, 'a finite number ≥ 0');
  return summarizeControls(controls).aprioriBound + risk / alpha;
}

export interface VerifyOptions {
  /** Flow method (default 'exact'). */
  method?: FlowMethod;
  /** Steps per layer for 'rk4' / 'euler' (default: the flow engine's default). */
  stepsPerLayer?: number;
  /**
   * Also flow with the independent adaptive solver (default true). `true` checks every point when
   * the cost allows (about 1–2 s) and an evenly strided subset plus the worst point otherwise; `'all'`
   * checks every point whatever the cost.
   */
  independent?: boolean | 'all';
  /** Stops the independent check with an AbortError. */
  signal?: AbortSignal;
}

export interface VerifyResult {
  method: FlowMethod;
  stepsPerLayer?: number;
  n: number;
  /** max_i |Φ_T(x_i) − y_i| (Euclidean). */
  maxError: number;
  meanError: number;
  /** maxError / scale, scale = max |coordinate| over X and Y (1 if all are 0). */
  relativeMaxError: number;
  scale: number;
  /** Σ_i |Φ_T(x_i) − y_i|² (the empirical risk of eq. 3.13). */
  risk: number;
  /** Index of the worst point. */
  worst: number;
  /** The independent adaptive solver's result (src/verify/adaptive.ts), or null when not requested. */
  independent: IndependentCheck | null;
}

export function verify(controls: Controls, X: PointsLike, Y: PointsLike, options: VerifyOptions = {}): VerifyResult {
  options = asOptions(options);
  const c = asControls(controls);
  const cx = asCloud(X, 'X', { d: c.d, minPoints: 1 });
  const cy = asCloud(Y, 'Y', { d: c.d });
  if (cy.n !== cx.n) throw new ShapeMismatchError('Y', `${cy.n} points`, `${cx.n} points, one target per input`);
  const method = checkOneOf('options.method', options.method ?? 'exact', ['exact', 'rk4', 'euler'] as const);
  const steps = options.stepsPerLayer === undefined ? undefined : checkCount('options.stepsPerLayer', options.stepsPerLayer, 1);
  const wantIndependent = options.independent === 'all' ? 'all' : checkBoolean('options.independent', options.independent, true);
  const signal = checkSignal('options.signal', options.signal);
  const out = flow(c, cx, { method, ...(steps ? { stepsPerLayer: steps } : {}) });
  const d = c.d;
  let max = 0, sum = 0, risk = 0, worst = 0, scale = 0;
  for (let j = 0; j < cx.n * d; j++) scale = Math.max(scale, Math.abs(cx.data[j]), Math.abs(cy.data[j]));
  for (let i = 0; i < cx.n; i++) {
    let e2 = 0;
    for (let k = 0; k < d; k++) e2 += (out.data[i * d + k] - cy.data[i * d + k]) ** 2;
    const e = Math.sqrt(e2);
    risk += e2;
    sum += e;
    if (e > max) {
      max = e;
      worst = i;
    }
  }
  if (scale === 0) scale = 1;
  let independent: IndependentCheck | null = null;
  if (wantIndependent) {
    const gen = independentCheckSteps(c, cx.data, cy.data, cx.n, d, { signal, budget: wantIndependent === 'all' ? Infinity : INDEPENDENT_BUDGET, must: [worst] });
    for (;;) {
      const r = gen.next();
      if (r.done) {
        independent = r.value;
        break;
      }
    }
  }
  return {
    method,
    ...(method !== 'exact' ? { stepsPerLayer: steps ?? undefined } : {}),
    n: cx.n,
    maxError: max,
    meanError: sum / cx.n,
    relativeMaxError: max / scale,
    scale,
    risk,
    worst,
    independent,
  };
}
