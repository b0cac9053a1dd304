/**
 * Exact pricing (docs/algorithms/shallow.md): max over the sphere of |Σ λ_i relu(⟨z, x̂_i⟩)| for
 * random λ, against dense random sampling (which can only be below it, and comes close), including
 * degenerate data (collinear points, rank-deficient lifts) and d = 3.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/index.js';
import { priceExact, priceLocalSearch, pricingObjective } from '../../src/shallow/pricing.js';

function sampledMax(xh: Float64Array, N: number, D: number, lam: Float64Array, samples: number, seed: number): number {
  const rng = createRng(seed);
  let m = 0;
  for (let s = 0; s < samples; s++) {
    const z = rng.unitVector(D);
    m = Math.max(m, Math.abs(pricingObjective(xh, N, D, lam, z)));
  }
  return m;
}

function lift(X: number[][]): Float64Array {
  const D = X[0].length + 1;
  const xh = new Float64Array(X.length * D);
  X.forEach((x, i) => { x.forEach((v, k) => (xh[i * D + k] = v)); xh[i * D + D - 1] = 1; });
  return xh;
}

describe('priceExact', () => {
  const cases: [string, number[][]][] = [];
  const rng = createRng(21);
  for (const d of [1, 2, 3]) cases.push([`random d=${d}`, Array.from({ length: d === 3 ? 9 : 14 }, () => Array.from({ length: d }, () => rng.normal()))]);
  cases.push(['collinear points in the plane (rank 2 lift)', Array.from({ length: 10 }, (_, i) => [i / 3 - 1, 2 * (i / 3 - 1) + 0.5])]);
  cases.push(['a 3×3 grid (many collinear triples)', [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => [i - 1, j - 1]))]);
  cases.push(['one point', [[0.3, -0.2]]]);
  cases.push(['coplanar points in R³ (rank 3 lift)', Array.from({ length: 8 }, () => { const u = rng.normal(), v = rng.normal(); return [u, v, u - v + 0.2]; })]);
  for (const [name, X] of cases) {
    it(name, () => {
      const N = X.length, D = X[0].length + 1;
      const xh = lift(X);
      for (let t = 0; t < 3; t++) {
        const lam = Float64Array.from({ length: N }, () => rng.normal());
        const p = priceExact(xh, N, D, lam, 0.1, 5);
        // the reported value is attained at the reported point
        expect(Math.abs(pricingObjective(xh, N, D, lam, p.z))).toBeCloseTo(p.value, 10);
        let nz = 0;
        for (const v of p.z) nz += v * v;
        expect(nz).toBeCloseTo(1, 12);
        const s = sampledMax(xh, N, D, lam, D === 4 ? 60_000 : 20_000, t + 1);
        expect(s).toBeLessThanOrEqual(p.value * (1 + 1e-12));
        expect(s).toBeGreaterThanOrEqual(p.value * (D === 4 ? 0.97 : 0.99));
        expect(p.exact).toBe(true);
        // local search never reports more than the exact maximum
        const q = priceLocalSearch(xh, N, D, lam, 0.1, 5, createRng(t), 20);
        expect(q.value).toBeLessThanOrEqual(p.value * (1 + 1e-12));
      }
    });
  }
});
