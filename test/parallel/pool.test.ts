import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, InvalidArgumentError, ShapeMismatchError, flow, flowAsync, init, liveWorkers, makeControls, sweep, terminateWorkers } from '../../src/index.js';
import { parallelFlow } from '../../src/parallel/flow.js';
import { createRng } from '../../src/rng.js';

// Workers run build/node/worker.js (built by `npm run build`, which `npm test` runs first).
beforeAll(async () => {
  await init();
});
afterAll(() => terminateWorkers());

const r = createRng(5);
const C = makeControls({
  d: 3,
  width: 8,
  layers: Array.from({ length: 3 }, () => ({ duration: 0.3, W: Array.from({ length: 24 }, () => r.normal()), A: Array.from({ length: 24 }, () => r.normal()), b: Array.from({ length: 8 }, () => r.normal()) })),
});
const N = 2500;
const X = { n: N, d: 3, data: Float64Array.from({ length: 3 * N }, () => r.normal()) };

describe('worker pool', () => {
  it('flows on 1, 2 and 4 threads are bit-identical to the calling thread, trajectories included', async () => {
    for (const method of ['rk4', 'euler', 'exact'] as const) {
      const one = flow(C, X, { method, stepsPerLayer: 7, trajectory: { every: 3 } });
      for (const threads of [1, 2, 4]) {
        const got = await parallelFlow(C, X, { method, stepsPerLayer: 7, trajectory: { every: 3 } }, threads);
        expect(got.data.every((v, i) => Object.is(v, one.data[i])), `${method}, ${threads} threads`).toBe(true);
        expect(got.trajectory!.frames).toBe(one.trajectory!.frames);
        expect(got.trajectory!.data.every((v, i) => Object.is(v, one.trajectory!.data[i]))).toBe(true);
      }
    }
  });

  it('typed errors inside a worker arrive as the same classes', async () => {
    await expect(sweep('flow', [[C, [[1, 2]], {}]], { threads: 2 })).rejects.toBeInstanceOf(ShapeMismatchError);
    await expect(sweep('noSuchExport', [[]], { threads: 1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(sweep('flow', [[C, X, { onProgress: () => 1 }]], { threads: 1 })).rejects.toThrow(/argsList\[0\]/);
  });

  it('cancel stops every worker; no worker leaks after 10³ calls', async () => {
    const ac = new AbortController();
    const p = parallelFlow(C, { n: 40000, d: 3, data: Float64Array.from({ length: 120000 }, () => r.normal()) }, { stepsPerLayer: 400, signal: ac.signal }, 2);
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toBeInstanceOf(AbortError);
    expect(liveWorkers()).toBeLessThanOrEqual(2);
    const small = { n: 4, d: 3, data: X.data.slice(0, 12) };
    const args = Array.from({ length: 1000 }, () => [C, small, { stepsPerLayer: 2 }]);
    const res = await sweep<{ data: Float64Array }>('flow', args, { threads: 2 });
    expect(res.length).toBe(1000);
    expect(liveWorkers()).toBe(2);
    terminateWorkers();
    expect(liveWorkers()).toBe(0);
  });

  it('sweep reports progress in order and validates its arguments', async () => {
    const seen: number[] = [];
    await sweep('interpolationSwitches', [[10, 2, 1], [10, 2, 2], [10, 2, 5]], { threads: 2, onProgress: (f) => seen.push(f) });
    expect(seen).toEqual([1 / 3, 2 / 3, 1]);
    await expect(sweep('flow', [[C, X, {}]], { threads: 0 })).rejects.toThrow(/options\.threads/);
    await expect(sweep(5 as never, [])).rejects.toThrow(/fn/);
  });
});

describe('flowAsync({ threads })', () => {
  it('uses the pool above 8192 points and equals the synchronous flow bit for bit', async () => {
    const big = { n: 9000, d: 3, data: Float64Array.from({ length: 27000 }, () => r.normal()) };
    const one = flow(C, big, { stepsPerLayer: 3 });
    const got = await flowAsync(C, big, { stepsPerLayer: 3, threads: 2 });
    expect(got.data.every((v, i) => Object.is(v, one.data[i]))).toBe(true);
    expect(() => flowAsync(C, big, { threads: 0 })).toThrow(/options\.threads/);
    terminateWorkers();
  });
});
