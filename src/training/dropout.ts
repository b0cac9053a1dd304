/**
 * Continuous-time dropout as a random batch method (Álvarez-López & Hernández 2025; survey arXiv
 * 2510.03303 §3): the time axis is cut into intervals of length h (never across a switch of the
 * controls); on each interval a random batch of neurons is active and rescaled by the inverse of
 * its inclusion probability π_i, so the field is unbiased:
 *   ẋ = Σ_i (m_i/π_i) w_i relu(⟨a_i, x⟩ + b_i),  E[m_i] = π_i.
 * Batches: 'uniform' (r of p neurons without replacement, π = r/p), 'partition' (the p neurons
 * split into `groups` fixed contiguous blocks, one block per interval, π = 1/groups), 'bernoulli'
 * (each neuron independently with probability q, π = q). The batch is fixed within an interval,
 * hence within every RK4 step (each interval gets `stepsPerInterval` steps).
 * A dropout draw is itself piecewise-constant Controls (one layer per interval, W's columns scaled),
 * so the flow engine and the exact gradients apply unchanged; `train(…, { dropout })` draws a new
 * batch sequence for every gradient and maps the gradient back by the chain rule.
 * See docs/algorithms/training.md.
 */
import { InvalidArgumentError } from '../errors.js';
import { flow } from '../flow/flow.js';
import { createRng, type Rng } from '../rng.js';
import type { Controls, PointsLike } from '../types.js';
import { asCloud, asControls, asOptions, checkCount, checkPositive, makeControls } from '../validate.js';
import type { LayerGradientArrays } from './loss.js';

export type DropoutScheme =
  | { kind: 'uniform'; r: number }
  | { kind: 'partition'; groups: number }
  | { kind: 'bernoulli'; q: number };

export interface DropoutOptions {
  /** Length of the intervals on which one batch is active. */
  h: number;
  scheme: DropoutScheme;
  seed?: number;
}

export interface DropoutDraw {
  controls: Controls;
  /** For every interval: its layer, its share of the layer's duration and the neuron scales m_i/π_i. */
  pieces: { layer: number; share: number; scale: Float64Array }[];
}

export function checkDropout(o: unknown, p: number, name = 'options.dropout'): { h: number; scheme: DropoutScheme } {
  if (typeof o !== 'object' || o === null) throw new InvalidArgumentError(name, o, 'a dropout spec { h, scheme }');
  const d = o as DropoutOptions;
  const h = checkPositive(`${name}.h`, d.h);
  const s = d.scheme as DropoutScheme | undefined;
  if (!s || typeof s !== 'object') throw new InvalidArgumentError(`${name}.scheme`, s, "{ kind: 'uniform', r } | { kind: 'partition', groups } | { kind: 'bernoulli', q }");
  if (s.kind === 'uniform') checkCount(`${name}.scheme.r`, s.r, 1, p);
  else if (s.kind === 'partition') checkCount(`${name}.scheme.groups`, s.groups, 1, p);
  else if (s.kind === 'bernoulli') {
    if (typeof s.q !== 'number' || !(s.q > 0 && s.q <= 1)) throw new InvalidArgumentError(`${name}.scheme.q`, s.q, 'a probability in (0, 1]');
  } else throw new InvalidArgumentError(`${name}.scheme.kind`, (s as { kind?: unknown }).kind, "'uniform', 'partition' or 'bernoulli'");
  return { h, scheme: s };
}

/** One batch: the scales m_i/π_i of the p neurons. */
function drawScale(scheme: DropoutScheme, p: number, rng: Rng | null): Float64Array {
  const sc = new Float64Array(p);
  if (!rng) return sc.fill(1);
  if (scheme.kind === 'uniform') {
    const idx = Array.from({ length: p }, (_, i) => i);
    for (let j = 0; j < scheme.r; j++) {
      const k = j + rng.int(p - j);
      [idx[j], idx[k]] = [idx[k], idx[j]];
      sc[idx[j]] = p / scheme.r;
    }
  } else if (scheme.kind === 'partition') {
    const g = rng.int(scheme.groups);
    for (let i = 0; i < p; i++) if (Math.floor((i * scheme.groups) / p) === g) sc[i] = scheme.groups;
  } else {
    for (let i = 0; i < p; i++) if (rng.uniform() < scheme.q) sc[i] = 1 / scheme.q;
  }
  return sc;
}

/**
 * The controls of one dropout draw (rng) — or, with rng = null, the same interval split with every
 * neuron at scale 1 (the reference on the same time grid).
 */
export function dropoutControls(controls: Controls, h: number, scheme: DropoutScheme, rng: Rng | null): DropoutDraw {
  const c = controls, d = c.d, p = c.width;
  const layers: { duration: number; W: Float64Array; A: Float64Array; b: Float64Array }[] = [];
  const pieces: DropoutDraw['pieces'] = [];
  c.layers.forEach((L, k) => {
    const m = Math.max(1, Math.ceil(L.duration / h - 1e-12));
    for (let j = 0; j < m; j++) {
      const share = j < m - 1 ? h / L.duration : 1 - ((m - 1) * h) / L.duration;
      const scale = drawScale(scheme, p, rng);
      const W = new Float64Array(d * p);
      for (let r = 0; r < d; r++) for (let i = 0; i < p; i++) W[r * p + i] = scale[i] * L.W[r * p + i];
      layers.push({ duration: share * L.duration, W, A: L.A, b: L.b });
      pieces.push({ layer: k, share, scale });
    }
  });
  return { controls: makeControls({ d, width: p, layers }), pieces };
}

/** Chain rule from the gradient of a draw's controls back to the original controls. */
export function foldDropoutGradient(draw: DropoutDraw, g: LayerGradientArrays[], out: LayerGradientArrays[], d: number, p: number): void {
  draw.pieces.forEach((pc, j) => {
    const gj = g[j], o = out[pc.layer];
    for (let r = 0; r < d; r++) for (let i = 0; i < p; i++) o.W[r * p + i] += pc.scale[i] * gj.W[r * p + i];
    for (let e = 0; e < gj.A.length; e++) o.A[e] += gj.A[e];
    for (let e = 0; e < gj.b.length; e++) o.b[e] += gj.b[e];
    o.duration[0] += pc.share * gj.duration[0];
  });
}

export interface DropoutFlowOptions extends DropoutOptions {
  /** RK4 steps per interval (default 1). */
  stepsPerInterval?: number;
}

/** Final states of one dropout draw (RK4, `stepsPerInterval` steps per interval). */
export function dropoutFlow(controls: Controls, X: PointsLike, options: DropoutFlowOptions): Float64Array {
  const c = asControls(controls);
  const o = asOptions(options);
  const { h, scheme } = checkDropout(o, c.width, 'options');
  const steps = checkCount('options.stepsPerInterval', o.stepsPerInterval ?? 1, 1, 1e6);
  const rng = createRng(checkCount('options.seed', o.seed ?? 0, 0, 0xffffffff));
  return flow(dropoutControls(c, h, scheme, rng).controls, X, { method: 'rk4', stepsPerLayer: steps }).data;
}

export interface DropoutRateRow {
  h: number;
  /** E[max_i |Φ_drop(x_i) − Φ(x_i)|] over the draws. */
  meanError: number;
  /** Standard error of that mean. */
  stderr: number;
  /** max_i |E[Φ_drop(x_i)] − Φ(x_i)| (the weak error; includes Monte Carlo noise ~ σ/√draws). */
  weakError: number;
}

/**
 * The expected uniform error of continuous-time dropout against the full model flowed on the same
 * time grid (so that RK4's own error cancels), for every h, over `draws` draws; `rate` is the
 * least-squares slope of log(error) against log(h).
 */
export function dropoutErrorRate(controls: Controls, X: PointsLike, options: { hs: number[]; draws?: number; scheme: DropoutScheme; seed?: number; stepsPerInterval?: number }): { rows: DropoutRateRow[]; rate: number; weakRate: number } {
  const c = asControls(controls);
  const cx = asCloud(X, 'X', { d: c.d });
  const draws = checkCount('options.draws', options.draws ?? 200, 2);
  const steps = checkCount('options.stepsPerInterval', options.stepsPerInterval ?? 1, 1);
  const rng = createRng(checkCount('options.seed', options.seed ?? 0, 0, 0xffffffff));
  const rows: DropoutRateRow[] = [];
  for (const h of options.hs) {
    const { scheme } = checkDropout({ h, scheme: options.scheme }, c.width, 'options');
    const ref = flow(dropoutControls(c, h, scheme, null).controls, cx, { method: 'rk4', stepsPerLayer: steps }).data;
    let s = 0, s2 = 0;
    const acc = new Float64Array(cx.n * c.d);
    for (let q = 0; q < draws; q++) {
      const z = flow(dropoutControls(c, h, scheme, rng).controls, cx, { method: 'rk4', stepsPerLayer: steps }).data;
      for (let e = 0; e < acc.length; e++) acc[e] += z[e];
      let mx = 0;
      for (let i = 0; i < cx.n; i++) {
        let e2 = 0;
        for (let k = 0; k < c.d; k++) e2 += (z[i * c.d + k] - ref[i * c.d + k]) ** 2;
        mx = Math.max(mx, Math.sqrt(e2));
      }
      s += mx;
      s2 += mx * mx;
    }
    const mean = s / draws;
    let weak = 0;
    for (let i = 0; i < cx.n; i++) {
      let e2 = 0;
      for (let k = 0; k < c.d; k++) e2 += (acc[i * c.d + k] / draws - ref[i * c.d + k]) ** 2;
      weak = Math.max(weak, Math.sqrt(e2));
    }
    rows.push({ h, meanError: mean, stderr: Math.sqrt(Math.max(0, s2 / draws - mean * mean) / draws), weakError: weak });
  }
  return { rows, rate: slope(rows.map((r) => r.h), rows.map((r) => r.meanError)), weakRate: slope(rows.map((r) => r.h), rows.map((r) => r.weakError)) };
}

/** Least-squares slope of log y against log x. */
function slope(x: number[], y: number[]): number {
  const xs = x.map(Math.log), ys = y.map(Math.log);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length, my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0, den = 0;
  xs.forEach((x, j) => {
    num += (x - mx) * (ys[j] - my);
    den += (x - mx) ** 2;
  });
  return den > 0 ? num / den : NaN;
}
