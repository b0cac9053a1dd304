import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, InvalidArgumentError, sinkhorn, sinkhornDivergence, wasserstein } from '../../src/index.js';
import { createRng, randomCloud } from '../helpers.js';
import { clouds, pot } from './fixtures.js';

for (const be of ['debug', 'js'] as const) {
  describe(`sinkhorn (${be})`, () => {
    beforeAll(() => (be === 'js' ? init({ backend: 'js' }) : init({ variant: 'debug' })));

    it('matches POT sinkhorn2(method="sinkhorn_log") on the fixtures (ε = 1, 0.3; sqeuclidean)', () => {
      let compared = 0;
      for (const c of pot.cases) {
        const [x, y] = clouds(c);
        for (const [reg, want] of Object.entries(c.sinkhorn2_log_sqeuclidean)) {
          const r = sinkhorn(x, y, { epsilon: Number(reg), a: c.a ?? undefined, b: c.b ?? undefined, tolerance: 1e-12, maxIterations: 100_000 });
          expect(r.status, `case n=${c.n} m=${c.m} ε=${reg}: residual ${r.residual}`).toBe('converged');
          expect(Math.abs(r.transportCost - want) / want).toBeLessThan(1e-8);
          compared++;
        }
      }
      expect(compared).toBe(2 * pot.cases.length);
    });

    it('plan marginals are within the tolerance; value = ⟨P, C⟩ of the returned plan', () => {
      const rng = createRng(2);
      const x = randomCloud(rng, 23, 2), y = randomCloud(rng, 17, 2, 1, 1);
      const r = sinkhorn(x, y, { epsilon: 0.3, tolerance: 1e-10, plan: true });
      expect(r.status).toBe('converged');
      expect(r.residual).toBeLessThan(1e-9);
      const P = r.plan!;
      let cost = 0;
      for (let i = 0; i < 23; i++) {
        let row = 0;
        for (let j = 0; j < 17; j++) {
          row += P[i * 17 + j];
          let s = 0;
          for (let k = 0; k < 2; k++) s += (x.data[i * 2 + k] - y.data[j * 2 + k]) ** 2;
          cost += P[i * 17 + j] * s;
        }
        expect(Math.abs(row - 1 / 23)).toBeLessThan(1e-9);
      }
      for (let j = 0; j < 17; j++) {
        let col = 0;
        for (let i = 0; i < 23; i++) col += P[i * 17 + j];
        expect(Math.abs(col - 1 / 17)).toBeLessThan(1e-9);
      }
      expect(Math.abs(cost - r.transportCost)).toBeLessThan(1e-12);
    });

    it('tends to the exact cost as ε → 0 (sqeuclidean → W₂², euclidean → W₁), monotonically here', () => {
      const rng = createRng(4);
      const x = randomCloud(rng, 40, 2), y = randomCloud(rng, 40, 2, 1, 1);
      for (const [cost, p] of [['sqeuclidean', 2], ['euclidean', 1]] as const) {
        const exact = wasserstein(x, y, { p }).transportCost;
        const gaps = [1, 0.1, 0.01, 0.001].map((epsilon) => sinkhorn(x, y, { epsilon, cost, maxIterations: 20_000, tolerance: 1e-10 }).transportCost - exact);
        for (const g of gaps) expect(g).toBeGreaterThan(-1e-9); // the entropic plan is feasible: never below the optimum
        for (let k = 1; k < gaps.length; k++) expect(gaps[k]).toBeLessThan(gaps[k - 1]);
        expect(gaps[3]).toBeLessThan(1e-2 * exact);
      }
    });

    it('reports maxIterations with the knob to turn, and respects it exactly', () => {
      const rng = createRng(6);
      const x = randomCloud(rng, 30, 2), y = randomCloud(rng, 30, 2, 1, 2);
      const r = sinkhorn(x, y, { epsilon: 0.001, maxIterations: 7, epsilonScaling: false });
      expect(r.iterations).toBe(7);
      expect(r.status).toBe('maxIterations');
      expect(r.message).toMatch(/maxIterations/);
      expect(Number.isFinite(r.transportCost)).toBe(true);
    });

    it('sinkhornDivergence: S(μ, μ) = 0, S ≥ 0, S → W₂² as ε → 0', () => {
      const rng = createRng(8);
      const x = randomCloud(rng, 30, 2), y = randomCloud(rng, 25, 2, 1, 1);
      expect(Math.abs(sinkhornDivergence(x, x, { epsilon: 0.1 }).divergence)).toBeLessThan(1e-9);
      const exact = wasserstein(x, y, { p: 2 }).transportCost;
      const s1 = sinkhornDivergence(x, y, { epsilon: 1 }).divergence, s2 = sinkhornDivergence(x, y, { epsilon: 0.01, maxIterations: 20_000 }).divergence;
      expect(s1).toBeGreaterThan(0);
      expect(Math.abs(s2 - exact)).toBeLessThan(Math.abs(s1 - exact));
      expect(Math.abs(s2 - exact) / exact).toBeLessThan(0.02);
    });

    it('bad input → typed errors naming the argument', () => {
      const x = [[0, 0], [1, 1]];
      const bad: [() => unknown, string][] = [
        [() => sinkhorn(x, x, { epsilon: 0 }), 'options.epsilon'],
        [() => sinkhorn(x, x, { epsilon: NaN }), 'options.epsilon'],
        [() => sinkhorn(x, x, { epsilon: 1, cost: 'cosine' as never }), 'options.cost'],
        [() => sinkhorn(x, x, { epsilon: 1, maxIterations: 0 }), 'options.maxIterations'],
        [() => sinkhorn(x, x, { epsilon: 1, a: [1, 1] }), 'options.a'],
        [() => sinkhorn(x, [[1, 2, 3]], { epsilon: 1 }), 'Y'],
        [() => sinkhorn(undefined as never, x, { epsilon: 1 }), 'X'],
      ];
      for (const [fn, param] of bad) {
        let err: unknown;
        try {
          fn();
        } catch (e) {
          err = e;
        }
        expect((err as { parameter?: string }).parameter).toBe(param);
      }
      expect(() => sinkhorn(x, x, { epsilon: -1 })).toThrow(InvalidArgumentError);
      expect(sinkhorn([[0, 0]], [[3, 4]], { epsilon: 1 }).transportCost).toBeCloseTo(25, 12);
    });
  });
}

describe('sinkhorn: WASM and TS twin agree', () => {
  afterAll(() => init({ variant: 'debug' }));
  it('same value, objective and iterations on uniform and weighted problems (within 1e-12)', async () => {
    const rng = createRng(9);
    const x = randomCloud(rng, 31, 3), y = randomCloud(rng, 20, 3, 1, 0.5);
    const a = Float64Array.from({ length: 31 }, () => 0.1 + rng.uniform());
    const s = a.reduce((p, q) => p + q, 0);
    for (let i = 0; i < 31; i++) a[i] /= s;
    const opts = [{ epsilon: 0.05 }, { epsilon: 0.2, a, cost: 'euclidean' as const }, { epsilon: 0.01, maxIterations: 100, tolerance: 0, epsilonScaling: false }];
    await init({ variant: 'debug' });
    const w = opts.map((o) => sinkhorn(x, y, o));
    await init({ backend: 'js' });
    const t = opts.map((o) => sinkhorn(x, y, o));
    for (let k = 0; k < opts.length; k++) {
      expect(Math.abs(w[k].transportCost - t[k].transportCost)).toBeLessThan(1e-12 * t[k].transportCost);
      expect(Math.abs(w[k].objective - t[k].objective)).toBeLessThan(1e-12 * Math.abs(t[k].objective));
      expect(w[k].iterations).toBe(t[k].iterations);
      expect(w[k].status).toBe(t[k].status);
    }
  });
});
