/**
 * The exact gradient of the discrete RK4 / Euler flow map (what autograd through the same steps
 * gives), by a discrete adjoint (docs/algorithms/training.md):
 *   forward  — layer by layer with the flow engine's kernels (assembly/rk4.ts dense, or
 *              assembly/euler.ts), keeping the states at every layer boundary (the checkpoints);
 *   backward — layer by layer from the last, the adjoint kernel (assembly/rk4_adjoint.ts /
 *              euler_adjoint.ts) recomputes the layer's steps from its checkpoint tile by tile and
 *              runs the vector–Jacobian products backwards, accumulating ∂/∂(W, A, b, h).
 * Points are processed in chunks of GRADIENT_CHUNK (each chunk forward and backward in one go).
 * Stored: the L + 1 checkpoints and the adjoint of one chunk, (L + 2)·min(N, 4096)·d doubles, plus
 * per-tile scratch of (5·steps + 9)·d·8 + O(p) doubles (independent of N) — below the budget
 * (L + 4·steps + 2)·N·d·8 bytes.
 */
import { wasmKernels, withArena } from '../backend/index.js';
import { CapacityError } from '../errors.js';
import { eulerAdjointLayerJS } from '../kernels/euler_adjoint.js';
import { eulerLayerJS } from '../kernels/euler.js';
import { rk4AdjointLayerJS } from '../kernels/rk4_adjoint.js';
import { rk4LayerJS } from '../kernels/rk4.js';
import type { Controls } from '../types.js';
import type { LayerGradientArrays, RiskFn } from './loss.js';

/** wasm32 memory limit. */
const MAX_BYTES = 2 ** 32;

/** Bytes the checkpoints and the adjoint take (what this method stores per call: one chunk's). */
export function discreteStorageBytes(layers: number, n: number, d: number): number {
  return (layers + 2) * Math.min(n, GRADIENT_CHUNK) * d * 8;
}

export interface DiscreteResult {
  risk: number;
  /** Final states (n × d). */
  z: Float64Array;
}

/** Points per chunk: every chunk runs forward and backward in one go (one arena use, one progress unit). */
export const GRADIENT_CHUNK = 4096;

/**
 * risk of the batch x (n×d; `rows` maps batch rows to target indices, null = identity) and
 * ∂risk/∂(W, A, b, τ) accumulated into grad (durations only when `durations`), chunk by chunk of
 * GRADIENT_CHUNK points (the gradient sums chunk after chunk: a fixed order); yields the fraction done.
 */
export function* discreteRiskGradient(
  c: Controls, x: Float64Array, n: number, rows: Int32Array | null, risk: RiskFn,
  method: 'rk4' | 'euler', steps: number, grad: LayerGradientArrays[] | null, durations: boolean, fn: string,
): Generator<number, DiscreteResult> {
  if (n <= GRADIENT_CHUNK) return discreteChunk(c, x, n, rows, risk, method, steps, grad, durations, fn);
  const d = c.d;
  const z = new Float64Array(n * d);
  let r = 0;
  for (let i0 = 0; i0 < n; i0 += GRADIENT_CHUNK) {
    const m = Math.min(GRADIENT_CHUNK, n - i0);
    const sub = new Int32Array(m);
    for (let j = 0; j < m; j++) sub[j] = rows ? rows[i0 + j] : i0 + j;
    const out = discreteChunk(c, x.subarray(i0 * d, (i0 + m) * d), m, sub, risk, method, steps, grad, durations, fn);
    r += out.risk;
    z.set(out.z, i0 * d);
    yield (i0 + m) / n;
  }
  return { risk: r, z };
}

function discreteChunk(
  c: Controls, x: Float64Array, n: number, rows: Int32Array | null, risk: RiskFn,
  method: 'rk4' | 'euler', steps: number, grad: LayerGradientArrays[] | null, durations: boolean, fn: string,
): DiscreteResult {
  const d = c.d, p = c.width, Lc = c.layers.length;
  const bytes = discreteStorageBytes(Lc, n, d) + 8 * (Lc * (2 * d * p + p + 1)) + (5 * steps + 9) * d * 64 + p * 80;
  if (bytes > MAX_BYTES) {
    throw new CapacityError('X', bytes, 'train on mini-batches (options.batchSize) or with fewer layers');
  }
  const w = wasmKernels(fn, { beforeInit: 'js' });
  const z = new Float64Array(n * d);
  const lam = new Float64Array(n * d);
  if (!w) {
    const cps: Float64Array[] = [x.slice(0, n * d)];
    for (let k = 0; k < Lc; k++) {
      const L = c.layers[k];
      const next = cps[k].slice();
      if (method === 'rk4') rk4LayerJS(next, n, d, L.W, L.A, L.b, p, L.duration / steps, steps);
      else eulerLayerJS(next, n, d, L.W, L.A, L.b, p, L.duration / steps, steps);
      cps.push(next);
    }
    z.set(cps[Lc]);
    const r = risk.evaluate(z, n, grad ? lam : null, rows);
    if (!grad) return { risk: r, z };
    const gh = new Float64Array(1);
    for (let k = Lc - 1; k >= 0; k--) {
      const L = c.layers[k], g = grad[k];
      gh[0] = 0;
      const adj = method === 'rk4' ? rk4AdjointLayerJS : eulerAdjointLayerJS;
      adj(cps[k], lam, n, d, L.W, L.A, L.b, p, L.duration / steps, steps, g.W, g.A, g.b, gh);
      if (durations) g.duration[0] += gh[0] / steps;
    }
    return { risk: r, z };
  }
  const { rt, k: K } = w;
  return withArena(rt, () => {
    const a = rt.arena;
    const nd = n * d;
    const cp = a.allocF64((Lc + 1) * nd, 'X');
    a.f64.set(x.subarray(0, nd), cp >>> 3);
    const pl = a.allocF64(nd, 'X');
    const params = c.layers.map((L) => ({ W: a.pushF64(L.W), A: a.pushF64(L.A), b: a.pushF64(L.b) }));
    const scratchF = a.alloc(Math.max(K.rk4ScratchBytes(d, p), K.eulerScratchBytes(d, p)), 'options.width');
    for (let k = 0; k < Lc; k++) {
      const L = c.layers[k], P = params[k];
      const src = (cp >>> 3) + k * nd;
      const dst = cp + (k + 1) * nd * 8;
      a.f64.copyWithin(src + nd, src, src + nd);
      if (method === 'rk4') K.rk4Layer(dst, n, d, P.W, P.A, P.b, p, L.duration / steps, steps, scratchF, 0, 1, 0);
      else K.eulerLayer(dst, n, d, P.W, P.A, P.b, p, L.duration / steps, steps, scratchF, 0, 1, 0);
    }
    z.set(a.f64.subarray((cp >>> 3) + Lc * nd, (cp >>> 3) + (Lc + 1) * nd));
    const r = risk.evaluate(z, n, grad ? lam : null, rows);
    if (!grad) return { risk: r, z };
    a.f64.set(lam, pl >>> 3);
    const sb = method === 'rk4' ? K.rk4AdjointScratchBytes(d, p, steps) : K.eulerAdjointScratchBytes(d, p, steps);
    const scratch = a.alloc(sb, 'options.stepsPerLayer');
    const gW = a.allocF64(d * p), gA = a.allocF64(p * d), gb = a.allocF64(p), gh = a.allocF64(1);
    for (let k = Lc - 1; k >= 0; k--) {
      const L = c.layers[k], P = params[k], g = grad[k];
      const f64 = a.f64;
      f64.set(g.W, gW >>> 3);
      f64.set(g.A, gA >>> 3);
      f64.set(g.b, gb >>> 3);
      f64[gh >>> 3] = 0;
      const h = L.duration / steps;
      if (method === 'rk4') K.rk4AdjointLayer(cp + k * nd * 8, pl, n, d, P.W, P.A, P.b, p, h, steps, gW, gA, gb, gh, scratch);
      else K.eulerAdjointLayer(cp + k * nd * 8, pl, n, d, P.W, P.A, P.b, p, h, steps, gW, gA, gb, gh, scratch);
      const v = a.f64;
      g.W.set(v.subarray(gW >>> 3, (gW >>> 3) + d * p));
      g.A.set(v.subarray(gA >>> 3, (gA >>> 3) + p * d));
      g.b.set(v.subarray(gb >>> 3, (gb >>> 3) + p));
      if (durations) g.duration[0] += v[gh >>> 3] / steps;
    }
    return { risk: r, z };
  });
}
