/**
 * Exact assignment (n = m, uniform weights) by ε-scaling auction (Bertsekas 1988; Bertsekas &
 * Castañon 1991) with costs computed on the fly, then an exact shortest-augmenting-path polish
 * warm-started at the auction's prices (Jonker & Volgenant 1987; Crouse 2016): memory O(n·d),
 * no cost matrix. One kernel call: the signal is checked before and after it. Pair:
 * src/backend/auction.ts; docs/algorithms/wasserstein.md.
 */
import { auctionAssignment } from '../backend/auction.js';
import { use } from './arena.js';
import type { Problem, Solved } from './solvers.js';

/** Final auction ε = AUCTION_EPS_FINAL · scale / n (the polish makes the result exact whatever
 *  ε is; measured on Gaussian clouds, d = 2, n = 1000 / 2000: 1e-2 balances bids and polish). */
const AUCTION_EPS_FINAL = 1e-2;
/** First ε (× scale) and its reduction per phase (Bertsekas recommends 4–10). */
const AUCTION_EPS0 = 0.25;
const AUCTION_FACTOR = 5;

export function* auctionSolve(pr: Problem): Generator<number, Solved> {
  yield 0;
  const { x, y, p } = pr;
  const n = x.n;
  // ε-scaling starts at the cost scale that matters: ≤ 2^p in round 0, the clamp (a bound on
  // the costs of an optimal plan's arcs) in later rounds; the polish makes the result exact
  const scale = Math.min(Math.pow(pr.maxDistance, p), pr.clamp, 1e300) || 1;
  const s = use(auctionAssignment, pr.fn)(x.data, y.data, n, x.d, p, scale * AUCTION_EPS0, (scale * AUCTION_EPS_FINAL) / n, AUCTION_FACTOR);
  return {
    rows: Int32Array.from({ length: n }, (_, i) => i), cols: s.col4row, mass: new Float64Array(n).fill(1),
    u: s.u, v: s.v, violation: s.violation, cmax: s.cmax, iterations: s.augmentations, solver: 'auction',
  };
}
