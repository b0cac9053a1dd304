/** assembly/relu.ts against its twin src/kernels/relu.ts through the Pair src/backend/relu.ts: bit for bit. */
import { beforeAll, describe, expect, it } from 'vitest';
import { reluField } from '../../src/backend/relu.js';
import { init } from '../../src/index.js';
import { loadRuntime, type WasmRuntime } from '../../src/runtime/loader.js';
import { createRng, randomCloud, randomControls } from '../helpers.js';
import { expectIdentical } from './layers.js';

let debug: WasmRuntime, release: WasmRuntime;
beforeAll(async () => {
  await init({ variant: 'debug' });
  [debug, release] = await Promise.all([loadRuntime('debug'), loadRuntime('release')]);
});

describe('reluField: kernel vs twin', () => {
  it('identical doubles on random layers (d = 1..9, p = 1..65, n not a multiple of the tile), debug and release builds', () => {
    const rng = createRng(7);
    let cases = 0;
    for (const [d, p, n] of [[1, 1, 1], [2, 16, 1001], [3, 5, 37], [8, 32, 123], [9, 33, 17], [2, 3, 8], [4, 65, 9], [5, 2, 3]] as const) {
      const c = randomControls(rng, d, p, 1);
      const X = randomCloud(rng, n, d, 2).data;
      const L = c.layers[0];
      const want = new Float64Array(n * d);
      reluField.js(X, n, d, L.W, L.A, L.b, p, want);
      for (const rt of [debug, release]) {
        const got = new Float64Array(n * d);
        reluField.wasm(rt)(X, n, d, L.W, L.A, L.b, p, got);
        expectIdentical(got, want, `d=${d} p=${p} n=${n} ${rt.variant}`);
        cases++;
      }
    }
    expect(cases).toBe(16);
  });

  it('propagates NaN like the kernel and gives exact zeros where every neuron is off', () => {
    const d = 2, p = 1, n = 9;
    const X = new Float64Array(n * d).fill(-1);
    X[4] = NaN;
    const W = Float64Array.of(1, 2), A = Float64Array.of(1, 1), b = Float64Array.of(0);
    const j = new Float64Array(n * d), w = new Float64Array(n * d);
    reluField.js(X, n, d, W, A, b, p, j);
    reluField.wasm(debug)(X, n, d, W, A, b, p, w);
    expect(Number.isNaN(j[4]) && Number.isNaN(w[4])).toBe(true);
    expect(j[0]).toBe(0);
    expectIdentical(w, j, 'NaN row');
  });
});
