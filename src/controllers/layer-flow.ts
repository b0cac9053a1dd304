/**
 * Closed-form flows of the two kinds of layer the measure constructions are built from
 * (docs/algorithms/transport.md §1.2, §1.3, §1.7.3). Both are exact up to round-off, with no time steps:
 *
 *   'parallel'   every pair of neurons satisfies ⟨a_j, w_i⟩ = 0 (P1, shears). Each activation
 *                ⟨a_j, x⟩ + b_j is constant along trajectories, so the velocity is too and
 *                  Φ_τ(x) = x + τ · W relu(A x + b).
 *   'axis'       every neuron with w_i ≠ 0 has a_i and w_i along one and the same coordinate
 *                axis e_k (P2 compressions/expansions, tents). Coordinate k then obeys its own
 *                scalar ODE  ẋ_k = g_k(x_k) = Σ_{i on axis k} w_ik relu(a_ik x_k + b_i),
 *                g_k piecewise linear; it is solved piece by piece: on a piece g = α x + γ,
 *                  x(t) = x* + (x0 − x*) e^{α t}, x* = −γ/α   (α ≠ 0),   x(t) = x0 + γ t (α = 0),
 *                and a breakpoint crossing restarts with the next piece. A scalar autonomous
 *                ODE is monotone in time, so each breakpoint is crossed at most once.
 *
 * The general event-driven solver of the flow engine (`flow(…, {method: 'exact'})`) covers every
 * layer; these two are the cheap special cases the constructions use while they build
 * themselves (they need the particle positions after every layer), and the tests cross-check
 * them against RK4 and the general solver.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Layer } from '../types.js';

export type LayerKind = 'parallel' | 'axis';

/** Relative size below which a field value counts as zero (docs/algorithms/transport.md §1.7.3). */
const ZERO_FIELD = 1e-12;

/** Which closed form applies to the layer, or null when neither does. */
export function layerKind(layer: Layer, d: number, p: number): LayerKind | null {
  const { W, A } = layer;
  let parallel = true;
  for (let i = 0; i < p && parallel; i++) {
    let wn = 0;
    for (let k = 0; k < d; k++) wn += W[k * p + i] * W[k * p + i];
    if (wn === 0) continue;
    for (let j = 0; j < p; j++) {
      let dot = 0, an = 0;
      for (let k = 0; k < d; k++) {
        dot += A[j * d + k] * W[k * p + i];
        an += A[j * d + k] * A[j * d + k];
      }
      if (Math.abs(dot) > 1e-12 * Math.sqrt(an * wn)) {
        parallel = false;
        break;
      }
    }
  }
  if (parallel) return 'parallel';
  for (let i = 0; i < p; i++) {
    const axis = neuronAxis(layer, d, p, i);
    if (axis === -2) return null;
  }
  return 'axis';
}

/**
 * The axis of neuron i: k when a_i and w_i are both multiples of e_k, −1 when w_i = 0 (the
 * neuron does nothing), −2 otherwise.
 */
function neuronAxis(layer: Layer, d: number, p: number, i: number): number {
  let axis = -1;
  for (let k = 0; k < d; k++) {
    if (layer.W[k * p + i] !== 0) {
      if (axis !== -1) return -2;
      axis = k;
    }
  }
  if (axis === -1) return -1;
  for (let k = 0; k < d; k++) if (k !== axis && layer.A[i * d + k] !== 0) return -2;
  return axis;
}

/**
 * Flows the n points of x (row-major n × d) through one layer for its duration, in place.
 * Throws when the layer is of neither kind (use the flow engine's 'exact' or 'rk4' then).
 */
export function flowLayerClosedForm(x: Float64Array, n: number, d: number, layer: Layer, p: number, kind = layerKind(layer, d, p)): void {
  if (kind === 'parallel') flowParallel(x, n, d, layer, p);
  else if (kind === 'axis') flowAxis(x, n, d, layer, p);
  else throw new InvalidArgumentError('layer', 'a layer that is neither parallel nor axis-aligned', "a parallel or axis-aligned layer", "use flow(…, { method: 'exact' }) for general layers");
}

function flowParallel(x: Float64Array, n: number, d: number, layer: Layer, p: number): void {
  const { W, A, b, duration: tau } = layer;
  const v = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    v.fill(0);
    for (let i = 0; i < p; i++) {
      let s = b[i];
      for (let k = 0; k < d; k++) s += A[i * d + k] * x[o + k];
      if (!(s > 0)) continue;
      for (let k = 0; k < d; k++) v[k] += W[k * p + i] * s;
    }
    for (let k = 0; k < d; k++) x[o + k] += tau * v[k];
  }
}

/** One scalar piecewise-linear field g(x) = Σ_j w_j relu(s_j x + β_j), with sorted breakpoints. */
interface ScalarField {
  w: Float64Array;
  s: Float64Array;
  beta: Float64Array;
  breaks: Float64Array;
}

function flowAxis(x: Float64Array, n: number, d: number, layer: Layer, p: number): void {
  const byAxis: number[][] = Array.from({ length: d }, () => []);
  for (let i = 0; i < p; i++) {
    const k = neuronAxis(layer, d, p, i);
    if (k >= 0) byAxis[k].push(i);
  }
  for (let k = 0; k < d; k++) {
    const js = byAxis[k];
    if (js.length === 0) continue;
    const f: ScalarField = {
      w: Float64Array.from(js, (i) => layer.W[k * p + i]),
      s: Float64Array.from(js, (i) => layer.A[i * d + k]),
      beta: Float64Array.from(js, (i) => layer.b[i]),
      breaks: new Float64Array(0),
    };
    const bps: number[] = [];
    for (let j = 0; j < js.length; j++) if (f.s[j] !== 0) bps.push(-f.beta[j] / f.s[j]);
    f.breaks = Float64Array.from(new Set(bps)).sort();
    for (let r = 0; r < n; r++) x[r * d + k] = flowScalar(f, x[r * d + k], layer.duration);
  }
}

/** g(x) and the scale Σ|w_j (s_j x + β_j)| of its terms (to decide when g is zero). */
function evalScalar(f: ScalarField, x: number): { g: number; scale: number } {
  let g = 0, scale = 0;
  for (let j = 0; j < f.w.length; j++) {
    const z = f.s[j] * x + f.beta[j];
    if (z > 0) g += f.w[j] * z;
    scale += Math.abs(f.w[j] * z);
  }
  return { g, scale };
}

/** Exact solution at time tau of ẋ = g(x), x(0) = x0, for piecewise-linear g. */
export function flowScalar(f: ScalarField, x0: number, tau: number): number {
  let x = x0, t = 0;
  const nb = f.breaks.length;
  for (let guard = 0; guard <= nb + 2 && t < tau; guard++) {
    const { g, scale } = evalScalar(f, x);
    if (Math.abs(g) <= ZERO_FIELD * scale || g === 0) break;
    const dir = g > 0 ? 1 : -1;
    // The next breakpoint strictly ahead in the direction of motion.
    let target = NaN;
    if (dir > 0) {
      for (let q = 0; q < nb; q++) if (f.breaks[q] > x) { target = f.breaks[q]; break; }
    } else {
      for (let q = nb - 1; q >= 0; q--) if (f.breaks[q] < x) { target = f.breaks[q]; break; }
    }
    // The affine piece between x and the target: active set evaluated at an interior point.
    const probe = Number.isNaN(target) ? x + dir * (1 + Math.abs(x)) : 0.5 * (x + target);
    let alpha = 0, gamma = 0;
    for (let j = 0; j < f.w.length; j++) {
      if (f.s[j] * probe + f.beta[j] > 0) {
        alpha += f.w[j] * f.s[j];
        gamma += f.w[j] * f.beta[j];
      }
    }
    const rem = tau - t;
    let hit = Infinity;
    if (alpha !== 0) {
      const xs = -gamma / alpha;
      if (!Number.isNaN(target)) {
        const ratio = (target - xs) / (x - xs);
        if (ratio > 0) {
          const tt = Math.log(ratio) / alpha;
          if (tt >= 0) hit = tt;
        }
      }
      if (hit >= rem) return xs + (x - xs) * Math.exp(alpha * rem);
    } else {
      if (gamma === 0) break;
      if (!Number.isNaN(target)) hit = (target - x) / gamma;
      if (!(hit >= 0)) hit = Infinity;
      if (hit >= rem) return x + gamma * rem;
    }
    x = target;
    t += hit;
  }
  return x;
}
