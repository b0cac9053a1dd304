/** Shared by the layer-step twin-vs-kernel tests: run a layer-steps Pair's two sides on the same input. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Pair } from '../../src/backend/index.js';
import type { LayerStepsOp } from '../../src/backend/layers.js';
import type { Rk4CellStats } from '../../src/kernels/rk4_cell.js';
import { loadRuntime, type WasmRuntime } from '../../src/runtime/loader.js';
import { init, type Controls } from '../../src/index.js';
import { createRng, randomCloud, randomControls } from '../helpers.js';

export interface Run {
  x: Float64Array;
  traj: Float64Array | null;
  stats: Rk4CellStats;
}

export const frameCount = (layers: number, steps: number, every: number): number => Math.floor((layers * steps) / every) + 1;

/** All layers of `c` through one side of the pair ('js' = twin, else the runtime's kernel). */
export function runSide(p: Pair<LayerStepsOp>, side: 'js' | WasmRuntime, c: Controls, X: Float64Array, n: number, steps: number, every = 0): Run {
  const op = side === 'js' ? p.js : p.wasm(side);
  const x = X.slice();
  const traj = every ? new Float64Array(frameCount(c.layers.length, steps, every) * n * c.d) : null;
  if (traj) traj.set(X, 0);
  const stats: Rk4CellStats = { affine: 0, plain: 0, recomputes: 0, rebuilds: 0 };
  op(x, n, c.d, c.width, c.layers, steps, traj, every || 1, stats);
  return { x, traj, stats };
}

export function expectIdentical(a: Float64Array, b: Float64Array, what: string): void {
  expect(a.length).toBe(b.length);
  let first = -1;
  for (let i = 0; i < a.length && first < 0; i++) if (!Object.is(a[i], b[i]) && !(a[i] === 0 && b[i] === 0)) first = i;
  expect(first, `${what}: first differing index ${first} (${a[first]} vs ${b[first]})`).toBe(-1);
}

/**
 * The twin-vs-kernel test of a layer-steps Pair: identical doubles and trajectories on random
 * layers (d = 1..9, p = 1..33, odd n, every ∈ {none, 1, 4}), debug and release builds.
 */
export function describeLayerPair(name: string, p: Pair<LayerStepsOp>, seed: number): void {
  let debug: WasmRuntime, release: WasmRuntime;
  beforeAll(async () => {
    await init({ variant: 'debug' });
    [debug, release] = await Promise.all([loadRuntime('debug'), loadRuntime('release')]);
  });
  describe(`${name}: kernel vs twin`, () => {
    it('identical doubles and trajectories on random layers (d = 1..9, p = 1..33, odd n), debug and release builds', () => {
      const rng = createRng(seed);
      let cases = 0;
      for (const [d, w, n] of [[1, 1, 1], [2, 16, 301], [3, 5, 37], [8, 32, 23], [9, 33, 17], [2, 3, 8], [6, 1, 13]] as const) {
        const c = randomControls(rng, d, w, 3);
        const X = randomCloud(rng, n, d, 1.5).data;
        for (const every of [0, 1, 4]) {
          const j = runSide(p, 'js', c, X, n, 7, every);
          for (const rt of [debug, release]) {
            const k = runSide(p, rt, c, X, n, 7, every);
            expectIdentical(k.x, j.x, `d=${d} p=${w} ${rt.variant} x`);
            if (every) expectIdentical(k.traj!, j.traj!, `d=${d} p=${w} ${rt.variant} trajectory`);
            cases++;
          }
        }
      }
      expect(cases).toBe(42);
    });
  });
}
