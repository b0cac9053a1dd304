/**
 * Semi-autonomous neural ODEs (SA-NODE, survey arXiv 2510.03303 eq. 5.2):
 *   ẋ = W relu(A x + β t + b),   (W, A, β, b) ∈ R^{d×P} × R^{P×d} × R^P × R^P, time-independent,
 * the only time dependence being β t inside the activation. `saNodeFlow` integrates it with RK4 on
 * a uniform grid; `fitSaNode` fits it to sampled trajectories of a given ODE (mean squared error
 * over the sampled times and points) with Adam and the exact gradient of the RK4 map (discrete
 * adjoint, as for the piecewise-constant model; here in TypeScript only, no WASM kernel).
 * `pendulumData` builds the SA-NODE paper's demo: θ̈ = −sin θ from a 21×21 grid on [−2, 2]², T = 5.
 * See docs/algorithms/training.md.
 */
import { InvalidArgumentError, NonFiniteError, ShapeMismatchError } from '../errors.js';
import { createRng } from '../rng.js';
import type { PointsLike } from '../types.js';
import { asCloud, asOptions, checkCount, checkPositive } from '../validate.js';

export interface SaNodeParams {
  d: number;
  width: number;
  W: Float64Array;
  A: Float64Array;
  beta: Float64Array;
  b: Float64Array;
}

export interface SaNodeFlowOptions {
  /** Final time (default 1). */
  T?: number;
  /** RK4 steps on [0, T] (default 100). */
  steps?: number;
  /** Record the state every `every` steps (frames at t = j·every·T/steps, frame 0 = initial). */
  every?: number;
}

function checkParams(p: SaNodeParams): SaNodeParams {
  if (typeof p !== 'object' || p === null) throw new InvalidArgumentError('params', p, 'SA-NODE parameters {d, width, W, A, beta, b}');
  const d = checkCount('params.d', p.d, 1), P = checkCount('params.width', p.width, 1);
  for (const [k, n] of [['W', d * P], ['A', P * d], ['beta', P], ['b', P]] as const) {
    const a = p[k];
    if (!(a instanceof Float64Array) || a.length !== n) throw new ShapeMismatchError(`params.${k}`, a, `a Float64Array of ${n} entries`);
    for (let j = 0; j < n; j++) if (!Number.isFinite(a[j])) throw new NonFiniteError(`params.${k}`, j, a[j]);
  }
  return p;
}

/** out ← W relu(A x + β t + b) at one point. */
function field(p: SaNodeParams, x: Float64Array, xo: number, t: number, out: Float64Array, oo: number): void {
  const { d, width: P, W, A, beta, b } = p;
  for (let k = 0; k < d; k++) out[oo + k] = 0;
  for (let i = 0; i < P; i++) {
    let s = b[i] + beta[i] * t;
    for (let k = 0; k < d; k++) s += A[i * d + k] * x[xo + k];
    if (!(s > 0)) continue;
    for (let k = 0; k < d; k++) out[oo + k] += W[k * P + i] * s;
  }
}

/** Jᵀv at (y, t) into out; accumulates gW, gA, gbeta, gb. */
function vjp(p: SaNodeParams, y: Float64Array, yo: number, t: number, v: Float64Array, vo: number, out: Float64Array, g: SaNodeParams): void {
  const { d, width: P, W, A, beta, b } = p;
  for (let k = 0; k < d; k++) out[k] = 0;
  for (let i = 0; i < P; i++) {
    let s = b[i] + beta[i] * t;
    for (let k = 0; k < d; k++) s += A[i * d + k] * y[yo + k];
    if (!(s > 0)) continue;
    let u = 0;
    for (let k = 0; k < d; k++) {
      g.W[k * P + i] += v[vo + k] * s;
      u += W[k * P + i] * v[vo + k];
    }
    g.b[i] += u;
    g.beta[i] += u * t;
    for (let k = 0; k < d; k++) {
      g.A[i * d + k] += u * y[yo + k];
      out[k] += A[i * d + k] * u;
    }
  }
}

/** RK4 flow of the SA-NODE; returns the frames (frames × n × d) and their times. */
export function saNodeFlow(params: SaNodeParams, X: PointsLike, options?: SaNodeFlowOptions): { frames: number; times: Float64Array; data: Float64Array; n: number; d: number } {
  const p = checkParams(params);
  const o = asOptions(options);
  const cx = asCloud(X, 'X', { d: p.d });
  const T = checkPositive('options.T', o.T ?? 1);
  const steps = checkCount('options.steps', o.steps ?? 100, 1, 1e7);
  const every = checkCount('options.every', o.every ?? steps, 1, steps);
  return integrate(p, cx.data, cx.n, T, steps, every, null);
}

function integrate(p: SaNodeParams, x0: Float64Array, n: number, T: number, steps: number, every: number, store: Float64Array | null) {
  const d = p.d, h = T / steps;
  const frames = Math.floor(steps / every) + 1;
  const data = new Float64Array(frames * n * d);
  const times = new Float64Array(frames);
  for (let j = 0; j < frames; j++) times[j] = j * every * h;
  const x = new Float64Array(d), xs = new Float64Array(d), k1 = new Float64Array(d), k2 = new Float64Array(d), k3 = new Float64Array(d), k4 = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) x[k] = data[i * d + k] = x0[i * d + k];
    for (let s = 0; s < steps; s++) {
      const t = s * h;
      if (store) store.set(x, (s * n + i) * d);
      field(p, x, 0, t, k1, 0);
      for (let k = 0; k < d; k++) xs[k] = x[k] + 0.5 * h * k1[k];
      field(p, xs, 0, t + 0.5 * h, k2, 0);
      for (let k = 0; k < d; k++) xs[k] = x[k] + 0.5 * h * k2[k];
      field(p, xs, 0, t + 0.5 * h, k3, 0);
      for (let k = 0; k < d; k++) xs[k] = x[k] + h * k3[k];
      field(p, xs, 0, t + h, k4, 0);
      for (let k = 0; k < d; k++) x[k] += (h / 6) * (k1[k] + 2 * k2[k] + 2 * k3[k] + k4[k]);
      if ((s + 1) % every === 0) data.set(x, (((s + 1) / every) * n + i) * d);
    }
  }
  return { frames, times, data, n, d };
}

function zeroParams(d: number, P: number): SaNodeParams {
  return { d, width: P, W: new Float64Array(d * P), A: new Float64Array(P * d), beta: new Float64Array(P), b: new Float64Array(P) };
}

/**
 * Mean squared error over frames 1… and points between the SA-NODE's RK4 frames and `target`
 * (frames × n × d, frame 0 = X), and its gradient (exact for the RK4 map).
 */
export function saNodeLossAndGradient(params: SaNodeParams, X: Float64Array, n: number, target: Float64Array, T: number, steps: number, every: number): { loss: number; gradient: SaNodeParams } {
  const p = params, d = p.d, h = T / steps;
  const store = new Float64Array(steps * n * d);
  const fw = integrate(p, X, n, T, steps, every, store);
  const frames = fw.frames;
  const scale = 1 / (n * (frames - 1));
  let loss = 0;
  const lamF = new Float64Array(frames * n * d);
  for (let j = 1; j < frames; j++) {
    for (let e = 0; e < n * d; e++) {
      const r = fw.data[j * n * d + e] - target[j * n * d + e];
      loss += scale * r * r;
      lamF[j * n * d + e] = 2 * scale * r;
    }
  }
  const g = zeroParams(d, p.width);
  const lam = new Float64Array(d), xs = new Float64Array(d), v = new Float64Array(d);
  const k1 = new Float64Array(d), k2 = new Float64Array(d), k3 = new Float64Array(d);
  const c1 = new Float64Array(d), c2 = new Float64Array(d), c3 = new Float64Array(d), c4 = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    lam.fill(0);
    for (let s = steps - 1; s >= 0; s--) {
      if ((s + 1) % every === 0) {
        const j = (s + 1) / every;
        for (let k = 0; k < d; k++) lam[k] += lamF[(j * n + i) * d + k];
      }
      const xo = (s * n + i) * d, t = s * h;
      field(p, store, xo, t, k1, 0);
      for (let k = 0; k < d; k++) xs[k] = store[xo + k] + 0.5 * h * k1[k];
      field(p, xs, 0, t + 0.5 * h, k2, 0);
      for (let k = 0; k < d; k++) xs[k] = store[xo + k] + 0.5 * h * k2[k];
      field(p, xs, 0, t + 0.5 * h, k3, 0);
      for (let k = 0; k < d; k++) {
        c1[k] = c4[k] = (h / 6) * lam[k];
        c2[k] = c3[k] = (h / 3) * lam[k];
      }
      // k4 at x + h k3
      for (let k = 0; k < d; k++) xs[k] = store[xo + k] + h * k3[k];
      vjp(p, xs, 0, t + h, c4, 0, v, g);
      for (let k = 0; k < d; k++) {
        lam[k] += v[k];
        c3[k] += h * v[k];
      }
      for (let k = 0; k < d; k++) xs[k] = store[xo + k] + 0.5 * h * k2[k];
      vjp(p, xs, 0, t + 0.5 * h, c3, 0, v, g);
      for (let k = 0; k < d; k++) {
        lam[k] += v[k];
        c2[k] += 0.5 * h * v[k];
      }
      for (let k = 0; k < d; k++) xs[k] = store[xo + k] + 0.5 * h * k1[k];
      vjp(p, xs, 0, t + 0.5 * h, c2, 0, v, g);
      for (let k = 0; k < d; k++) {
        lam[k] += v[k];
        c1[k] += 0.5 * h * v[k];
      }
      vjp(p, store, xo, t, c1, 0, v, g);
      for (let k = 0; k < d; k++) lam[k] += v[k];
    }
  }
  return { loss, gradient: g };
}

export interface FitSaNodeOptions {
  width?: number;
  T?: number;
  steps?: number;
  /** Frames of the target are every `every` steps (default: steps / (frames − 1)). */
  epochs?: number;
  learningRate?: number;
  seed?: number;
}

export interface FitSaNodeResult {
  params: SaNodeParams;
  /** MSE per epoch. */
  history: number[];
  /** Root-mean-square error over the sampled times and points at the end. */
  rmse: number;
}

/**
 * Fits an SA-NODE to trajectories: `target` holds frames × n × d states at equally spaced times
 * on [0, T] (frame 0 = the initial points X). Adam on the mean squared error.
 */
export function fitSaNode(X: PointsLike, target: Float64Array, frames: number, options?: FitSaNodeOptions): FitSaNodeResult {
  const o = asOptions(options);
  const cx = asCloud(X, 'X', { minPoints: 1 });
  const n = cx.n, d = cx.d;
  if (!Number.isInteger(frames) || frames < 2) throw new InvalidArgumentError('frames', frames, 'an integer ≥ 2');
  if (target.length !== frames * n * d) throw new ShapeMismatchError('target', `length ${target.length}`, `frames·n·d = ${frames * n * d}`);
  const P = checkCount('options.width', o.width ?? 16, 1, 4096);
  const T = checkPositive('options.T', o.T ?? 1);
  const steps = checkCount('options.steps', o.steps ?? 10 * (frames - 1), frames - 1);
  if (steps % (frames - 1) !== 0) throw new InvalidArgumentError('options.steps', steps, `a multiple of frames − 1 = ${frames - 1}`);
  const every = steps / (frames - 1);
  const epochs = checkCount('options.epochs', o.epochs ?? 200, 1);
  const lr = checkPositive('options.learningRate', o.learningRate ?? 0.01);
  const rng = createRng(checkCount('options.seed', o.seed ?? 0, 0, 0xffffffff));
  const p = zeroParams(d, P);
  for (let j = 0; j < P * d; j++) p.A[j] = rng.normal() / Math.sqrt(d);
  for (let j = 0; j < P; j++) {
    p.b[j] = rng.normal();
    p.beta[j] = rng.normal() / T;
  }
  for (let j = 0; j < d * P; j++) p.W[j] = (0.5 * rng.normal()) / Math.sqrt(P);
  const keys = ['W', 'A', 'beta', 'b'] as const;
  const m1 = keys.map((k) => new Float64Array(p[k].length)), m2 = keys.map((k) => new Float64Array(p[k].length));
  const history: number[] = [];
  for (let e = 1; e <= epochs; e++) {
    const { loss, gradient } = saNodeLossAndGradient(p, cx.data, n, target, T, steps, every);
    if (!Number.isFinite(loss)) throw new NonFiniteError('loss', e, loss, `epoch ${e} (learning rate ${lr}); lower options.learningRate`);
    history.push(loss);
    keys.forEach((k, q) => {
      const a = p[k], g = gradient[k];
      for (let j = 0; j < a.length; j++) {
        m1[q][j] = 0.9 * m1[q][j] + 0.1 * g[j];
        m2[q][j] = 0.999 * m2[q][j] + 0.001 * g[j] * g[j];
        a[j] -= (lr * (m1[q][j] / (1 - 0.9 ** e))) / (Math.sqrt(m2[q][j] / (1 - 0.999 ** e)) + 1e-8);
      }
    });
  }
  const final = saNodeLossAndGradient(p, cx.data, n, target, T, steps, every).loss;
  history.push(final);
  return { params: p, history, rmse: Math.sqrt(final / d) };
}

/** The pendulum θ̈ = −sin θ from a k×k grid on [−r, r]², sampled at `frames` equally spaced times on [0, T]. */
export function pendulumData(k = 21, r = 2, T = 5, frames = 26): { X: { n: number; d: number; data: Float64Array }; target: Float64Array; frames: number } {
  const n = k * k;
  const X = new Float64Array(2 * n);
  for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) {
    X[2 * (a * k + c)] = -r + (2 * r * a) / (k - 1);
    X[2 * (a * k + c) + 1] = -r + (2 * r * c) / (k - 1);
  }
  const sub = 200; // RK4 sub-steps per frame (reference accuracy ~1e-10)
  const h = T / ((frames - 1) * sub);
  const target = new Float64Array(frames * n * 2);
  target.set(X, 0);
  const f = (x: number, y: number): [number, number] => [y, -Math.sin(x)];
  for (let i = 0; i < n; i++) {
    let x = X[2 * i], y = X[2 * i + 1];
    for (let j = 1; j < frames; j++) {
      for (let s = 0; s < sub; s++) {
        const [a1, b1] = f(x, y);
        const [a2, b2] = f(x + 0.5 * h * a1, y + 0.5 * h * b1);
        const [a3, b3] = f(x + 0.5 * h * a2, y + 0.5 * h * b2);
        const [a4, b4] = f(x + h * a3, y + h * b3);
        x += (h / 6) * (a1 + 2 * a2 + 2 * a3 + a4);
        y += (h / 6) * (b1 + 2 * b2 + 2 * b3 + b4);
      }
      target[(j * n + i) * 2] = x;
      target[(j * n + i) * 2 + 1] = y;
    }
  }
  return { X: { n, d: 2, data: X }, target, frames };
}
