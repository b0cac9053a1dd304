/**
 * Exact OT by successive shortest paths (primal–dual min-cost flow with Dijkstra on reduced
 * costs; for unit masses the shortest-augmenting-path assignment algorithm of Jonker & Volgenant
 * 1987 / Crouse 2016) on the dense (clamped) cost matrix — kept as an independent cross-check
 * of the simplex (`solver: 'ssp'`) and as its fallback. One kernel call: the signal is checked
 * before and after it. Pair: src/backend/ssp.ts; docs/algorithms/wasserstein.md.
 */
import { InconsistentDataError } from '../errors.js';
import { successiveShortestPaths } from '../backend/ssp.js';
import { use } from './arena.js';
import type { Problem, Solved } from './solvers.js';

export function* sspSolve(pr: Problem): Generator<number, Solved> {
  yield 0;
  const { x, y, p, clamp } = pr;
  const s = use(successiveShortestPaths, pr.fn)({ x: x.data, n: x.n, y: y.data, m: y.n, d: x.d, p, clamp }, pr.a, pr.b, pr.massTolerance);
  if (s.status !== 0) {
    throw new InconsistentDataError('options.b', 'the transport solver was left with supply no column could take', [], 'the weights options.a and options.b must have equal totals');
  }
  return {
    rows: s.rows, cols: s.cols, mass: s.mass,
    u: s.piRow.map((t) => -t), v: s.piCol,
    violation: s.violation, cmax: s.cmax, iterations: s.augmentations, solver: 'ssp',
  };
}
