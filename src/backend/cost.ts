/**
 * The ground-cost matrix C_ij = ‖x_i − y_j‖₂^p (row-major, n × m). Kernel assembly/cost.ts,
 * twin src/kernels/cost.ts (bit-identical for p = 1, 2).
 */
import { costMatrixJS } from '../kernels/cost.js';
import { kernelsOf, pair, readF64, withArena } from './index.js';

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
