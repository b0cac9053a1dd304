/**
 * The discrete adjoint of one Rk4 layer of ẋ = W relu(A x + b) (training, docs/algorithms/training.md):
 * lam (n×d) ← cotangent of the layer input given the cotangent of its output; gW, gA, gb and
 * gh[0] (∂/∂h) accumulate. Kernel assembly/rk4_adjoint.ts, twin src/kernels/rk4_adjoint.ts
 * (bit-identical). The training driver (src/training/gradient-rk4.ts) keeps its checkpoints
 * resident and calls the kernel through wasmKernels(); this pair is the one-layer form.
 */
import { rk4AdjointLayerJS } from '../kernels/rk4_adjoint.js';
import { kernelsOf, pair, readF64, withArena } from './index.js';

export type Rk4AdjointOp = (
  x: Float64Array, lam: Float64Array, n: number, d: number, W: Float64Array, A: Float64Array, b: Float64Array, p: number,
  h: number, steps: number, gW: Float64Array, gA: Float64Array, gb: Float64Array, gh: Float64Array,
) => void;

export const rk4Adjoint = pair<Rk4AdjointOp>('rk4Adjoint', rk4AdjointLayerJS, (rt) => (x, lam, n, d, W, A, b, p, h, steps, gW, gA, gb, gh) => {
  const k = kernelsOf(rt);
  withArena(rt, () => {
    const a = rt.arena;
    const px = a.pushF64(x.subarray(0, n * d), 'X');
    const pl = a.pushF64(lam.subarray(0, n * d), 'lam');
    const pw = a.pushF64(W), pa = a.pushF64(A), pb = a.pushF64(b);
    const gw = a.pushF64(gW), ga = a.pushF64(gA), gbp = a.pushF64(gb), ghp = a.pushF64(gh.subarray(0, 1));
    const ps = a.alloc(k.rk4AdjointScratchBytes(d, p, steps), 'stepsPerLayer');
    k.rk4AdjointLayer(px, pl, n, d, pw, pa, pb, p, h, steps, gw, ga, gbp, ghp, ps);
    readF64(rt, pl, n * d, lam);
    readF64(rt, gw, gW.length, gW);
    readF64(rt, ga, gA.length, gA);
    readF64(rt, gbp, gb.length, gb);
    readF64(rt, ghp, 1, gh);
  });
});
