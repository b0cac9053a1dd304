/**
 * Truncated Sinkhorn kernel through the public API: sinkhorn gives the dense iterates to rounding
 * with truncation: 'auto' (the keep rule and kernel ≡ twin: test/kernels/sinkhorn.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, InvalidArgumentError, sinkhorn, type PointCloud } from '../../src/index.js';
import { createRng, randomCloud } from '../helpers.js';

function gauss(seed: number, n: number, d: number, shift: number): PointCloud {
  const rng = createRng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = shift + rng.normal();
  return { n, d, data };
}

for (const be of ['debug', 'js'] as const) {
  describe(`sinkhorn truncation: 'auto' gives the dense iterates to rounding (${be})`, () => {
    beforeAll(() => (be === 'js' ? init({ backend: 'js' }) : init({ variant: 'debug' })));
    afterAll(() => init({ variant: 'debug' }));

    it('value, objective, potentials and residual within 1e-12 (relative) of truncation: off on five problems', () => {
      const rng = createRng(11);
      const w = Float64Array.from({ length: 150 }, () => 0.2 + rng.uniform());
      const ws = w.reduce((s, q) => s + q, 0);
      for (let i = 0; i < w.length; i++) w[i] /= ws;
      const cases: [string, PointCloud, PointCloud, Parameters<typeof sinkhorn>[2]][] = [
        ['gaussians 200×161 ε=0.01', gauss(1, 200, 2, 0), gauss(2, 161, 2, 1), { epsilon: 0.01, epsilonScaling: false }],
        ['gaussians 120×120 ε=0.002, ε-scaling', gauss(3, 120, 2, 0), gauss(4, 120, 2, 1), { epsilon: 0.002 }],
        ['weighted, euclidean, d=3, ε=0.003', gauss(5, 150, 3, 0), gauss(6, 90, 3, 0.5), { epsilon: 0.003, a: w, cost: 'euclidean', epsilonScaling: false }],
        ['uniform square vs shifted, ε=0.001', randomCloud(createRng(7), 100, 2), randomCloud(createRng(8), 130, 2, 1, 0.5), { epsilon: 0.001, epsilonScaling: false }],
        ['clusters, ε=0.002', clusters(9, 160), clusters(10, 140), { epsilon: 0.002, epsilonScaling: false }],
      ];
      for (const [name, x, y, o] of cases) {
        const opts = { ...o, maxIterations: 300, tolerance: 0 };
        const t = sinkhorn(x, y, { ...opts, truncation: 'auto' });
        const d = sinkhorn(x, y, { ...opts, truncation: 'off' });
        expect(t.density, name).toBeLessThan(1); // the truncated path really ran (dense fallback reports 1)
        expect(d.density).toBe(1);
        expect(t.iterations, name).toBe(d.iterations);
        expect(Math.abs(t.transportCost - d.transportCost), name).toBeLessThanOrEqual(1e-12 * d.transportCost);
        expect(Math.abs(t.objective - d.objective), name).toBeLessThanOrEqual(1e-12 * Math.abs(d.objective));
        expect(Math.abs(t.residual - d.residual), name).toBeLessThanOrEqual(1e-12 * Math.max(d.residual, 1e-6));
        let scale = 0, diff = 0;
        for (const [pt, pd] of [[t.potentials.f, d.potentials.f], [t.potentials.g, d.potentials.g]]) {
          for (let i = 0; i < pt.length; i++) {
            scale = Math.max(scale, Math.abs(pd[i]));
            diff = Math.max(diff, Math.abs(pt[i] - pd[i]));
          }
        }
        expect(diff, name).toBeLessThanOrEqual(1e-12 * scale);
      }
    });

    it('falls back to the dense kernel when most entries would be kept (large ε); plan: true still returns the dense plan', () => {
      const x = gauss(12, 60, 2, 0), y = gauss(13, 50, 2, 1);
      expect(sinkhorn(x, y, { epsilon: 5 }).density).toBe(1);
      const t = sinkhorn(x, y, { epsilon: 0.005, epsilonScaling: false, plan: true, maxIterations: 200, tolerance: 0 });
      const d = sinkhorn(x, y, { epsilon: 0.005, epsilonScaling: false, plan: true, maxIterations: 200, tolerance: 0, truncation: 'off' });
      expect(t.density).toBeLessThan(0.3);
      let diff = 0, mx = 0;
      for (let q = 0; q < d.plan!.length; q++) {
        diff = Math.max(diff, Math.abs(t.plan![q] - d.plan![q]));
        mx = Math.max(mx, d.plan![q]);
      }
      expect(diff).toBeLessThanOrEqual(1e-12 * mx);
    });

    it("bad truncation option → InvalidArgumentError naming options.truncation", () => {
      let err: unknown;
      try {
        sinkhorn([[0, 0]], [[1, 1]], { epsilon: 1, truncation: 'on' as never });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as { parameter?: string }).parameter).toBe('options.truncation');
    });
  });
}

function clusters(seed: number, n: number): PointCloud {
  const rng = createRng(seed);
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    data[2 * i] = 2 * c + 0.2 * rng.normal();
    data[2 * i + 1] = (c === 1 ? 1 : 0) + 0.2 * rng.normal();
  }
  return { n, d: 2, data };
}
