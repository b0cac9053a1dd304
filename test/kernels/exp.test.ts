// exp (assembly/lib/exp.ts, through the kernel expArray of assembly/exp.ts) against its twin
// src/kernels/exp.ts (bit for bit) and against Math.exp (error in ulps) on ≥ 10^6 random
// arguments over the whole range, near 0, near the reduction's breakpoints k·ln2/64, in the
// subnormal range, and the edges. The FULL tier uses 10^7.
import { afterAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { expArrayJS, expTS } from '../../src/kernels/exp.js';
import { wasmRuntime, type WasmRuntime } from '../../src/runtime/loader.js';
import { createRng } from '../helpers.js';

const FULL = process.env.FULL === '1';

/** Distance in ulps between two finite non-negative doubles (bit patterns are ordered). */
const F = new Float64Array(2), W = new Uint32Array(F.buffer);
function ulps(a: number, b: number): number {
  F[0] = a;
  F[1] = b;
  return Math.abs((W[1] - W[3]) * 4294967296 + (W[0] - W[2]));
}

function expWasm(rt: WasmRuntime, x: Float64Array): Float64Array {
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

function args(count: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(count);
  const C = Math.LN2 / 64;
  for (let i = 0; i < count; i++) {
    const kind = i % 5;
    if (kind === 0) x[i] = -745 + 1454.7 * rng.uniform(); // whole range
    else if (kind === 1) x[i] = (rng.uniform() - 0.5) * 2 ** -Math.floor(60 * rng.uniform()); // near 0, all scales
    else if (kind === 2) x[i] = Math.round((rng.uniform() - 0.5) * 2000) * C * (1 + (rng.uniform() - 0.5) * 1e-12); // breakpoints
    else if (kind === 3) x[i] = -60 + 70 * rng.uniform(); // where the attention kernels live
    else x[i] = -745.2 + 37 * rng.uniform(); // results subnormal or tiny
  }
  return x;
}

describe('exp kernel ≡ twin, error against Math.exp', () => {
  afterAll(() => init({ variant: 'debug' }));
  for (const variant of ['debug', 'release'] as const) {
    it(`${variant}: ${FULL ? '10^7' : '10^6'} random arguments: WASM (lanes and scalar tail) = twin bit for bit; ≤ 1 ulp from Math.exp where normal`, async () => {
      await init({ variant });
      const rt = wasmRuntime('test')!;
      const count = (FULL ? 10_000_000 : 1_000_000) + 1; // odd: the scalar tail runs
      const x = args(count, variant === 'debug' ? 1 : 2);
      const w = expWasm(rt, x);
      let worst = 0, exact = 0, normal = 0, mismatch = 0, subFar = 0;
      for (let i = 0; i < count; i++) {
        if (!Object.is(w[i], expTS(x[i]))) mismatch++;
        const ref = Math.exp(x[i]);
        if (ref >= 2.2250738585072014e-308 && Number.isFinite(ref)) {
          const u = ulps(w[i], ref);
          normal++;
          if (u > worst) worst = u;
          if (u === 0) exact++;
        } else {
          // subnormal results: within one subnormal step (the unit of the result's last place)
          if (Math.abs(w[i] - ref) > Math.max(Number.MIN_VALUE, Math.abs(ref) * 2 ** -51)) subFar++;
        }
      }
      expect(mismatch).toBe(0);
      expect(subFar).toBe(0);
      expect(normal).toBeGreaterThan(0.75 * count);
      expect(worst).toBeLessThanOrEqual(1);
      expect(exact / normal).toBeGreaterThan(0.9);
      console.log(`exp ${variant}: ${normal} normal results, worst ${worst} ulp, ${(100 * exact / normal).toFixed(3)}% equal to Math.exp`);
    });
  }

  it('edges: 0, ±0, ±Inf, NaN, overflow, underflow, subnormal results; twin equal', async () => {
    await init({ variant: 'debug' });
    const rt = wasmRuntime('test')!;
    const x = Float64Array.from([0, -0, Infinity, -Infinity, NaN, 709.78, 709.782712893384, 709.7827128933841, 710, 1000, -708.39, -745, -745.1332191019412, -746, -1e300, -730, 1e-300, -1e-300, 5e-324]);
    const y = expWasm(rt, x);
    const t = expArrayJS(x);
    for (let i = 0; i < x.length; i++) expect(Object.is(y[i], t[i])).toBe(true);
    expect(y[0]).toBe(1);
    expect(y[1]).toBe(1);
    expect(y[2]).toBe(Infinity);
    expect(y[3]).toBe(0);
    expect(Number.isNaN(y[4])).toBe(true);
    expect(ulps(y[5], Math.exp(709.78))).toBeLessThanOrEqual(1);
    expect(Number.isFinite(y[6])).toBe(true); // just below ln(MAX_VALUE)
    expect(y[7]).toBe(Infinity);
    expect(y[8]).toBe(Infinity);
    expect(y[9]).toBe(Infinity);
    expect(y[11]).toBe(Math.exp(-745)); // 5e-324, the smallest subnormal
    expect(y[13]).toBe(0);
    expect(y[14]).toBe(0);
    expect(y[16]).toBe(1);
    expect(y[17]).toBe(1);
    expect(y[18]).toBe(1);
  });
});
