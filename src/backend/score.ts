/**
 * The exact diffusion score s(x, t) = Σ_j softmax_j(−|x − x_j|²/(4t)) (x_j − x)/(2t) of the heat
 * flow started at the empirical measure of the data (survey arXiv 2510.03303, §5;
 * docs/algorithms/diffusion.md), at m points. Kernel assembly/score.ts, twin src/kernels/score.ts
 * (bit-identical). The data are passed transposed (d × n). The sampler keeps its points resident
 * in WASM memory and calls the kernel directly (wasmKernels); this pair serves one-shot calls.
 */
import { scoreBatchJS } from '../kernels/score.js';
import { kernelsOf, pair, readF64, withArena } from './index.js';

/** out (m × d) ← s(x_i, t); dT (d × n) the data transposed, c = 1/(4t), cut = scoreCut(n). */
export type ScoreBatchOp = (x: Float64Array, m: number, d: number, dT: Float64Array, n: number, c: number, cut: number, out: Float64Array) => void;

export const scoreBatch = pair<ScoreBatchOp>('scoreBatch', scoreBatchJS, (rt) => (x, m, d, dT, n, c, cut, out) => {
  const k = kernelsOf(rt);
  withArena(rt, () => {
    const a = rt.arena;
    const px = a.pushF64(x.subarray(0, m * d), 'X');
    const pd = a.pushF64(dT.subarray(0, n * d), 'data');
    const po = a.allocF64(m * d, 'out');
    const ps = a.alloc(k.scoreScratchBytes(n, d), 'data');
    k.scoreBatch(px, m, d, pd, n, c, cut, po, ps);
    readF64(rt, po, m * d, out);
  });
});
