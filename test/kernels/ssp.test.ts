/**
 * Successive shortest paths: kernel assembly/ssp.ts ≡ twin src/kernels/ssp.ts bit for bit
 * through the pair src/backend/ssp.ts (plan, potentials, augmentations, certificate), on odd
 * and even sizes, unit and weighted masses, and a clamped matrix.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { successiveShortestPaths } from '../../src/backend/ssp.js';
import { wasmRuntime } from '../../src/runtime/loader.js';
import { createRng } from '../helpers.js';
import { points, weights } from './ot_cases.js';

describe('successive shortest paths: WASM kernel ≡ TS twin', () => {
  beforeAll(() => init({ variant: 'debug' }));
  it('same plan, potentials, augmentations and certificate (p = 1, 2)', () => {
    const rt = wasmRuntime('test')!;
    const rng = createRng(21);
    let k = 0;
    for (const [n, m, p, clamp] of [[13, 13, 2, Infinity], [20, 31, 1, Infinity], [9, 4, 2, 1], [33, 17, 1, Infinity]] as const) {
      const d = 1 + (k % 3);
      const cost = { x: points(rng, k % 4, n, d), n, y: points(rng, k % 4, m, d, 0.3), m, d, p, clamp };
      const weighted = k % 2 === 1;
      const a = weighted ? weights(rng, n) : new Float64Array(n).fill(m), b = weighted ? weights(rng, m) : new Float64Array(m).fill(n);
      const tol = weighted ? 1e-14 : 0.5;
      k++;
      const t = successiveShortestPaths.js(cost, a, b, tol);
      const w = successiveShortestPaths.wasm(rt)(cost, a, b, tol);
      expect(t.status).toBe(0);
      expect(w.status).toBe(0);
      expect(w.augmentations).toBe(t.augmentations);
      // the kernel keeps per-column edge lists like the twin: same edges, same order
      expect(Array.from(w.rows)).toEqual(Array.from(t.rows));
      expect(Array.from(w.cols)).toEqual(Array.from(t.cols));
      expect(Array.from(w.mass)).toEqual(Array.from(t.mass));
      expect(Array.from(w.piRow)).toEqual(Array.from(t.piRow));
      expect(Array.from(w.piCol)).toEqual(Array.from(t.piCol));
      expect(w.violation).toBe(t.violation);
      expect(w.cmax).toBe(t.cmax);
    }
  });
});
