/**
 * Ground cost: kernel assembly/cost.ts ≡ twin src/kernels/cost.ts (costMatrix bit for bit for
 * p = 1, 2 and within 2 ulp for other p; dualViolation bit for bit), odd and even m, d = 1..5.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { costMatrix } from '../../src/backend/cost.js';
import { kernelsOf } from '../../src/backend/index.js';
import { dualViolationJS } from '../../src/kernels/cost.js';
import { wasmRuntime } from '../../src/runtime/loader.js';
import { createRng } from '../helpers.js';
import { points } from './ot_cases.js';

describe('cost matrix and dual violation: WASM kernel ≡ TS twin', () => {
  beforeAll(() => init({ variant: 'debug' }));
  it('costMatrix: bit for bit for p = 1, 2; ≤ 2 ulp for p = 3, 50', () => {
    const rt = wasmRuntime('test')!;
    const rng = createRng(3);
    for (const [n, m, d] of [[1, 1, 1], [7, 9, 2], [16, 33, 3], [5, 2, 5]] as const) {
      const x = points(rng, 0, n, d), y = points(rng, 0, m, d, 0.2);
      for (const p of [1, 2, 3, 50]) {
        const t = costMatrix.js(x, n, y, m, d, p, new Float64Array(n * m));
        const w = costMatrix.wasm(rt)(x, n, y, m, d, p, new Float64Array(n * m));
        if (p <= 2) expect(Array.from(w)).toEqual(Array.from(t));
        else for (let k = 0; k < n * m; k++) expect(Math.abs(w[k] - t[k])).toBeLessThanOrEqual(4.5e-16 * t[k]);
      }
    }
  });

  it('dualViolation: bit for bit (SIMD pairs and the odd tail)', () => {
    const rt = wasmRuntime('test')!;
    const k = kernelsOf(rt);
    const rng = createRng(4);
    for (const [n, m] of [[3, 5], [8, 8], [11, 1]] as const) {
      const C = Float64Array.from({ length: n * m + 2 }, () => rng.uniform());
      const piRow = Float64Array.from({ length: n }, () => rng.normal()), piCol = Float64Array.from({ length: m }, () => rng.normal());
      const t = dualViolationJS(C, n, m, piRow, piCol);
      const mark = rt.arena.mark();
      try {
        const pc = rt.arena.pushF64(C), pr = rt.arena.pushF64(piRow), pq = rt.arena.pushF64(piCol), out = rt.arena.allocF64(2);
        k.dualViolation(pc, n, m, pr, pq, out);
        expect([rt.arena.f64[out >>> 3], rt.arena.f64[(out >>> 3) + 1]]).toEqual(t);
      } finally {
        rt.arena.release(mark);
      }
    }
  });
});
