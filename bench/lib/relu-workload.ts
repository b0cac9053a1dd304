/**
 * The RK4 benchmark workload, as in ../shared/anchors/anchors.py's relu_layers: L layers of p
 * neurons with unit-norm rows of A, W ~ N(0, 1/p²), b ~ N(0, 0.01), layers of duration 1/L, and
 * N(0, I) points — seeded, so every contender flows the same numbers.
 */
import { createRng, makeControls, type Controls, type PointCloud } from '../../src/index.js';

export function reluWorkload(seed: number, n: number, d: number, p: number, L: number): { controls: Controls; cloud: PointCloud } {
  const rng = createRng(seed);
  const layers = [];
  for (let l = 0; l < L; l++) {
    const A = new Float64Array(p * d), W = new Float64Array(d * p), b = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      A.set(rng.unitVector(d), i * d);
      b[i] = 0.1 * rng.normal();
    }
    for (let j = 0; j < d * p; j++) W[j] = rng.normal() / p;
    layers.push({ duration: 1 / L, W, A, b });
  }
  const controls = makeControls({ d, width: p, layers });
  const X = new Float64Array(n * d);
  for (let j = 0; j < X.length; j++) X[j] = rng.normal();
  return { controls, cloud: { n, d, data: X } };
}
