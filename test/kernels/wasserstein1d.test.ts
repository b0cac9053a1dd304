/**
 * 1-D transport: kernel assembly/wasserstein1d.ts (radix sort + merge) ≡ twin
 * src/kernels/wasserstein1d.ts through the pair src/backend/wasserstein1d.ts (the rescaled cost
 * and the W_∞ unit t) bit for bit for p = 1, 2, with ties, negative zeros, unequal sizes and weights.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { sortedTransport } from '../../src/backend/wasserstein1d.js';
import { wasmRuntime } from '../../src/runtime/loader.js';
import { createRng } from '../helpers.js';
import { weights } from './ot_cases.js';

describe('wasserstein1d: WASM kernel ≡ TS twin', () => {
  beforeAll(() => init({ variant: 'debug' }));
  it('same cost and unit on random samples with ties (p = 1, 2)', () => {
    const rt = wasmRuntime('test')!;
    const rng = createRng(5);
    for (const [n, m, weighted] of [[1, 1, false], [17, 17, false], [16, 24, false], [33, 7, true], [64, 65, true]] as const) {
      const u = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0.5 : i % 7 === 0 ? -0 : rng.normal()));
      const v = Float64Array.from({ length: m }, () => Math.round(4 * rng.normal()) / 4);
      const wu = weighted ? weights(rng, n) : null, wv = weighted ? weights(rng, m) : null;
      for (const p of [1, 2]) {
        const t = sortedTransport.js(u.slice(), wu, v.slice(), wv, p);
        const w = sortedTransport.wasm(rt)(u.slice(), wu, v.slice(), wv, p);
        expect(w).toEqual(t);
      }
    }
  });
});
