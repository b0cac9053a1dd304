/**
 * Drivers for the flow engine's layer-step kernels (rk4, rk4_cell, euler): one Pair each, whose
 * WASM side keeps a chunk of points resident in the arena across all layers — the chunk is
 * copied in once, every layer's kernel runs in place, the chunk (and its trajectory frames) is
 * copied out once, and the arena is released also on errors. The twin side runs the TS twins
 * on the same arrays. docs/algorithms/flow.md describes the schemes.
 */
import type { Rk4CellStats } from '../kernels/rk4_cell.js';
import type { KernelBindings } from './bindings.js';
import { kernelsOf, pair, readF64, withArena, type Pair } from './index.js';

/** The arrays of one layer (W d×p, A p×d, b p) and its duration. */
export interface LayerArrays {
  readonly duration: number;
  readonly W: Float64Array;
  readonly A: Float64Array;
  readonly b: Float64Array;
}

/**
 * Runs every layer on the n points x (row-major n × d, in place), `steps` steps of size
 * duration/steps per layer. With `traj` (frames × n × d, frame-major, frame 0 written by the
 * caller) the state after global step g with g % every == 0 goes to frame g / every.
 * `stats` (rk4_cell only) accumulates the cell kernel's step counts.
 */
export type LayerStepsOp = (
  x: Float64Array, n: number, d: number, p: number, layers: readonly LayerArrays[], steps: number,
  traj: Float64Array | null, every: number, stats?: Rk4CellStats,
) => void;

/** A TS twin of one layer: same arguments as the kernel, on typed arrays. */
type LayerTwin = (
  x: Float64Array, n: number, d: number, W: Float64Array, A: Float64Array, b: Float64Array, p: number,
  h: number, steps: number, traj: Float64Array | null, every: number, stepOffset: number,
) => Rk4CellStats | void;

type LayerKernel = 'rk4Layer' | 'rk4CellLayer' | 'eulerLayer';
type ScratchOf = 'rk4ScratchBytes' | 'rk4CellScratchBytes' | 'eulerScratchBytes';

export function layerStepsPair(name: string, twin: LayerTwin, kernel: LayerKernel, scratchOf: ScratchOf): Pair<LayerStepsOp> {
  const js: LayerStepsOp = (x, n, d, p, layers, steps, traj, every, stats) => {
    let offset = 0;
    for (const L of layers) {
      const s = twin(x, n, d, L.W, L.A, L.b, p, L.duration / steps, steps, traj, every, offset);
      if (s && stats) addStats(stats, s.affine, s.plain, s.recomputes, s.rebuilds);
      offset += steps;
    }
  };
  return pair<LayerStepsOp>(name, js, (rt) => (x, n, d, p, layers, steps, traj, every, stats) => {
    const k: KernelBindings = kernelsOf(rt);
    const run = k[kernel];
    withArena(rt, () => {
      const a = rt.arena;
      const px = a.pushF64(x.subarray(0, n * d), 'X');
      const bytes = k[scratchOf](d, p);
      const ps = a.alloc(bytes);
      const frames = traj ? Math.floor(traj.length / (n * d)) : 0;
      const pt = traj ? a.allocF64(frames * n * d, 'trajectory') : 0;
      let offset = 0;
      for (const L of layers) {
        const mark = a.mark();
        const pw = a.pushF64(L.W), pa = a.pushF64(L.A), pb = a.pushF64(L.b);
        run(px, n, d, pw, pa, pb, p, L.duration / steps, steps, ps, pt, every, offset);
        a.release(mark);
        if (kernel === 'rk4CellLayer' && stats) {
          // The cell kernel leaves its four step counts in the last 32 bytes of its scratch.
          const cs = (ps + bytes - 32) >>> 3;
          const f = a.f64;
          addStats(stats, f[cs], f[cs + 1], f[cs + 2], f[cs + 3]);
        }
        offset += steps;
      }
      readF64(rt, px, n * d, x);
      // Frame 0 is the caller's; frames ≥ 1 come from the kernel.
      if (traj && frames > 1) readF64(rt, pt + n * d * 8, (frames - 1) * n * d, traj, n * d);
    });
  });
}

function addStats(s: Rk4CellStats, affine: number, plain: number, recomputes: number, rebuilds: number): void {
  s.affine += affine;
  s.plain += plain;
  s.recomputes += recomputes;
  s.rebuilds += rebuilds;
}
