/**
 * The lemniscate of Bernoulli, the data manifold of the survey's Figure 5.1 (arXiv 2510.03303,
 * §5): (x, y) = a (cos θ, sin θ cos θ) / (1 + sin² θ), θ uniform on [0, 2π). Samples optionally
 * jittered by Gaussian noise of standard deviation `noise` (default 0). Uses Math.sin / Math.cos,
 * so the points may differ in the last bit between JavaScript engines (demo data, not a kernel).
 */
import { checkSeed, createRng } from '../rng.js';
import type { PointCloud } from '../types.js';
import { checkCount } from '../validate.js';

export function lemniscate(n: number, options: { seed?: number; scale?: number; noise?: number } = {}): PointCloud {
  checkCount('n', n, 1);
  const rng = createRng(checkSeed(options.seed ?? 0, 'options.seed'));
  const a = options.scale ?? 1, noise = options.noise ?? 0;
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const th = 2 * Math.PI * rng.uniform();
    const s = Math.sin(th), c = Math.cos(th);
    const r = a / (1 + s * s);
    data[2 * i] = r * c + (noise ? noise * rng.normal() : 0);
    data[2 * i + 1] = r * s * c + (noise ? noise * rng.normal() : 0);
  }
  return { n, d: 2, data };
}
