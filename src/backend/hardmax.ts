/**
 * One step of the hardmax dynamics on atoms (survey arXiv 2510.03303, eq. 4.1; the algorithm
 * as implemented: docs/algorithms/attention.md), in two phases that can each be split into
 * blocks of rows (so a long step can be interrupted between kernel calls):
 *   rows     C_a, the new coordinates and the bookkeeping of rows [r0, r1)
 *   leaders  the leader flags of rows [r0, r1), once every row's phase-1 outputs exist
 * Kernel assembly/hardmax.ts, twin src/kernels/hardmax.ts (bit-identical).
 */
import { hardmaxAtomLeadersJS, hardmaxAtomRowsJS, type AtomLayout, type HardmaxRowState } from '../kernels/hardmax.js';
import { kernelsOf, pair, withArena } from './index.js';

/**
 * Rows [r0, r1) of a step (mode 0 brute force, 1 symmetric — all rows only —, 2 hull for d = 2;
 * the twin always scans). Returns the score evaluations done, or −1 for an empty argmax set.
 */
export type HardmaxRowsOp = (
  za: Float64Array, d: number, G: Float64Array, c: number, tol: number, mode: number, atoms: AtomLayout, r0: number, r1: number, st: HardmaxRowState,
) => number;

/** Leader flags of rows [r0, r1) into leader (Int32Array of ≥ m). */
export type HardmaxLeadersOp = (za: Float64Array, m: number, d: number, G: Float64Array, tol: number, r0: number, r1: number, st: HardmaxRowState, leader: Int32Array) => void;

export const hardmaxRows = pair<HardmaxRowsOp>(
  'hardmaxRows',
  (za, d, G, c, tol, _mode, atoms, r0, r1, st) => hardmaxAtomRowsJS(za, d, G, c, tol, atoms, r0, r1, st),
  (rt) => (za, d, G, c, tol, mode, atoms, r0, r1, st) => {
    const k = kernelsOf(rt);
    const { m, n } = atoms;
    return withArena(rt, () => {
      const a = rt.arena;
      const pz = a.pushF64(za.subarray(0, m * d), 'Z');
      const pG = a.pushF64(G, 'A');
      const pm = a.alloc(4 * m), pp = a.alloc(4 * n), po = a.alloc(4 * (m + 1)), pa = a.alloc(4 * n);
      const pzn = a.allocF64(m * d, 'Z'), pthr = a.allocF64(m);
      const pf = a.alloc(4 * m), pc = a.alloc(4 * m), pca = a.alloc(4 * m), pfa = a.alloc(4 * m);
      const ps = a.alloc(k.hardmaxScratchBytes(m, d, n), 'scratch');
      const i32 = a.i32;
      i32.set(atoms.mult.subarray(0, m), pm >>> 2);
      i32.set(atoms.perm.subarray(0, n), pp >>> 2);
      i32.set(atoms.off.subarray(0, m + 1), po >>> 2);
      i32.set(atoms.atomOf.subarray(0, n), pa >>> 2);
      const work = k.hardmaxRows(pz, m, d, pG, c, tol, mode, r0, r1, n, pm, pp, po, pa, pzn, pthr, pf, pc, pca, pfa, ps);
      const v = a.i32;
      const lo = r0, hi = r1;
      st.first.set(v.subarray((pf >>> 2) + lo, (pf >>> 2) + hi), lo);
      st.count.set(v.subarray((pc >>> 2) + lo, (pc >>> 2) + hi), lo);
      st.cntA.set(v.subarray((pca >>> 2) + lo, (pca >>> 2) + hi), lo);
      st.firstA.set(v.subarray((pfa >>> 2) + lo, (pfa >>> 2) + hi), lo);
      const f64 = a.f64;
      st.rthr.set(f64.subarray((pthr >>> 3) + lo, (pthr >>> 3) + hi), lo);
      st.zn.set(f64.subarray((pzn >>> 3) + lo * d, (pzn >>> 3) + hi * d), lo * d);
      return work;
    });
  },
);

export const hardmaxLeaders = pair<HardmaxLeadersOp>('hardmaxLeaders', hardmaxAtomLeadersJS, (rt) => (za, m, d, G, tol, r0, r1, st, leader) => {
  const k = kernelsOf(rt);
  withArena(rt, () => {
    const a = rt.arena;
    const pz = a.pushF64(za.subarray(0, m * d), 'Z');
    const pG = a.pushF64(G, 'A');
    const pthr = a.pushF64(st.rthr.subarray(0, m));
    const pca = a.alloc(4 * m), pfa = a.alloc(4 * m), pl = a.alloc(4 * m);
    const ps = a.alloc(k.hardmaxLeaderScratchBytes(m, d), 'scratch');
    const i32 = a.i32;
    i32.set(st.cntA.subarray(0, m), pca >>> 2);
    i32.set(st.firstA.subarray(0, m), pfa >>> 2);
    k.hardmaxLeaders(pz, m, d, pG, tol, r0, r1, pthr, pca, pfa, pl, ps);
    leader.set(a.i32.subarray((pl >>> 2) + r0, (pl >>> 2) + r1), r0);
  });
});
