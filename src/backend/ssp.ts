/**
 * Successive shortest paths (primal–dual min-cost flow) on the dense (clamped) cost matrix —
 * the independent cross-check solver (`solver: 'ssp'`). One call solves the problem; the edge
 * pool of the WASM kernel grows ×4 and the call is retried when it runs out. Kernel
 * assembly/ssp.ts, twin src/kernels/ssp.ts; certificate by assembly/cost.ts `dualViolation`.
 */
import { dualViolationJS } from '../kernels/cost.js';
import { sspJS, type SspSolution } from '../kernels/ssp.js';
import { clampedCostJS, clampedCostWasm, type CostSpec } from './cost.js';
import { kernelsOf, pair, withArena } from './index.js';

export type SspSolved = SspSolution & { violation: number; cmax: number };
export type SspSolve = (cost: CostSpec, a: Float64Array, b: Float64Array, tol: number) => SspSolved;

export const successiveShortestPaths = pair<SspSolve>(
  'successiveShortestPaths',
  (cost, a, b, tol) => {
    const C = clampedCostJS(cost);
    const s = sspJS(C, cost.n, cost.m, a, b, tol);
    const [violation, cmax] = dualViolationJS(C, cost.n, cost.m, s.piRow, s.piCol);
    return { ...s, violation, cmax };
  },
  (rt) => (cost, a, b, tol) => {
    const k = kernelsOf(rt);
    const { n, m } = cost;
    const me = (m + 1) & ~1;
    for (let cap = 4 * (n + m) + 16; ; cap *= 4) {
      const got = withArena(rt, (): SspSolved | null => {
        const ar = rt.arena;
        const C = clampedCostWasm(rt, cost);
        const ra = ar.pushF64(a), rb = ar.pushF64(b);
        const piRow = ar.allocF64(n), piCol = ar.allocF64(me);
        const eRow = ar.alloc(cap * 4), eCol = ar.alloc(cap * 4), eNext = ar.alloc(cap * 4), eFlow = ar.allocF64(cap);
        const scratch = ar.alloc(k.sspScratchBytes(n, m));
        const info = ar.allocF64(4);
        const status = k.sspSolve(C, n, m, ra, rb, tol, piRow, piCol, eRow, eCol, eNext, eFlow, cap, scratch, info);
        if (status === 2) return null;
        const used = ar.f64[info >>> 3], augmentations = ar.f64[(info >>> 3) + 1];
        if (me > m) ar.f64[(piCol >>> 3) + m] = 0;
        k.dualViolation(C, n, m, piRow, piCol, info);
        const f64 = ar.f64, i32 = ar.i32;
        const R: number[] = [], Cc: number[] = [], M: number[] = [];
        for (let e = 0; e < used; e++) {
          const f = f64[(eFlow >>> 3) + e];
          if (f > 0) {
            R.push(i32[(eRow >>> 2) + e]);
            Cc.push(i32[(eCol >>> 2) + e]);
            M.push(f);
          }
        }
        return {
          rows: Int32Array.from(R), cols: Int32Array.from(Cc), mass: Float64Array.from(M),
          piRow: f64.slice(piRow >>> 3, (piRow >>> 3) + n), piCol: f64.slice(piCol >>> 3, (piCol >>> 3) + m),
          status, augmentations, violation: f64[info >>> 3], cmax: f64[(info >>> 3) + 1],
        };
      });
      if (got) return got;
    }
  },
);
