/**
 * The transportation network simplex on the dense (clamped) cost matrix, as a resumable session:
 * `run(maxPivots)` pivots until optimal or until the total pivot count reaches maxPivots, so the
 * driver (src/wasserstein/simplex.ts) can check an AbortSignal between chunks. Kernel
 * assembly/network_simplex.ts, twin src/kernels/network_simplex.ts (same pivots; the twin's
 * pricing scans a row in index order, the kernel in two lanes with the same first-least rule).
 * WASM sessions live in the caller's arena scope (withArena around the whole solve).
 */
import { dualViolationJS } from '../kernels/cost.js';
import { nsPlanFromTree, nsSolveJS, type NsPlan, type NsTree } from '../kernels/network_simplex.js';
import { clampedCostJS, clampedCostWasm, type CostSpec } from './cost.js';
import { kernelsOf, pair } from './index.js';

export interface SimplexSession {
  /** Pivots until optimal (0) or the total pivot count reaches maxPivots (3). */
  run(maxPivots: number): number;
  pivots(): number;
  /** The plan (tree arcs with flow > 0) and potentials recomputed from the tree's arc costs. */
  plan(): NsPlan;
  /** [max_ij (u_i + v_j − C_ij), max_ij C_ij] on the session's matrix (u = −piRow, v = piCol). */
  violation(piRow: Float64Array, piCol: Float64Array): [number, number];
}

export type SimplexOpen = (cost: CostSpec, a: Float64Array, b: Float64Array, tolR: number) => SimplexSession;

export const networkSimplex = pair<SimplexOpen>(
  'networkSimplex',
  (cost, a, b, tolR) => {
    const C = clampedCostJS(cost);
    const { n, m } = cost;
    let tree: NsTree | undefined;
    return {
      run(maxPivots) {
        tree = nsSolveJS(C, n, m, a, b, tolR, maxPivots, tree);
        return tree.status;
      },
      pivots: () => tree?.pivots ?? 0,
      plan: () => nsPlanFromTree(C, n, m, tree!.parent, tree!.arc, tree!.up, tree!.flow, 0),
      violation: (piRow, piCol) => dualViolationJS(C, n, m, piRow, piCol),
    };
  },
  (rt) => (cost, a, b, tolR) => {
    const k = kernelsOf(rt);
    const ar = rt.arena;
    const { n, m } = cost;
    const me = (m + 1) & ~1, N = n + me + 1;
    const C = clampedCostWasm(rt, cost);
    const pa = ar.pushF64(a), pb = ar.pushF64(b);
    const parent = ar.alloc(N * 4), arc = ar.alloc(N * 4), up = ar.alloc(N * 4);
    const flow = ar.allocF64(N), pi = ar.allocF64(N);
    const scratch = ar.alloc(k.nsScratchBytes(n, m));
    const info = ar.allocF64(4);
    let started = false;
    return {
      run(maxPivots) {
        const status = k.nsSolve(C, n, m, pa, pb, tolR, maxPivots, started ? 1 : 0, parent, arc, up, flow, pi, scratch, info);
        started = true;
        return status;
      },
      pivots: () => ar.f64[info >>> 3],
      plan() {
        const i32 = ar.i32, f64 = ar.f64;
        return nsPlanFromTree(
          f64.subarray(C >>> 3, (C >>> 3) + n * m), n, m,
          i32.slice(parent >>> 2, (parent >>> 2) + N), i32.slice(arc >>> 2, (arc >>> 2) + N),
          Uint8Array.from(i32.subarray(up >>> 2, (up >>> 2) + N)), f64.slice(flow >>> 3, (flow >>> 3) + N), 0,
        );
      },
      violation(piRow, piCol) {
        const mark = ar.mark();
        try {
          const ppr = ar.pushF64(piRow), ppc = ar.allocF64(me), out = ar.allocF64(2);
          ar.f64.set(piCol, ppc >>> 3);
          if (me > m) ar.f64[(ppc >>> 3) + m] = 0;
          k.dualViolation(C, n, m, ppr, ppc, out);
          return [ar.f64[out >>> 3], ar.f64[(out >>> 3) + 1]];
        } finally {
          ar.release(mark);
        }
      },
    };
  },
);
