/**
 * Densities transported by the neural transport equation ∂ₜρ + div(W relu(Ax + b) ρ) = 0
 * (survey arXiv 2510.03303, §3.4, Thm 3.5; docs/algorithms/density.md):
 *   ρ(T)(y) = ρ₀(Φ_T⁻¹(y)) · det DΦ_T⁻¹(y)          (change of variables),
 * with Φ_T⁻¹ the flow of the reversed controls (reverseControls) and its log-determinant
 * integrated cell by cell (logDetJacobian). densityError measures ‖ρ(T) − ρ_T‖_{L¹} (the
 * quantity of Thm 3.5) and KL(ρ(T) ‖ ρ_T) on a grid (midpoint rule) or by Monte Carlo from
 * samples of ρ₀ (pushed forward, ρ(T)(Φ(x)) = ρ₀(x)·e^{−log det DΦ(x)}).
 */
import { CapacityError, FlowsteerError, InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import type { Controls, PointCloud, PointsLike } from '../types.js';
import { asCloud, asControls, asOptions, checkCount, checkProgressOptions } from '../validate.js';
import { logDetChunks, planLogDet, reverseControls, type LogDetMethod } from './logdet.js';

/** A density on R^d: x ↦ ρ(x) ≥ 0 (x has length d; do not keep it, it is reused). */
export type DensityFunction = (x: Float64Array) => number;

export interface PushforwardOptions extends ProgressOptions {
  method?: LogDetMethod;
  stepsPerLayer?: number;
}

export interface PushforwardResult {
  /** ρ(T)(y_i). */
  readonly density: Float64Array;
  /** log ρ(T)(y_i) (−Infinity where ρ₀ vanishes at the preimage). */
  readonly logDensity: Float64Array;
  /** log det DΦ_T⁻¹(y_i) = −log det DΦ_T(x_i). */
  readonly logDetInverse: Float64Array;
  /** x_i = Φ_T⁻¹(y_i). */
  readonly preimages: PointCloud;
}

function evalDensity(rho: DensityFunction, name: string, x: Float64Array): number {
  const v = rho(x);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new InvalidArgumentError(name, v, `a finite density value ≥ 0 (at x = [${Array.from(x, (t) => +t.toPrecision(6)).join(', ')}])`, 'return ρ(x) ≥ 0 for every x');
  }
  return v;
}

/** ρ(T) at the points Y for the controls and the initial density rho0. */
export function pushforwardDensity(controls: Controls, rho0: DensityFunction, Y: PointsLike, options?: PushforwardOptions): PushforwardResult {
  const o = asOptions(options);
  return runSync(pushforwardSteps(controls, rho0, Y, o, 1), o, 'pushforwardDensity');
}

/** Like pushforwardDensity, yielding to the event loop between chunks of points. */
export async function pushforwardDensityAsync(controls: Controls, rho0: DensityFunction, Y: PointsLike, options?: PushforwardOptions): Promise<PushforwardResult> {
  const o = asOptions(options);
  return runAsync(pushforwardSteps(controls, rho0, Y, o, 1), o, 'pushforwardDensityAsync');
}

/** The work of pushforwardDensity, reporting progress as a fraction of `share`. */
function* pushforwardSteps(controls: Controls, rho0: DensityFunction, Y: PointsLike, o: PushforwardOptions, share: number): Generator<number, PushforwardResult> {
  checkProgressOptions(o);
  const c = asControls(controls);
  if (typeof rho0 !== 'function') throw new InvalidArgumentError('rho0', rho0, 'a function x ↦ ρ₀(x)');
  const cloud = asCloud(Y, 'Y', { d: c.d });
  const plan = planLogDet(reverseControls(c), cloud, { method: o.method, stepsPerLayer: o.stepsPerLayer });
  const gen = logDetChunks(plan);
  let r = gen.next();
  while (!r.done) {
    yield r.value * share;
    r = gen.next();
  }
  const back = r.value;
  const n = cloud.n, d = cloud.d;
  const density = new Float64Array(n), logDensity = new Float64Array(n);
  const x = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) x[k] = back.points.data[i * d + k];
    const r0 = evalDensity(rho0, 'rho0', x);
    // in logs: ρ₀ may be tiny where e^{log det} is huge, and their product representable
    logDensity[i] = r0 > 0 ? Math.log(r0) + back.logDet[i] : -Infinity;
    const direct = r0 * Math.exp(back.logDet[i]);
    density[i] = r0 === 0 ? 0 : Number.isFinite(direct) && direct > 0 ? direct : Math.exp(logDensity[i]);
    if (!Number.isFinite(density[i])) {
      throw new FlowsteerError('NON_FINITE', `the push-forward density at Y[${i}] is e^${logDensity[i]}, beyond the double range: the flow compresses the mass there by e^${-back.logDet[i]}; read logDensity from a smaller problem or shorten the layers`, { parameter: 'controls', value: logDensity[i], fix: 'shorten the layers or scale W down' });
    }
  }
  return { density, logDensity, logDetInverse: back.logDet, preimages: back.points };
}

export interface DensityGrid {
  /** Lower corner of the box (length d). */
  min: readonly number[];
  /** Upper corner (length d). */
  max: readonly number[];
  /** Cells per axis (a number for all axes, or one per axis). */
  cells: number | readonly number[];
}

export interface DensityErrorOptions extends PushforwardOptions {
  /** Midpoint rule on a box grid: ρ(T) by pushforwardDensity at the cell centres. */
  grid?: DensityGrid;
  /** Monte Carlo: points drawn from ρ₀ (pushed forward with their log-determinants). */
  samples?: PointsLike;
}

export interface DensityErrorResult {
  /** ‖ρ(T) − ρ_T‖_{L¹} (over the box for a grid; Monte Carlo estimate for samples). */
  readonly l1: number;
  /** KL(ρ(T) ‖ ρ_T) = ∫ ρ(T) log(ρ(T)/ρ_T); Infinity when ρ_T = 0 where ρ(T) > 0 (`klSupport` counts those points). */
  readonly kl: number;
  readonly klSupport: number;
  /** Grid: ∫_box ρ(T) (1 up to the grid error and the mass outside the box); samples: 1. */
  readonly mass: number;
  /** Grid: ∫_box ρ_T (absent for samples). */
  readonly massTarget?: number;
  /** Samples: standard errors of the two Monte Carlo means. */
  readonly standardError?: { readonly l1: number; readonly kl: number };
  readonly points: number;
}

/** Max grid cells (every cell is one backward flow). */
export const MAX_DENSITY_GRID_CELLS = 1 << 24;

/** L¹ and KL between the transported density ρ(T) and a target ρ_T (Thm 3.5's error). */
export function densityError(controls: Controls, rho0: DensityFunction, rhoT: DensityFunction, options?: DensityErrorOptions): DensityErrorResult {
  const o = asOptions(options);
  return runSync(densityErrorSteps(controls, rho0, rhoT, o), o, 'densityError');
}

/** Like densityError, yielding to the event loop between chunks of points. */
export async function densityErrorAsync(controls: Controls, rho0: DensityFunction, rhoT: DensityFunction, options?: DensityErrorOptions): Promise<DensityErrorResult> {
  const o = asOptions(options);
  return runAsync(densityErrorSteps(controls, rho0, rhoT, o), o, 'densityErrorAsync');
}

function* densityErrorSteps(controls: Controls, rho0: DensityFunction, rhoT: DensityFunction, o: DensityErrorOptions): Generator<number, DensityErrorResult> {
  checkProgressOptions(o);
  const c = asControls(controls);
  if (typeof rho0 !== 'function') throw new InvalidArgumentError('rho0', rho0, 'a function x ↦ ρ₀(x)');
  if (typeof rhoT !== 'function') throw new InvalidArgumentError('rhoT', rhoT, 'a function x ↦ ρ_T(x)');
  if ((o.grid === undefined) === (o.samples === undefined)) {
    throw new InvalidArgumentError('options', o.grid === undefined ? 'neither grid nor samples' : 'both grid and samples', 'exactly one of { grid } or { samples }');
  }
  const d = c.d;
  const y = new Float64Array(d);
  if (o.grid !== undefined) {
    const g = o.grid;
    if (typeof g !== 'object' || g === null) throw new InvalidArgumentError('options.grid', g, '{ min, max, cells }');
    const lo = Array.from(g.min ?? []), hi = Array.from(g.max ?? []);
    if (lo.length !== d || hi.length !== d) throw new ShapeMismatchError('options.grid.min/max', `lengths ${lo.length}, ${hi.length}`, `length d = ${d}`);
    const cells = typeof g.cells === 'number' ? new Array(d).fill(g.cells) : Array.from(g.cells ?? []);
    if (cells.length !== d) throw new ShapeMismatchError('options.grid.cells', cells, `a number or d = ${d} numbers`);
    let total = 1;
    for (let k = 0; k < d; k++) {
      checkCount(`options.grid.cells[${k}]`, cells[k], 1);
      if (!(Number.isFinite(lo[k]) && Number.isFinite(hi[k]) && hi[k] > lo[k])) throw new InvalidArgumentError(`options.grid.max[${k}]`, hi[k], `a finite number > min[${k}] = ${lo[k]}`);
      total *= cells[k];
    }
    if (total > MAX_DENSITY_GRID_CELLS) throw new CapacityError('options.grid.cells', total * d * 8, `use at most ${MAX_DENSITY_GRID_CELLS} cells (coarser grid), or samples`);
    const Y = new Float64Array(total * d);
    let vol = 1;
    for (let k = 0; k < d; k++) vol *= (hi[k] - lo[k]) / cells[k];
    for (let q = 0; q < total; q++) {
      let r = q;
      for (let k = d - 1; k >= 0; k--) {
        const ix = r % cells[k];
        r = (r - ix) / cells[k];
        Y[q * d + k] = lo[k] + ((ix + 0.5) * (hi[k] - lo[k])) / cells[k];
      }
    }
    const pf = yield* pushforwardSteps(c, rho0, { n: total, d, data: Y }, o, 1);
    let l1 = 0, kl = 0, klSupport = 0, mass = 0, massT = 0;
    for (let q = 0; q < total; q++) {
      for (let k = 0; k < d; k++) y[k] = Y[q * d + k];
      const a = pf.density[q], b = evalDensity(rhoT, 'rhoT', y);
      l1 += Math.abs(a - b);
      mass += a;
      massT += b;
      if (a > 0) {
        if (b > 0) kl += a * (pf.logDensity[q] - Math.log(b));
        else klSupport++;
      }
    }
    if (!Number.isFinite(l1 * vol) || !Number.isFinite(mass * vol) || !Number.isFinite(massT * vol) || (!klSupport && !Number.isFinite(kl * vol))) {
      throw new FlowsteerError('NON_FINITE', 'the grid sums leave the double range (densities near 1e308 on the grid); use a coarser grid or a box where the densities are moderate', { parameter: 'options.grid', fix: 'a box where the densities are moderate' });
    }
    return { l1: l1 * vol, kl: klSupport ? Infinity : kl * vol, klSupport, mass: mass * vol, massTarget: massT * vol, points: total };
  }
  const S = asCloud(o.samples as PointsLike, 'options.samples', { d, minPoints: 2 });
  const gen = logDetChunks(planLogDet(c, S, { method: o.method, stepsPerLayer: o.stepsPerLayer }));
  let step = gen.next();
  while (!step.done) {
    yield step.value;
    step = gen.next();
  }
  const f = step.value;
  const n = S.n;
  let l1 = 0, l1sq = 0, kl = 0, klsq = 0, klSupport = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) y[k] = S.data[i * d + k];
    const r0 = evalDensity(rho0, 'rho0', y);
    if (!(r0 > 0)) throw new InvalidArgumentError('options.samples', `row ${i}`, 'points where ρ₀ > 0 (samples of ρ₀)');
    const logA = Math.log(r0) - f.logDet[i];
    for (let k = 0; k < d; k++) y[k] = f.points.data[i * d + k];
    const b = evalDensity(rhoT, 'rhoT', y);
    // |ρ(T) − ρ_T| / ρ(T) = |1 − ρ_T/ρ(T)|, averaged over y ~ ρ(T)
    const ratio = b > 0 ? Math.exp(Math.log(b) - logA) : 0;
    const e = Math.abs(1 - ratio);
    l1 += e;
    l1sq += e * e;
    if (b > 0) {
      const lr = logA - Math.log(b);
      kl += lr;
      klsq += lr * lr;
    } else klSupport++;
  }
  if (!Number.isFinite(l1) || !Number.isFinite(kl)) {
    throw new FlowsteerError('NON_FINITE', 'the Monte Carlo estimate overflows: ρ_T/ρ(T) leaves the double range at some samples; estimate on a grid (options.grid) instead', { parameter: 'options.samples', fix: 'use options.grid' });
  }
  const mean = (s: number): number => s / n;
  const se = (s: number, s2: number): number => Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2) / (n - 1));
  return {
    l1: mean(l1), kl: klSupport ? Infinity : mean(kl), klSupport, mass: 1, points: n,
    standardError: { l1: se(l1, l1sq), kl: klSupport ? Infinity : se(kl, klsq) },
  };
}
