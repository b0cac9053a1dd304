/**
 * Issue 15, Wasserstein family: results right for coordinates from 1e-150 to 1e150 and p up to
 * 100 (brute-force assignment enumeration and the 1-D sorted formula as oracles, scaled copies),
 * certificates that certify the caller's problem, bounded and abortable calls, limits checked
 * before allocating, and options validated (null → InvalidArgumentError).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError, CapacityError, init, InvalidArgumentError, sinkhorn, sinkhornAsync, sinkhornDivergence, slicedWasserstein,
  wasserstein, wasserstein1, wasserstein1Async, wasserstein1d, wassersteinAsync, type PointCloud,
} from '../../src/index.js';
import { createRng, randomCloud } from '../helpers.js';

const PS = [1, 2, 3, 50, 100];

/** min over permutations of ((1/n) Σ ‖x_i − y_σ(i)‖^p)^{1/p}, summed in units of the largest
 *  distance of each permutation (no overflow or underflow for any p). */
function bruteForce(x: PointCloud, y: PointCloud, p: number): number {
  const n = x.n, d = x.d;
  const dist = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += (x.data[i * d + k] - y.data[j * d + k]) ** 2;
    return Math.sqrt(s);
  };
  const perm = Array.from({ length: n }, (_, i) => i);
  let best = Infinity;
  const rec = (k: number): void => {
    if (k === n) {
      let top = 0;
      for (let i = 0; i < n; i++) top = Math.max(top, dist(i, perm[i]));
      let s = 0;
      if (top > 0) for (let i = 0; i < n; i++) s += (dist(i, perm[i]) / top) ** p;
      best = Math.min(best, top * (s / n) ** (1 / p));
      return;
    }
    for (let q = k; q < n; q++) {
      [perm[k], perm[q]] = [perm[q], perm[k]];
      rec(k + 1);
      [perm[k], perm[q]] = [perm[q], perm[k]];
    }
  };
  rec(0);
  return best;
}

const scaled = (c: PointCloud, s: number): PointCloud => ({ n: c.n, d: c.d, data: c.data.map((v) => v * s) });

for (const be of ['debug', 'js'] as const) {
  describe(`exact OT numerics (${be})`, () => {
    beforeAll(() => (be === 'js' ? init({ backend: 'js' }) : init({ variant: 'debug' })));

    it('equals brute force for p ∈ {1, 2, 3, 50, 100}, every solver, certified relative to the value', () => {
      for (let seed = 0; seed < 6; seed++) {
        const rng = createRng(100 + seed);
        const n = 3 + (seed % 4);
        const x = randomCloud(rng, n, 2), y = randomCloud(rng, n, 2, 1, 0.3);
        for (const p of PS) {
          const want = bruteForce(x, y, p);
          for (const solver of ['auto', 'simplex', 'auction', 'ssp'] as const) {
            const r = wasserstein(x, y, { p, solver });
            expect(Math.abs(r.value - want) / want, `seed ${seed} p ${p} ${solver}`).toBeLessThan(1e-13);
            expect(r.dualityGap).toBeLessThan(1e-9);
            expect(r.dualInfeasibility).toBeLessThan(1e-9);
            expect(r.status).toBe('optimal');
          }
        }
      }
    });

    it('the issue-15 example: p = 50 and 100 on 6 ordinary points', () => {
      const rng = createRng(15);
      const x = randomCloud(rng, 6, 2), y = randomCloud(rng, 6, 2, 1, 0.2);
      for (const p of [50, 100]) {
        const r = wasserstein(x, y, { p });
        expect(Math.abs(r.value - bruteForce(x, y, p)) / r.value).toBeLessThan(1e-13);
        expect(Math.abs(r.value - wasserstein(x, y, { p, solver: 'ssp' }).value)).toBeLessThan(1e-14 * r.value);
      }
    });

    it('scaled copies: the value scales by the factor (×2^k exactly; ×1e±150, ×1e154 to 1e-13)', () => {
      const rng = createRng(7);
      const x = randomCloud(rng, 7, 3), y = randomCloud(rng, 9, 3, 1, 0.5);
      for (const p of PS) {
        const r = wasserstein(x, y, { p });
        expect(wasserstein(scaled(x, 2 ** 40), scaled(y, 2 ** 40), { p }).value).toBe(r.value * 2 ** 40);
        for (const s of [1e-150, 1e150, 1e154]) {
          const q = wasserstein(scaled(x, s), scaled(y, s), { p });
          expect(Math.abs(q.value / s - r.value) / r.value, `p ${p} s ${s}`).toBeLessThan(1e-13);
          expect(Number.isFinite(q.transportCost) && q.transportCost > 0).toBe(true);
          expect(q.dualityGap).toBeLessThan(1e-9);
          // in user units when representable, else in units of lengthUnit
          if (q.lengthUnit === 1) expect(Math.abs(q.transportCost / r.transportCost / s ** p - 1)).toBeLessThan(1e-12);
          else expect(Math.abs((q.value / q.lengthUnit) ** p / q.transportCost - 1)).toBeLessThan(1e-12);
        }
      }
      const w = wasserstein1(scaled(x, 1e154), scaled(y, 1e154));
      expect(w.value).toBeGreaterThan(1e153);
    });

    it('weighted transport at p = 50 and 100 equals the 1-D sorted formula (d = 1)', () => {
      const rng = createRng(8);
      const u = Array.from({ length: 7 }, () => rng.normal()), v = Array.from({ length: 5 }, () => rng.normal() + 0.3);
      const a = Float64Array.from(u, () => 0.1 + rng.uniform()), b = Float64Array.from(v, () => 0.1 + rng.uniform());
      const sa = a.reduce((s, t) => s + t), sb = b.reduce((s, t) => s + t);
      const A = a.map((t) => t / sa), B = b.map((t) => t / sb);
      for (const p of PS) {
        const ex = wasserstein(u.map((t) => [t]), v.map((t) => [t]), { p, a: A, b: B });
        const od = wasserstein1d(u, v, { p, a: A, b: B });
        expect(Math.abs(ex.value - od.value) / od.value, `p ${p}`).toBeLessThan(1e-12);
      }
    });
  });
}

describe('1-D and sliced numerics', () => {
  beforeAll(() => init({ variant: 'debug' }));
  it('wasserstein1d: p up to 100 against the sorted pairing; coordinates 1e-150 .. 1e154', () => {
    const rng = createRng(3);
    const u = Array.from({ length: 9 }, () => rng.normal()), v = Array.from({ length: 9 }, () => rng.normal() + 0.1);
    const us = [...u].sort((s, t) => s - t), vs = [...v].sort((s, t) => s - t);
    for (const p of PS) {
      const gaps = us.map((s, i) => Math.abs(s - vs[i])), top = Math.max(...gaps);
      const want = top * (gaps.reduce((s, g) => s + (g / top) ** p, 0) / 9) ** (1 / p);
      const r = wasserstein1d(u, v, { p });
      expect(Math.abs(r.value - want) / want).toBeLessThan(1e-13);
      for (const s of [1e-150, 1e150, 1e154]) {
        expect(Math.abs(wasserstein1d(u.map((t) => t * s), v.map((t) => t * s), { p }).value / s - want) / want).toBeLessThan(1e-13);
      }
    }
    expect(wasserstein1d([1e154, 0], [0, -1e154], { p: 2 }).value).toBe(1e154);
  });

  it('slicedWasserstein: the value scales by the factor up to 1e154', () => {
    const rng = createRng(4);
    const x = randomCloud(rng, 20, 3), y = randomCloud(rng, 15, 3, 1, 0.5);
    for (const p of [1, 2, 50]) {
      const r = slicedWasserstein(x, y, { p, projections: 8 }).value;
      for (const s of [1e-150, 1e154]) expect(Math.abs(slicedWasserstein(scaled(x, s), scaled(y, s), { p, projections: 8 }).value / s - r) / r).toBeLessThan(1e-13);
    }
  });
});

describe('sinkhorn numerics and limits', () => {
  beforeAll(() => init({ variant: 'debug' }));
  const rng = createRng(5);
  const x = randomCloud(rng, 12, 2), y = randomCloud(rng, 10, 2, 1, 0.5);

  it('homogeneous: (X·s, Y·s, ε·s²) gives s² × the cost (exact for s = 2^k; 1e-12 for 1e±150)', () => {
    const r = sinkhorn(x, y, { epsilon: 0.05 });
    expect(sinkhorn(scaled(x, 2 ** 30), scaled(y, 2 ** 30), { epsilon: 0.05 * 2 ** 60 }).transportCost).toBe(r.transportCost * 2 ** 60);
    for (const s of [1e-150, 1e150]) {
      const q = sinkhorn(scaled(x, s), scaled(y, s), { epsilon: 0.05 * s * s });
      expect(Math.abs(q.value / s - r.value) / r.value).toBeLessThan(1e-12);
      expect(q.potentials.f.every(Number.isFinite)).toBe(true);
    }
  });

  it('coordinates 1e154 with ε = 0.05 → a typed error at once (no heap blow-up)', () => {
    expect(() => sinkhorn([[1e154, 0], [-1e154, 0]], [[0, 1e154], [0, -1e154]], { epsilon: 0.05 })).toThrow(InvalidArgumentError);
  });

  it('ε = 1e308: finite potentials and objective (the a⊗b limit); divergence never NaN', () => {
    const r = sinkhorn(x, y, { epsilon: 1e308 });
    expect(Number.isFinite(r.objective) && Number.isFinite(r.value)).toBe(true);
    expect(r.potentials.f.every(Number.isFinite) && r.potentials.g.every(Number.isFinite)).toBe(true);
    let mean = 0;
    for (let i = 0; i < 12; i++) for (let j = 0; j < 10; j++) mean += ((x.data[2 * i] - y.data[2 * j]) ** 2 + (x.data[2 * i + 1] - y.data[2 * j + 1]) ** 2) / 120;
    expect(Math.abs(r.transportCost - mean) / mean).toBeLessThan(1e-12);
    // continuity with the iterated solution at a large but resolvable ε
    const it = sinkhorn(x, y, { epsilon: 1e6 });
    expect(Math.abs(it.transportCost - mean) / mean).toBeLessThan(1e-4);
    for (const epsilon of [1e308, 1e6, 1, 1e-3]) {
      const s = sinkhornDivergence(x, y, { epsilon, maxIterations: 5000 });
      expect(Number.isFinite(s.divergence) && Number.isFinite(s.value), `ε ${epsilon}`).toBe(true);
      expect(s.divergence).toBeGreaterThan(-1e-9);
    }
  });

  it('maxIterations is bounded up front (2^31 → typed error) and a long run is abortable', async () => {
    expect(() => sinkhornDivergence(x, y, { epsilon: 0.1, maxIterations: 2 ** 31 })).toThrow(/options\.maxIterations/);
    const ac = new AbortController();
    let calls = 0;
    expect(() => sinkhorn(x, y, { epsilon: 1e-3, tolerance: 0, maxIterations: 2 ** 31 - 1, onProgress: () => ++calls === 3 && ac.abort(), signal: ac.signal })).toThrow(AbortError);
    await expect(sinkhornAsync(x, y, { epsilon: 1e-3, tolerance: 0, maxIterations: 2 ** 31 - 1, signal: AbortSignal.timeout(50) })).rejects.toThrow(AbortError);
  });

  it('memory of the n × m matrices is refused up front with CapacityError naming the sizes', () => {
    const big: PointCloud = { n: 20000, d: 1, data: new Float64Array(20000) };
    expect(() => sinkhorn(big, big, { epsilon: 1 })).toThrow(CapacityError);
    expect(() => sinkhorn(big, big, { epsilon: 1 })).toThrow(/X\.n × Y\.n/);
    const huge: PointCloud = { n: 30000, d: 1, data: new Float64Array(30000) };
    const w = new Float64Array(30000).fill(1 / 30000);
    expect(() => wasserstein(huge, huge, { a: w, b: w })).toThrow(CapacityError);
  });
});

describe('options validation and async variants', () => {
  beforeAll(() => init({ variant: 'debug' }));
  const rng = createRng(6);
  const x = randomCloud(rng, 5, 2), y = randomCloud(rng, 6, 2, 1, 0.5);

  it('options = null or a non-object → InvalidArgumentError naming options', () => {
    const calls: (() => unknown)[] = [
      () => wasserstein(x, y, null as never), () => wasserstein1(x, y, null as never), () => wasserstein1d([1], [2], null as never),
      () => slicedWasserstein(x, y, null as never), () => sinkhorn(x, y, null as never), () => sinkhornDivergence(x, y, 5 as never),
    ];
    for (const c of calls) expect(c).toThrow(InvalidArgumentError);
    expect(() => wasserstein(x, y, { onProgress: 5 as never })).toThrow(/options\.onProgress/);
    expect(() => sinkhorn(x, y, { epsilon: 1, tolerance: Infinity })).toThrow(/options\.tolerance/);
    expect(() => sinkhorn(x, y, { epsilon: 1, signal: {} as never })).toThrow(/options\.signal/);
  });

  it('async variants equal the sync ones; an aborted signal rejects with AbortError; the arena is released', async () => {
    const w = wasserstein(x, y, { p: 3 });
    expect((await wassersteinAsync(x, y, { p: 3 })).value).toBe(w.value);
    expect((await wasserstein1Async(x, y)).value).toBe(wasserstein1(x, y).value);
    expect((await sinkhornAsync(x, y, { epsilon: 0.1 })).transportCost).toBe(sinkhorn(x, y, { epsilon: 0.1 }).transportCost);
    const [p1, p2] = await Promise.all([wassersteinAsync(x, y, { p: 3 }), wassersteinAsync(y, x, { p: 3 })]);
    expect(Math.abs(p1.value - p2.value)).toBeLessThan(1e-13);
    await expect(wassersteinAsync(x, y, { signal: AbortSignal.abort() })).rejects.toThrow(AbortError);
    // abort inside a long simplex solve (pivots run in chunks)
    const r2 = createRng(9);
    const X = randomCloud(r2, 700, 2), Y = randomCloud(r2, 701, 2, 1, 0.5);
    const ac = new AbortController();
    expect(() => wasserstein(X, Y, { onProgress: () => ac.abort(), signal: ac.signal })).toThrow(AbortError);
    expect(wasserstein(x, y, { p: 3 }).value).toBe(w.value); // the instance keeps working
  });
});
