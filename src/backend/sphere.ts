/**
 * RK4 steps of the attention particles on the sphere (arXiv 2312.10794, survey arXiv 2510.03303
 * §4; docs/algorithms/attention.md), in place on x (n × d, unit rows). Kernel assembly/sphere.ts,
 * twin src/kernels/sphere.ts (bit-identical).
 */
import { sphereRk4JS } from '../kernels/sphere.js';
import { kernelsOf, pair, withArena } from './index.js';

/** `steps` RK4 steps of size h with renormalisation; sa: row-normalised (SA) or 1/n (USA); sym: the symmetric path. */
export type SphereRk4Op = (
  x: Float64Array, n: number, d: number, Q: Float64Array, K: Float64Array, V: Float64Array, beta: number, sa: boolean, h: number, steps: number, sym: boolean,
) => void;

export const sphereRk4 = pair<SphereRk4Op>('sphereRk4', sphereRk4JS, (rt) => (x, n, d, Q, K, V, beta, sa, h, steps, sym) => {
  const k = kernelsOf(rt);
  withArena(rt, () => {
    const a = rt.arena;
    const px = a.pushF64(x.subarray(0, n * d), 'X'), pq = a.pushF64(Q), pk = a.pushF64(K), pv = a.pushF64(V);
    const ps = a.alloc(k.sphereScratchBytes(n, d), 'scratch');
    k.sphereRk4(px, n, d, pq, pk, pv, beta, sa ? 1 : 0, h, steps, sym ? 1 : 0, ps);
    x.set(a.f64.subarray(px >>> 3, (px >>> 3) + n * d));
  });
});
