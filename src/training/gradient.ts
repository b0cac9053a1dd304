/**
 * lossAndGradient(controls, X, Y, options): J_α(θ) = α‖θ‖²_BV + risk (survey arXiv 2510.03303,
 * eq. 3.11–3.13) and its gradient with respect to every W, A, b and (optionally) every duration,
 * through the discrete RK4 / Euler map (discrete adjoint, ./gradient-rk4.ts) or the exact flow map
 * (./gradient-exact.ts). See docs/algorithms/training.md.
 */
import { InvalidArgumentError, NonFiniteError } from '../errors.js';
import type { Controls, PointsLike } from '../types.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import { asCloud, asControls, asOptions, checkBoolean, checkCount, checkNumber, checkOneOf, checkProgressOptions } from '../validate.js';
import { exactRiskGradient } from './gradient-exact.js';
import { discreteRiskGradient } from './gradient-rk4.js';
import { bvNormAndGradient, makeRisk, zeroGradient, type LayerGradientArrays, type RiskFn, type TrainingLoss } from './loss.js';

export type GradientMethod = 'rk4' | 'euler' | 'exact';
export const GRADIENT_METHODS: readonly GradientMethod[] = ['rk4', 'euler', 'exact'];
export const DEFAULT_TRAINING_STEPS = 10;

export interface LossOptions extends ProgressOptions {
  /** 'rk4' (default) / 'euler': gradient of the discrete map; 'exact': of the exact flow map. */
  method?: GradientMethod;
  /** Steps per layer for 'rk4' / 'euler' (default 10). */
  stepsPerLayer?: number;
  /** Weight α ≥ 0 of ‖θ‖²_BV (default 0). */
  alpha?: number;
  /** Also differentiate the layer durations (switch times); default false (duration gradients 0). */
  durations?: boolean;
  /** 'squared' (default, eq. 3.13), { kind: 'hinge', margin, readout } or { kind: 'crossEntropy', readout }. */
  loss?: TrainingLoss;
}

export interface LayerGradient {
  W: Float64Array;
  A: Float64Array;
  b: Float64Array;
  duration: number;
}

export interface ControlsGradient {
  d: number;
  width: number;
  layers: LayerGradient[];
}

export interface LossAndGradient {
  /** J_α = risk + α ‖θ‖²_BV. */
  loss: number;
  risk: number;
  /** ‖θ‖_BV (eq. 3.11). */
  bv: number;
  gradient: ControlsGradient;
  method: GradientMethod;
  stepsPerLayer?: number;
}

export interface ResolvedLossOptions {
  method: GradientMethod;
  steps: number;
  alpha: number;
  durations: boolean;
}

export function resolveLossOptions(o: LossOptions, prefix = 'options'): ResolvedLossOptions {
  const method = checkOneOf(`${prefix}.method`, o.method ?? 'rk4', GRADIENT_METHODS);
  const steps = checkCount(`${prefix}.stepsPerLayer`, o.stepsPerLayer ?? DEFAULT_TRAINING_STEPS, 1, 1_000_000);
  const alpha = checkNumber(`${prefix}.alpha`, o.alpha ?? 0);
  if (!(alpha >= 0)) throw new InvalidArgumentError(`${prefix}.alpha`, alpha, 'a finite number ≥ 0', 'α weighs ‖θ‖²_BV in J_α; use 0 for no penalty');
  const durations = checkBoolean(`${prefix}.durations`, o.durations, false);
  return { method, steps, alpha, durations };
}

/** Risk + gradient of a batch (rows: target indices of the batch's rows, or null for all). */
export function riskAndGradientGen(
  c: Controls, x: Float64Array, n: number, rows: Int32Array | null, risk: RiskFn, o: ResolvedLossOptions,
  grad: LayerGradientArrays[] | null, fn: string,
): Generator<number, { risk: number; z: Float64Array }> {
  if (o.method === 'exact') return exactRiskGradient(c, x, n, rows, risk, grad, o.durations);
  return discreteRiskGradient(c, x, n, rows, risk, o.method, o.steps, grad, o.durations, fn);
}

/** riskAndGradientGen run to the end (no progress). */
export function riskAndGradient(
  c: Controls, x: Float64Array, n: number, rows: Int32Array | null, risk: RiskFn, o: ResolvedLossOptions,
  grad: LayerGradientArrays[] | null, fn: string,
): { risk: number; z: Float64Array } {
  const g = riskAndGradientGen(c, x, n, rows, risk, o, grad, fn);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

export function checkGradientFinite(grad: LayerGradientArrays[], what: string, fix: string): void {
  for (let k = 0; k < grad.length; k++) {
    for (const key of ['W', 'A', 'b', 'duration'] as const) {
      const a = grad[k][key];
      for (let j = 0; j < a.length; j++) {
        if (!Number.isFinite(a[j])) throw new NonFiniteError(what, j, a[j], `layer ${k}, ${key}${key === 'duration' ? '' : `[${j}]`}; ${fix}`);
      }
    }
  }
}

export function toControlsGradient(c: Controls, g: LayerGradientArrays[]): ControlsGradient {
  return { d: c.d, width: c.width, layers: g.map((l) => ({ W: l.W, A: l.A, b: l.b, duration: l.duration[0] })) };
}

/**
 * J_α(θ) = risk(Φ_T(X), Y) + α‖θ‖²_BV and its gradient, shaped like the controls.
 * Y: N target points for 'squared', N labels for the classification losses.
 */
export function lossAndGradient(controls: Controls, X: PointsLike, Y: PointsLike | ArrayLike<number>, options?: LossOptions): LossAndGradient {
  const o = asOptions(options);
  checkProgressOptions(o);
  return runSync(lossGen(controls, X, Y, o), o, 'lossAndGradient');
}

/** lossAndGradient that yields to the event loop between chunks of points. */
export async function lossAndGradientAsync(controls: Controls, X: PointsLike, Y: PointsLike | ArrayLike<number>, options?: LossOptions): Promise<LossAndGradient> {
  const o = asOptions(options);
  checkProgressOptions(o);
  return runAsync(lossGen(controls, X, Y, o), o, 'lossAndGradientAsync');
}

function* lossGen(controls: Controls, X: PointsLike, Y: PointsLike | ArrayLike<number>, o: LossOptions): Generator<number, LossAndGradient> {
  const c = asControls(controls);
  const cx = asCloud(X, 'X', { d: c.d, minPoints: 1 });
  const r = resolveLossOptions(o);
  const risk = makeRisk(o.loss, Y, cx.n, c.d);
  const grad = zeroGradient(c);
  const out = yield* riskAndGradientGen(c, cx.data, cx.n, null, risk, r, grad, 'lossAndGradient');
  const bv = bvNormAndGradient(c, r.alpha, grad, r.durations);
  const loss = out.risk + r.alpha * bv * bv;
  const fix = 'the flow overflowed: use smaller controls or durations, or more stepsPerLayer';
  if (!Number.isFinite(loss)) throw new NonFiniteError('loss', 0, loss, fix);
  checkGradientFinite(grad, 'gradient', fix);
  return {
    loss,
    risk: out.risk,
    bv,
    gradient: toControlsGradient(c, grad),
    method: r.method,
    ...(r.method !== 'exact' ? { stepsPerLayer: r.steps } : {}),
  };
}
