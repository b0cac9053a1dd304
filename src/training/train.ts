/**
 * train(X, Y, options) / trainAsync: minimise J_α(θ) = α‖θ‖²_BV + risk (survey arXiv 2510.03303,
 * §3.3, eq. 3.12–3.13) over the controls θ = (W_k, A_k, b_k[, τ_k]) with the exact gradients of
 * ./gradient.ts. Adam (mini-batches, learning-rate schedule) or L-BFGS (full batch, Armijo
 * backtracking). Initial controls: options.controls (a warm start, e.g. from interpolate /
 * classify) or random with options.seed. Bit-reproducible for a given seed (the batch order comes
 * from the seeded generator, every sum has a fixed order). A run stopped by its AbortSignal or by a
 * non-finite loss / gradient returns the best controls seen so far with status 'aborted' /
 * 'diverged' and a message naming the epoch and the learning rate. See docs/algorithms/training.md.
 */
import { InvalidArgumentError } from '../errors.js';
import { createRng } from '../rng.js';
import type { Controls, PointCloud, PointsLike } from '../types.js';
import { asCloud, asControls, asOptions, checkBoolean, checkCount, checkFunction, checkOneOf, checkPositive, checkProgressOptions, makeControls } from '../validate.js';
import { resolveLossOptions, riskAndGradient, type LossOptions, type ResolvedLossOptions } from './gradient.js';
import { checkDropout, dropoutControls, foldDropoutGradient, type DropoutScheme } from './dropout.js';
import { bvNormAndGradient, makeRisk, zeroGradient, type LayerGradientArrays, type RiskFn } from './loss.js';
import type { Rng } from '../rng.js';

export type Optimizer = 'adam' | 'lbfgs';
export type LearningRateSchedule =
  | 'constant'
  | 'cosine'
  | { kind: 'step'; every: number; factor: number }
  | { kind: 'exponential'; decay: number };

export interface TrainOptions extends LossOptions {
  /** Initial controls (warm start). Without them: random controls from width, layers, T, seed. */
  controls?: Controls;
  /** Width p of random initial controls (default 4). */
  width?: number;
  /** Layers of random initial controls (default 4). */
  layers?: number;
  /** Total time of random initial controls (default 1). */
  T?: number;
  /** Scale of the random initial W (default 1). */
  initScale?: number;
  seed?: number;
  /** 'adam' (default) or 'lbfgs'. */
  optimizer?: Optimizer;
  /** Epochs (default 100); for L-BFGS one iteration each. */
  epochs?: number;
  /** Points per Adam step (default: all). L-BFGS always uses the full batch. */
  batchSize?: number;
  /** Adam's step size (default 1e-2); L-BFGS: scale of the first step (default 1). */
  learningRate?: number;
  schedule?: LearningRateSchedule;
  /** Train the durations (switch times) too; they are kept ≥ minDuration. Default false. */
  trainDurations?: boolean;
  /** Smallest duration a trained layer may get (default 1e-3·T/layers). */
  minDuration?: number;
  /** Stop when |∇J|₂ ≤ tolerance (default 0: never). */
  tolerance?: number;
  /** L-BFGS memory (default 10). */
  memory?: number;
  /** Continuous-time dropout during training (./dropout.ts): a fresh batch sequence per gradient; the history is measured without dropout. */
  dropout?: { h: number; scheme: DropoutScheme };
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Called after every epoch with its history entry. */
  onEpoch?: (entry: TrainHistoryEntry) => void;
}

export interface TrainHistoryEntry {
  epoch: number;
  /** J_α on the whole data set at the parameters at the start of the epoch. */
  loss: number;
  risk: number;
  bv: number;
  learningRate: number;
  /** Classification losses: the fraction of training points classified correctly. */
  accuracy?: number;
}

export type TrainStatus = 'maxEpochs' | 'converged' | 'aborted' | 'diverged';

export interface TrainResult {
  /** The best controls seen (lowest J_α on the whole data set). */
  controls: Controls;
  history: TrainHistoryEntry[];
  status: TrainStatus;
  message: string;
  /** J_α, risk and ‖θ‖_BV of `controls`. */
  loss: number;
  risk: number;
  bv: number;
  epochs: number;
  /** Gradient evaluations (batches and line-search trials). */
  evaluations: number;
}

interface Setup {
  d: number;
  p: number;
  L: number;
  x: PointCloud;
  risk: RiskFn;
  lo: ResolvedLossOptions;
  theta: Float64Array;
  optimizer: Optimizer;
  epochs: number;
  batch: number;
  lr: number;
  schedule: (epoch: number) => number;
  trainDurations: boolean;
  minDuration: number;
  tolerance: number;
  memory: number;
  seed: number;
  dropout: { h: number; scheme: DropoutScheme; rng: Rng } | null;
  onEpoch?: (e: TrainHistoryEntry) => void;
  signal?: AbortSignal;
  meta: Record<string, unknown>;
}

const blockSize = (d: number, p: number): number => 2 * d * p + p + 1;

function flatten(c: Controls): Float64Array {
  const d = c.d, p = c.width, B = blockSize(d, p);
  const t = new Float64Array(B * c.layers.length);
  c.layers.forEach((L, k) => {
    t.set(L.W, k * B);
    t.set(L.A, k * B + d * p);
    t.set(L.b, k * B + 2 * d * p);
    t[k * B + B - 1] = L.duration;
  });
  return t;
}

function unflatten(t: Float64Array, d: number, p: number, L: number, meta?: Record<string, unknown>): Controls {
  const B = blockSize(d, p);
  const layers = [];
  for (let k = 0; k < L; k++) {
    const o = k * B;
    layers.push({ W: t.slice(o, o + d * p), A: t.slice(o + d * p, o + 2 * d * p), b: t.slice(o + 2 * d * p, o + 2 * d * p + p), duration: t[o + B - 1] });
  }
  return makeControls({ d, width: p, layers, ...(meta ? { meta } : {}) });
}

function flattenGrad(g: LayerGradientArrays[], d: number, p: number, out: Float64Array): void {
  const B = blockSize(d, p);
  g.forEach((L, k) => {
    out.set(L.W, k * B);
    out.set(L.A, k * B + d * p);
    out.set(L.b, k * B + 2 * d * p);
    out[k * B + B - 1] = L.duration[0];
  });
}

function randomControls(d: number, p: number, L: number, T: number, scale: number, seed: number): Controls {
  const rng = createRng(seed);
  const layers = [];
  for (let k = 0; k < L; k++) {
    const W = new Float64Array(d * p), A = new Float64Array(p * d), b = new Float64Array(p);
    for (let j = 0; j < p * d; j++) A[j] = rng.normal() / Math.sqrt(d);
    for (let j = 0; j < p; j++) b[j] = 0.1 * rng.normal();
    for (let j = 0; j < d * p; j++) W[j] = (scale * rng.normal()) / Math.sqrt(p);
    layers.push({ duration: T / L, W, A, b });
  }
  return makeControls({ d, width: p, layers });
}

function makeSchedule(s: unknown, epochs: number): (e: number) => number {
  if (s === undefined || s === 'constant') return () => 1;
  if (s === 'cosine') return (e) => 0.5 * (1 + Math.cos((Math.PI * e) / Math.max(1, epochs)));
  if (typeof s === 'object' && s !== null) {
    const o = s as { kind?: unknown; every?: unknown; factor?: unknown; decay?: unknown };
    if (o.kind === 'step') {
      const every = checkCount('options.schedule.every', o.every, 1);
      const factor = checkPositive('options.schedule.factor', o.factor);
      return (e) => factor ** Math.floor(e / every);
    }
    if (o.kind === 'exponential') {
      const decay = checkPositive('options.schedule.decay', o.decay);
      return (e) => decay ** e;
    }
  }
  throw new InvalidArgumentError('options.schedule', s, "'constant', 'cosine', { kind: 'step', every, factor } or { kind: 'exponential', decay }");
}

function setup(X: PointsLike, Y: unknown, options: TrainOptions | undefined): Setup {
  const o = asOptions(options);
  checkProgressOptions(o);
  const onEpoch = checkFunction<(e: TrainHistoryEntry) => void>('options.onEpoch', o.onEpoch);
  const seed = checkCount('options.seed', o.seed ?? 0, 0, 0xffffffff);
  let c: Controls;
  if (o.controls !== undefined) {
    c = asControls(o.controls, 'options.controls');
  } else {
    const x0 = asCloud(X, 'X', { minPoints: 1 });
    const p = checkCount('options.width', o.width ?? 4, 1, 4096);
    const L = checkCount('options.layers', o.layers ?? 4, 1, 100_000);
    const T = checkPositive('options.T', o.T ?? 1);
    const scale = checkPositive('options.initScale', o.initScale ?? 1);
    c = randomControls(x0.d, p, L, T, scale, seed);
  }
  const x = asCloud(X, 'X', { d: c.d, minPoints: 1 });
  const lo = resolveLossOptions(o);
  const trainDurations = checkBoolean('options.trainDurations', o.trainDurations, false);
  lo.durations = trainDurations;
  const risk = makeRisk(o.loss, Y, x.n, c.d);
  const optimizer = checkOneOf('options.optimizer', o.optimizer ?? 'adam', ['adam', 'lbfgs'] as const);
  const epochs = checkCount('options.epochs', o.epochs ?? 100, 1, 1e9);
  const batch = checkCount('options.batchSize', o.batchSize ?? x.n, 1);
  if (optimizer === 'lbfgs' && batch < x.n) {
    throw new InvalidArgumentError('options.batchSize', batch, `the whole data set (${x.n}) for L-BFGS`, "L-BFGS needs full-batch gradients; use optimizer 'adam' for mini-batches");
  }
  const lr = checkPositive('options.learningRate', o.learningRate ?? (optimizer === 'adam' ? 1e-2 : 1));
  const T = c.T, L = c.layers.length;
  const minDuration = checkPositive('options.minDuration', o.minDuration ?? (1e-3 * T) / L);
  const tolerance = o.tolerance === undefined ? 0 : checkPositive('options.tolerance', o.tolerance);
  const memory = checkCount('options.memory', o.memory ?? 10, 1, 1000);
  const dropout = o.dropout === undefined ? null : { ...checkDropout(o.dropout, c.width), rng: createRng((seed ^ 0xd0d0) >>> 0) };
  if (dropout && optimizer === 'lbfgs') throw new InvalidArgumentError('options.dropout', o.dropout, "no dropout with optimizer 'lbfgs'", 'its line search needs a deterministic objective; use Adam');
  return {
    dropout,
    d: c.d, p: c.width, L, x, risk, lo, theta: flatten(c), optimizer, epochs, batch: Math.min(batch, x.n), lr,
    schedule: makeSchedule(o.schedule, epochs), trainDurations, minDuration, tolerance, memory, seed,
    ...(onEpoch ? { onEpoch } : {}), ...(o.signal ? { signal: o.signal } : {}),
    meta: { training: { optimizer, method: lo.method, alpha: lo.alpha, seed, warmStart: o.controls !== undefined } },
  };
}

interface Eval {
  loss: number;
  risk: number;
  bv: number;
  correct: number | null;
}

/** J_α and (optionally) its flat gradient on a batch (rows) or all points. */
function evaluate(s: Setup, theta: Float64Array, rows: Int32Array | null, grad: Float64Array | null): Eval {
  const c = unflatten(theta, s.d, s.p, s.L);
  const d = s.d;
  let x = s.x.data, n = s.x.n;
  if (rows) {
    n = rows.length;
    x = new Float64Array(n * d);
    for (let r = 0; r < n; r++) for (let k = 0; k < d; k++) x[r * d + k] = s.x.data[rows[r] * d + k];
  }
  const g = grad ? zeroGradient(c) : null;
  let out: { risk: number; z: Float64Array };
  if (g && s.dropout) {
    const draw = dropoutControls(c, s.dropout.h, s.dropout.scheme, s.dropout.rng);
    const gd = zeroGradient(draw.controls);
    out = riskAndGradient(draw.controls, x, n, rows, s.risk, s.lo, gd, 'train');
    foldDropoutGradient(draw, gd, g, s.d, s.p);
  } else out = riskAndGradient(c, x, n, rows, s.risk, s.lo, g, 'train');
  // the BV penalty is weighted by the batch's share so that an epoch of batches adds up to J_α
  const share = n / s.x.n;
  const bvg = g ? zeroGradient(c) : null;
  const bv = bvNormAndGradient(c, s.lo.alpha, bvg, s.trainDurations);
  if (g && bvg) {
    for (let k = 0; k < g.length; k++) {
      for (const key of ['W', 'A', 'b', 'duration'] as const) for (let j = 0; j < g[k][key].length; j++) g[k][key][j] += share * bvg[k][key][j];
    }
  }
  if (grad && g) {
    flattenGrad(g, s.d, s.p, grad);
    if (!s.trainDurations) {
      const B = blockSize(s.d, s.p);
      for (let k = 0; k < s.L; k++) grad[k * B + B - 1] = 0;
    }
  }
  return { loss: out.risk + share * s.lo.alpha * bv * bv, risk: out.risk, bv, correct: s.risk.correct(out.z, n, rows) };
}

function finite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

function norm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function clampDurations(s: Setup, t: Float64Array): void {
  if (!s.trainDurations) return;
  const B = blockSize(s.d, s.p);
  for (let k = 0; k < s.L; k++) if (!(t[k * B + B - 1] >= s.minDuration)) t[k * B + B - 1] = s.minDuration;
}

function* trainGen(s: Setup): Generator<number, TrainResult> {
  const n = s.x.n;
  const theta = s.theta.slice();
  const grad = new Float64Array(theta.length);
  const history: TrainHistoryEntry[] = [];
  let best = theta.slice();
  let bestEval: Eval | null = null;
  let evaluations = 0;
  let status: TrainStatus = 'maxEpochs';
  let message = '';
  const rng = createRng((s.seed ^ 0x5eed) >>> 0);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const fullBatch = s.batch >= n && !s.dropout;
  // Adam state
  const m1 = new Float64Array(theta.length), m2 = new Float64Array(theta.length);
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  let step = 0;
  // L-BFGS state
  const S: Float64Array[] = [], Yv: Float64Array[] = [], rho: number[] = [];
  let epoch = 0;
  const record = (e: Eval, lr: number): void => {
    const entry: TrainHistoryEntry = { epoch, loss: e.loss, risk: e.risk, bv: e.bv, learningRate: lr, ...(e.correct !== null ? { accuracy: e.correct / n } : {}) };
    history.push(entry);
    s.onEpoch?.(entry);
    if (Number.isFinite(e.loss) && (!bestEval || e.loss < bestEval.loss)) {
      bestEval = e;
      best = theta.slice();
    }
  };
  const diverged = (what: string, lr: number): void => {
    status = 'diverged';
    message = `non-finite ${what} at epoch ${epoch} (learning rate ${lr}); lower options.learningRate (or use a learning-rate schedule), shorten the durations or use more stepsPerLayer; the best controls so far are returned`;
  };
  const aborted = (): boolean => {
    if (!s.signal?.aborted) return false;
    status = 'aborted';
    message = `aborted by its AbortSignal at epoch ${epoch}; the best controls so far are returned`;
    return true;
  };
  outer: for (; epoch < s.epochs; epoch++) {
    if (aborted()) break;
    const lr = s.lr * s.schedule(epoch);
    if (s.optimizer === 'adam') {
      if (!fullBatch) {
        const e = evaluate(s, theta, null, null);
        if (!Number.isFinite(e.loss)) {
          diverged('loss', lr);
          break;
        }
        record(e, lr);
        for (let i = n - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          const t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
      }
      for (let start = 0; start < n; start += s.batch) {
        const rows = fullBatch ? null : order.slice(start, Math.min(n, start + s.batch));
        const e = evaluate(s, theta, rows, grad);
        evaluations++;
        if (fullBatch) {
          if (!Number.isFinite(e.loss)) {
            diverged('loss', lr);
            break outer;
          }
          record(e, lr);
        }
        if (!finite(grad)) {
          diverged('gradient', lr);
          break outer;
        }
        if (fullBatch && s.tolerance > 0 && norm(grad) <= s.tolerance) {
          status = 'converged';
          message = `|∇J| = ${norm(grad)} ≤ tolerance ${s.tolerance} at epoch ${epoch}`;
          break outer;
        }
        step++;
        const c1 = 1 - b1 ** step, c2 = 1 - b2 ** step;
        for (let j = 0; j < theta.length; j++) {
          const g = grad[j];
          m1[j] = b1 * m1[j] + (1 - b1) * g;
          m2[j] = b2 * m2[j] + (1 - b2) * g * g;
          theta[j] -= (lr * (m1[j] / c1)) / (Math.sqrt(m2[j] / c2) + eps);
        }
        clampDurations(s, theta);
        yield (epoch + (start + s.batch) / n) / s.epochs;
        if (aborted()) break outer;
      }
    } else {
      // L-BFGS, one iteration per epoch
      const e = evaluate(s, theta, null, grad);
      evaluations++;
      if (!Number.isFinite(e.loss)) {
        diverged('loss', lr);
        break;
      }
      record(e, lr);
      if (!finite(grad)) {
        diverged('gradient', lr);
        break;
      }
      const gn = norm(grad);
      if (gn === 0 || (s.tolerance > 0 && gn <= s.tolerance)) {
        status = 'converged';
        message = `|∇J| = ${gn} ≤ tolerance ${s.tolerance} at epoch ${epoch}`;
        break;
      }
      // two-loop recursion
      const q = grad.slice();
      const a = new Array<number>(S.length);
      for (let i = S.length - 1; i >= 0; i--) {
        a[i] = rho[i] * dot(S[i], q);
        axpy(q, -a[i], Yv[i]);
      }
      let gamma = lr / gn;
      if (S.length) gamma = dot(S[S.length - 1], Yv[Yv.length - 1]) / dot(Yv[Yv.length - 1], Yv[Yv.length - 1]);
      for (let j = 0; j < q.length; j++) q[j] *= gamma;
      for (let i = 0; i < S.length; i++) {
        const bb = rho[i] * dot(Yv[i], q);
        axpy(q, a[i] - bb, S[i]);
      }
      let slope = -dot(grad, q);
      if (!(slope < 0)) {
        // not a descent direction: restart with steepest descent
        S.length = Yv.length = rho.length = 0;
        for (let j = 0; j < q.length; j++) q[j] = (lr / gn) * grad[j];
        slope = -dot(grad, q);
      }
      const g2 = new Float64Array(theta.length);
      let t = 1, accepted = false;
      const trial = new Float64Array(theta.length);
      for (let ls = 0; ls < 40; ls++) {
        for (let j = 0; j < theta.length; j++) trial[j] = theta[j] - t * q[j];
        clampDurations(s, trial);
        let ok = false, et: Eval | null = null;
        try {
          et = evaluate(s, trial, null, g2);
          evaluations++;
          ok = Number.isFinite(et.loss) && finite(g2) && et.loss <= e.loss + 1e-4 * t * slope;
        } catch {
          ok = false; // e.g. the exact flow chattering at a far trial point: shorten the step
        }
        if (ok && et) {
          accepted = true;
          break;
        }
        t *= 0.5;
        if (aborted()) break outer;
      }
      if (!accepted) {
        status = 'converged';
        message = `the L-BFGS line search found no decrease at epoch ${epoch} (|∇J| = ${gn}): a local minimum to the line search's resolution`;
        break;
      }
      const sv = new Float64Array(theta.length), yv = new Float64Array(theta.length);
      for (let j = 0; j < theta.length; j++) {
        sv[j] = trial[j] - theta[j];
        yv[j] = g2[j] - grad[j];
      }
      const sy = dot(sv, yv);
      if (sy > 1e-12 * norm(sv) * norm(yv)) {
        S.push(sv);
        Yv.push(yv);
        rho.push(1 / sy);
        if (S.length > s.memory) {
          S.shift();
          Yv.shift();
          rho.shift();
        }
      }
      theta.set(trial);
      yield (epoch + 1) / s.epochs;
    }
  }
  if (status === 'maxEpochs' || status === 'converged') {
    // the final parameters count as a candidate too
    const e = evaluate(s, theta, null, null);
    if (Number.isFinite(e.loss) && (!bestEval || e.loss < (bestEval as Eval).loss)) {
      bestEval = e;
      best = theta.slice();
    }
    if (status === 'maxEpochs') message = `ran all ${s.epochs} epochs; raise options.epochs or the learning rate if the loss still decreases`;
  }
  if (!bestEval) {
    const e = evaluate(s, s.theta, null, null);
    bestEval = e;
    best = s.theta.slice();
  }
  const fin = bestEval as Eval;
  return {
    controls: unflatten(best, s.d, s.p, s.L, s.meta),
    history,
    status,
    message,
    loss: fin.loss,
    risk: fin.risk,
    bv: fin.bv,
    epochs: epoch,
    evaluations,
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(y: Float64Array, a: number, x: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

/** Trains controls; see the file comment. Y: target points ('squared') or labels (classification). */
export function train(X: PointsLike, Y: PointsLike | ArrayLike<number>, options?: TrainOptions): TrainResult {
  const s = setup(X, Y, options);
  const gen = trainGen(s);
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
    options?.onProgress?.(r.value);
  }
}

/** train() that yields to the event loop about every 16 ms. */
export async function trainAsync(X: PointsLike, Y: PointsLike | ArrayLike<number>, options?: TrainOptions): Promise<TrainResult> {
  const s = setup(X, Y, options);
  const gen = trainGen(s);
  let last = Date.now();
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
    options?.onProgress?.(r.value);
    if (Date.now() - last >= 16) {
      await new Promise<void>((res) => (typeof setImmediate === 'function' ? setImmediate(res) : setTimeout(res, 0)));
      last = Date.now();
    }
  }
}
