import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/index.js';
import { fillNormals } from '../../src/diffusion/normals.js';

/** Φ(x) via erfc with the Numerical-Recipes Chebyshev fit (|error| < 1.2e-7). */
function Phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2, t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r / 2 : r / 2;
}

describe('ziggurat normals (src/diffusion/normals.ts)', () => {
  it('χ² over 60 equiprobable-ish bins, moments, and the tail beyond R = 3.654 (fixed seed, 4·10^5 draws)', () => {
    const n = 400_000;
    const z = new Float64Array(n);
    fillNormals(createRng(12), z);
    // bins: edges at −4.5..4.5 in 60 steps plus two outer bins
    const edges = [-Infinity, ...Array.from({ length: 61 }, (_, i) => -4.5 + (9 * i) / 60), Infinity];
    const counts = new Array(edges.length - 1).fill(0);
    let s = 0, s2 = 0, s4 = 0, tail = 0;
    for (const v of z) {
      s += v; s2 += v * v; s4 += v ** 4;
      if (Math.abs(v) > 3.6541528853610088) tail++;
      let lo = 0, hi = edges.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (v < edges[mid]) hi = mid; else lo = mid;
      }
      counts[lo]++;
    }
    let chi2 = 0, dof = 0;
    for (let b = 0; b < counts.length; b++) {
      const e = n * (Phi(edges[b + 1]) - Phi(edges[b]));
      if (e < 5) continue;
      chi2 += (counts[b] - e) ** 2 / e;
      dof++;
    }
    // dof ≈ 55: the 99.99% quantile of χ²_55 is ≈ 103
    expect(chi2).toBeLessThan(103);
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    const pTail = 2 * (1 - Phi(3.6541528853610088)); // 2.58e-4
    expect(Math.abs(tail - n * pTail)).toBeLessThan(5 * Math.sqrt(n * pTail));
  });

  it('same seed → same numbers', () => {
    const a = new Float64Array(1000), b = new Float64Array(1000);
    fillNormals(createRng(3), a);
    fillNormals(createRng(3), b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
