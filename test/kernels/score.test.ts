import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, score } from '../../src/index.js';
import { scoreBatch } from '../../src/backend/score.js';
import { use } from '../../src/backend/index.js';
import { scoreBatchJS, scoreCut } from '../../src/kernels/score.js';
import { createRng, randomCloud } from '../helpers.js';

function transpose(data: Float64Array, n: number, d: number): Float64Array {
  const t = new Float64Array(n * d);
  for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) t[k * n + j] = data[j * d + k];
  return t;
}

/** Reference: log-sum-exp with Math.exp in plain double sums (no cut). */
function naiveScore(x: Float64Array, m: number, d: number, data: Float64Array, n: number, t: number): Float64Array {
  const out = new Float64Array(m * d);
  for (let i = 0; i < m; i++) {
    const L = new Float64Array(n);
    let mx = -Infinity;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (x[i * d + k] - data[j * d + k]) ** 2;
      L[j] = -s / (4 * t);
      mx = Math.max(mx, L[j]);
    }
    let z = 0;
    const acc = new Float64Array(d);
    for (let j = 0; j < n; j++) {
      const e = Math.exp(L[j] - mx);
      z += e;
      for (let k = 0; k < d; k++) acc[k] += e * data[j * d + k];
    }
    for (let k = 0; k < d; k++) out[i * d + k] = (acc[k] / z - x[i * d + k]) / (2 * t);
  }
  return out;
}

describe('score kernel (assembly/score.ts) vs its twin (src/kernels/score.ts)', () => {
  for (const variant of ['release', 'debug'] as const) {
    it(`${variant}: bit-identical on random sizes (odd n, d = 1..6 incl. the d = 2 path), times 1e-5..100, far-away points`, async () => {
      await init({ variant });
      const wasm = use(scoreBatch, 'test');
      const rng = createRng(variant === 'release' ? 1 : 2);
      let cases = 0;
      for (let c = 0; c < 40; c++) {
        const n = 1 + Math.floor(rng.uniform() * (c < 20 ? 9 : 300));
        const d = c % 3 === 0 ? 2 : 1 + Math.floor(rng.uniform() * 6);
        const m = 1 + Math.floor(rng.uniform() * 40);
        const t = [1e-5, 1e-3, 0.05, 1, 100][c % 5];
        const data = randomCloud(rng, n, d).data;
        const X = randomCloud(rng, m, d, c % 4 === 0 ? 30 : 1.5).data;
        const dT = transpose(data, n, d);
        const a = new Float64Array(m * d), b = new Float64Array(m * d);
        wasm(X, m, d, dT, n, 0.25 / t, scoreCut(n), a);
        scoreBatchJS(X, m, d, dT, n, 0.25 / t, scoreCut(n), b);
        for (let q = 0; q < m * d; q++) expect(Object.is(a[q], b[q]) || a[q] === b[q]).toBe(true);
        expect(Array.from(a)).toEqual(Array.from(b));
        // and both are the softmax score to rounding (reference without cut, Math.exp)
        const ref = naiveScore(X, m, d, data, n, t);
        for (let q = 0; q < m * d; q++) {
          const scale = Math.max(1, Math.abs(ref[q]), 1 / (2 * t));
          expect(Math.abs(a[q] - ref[q]) / scale).toBeLessThan(1e-11);
        }
        cases++;
      }
      expect(cases).toBe(40);
    });
  }
  afterAll(() => init({ variant: 'release' }));
});

describe('score()', () => {
  beforeAll(() => init());

  it('no NaN when every unshifted weight underflows: far from the data at tiny t the score points to the nearest data point', () => {
    const data = [[0, 0], [1, 0], [0, 1]];
    const t = 1e-6;
    // −|x − x_j|²/4t ≈ −2.5e11: every e^{L_j} is 0 without the max-shift
    const s = score(data, [[1000, 2], [-500, -500]], t);
    expect(Array.from(s.data).every(Number.isFinite)).toBe(true);
    expect(s.data[0]).toBeCloseTo((1 - 1000) / (2 * t), 0);
    expect(s.data[1]).toBeCloseTo((0 - 2) / (2 * t), 0);
    expect(s.data[2]).toBeCloseTo((0 + 500) / (2 * t), 0);
  });

  it('one data point: s = (x₁ − x)/(2t) exactly up to rounding; equal distances: the midpoint', () => {
    const s = score([[0.5, -1, 2]], [[1, 1, 1], [0, 0, 0]], 0.3);
    const want = [(0.5 - 1) / 0.6, (-1 - 1) / 0.6, (2 - 1) / 0.6, 0.5 / 0.6, -1 / 0.6, 2 / 0.6];
    for (let q = 0; q < 6; q++) expect(s.data[q]).toBeCloseTo(want[q], 13);
    const m = score([[-1, 0], [1, 0]], [[0, 3]], 0.01);
    expect(Math.abs(m.data[0])).toBeLessThan(1e-9);
    expect(m.data[1]).toBeCloseTo(-3 / 0.02, 9);
  });
});
