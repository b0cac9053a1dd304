/**
 * Log-determinants of the flow map of the ReLU neural ODE ẋ = W relu(A x + b) (survey arXiv
 * 2510.03303, eq. 3.3–3.4 and §3.4; docs/algorithms/density.md).
 *
 * In the cell of the hyperplane arrangement with active set S the field is affine, ẋ = M x + c,
 * M = Σ_{i∈S} w_i a_iᵀ, so by Liouville d/dt log det DΦ_t = tr M = Σ_{i∈S} ⟨w_i, a_i⟩. The field
 * is continuous across the hyperplanes, so a transversal crossing leaves DΦ continuous (the
 * saltation matrix is the identity) and
 *   log det DΦ_T(x) = Σ_cells (time in the cell) · Σ_{i active} ⟨w_i, a_i⟩.
 * 'exact' integrates it cell by cell along the exact flow (src/flow/exact.ts, which reports the
 * time in each cell); 'rk4' / 'euler' return log |det| of the Jacobian of the discrete map (the
 * product over steps of the step Jacobians, differentiated stage by stage), so the densities they
 * give are those of the map those solvers apply.
 */
import { FlowsteerError, InvalidArgumentError } from '../errors.js';
import { exactLayerPoint } from '../flow/exact.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import type { Controls, Layer, PointCloud, PointsLike } from '../types.js';
import { asCloud, asControls, asOptions, checkCount, checkOneOf, checkProgressOptions } from '../validate.js';

export type LogDetMethod = 'exact' | 'rk4' | 'euler';
export const LOGDET_METHODS: readonly LogDetMethod[] = ['exact', 'rk4', 'euler'];

export interface LogDetOptions extends ProgressOptions {
  /** 'exact' (default): cell by cell along the exact flow; 'rk4' / 'euler': of the discrete map. */
  method?: LogDetMethod;
  /** Steps per layer for 'rk4' and 'euler' (default 100). */
  stepsPerLayer?: number;
}

export interface LogDetResult {
  /** Φ_T(x_i): the flowed points (by the same method). */
  readonly points: PointCloud;
  /** log det DΦ_T(x_i) (log |det| of the discrete map for 'rk4' / 'euler'). */
  readonly logDet: Float64Array;
  readonly method: LogDetMethod;
}

/** log det of the flow map's Jacobian at every point, and the flowed points. */
export function logDetJacobian(controls: Controls, X: PointsLike, options?: LogDetOptions): LogDetResult {
  const o = asOptions(options);
  const plan = planLogDet(controls, X, o);
  return runSync(logDetChunks(plan), o, 'logDetJacobian');
}

/** Like logDetJacobian, yielding to the event loop between chunks of points. */
export async function logDetJacobianAsync(controls: Controls, X: PointsLike, options?: LogDetOptions): Promise<LogDetResult> {
  const o = asOptions(options);
  const plan = planLogDet(controls, X, o);
  return runAsync(logDetChunks(plan), o, 'logDetJacobianAsync');
}

/**
 * Controls of the inverse flow: the layers in reverse order with W → −W (ẋ = −W relu(Ax + b)
 * run forward for the same duration undoes the layer).
 */
export function reverseControls(controls: Controls): Controls {
  const c = asControls(controls);
  const layers: Layer[] = c.layers.slice().reverse().map((L) => ({ duration: L.duration, W: L.W.map((v) => -v), A: L.A.slice(), b: L.b.slice() }));
  return { d: c.d, width: c.width, T: c.T, layers, switches: c.switches, ...(c.meta ? { meta: c.meta } : {}) };
}

interface Plan {
  controls: Controls;
  cloud: PointCloud;
  method: LogDetMethod;
  steps: number;
  chunk: number;
}

export function planLogDet(controlsIn: Controls, X: PointsLike, o: LogDetOptions): Plan {
  checkProgressOptions(o);
  const controls = asControls(controlsIn);
  const cloud = asCloud(X, 'X', { d: controls.d });
  const method = checkOneOf('options.method', o.method ?? 'exact', LOGDET_METHODS);
  const steps = checkCount('options.stepsPerLayer', o.stepsPerLayer ?? 100, 1, 1 << 24);
  const d = controls.d, p = controls.width;
  const work = controls.layers.length * (method === 'exact' ? 50 * p * d : steps * 4 * (p * d + d * d * d));
  const chunk = Math.max(16, Math.ceil(2e6 / Math.max(1, work)));
  return { controls, cloud, method, steps, chunk };
}

export function* logDetChunks(plan: Plan): Generator<number, LogDetResult> {
  const { controls, cloud, method, steps, chunk } = plan;
  const n = cloud.n, d = cloud.d, p = controls.width;
  const out = Float64Array.from(cloud.data.subarray(0, n * d));
  const logDet = new Float64Array(n);
  const trace = new Float64Array(1);
  const ws = method === 'exact' ? null : new StepWorkspace(d, p);
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const m = Math.min(chunk, n - i0);
    for (let i = i0; i < i0 + m; i++) {
      if (method === 'exact') {
        trace[0] = 0;
        controls.layers.forEach((L, li) => exactLayerPoint(out, i * d, d, L, p, null, null, 0, 0, li, trace));
        logDet[i] = trace[0];
      } else {
        let ld = 0;
        controls.layers.forEach((L, li) => (ld += ws!.layer(out, i * d, L, steps, method, li)));
        logDet[i] = ld;
      }
    }
    for (let i = i0; i < i0 + m; i++) {
      for (let k = 0; k < d; k++) {
        if (!Number.isFinite(out[i * d + k])) {
          throw new FlowsteerError('NON_FINITE', `the ${method} flow overflowed: point ${i} became ${out[i * d + k]}; the field grows too fast for these durations — shorten the layers or scale W down`, { parameter: 'controls', value: out[i * d + k], fix: 'shorten the layers or scale W down' });
        }
      }
      if (!Number.isFinite(logDet[i])) {
        throw new FlowsteerError('NON_FINITE', `log det DΦ at point ${i} is ${logDet[i]}: the flow compresses or expands beyond the double range; shorten the layers or scale W down`, { parameter: 'controls', value: logDet[i], fix: 'shorten the layers or scale W down' });
      }
    }
    yield (i0 + m) / n;
  }
  return { points: { n, d, data: out }, logDet, method };
}

/**
 * Per-point RK4 / Euler steps with the step Jacobian (d × d), for one layer. The field and its
 * Jacobian: f(x) = Σ_i w_i relu(s_i), Df(x) = Σ_{i: s_i > 0} w_i a_iᵀ, s_i = ⟨a_i, x⟩ + b_i.
 *   Euler: J = I + h Df(x).
 *   RK4:   K₁ = Df(x), K₂ = Df(y₂)(I + h/2 K₁), K₃ = Df(y₃)(I + h/2 K₂), K₄ = Df(y₄)(I + h K₃),
 *          J = I + h/6 (K₁ + 2K₂ + 2K₃ + K₄)   (y_j the stage points).
 * log |det J| by LU with partial pivoting; a step whose Jacobian is singular or reverses
 * orientation means the discrete map folds: InvalidArgumentError on stepsPerLayer.
 */
class StepWorkspace {
  readonly d: number;
  readonly p: number;
  private x: Float64Array;
  private y: Float64Array;
  private k: Float64Array[];
  private K: Float64Array[];
  private D: Float64Array;
  private J: Float64Array;
  private T: Float64Array;
  private act: Uint8Array;
  constructor(d: number, p: number) {
    this.d = d;
    this.p = p;
    this.x = new Float64Array(d);
    this.y = new Float64Array(d);
    this.k = [0, 1, 2, 3].map(() => new Float64Array(d));
    this.K = [0, 1, 2, 3].map(() => new Float64Array(d * d));
    this.D = new Float64Array(d * d);
    this.J = new Float64Array(d * d);
    this.T = new Float64Array(d * d);
    this.act = new Uint8Array(p);
  }

  /** f(y) into f and Df(y) into D (row-major d × d). */
  private field(L: Layer, y: Float64Array, f: Float64Array, D: Float64Array): void {
    const { d, p, act } = this;
    f.fill(0);
    D.fill(0);
    for (let i = 0; i < p; i++) {
      let s = L.b[i];
      for (let k = 0; k < d; k++) s += L.A[i * d + k] * y[k];
      act[i] = s > 0 ? 1 : 0;
      if (!(s > 0)) continue;
      for (let k = 0; k < d; k++) {
        const w = L.W[k * p + i];
        f[k] += w * s;
        for (let l = 0; l < d; l++) D[k * d + l] += w * L.A[i * d + l];
      }
    }
  }

  /** out ← D · (I + c·B) (d × d). */
  private stage(D: Float64Array, B: Float64Array | null, c: number, out: Float64Array): void {
    const d = this.d;
    if (!B) {
      out.set(D);
      return;
    }
    for (let r = 0; r < d; r++) {
      for (let col = 0; col < d; col++) {
        let s = D[r * d + col];
        for (let m = 0; m < d; m++) s += D[r * d + m] * c * B[m * d + col];
        out[r * d + col] = s;
      }
    }
  }

  /** Integrates one layer for point at x[o..o+d) in place; returns Σ log |det J_step|. */
  layer(xs: Float64Array, o: number, L: Layer, steps: number, method: 'rk4' | 'euler', li: number): number {
    const { d, x, y, k, K, D, J } = this;
    for (let q = 0; q < d; q++) x[q] = xs[o + q];
    const h = L.duration / steps;
    let ld = 0;
    for (let s = 0; s < steps; s++) {
      if (method === 'euler') {
        this.field(L, x, k[0], D);
        for (let q = 0; q < d * d; q++) J[q] = h * D[q];
        for (let q = 0; q < d; q++) J[q * d + q] += 1;
        for (let q = 0; q < d; q++) x[q] += h * k[0][q];
      } else {
        this.field(L, x, k[0], D);
        this.stage(D, null, 0, K[0]);
        for (let q = 0; q < d; q++) y[q] = x[q] + 0.5 * h * k[0][q];
        this.field(L, y, k[1], D);
        this.stage(D, K[0], 0.5 * h, K[1]);
        for (let q = 0; q < d; q++) y[q] = x[q] + 0.5 * h * k[1][q];
        this.field(L, y, k[2], D);
        this.stage(D, K[1], 0.5 * h, K[2]);
        for (let q = 0; q < d; q++) y[q] = x[q] + h * k[2][q];
        this.field(L, y, k[3], D);
        this.stage(D, K[2], h, K[3]);
        for (let q = 0; q < d * d; q++) J[q] = (h / 6) * (K[0][q] + 2 * K[1][q] + 2 * K[2][q] + K[3][q]);
        for (let q = 0; q < d; q++) J[q * d + q] += 1;
        for (let q = 0; q < d; q++) x[q] += (h / 6) * (k[0][q] + 2 * k[1][q] + 2 * k[2][q] + k[3][q]);
      }
      const l = logAbsDetPositive(J, d, this.T);
      if (!Number.isFinite(l)) {
        throw new InvalidArgumentError(
          'options.stepsPerLayer', steps,
          `enough steps that every ${method} step map preserves orientation (layer ${li}, step ${s}: det J ≤ 0)`,
          "use more steps per layer, or method: 'exact'",
        );
      }
      ld += l;
    }
    for (let q = 0; q < d; q++) xs[o + q] = x[q];
    return ld;
  }
}

/** log det J for det J > 0 (LU with partial pivoting on a copy); NaN when det J ≤ 0. */
export function logAbsDetPositive(J: Float64Array, d: number, work: Float64Array = new Float64Array(d * d)): number {
  const a = work;
  a.set(J.subarray(0, d * d));
  let sign = 1, ld = 0;
  for (let c = 0; c < d; c++) {
    let piv = c, best = Math.abs(a[c * d + c]);
    for (let r = c + 1; r < d; r++) {
      const v = Math.abs(a[r * d + c]);
      if (v > best) (best = v), (piv = r);
    }
    if (best === 0) return NaN;
    if (piv !== c) {
      sign = -sign;
      for (let q = 0; q < d; q++) {
        const t = a[c * d + q];
        a[c * d + q] = a[piv * d + q];
        a[piv * d + q] = t;
      }
    }
    const u = a[c * d + c];
    if (u < 0) sign = -sign;
    ld += Math.log(Math.abs(u));
    for (let r = c + 1; r < d; r++) {
      const f = a[r * d + c] / u;
      if (f === 0) continue;
      for (let q = c + 1; q < d; q++) a[r * d + q] -= f * a[c * d + q];
    }
  }
  return sign > 0 ? ld : NaN;
}
