/** A ResNet block on all tokens of all sequences: z ← z + W relu(A z + b) (or W relu(A z + b)). */
import { use } from '../backend/index.js';
import { reluField } from '../backend/relu.js';
import type { ResnetBlock } from './format.js';

export function reluBlock(block: ResnetBlock, seqs: Float64Array[], d: number, fn: string): void {
  let total = 0;
  for (const z of seqs) total += z.length;
  const all = new Float64Array(total);
  let at = 0;
  for (const z of seqs) {
    all.set(z, at);
    at += z.length;
  }
  const f = new Float64Array(total);
  use(reluField, fn, { beforeInit: 'js' })(all, total / d, d, block.W, block.A, block.b, block.width, f);
  at = 0;
  for (const z of seqs) {
    for (let q = 0; q < z.length; q++) z[q] = block.residual ? z[q] + f[at + q] : f[at + q];
    at += z.length;
  }
}
