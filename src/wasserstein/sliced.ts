/**
 * Sliced Wasserstein distance (Rabin, Peyré, Delon & Bernot 2011; Bonneel et al. 2015):
 *
 *   SW_p(μ, ν)^p = ∫_{S^{d−1}} W_p^p(θ#μ, θ#ν) dσ(θ)  ≈  (1/L) Σ_{l<L} W_p^p(θ_l#μ, θ_l#ν),
 *
 * θ_l uniform on the sphere (seeded, reproducible), each 1-D term exact by sorting
 * (./oned.ts). Monte-Carlo error O(L^{-1/2}). SW_p ≤ W_p.
 */
import { wasmRuntime } from '../runtime/loader.js';
import { createRng } from '../rng.js';
import type { PointsLike } from '../types.js';
import { checkCount } from '../validate.js';
import { asCloudPair, asExponent, asWeights } from './common.js';
import { w1dCost } from './oned.js';

export interface SlicedWassersteinOptions {
  /** Number of random directions L (default 64). */
  projections?: number;
  /** Exponent p ≥ 1 (default 2). */
  p?: number;
  /** Seed of the directions (default 0). */
  seed?: number;
  a?: ArrayLike<number>;
  b?: ArrayLike<number>;
}

export interface SlicedWassersteinResult {
  /** SW_p. */
  readonly value: number;
  /** Per-direction W_p^p (length L); their mean is value^p. */
  readonly perProjection: Float64Array;
  /** The directions, L × d row-major. */
  readonly directions: Float64Array;
}

export function slicedWasserstein(X: PointsLike, Y: PointsLike, options: SlicedWassersteinOptions = {}): SlicedWassersteinResult {
  const [x, y] = asCloudPair(X, Y);
  const L = checkCount('options.projections', options.projections ?? 64, 1);
  const p = options.p === undefined ? 2 : asExponent('options.p', options.p);
  const seed = checkCount('options.seed', options.seed ?? 0, 0);
  const a = asWeights('options.a', options.a, x.n), b = asWeights('options.b', options.b, y.n);
  const rt = wasmRuntime('slicedWasserstein');
  const rng = createRng(seed);
  const d = x.d;
  const directions = new Float64Array(L * d), per = new Float64Array(L);
  const px = new Float64Array(x.n), py = new Float64Array(y.n);
  let sum = 0;
  for (let l = 0; l < L; l++) {
    const th = rng.unitVector(d);
    directions.set(th, l * d);
    for (let i = 0; i < x.n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += th[k] * x.data[i * d + k];
      px[i] = s;
    }
    for (let j = 0; j < y.n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += th[k] * y.data[j * d + k];
      py[j] = s;
    }
    per[l] = w1dCost(rt, px, a, py, b, p);
    sum += per[l];
  }
  const mean = sum / L;
  return { value: p === 1 ? mean : Math.pow(mean, 1 / p), perProjection: per, directions };
}
