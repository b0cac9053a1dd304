/**
 * Pure-TypeScript twin of assembly/rk4.ts: classical RK4 on one layer of ẋ = W relu(Ax + b),
 * `steps` steps of size h, in place on x (n × d), stage order identical to the kernel:
 *   k1 = f(x), k2 = f(x + (h/2)k1), k3 = f(x + (h/2)k2), k4 = f(x + h k3),
 *   x ← x + (h/6)·(((k1 + 2k2) + 2k3) + k4)
 * Trajectory: when traj is given, after global step g = stepOffset + s + 1 with g % every == 0
 * the point is written to frame g / every (frames n × d; frame 0 is the caller's).
 */
import { reluFieldPoint } from './relu.js';

export function rk4LayerJS(
  x: Float64Array, n: number, d: number,
  W: Float64Array, A: Float64Array, b: Float64Array, p: number,
  h: number, steps: number,
  traj: Float64Array | null = null, every = 1, stepOffset = 0,
): void {
  const xt = new Float64Array(d), xs = new Float64Array(d), f = new Float64Array(d), acc = new Float64Array(d);
  const half = 0.5 * h, sixth = h / 6.0;
  const frame = n * d;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let k = 0; k < d; k++) xt[k] = x[o + k];
    for (let s = 0; s < steps; s++) {
      reluFieldPoint(xt, 0, d, W, A, b, p, acc, 0);
      for (let k = 0; k < d; k++) xs[k] = xt[k] + half * acc[k];
      reluFieldPoint(xs, 0, d, W, A, b, p, f, 0);
      for (let k = 0; k < d; k++) {
        acc[k] = acc[k] + 2.0 * f[k];
        xs[k] = xt[k] + half * f[k];
      }
      reluFieldPoint(xs, 0, d, W, A, b, p, f, 0);
      for (let k = 0; k < d; k++) {
        acc[k] = acc[k] + 2.0 * f[k];
        xs[k] = xt[k] + h * f[k];
      }
      reluFieldPoint(xs, 0, d, W, A, b, p, f, 0);
      for (let k = 0; k < d; k++) xt[k] = xt[k] + sixth * (acc[k] + f[k]);
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
