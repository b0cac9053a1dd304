/**
 * Exact OT by the transportation network simplex (docs/algorithms/wasserstein.md, "Network
 * simplex"): strongly feasible spanning-tree bases (Cunningham 1976), block-search pricing over
 * whole rows (Kelly & O'Neill 1991, the rule of LEMON and POT's emd), potentials recomputed from
 * the final tree. Dense (clamped) cost matrix: 8·n·m bytes. The pivots run in chunks of about
 * 25 ms (the kernel resumes where it stopped), so an AbortSignal is honoured inside the solve.
 * Pair: src/backend/network_simplex.ts.
 */
import { use, withArenaScope } from './arena.js';
import { networkSimplex } from '../backend/network_simplex.js';
import { nextChunk, now } from './run.js';
import type { Problem, Solved } from './solvers.js';

/** Reduced costs above −NS_TOL·max C count as ≥ 0 (rounding of the tree arcs' zero). */
export const NS_TOL = 1e-14;

/** Returns null when the pivot cap 100·(n + m) + 10⁴ is reached (never seen; SSP then runs). */
export function* simplexSolve(pr: Problem): Generator<number, Solved | null> {
  const { x, y, p, clamp } = pr;
  const n = x.n, m = y.n;
  const maxPivots = 100 * (n + m) + 1e4;
  return yield* withArenaScope(pr.fn, function* (): Generator<number, Solved | null> {
    const s = use(networkSimplex, pr.fn)({ x: x.data, n, y: y.data, m, d: x.d, p, clamp }, pr.a, pr.b, NS_TOL);
    let chunk = 256;
    for (;;) {
      const t0 = now();
      const status = s.run(Math.min(s.pivots() + chunk, maxPivots));
      if (status === 0) break;
      if (s.pivots() >= maxPivots) return null;
      chunk = nextChunk(chunk, now() - t0, 25, 16);
      yield Math.min(0.9, s.pivots() / (4 * (n + m)));
    }
    const plan = s.plan();
    const [violation, cmax] = s.violation(plan.piRow, plan.piCol);
    return {
      rows: plan.rows, cols: plan.cols, mass: plan.mass,
      u: plan.piRow.map((t) => -t), v: plan.piCol,
      violation, cmax, iterations: s.pivots(), solver: 'simplex',
    };
  });
}
