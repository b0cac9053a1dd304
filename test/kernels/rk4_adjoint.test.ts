/**
 * The discrete-adjoint kernels (assembly/rk4_adjoint.ts, assembly/euler_adjoint.ts) against their
 * TS twins, bit for bit, on random layers and points, odd sizes and tile tails included, in the
 * debug build (range checks on) and the release build.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { loadRuntime, type WasmRuntime } from '../../src/runtime/loader.js';
import { rk4Adjoint } from '../../src/backend/rk4_adjoint.js';
import { eulerAdjoint } from '../../src/backend/euler_adjoint.js';
import { createRng } from '../helpers.js';

let rts: WasmRuntime[] = [];
beforeAll(async () => {
  await init({ variant: 'debug' });
  rts = [await loadRuntime('debug'), await loadRuntime('release')];
});

function rand(rng: { normal(): number }, n: number, s = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = s * rng.normal();
  return a;
}

const sameBits = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe.each([['rk4', rk4Adjoint], ['euler', eulerAdjoint]] as const)('%s adjoint kernel ≡ twin', (_name, op) => {
  const cases = [
    [1, 1, 1, 1], [7, 2, 3, 2], [8, 2, 16, 3], [9, 3, 5, 4], [17, 1, 2, 1], [33, 4, 7, 5], [100, 2, 16, 10], [13, 8, 32, 2],
  ];
  it.each(cases)('n=%i d=%i p=%i steps=%i', (n, d, p, steps) => {
    const rng = createRng(1000 * n + 100 * d + p);
    const x = rand(rng, n * d), lam = rand(rng, n * d);
    const W = rand(rng, d * p, 0.7), A = rand(rng, p * d, 0.7), b = rand(rng, p, 0.5);
    const h = 0.9 / steps;
    const init0 = { gW: rand(rng, d * p), gA: rand(rng, p * d), gb: rand(rng, p), gh: rand(rng, 1) };
    const run = (fn: typeof op.js) => {
      const l = lam.slice(), gW = init0.gW.slice(), gA = init0.gA.slice(), gb = init0.gb.slice(), gh = init0.gh.slice();
      fn(x, l, n, d, W, A, b, p, h, steps, gW, gA, gb, gh);
      return { l, gW, gA, gb, gh };
    };
    const ref = run(op.js);
    expect(ref.l.every(Number.isFinite)).toBe(true);
    expect(ref.gW.some((v, i) => v !== init0.gW[i])).toBe(true);
    for (const rt of rts) {
      const got = run(op.wasm(rt));
      for (const key of ['l', 'gW', 'gA', 'gb', 'gh'] as const) expect(sameBits(got[key], ref[key]), key).toBe(true);
    }
  });
});
