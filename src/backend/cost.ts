/**
 * The ground-cost matrix C_ij = ‖x_i − y_j‖₂^p (row-major, n × m). Kernel assembly/cost.ts,
 * twin src/kernels/cost.ts (bit-identical for p = 1, 2). Also the exact-OT certificate
 * (max_ij u_i + v_j − C_ij, `dualViolation`) and the clamped matrix the exact solvers use
 * (docs/algorithms/wasserstein.md, "Rescaling").
 */
import { costMatrixJS } from '../kernels/cost.js';
import { kernelsOf, pair, readF64, withArena, type WasmRuntime } from './index.js';

export type CostMatrixOp = (x: Float64Array, n: number, y: Float64Array, m: number, d: number, p: number, out: Float64Array) => Float64Array;

export const costMatrix = pair<CostMatrixOp>('costMatrix', costMatrixJS, (rt) => (x, n, y, m, d, p, out) => {
  const k = kernelsOf(rt);
  withArena(rt, () => {
    const a = rt.arena;
    const px = a.pushF64(x.subarray(0, n * d), 'X'), py = a.pushF64(y.subarray(0, m * d), 'Y');
    const pc = a.allocF64(n * m, 'cost matrix');
    const ps = a.alloc(k.costScratchBytes(m, d));
    k.costMatrix(px, n, py, m, d, p, pc, m, ps);
    readF64(rt, pc, n * m, out);
  });
  return out;
});

/** The cost of an exact solve: rescaled coordinates (x, y), exponent p, and the clamp: entries
 *  above `clamp` are stored as `clamp` (a lower bound of the true cost, see the docs page). */
export interface CostSpec {
  readonly x: Float64Array;
  readonly n: number;
  readonly y: Float64Array;
  readonly m: number;
  readonly d: number;
  readonly p: number;
  readonly clamp: number;
}

/** Twin: the clamped n × m matrix (+2 padding entries for the kernels' last v128 load). */
export function clampedCostJS(s: CostSpec): Float64Array {
  const C = new Float64Array(s.n * s.m + 2);
  costMatrixJS(s.x, s.n, s.y, s.m, s.d, s.p, C);
  if (s.clamp < Infinity) for (let k = 0; k < s.n * s.m; k++) if (C[k] > s.clamp) C[k] = s.clamp;
  return C;
}

/** WASM: the clamped matrix in arena memory (row stride ld ≥ m); returns its address. The
 *  caller owns the arena scope. */
export function clampedCostWasm(rt: WasmRuntime, s: CostSpec, ld = s.m): number {
  const k = kernelsOf(rt);
  const ar = rt.arena;
  const C = ar.allocF64(s.n * ld + 2, 'cost matrix (n·m doubles)');
  const mark = ar.mark();
  const px = ar.pushF64(s.x), py = ar.pushF64(s.y);
  const cs = ar.alloc(k.costScratchBytes(s.m, s.d));
  k.costMatrix(px, s.n, py, s.m, s.d, s.p, C, ld, cs);
  ar.release(mark);
  if (s.clamp < Infinity) {
    const f = ar.f64, c = s.clamp;
    for (let q = C >>> 3, e = q + s.n * ld; q < e; q++) if (f[q] > c) f[q] = c;
  }
  return C;
}
