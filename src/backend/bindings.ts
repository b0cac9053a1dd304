/**
 * One typed binding for every export of build/flowsteer.wasm, grouped by kernel file.
 * Pointers are byte addresses into the module's memory (handed out by the arena); i32 and f64
 * arguments are plain numbers. `KERNEL_EXPORTS` lists the same names at run time: a test
 * compares it with the compiled module's exports, so this file cannot drift from assembly/.
 * Adding a kernel: add its signatures here and its name to KERNEL_EXPORTS.
 */
type Ptr = number;

export interface KernelBindings {
  // assembly/memory.ts
  heapBase(): number;
  // assembly/relu.ts — ReLU field W relu(A x + b)
  reluField(x: Ptr, n: number, d: number, W: Ptr, A: Ptr, b: Ptr, p: number, out: Ptr, scratch: Ptr): void;
  fieldScratchBytes(d: number, p: number): number;
  // assembly/rk4.ts, assembly/rk4_cell.ts, assembly/euler.ts — one layer of steps
  rk4Layer(x: Ptr, n: number, d: number, W: Ptr, A: Ptr, b: Ptr, p: number, h: number, steps: number, scratch: Ptr, traj: Ptr, every: number, stepOffset: number): void;
  rk4ScratchBytes(d: number, p: number): number;
  rk4CellLayer(x: Ptr, n: number, d: number, W: Ptr, A: Ptr, b: Ptr, p: number, h: number, steps: number, scratch: Ptr, traj: Ptr, every: number, stepOffset: number): void;
  rk4CellScratchBytes(d: number, p: number): number;
  eulerLayer(x: Ptr, n: number, d: number, W: Ptr, A: Ptr, b: Ptr, p: number, h: number, steps: number, scratch: Ptr, traj: Ptr, every: number, stepOffset: number): void;
  eulerScratchBytes(d: number, p: number): number;
  // assembly/exp.ts
  expArray(src: Ptr, n: number, dst: Ptr): void;
  // assembly/peak.ts (bench only)
  simdPeak(iterations: number, seed: number): number;
  simdPeakFlops(iterations: number): number;
  // assembly/cost.ts — pairwise ground cost |x_i − y_j|^p
  costMatrix(x: Ptr, n: number, y: Ptr, m: number, d: number, p: number, out: Ptr, ld: number, scratch: Ptr): void;
  costScratchBytes(m: number, d: number): number;
  dualViolation(C: Ptr, n: number, m: number, piRow: Ptr, piCol: Ptr, out: Ptr): void;
  // assembly/ssp.ts — successive shortest paths
  sspSolve(C: Ptr, n: number, m: number, resA: Ptr, resB: Ptr, tol: number, piRow: Ptr, piCol: Ptr, eRow: Ptr, eCol: Ptr, eNext: Ptr, eFlow: Ptr, cap: number, scratch: Ptr, info: Ptr): number;
  sspScratchBytes(n: number, m: number): number;
  // assembly/network_simplex.ts
  nsScratchBytes(n: number, m: number): number;
  nsSolve(C: Ptr, n: number, m: number, a: Ptr, b: Ptr, tolR: number, maxPivots: number, resume: number, parent: Ptr, arc: Ptr, up: Ptr, flow: Ptr, pi: Ptr, scratch: Ptr, info: Ptr): number;
  // assembly/auction.ts
  auctionScratchBytes(n: number, d: number): number;
  auctionAssign(x: Ptr, y: Ptr, n: number, d: number, p: number, eps0: number, epsFinal: number, factor: number, col4row: Ptr, u: Ptr, v: Ptr, scratch: Ptr, info: Ptr): number;
  auctionDualViolation(x: Ptr, n: number, y: Ptr, m: number, d: number, p: number, u: Ptr, v: Ptr, scratch: Ptr, out: Ptr): void;
  // assembly/wasserstein1d.ts
  radixSortF64(keys: Ptr, n: number, payload: Ptr, scratch: Ptr): void;
  radixScratchBytes(n: number): number;
  w1dSortedEqual(u: Ptr, v: Ptr, n: number, p: number): number;
  w1dSortedMerge(u: Ptr, wu: Ptr, n: number, v: Ptr, wv: Ptr, m: number, p: number): number;
  // assembly/sinkhorn.ts
  sinkhornInitPotentials(C: Ptr, n: number, m: number, f: Ptr, g: Ptr, keepF: boolean): void;
  sinkhornKernel(C: Ptr, K: Ptr, n: number, m: number, f: Ptr, g: Ptr, eps: number): void;
  sinkhornIterate(K: Ptr, n: number, m: number, a: Ptr, b: Ptr, u: Ptr, v: Ptr, acc: Ptr, iterations: number, tau: number, info: Ptr): number;
  sinkhornAbsorb(n: number, m: number, f: Ptr, g: Ptr, u: Ptr, v: Ptr, eps: number): void;
  sinkhornPlanStats(C: Ptr, K: Ptr, n: number, m: number, u: Ptr, v: Ptr, r: Ptr, c: Ptr, out: Ptr): void;
  sinkhornTruncMaxima(C: Ptr, n: number, m: number, f: Ptr, g: Ptr, eps: number, Z: Ptr, Zc: Ptr): void;
  sinkhornTruncBuild(C: Ptr, n: number, m: number, f: Ptr, g: Ptr, eps: number, Z: Ptr, Zc: Ptr, Lr: number, Lc: number, vals: Ptr, col: Ptr, rowStart: Ptr, cap: number): number;
  sinkhornTruncIterate(vals: Ptr, col: Ptr, rowStart: Ptr, n: number, m: number, a: Ptr, b: Ptr, u: Ptr, v: Ptr, acc: Ptr, iterations: number, ratio: number, info: Ptr): number;
  sinkhornTruncPlanStats(C: Ptr, vals: Ptr, col: Ptr, rowStart: Ptr, n: number, m: number, u: Ptr, v: Ptr, r: Ptr, c: Ptr, out: Ptr): void;
  // assembly/hardmax.ts — one step of eq. 4.1 on atoms, in row blocks
  hardmaxRows(
    za: Ptr, m: number, d: number, G: Ptr, c: number, tol: number, mode: number, r0: number, r1: number,
    n: number, mult: Ptr, perm: Ptr, off: Ptr, atomOf: Ptr,
    zn: Ptr, rthr: Ptr, first: Ptr, count: Ptr, cntA: Ptr, firstA: Ptr, scratch: Ptr,
  ): number;
  hardmaxScratchBytes(m: number, d: number, n: number): number;
  hardmaxLeaders(za: Ptr, m: number, d: number, G: Ptr, tol: number, r0: number, r1: number, rthr: Ptr, cntA: Ptr, firstA: Ptr, leader: Ptr, scratch: Ptr): void;
  hardmaxLeaderScratchBytes(m: number, d: number): number;
  // assembly/softmax.ts
  softmaxStep(z: Ptr, n: number, d: number, A: Ptr, c: number, invT: number, cut: number, mode: number, scratch: Ptr): void;
  softmaxScratchBytes(n: number, d: number, mode: number): number;
  // assembly/sphere.ts
  sphereRk4(x: Ptr, n: number, d: number, Q: Ptr, K: Ptr, V: Ptr, beta: number, sa: number, h: number, steps: number, sym: number, scratch: Ptr): void;
  sphereScratchBytes(n: number, d: number): number;
  // assembly/score.ts — exact score of the heat flow from an empirical measure (diffusion)
  scoreBatch(x: Ptr, m: number, d: number, dT: Ptr, n: number, c: number, cut: number, out: Ptr, scratch: Ptr): void;
  scoreScratchBytes(n: number, d: number): number;
  // assembly/rk4_adjoint.ts, assembly/euler_adjoint.ts — discrete adjoints of one layer (training)
  rk4AdjointLayer(x: Ptr, lam: Ptr, n: number, d: number, W: Ptr, A: Ptr, b: Ptr, p: number, h: number, steps: number, gW: Ptr, gA: Ptr, gb: Ptr, gh: Ptr, scratch: Ptr): void;
  rk4AdjointScratchBytes(d: number, p: number, steps: number): number;
  eulerAdjointLayer(x: Ptr, lam: Ptr, n: number, d: number, W: Ptr, A: Ptr, b: Ptr, p: number, h: number, steps: number, gW: Ptr, gA: Ptr, gb: Ptr, gh: Ptr, scratch: Ptr): void;
  eulerAdjointScratchBytes(d: number, p: number, steps: number): number;
}

/** The names of KernelBindings at run time (the `satisfies` keeps the two in step). */
export const KERNEL_EXPORTS = Object.keys({
  heapBase: 1, reluField: 1, fieldScratchBytes: 1, rk4Layer: 1, rk4ScratchBytes: 1, rk4CellLayer: 1, rk4CellScratchBytes: 1,
  eulerLayer: 1, eulerScratchBytes: 1, expArray: 1, simdPeak: 1, simdPeakFlops: 1, costMatrix: 1, costScratchBytes: 1,
  dualViolation: 1, sspSolve: 1, sspScratchBytes: 1, nsScratchBytes: 1, nsSolve: 1, auctionScratchBytes: 1,
  auctionAssign: 1, auctionDualViolation: 1, radixSortF64: 1, radixScratchBytes: 1, w1dSortedEqual: 1, w1dSortedMerge: 1,
  sinkhornInitPotentials: 1, sinkhornKernel: 1, sinkhornIterate: 1, sinkhornAbsorb: 1, sinkhornPlanStats: 1,
  sinkhornTruncMaxima: 1, sinkhornTruncBuild: 1, sinkhornTruncIterate: 1, sinkhornTruncPlanStats: 1, hardmaxRows: 1,
  hardmaxScratchBytes: 1, hardmaxLeaders: 1, hardmaxLeaderScratchBytes: 1, softmaxStep: 1, softmaxScratchBytes: 1, sphereRk4: 1, sphereScratchBytes: 1,
  scoreBatch: 1, scoreScratchBytes: 1,
  rk4AdjointLayer: 1, rk4AdjointScratchBytes: 1, eulerAdjointLayer: 1, eulerAdjointScratchBytes: 1,
} satisfies Record<keyof KernelBindings, 1>) as (keyof KernelBindings)[];
