/**
 * The generalization bound of the survey arXiv 2510.03303, Theorem 2.2 (from Liu & Zuazua, "representation and
 * generalization of shallow networks"), for a shallow network
 *
 *   f(x, Θ) = Σ_{j<P} w_j σ(⟨a_j, x⟩ + b_j),   σ = ReLU (L = 1 in the theorem),
 *
 * trained on (x_i, y_i)_{i<N} and tested on (x'_i, y'_i)_{i<N'}:
 *
 *   (2.11)  d_KR(m_test, m_pred(Θ)) ≤ d_KR(m_train, m_test) + r(Θ)
 *   (2.12)  r(Θ) = (1/N) Σ_i |f(x_i, Θ) − y_i|  +  d_KR(m_X, m_X') · L · Σ_j |w_j| ‖a_j‖
 *
 * with the empirical measures (2.8)–(2.10): m_train = (1/N) Σ δ_(x_i, y_i) in R^{d+1},
 * m_X = (1/N) Σ δ_{x_i}, m_test and m_X' likewise, m_pred = (1/N') Σ δ_(x'_i, f(x'_i)).
 * d_KR = W₁ (Kantorovich–Rubinstein), computed exactly (./exact.ts). The left-hand side is
 * returned too (`testDistance`), so the inequality can be checked on the data.
 */
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloud, checkFinite } from '../validate.js';
import { wasserstein1 } from './exact.js';

export interface LabelledData {
  /** Inputs, N × d. */
  x: PointsLike;
  /** Scalar labels, N. */
  y: ArrayLike<number>;
}

export interface ShallowNetwork {
  /** Output weights w_j (P). */
  w: ArrayLike<number>;
  /** Input weights a_j, P × d row-major. */
  a: ArrayLike<number>;
  /** Biases b_j (P). */
  b: ArrayLike<number>;
}

export interface GeneralizationBound {
  /** Right-hand side of (2.11): irreducible + trainingBias + sensitivity. */
  readonly bound: number;
  /** d_KR(m_train, m_test). */
  readonly irreducible: number;
  /** (1/N) Σ |f(x_i) − y_i|. */
  readonly trainingBias: number;
  /** d_KR(m_X, m_X') · L · Σ |w_j| ‖a_j‖. */
  readonly sensitivity: number;
  /** d_KR(m_X, m_X'). */
  readonly inputShift: number;
  /** L · Σ |w_j| ‖a_j‖, the Lipschitz constant of f. */
  readonly networkLipschitz: number;
  /** Left-hand side of (2.11): d_KR(m_test, m_pred). */
  readonly testDistance: number;
}

function toF64(name: string, v: unknown, len: number): Float64Array {
  if (!(Array.isArray(v) || ArrayBuffer.isView(v))) throw new InvalidArgumentError(name, v, `an array of ${len} numbers`);
  const a = v as ArrayLike<number>;
  if (a.length !== len) throw new ShapeMismatchError(name, `length ${a.length}`, `length ${len}`);
  const out = Float64Array.from(a);
  checkFinite(out, name);
  return out;
}

/** Evaluates the shallow ReLU-type network at every row of x. */
function predict(net: { w: Float64Array; a: Float64Array; b: Float64Array; P: number }, x: PointCloud): Float64Array {
  const out = new Float64Array(x.n);
  const d = x.d;
  for (let i = 0; i < x.n; i++) {
    let f = 0;
    for (let j = 0; j < net.P; j++) {
      let s = net.b[j];
      for (let k = 0; k < d; k++) s += net.a[j * d + k] * x.data[i * d + k];
      f += net.w[j] * Math.max(s, 0);
    }
    out[i] = f;
  }
  return out;
}

function withLabels(x: PointCloud, y: Float64Array): PointCloud {
  const d = x.d + 1;
  const data = new Float64Array(x.n * d);
  for (let i = 0; i < x.n; i++) {
    data.set(x.data.subarray(i * x.d, (i + 1) * x.d), i * d);
    data[i * d + x.d] = y[i];
  }
  return { n: x.n, d, data };
}

/** Right-hand side of eq. 2.11–2.12 (arXiv 2510.03303, Thm 2.2) with its three terms, and the left-hand side. */
export function generalizationBound(train: LabelledData, test: LabelledData, network: ShallowNetwork): GeneralizationBound {
  if (typeof train !== 'object' || train === null) throw new InvalidArgumentError('train', train, 'an object { x, y }');
  if (typeof test !== 'object' || test === null) throw new InvalidArgumentError('test', test, 'an object { x, y }');
  if (typeof network !== 'object' || network === null) throw new InvalidArgumentError('network', network, 'a shallow network { w, a, b }');
  const X = asCloud(train.x, 'train.x', { minPoints: 1 });
  const Xt = asCloud(test.x, 'test.x', { d: X.d, minPoints: 1 });
  const y = toF64('train.y', train.y, X.n), yt = toF64('test.y', test.y, Xt.n);
  if (!(Array.isArray(network.w) || ArrayBuffer.isView(network.w))) throw new InvalidArgumentError('network.w', network.w, 'an array of P output weights');
  const P = (network.w as ArrayLike<number>).length;
  if (P === 0) throw new InvalidArgumentError('network.w', network.w, 'a non-empty array (P ≥ 1 neurons)');
  const net = { w: toF64('network.w', network.w, P), a: toF64('network.a', network.a, P * X.d), b: toF64('network.b', network.b, P), P };
  const L = 1; // ReLU is 1-Lipschitz
  let lip = 0;
  for (let j = 0; j < P; j++) {
    let s = 0;
    for (let k = 0; k < X.d; k++) s += net.a[j * X.d + k] ** 2;
    lip += Math.abs(net.w[j]) * Math.sqrt(s);
  }
  lip *= L;
  const fTrain = predict(net, X), fTest = predict(net, Xt);
  let bias = 0;
  for (let i = 0; i < X.n; i++) bias += Math.abs(fTrain[i] - y[i]);
  bias /= X.n;
  const irreducible = wasserstein1(withLabels(X, y), withLabels(Xt, yt)).value;
  const inputShift = wasserstein1(X, Xt).value;
  const testDistance = wasserstein1(withLabels(Xt, yt), withLabels(Xt, fTest)).value;
  const sensitivity = inputShift * lip;
  return { bound: irreducible + bias + sensitivity, irreducible, trainingBias: bias, sensitivity, inputShift, networkLipschitz: lip, testDistance };
}
