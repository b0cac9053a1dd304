import { beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError, hardmaxDynamics, hardmaxDynamicsAsync, init, softmaxDynamics, softmaxDynamicsAsync, sphereDynamics, sphereDynamicsAsync,
  type PointCloud, type ProgressOptions,
} from '../../src/index.js';
import { createRng, randomCloud } from '../helpers.js';

type Runner = {
  name: string; Z: PointCloud; units: number;
  sync: (Z: PointCloud, o: ProgressOptions) => { tokens: PointCloud };
  async: (Z: PointCloud, o: ProgressOptions) => Promise<{ tokens: PointCloud }>;
  /** A run long enough (≫ 16 ms) for runAsync to yield to the event loop. */
  long: (o: ProgressOptions) => Promise<unknown>;
};

describe('attention dynamics: onProgress, AbortSignal, async variants', () => {
  beforeAll(() => init({ variant: 'debug' }));
  const rng = createRng(77);
  // sizes chosen so that every run has several units of work (hardmax: one per step;
  // softmax: ⌊10^7 / (n²(d+2))⌋ = 22 steps per unit; sphere: ⌊10^7 / (4n²(d+1))⌋ = 15 RK4 steps, cut at the frames every 20 steps: 15 + 5 + 15 + 5 + …)
  const runners: Runner[] = [
    { name: 'hardmax', Z: randomCloud(rng, 120, 2), units: 41, sync: (Z, o) => hardmaxDynamics(Z, { ...o, steps: 40, alpha: 1 }), async: (Z, o) => hardmaxDynamicsAsync(Z, { ...o, steps: 40, alpha: 1 }), long: (o) => hardmaxDynamicsAsync(randomCloud(rng, 500, 3), { ...o, steps: 2000 }) },
    { name: 'softmax', Z: randomCloud(rng, 300, 3), units: 5, sync: (Z, o) => softmaxDynamics(Z, { ...o, steps: 100 }), async: (Z, o) => softmaxDynamicsAsync(Z, { ...o, steps: 100 }), long: (o) => softmaxDynamicsAsync(randomCloud(rng, 300, 3), { ...o, steps: 5000 }) },
    { name: 'sphere', Z: randomCloud(rng, 200, 3), units: 6, sync: (Z, o) => sphereDynamics(Z, { ...o, steps: 60, trajectory: { every: 20 } }), async: (Z, o) => sphereDynamicsAsync(Z, { ...o, steps: 60, trajectory: { every: 20 } }), long: (o) => sphereDynamicsAsync(randomCloud(rng, 200, 3), { ...o, steps: 6000 }) },
  ];

  for (const r of runners) {
    it(`${r.name}: progress fractions increase to 1, results equal with and without progress, sync and async`, async () => {
      const seen: number[] = [];
      const a = r.sync(r.Z, { onProgress: (f) => seen.push(f) });
      expect(seen.length).toBe(r.units);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
      expect(seen[0]).toBeGreaterThan(0);
      expect(seen[seen.length - 1]).toBe(1);
      const b = r.sync(r.Z, {});
      const asyncSeen: number[] = [];
      const c = await r.async(r.Z, { onProgress: (f) => asyncSeen.push(f) });
      expect(Array.from(a.tokens.data)).toEqual(Array.from(b.tokens.data));
      expect(Array.from(c.tokens.data)).toEqual(Array.from(b.tokens.data));
      expect(asyncSeen).toEqual(seen);
    });

    it(`${r.name}: an AbortSignal stops the run with AbortError (before, from onProgress, from a timer), and the instance keeps working`, async () => {
      const before = r.sync(r.Z, {}).tokens.data;
      const done = new AbortController();
      done.abort();
      expect(() => r.sync(r.Z, { signal: done.signal })).toThrow(AbortError);
      await expect(r.async(r.Z, { signal: done.signal })).rejects.toThrow(AbortError);
      const ctl = new AbortController();
      let calls = 0;
      expect(() => r.sync(r.Z, { signal: ctl.signal, onProgress: () => { if (++calls === 2) ctl.abort(); } })).toThrow(/aborted/);
      expect(calls).toBe(2);
      // async: a timer fires between units because the async variant yields to the event loop
      const timer = new AbortController();
      let last = 0;
      const t0 = performance.now();
      const p = r.long({ signal: timer.signal, onProgress: (f) => { last = f; if (f > 0 && last < 1) setTimeout(() => timer.abort(), 0); } });
      await expect(p).rejects.toThrow(AbortError);
      expect(last).toBeLessThan(0.5);
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(Array.from(r.sync(r.Z, {}).tokens.data)).toEqual(Array.from(before));
    });
  }
});
