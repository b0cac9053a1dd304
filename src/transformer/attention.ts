/**
 * One attention block on one sequence, in place: hardmax (eq. 4.1, all maximisers, scores
 * ⟨G z_i, G z_l⟩ with A = GᵀG) or softmax (eq. 4.2) with step c ∈ (0, 1].
 */
import { hardmaxStepJS } from '../kernels/hardmax.js';
import { softmaxCut, softmaxStepJS } from '../kernels/softmax.js';
import type { AttentionBlock } from './format.js';

export function attentionStep(block: AttentionBlock, G: Float64Array, z: Float64Array, n: number, d: number, _fn: string): void {
  if (block.rule === 'hardmax') {
    const leader = new Int32Array(n), first = new Int32Array(n), count = new Int32Array(n);
    hardmaxStepJS(z, n, d, G, block.step, block.tieTolerance ?? 1e-12, true, leader, first, count);
  } else {
    softmaxStepJS(z, n, d, block.A, block.step, 1 / block.temperature!, softmaxCut(n));
  }
}
