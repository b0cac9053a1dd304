/**
 * The training objective of the survey (arXiv 2510.03303, §3.3, eq. 3.12–3.13)
 *
 *   J_α(θ) = α ‖θ‖²_BV + risk(Φ_T(x_1), …, Φ_T(x_N)),
 *
 * with ‖θ‖_BV = Σ_k τ_k |θ_k| + Σ_{k≥1} |θ_k − θ_{k−1}| exactly as `describe` computes it
 * (eq. 3.11; |·| the Euclidean norm of all entries (W, A, b) of a layer), and one of three risks of
 * the final states z_i = Φ_T(x_i):
 *   'squared'         Σ_i |z_i − y_i|²  (eq. 3.13; Y: N points in R^d)
 *   hinge             Σ_i max(0, margin − y_i·score(z_i)),  y_i ∈ {−1, +1} (0 counts as −1)
 *   crossEntropy      Σ_i −log softmax(V z_i + c)_{y_i}, y_i ∈ {0, …, K−1}; with a scalar readout
 *                     (w, c) it is the logistic loss Σ_i log(1 + e^{−y_i score(z_i)}), y_i ∈ {±1} or {0, 1}
 * with a fixed linear readout: score(z) = ⟨w, z⟩ + c, or classify's half-space readout
 * {axis, offset}: score(z) = z_axis − offset. The readout is not trained: the flow is the model.
 * See docs/algorithms/training.md.
 */
import { InvalidArgumentError, NonFiniteError, ShapeMismatchError } from '../errors.js';
import type { Controls, PointsLike } from '../types.js';
import { asCloud, checkNumber } from '../validate.js';

export interface LinearReadout {
  /** score(z) = ⟨w, z⟩ + c. */
  w: ArrayLike<number>;
  c?: number;
}
export interface AxisReadout {
  /** score(z) = z[axis] − offset (the readout `classify` returns). */
  axis: number;
  offset?: number;
}
export interface MulticlassReadout {
  /** Logits V z + c: V is K×d row-major, c has K entries. */
  V: ArrayLike<number>;
  c?: ArrayLike<number>;
}
export type BinaryReadout = LinearReadout | AxisReadout;

export type TrainingLoss =
  | 'squared'
  | { kind: 'squared' }
  | { kind: 'hinge'; margin?: number; readout: BinaryReadout }
  | { kind: 'crossEntropy'; readout: BinaryReadout | MulticlassReadout };

/** A validated loss: evaluates the risk at the final states and its gradient with respect to them. */
export interface RiskFn {
  readonly kind: 'squared' | 'hinge' | 'crossEntropy';
  /** risk of the final states z (n×d) of the points idx (or all); grad (n×d, same rows as z) ← ∂risk/∂z. */
  evaluate(z: Float64Array, n: number, grad: Float64Array | null, rows?: Int32Array | null): number;
  /** Number of correctly classified points (classification losses), or null. */
  correct(z: Float64Array, n: number, rows?: Int32Array | null): number | null;
  /** The number of targets (points). */
  readonly n: number;
}

/** Validates the targets against the loss and returns the risk function. */
export function makeRisk(loss: unknown, Y: unknown, n: number, d: number): RiskFn {
  const spec = loss ?? 'squared';
  const kind = typeof spec === 'string' ? spec : typeof spec === 'object' && spec !== null ? (spec as { kind?: unknown }).kind : undefined;
  if (kind === 'squared') return squaredRisk(Y as PointsLike, n, d);
  if (kind === 'hinge' || kind === 'crossEntropy') {
    const s = spec as { margin?: unknown; readout?: unknown };
    const readout = s.readout;
    if (typeof readout !== 'object' || readout === null) {
      throw new InvalidArgumentError('options.loss.readout', readout, 'a linear readout {w, c}, {axis, offset} or (crossEntropy) {V, c}');
    }
    if (kind === 'crossEntropy' && 'V' in readout) return softmaxRisk(readout as MulticlassReadout, Y, n, d);
    const { w, c } = binaryReadout(readout, d);
    const y = signLabels(Y, n);
    if (kind === 'hinge') {
      const margin = s.margin === undefined ? 0.1 : checkNumber('options.loss.margin', s.margin);
      if (!(margin >= 0)) throw new InvalidArgumentError('options.loss.margin', margin, 'a finite number ≥ 0');
      return binaryRisk('hinge', w, c, y, d, margin);
    }
    return binaryRisk('crossEntropy', w, c, y, d, 0);
  }
  throw new InvalidArgumentError('options.loss', spec, "'squared', { kind: 'hinge', margin, readout } or { kind: 'crossEntropy', readout }");
}

function squaredRisk(Y: PointsLike, n: number, d: number): RiskFn {
  const cy = asCloud(Y, 'Y', { d });
  if (cy.n !== n) throw new ShapeMismatchError('Y', `${cy.n} points`, `${n} points, one target per input`);
  const y = cy.data;
  return {
    kind: 'squared',
    n,
    evaluate(z, m, grad, rows) {
      let risk = 0;
      for (let r = 0; r < m; r++) {
        const i = rows ? rows[r] : r;
        for (let k = 0; k < d; k++) {
          const e = z[r * d + k] - y[i * d + k];
          risk += e * e;
          if (grad) grad[r * d + k] = 2 * e;
        }
      }
      return risk;
    },
    correct: () => null,
  };
}

function binaryReadout(r: object, d: number): { w: Float64Array; c: number } {
  const w = new Float64Array(d);
  if ('axis' in r) {
    const axis = (r as AxisReadout).axis;
    if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < 0 || axis >= d) {
      throw new InvalidArgumentError('options.loss.readout.axis', axis, `an integer in [0, ${d - 1}]`);
    }
    w[axis] = 1;
    const off = (r as AxisReadout).offset ?? 0;
    return { w, c: -checkNumber('options.loss.readout.offset', off) };
  }
  const wl = (r as LinearReadout).w;
  if (!wl || typeof (wl as ArrayLike<number>).length !== 'number') {
    throw new InvalidArgumentError('options.loss.readout', r, 'a linear readout {w, c} or {axis, offset}');
  }
  if (wl.length !== d) throw new ShapeMismatchError('options.loss.readout.w', `length ${wl.length}`, `length d = ${d}`);
  for (let k = 0; k < d; k++) {
    const v = wl[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new NonFiniteError('options.loss.readout.w', k, v as number);
    w[k] = v;
  }
  const c = (r as LinearReadout).c ?? 0;
  return { w, c: checkNumber('options.loss.readout.c', c) };
}

function labelArray(Y: unknown, n: number): ArrayLike<number> {
  if (!(Array.isArray(Y) || ArrayBuffer.isView(Y))) throw new InvalidArgumentError('Y', Y, 'an array of N labels for a classification loss');
  const y = Y as ArrayLike<number>;
  if (y.length !== n) throw new ShapeMismatchError('Y', `${y.length} labels`, `${n} labels, one per input`);
  return y;
}

function signLabels(Y: unknown, n: number): Float64Array {
  const y = labelArray(Y, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v === 1) out[i] = 1;
    else if (v === 0 || v === -1) out[i] = -1;
    else throw new InvalidArgumentError(`Y[${i}]`, v, 'a binary label: 1, or 0 / −1', 'binary losses take labels ±1 (or 0/1)');
  }
  return out;
}

/** log(1 + e^t) without overflow. */
function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

function binaryRisk(kind: 'hinge' | 'crossEntropy', w: Float64Array, c: number, y: Float64Array, d: number, margin: number): RiskFn {
  const score = (z: Float64Array, r: number): number => {
    let s = c;
    for (let k = 0; k < d; k++) s += w[k] * z[r * d + k];
    return s;
  };
  return {
    kind,
    n: y.length,
    evaluate(z, m, grad, rows) {
      let risk = 0;
      for (let r = 0; r < m; r++) {
        const yi = y[rows ? rows[r] : r];
        const t = yi * score(z, r);
        let g: number;
        if (kind === 'hinge') {
          // subgradient 0 at the kink t = margin
          const l = margin - t;
          risk += l > 0 ? l : 0;
          g = l > 0 ? -yi : 0;
        } else {
          risk += softplus(-t);
          g = -yi / (1 + Math.exp(t)); // d/ds log(1 + e^{−y s})
        }
        if (grad) for (let k = 0; k < d; k++) grad[r * d + k] = g * w[k];
      }
      return risk;
    },
    correct(z, m, rows) {
      let ok = 0;
      for (let r = 0; r < m; r++) if (y[rows ? rows[r] : r] * score(z, r) > 0) ok++;
      return ok;
    },
  };
}

function softmaxRisk(r: MulticlassReadout, Y: unknown, n: number, d: number): RiskFn {
  const Vl = r.V;
  if (!Vl || typeof Vl.length !== 'number' || Vl.length === 0 || Vl.length % d !== 0) {
    throw new ShapeMismatchError('options.loss.readout.V', Vl, `K×d entries (d = ${d}), row-major`);
  }
  const K = Vl.length / d;
  const V = Float64Array.from(Vl);
  const c = new Float64Array(K);
  if (r.c !== undefined) {
    if (r.c.length !== K) throw new ShapeMismatchError('options.loss.readout.c', `length ${r.c.length}`, `length K = ${K}`);
    c.set(Array.from(r.c));
  }
  for (let e = 0; e < V.length; e++) if (!Number.isFinite(V[e])) throw new NonFiniteError('options.loss.readout.V', e, V[e]);
  for (let e = 0; e < K; e++) if (!Number.isFinite(c[e])) throw new NonFiniteError('options.loss.readout.c', e, c[e]);
  const y = labelArray(Y, n);
  const cls = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= K) throw new InvalidArgumentError(`Y[${i}]`, v, `a class index in [0, ${K - 1}]`);
    cls[i] = v;
  }
  const logits = new Float64Array(K);
  const fill = (z: Float64Array, row: number): number => {
    let mx = -Infinity;
    for (let j = 0; j < K; j++) {
      let s = c[j];
      for (let k = 0; k < d; k++) s += V[j * d + k] * z[row * d + k];
      logits[j] = s;
      if (s > mx) mx = s;
    }
    return mx;
  };
  return {
    kind: 'crossEntropy',
    n,
    evaluate(z, m, grad, rows) {
      let risk = 0;
      for (let rr = 0; rr < m; rr++) {
        const yi = cls[rows ? rows[rr] : rr];
        const mx = fill(z, rr);
        let sum = 0;
        for (let j = 0; j < K; j++) sum += Math.exp(logits[j] - mx);
        risk += mx + Math.log(sum) - logits[yi];
        if (grad) {
          for (let k = 0; k < d; k++) grad[rr * d + k] = 0;
          for (let j = 0; j < K; j++) {
            const pj = Math.exp(logits[j] - mx) / sum - (j === yi ? 1 : 0);
            for (let k = 0; k < d; k++) grad[rr * d + k] += pj * V[j * d + k];
          }
        }
      }
      return risk;
    },
    correct(z, m, rows) {
      let ok = 0;
      for (let rr = 0; rr < m; rr++) {
        fill(z, rr);
        let best = 0;
        for (let j = 1; j < K; j++) if (logits[j] > logits[best]) best = j;
        if (best === cls[rows ? rows[rr] : rr]) ok++;
      }
      return ok;
    },
  };
}

/**
 * ‖θ‖_BV (eq. 3.11, as `describe` computes it) and, when `grad` is given, the gradient of
 * α‖θ‖²_BV added into it: 2α‖θ‖_BV ∂‖θ‖_BV with
 *   ∂/∂θ_k:  τ_k θ_k/|θ_k| + (θ_k − θ_{k−1})/|θ_k − θ_{k−1}| − (θ_{k+1} − θ_k)/|θ_{k+1} − θ_k|,
 *   ∂/∂τ_k:  |θ_k|,
 * where a term whose norm is 0 contributes 0 (the subgradient of |·| at 0 of least norm).
 */
export function bvNormAndGradient(c: Controls, alpha: number, grad: LayerGradientArrays[] | null, durations: boolean): number {
  const Lc = c.layers.length;
  const norms = new Float64Array(Lc), jumps = new Float64Array(Lc);
  let bv = 0;
  for (let k = 0; k < Lc; k++) {
    const L = c.layers[k];
    let sq = 0, jump = 0;
    const P = k > 0 ? c.layers[k - 1] : null;
    for (const key of ['W', 'A', 'b'] as const) {
      const a = L[key];
      for (let j = 0; j < a.length; j++) {
        sq += a[j] * a[j];
        if (P) jump += (a[j] - P[key][j]) ** 2;
      }
    }
    norms[k] = Math.sqrt(sq);
    jumps[k] = Math.sqrt(jump);
    bv += L.duration * norms[k];
    if (k > 0) bv += jumps[k];
  }
  if (grad && alpha > 0 && bv > 0) {
    const s = 2 * alpha * bv;
    for (let k = 0; k < Lc; k++) {
      const L = c.layers[k], g = grad[k];
      if (durations) g.duration[0] += s * norms[k];
      for (const key of ['W', 'A', 'b'] as const) {
        const a = L[key], ga = g[key];
        const P = k > 0 ? c.layers[k - 1][key] : null;
        const N = k + 1 < Lc ? c.layers[k + 1][key] : null;
        for (let j = 0; j < a.length; j++) {
          let v = 0;
          if (norms[k] > 0) v += (L.duration * a[j]) / norms[k];
          if (P && jumps[k] > 0) v += (a[j] - P[j]) / jumps[k];
          if (N && jumps[k + 1] > 0) v -= (N[j] - a[j]) / jumps[k + 1];
          ga[j] += s * v;
        }
      }
    }
  }
  return bv;
}

/** Gradient storage of one layer (duration as a 1-element array so kernels can accumulate). */
export interface LayerGradientArrays {
  W: Float64Array;
  A: Float64Array;
  b: Float64Array;
  duration: Float64Array;
}

export function zeroGradient(c: Controls): LayerGradientArrays[] {
  const d = c.d, p = c.width;
  return c.layers.map(() => ({ W: new Float64Array(d * p), A: new Float64Array(p * d), b: new Float64Array(p), duration: new Float64Array(1) }));
}
