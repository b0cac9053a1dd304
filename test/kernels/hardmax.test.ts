// Twin vs kernel, bit for bit: assembly/hardmax.ts (hardmaxRows, hardmaxLeaders) against
// src/kernels/hardmax.ts through the pairs of src/backend/hardmax.ts, on random atoms (merged
// duplicates, odd sizes, random row blocks) in every kernel mode, debug and release builds.
import { afterAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { wasmRuntime } from '../../src/runtime/loader.js';
import { hardmaxLeaders, hardmaxRows } from '../../src/backend/hardmax.js';
import { choleskyFactorT, hardmaxRowState, hardmaxStepJS, type HardmaxRowState } from '../../src/kernels/hardmax.js';
import { Atoms } from '../../src/attention/atoms.js';
import { createRng } from '../helpers.js';

function spd(rng: ReturnType<typeof createRng>, d: number): Float64Array {
  const Q = Array.from({ length: d * d }, () => rng.normal());
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += Q[i * d + k] * Q[j * d + k];
    A[i * d + j] = s / d + (i === j ? 0.5 : 0);
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) A[i * d + j] = A[j * d + i];
  return A;
}

/** Tokens with repeats (so atoms have multiplicities) and grid values (exact ties). */
function tokens(rng: ReturnType<typeof createRng>, n: number, d: number): Float64Array {
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    if (i > 2 && rng.uniform() < 0.3) z.copyWithin(i * d, Math.floor(rng.uniform() * i) * d, Math.floor(rng.uniform() * i) * d + d);
    else for (let k = 0; k < d; k++) z[i * d + k] = rng.uniform() < 0.3 ? Math.round(rng.normal() * 2) / 2 : rng.normal();
  }
  return z;
}

const sameState = (a: HardmaxRowState, b: HardmaxRowState): void => {
  expect(Array.from(a.zn)).toEqual(Array.from(b.zn));
  expect(Array.from(a.rthr)).toEqual(Array.from(b.rthr));
  expect(Array.from(a.first)).toEqual(Array.from(b.first));
  expect(Array.from(a.count)).toEqual(Array.from(b.count));
  expect(Array.from(a.cntA)).toEqual(Array.from(b.cntA));
  expect(Array.from(a.firstA)).toEqual(Array.from(b.firstA));
};

describe('hardmax kernel ≡ twin', () => {
  afterAll(() => init({ variant: 'debug' }));
  for (const variant of ['debug', 'release'] as const) {
    it(`${variant}: rows (every mode, random row blocks) and leaders agree bit for bit; atoms ≡ tokens`, async () => {
      await init({ variant });
      const rt = wasmRuntime('test')!;
      const rows = hardmaxRows.wasm(rt), lead = hardmaxLeaders.wasm(rt);
      const rng = createRng(variant === 'debug' ? 41 : 42);
      let cases = 0;
      for (let t = 0; t < 40; t++) {
        const d = t % 5 === 0 ? 2 : 1 + Math.floor(rng.uniform() * 7);
        const n = 1 + Math.floor(rng.uniform() * 70);
        const z = tokens(rng, n, d);
        const G = choleskyFactorT(spd(rng, d), d);
        const tol = t % 3 === 0 ? 0 : 1e-12;
        const atoms = Atoms.fromTokens(z, n, d, true);
        const m = atoms.m;
        const ref = hardmaxRowState(m, d);
        expect(hardmaxRows.js(atoms.za, d, G, 0.4, tol, 0, atoms, 0, m, ref)).toBe(m * m);
        const refLead = new Int32Array(m);
        hardmaxLeaders.js(atoms.za, m, d, G, tol, 0, m, ref, refLead);
        for (const mode of d === 2 ? [0, 1, 2] : [0, 1]) {
          const st = hardmaxRowState(m, d);
          if (mode === 1) expect(rows(atoms.za, d, G, 0.4, tol, 1, atoms, 0, m, st)).toBeGreaterThan(0);
          else {
            // random blocks
            for (let r0 = 0; r0 < m; ) {
              const r1 = Math.min(m, r0 + 1 + Math.floor(rng.uniform() * 9));
              expect(rows(atoms.za, d, G, 0.4, tol, mode, atoms, r0, r1, st)).toBeGreaterThanOrEqual(0);
              r0 = r1;
            }
          }
          sameState(st, ref);
          const l = new Int32Array(m);
          for (let r0 = 0; r0 < m; r0 += 5) lead(atoms.za, m, d, G, tol, r0, Math.min(m, r0 + 5), st, l);
          expect(Array.from(l)).toEqual(Array.from(refLead));
          cases++;
        }
        // the atom twin equals brute force over tokens (first/count per token, new coordinates)
        const zt = Float64Array.from(z);
        const lt = new Int32Array(n), ft = new Int32Array(n), ct = new Int32Array(n);
        hardmaxStepJS(zt, n, d, G, 0.4, tol, true, lt, ft, ct);
        for (let i = 0; i < n; i++) {
          const a = atoms.atomOf[i];
          expect(ft[i]).toBe(ref.first[a]);
          expect(ct[i]).toBe(ref.count[a]);
          for (let k = 0; k < d; k++) expect(zt[i * d + k]).toBe(ref.zn[a * d + k]);
        }
      }
      expect(cases).toBeGreaterThan(80);
    });
  }

  it('a row whose argmax set is empty (a NaN score) is reported (−1), never read from stale memory', async () => {
    await init({ variant: 'release' });
    const rt = wasmRuntime('test')!;
    // fill the arena with garbage first (what an earlier call leaves behind)
    const mark = rt.arena.mark();
    const p = rt.arena.allocF64(1 << 16);
    rt.arena.f64.fill(-1e300, p >>> 3, (p >>> 3) + (1 << 16));
    new Int32Array(rt.arena.f64.buffer, p, 1 << 17).fill(123456789);
    rt.arena.release(mark);
    for (const n of [4, 40]) {
      const z = new Float64Array(2 * n);
      for (let j = 0; j < z.length; j++) z[j] = j % 7;
      z[2] = NaN;
      const atoms = Atoms.fromTokens(z, n, 2, false);
      const G = Float64Array.of(1, 0, 0, 1);
      for (const mode of [0, 1, 2]) {
        expect(hardmaxRows.wasm(rt)(atoms.za, 2, G, 0.5, 1e-12, mode, atoms, 0, n, hardmaxRowState(n, 2))).toBe(-1);
      }
      expect(hardmaxRows.js(atoms.za, 2, G, 0.5, 1e-12, 0, atoms, 0, n, hardmaxRowState(n, 2))).toBe(-1);
    }
  });
});
