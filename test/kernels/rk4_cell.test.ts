/**
 * assembly/rk4_cell.ts against its twin src/kernels/rk4_cell.ts through the Pair
 * src/backend/rk4_cell.ts: bit for bit, including trajectories and the counts of affine / plain
 * steps, recomputations and rebuilds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { rk4CellLayers } from '../../src/backend/rk4_cell.js';
import { init } from '../../src/index.js';
import { loadRuntime, type WasmRuntime } from '../../src/runtime/loader.js';
import { createRng, randomCloud, randomControls } from '../helpers.js';
import { expectIdentical, runSide } from './layers.js';

let rt: WasmRuntime, release: WasmRuntime;
beforeAll(async () => {
  await init({ variant: 'debug' });
  [rt, release] = await Promise.all([loadRuntime('debug'), loadRuntime('release')]);
});

const runWasm = (_which: 'cell', c: Parameters<typeof runSide>[2], X: Float64Array, n: number, steps: number, every = 0) => runSide(rk4CellLayers, rt, c, X, n, steps, every);
const runTwin = (_which: 'cell', c: Parameters<typeof runSide>[2], X: Float64Array, n: number, steps: number, every = 0) => runSide(rk4CellLayers, 'js', c, X, n, steps, every);

describe('rk4CellLayer: WASM kernel vs TS twin', () => {
  it('identical doubles, trajectories and step counts on random layers, d = 1..9, p = 1..65', () => {
    const rng = createRng(11);
    let cases = 0;
    for (const [d, p, n] of [[1, 1, 9], [1, 7, 30], [2, 16, 101], [2, 3, 17], [3, 5, 37], [4, 12, 40], [5, 40, 23], [8, 32, 25], [9, 33, 11], [6, 1, 13], [7, 64, 9], [3, 65, 7], [2, 40, 400], [8, 20, 60]] as const) {
      const c = randomControls(rng, d, p, 3);
      const X = randomCloud(rng, n, d, 1.5).data;
      for (const every of [0, 1, 4]) {
        const w = runWasm('cell', c, X, n, 9, every);
        const j = runTwin('cell', c, X, n, 9, every);
        expectIdentical(w.x, j.x, `d=${d} p=${p} x`);
        if (every) expectIdentical(w.traj!, j.traj!, `d=${d} p=${p} trajectory`);
        expect(w.stats).toEqual(j.stats);
        expect(w.stats.affine + w.stats.plain).toBe(n * 27);
        cases++;
      }
    }
    // the last two make the cell cache hit and evict (direct-mapped: 256 entries at d = 2, 32 at d = 8)
    expect(cases).toBe(42);
  });
});


describe('rk4CellLayers: release build', () => {
  it('equals the twin bit for bit too', () => {
    const rng = createRng(12);
    const c = randomControls(rng, 3, 9, 2);
    const X = randomCloud(rng, 77, 3, 1.5).data;
    const w = runSide(rk4CellLayers, release, c, X, 77, 9, 2);
    const j = runSide(rk4CellLayers, 'js', c, X, 77, 9, 2);
    expectIdentical(w.x, j.x, 'x');
    expectIdentical(w.traj!, j.traj!, 'trajectory');
    expect(w.stats).toEqual(j.stats);
  });
});
