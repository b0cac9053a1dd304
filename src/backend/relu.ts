/**
 * The ReLU field f(x) = W relu(A x + b) of one layer at n points (survey arXiv 2510.03303,
 * eq. 3.3–3.4), and the parallel-layer step x ← x + τ f(x) that the exact solver, the shear
 * constructions and the transport closed forms apply to layers whose activations cannot change.
 * Kernel assembly/relu.ts, twin src/kernels/relu.ts (bit-identical).
 */
import { reluFieldJS } from '../kernels/relu.js';
import { kernelsOf, pair, readF64, use, withArena } from './index.js';

/** out (n × d) ← W relu(A x_i + b) for every row x_i of x (n × d); W is d×p, A p×d, b p. */
export type ReluFieldOp = (x: Float64Array, n: number, d: number, W: Float64Array, A: Float64Array, b: Float64Array, p: number, out: Float64Array) => void;

export const reluField = pair<ReluFieldOp>('reluField', reluFieldJS, (rt) => (x, n, d, W, A, b, p, out) => {
  const k = kernelsOf(rt);
  withArena(rt, () => {
    const a = rt.arena;
    const px = a.pushF64(x.subarray(0, n * d), 'X');
    const pw = a.pushF64(W), pa = a.pushF64(A), pb = a.pushF64(b);
    const po = a.allocF64(n * d, 'out');
    const ps = a.alloc(k.fieldScratchBytes(d, p));
    k.reluField(px, n, d, pw, pa, pb, p, po, ps);
    readF64(rt, po, n * d, out);
  });
});

/**
 * One parallel-layer step in place: x_i ← x_i + τ f(x_i) for every row (the exact flow of a
 * layer whose activation pattern cannot change along the step). `scratch` (≥ n·d) avoids an
 * allocation per call. Works before init() (twin).
 */
export function parallelLayerStep(
  x: Float64Array, n: number, d: number, W: Float64Array, A: Float64Array, b: Float64Array, p: number, tau: number,
  scratch: Float64Array = new Float64Array(n * d), fn = 'parallelLayerStep',
): void {
  const f = scratch.subarray(0, n * d);
  use(reluField, fn, { beforeInit: 'js' })(x, n, d, W, A, b, p, f);
  for (let j = 0; j < n * d; j++) x[j] = x[j] + tau * f[j];
}
