/** Random OT inputs for the twin-vs-kernel tests: random, clustered, duplicated and integer-grid points. */
import { createRng } from '../helpers.js';

export type Rng = ReturnType<typeof createRng>;

export function points(rng: Rng, kind: number, n: number, d: number, shift = 0): Float64Array {
  const out = new Float64Array(n * d);
  const base = Array.from({ length: Math.max(1, n >> 2) * d }, () => 4 * rng.normal());
  for (let i = 0; i < n; i++) {
    const q = Math.floor(rng.uniform() * (base.length / d));
    for (let k = 0; k < d; k++) {
      const z = kind === 0 ? rng.normal() : kind === 1 ? base[q * d + k] + 1e-3 * rng.normal() : kind === 2 ? base[q * d + k] : Math.floor(rng.uniform() * 4);
      out[i * d + k] = z + shift;
    }
  }
  return out;
}

export function weights(rng: Rng, n: number): Float64Array {
  const w = Float64Array.from({ length: n }, () => 0.05 + rng.uniform());
  const s = w.reduce((t, v) => t + v, 0);
  return w.map((v) => v / s);
}
