// Twin vs kernel, bit for bit: assembly/softmax.ts against src/kernels/softmax.ts through the
// pair of src/backend/softmax.ts, both score modes, n across the 64-row tiles and odd, debug and
// release builds; recorded steps included.
import { afterAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { wasmRuntime } from '../../src/runtime/loader.js';
import { softmaxSteps } from '../../src/backend/softmax.js';
import { softmaxCut } from '../../src/kernels/softmax.js';
import { createRng } from '../helpers.js';

describe('softmax kernel ≡ twin', () => {
  afterAll(() => init({ variant: 'debug' }));
  for (const variant of ['debug', 'release'] as const) {
    it(`${variant}: both modes, random n (tile edges, odd), d, T, symmetric A`, async () => {
      await init({ variant });
      const run = softmaxSteps.wasm(wasmRuntime('test')!);
      const rng = createRng(variant === 'debug' ? 21 : 22);
      let cases = 0;
      for (let t = 0; t < 20; t++) {
        const n = t < 10 ? 1 + Math.floor(rng.uniform() * 50) : 60 + Math.floor(rng.uniform() * 110), d = 1 + Math.floor(rng.uniform() * 19);
        const z0 = Float64Array.from({ length: n * d }, () => rng.normal());
        const A = new Float64Array(d * d);
        for (let i = 0; i < d; i++) for (let j = i; j < d; j++) A[i * d + j] = A[j * d + i] = (i === j ? 1 : 0) + 0.2 * rng.normal();
        const invT = 1 / [0.05, 0.3, 2][t % 3];
        const ref = Float64Array.from(z0);
        const seenJ: number[][] = [];
        softmaxSteps.js(ref, n, d, A, 0.5, invT, softmaxCut(n), 0, 4, (k, z) => seenJ.push([k, z[0]]));
        for (const mode of [0, 1]) {
          const z = Float64Array.from(z0);
          const seen: number[][] = [];
          run(z, n, d, A, 0.5, invT, softmaxCut(n), mode, 4, (k, zz) => seen.push([k, zz[0]]));
          expect(Array.from(z)).toEqual(Array.from(ref));
          expect(seen).toEqual(seenJ);
          cases++;
        }
      }
      expect(cases).toBe(40);
    });
  }
});
