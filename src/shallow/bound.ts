/**
 * Theorem 2.2 of the survey (arXiv 2510.03303, eq. 2.13; Liu & Zuazua arXiv 2412.01619): for the
 * solution Θ_ε of (P_ε),
 *
 *   r(Θ_ε) ≤ U(ε) := ε + d_KR(m_X, m_X′) · val(PR_ε),
 *
 * and the ε-sweep that minimises U. val(PR_ε) is convex and non-increasing in ε (it is an LP value
 * with right-hand side y ± ε), so U is convex; its right slope at 0 is 1 − d_KR · ‖λ₀‖₁ for a dual
 * solution λ₀ of (PR₀) — ε* = 0 when the input shift is below 1/‖λ₀‖₁ (the survey's threshold "by
 * dual analysis"), ε* > 0 above it. docs/algorithms/shallow.md, "Generalization".
 * The existing r(Θ) of eq. 2.12 is `generalizationBound` (src/wasserstein/bound.ts), reused here.
 */
import { InvalidArgumentError } from '../errors.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import type { PointsLike } from '../types.js';
import { asCloud, asOptions, checkProgressOptions, checkTolerance } from '../validate.js';
import { generalizationBound, type LabelledData } from '../wasserstein/bound.js';
import { wasserstein1 } from '../wasserstein/exact.js';
import { initShallow } from './lp.js';
import { evaluateShallow, shallowRepresent, type ShallowRepresentation, type ShallowRepresentOptions } from './represent.js';

/** U(ε) = ε + d_KR(m_X, m_X′) · val(PR_ε)  (eq. 2.13). */
export function shallowUpperBound(epsilon: number, inputShift: number, value: number): number {
  checkTolerance('epsilon', epsilon, 0);
  checkTolerance('inputShift', inputShift, 0);
  checkTolerance('value', value, 0);
  return epsilon + inputShift * value;
}

export interface SweepRow {
  epsilon: number;
  /** val(PR_ε) (certified primal value of the column generation). */
  value: number;
  /** Its certified lower bound. */
  dual: number;
  /** U(ε) of eq. 2.13. */
  U: number;
  /** r(Θ_ε) of eq. 2.12 (≤ U(ε) by Thm 2.2), from generalizationBound. */
  r: number;
  /** (1/N) Σ |f(x_i) − y_i|. */
  trainError: number;
  /** (1/N′) Σ |f(x′_i) − y′_i|. */
  testError: number;
  /** d_KR(m_test, m_pred), the left-hand side of eq. 2.11. */
  testDistance: number;
  atoms: number;
  status: ShallowRepresentation['status'];
}

export interface GeneralizationSweepOptions extends ProgressOptions {
  /** The ε grid (≥ 0, sorted). Default: 0 and 24 more points evenly up to max_i |y_i| (where val = 0). */
  epsilons?: number[];
  /** Passed to shallowRepresent (method, tolerance, pricing, seed …). */
  represent?: Omit<ShallowRepresentOptions, 'epsilon' | 'onProgress' | 'signal'>;
}

export interface GeneralizationSweep {
  rows: SweepRow[];
  /** argmin of U over the grid. */
  epsilonStar: number;
  /** U(ε*). */
  Ustar: number;
  /** d_KR(m_X, m_X′). */
  inputShift: number;
  /** 1/‖λ₀‖₁ from the dual of (PR₀) found by the solver: ε* = 0 when inputShift ≤ it (if λ₀ is the least-norm dual solution; a sufficient test otherwise when it says ε* > 0). */
  threshold: number;
  /** 'small shift' (ε* = 0) or 'large shift' (ε* > 0). */
  regime: 'smallShift' | 'largeShift';
}

function* sweep(train: LabelledData, test: LabelledData, options: GeneralizationSweepOptions | undefined): Generator<number, GeneralizationSweep> {
  const o = asOptions(options);
  checkProgressOptions(o);
  if (typeof train !== 'object' || train === null) throw new InvalidArgumentError('train', train, 'an object { x, y }');
  if (typeof test !== 'object' || test === null) throw new InvalidArgumentError('test', test, 'an object { x, y }');
  const X = asCloud(train.x as PointsLike, 'train.x', { minPoints: 1 });
  const Xt = asCloud(test.x as PointsLike, 'test.x', { d: X.d, minPoints: 1 });
  const y = Float64Array.from(train.y as ArrayLike<number>);
  let ymax = 0;
  for (const v of y) ymax = Math.max(ymax, Math.abs(v));
  let eps: number[];
  if (o.epsilons === undefined) {
    eps = Array.from({ length: 25 }, (_, k) => (ymax * k) / 24);
  } else {
    if (!Array.isArray(o.epsilons) || o.epsilons.length === 0) throw new InvalidArgumentError('options.epsilons', o.epsilons, 'a non-empty array of ε ≥ 0');
    eps = o.epsilons.map((e, k) => checkTolerance(`options.epsilons[${k}]`, e, 0));
  }
  const inputShift = wasserstein1(X, Xt).value;
  const rows: SweepRow[] = [];
  let lambda0Norm = NaN;
  for (let k = 0; k < eps.length; k++) {
    const r = shallowRepresent(X, y, { ...(o.represent ?? {}), epsilon: eps[k] });
    const net = r.network;
    const g = net.P > 0 ? generalizationBound(train, test, net) : null;
    const fTest = evaluateShallow(net, Xt);
    const yt = test.y as ArrayLike<number>;
    let te = 0;
    for (let i = 0; i < Xt.n; i++) te += Math.abs(fTest[i] - yt[i]);
    te /= Xt.n;
    const fTrain = evaluateShallow(net, X);
    let tr = 0;
    for (let i = 0; i < X.n; i++) tr += Math.abs(fTrain[i] - y[i]);
    tr /= X.n;
    if (eps[k] === 0 && Number.isNaN(lambda0Norm)) lambda0Norm = r.diagnostics.dualNorm;
    rows.push({
      epsilon: eps[k], value: r.value, dual: r.dual, U: eps[k] + inputShift * r.value,
      r: g ? g.trainingBias + g.sensitivity : tr, trainError: tr, testError: te,
      testDistance: g ? g.testDistance : NaN, atoms: net.P, status: r.status,
    });
    yield (k + 1) / eps.length;
  }
  let best = 0;
  for (let k = 1; k < rows.length; k++) if (rows[k].U < rows[best].U) best = k;
  const epsilonStar = rows[best].epsilon;
  return {
    rows, epsilonStar, Ustar: rows[best].U, inputShift,
    threshold: lambda0Norm > 0 ? 1 / lambda0Norm : NaN,
    regime: epsilonStar === 0 ? 'smallShift' : 'largeShift',
  };
}

/**
 * Sweeps ε, solving (PR_ε) for each, and returns U(ε) (eq. 2.13), r(Θ_ε) (eq. 2.12), train/test
 * errors and ε* = argmin U. Needs `await init()` (W₁) and `await initShallow()` (HiGHS).
 */
export function generalizationSweep(train: LabelledData, test: LabelledData, options?: GeneralizationSweepOptions): GeneralizationSweep {
  const o = asOptions(options);
  return runSync(sweep(train, test, o), o, 'generalizationSweep');
}

export async function generalizationSweepAsync(train: LabelledData, test: LabelledData, options?: GeneralizationSweepOptions): Promise<GeneralizationSweep> {
  const o = asOptions(options);
  await initShallow();
  return runAsync(sweep(train, test, o), o, 'generalizationSweepAsync');
}
