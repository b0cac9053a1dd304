/** assembly/euler.ts against its twin src/kernels/euler.ts through the Pair src/backend/euler.ts: bit for bit, trajectories included. */
import { beforeAll, describe, expect, it } from 'vitest';
import { eulerLayers } from '../../src/backend/euler.js';
import { init } from '../../src/index.js';
import { loadRuntime, type WasmRuntime } from '../../src/runtime/loader.js';
import { createRng, randomCloud, randomControls } from '../helpers.js';
import { expectIdentical, runSide } from './layers.js';

let debug: WasmRuntime, release: WasmRuntime;
beforeAll(async () => {
  await init({ variant: 'debug' });
  [debug, release] = await Promise.all([loadRuntime('debug'), loadRuntime('release')]);
});

describe('eulerLayers: kernel vs twin', () => {
  it('identical doubles and trajectories on random layers (d = 1..9, p = 1..33, odd n), debug and release builds', () => {
    const rng = createRng(17);
    let cases = 0;
    for (const [d, p, n] of [[1, 1, 1], [2, 16, 301], [3, 5, 37], [8, 32, 23], [9, 33, 17], [2, 3, 8], [6, 1, 13]] as const) {
      const c = randomControls(rng, d, p, 3);
      const X = randomCloud(rng, n, d, 1.5).data;
      for (const every of [0, 1, 4]) {
        const j = runSide(eulerLayers, 'js', c, X, n, 7, every);
        for (const rt of [debug, release]) {
          const w = runSide(eulerLayers, rt, c, X, n, 7, every);
          expectIdentical(w.x, j.x, `d=${d} p=${p} ${rt.variant} x`);
          if (every) expectIdentical(w.traj!, j.traj!, `d=${d} p=${p} ${rt.variant} trajectory`);
          cases++;
        }
      }
    }
    expect(cases).toBe(42);
  });
});
