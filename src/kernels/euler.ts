/**
 * Pure-TypeScript twin of assembly/euler.ts: x ← x + h f(x), `steps` times, in place on
 * x (n × d); same trajectory convention as rk4LayerJS.
 */
import { reluFieldPoint } from './relu.js';

export function eulerLayerJS(
  x: Float64Array, n: number, d: number,
  W: Float64Array, A: Float64Array, b: Float64Array, p: number,
  h: number, steps: number,
  traj: Float64Array | null = null, every = 1, stepOffset = 0,
): void {
  const xt = new Float64Array(d), f = new Float64Array(d);
  const frame = n * d;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let k = 0; k < d; k++) xt[k] = x[o + k];
    for (let s = 0; s < steps; s++) {
      reluFieldPoint(xt, 0, d, W, A, b, p, f, 0);
      for (let k = 0; k < d; k++) xt[k] = xt[k] + h * f[k];
      if (traj) {
        const g = stepOffset + s + 1;
        if (g % every === 0) {
          const fo = (g / every) * frame + o;
          for (let k = 0; k < d; k++) traj[fo + k] = xt[k];
        }
      }
    }
    for (let k = 0; k < d; k++) x[o + k] = xt[k];
  }
}
