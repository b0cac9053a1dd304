import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, wasserstein, wasserstein1, wasserstein1d, InvalidArgumentError, NonFiniteError, ShapeMismatchError, type PointCloud } from '../../src/index.js';
import { costMatrixJS } from '../../src/kernels/cost.js';
import { createRng, randomCloud } from '../helpers.js';
import { clouds, expectCertified, pot } from './fixtures.js';

const backends = ['debug', 'js'] as const;
async function use(b: (typeof backends)[number]): Promise<void> {
  if (b === 'js') await init({ backend: 'js' });
  else await init({ variant: 'debug' });
}

/** min over permutations of (1/n) Σ C[i, σ(i)] — the assignment problem by brute force. */
function bruteForce(x: PointCloud, y: PointCloud, p: number): number {
  const C = costMatrixJS(x.data, x.n, y.data, y.n, x.d, p);
  const n = x.n;
  const perm = Array.from({ length: n }, (_, i) => i);
  let best = Infinity;
  const rec = (k: number, acc: number): void => {
    if (acc >= best) return;
    if (k === n) {
      best = acc;
      return;
    }
    for (let q = k; q < n; q++) {
      [perm[k], perm[q]] = [perm[q], perm[k]];
      rec(k + 1, acc + C[k * n + perm[k]]);
      [perm[k], perm[q]] = [perm[q], perm[k]];
    }
  };
  rec(0, 0);
  return best / n;
}


function randomWeights(rng: ReturnType<typeof createRng>, n: number, zeros = 0): Float64Array {
  const w = Float64Array.from({ length: n }, () => 0.05 + rng.uniform());
  for (let z = 0; z < zeros; z++) w[Math.floor(rng.uniform() * n)] = 0;
  let s = 0;
  for (const v of w) s += v;
  return w.map((v) => v / s);
}

for (const be of backends) {
  describe(`exact W_p (${be})`, () => {
    beforeAll(() => use(be));

    it('equals brute force over all permutations for n ≤ 8 (p = 1 and 2), with certificates', () => {
      let cases = 0;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e6 }), (n, d, seed) => {
          const rng = createRng(seed);
          const x = randomCloud(rng, n, d), y = randomCloud(rng, n, d, 1, 0.5);
          for (const p of [1, 2]) {
            const r = wasserstein(x, y, { p });
            expect(r.method).toBe('assignment');
            expect(Math.abs(r.transportCost - bruteForce(x, y, p))).toBeLessThan(1e-12 * Math.max(1, r.transportCost));
            expectCertified(r, x, y, new Float64Array(n).fill(1 / n), new Float64Array(n).fill(1 / n));
          }
          cases++;
        }),
        { numRuns: 60 },
      );
      expect(cases).toBe(60);
    });

    it('general weights (with zeros, n ≠ m): zero duality gap, feasible potentials, exact marginals', () => {
      let cases = 0;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1e6 }), (n, m, seed) => {
          const rng = createRng(seed);
          const x = randomCloud(rng, n, 2), y = randomCloud(rng, m, 2, 2, 1);
          const a = randomWeights(rng, n, n > 2 ? 1 : 0), b = randomWeights(rng, m, m > 2 ? 1 : 0);
          const r = wasserstein(x, y, { p: 1, a, b });
          expectCertified(r, x, y, a, b);
          expect(r.plan.mass.length).toBeLessThanOrEqual(n + m - 1);
          cases++;
        }),
        { numRuns: 80, seed: 20240611 }, // fixed: the ≤ n + m − 1 support holds for costs in general position
      );
      expect(cases).toBe(80);
    });

    it('matches POT emd2 on the committed fixtures (p = 1 and 2)', () => {
      for (const c of pot.cases) {
        const [x, y] = clouds(c);
        const opt = c.a ? { a: c.a, b: c.b! } : {};
        const r1 = wasserstein1(x, y, opt);
        const r2 = wasserstein(x, y, { ...opt, p: 2 });
        expect(Math.abs(r1.value - c.emd2_p1)).toBeLessThan(1e-12 * Math.max(1, c.emd2_p1));
        expect(Math.abs(r2.transportCost - c.emd2_p2)).toBeLessThan(1e-12 * Math.max(1, c.emd2_p2));
        expect(r2.value).toBeCloseTo(Math.sqrt(c.emd2_p2), 12);
        expectCertified(r1, x, y, c.a ?? new Float64Array(c.n).fill(1 / c.n), c.b ?? new Float64Array(c.m).fill(1 / c.m));
      }
    });

    it('agrees with the 1-D closed form by sorting (uniform n ≠ m and weighted)', () => {
      const rng = createRng(11);
      for (let t = 0; t < 10; t++) {
        const n = 3 + t * 7, m = 2 + t * 5;
        const u = Array.from({ length: n }, () => rng.normal()), v = Array.from({ length: m }, () => 2 * rng.normal() + 1);
        const a = randomWeights(rng, n);
        for (const p of [1, 2, 3]) {
          const ex = wasserstein(u.map((s) => [s]), v.map((s) => [s]), { p });
          expect(ex.method).toBe(n === m ? 'assignment' : 'transport');
          expect(Math.abs(ex.transportCost - wasserstein1d(u, v, { p }).transportCost)).toBeLessThan(1e-12 * Math.max(1, ex.transportCost));
          const exw = wasserstein(u.map((s) => [s]), v.map((s) => [s]), { p, a });
          expect(Math.abs(exw.transportCost - wasserstein1d(u, v, { p, a }).transportCost)).toBeLessThan(1e-12 * Math.max(1, exw.transportCost));
        }
      }
    });

    it('W(X, X) = 0 and W is symmetric', () => {
      const rng = createRng(3);
      const x = randomCloud(rng, 25, 3), y = randomCloud(rng, 18, 3, 1, 1);
      expect(wasserstein1(x, x).value).toBe(0);
      expect(Math.abs(wasserstein(x, y).value - wasserstein(y, x).value)).toBeLessThan(1e-13);
    });
  });
}

describe('exact W_p: bad input → typed errors naming the argument; the instance keeps working', () => {
  beforeAll(() => init({ variant: 'debug' }));
  const x = [[0, 0], [1, 0], [0, 1]], y = [[1, 1], [2, 1]];
  const cases: [string, () => unknown, new (...a: never[]) => Error, string][] = [
    ['negative weight', () => wasserstein1(x, y, { a: [0.5, 0.7, -0.2] }), InvalidArgumentError, 'options.a[2]'],
    ['weights not summing to 1', () => wasserstein1(x, y, { b: [0.5, 0.5 + 1e-9] }), InvalidArgumentError, 'options.b'],
    ['wrong weight count', () => wasserstein1(x, y, { a: [0.5, 0.5] }), ShapeMismatchError, 'options.a'],
    ['NaN weight', () => wasserstein1(x, y, { a: [NaN, 0.5, 0.5] }), NonFiniteError, 'options.a'],
    ['NaN point', () => wasserstein1([[0, NaN]], y), NonFiniteError, 'X'],
    ['Infinity point', () => wasserstein1(x, [[Infinity, 0]]), NonFiniteError, 'Y'],
    ['empty cloud', () => wasserstein1([], y), InvalidArgumentError, 'X'],
    ['different d', () => wasserstein1(x, [[1, 2, 3]]), ShapeMismatchError, 'Y'],
    ['p < 1', () => wasserstein(x, y, { p: 0.5 }), InvalidArgumentError, 'options.p'],
    ['empty PointCloud', () => wasserstein1({ n: 0, d: 2, data: new Float64Array(0) }, y), InvalidArgumentError, 'X.n'],
  ];
  for (const [what, fn, cls, param] of cases) {
    it(what, () => {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(cls);
      expect((err as { parameter?: string }).parameter).toBe(param);
      expect((err as Error).message).toContain(param);
      expect(wasserstein1([[0, 0]], [[3, 4]]).value).toBe(5);
    });
  }
});
