import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, wasserstein, wasserstein1, InvalidArgumentError, type PointCloud } from '../../src/index.js';
import { costMatrixJS } from '../../src/kernels/cost.js';
import { nsPlanFromTree, nsSolveJS } from '../../src/kernels/network_simplex.js';
import { createRng, randomCloud } from '../helpers.js';
import { clouds, expectCertified, pot } from './fixtures.js';

type Rng = ReturnType<typeof createRng>;
const backends = ['debug', 'js'] as const;
async function use(b: (typeof backends)[number]): Promise<void> {
  if (b === 'js') await init({ backend: 'js' });
  else await init({ variant: 'debug' });
}


function normalized(w: Float64Array): Float64Array {
  let s = 0;
  for (const v of w) s += v;
  return w.map((v) => v / s);
}

/** A problem family that stresses degeneracy: random, duplicated points, integer grids (ties). */
function cloud(rng: Rng, kind: number, n: number, d: number, offset: number): PointCloud {
  if (kind === 0) return randomCloud(rng, n, d, 1, offset);
  if (kind === 1) { // few distinct points, repeated
    const base = randomCloud(rng, Math.max(1, n >> 2), d, 1, offset);
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) data.set(base.data.subarray((i % base.n) * d, (i % base.n + 1) * d), i * d);
    return { n, d, data };
  }
  return { n, d, data: Float64Array.from({ length: n * d }, () => Math.floor(rng.uniform() * 4)) };
}

/** Exact optimum for integer multiplicities by brute force: point i of X repeated ka[i] times,
 *  j of Y kb[j] times (Σka = Σkb = T ≤ 8), min over all T! matchings of the expanded clouds / T. */
function bruteForce(C: Float64Array, m: number, ka: number[], kb: number[]): number {
  const rows: number[] = [], cols: number[] = [];
  ka.forEach((k, i) => { for (let t = 0; t < k; t++) rows.push(i); });
  kb.forEach((k, j) => { for (let t = 0; t < k; t++) cols.push(j); });
  const T = rows.length, used = new Uint8Array(T);
  let best = Infinity;
  const rec = (q: number, acc: number): void => {
    if (acc >= best) return;
    if (q === T) { best = acc; return; }
    for (let c = 0; c < T; c++) {
      if (used[c]) continue;
      used[c] = 1;
      rec(q + 1, acc + C[rows[q] * m + cols[c]]);
      used[c] = 0;
    }
  };
  rec(0, 0);
  return best / T;
}

for (const be of backends) {
  describe(`network simplex (${be})`, () => {
    beforeAll(() => use(be));

    it('equals SSP on 48 random weighted / unequal-size problems (values ≤ 1e-12 relative), certified', () => {
      let cases = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 0, max: 2 }), fc.constantFrom(1, 2, 3), fc.boolean(), fc.integer({ min: 0, max: 1e6 }),
          (n, m, d, kind, p, weighted, seed) => {
            const rng = createRng(seed);
            const x = cloud(rng, kind, n, d, 0), y = cloud(rng, kind, m, d, 0.3);
            const a = weighted ? normalized(Float64Array.from({ length: n }, () => (rng.uniform() < 0.1 ? 0 : 0.05 + rng.uniform()))) : null;
            const b = weighted ? normalized(Float64Array.from({ length: m }, () => 0.05 + rng.uniform())) : null;
            if (a && !a.some((v) => v > 0)) return;
            const opt = a && b ? { p, a, b } : { p };
            const ns = wasserstein(x, y, opt), ssp = wasserstein(x, y, { ...opt, solver: 'ssp' });
            expect(ns.solver).toBe('simplex');
            expect(ssp.solver).toBe('ssp');
            expect(Math.abs(ns.transportCost - ssp.transportCost)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(ssp.transportCost), 1e-300));
            expectCertified(ns, x, y, a ?? new Float64Array(n).fill(1 / n), b ?? new Float64Array(m).fill(1 / m), { gap: 1e-12, basic: true });
            cases++;
          },
        ),
        { numRuns: 48, seed: 4242 },
      );
      expect(cases).toBeGreaterThanOrEqual(40);
    });

    it('equals brute force over all matchings of the expanded clouds (integer weights, T ≤ 8), p = 1, 2', () => {
      let cases = 0;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1e6 }), (n, m, seed) => {
          const rng = createRng(seed);
          const T = Math.max(n, m) + Math.floor(rng.uniform() * (9 - Math.max(n, m)));
          const split = (k: number): number[] => { // k positive integers summing to T
            const c = new Array<number>(k).fill(1);
            for (let t = k; t < T; t++) c[Math.floor(rng.uniform() * k)]++;
            return c;
          };
          const ka = split(n), kb = split(m);
          const x = cloud(rng, seed % 3, n, 2, 0), y = cloud(rng, seed % 3, m, 2, 0.5);
          for (const p of [1, 2]) {
            const a = ka.map((k) => k / T), b = kb.map((k) => k / T);
            const r = wasserstein(x, y, { p, a, b, solver: 'simplex' });
            const best = bruteForce(costMatrixJS(x.data, n, y.data, m, 2, p), m, ka, kb);
            expect(Math.abs(r.transportCost - best)).toBeLessThanOrEqual(1e-12 * Math.max(1, best));
            expectCertified(r, x, y, a, b, { gap: 1e-12, basic: true });
          }
          cases++;
        }),
        { numRuns: 40, seed: 77 },
      );
      expect(cases).toBe(40);
    });

    it('matches POT emd2 on the committed fixtures (p = 1 and 2, every case forced through the simplex)', () => {
      for (const c of pot.cases) {
        const [x, y] = clouds(c);
        const opt = c.a ? { a: c.a, b: c.b!, solver: 'simplex' as const } : { solver: 'simplex' as const };
        const r1 = wasserstein1(x, y, opt), r2 = wasserstein(x, y, { ...opt, p: 2 });
        expect(r1.solver).toBe('simplex');
        expect(Math.abs(r1.transportCost - c.emd2_p1)).toBeLessThan(1e-12 * Math.max(1, c.emd2_p1));
        expect(Math.abs(r2.transportCost - c.emd2_p2)).toBeLessThan(1e-12 * Math.max(1, c.emd2_p2));
        expectCertified(r2, x, y, c.a ?? new Float64Array(c.n).fill(1 / c.n), c.b ?? new Float64Array(c.m).fill(1 / c.m), { gap: 1e-12, basic: true });
      }
    });

    it('135 × 1009 (uniform, non-integer ratio): certified (and equal to SSP on WASM)', () => {
      const rng = createRng(135);
      const x = randomCloud(rng, 135, 2), y = randomCloud(rng, 1009, 2, 1, 0.5);
      const ns = wasserstein(x, y);
      expect(ns.solver).toBe('simplex');
      if (be === 'debug') { // the TS-twin SSP takes ~11 s here: cross-check on WASM only
        const ssp = wasserstein(x, y, { solver: 'ssp' });
        expect(Math.abs(ns.transportCost - ssp.transportCost)).toBeLessThanOrEqual(1e-12 * ssp.transportCost);
      }
      expectCertified(ns, x, y, new Float64Array(135).fill(1 / 135), new Float64Array(1009).fill(1 / 1009), { gap: 1e-12, basic: true });
    });
  });
}

describe('network simplex: the largest case, the Bellman–Ford offsets, errors', () => {
  it('675 × 5041 (uniform, d = 2, p = 2) certified by its potentials over all pairs', async () => {
    await init({ variant: 'debug' });
    const rng = createRng(675);
    const x = randomCloud(rng, 675, 2), y = randomCloud(rng, 5041, 2, 1, 0.5);
    const r = wasserstein(x, y);
    expect(r.solver).toBe('simplex');
    expectCertified(r, x, y, new Float64Array(675).fill(1 / 675), new Float64Array(5041).fill(1 / 5041), { gap: 1e-12, basic: true });
  });

  it('decoupled problems leave several root subtrees; their offsets still give feasible potentials', () => {
    // X = Y as multisets with equal weights: every point can stay put, so the optimal basis is
    // degenerate and artificial arcs of zero flow stay in the tree.
    let multi = 0;
    for (let s = 0; s < 20; s++) {
      const rng = createRng(1000 + s);
      const n = 3 + (s % 5), m = 2 * n;
      const xs = cloud(rng, s % 3, n, 2, 0);
      const y = new Float64Array(m * 2);
      y.set(xs.data); y.set(xs.data, n * 2);
      const C = costMatrixJS(xs.data, n, y, m, 2, 2);
      const t = nsSolveJS(C, n, m, new Float64Array(n).fill(2), new Float64Array(m).fill(1), 1e-14, 1e6);
      expect(t.status).toBe(0);
      const R = t.parent.length - 1;
      let k = 0;
      for (let w = 0; w < R; w++) if (t.parent[w] === R) k++;
      if (k > 1) multi++;
      const s2 = nsPlanFromTree(C, n, m, t.parent, t.arc, t.up, t.flow, 0);
      let cost = 0, dual = 0, worst = -Infinity;
      for (let q = 0; q < s2.mass.length; q++) cost += s2.mass[q] * C[s2.rows[q] * m + s2.cols[q]];
      for (let i = 0; i < n; i++) dual -= 2 * s2.piRow[i];
      for (let j = 0; j < m; j++) dual += s2.piCol[j];
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) worst = Math.max(worst, -s2.piRow[i] + s2.piCol[j] - C[i * m + j]);
      expect(cost).toBe(0);
      expect(Math.abs(dual)).toBeLessThanOrEqual(1e-12);
      expect(worst).toBeLessThanOrEqual(1e-12);
    }
    expect(multi).toBeGreaterThan(0); // the offset path was exercised
  });

  it('the twin stops with status 3 at its pivot cap (the caller then falls back to SSP)', () => {
    const rng = createRng(4);
    const x = randomCloud(rng, 20, 2), y = randomCloud(rng, 31, 2);
    const C = costMatrixJS(x.data, 20, y.data, 31, 2, 2);
    const t = nsSolveJS(C, 20, 31, new Float64Array(20).fill(31), new Float64Array(31).fill(20), 1e-14, 5);
    expect(t.status).toBe(3);
    expect(t.pivots).toBe(5);
  });

  it('bad options.solver → InvalidArgumentError naming it; the instance keeps working', async () => {
    await init({ variant: 'debug' });
    expect(() => wasserstein1([[0, 0]], [[1, 0], [2, 0]], { solver: 'lp' as never })).toThrow(InvalidArgumentError);
    try {
      wasserstein1([[0, 0]], [[1, 0], [2, 0]], { solver: 'lp' as never });
    } catch (e) {
      expect((e as { parameter?: string }).parameter).toBe('options.solver');
    }
    expect(wasserstein1([[0, 0]], [[3, 4], [3, 4]]).value).toBe(5);
  });
});
