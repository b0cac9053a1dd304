import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { expArrayJS, expTS } from '../../src/kernels/exp.js';
import { loadRuntime, type WasmRuntime } from '../../src/runtime/loader.js';

/** Distance in units in the last place between two finite positive doubles. */
function ulps(a: number, b: number): number {
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a);
  buf.setFloat64(8, b);
  return Number(buf.getBigInt64(0) - buf.getBigInt64(8));
}

let rt: WasmRuntime;
function expWasm(x: Float64Array): Float64Array {
  const { arena, exports } = rt;
  const mark = arena.mark();
  try {
    const p = arena.pushF64(x);
    (exports.expArray as (s: number, n: number, d: number) => void)(p, x.length, p);
    return arena.f64.slice(p >>> 3, (p >>> 3) + x.length);
  } finally {
    arena.release(mark);
  }
}

beforeAll(async () => {
  await init({ variant: 'debug' });
  rt = await loadRuntime('debug');
});

describe('exp (assembly/lib/exp.ts, twin src/kernels/exp.ts)', () => {
  it('is within 1 ulp of Math.exp on a dense grid over the normal range, mostly exact', () => {
    const n = 200_001;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = -708 + (1417 * i) / (n - 1); // [-708, 709]
    const y = expWasm(x);
    let worst = 0, exact = 0;
    for (let i = 0; i < n; i++) {
      const u = Math.abs(ulps(y[i], Math.exp(x[i])));
      worst = Math.max(worst, u);
      if (u === 0) exact++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(exact / n).toBeGreaterThan(0.9);
  });

  it('WASM (SIMD lanes and scalar tail) and the TS twin agree bit for bit', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -800, max: 800, noNaN: true }), { minLength: 1, maxLength: 9 }), (xs) => {
        const x = Float64Array.from(xs);
        const w = expWasm(x), t = expArrayJS(x);
        for (let i = 0; i < x.length; i++) if (!Object.is(w[i], t[i])) return false;
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('handles the edges: 0, ±Inf, NaN, overflow, underflow, subnormals', () => {
    const x = Float64Array.from([0, -0, Infinity, -Infinity, NaN, 709.78, 710, 1000, -745, -746, -1e300, -730, 1e-300, -1e-300]);
    const y = expWasm(x);
    for (let i = 0; i < x.length; i++) expect(Object.is(y[i], expTS(x[i]))).toBe(true);
    expect(y[0]).toBe(1);
    expect(y[1]).toBe(1);
    expect(y[2]).toBe(Infinity);
    expect(y[3]).toBe(0);
    expect(Number.isNaN(y[4])).toBe(true);
    expect(Math.abs(ulps(y[5], Math.exp(709.78)))).toBeLessThanOrEqual(1);
    expect(y[6]).toBe(Infinity);
    expect(y[7]).toBe(Infinity);
    expect(y[8]).toBeGreaterThan(0); // e^-745 ≈ 4.9e-324: the smallest subnormal
    expect(y[9]).toBe(0);
    expect(y[10]).toBe(0);
    expect(Math.abs(y[11] - Math.exp(-730)) / Math.exp(-730)).toBeLessThan(1e-6); // subnormal, few bits
    expect(y[12]).toBe(1);
    expect(y[13]).toBe(1);
  });
});
