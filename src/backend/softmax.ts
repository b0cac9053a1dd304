/**
 * Steps of the softmax attention dynamics (survey arXiv 2510.03303, eq. 4.2;
 * docs/algorithms/attention.md), in place on z (n × d). Kernel assembly/softmax.ts, twin
 * src/kernels/softmax.ts (bit-identical in both kernel modes).
 */
import { softmaxStepJS } from '../kernels/softmax.js';
import { kernelsOf, pair, withArena } from './index.js';

/**
 * `steps` steps of z_i ← z_i + c·(Σ_l P_il z_l − z_i), P_il ∝ e^{⟨A z_i, z_l⟩·invT} (terms below
 * e^{cut} of the row maximum dropped); `mode` 1 keeps the n×n score matrix (8n² bytes), 0 scores
 * two rows at a time. After step k (1-based) `onStep(k, z)` sees the current tokens (a view that
 * is only valid during the call).
 */
export type SoftmaxStepsOp = (
  z: Float64Array, n: number, d: number, A: Float64Array, c: number, invT: number, cut: number, mode: number, steps: number,
  onStep?: (k: number, z: Float64Array) => void,
) => void;

export const softmaxSteps = pair<SoftmaxStepsOp>(
  'softmaxSteps',
  (z, n, d, A, c, invT, cut, _mode, steps, onStep) => {
    for (let s = 1; s <= steps; s++) {
      softmaxStepJS(z, n, d, A, c, invT, cut);
      onStep?.(s, z);
    }
  },
  (rt) => (z, n, d, A, c, invT, cut, mode, steps, onStep) => {
    const k = kernelsOf(rt);
    withArena(rt, () => {
      const a = rt.arena;
      const pz = a.pushF64(z.subarray(0, n * d), 'Z'), pA = a.pushF64(A, 'A');
      const ps = a.alloc(k.softmaxScratchBytes(n, d, mode), mode ? "scratch (n×n scores; pass algorithm: 'rows' to use O(nd) memory)" : 'scratch');
      for (let s = 1; s <= steps; s++) {
        k.softmaxStep(pz, n, d, pA, c, invT, cut, mode, ps);
        if (onStep) onStep(s, a.f64.subarray(pz >>> 3, (pz >>> 3) + n * d));
      }
      z.set(a.f64.subarray(pz >>> 3, (pz >>> 3) + n * d));
    });
  },
);
