/** Shared by the layer-step twin-vs-kernel tests: run a layer-steps Pair's two sides on the same input. */
import { expect } from 'vitest';
import type { Pair } from '../../src/backend/index.js';
import type { LayerStepsOp } from '../../src/backend/layers.js';
import type { Rk4CellStats } from '../../src/kernels/rk4_cell.js';
import type { WasmRuntime } from '../../src/runtime/loader.js';
import type { Controls } from '../../src/index.js';

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
