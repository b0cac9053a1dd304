import { beforeAll, describe, expect, it } from 'vitest';
import { hardmaxDynamics, init, InvalidArgumentError, softmaxDynamics } from '../../src/index.js';
import { createRng, maxAbsDiff, randomCloud } from '../helpers.js';

function randomSPD(rng: ReturnType<typeof createRng>, d: number): number[][] {
  const Q = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += Q[i][k] * Q[j][k];
    return s / d + (i === j ? 0.5 : 0);
  }));
}

describe('softmaxDynamics', () => {
  beforeAll(() => init({ variant: 'debug' }));

  // twin ≡ kernel: test/kernels/softmax.test.ts

  it('JS backend gives the same run as WASM; bad algorithm is rejected; the instance keeps working', async () => {
    const rng = createRng(22);
    const Z = randomCloud(rng, 70, 3);
    const w = softmaxDynamics(Z, { steps: 4, temperature: 0.2 });
    await init({ backend: 'js' });
    try {
      expect(Array.from(softmaxDynamics(Z, { steps: 4, temperature: 0.2 }).tokens.data)).toEqual(Array.from(w.tokens.data));
    } finally {
      await init({ variant: 'debug' });
    }
    expect(() => softmaxDynamics(Z, { algorithm: 'fast' as 'rows' })).toThrow(InvalidArgumentError);
    expect(Array.from(softmaxDynamics(Z, { steps: 4, temperature: 0.2 }).tokens.data)).toEqual(Array.from(w.tokens.data));
  });

  it('tends to the hardmax dynamics as the temperature goes to 0 (notebook configuration)', () => {
    const Z = [[1, 1 / 3], [-1 / 12, 1 / 12], [-1, -1], [0, 1 / 4], [-0.3, -0.7], [-0.6, -0.9], [0.8, 0.1], [0.6, 0.15]];
    const hard = hardmaxDynamics(Z, { steps: 20 }).tokens.data;
    // score gaps here are ~1e-2, so the softmax becomes a hardmax once T ≪ 1e-2
    const errs = [1e-2, 1e-3, 1e-4].map((T) => maxAbsDiff(softmaxDynamics(Z, { temperature: T, steps: 20 }).tokens.data, hard));
    expect(errs[1]).toBeLessThan(errs[0]);
    expect(errs[2]).toBeLessThan(errs[1]);
    expect(errs[2]).toBeLessThan(1e-4); // followers close in on leaders, so gaps shrink along the run
  });

  it('agrees with a plain exact softmax (no dropped terms) to rounding', () => {
    const rng = createRng(4);
    const Z = randomCloud(rng, 40, 3, 3);
    const r = softmaxDynamics(Z, { temperature: 0.05, steps: 3 });
    const z = Float64Array.from(Z.data);
    const n = 40, d = 3;
    for (let s = 0; s < 3; s++) {
      const zn = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        const sc = Array.from({ length: n }, (_, l) => (z[i * d] * z[l * d] + z[i * d + 1] * z[l * d + 1] + z[i * d + 2] * z[l * d + 2]) / 0.05);
        const m = Math.max(...sc);
        const e = sc.map((v) => Math.exp(v - m));
        const S = e.reduce((a, b) => a + b, 0);
        for (let k = 0; k < d; k++) {
          let y = 0;
          for (let l = 0; l < n; l++) y += (e[l] / S) * z[l * d + k];
          zn[i * d + k] = z[i * d + k] + (1 / 3) * (y - z[i * d + k]);
        }
      }
      z.set(zn);
    }
    expect(maxAbsDiff(r.tokens.data, z)).toBeLessThan(1e-12);
  });

  it('rejects bad input', () => {
    expect(() => softmaxDynamics([[1, 2]], { temperature: 0 })).toThrow(InvalidArgumentError);
    expect(() => softmaxDynamics([[1, 2]], { A: [[1, 1], [1, 1]] })).toThrow(/positive definite/);
    expect(() => softmaxDynamics([[1, 2]], { alpha: -2 })).toThrow(/options.alpha/);
  });
});
