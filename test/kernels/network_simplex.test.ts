/**
 * Network simplex: kernel assembly/network_simplex.ts ≡ twin src/kernels/network_simplex.ts bit
 * for bit through the pair src/backend/network_simplex.ts (pivot counts, plans, potentials,
 * certificate), on odd and even sizes, weighted and unit masses, clamped costs, and a chunked
 * solve (resumed every few pivots) equal to the solve in one call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { networkSimplex, type SimplexSession } from '../../src/backend/network_simplex.js';
import { wasmRuntime } from '../../src/runtime/loader.js';
import { createRng } from '../helpers.js';
import { points, weights } from './ot_cases.js';

function solve(s: SimplexSession, chunk: number) {
  let status = 3;
  while (status !== 0) status = s.run(s.pivots() + chunk);
  const plan = s.plan();
  return { pivots: s.pivots(), plan, violation: s.violation(plan.piRow, plan.piCol) };
}

describe('network simplex: WASM kernel ≡ TS twin', () => {
  beforeAll(() => init({ variant: 'debug' }));
  it('same pivots, plan, potentials and certificate (p = 1, 2; odd/even m; weights; clamp; chunked)', () => {
    const rt = wasmRuntime('test')!;
    const rng = createRng(9);
    let k = 0;
    for (const [n, m, p, clamp] of [[17, 33, 1, Infinity], [40, 64, 2, Infinity], [25, 25, 2, 3], [60, 7, 1, Infinity], [31, 9, 2, 0.5], [1, 5, 1, Infinity]] as const) {
      const d = 1 + (k % 3);
      const cost = { x: points(rng, k % 4, n, d), n, y: points(rng, k % 4, m, d, 0.4), m, d, p, clamp };
      const a = k % 2 ? weights(rng, n) : new Float64Array(n).fill(m), b = k % 2 ? weights(rng, m) : new Float64Array(m).fill(n);
      if (k % 2) {
        const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
        for (let j = 0; j < m; j++) b[j] = (b[j] * sa) / sb;
      }
      k++;
      const js = solve(networkSimplex.js(cost, a, b, 1e-14), 1e9);
      const jsChunked = solve(networkSimplex.js(cost, a, b, 1e-14), 3);
      const mark = rt.arena.mark();
      let w, wChunked;
      try {
        w = solve(networkSimplex.wasm(rt)(cost, a, b, 1e-14), 1e9);
        wChunked = solve(networkSimplex.wasm(rt)(cost, a, b, 1e-14), 5);
      } finally {
        rt.arena.release(mark);
      }
      for (const other of [jsChunked, w, wChunked]) {
        expect(other.pivots).toBe(js.pivots);
        expect(Array.from(other.plan.rows)).toEqual(Array.from(js.plan.rows));
        expect(Array.from(other.plan.cols)).toEqual(Array.from(js.plan.cols));
        expect(Array.from(other.plan.mass)).toEqual(Array.from(js.plan.mass));
        expect(Array.from(other.plan.piRow)).toEqual(Array.from(js.plan.piRow));
        expect(Array.from(other.plan.piCol)).toEqual(Array.from(js.plan.piCol));
        expect(other.violation).toEqual(js.violation);
      }
      expect(js.pivots).toBeGreaterThan(0);
    }
  });
});
