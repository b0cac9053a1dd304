/**
 * classify's readout and checks (docs/algorithms/classify.md, "Verification"):
 *  - the closed-form pass: every classify layer is a shear (⟨a, w⟩ = 0), so the exact flow of a
 *    layer is x ↦ x + τ W relu(A x + b) (primitive P1, docs/algorithms/flow.md), applied to the
 *    whole cloud with the ReLU-field Pair (src/backend/relu.ts). It measures the clearance (the
 *    smallest distance of a flowed point to a layer's hyperplane, relative to the data's scale)
 *    and the excursion (the largest |x(t) − x̄| along the trajectories, relative to the scale;
 *    trajectories are straight within a shear layer, so layer ends suffice);
 *  - the independent check: the data flowed by the RK4 kernel (assembly/rk4.ts), which shares no
 *    code with the construction's own tracking, read out by the half-space;
 *  - scores/predict for new points.
 */
import { use } from '../../backend/index.js';
import { parallelLayerStep } from '../../backend/relu.js';
import { rk4Layers } from '../../backend/rk4.js';
import { ConvergenceError } from '../../errors.js';
import { flow, type FlowMethod } from '../../flow/flow.js';
import type { Controls, LayerLike, PointsLike } from '../../types.js';
import { asCloud, asOptions, checkCount, checkOneOf } from '../../validate.js';

/** Class 1 ⟺ x_axis > offset at time T. */
export interface Readout {
  readonly axis: number;
  readonly offset: number;
}

export interface PredictOptions {
  /** Flow method (default 'exact'). */
  method?: FlowMethod;
  stepsPerLayer?: number;
}

/** Distance (× scale) within which a point counts as on a layer's hyperplane by construction (the hat's flatness test). */
const ON_KINK = 1e-9;

/** What the closed-form pass measured. */
export interface ShearPass {
  /** The flowed points (n × d). */
  x: Float64Array;
  /** min over layers and points of |⟨a, x⟩ + b|/|a| at the layer's start, / scale (points on a kink excluded). */
  clearance: number;
  /** (point, layer) pairs with the point on the layer's hyperplane to rounding (a hat's centre): they do not move in that layer. */
  onKinks: number;
  /** max over layer ends and points of |x − center|, / scale. */
  excursion: number;
}

/**
 * Flows the n points of x (row-major, copied) through width-1 shear layers with the closed form
 * x ← x + τ W relu(A x + b), measuring clearance and excursion relative to `scale` around `center`.
 */
export function* shearPass(x0: Float64Array, n: number, d: number, layers: readonly LayerLike[], center: Float64Array, scale: number): Generator<number, ShearPass> {
  const x = x0.slice(0, n * d);
  const scratch = new Float64Array(n * d);
  let clearance = Infinity, onKinks = 0;
  let excursion = radius(x, n, d, center);
  // Yield (for onProgress / signal / classifyAsync) every ~2·10⁶ coordinate updates.
  let work = 0;
  for (let li = 0; li < layers.length; li++) {
    const l = layers[li];
    work += n * (d + 1);
    if (work > 2e6) {
      work = 0;
      yield li / layers.length;
    }
    const A = l.A as Float64Array, W = l.W as Float64Array, b = l.b as Float64Array;
    let an = 0;
    for (let k = 0; k < d; k++) an += A[k] * A[k];
    an = Math.sqrt(an);
    if (an > 0) {
      for (let i = 0; i < n; i++) {
        let s = b[0], mag = Math.abs(b[0]);
        for (let k = 0; k < d; k++) {
          const v = A[k] * x[i * d + k];
          s += v;
          mag += Math.abs(v);
        }
        // On the kink by construction (a hat's centre, placed through its group to 1e-9·scale):
        // relu is continuous and zero there, so the side does not matter (the motion differs by
        // ≤ κ·|s|, inside the verification's maxError); counted, not a clearance.
        if (Math.abs(s) <= Math.max(1e-12 * mag, ON_KINK * scale * an)) {
          onKinks++;
          continue;
        }
        const g = Math.abs(s) / an;
        if (g < clearance) clearance = g;
      }
    }
    parallelLayerStep(x, n, d, W, A, b, 1, l.duration, scratch, 'classify');
    excursion = Math.max(excursion, radius(x, n, d, center));
  }
  return { x, clearance: clearance / scale, excursion: excursion / scale, onKinks };
}

function radius(x: Float64Array, n: number, d: number, center: Float64Array): number {
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += (x[i * d + k] - center[k]) ** 2;
    if (s > r2) r2 = s;
  }
  return Math.sqrt(r2);
}

/**
 * The closed-form pass in the caller's coordinates, unperturbed or with the inputs perturbed by
 * a deterministic ± pattern of size `perturb`; every point must end on its side by ≥ μ/2.
 * Catches constructions whose weights are too large for doubles (the collinear method's slopes
 * can grow geometrically with the number of runs). Returns the pass (clearance, excursion).
 */
export function* checkInCallerCoordinates(
  data: Float64Array, rep: readonly number[], lab: Uint8Array, d: number, layers: readonly LayerLike[], readout: Readout,
  mu: number, method: string, perturb: number, center: Float64Array, scale: number,
): Generator<number, ShearPass> {
  const n = rep.length;
  const x = new Float64Array(n * d);
  rep.forEach((i, r) => {
    x.set(data.subarray(i * d, (i + 1) * d), r * d);
    // Deterministic ± pattern: a perturbation no solver's round-off comes near.
    if (perturb > 0) for (let k = 0; k < d; k++) x[r * d + k] += ((i * 7 + k * 3) % 5 - 2) * 0.5 * perturb;
  });
  const pass = yield* shearPass(x, n, d, layers, center, scale);
  for (let r = 0; r < n; r++) {
    const score = pass.x[r * d + readout.axis] - readout.offset;
    if (!((lab[r] === 1 ? score : -score) >= 0.5 * mu)) {
      let wmax = 0;
      for (const l of layers) for (let k = 0; k < d; k++) wmax = Math.max(wmax, Math.abs((l.W as Float64Array)[k]));
      throw new ConvergenceError(
        `classify (method '${method}')`,
        `point ${rep[r]} ends ${score} from the threshold in floating point (label ${lab[r]}, margin ${mu}); the weights reach ${wmax.toExponential(2)}, ill-conditioned for doubles`,
        method === 'collinear' ? "the collinear slopes grow geometrically with the number of runs: use method 'cluster'" : "use method 'hat', or report the data set",
      );
    }
  }
  return pass;
}

/** The independent check of diagnostics.verification. */
export interface ClassifyVerification {
  /** The solver: the RK4 kernel, `stepsPerLayer` steps per layer. */
  readonly method: 'rk4';
  readonly stepsPerLayer: number;
  /** Points (of the caller's data) that RK4 puts on the wrong side of the readout. */
  readonly misclassified: number;
  /** min over points of the signed score (positive = right side) / margin μ. */
  readonly worstMargin: number;
  /** max |Φ_rk4(x) − Φ_closed(x)| over the data, / scale. */
  readonly maxError: number;
}

/** Steps per layer of the independent RK4 check (the field is constant along shear trajectories, so RK4 is exact up to rounding at any count; 4 exercises the stages). */
export const VERIFY_STEPS = 4;

/**
 * Flows the data (unique points `rep`) with the RK4 kernel (the layer-steps Pair of
 * src/backend/rk4.ts, its TS twin before init()) in chunks — a generator, so that the signal and
 * onProgress are served between chunks — and compares with the closed-form endpoints `closed`.
 */
export function* verifyIndependently(
  controls: Controls, data: Float64Array, rep: readonly number[], lab: Uint8Array, readout: Readout, mu: number, closed: Float64Array, scale: number,
): Generator<number, ClassifyVerification> {
  const d = controls.d, n = rep.length;
  const x = new Float64Array(n * d);
  rep.forEach((i, r) => x.set(data.subarray(i * d, (i + 1) * d), r * d));
  const run = use(rk4Layers, 'classify', { beforeInit: 'js' });
  // ≈ 2·10⁷ multiply–adds per chunk (tens of milliseconds).
  const perPoint = Math.max(1, controls.layers.length * VERIFY_STEPS * 4 * (2 * d + 2));
  const chunk = Math.max(8, Math.min(n, Math.floor(2e7 / perPoint)));
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const m = Math.min(chunk, n - i0);
    run(x.subarray(i0 * d, (i0 + m) * d), m, d, controls.width, controls.layers, VERIFY_STEPS, null, 1);
    yield (i0 + m) / n;
  }
  const end = x;
  let misclassified = 0, worst = Infinity, err = 0;
  for (let r = 0; r < n; r++) {
    const score = end[r * d + readout.axis] - readout.offset;
    const signed = lab[r] === 1 ? score : -score;
    if (!(signed > 0)) misclassified++;
    worst = Math.min(worst, signed);
    for (let k = 0; k < d; k++) err = Math.max(err, Math.abs(end[r * d + k] - closed[r * d + k]));
  }
  return { method: 'rk4', stepsPerLayer: VERIFY_STEPS, misclassified, worstMargin: worst / mu, maxError: err / scale };
}

/** scores(points) = ⟨e_axis, Φ_T(x)⟩ − offset, by flowing the points (default 'exact'). */
export function makeScores(controls: Controls, readout: Readout): (points: PointsLike, options?: PredictOptions) => Float64Array {
  return (pts, opts) => {
    const o = asOptions(opts, 'options');
    const method = checkOneOf('options.method', o.method ?? 'exact', ['rk4', 'euler', 'exact'] as const);
    const c = asCloud(pts, 'points', { d: controls.d });
    const r = flow(controls, c, { method, ...(o.stepsPerLayer !== undefined ? { stepsPerLayer: checkCount('options.stepsPerLayer', o.stepsPerLayer, 1, 1 << 24) } : {}) });
    const out = new Float64Array(c.n);
    for (let i = 0; i < c.n; i++) out[i] = r.data[i * controls.d + readout.axis] - readout.offset;
    return out;
  };
}
