/**
 * The equal-size exact solver (auction + exact polish, assembly/auction.ts and its twin
 * src/kernels/auction.ts): optimal against brute force and against the dense SSP solver
 * (src/kernels/ssp.ts) on random, clustered, duplicated and tied points; certificates checked on
 * an independently computed cost matrix (kernel ≡ twin: test/kernels/auction.test.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, wasserstein, type PointCloud, type WassersteinResult } from '../../src/index.js';
import { auctionJS } from '../../src/kernels/auction.js';
import { costMatrixJS } from '../../src/kernels/cost.js';
import { sspJS } from '../../src/kernels/ssp.js';
import { createRng } from '../helpers.js';
import { clouds, pot } from './fixtures.js';

type Rng = ReturnType<typeof createRng>;

/** The optimal assignment cost (mean over rows) by the dense SSP solver — an independent method. */
function sspCost(x: PointCloud, y: PointCloud, p: number): number {
  const n = x.n;
  const C = costMatrixJS(x.data, n, y.data, n, x.d, p);
  const s = sspJS(C, n, n, new Float64Array(n).fill(1), new Float64Array(n).fill(1), 0.5);
  expect(s.status).toBe(0);
  let c = 0;
  for (let k = 0; k < s.mass.length; k++) c += s.mass[k] * C[s.rows[k] * n + s.cols[k]];
  return c / n;
}

function bruteForce(x: PointCloud, y: PointCloud, p: number): number {
  const n = x.n;
  const C = costMatrixJS(x.data, n, y.data, n, x.d, p);
  const used = new Uint8Array(n);
  let best = Infinity;
  const rec = (i: number, acc: number): void => {
    if (i === n) {
      best = Math.min(best, acc);
      return;
    }
    for (let j = 0; j < n; j++) {
      if (used[j]) continue;
      used[j] = 1;
      rec(i + 1, acc + C[i * n + j]);
      used[j] = 0;
    }
  };
  rec(0, 0);
  return best / n;
}

/** A permutation plan, tight on the plan, feasible everywhere, zero gap — on our own matrix. */
function expectCertifiedAssignment(r: WassersteinResult, x: PointCloud, y: PointCloud): void {
  const n = x.n;
  const C = costMatrixJS(x.data, n, y.data, n, x.d, r.p);
  expect(r.method).toBe('assignment');
  expect(r.plan.mass.length).toBe(n);
  const seen = new Uint8Array(n);
  let primal = 0, cmax = 0, worst = -Infinity, dual = 0;
  for (let k = 0; k < n; k++) {
    expect(r.plan.rows[k]).toBe(k);
    expect(seen[r.plan.cols[k]]).toBe(0);
    seen[r.plan.cols[k]] = 1;
    expect(r.plan.mass[k]).toBe(1 / n);
    primal += C[k * n + r.plan.cols[k]] / n;
  }
  for (let i = 0; i < n; i++) dual += (r.potentials.f[i] + r.potentials.g[i]) / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    worst = Math.max(worst, r.potentials.f[i] + r.potentials.g[j] - C[i * n + j]);
    cmax = Math.max(cmax, C[i * n + j]);
  }
  expect(Math.abs(primal - r.transportCost)).toBeLessThanOrEqual(1e-12 * Math.max(1, r.transportCost));
  expect(Math.abs(primal - dual) / Math.max(1, primal)).toBeLessThanOrEqual(1e-10);
  expect(worst / Math.max(1, cmax)).toBeLessThanOrEqual(1e-12);
  expect(r.dualityGap).toBeLessThanOrEqual(1e-10);
  expect(r.dualInfeasibility).toBeLessThanOrEqual(1e-12);
}

const cloud = (n: number, d: number, data: ArrayLike<number>): PointCloud => ({ n, d, data: Float64Array.from(data) });

/** Point sets where ties are the rule: random, clustered (tight blobs), duplicated, integer grid. */
function makeCase(kind: number, rng: Rng, n: number, d: number): [PointCloud, PointCloud] {
  const gen = (shift: number): number[] => {
    const out: number[] = [];
    if (kind === 0) for (let i = 0; i < n * d; i++) out.push(rng.normal() + shift);
    else if (kind === 1) {
      const centres = Array.from({ length: 3 * d }, () => 4 * rng.normal());
      for (let i = 0; i < n; i++) {
        const c = Math.floor(rng.uniform() * 3);
        for (let k = 0; k < d; k++) out.push(centres[c * d + k] + 1e-3 * rng.normal() + shift);
      }
    } else if (kind === 2) {
      const base = Array.from({ length: Math.max(1, n >> 2) * d }, () => rng.normal() + shift);
      for (let i = 0; i < n; i++) {
        const q = Math.floor(rng.uniform() * (base.length / d));
        for (let k = 0; k < d; k++) out.push(base[q * d + k]);
      }
    } else for (let i = 0; i < n * d; i++) out.push(Math.floor(rng.uniform() * 4) + shift);
    return out;
  };
  return [cloud(n, d, gen(0)), cloud(n, d, gen(kind === 3 ? 1 : 0.5))];
}
const KINDS = ['random', 'clustered', 'duplicated', 'integer grid'];

const backends = ['debug', 'js'] as const;
for (const be of backends) {
  describe(`assignment by auction + polish (${be})`, () => {
    beforeAll(() => (be === 'js' ? init({ backend: 'js' }) : init({ variant: 'debug' })));
    afterAll(() => init({ variant: 'debug' }));

    it('equals brute force for n ≤ 7 on tie-heavy point sets (p = 1, 2, 3), certified', () => {
      let cases = 0;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1e6 }), (n, d, kind, seed) => {
          const [x, y] = makeCase(kind, createRng(seed), n, d);
          for (const p of [1, 2, 3]) {
            const r = wasserstein(x, y, { p, solver: 'auction' });
            const bf = bruteForce(x, y, p);
            expect(Math.abs(r.transportCost - bf)).toBeLessThanOrEqual(1e-12 * Math.max(1, bf));
            expectCertifiedAssignment(r, x, y);
          }
          cases++;
        }),
        { numRuns: 50 },
      );
      expect(cases).toBe(50);
    });

    it('equals the dense SSP solver on random / clustered / duplicated / grid points (d = 1, 2, 3, 5)', () => {
      let cases = 0;
      const rng = createRng(be === 'js' ? 77 : 78);
      for (let kind = 0; kind < 4; kind++) {
        for (const d of [1, 2, 3, 5]) {
          const n = be === 'js' ? 40 + 13 * kind : 90 + 37 * kind;
          const [x, y] = makeCase(kind, rng, n, d);
          for (const p of [1, 2]) {
            const r = wasserstein(x, y, { p, solver: 'auction' });
            const ref = sspCost(x, y, p);
            expect(Math.abs(r.transportCost - ref), `${KINDS[kind]} d=${d} p=${p}`).toBeLessThanOrEqual(1e-12 * Math.max(1, ref));
            expectCertifiedAssignment(r, x, y);
            cases++;
          }
        }
      }
      expect(cases).toBe(32);
    });

    it('W(X, X) = 0, W(X, permuted X) = 0, all points equal, n = 1', () => {
      const rng = createRng(9);
      const [x] = makeCase(2, rng, 60, 2); // with duplicates
      const perm = Array.from({ length: 60 }, (_, i) => i).sort(() => rng.uniform() - 0.5);
      const xp = cloud(60, 2, perm.flatMap((i) => [x.data[2 * i], x.data[2 * i + 1]]));
      for (const y of [x, xp]) {
        const r = wasserstein(x, y, { p: 1, solver: 'auction' });
        expect(r.transportCost).toBe(0);
        expectCertifiedAssignment(r, x, y);
      }
      const same = cloud(20, 3, new Array(60).fill(0.25));
      const r = wasserstein(same, same, { p: 2, solver: 'auction' });
      expect(r.transportCost).toBe(0);
      expectCertifiedAssignment(r, same, same);
      expect(wasserstein([[0, 0]], [[3, 4]], { p: 1, solver: 'auction' }).transportCost).toBe(5);
      expect(wasserstein([[0, 0]], [[3, 4]], { p: 2, solver: 'auction' }).transportCost).toBe(25);
    });

    it('price war: every x identical (all rows bid alike), and far-offset coordinates', () => {
      const rng = createRng(12);
      const n = be === 'js' ? 80 : 200;
      const x = cloud(n, 2, new Array(2 * n).fill(0.3));
      const y = cloud(n, 2, Array.from({ length: 2 * n }, () => rng.normal()));
      const far = cloud(n, 2, Array.from({ length: 2 * n }, () => 1e6 + rng.normal()));
      const far2 = cloud(n, 2, Array.from({ length: 2 * n }, () => 1e6 + rng.normal()));
      for (const [a, b] of [[x, y], [far, far2]]) {
        for (const p of [1, 2]) {
          const r = wasserstein(a, b, { p, solver: 'auction' });
          const ref = sspCost(a, b, p);
          expect(Math.abs(r.transportCost - ref)).toBeLessThanOrEqual(1e-12 * Math.max(1, ref));
          expectCertifiedAssignment(r, a, b);
        }
      }
    });

    it('matches POT emd2 on the committed uniform equal-size fixtures', () => {
      let used = 0;
      for (const c of pot.cases) {
        if (c.a || c.n !== c.m) continue;
        const [x, y] = clouds(c);
        const r1 = wasserstein(x, y, { p: 1, solver: 'auction' }), r2 = wasserstein(x, y, { p: 2, solver: 'auction' });
        expect(Math.abs(r1.transportCost - c.emd2_p1)).toBeLessThan(1e-12 * Math.max(1, c.emd2_p1));
        expect(Math.abs(r2.transportCost - c.emd2_p2)).toBeLessThan(1e-12 * Math.max(1, c.emd2_p2));
        expectCertifiedAssignment(r1, x, y);
        used++;
      }
      expect(used).toBeGreaterThan(0);
    });
  });
}

describe('auction twin: the polish repairs any ε', () => {
  it('the twin alone: the polish repairs any ε — a huge final ε still ends exactly optimal', () => {
    const rng = createRng(4);
    const [x, y] = makeCase(0, rng, 50, 2);
    const ref = sspCost(x, y, 1) * 50;
    for (const epsFinal of [10, 1, 1e-3, 1e-9]) {
      const s = auctionJS(x.data, y.data, 50, 2, 1, 10, epsFinal, 5);
      let c = 0;
      for (let i = 0; i < 50; i++) c += Math.hypot(x.data[2 * i] - y.data[2 * s.col4row[i]], x.data[2 * i + 1] - y.data[2 * s.col4row[i] + 1]);
      expect(Math.abs(c - ref)).toBeLessThan(1e-12 * ref);
      expect(new Set(s.col4row).size).toBe(50);
    }
  });
});
