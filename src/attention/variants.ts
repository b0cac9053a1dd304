/**
 * Attention variants of the particle engine (docs/algorithms/attention.md, "Variants"), as
 * options of softmaxDynamics and sphereDynamics:
 *
 *   heads    multi-head attention: h heads, each with its own A (softmax dynamics) or (Q, K, V)
 *            (sphere); the heads' outputs are AVERAGED, y_i = (1/h) Σ_h y_i^h — the
 *            concatenate-and-project form with the output projection W_O = [I/h … I/h]
 *            (Vaswani et al., arXiv 1706.03762, with value matrices folded into V_h). With h
 *            identical heads this is the single head (bit for bit for h a power of two).
 *   mask     'causal': token i attends to l ≤ i only (decoder / masked attention; arXiv 2312.10794
 *            §"causal" and survey arXiv 2510.03303 §4). Token 0 attends to itself only.
 *   weights  'softmax' (default): P_il = e^{s_il} / Σ_l e^{s_il}  (eq. 4.2 / SA);
 *            'sigmoid': w_il = σ(s_il − b), NOT normalised (sigmoid attention, Ramapuram et al.,
 *            arXiv 2409.04431), bias b = `sigmoidBias`, default ln n (so Σ_l w_il ≈ 1 when the
 *            scores are small);
 *            'sinkhorn': the doubly stochastic P = diag(e^f) e^{s} diag(e^g) with unit row AND
 *            column sums (Sinkformers, Sander et al., arXiv 2110.11773), computed by Sinkhorn's
 *            iterations in the log domain (f_i = −LSE_l(s_il + g_l), g_l = −LSE_i(s_il + f_i))
 *            until the row sums are within `tolerance` of 1 (default 1e-9; columns are exact
 *            after each g-update) or `maxIterations` (default 1000); status 'converged' or
 *            'maxIterations' per run (worst over steps and heads).
 * Here s_il = ⟨A z_i, z_l⟩/T (softmax dynamics) or β⟨Q x_i, K x_l⟩ (sphere).
 *
 * These variants run in TypeScript (no WASM kernel: so there is no kernel/twin pair to keep in
 * step); with one head, no mask and softmax weights the step performs the operations of the
 * kernel twin src/kernels/softmax.ts in the same order, so it equals the kernel bit for bit.
 * exp is expTS (src/kernels/exp.ts), identical in every engine.
 */
import { CapacityError, InvalidArgumentError } from '../errors.js';
import { expTS } from '../kernels/exp.js';
import { computeWJS, scoreJS } from '../kernels/hardmax.js';
import { asOptions, checkCount, checkNumber, checkOneOf, checkTolerance } from '../validate.js';

export type AttentionWeights = 'softmax' | 'sigmoid' | 'sinkhorn';
export type AttentionMask = 'none' | 'causal';
const WEIGHTS: readonly AttentionWeights[] = ['softmax', 'sigmoid', 'sinkhorn'];
const MASKS: readonly AttentionMask[] = ['none', 'causal'];

export interface SinkhornAttentionOptions {
  /** Sinkhorn iterations per weight matrix at most (default 1000). */
  maxIterations?: number;
  /** Largest |row sum − 1| accepted (default 1e-9). */
  tolerance?: number;
}

/** Options shared by softmaxDynamics and sphereDynamics. */
export interface AttentionVariantOptions {
  /** 'none' (default) or 'causal' (token i attends to l ≤ i). */
  mask?: AttentionMask;
  /** 'softmax' (default), 'sigmoid' (σ(s − sigmoidBias), unnormalised) or 'sinkhorn' (doubly stochastic). */
  weights?: AttentionWeights;
  /** b in σ(s_il − b) (default ln n). */
  sigmoidBias?: number;
  /** Sinkhorn iteration limits for weights: 'sinkhorn'. */
  sinkhorn?: SinkhornAttentionOptions;
}

/** How the Sinkhorn scaling went (weights: 'sinkhorn'): the worst over every step and head. */
export interface SinkhornAttentionReport {
  status: 'converged' | 'maxIterations';
  message: string;
  /** Largest number of iterations one weight matrix needed. */
  iterations: number;
  /** Largest |row sum − 1| left (column sums are 1 up to rounding). */
  marginalError: number;
}

export interface VariantPlan {
  mask: AttentionMask;
  weights: AttentionWeights;
  bias: number;
  maxIterations: number;
  tolerance: number;
}

/** Largest n·n the variants hold as one weight matrix (2^26 doubles, 512 MiB). */
export const MAX_VARIANT_PAIRS = 2 ** 26;

export function planVariant(options: AttentionVariantOptions, n: number): VariantPlan {
  const mask = checkOneOf('options.mask', options.mask ?? 'none', MASKS);
  const weights = checkOneOf('options.weights', options.weights ?? 'softmax', WEIGHTS);
  const bias = options.sigmoidBias === undefined ? Math.log(n) : checkNumber('options.sigmoidBias', options.sigmoidBias);
  const sk = asOptions(options.sinkhorn, 'options.sinkhorn');
  const maxIterations = checkCount('options.sinkhorn.maxIterations', sk.maxIterations ?? 1000, 1, 1e6);
  const tolerance = checkTolerance('options.sinkhorn.tolerance', sk.tolerance, 1e-9, { positive: true });
  if (weights === 'sinkhorn' && mask === 'causal') {
    throw new InvalidArgumentError('options.mask', mask, "'none' with weights: 'sinkhorn'", 'a lower-triangular doubly stochastic matrix is the identity, so causal Sinkhorn attention never moves a token');
  }
  if (n * n > MAX_VARIANT_PAIRS) {
    throw new CapacityError(`options.weights / options.mask (n = ${n}: an n×n weight matrix)`, n * n * 8, 'use the default attention (no mask, softmax weights, one head), which needs no weight matrix, or fewer tokens');
  }
  return { mask, weights, bias, maxIterations, tolerance };
}

/** True when the options ask for anything but the kernel's single-head softmax. */
export function isVariant(options: AttentionVariantOptions & { heads?: unknown }): boolean {
  return options.heads !== undefined || (options.mask ?? 'none') !== 'none' || (options.weights ?? 'softmax') !== 'softmax';
}

/**
 * One head's weights from its scores L (n × n, row-major; L_il = s_il), in place: on return
 * L holds E (unnormalised weights) and div[i] the row divisor, so the head's output is
 * y_i = (Σ_l E_il v_l) / div[i] (summed in ascending l). `cut` drops softmax terms below
 * e^{cut} of the row maximum (src/kernels/softmax.ts). `rowScale` (USA on the sphere) replaces
 * the softmax normalisation by div[i] = n·e^{−m_i}. Generator: yields work units (n² each).
 */
export function* headWeights(
  L: Float64Array, n: number, v: VariantPlan, cut: number, div: Float64Array, usa = false, report?: SinkhornAttentionReport,
): Generator<number, void> {
  const causal = v.mask === 'causal';
  const hi = (i: number): number => (causal ? i + 1 : n);
  if (v.weights === 'sigmoid') {
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < n; l++) L[i * n + l] = l < hi(i) ? 1 / (1 + expTS(v.bias - L[i * n + l])) : 0;
      div[i] = 1;
    }
    yield 1;
    return;
  }
  if (v.weights === 'softmax') {
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      const h = hi(i);
      for (let l = 0; l < h; l++) m = Math.max(m, L[i * n + l]);
      let zs = 0;
      for (let l = 0; l < n; l++) {
        const x = L[i * n + l] - m;
        let e = 0;
        if (l < h && x >= cut) {
          e = expTS(x);
          zs = zs + e;
        }
        L[i * n + l] = e;
      }
      div[i] = usa ? n / expTS(m) : zs;
    }
    yield 1;
    return;
  }
  // Sinkhorn in the log domain: P_il = exp(L_il + f_i + g_l).
  const f = new Float64Array(n), g = new Float64Array(n);
  let it = 0, err = Infinity;
  const lse = (get: (t: number) => number): number => {
    let m = -Infinity;
    for (let t = 0; t < n; t++) m = Math.max(m, get(t));
    let s = 0;
    for (let t = 0; t < n; t++) s += expTS(get(t) - m);
    return m + Math.log(s);
  };
  while (it < v.maxIterations) {
    for (let i = 0; i < n; i++) f[i] = -lse((l) => L[i * n + l] + g[l]);
    for (let l = 0; l < n; l++) g[l] = -lse((i) => L[i * n + l] + f[i]);
    it++;
    err = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let l = 0; l < n; l++) s += expTS(L[i * n + l] + f[i] + g[l]);
      err = Math.max(err, Math.abs(s - 1));
    }
    yield 3;
    if (err <= v.tolerance) break;
  }
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < n; l++) L[i * n + l] = expTS(L[i * n + l] + f[i] + g[l]);
    div[i] = 1;
  }
  if (report) {
    report.iterations = Math.max(report.iterations, it);
    report.marginalError = Math.max(report.marginalError, err);
    if (!(err <= v.tolerance)) {
      report.status = 'maxIterations';
      report.message = `Sinkhorn attention stopped after ${it} iterations with row sums ${err.toExponential(2)} from 1 (tolerance ${v.tolerance}); raise options.sinkhorn.maxIterations or the temperature`;
    }
  }
}

export function newSinkhornReport(): SinkhornAttentionReport {
  return { status: 'converged', message: 'every weight matrix has unit row and column sums within the tolerance', iterations: 0, marginalError: 0 };
}

/**
 * One step of the softmax-dynamics variants, in place on z (n × d, scaled tokens): per head h
 * scores s_il = dot(w_a, z_b)·kappa_h in the kernel's canonical order (w = A_h z), weights by
 * `headWeights`, mean_i = ((Σ_l E z_l)/div)_head 0 + … averaged over heads, z_i ← z_i + c·(mean_i − z_i).
 */
export function* variantSoftmaxStep(
  z: Float64Array, n: number, d: number, heads: { A: Float64Array; kappa: number }[], c: number, cut: number, v: VariantPlan, report: SinkhornAttentionReport,
): Generator<number, void> {
  const H = heads.length;
  const mean = new Float64Array(n * d);
  const w = new Float64Array(n * d), L = new Float64Array(n * n), div = new Float64Array(n), acc = new Float64Array(d);
  for (let h = 0; h < H; h++) {
    const { A, kappa } = heads[h];
    computeWJS(z, n, d, A, w);
    for (let i = 0; i < n; i++) for (let l = 0; l < n; l++) L[i * n + l] = scoreJS(w, z, d, i, l) * kappa;
    yield* headWeights(L, n, v, cut, div, false, report);
    for (let i = 0; i < n; i++) {
      acc.fill(0);
      for (let l = 0; l < n; l++) {
        const e = L[i * n + l];
        if (e === 0) continue;
        for (let k = 0; k < d; k++) acc[k] = acc[k] + e * z[l * d + k];
      }
      for (let k = 0; k < d; k++) mean[i * d + k] = h === 0 ? acc[k] / div[i] : mean[i * d + k] + acc[k] / div[i];
    }
    yield 1;
  }
  for (let j = 0; j < n * d; j++) {
    const mj = H === 1 ? mean[j] : mean[j] / H;
    const x = z[j];
    z[j] = x + c * (mj - x);
  }
}

/**
 * The sphere field with variants: f_i = P⊥_{x_i}( (1/H) Σ_h (Σ_j E^h_ij V_h x_j) / div^h_i ),
 * scores s_ij = β⟨Q_h x_i, K_h x_j⟩; normalisation 'SA' (softmax rows) or 'USA' (divided by n).
 */
export function* variantSphereField(
  x: Float64Array, n: number, d: number, heads: { Q: Float64Array; K: Float64Array; V: Float64Array }[], beta: number, usa: boolean,
  v: VariantPlan, out: Float64Array, report: SinkhornAttentionReport,
): Generator<number, void> {
  const H = heads.length;
  const q = new Float64Array(n * d), kk = new Float64Array(n * d), vv = new Float64Array(n * d);
  const L = new Float64Array(n * n), div = new Float64Array(n);
  out.fill(0);
  for (let h = 0; h < H; h++) {
    const { Q, K, V } = heads[h];
    computeWJS(x, n, d, Q, q);
    computeWJS(x, n, d, K, kk);
    computeWJS(x, n, d, V, vv);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += q[i * d + k] * kk[j * d + k];
        L[i * n + j] = beta * s;
      }
    }
    yield* headWeights(L, n, v, -Infinity, div, usa, report);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += L[i * n + j] * vv[j * d + k];
        out[i * d + k] += s / div[i];
      }
    }
    yield 1;
  }
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let k = 0; k < d; k++) {
      out[i * d + k] /= H;
      dot += out[i * d + k] * x[i * d + k];
    }
    for (let k = 0; k < d; k++) out[i * d + k] -= dot * x[i * d + k];
  }
}

/** `steps` RK4 steps with renormalisation (the order of the sphere kernel), variants' field. */
export function* variantSphereRk4(
  x: Float64Array, n: number, d: number, heads: { Q: Float64Array; K: Float64Array; V: Float64Array }[], beta: number, usa: boolean,
  h: number, steps: number, v: VariantPlan, report: SinkhornAttentionReport,
): Generator<number, void> {
  const nd = n * d;
  const xs = new Float64Array(nd), f = new Float64Array(nd), acc = new Float64Array(nd);
  const half = 0.5 * h, sixth = h / 6.0;
  for (let s = 0; s < steps; s++) {
    yield* variantSphereField(x, n, d, heads, beta, usa, v, acc, report);
    for (let t = 0; t < nd; t++) xs[t] = x[t] + half * acc[t];
    yield* variantSphereField(xs, n, d, heads, beta, usa, v, f, report);
    for (let t = 0; t < nd; t++) {
      acc[t] = acc[t] + 2.0 * f[t];
      xs[t] = x[t] + half * f[t];
    }
    yield* variantSphereField(xs, n, d, heads, beta, usa, v, f, report);
    for (let t = 0; t < nd; t++) {
      acc[t] = acc[t] + 2.0 * f[t];
      xs[t] = x[t] + h * f[t];
    }
    yield* variantSphereField(xs, n, d, heads, beta, usa, v, f, report);
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const val = x[i * d + k] + sixth * (acc[i * d + k] + f[i * d + k]);
        x[i * d + k] = val;
        r2 = r2 + val * val;
      }
      const r = Math.sqrt(r2);
      for (let k = 0; k < d; k++) x[i * d + k] = x[i * d + k] / r;
    }
  }
}
