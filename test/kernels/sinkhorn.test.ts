/**
 * Sinkhorn kernels (assembly/sinkhorn.ts, twin src/kernels/sinkhorn.ts): the truncated kernel's
 * keep rule holds entry by entry, and kernel ≡ twin bit for bit (maxima, compressed kernel,
 * iterations, plan statistics; dense kernel and iterations), on the debug build.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { costMatrixJS } from '../../src/kernels/cost.js';
import {
  sinkhornInitPotentialsJS,
  sinkhornIterateJS,
  sinkhornKernelJS,
  sinkhornTruncBuildJS,
  sinkhornTruncIterateJS,
  sinkhornTruncMaximaJS,
  sinkhornTruncPlanStatsJS,
} from '../../src/kernels/sinkhorn.js';
import { kernelsOf } from '../../src/backend/index.js';
import { wasmRuntime } from '../../src/runtime/loader.js';
import { createRng, randomCloud } from '../helpers.js';

/** The keep-rule offset of src/wasserstein/sinkhorn.ts: ln(2^-54 / (size · R)) − 1. */
const offset = (size: number, R: number) => -54 * Math.LN2 - Math.log(size) - Math.log(R) - 1;

interface Problem {
  n: number;
  m: number;
  C: Float64Array;
  f: Float64Array;
  g: Float64Array;
  eps: number;
}

/** Gaussian clouds, c-transform potentials plus a random perturbation of size `wobble`·ε·30
 *  (so that rows and columns do not all peak at 1). */
function problem(seed: number, n: number, m: number, d: number, eps: number, wobble: number): Problem {
  const rng = createRng(seed);
  const x = randomCloud(rng, n, d), y = randomCloud(rng, m, d, 1, 0.7);
  const C = costMatrixJS(x.data, n, y.data, m, d, 2);
  const f = new Float64Array(n), g = new Float64Array(m);
  sinkhornInitPotentialsJS(C, n, m, f, g, false);
  for (let i = 0; i < n; i++) f[i] -= wobble * 30 * eps * rng.uniform();
  for (let j = 0; j < m; j++) g[j] -= wobble * 30 * eps * rng.uniform();
  return { n, m, C, f, g, eps };
}

function buildJS(p: Problem, R: number) {
  const { n, m } = p;
  const Z = new Float64Array(n), Zc = new Float64Array(m), rowStart = new Int32Array(n + 1);
  const cap = n * (m + 2);
  const vals = new Float64Array(cap), col = new Int32Array(cap);
  sinkhornTruncMaximaJS(p.C, n, m, p.f, p.g, p.eps, Z, Zc);
  const Zmax = Float64Array.from(Z), Zcmax = Float64Array.from(Zc);
  const nnz = sinkhornTruncBuildJS(p.C, n, m, p.f, p.g, p.eps, Z, Zc, offset(m, R), offset(n, R), vals, col, rowStart, cap);
  return { Z: Zmax, Zc: Zcmax, rowStart, vals, col, nnz };
}

describe('sinkhorn truncation: the keep rule', () => {
  it('dropped part of every row (column) sum ≤ 2^-54 · row (column) max / R; kept entries are exactly exp(z) (fast-check, 40 runs)', () => {
    let runs = 0, someDropped = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(0.003, 0.01, 0.05, 0.3),
        fc.constantFrom(1, 1e6, 1e40),
        fc.constantFrom(0, 0.5, 3),
        (seed, n, m, eps, R, wobble) => {
          runs++;
          const p = problem(seed, n, m, 2, eps, wobble);
          const K = new Float64Array(n * m);
          sinkhornKernelJS(p.C, K, n, m, p.f, p.g, eps);
          const t = buildJS(p, R);
          const kept = new Uint8Array(n * m);
          for (let i = 0; i < n; i++) {
            for (let k = t.rowStart[i]; k < t.rowStart[i + 1]; k++) {
              if (t.vals[k] === 0 && k === t.rowStart[i + 1] - 1 && (k - t.rowStart[i]) % 2 === 1 && t.col[k] === t.col[k - 1]) continue; // padding
              expect(t.vals[k]).toBe(K[i * m + t.col[k]]);
              kept[i * m + t.col[k]] = 1;
            }
            expect((t.rowStart[i + 1] - t.rowStart[i]) % 2).toBe(0);
          }
          const rowMax = new Float64Array(n), colMax = new Float64Array(m), rowDrop = new Float64Array(n), colDrop = new Float64Array(m);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < m; j++) {
              const e = K[i * m + j];
              rowMax[i] = Math.max(rowMax[i], e);
              colMax[j] = Math.max(colMax[j], e);
              if (!kept[i * m + j]) {
                rowDrop[i] += e;
                colDrop[j] += e;
                if (e > 0) someDropped++;
              }
            }
          }
          for (let i = 0; i < n; i++) expect(rowDrop[i]).toBeLessThanOrEqual((2 ** -54 * rowMax[i]) / R);
          for (let j = 0; j < m; j++) expect(colDrop[j]).toBeLessThanOrEqual((2 ** -54 * colMax[j]) / R);
        },
      ),
      { numRuns: 40, seed: 20261123 },
    );
    expect(runs).toBe(40);
    expect(someDropped).toBeGreaterThan(0);
  });
});

describe('sinkhorn truncation: WASM kernel ≡ TS twin (bit for bit)', () => {
  beforeAll(() => init({ variant: 'debug' }));

  it('maxima, compressed kernel, iterations (incl. the stop on a u-ratio violation) and plan statistics', () => {
    const rt = wasmRuntime('test')!;
    const k = kernelsOf(rt);
    const ar = rt.arena;
    let uStops = 0;
    for (const [seed, n, m, eps, R] of [
      [1, 37, 29, 0.01, 1e40],
      [2, 64, 51, 0.003, 1e12],
      [3, 20, 33, 0.05, 1e3],
      [4, 9, 1, 0.02, 1e40],
    ] as const) {
      const p = problem(seed, n, m, 2, eps, 0.5);
      const t = buildJS(p, R);
      const me = (m + 1) & ~1;
      const mark = ar.mark();
      try {
        const Cp = new Float64Array(n * me);
        for (let i = 0; i < n; i++) Cp.set(p.C.subarray(i * m, (i + 1) * m), i * me);
        const gp = new Float64Array(me).fill(-Infinity);
        gp.set(p.g);
        const C = ar.pushF64(Cp), f = ar.pushF64(p.f), g = ar.pushF64(gp);
        const Z = ar.allocF64(n), Zc = ar.allocF64(me), rowStart = ar.alloc(4 * (n + 1));
        const cap = n * (me + 2);
        const vals = ar.allocF64(cap), col = ar.alloc(4 * cap);
        k.sinkhornTruncMaxima(C, n, m, f, g, eps, Z, Zc);
        expect(Array.from(ar.f64.subarray(Z >>> 3, (Z >>> 3) + n))).toEqual(Array.from(t.Z));
        expect(Array.from(ar.f64.subarray(Zc >>> 3, (Zc >>> 3) + m))).toEqual(Array.from(t.Zc));
        const nnz = k.sinkhornTruncBuild(C, n, m, f, g, eps, Z, Zc, offset(m, R), offset(n, R), vals, col, rowStart, cap);
        expect(nnz).toBe(t.nnz);
        expect(Array.from(ar.i32.subarray(rowStart >>> 2, (rowStart >>> 2) + n + 1))).toEqual(Array.from(t.rowStart));
        expect(Array.from(ar.i32.subarray(col >>> 2, (col >>> 2) + nnz))).toEqual(Array.from(t.col.subarray(0, nnz)));
        expect(Array.from(ar.f64.subarray(vals >>> 3, (vals >>> 3) + nnz))).toEqual(Array.from(t.vals.subarray(0, nnz)));
        // iterations from u = v = 1 with uniform marginals, in chunks like the driver
        const a = new Float64Array(n).fill(1 / n), b = new Float64Array(me).fill(0);
        b.fill(1 / m, 0, m);
        const uJ = new Float64Array(n).fill(1), vJ = new Float64Array(m).fill(1);
        const pa = ar.pushF64(a), pb = ar.pushF64(b), u = ar.pushF64(uJ), v = ar.allocF64(me), acc = ar.allocF64(me), info = ar.allocF64(2);
        ar.f64.fill(1, v >>> 3, (v >>> 3) + m);
        ar.f64[(v >>> 3) + m] = 0; // padding (odd m)
        for (let chunk = 0; chunk < 3; chunk++) {
          const done = k.sinkhornTruncIterate(vals, col, rowStart, n, m, pa, pb, u, v, acc, 5, R, info);
          const [doneJ, resJ, flagJ] = sinkhornTruncIterateJS(t.vals, t.col, t.rowStart, n, m, a, b.subarray(0, m), uJ, vJ, 5, R);
          expect(done).toBe(doneJ);
          expect(ar.f64[info >>> 3]).toBe(resJ);
          expect(ar.f64[(info >>> 3) + 1]).toBe(flagJ);
          expect(Array.from(ar.f64.subarray(u >>> 3, (u >>> 3) + n))).toEqual(Array.from(uJ));
          expect(Array.from(ar.f64.subarray(v >>> 3, (v >>> 3) + m))).toEqual(Array.from(vJ));
          if (flagJ === 1 && doneJ < 5) uStops++;
          if (flagJ !== 0) break;
        }
        const r = ar.allocF64(n), c = ar.allocF64(me), out = ar.allocF64(1);
        k.sinkhornTruncPlanStats(C, vals, col, rowStart, n, m, u, v, r, c, out);
        const rJ = new Float64Array(n), cJ = new Float64Array(m);
        const costJ = sinkhornTruncPlanStatsJS(p.C, t.vals, t.col, t.rowStart, n, m, uJ, vJ, rJ, cJ);
        expect(ar.f64[out >>> 3]).toBe(costJ);
        expect(Array.from(ar.f64.subarray(r >>> 3, (r >>> 3) + n))).toEqual(Array.from(rJ));
        expect(Array.from(ar.f64.subarray(c >>> 3, (c >>> 3) + m))).toEqual(Array.from(cJ));
      } finally {
        ar.release(mark);
      }
    }
    expect(uStops).toBeGreaterThan(0); // the R = 1e3 case stops on the u ratio before touching v
  });
});


describe('sinkhorn dense kernel and iterations: WASM ≡ TS twin (bit for bit)', () => {
  beforeAll(() => init({ variant: 'debug' }));
  it('sinkhornKernel and sinkhornIterate on odd and even sizes', () => {
    const rt = wasmRuntime('test')!;
    const k = kernelsOf(rt);
    const ar = rt.arena;
    for (const [seed, n, m, eps] of [[11, 13, 7, 0.1], [12, 32, 33, 0.02], [13, 5, 64, 0.5]] as const) {
      const p = problem(seed, n, m, 2, eps, 0.5);
      const me = (m + 1) & ~1;
      const a = new Float64Array(n).fill(1 / n), b = new Float64Array(me);
      b.fill(1 / m, 0, m);
      const K = new Float64Array(n * m);
      sinkhornKernelJS(p.C, K, n, m, p.f, p.g, eps);
      const u = new Float64Array(n).fill(1), v = new Float64Array(m).fill(1);
      const [doneJ, resJ] = sinkhornIterateJS(K, n, m, a, b.subarray(0, m), u, v, 7, 1e100);
      const mark = ar.mark();
      try {
        const Cp = new Float64Array(n * me);
        for (let i = 0; i < n; i++) Cp.set(p.C.subarray(i * m, (i + 1) * m), i * me);
        const gp = new Float64Array(me).fill(-Infinity);
        gp.set(p.g);
        const C = ar.pushF64(Cp), f = ar.pushF64(p.f), g = ar.pushF64(gp), Kp = ar.allocF64(n * me);
        k.sinkhornKernel(C, Kp, n, m, f, g, eps);
        for (let i = 0; i < n; i++) expect(Array.from(ar.f64.subarray((Kp >>> 3) + i * me, (Kp >>> 3) + i * me + m))).toEqual(Array.from(K.subarray(i * m, (i + 1) * m)));
        const pa = ar.pushF64(a), pb = ar.pushF64(b);
        const pu = ar.pushF64(new Float64Array(n).fill(1)), pv = ar.pushF64(Float64Array.from({ length: me }, (_, j) => (j < m ? 1 : 0)));
        const acc = ar.allocF64(me), info = ar.allocF64(2);
        const done = k.sinkhornIterate(Kp, n, m, pa, pb, pu, pv, acc, 7, 1e100, info);
        expect(done).toBe(doneJ);
        expect(ar.f64[info >>> 3]).toBe(resJ);
        expect(Array.from(ar.f64.subarray(pu >>> 3, (pu >>> 3) + n))).toEqual(Array.from(u));
        expect(Array.from(ar.f64.subarray(pv >>> 3, (pv >>> 3) + m))).toEqual(Array.from(v));
      } finally {
        ar.release(mark);
      }
    }
  });
});
