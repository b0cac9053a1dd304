/**
 * The assignment problem (n = m, uniform weights) by ε-scaling auction + exact shortest-path
 * polish, costs computed on the fly from the (rescaled) coordinates: memory O(n·d). One call
 * solves; the certificate (max_ij u_i + v_j − C_ij over all n² pairs) is computed on the fly
 * too. Kernel assembly/auction.ts, twin src/kernels/auction.ts.
 */
import { auctionDualViolationJS, auctionJS } from '../kernels/auction.js';
import { kernelsOf, pair, withArena } from './index.js';

export interface AuctionSolved {
  col4row: Int32Array;
  u: Float64Array;
  v: Float64Array;
  /** Rows re-inserted by the exact polish. */
  augmentations: number;
  violation: number;
  cmax: number;
}

export type AuctionSolve = (x: Float64Array, y: Float64Array, n: number, d: number, p: number, eps0: number, epsFinal: number, factor: number) => AuctionSolved;

export const auctionAssignment = pair<AuctionSolve>(
  'auctionAssignment',
  (x, y, n, d, p, eps0, epsFinal, factor) => {
    const s = auctionJS(x, y, n, d, p, eps0, epsFinal, factor);
    const [violation, cmax] = auctionDualViolationJS(x, n, y, n, d, p, s.u, s.v);
    return { col4row: s.col4row, u: s.u, v: s.v, augmentations: s.polishAugmentations, violation, cmax };
  },
  (rt) => (x, y, n, d, p, eps0, epsFinal, factor) => {
    const k = kernelsOf(rt);
    const me = (n + 1) & ~1;
    return withArena(rt, () => {
      const ar = rt.arena;
      const px = ar.pushF64(x, 'X'), py = ar.pushF64(y, 'Y');
      const pc = ar.alloc(n * 4), pu = ar.allocF64(n), pv = ar.allocF64(me);
      const ps = ar.alloc(k.auctionScratchBytes(n, d));
      const info = ar.allocF64(4);
      k.auctionAssign(px, py, n, d, p, eps0, epsFinal, factor, pc, pu, pv, ps, info);
      const augmentations = ar.f64[(info >>> 3) + 2];
      k.auctionDualViolation(px, n, py, n, d, p, pu, pv, ps, info);
      const f64 = ar.f64;
      return {
        col4row: ar.i32.slice(pc >>> 2, (pc >>> 2) + n),
        u: f64.slice(pu >>> 3, (pu >>> 3) + n),
        v: f64.slice(pv >>> 3, (pv >>> 3) + n),
        augmentations, violation: f64[info >>> 3], cmax: f64[(info >>> 3) + 1],
      };
    });
  },
);
