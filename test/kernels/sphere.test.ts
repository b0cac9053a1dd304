// Twin vs kernel, bit for bit: assembly/sphere.ts against src/kernels/sphere.ts through the pair
// of src/backend/sphere.ts (SA and USA, per-row and symmetric paths, odd and even n), debug and
// release builds.
import { afterAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { wasmRuntime } from '../../src/runtime/loader.js';
import { sphereRk4 } from '../../src/backend/sphere.js';
import { createRng } from '../helpers.js';

describe('sphere kernel ≡ twin', () => {
  afterAll(() => init({ variant: 'debug' }));
  for (const variant of ['debug', 'release'] as const) {
    it(`${variant}: RK4 steps, SA/USA × per-row/symmetric`, async () => {
      await init({ variant });
      const run = sphereRk4.wasm(wasmRuntime('test')!);
      const rng = createRng(variant === 'debug' ? 2 : 3);
      let cases = 0;
      for (const [n, d] of [[1, 3], [2, 2], [7, 3], [8, 2], [13, 4], [33, 3], [20, 5]] as const) {
        const x0 = new Float64Array(n * d);
        for (let i = 0; i < n; i++) {
          let r2 = 0;
          for (let k = 0; k < d; k++) r2 += (x0[i * d + k] = rng.normal()) ** 2;
          for (let k = 0; k < d; k++) x0[i * d + k] /= Math.sqrt(r2);
        }
        const M = () => Float64Array.from({ length: d * d }, (_, j) => (j % (d + 1) === 0 ? 1 : 0) + 0.2 * rng.normal());
        const Q = M(), V = M();
        for (const sa of [true, false]) {
          for (const sym of [false, true]) {
            const K = sym ? Q : M();
            const a = Float64Array.from(x0), b = Float64Array.from(x0);
            sphereRk4.js(a, n, d, Q, K, V, 1.5, sa, 0.05, 5, sym);
            run(b, n, d, Q, K, V, 1.5, sa, 0.05, 5, sym);
            expect(Array.from(b)).toEqual(Array.from(a));
            cases++;
          }
        }
      }
      expect(cases).toBe(28);
    });
  }
});
