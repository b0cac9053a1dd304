/** Shared test helpers: seeded data, random controls, comparisons. */
import { createRng, makeControls, type Controls, type PointCloud, type Rng } from '../src/index.js';

/** Random layers with unit-norm rows of A (like anchors.py's relu_layers). */
export function randomControls(rng: Rng, d: number, p: number, layers: number, T = 1, scale = 1): Controls {
  const ls = [];
  for (let l = 0; l < layers; l++) {
    const A = new Float64Array(p * d), W = new Float64Array(d * p), b = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      const u = rng.unitVector(d);
      for (let k = 0; k < d; k++) A[i * d + k] = u[k];
      b[i] = 0.3 * rng.normal();
    }
    for (let j = 0; j < d * p; j++) W[j] = (scale * rng.normal()) / Math.sqrt(p);
    ls.push({ duration: T / layers, W, A, b });
  }
  return makeControls({ d, width: p, layers: ls });
}

export function randomCloud(rng: Rng, n: number, d: number, scale = 1, offset = 0): PointCloud {
  const data = new Float64Array(n * d);
  for (let j = 0; j < n * d; j++) data[j] = offset + scale * rng.normal();
  return { n, d, data };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Max |a−b| / max(1, |b|) with the first index that exceeds `tol` (for messages). */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>, tol = 0): { max: number; firstBad: number } {
  let max = 0, firstBad = -1;
  for (let i = 0; i < a.length; i++) {
    const r = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (r > max) max = r;
    if (firstBad < 0 && !(r <= tol)) firstBad = i;
  }
  return { max, firstBad };
}

export { createRng };
