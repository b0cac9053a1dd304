import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generalizationBound, init, InvalidArgumentError, NonFiniteError, slicedWasserstein, wasserstein, wasserstein1, wasserstein1d } from '../../src/index.js';
import { loadRuntime, type WasmRuntime } from '../../src/runtime/loader.js';
import { createRng, randomCloud } from '../helpers.js';
import { pot } from './fixtures.js';

describe('radix sort of float64 keys (assembly/wasserstein1d.ts)', () => {
  let rt: WasmRuntime;
  beforeAll(async () => {
    rt = await loadRuntime('debug');
  });
  it('sorts like TypedArray.prototype.sort and carries the payload stably (incl. ±0, duplicates, extremes)', () => {
    let cases = 0;
    const k = rt.exports as unknown as { radixSortF64(p: number, n: number, q: number, s: number): void; radixScratchBytes(n: number): number };
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: false }), fc.constantFrom(0, -0, 1, -1, 5e-324, -Number.MAX_VALUE)), { minLength: 1, maxLength: 300 }), (xs) => {
        const ar = rt.arena;
        const mark = ar.mark();
        try {
          const n = xs.length;
          const p = ar.pushF64(xs), q = ar.alloc(4 * n);
          for (let i = 0; i < n; i++) ar.i32[(q >>> 2) + i] = i;
          k.radixSortF64(p, n, q, ar.alloc(k.radixScratchBytes(n)));
          const got = ar.f64.slice(p >>> 3, (p >>> 3) + n), idx = ar.i32.slice(q >>> 2, (q >>> 2) + n);
          const want = Float64Array.from(xs).sort();
          for (let i = 0; i < n; i++) {
            if (!Object.is(got[i], want[i]) && !(got[i] === 0 && want[i] === 0)) return false;
            if (!Object.is(xs[idx[i]], got[i])) return false; // payload follows its key
            if (i > 0 && Object.is(got[i], got[i - 1]) && idx[i] < idx[i - 1]) return false; // stable
          }
          cases++;
          return true;
        } finally {
          ar.release(mark);
        }
      }),
      { numRuns: 200 },
    );
    expect(cases).toBe(200);
  });
});

for (const be of ['debug', 'js'] as const) {
  describe(`wasserstein1d (${be})`, () => {
    beforeAll(() => (be === 'js' ? init({ backend: 'js' }) : init({ variant: 'debug' })));

    it('matches SciPy wasserstein_distance (uniform n ≠ m, weighted) on the fixtures', () => {
      const o = pot.oned;
      expect(Math.abs(wasserstein1d(o.u, o.v).value - o.w1)).toBeLessThan(1e-13);
      expect(Math.abs(wasserstein1d(o.u, o.v, { a: o.wu }).value - o.w1_weighted)).toBeLessThan(1e-13);
      const c = pot.cases.find((q) => q.d === 1)!;
      expect(Math.abs(wasserstein1d(c.X, c.Y, { a: c.a!, b: c.b! }).value - c.scipy_w1d!)).toBeLessThan(1e-13);
    });

    it('closed forms: a shift by t costs |t| (any p); point masses', () => {
      const u = [3, -1, 2.5, 0, 7];
      for (const p of [1, 2, 3.5]) expect(wasserstein1d(u, u.map((s) => s + 0.25), { p }).value).toBeCloseTo(0.25, 14);
      expect(wasserstein1d([0], [2, 4], { p: 2 }).value).toBeCloseTo(Math.sqrt(10), 14);
      expect(wasserstein1d([1, 1, 1], [1]).value).toBe(0);
    });

    it('equals the exact solver on random weighted problems (p = 1, 2)', () => {
      let cases = 0;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 1e6 }), (n, m, seed) => {
          const rng = createRng(seed);
          const u = Array.from({ length: n }, () => rng.normal()), v = Array.from({ length: m }, () => rng.normal() * 3);
          const w = Array.from({ length: m }, () => rng.uniform() + 0.01);
          const s = w.reduce((p, q) => p + q, 0);
          const b = w.map((q) => q / s);
          for (const p of [1, 2]) {
            const ex = wasserstein(u.map((z) => [z]), v.map((z) => [z]), { p, b }).transportCost;
            const od = wasserstein1d(u, v, { p, b }).transportCost;
            expect(Math.abs(ex - od)).toBeLessThan(1e-12 * Math.max(1, ex));
          }
          cases++;
        }),
        { numRuns: 60 },
      );
      expect(cases).toBe(60);
    });

    it('bad input → typed errors naming the argument', () => {
      expect(() => wasserstein1d([], [1])).toThrow(InvalidArgumentError);
      expect(() => wasserstein1d([1, NaN], [1])).toThrow(NonFiniteError);
      expect(() => wasserstein1d([1], [1], { p: 0 })).toThrow(/options\.p/);
      expect(() => wasserstein1d([1, 2], [1], { a: [0.7, 0.7] })).toThrow(/options\.a/);
      expect(() => wasserstein1d({ n: 1, d: 2, data: new Float64Array(2) }, [1])).toThrow(/u\.d/);
      expect(wasserstein1d([0], [2]).value).toBe(2);
    });
  });

  describe(`slicedWasserstein (${be})`, () => {
    beforeAll(() => (be === 'js' ? init({ backend: 'js' }) : init({ variant: 'debug' })));
    it('every slice is ≤ W_p^p (projections are 1-Lipschitz), so SW_p ≤ W_p; reproducible by seed', () => {
      const rng = createRng(12);
      const x = randomCloud(rng, 40, 3), y = randomCloud(rng, 30, 3, 1.5, 0.5);
      const W2 = wasserstein(x, y, { p: 2 });
      const s = slicedWasserstein(x, y, { projections: 50, p: 2, seed: 7 });
      for (const c of s.perProjection) expect(c).toBeLessThanOrEqual(W2.value + 1e-12);
      expect(s.value).toBeLessThanOrEqual(W2.value);
      expect(s.value).toBeGreaterThan(0.1 * W2.value);
      expect(slicedWasserstein(x, y, { projections: 50, p: 2, seed: 7 }).value).toBe(s.value);
      expect(slicedWasserstein(x, y, { projections: 50, p: 2, seed: 8 }).value).not.toBe(s.value);
    });
    it('in d = 1 it is the 1-D distance; a translation by t in R^d gives SW_2² = |t|²/d', () => {
      const u = [0.3, -1, 2, 5];
      expect(slicedWasserstein(u.map((z) => [z]), [[1], [2]], { projections: 3, p: 1 }).value).toBeCloseTo(wasserstein1d(u, [1, 2]).value, 14);
      const rng = createRng(1);
      const x = randomCloud(rng, 20, 4);
      const t = [1, -2, 0.5, 2];
      const y = { n: 20, d: 4, data: x.data.map((z, i) => z + t[i % 4]) };
      const sw = slicedWasserstein(x, y, { projections: 4000, p: 2, seed: 3 });
      expect(sw.value ** 2).toBeCloseTo((1 + 4 + 0.25 + 4) / 4, 1); // E[(θ·t)²] = |t|²/d, Monte-Carlo error ~ 2%
    });
  });
}

describe('generalizationBound (arXiv 2510.03303, Thm 2.2)', () => {
  beforeAll(() => init({ variant: 'debug' }));
  it('the left-hand side of (2.11) never exceeds the bound; terms are the stated distances', () => {
    let cases = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 6 }), (seed, P) => {
        const rng = createRng(seed);
        const d = 2, N = 15, Nt = 12;
        const x = randomCloud(rng, N, d), xt = randomCloud(rng, Nt, d, 1.2, 0.3);
        const target = (r: Float64Array, i: number) => Math.sin(r[i * d]) + 0.5 * r[i * d + 1];
        const y = Array.from({ length: N }, (_, i) => target(x.data, i) + 0.1 * rng.normal());
        const yt = Array.from({ length: Nt }, (_, i) => target(xt.data, i));
        const net = { w: Array.from({ length: P }, () => rng.normal()), a: Array.from({ length: P * d }, () => rng.normal()), b: Array.from({ length: P }, () => rng.normal()) };
        const g = generalizationBound({ x, y }, { x: xt, y: yt }, net);
        expect(g.testDistance).toBeLessThanOrEqual(g.bound + 1e-12);
        expect(g.bound).toBeCloseTo(g.irreducible + g.trainingBias + g.sensitivity, 12);
        expect(g.inputShift).toBeCloseTo(wasserstein1(x, xt).value, 12);
        expect(g.sensitivity).toBeCloseTo(g.inputShift * g.networkLipschitz, 12);
        cases++;
      }),
      { numRuns: 40 },
    );
    expect(cases).toBe(40);
  });
  it('a perfect fit on identical train and test data has bound 0', () => {
    const x = [[0, 0], [1, 0], [0, 1]];
    const net = { w: [1], a: [1, 0], b: [0] }; // f(x) = relu(x_0)
    const y = [0, 1, 0];
    const g = generalizationBound({ x, y }, { x, y }, net);
    expect(g.bound).toBe(0);
    expect(g.testDistance).toBe(0);
    expect(() => generalizationBound({ x, y: [0, 1] }, { x, y }, net)).toThrow(/train\.y/);
    expect(() => generalizationBound({ x, y }, { x: [[0, 0, 0]], y: [0] }, net)).toThrow(/test\.x/);
    expect(() => generalizationBound({ x, y }, { x, y }, { w: [1], a: [1], b: [0] })).toThrow(/network\.a/);
  });
});
