// Attention variants (issue 11 item 4): multi-head, causal, sigmoid and Sinkhorn attention as
// options of softmaxDynamics and sphereDynamics, checked against exact answers.
import { beforeAll, describe, expect, it } from 'vitest';
import { attentionWeights, countClusters, init, InvalidArgumentError, softmaxDynamics, sphereDynamics, type PointCloud } from '../../src/index.js';
import { createRng, maxAbsDiff, randomCloud } from '../helpers.js';

const spd = (rng: ReturnType<typeof createRng>, d: number): number[][] => {
  const Q = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => Q[i].reduce((s, q, k) => s + q * Q[j][k], 0) / d + (i === j ? 0.5 : 0)));
};
const same = (a: Float64Array, b: Float64Array): void => expect(Array.from(a)).toEqual(Array.from(b));

describe('attention variants', () => {
  beforeAll(() => init({ variant: 'debug' }));

  it('multi-head: one head in the variant engine is the kernel bit for bit; 2 or 4 identical heads are the single head bit for bit; 3 to rounding', () => {
    const rng = createRng(1);
    for (const [n, d] of [[17, 3], [40, 2], [9, 5]] as const) {
      const Z = randomCloud(rng, n, d);
      const A = spd(rng, d);
      const o = { temperature: 0.3, steps: 5, alpha: 0.8 };
      const kernel = softmaxDynamics(Z, { ...o, A }).tokens.data;
      same(softmaxDynamics(Z, { ...o, heads: [{ A }] }).tokens.data, kernel);
      same(softmaxDynamics(Z, { ...o, heads: [{ A }, { A }] }).tokens.data, kernel);
      same(softmaxDynamics(Z, { ...o, heads: [{ A }, { A }, { A }, { A }] }).tokens.data, kernel);
      expect(maxAbsDiff(softmaxDynamics(Z, { ...o, heads: [{ A }, { A }, { A }] }).tokens.data, kernel)).toBeLessThan(1e-14);
      // two different heads: the step is the average of the two single-head steps' means
      const B = spd(rng, d);
      const two = softmaxDynamics(Z, { ...o, steps: 1, heads: [{ A }, { A: B }] }).tokens.data;
      const a = softmaxDynamics(Z, { ...o, steps: 1, A }).tokens.data, b = softmaxDynamics(Z, { ...o, steps: 1, A: B }).tokens.data;
      // z + c(m − z) is affine in m: the two-head step is the average of the one-head steps
      for (let j = 0; j < two.length; j++) expect(two[j]).toBeCloseTo((a[j] + b[j]) / 2, 13);
    }
  });

  it('causal: token 0 never moves; token i depends only on tokens ≤ i (changing the last token changes no other); weights lower-triangular', () => {
    const rng = createRng(2);
    const Z = randomCloud(rng, 25, 3);
    const r = softmaxDynamics(Z, { mask: 'causal', steps: 30, temperature: 0.5 });
    same(r.tokens.data.subarray(0, 3), Z.data.subarray(0, 3));
    const Z2: PointCloud = { n: 25, d: 3, data: Z.data.slice() };
    Z2.data.set([5, -4, 3], 72);
    const r2 = softmaxDynamics(Z2, { mask: 'causal', steps: 30, temperature: 0.5 });
    same(r2.tokens.data.subarray(0, 72), r.tokens.data.subarray(0, 72));
    expect(r.clusters.length).toBeGreaterThan(0);
    const W = attentionWeights(Z, { mask: 'causal', temperature: 0.5 }).weights[0];
    for (let i = 0; i < 25; i++) {
      let s = 0;
      for (let l = 0; l < 25; l++) {
        if (l > i) expect(W[i * 25 + l]).toBe(0);
        s += W[i * 25 + l];
      }
      expect(s).toBeCloseTo(1, 14);
    }
    expect(W[0]).toBe(1);
    // sphere: particle 0 sees only itself, P⊥_{x0}(x0) = 0: it stays put (to rounding)
    const X = randomCloud(rng, 12, 3);
    const s = sphereDynamics(X, { mask: 'causal', steps: 50, dt: 0.05, beta: 2 });
    const x0 = sphereDynamics(X, { steps: 0 }).tokens.data;
    expect(maxAbsDiff(s.tokens.data.subarray(0, 3), x0.subarray(0, 3))).toBeLessThan(1e-13);
    expect(maxAbsDiff(s.tokens.data.subarray(3), x0.subarray(3))).toBeGreaterThan(1e-3);
  });

  it('sigmoid: weights σ(s − b) unnormalised (default b = ln n); a huge bias zeroes every weight, so z ← (1 − c)·z exactly', () => {
    const rng = createRng(3);
    const Z = randomCloud(rng, 11, 2);
    const T = 0.7;
    const W = attentionWeights(Z, { weights: 'sigmoid', temperature: T }).weights[0];
    for (let i = 0; i < 11; i++) for (let l = 0; l < 11; l++) {
      let sc = 0;
      for (let k = 0; k < 2; k++) sc += Z.data[i * 2 + k] * Z.data[l * 2 + k];
      expect(W[i * 11 + l]).toBeCloseTo(1 / (1 + Math.exp(Math.log(11) - sc / T)), 14);
    }
    const c = 0.5 / 1.5;
    const r = softmaxDynamics(Z, { weights: 'sigmoid', sigmoidBias: 1e4, steps: 1, temperature: T });
    same(r.tokens.data, Z.data.map((x) => x + c * (0 - x)));
    const sph = sphereDynamics(randomCloud(rng, 10, 3), { weights: 'sigmoid', steps: 20, dt: 0.05 });
    expect(sph.tokens.data.every(Number.isFinite)).toBe(true);
  });

  it('Sinkhorn: weights doubly stochastic (and symmetric for symmetric scores); the tokens\' mean is invariant; status reported', () => {
    const rng = createRng(4);
    const Z = randomCloud(rng, 30, 3);
    const { weights, sinkhorn } = attentionWeights(Z, { weights: 'sinkhorn', temperature: 0.5, A: spd(rng, 3) });
    const P = weights[0];
    expect(sinkhorn!.status).toBe('converged');
    for (let i = 0; i < 30; i++) {
      let row = 0, col = 0;
      for (let l = 0; l < 30; l++) {
        row += P[i * 30 + l];
        col += P[l * 30 + i];
        expect(Math.abs(P[i * 30 + l] - P[l * 30 + i])).toBeLessThan(1e-9);
      }
      expect(Math.abs(row - 1)).toBeLessThan(1e-9);
      expect(Math.abs(col - 1)).toBeLessThan(1e-12);
    }
    const r = softmaxDynamics(Z, { weights: 'sinkhorn', temperature: 2, steps: 10 });
    expect(r.sinkhorn!.status).toBe('converged');
    expect(r.sinkhorn!.marginalError).toBeLessThanOrEqual(1e-9);
    for (let k = 0; k < 3; k++) {
      let m0 = 0, m1 = 0;
      for (let i = 0; i < 30; i++) { m0 += Z.data[i * 3 + k]; m1 += r.tokens.data[i * 3 + k]; }
      expect(Math.abs(m1 - m0) / 30).toBeLessThan(1e-8);
    }
    // too few iterations: status and message say so
    const short = softmaxDynamics(Z, { weights: 'sinkhorn', temperature: 0.05, steps: 1, sinkhorn: { maxIterations: 2 } });
    expect(short.sinkhorn!.status).toBe('maxIterations');
    expect(short.sinkhorn!.message).toMatch(/maxIterations/);
    const sph = sphereDynamics(randomCloud(rng, 16, 3), { weights: 'sinkhorn', beta: 3, steps: 20, dt: 0.1 });
    expect(sph.sinkhorn!.status).toBe('converged');
    expect(countClusters(sph.tokens, 1e-2)).toBeGreaterThan(0);
  });

  it('sphere multi-head: identical heads equal one head (variant engine) to rounding, and the kernel to rounding', () => {
    const rng = createRng(5);
    const X = randomCloud(rng, 14, 3);
    const M = () => Array.from({ length: 9 }, (_, j) => (j % 4 === 0 ? 1 : 0) + 0.2 * rng.normal());
    const Q = M(), K = M(), V = M();
    const o = { beta: 1.5, steps: 10, dt: 0.05 };
    const kernel = sphereDynamics(X, { ...o, Q, K, V, algorithm: 'rows' }).tokens.data;
    const one = sphereDynamics(X, { ...o, heads: [{ Q, K, V }] }).tokens.data;
    const two = sphereDynamics(X, { ...o, heads: [{ Q, K, V }, { Q, K, V }] }).tokens.data;
    same(two, one);
    expect(maxAbsDiff(one, kernel)).toBeLessThan(1e-13);
    const usa = sphereDynamics(X, { ...o, normalization: 'USA', heads: [{ Q, K, V }] }).tokens.data;
    expect(maxAbsDiff(usa, sphereDynamics(X, { ...o, normalization: 'USA', Q, K, V, algorithm: 'rows' }).tokens.data)).toBeLessThan(1e-13);
  });

  it('bad variant options are typed errors', () => {
    const Z = [[1, 0], [0, 1], [0.5, 0.5]];
    expect(() => softmaxDynamics(Z, { mask: 'causal', weights: 'sinkhorn' })).toThrow(/identity/);
    expect(() => softmaxDynamics(Z, { weights: 'relu' as 'softmax' })).toThrow(InvalidArgumentError);
    expect(() => softmaxDynamics(Z, { mask: 'future' as 'causal' })).toThrow(/options.mask/);
    expect(() => softmaxDynamics(Z, { heads: [] })).toThrow(/options.heads/);
    expect(() => softmaxDynamics(Z, { heads: [{ A: [[1, 0], [0, 1]] }], A: [[1, 0], [0, 1]] })).toThrow(/options.A/);
    expect(() => softmaxDynamics(Z, { heads: [{ A: [[1, 2], [2, 1]] }] })).toThrow(/heads\[0\].A/);
    expect(() => softmaxDynamics(Z, { weights: 'sinkhorn', sinkhorn: { tolerance: 0 } })).toThrow(/tolerance/);
    expect(() => softmaxDynamics(Z, { weights: 'sigmoid', sigmoidBias: NaN })).toThrow(/sigmoidBias/);
    expect(() => sphereDynamics(Z, { heads: [{}], Q: [[1, 0], [0, 1]] })).toThrow(/options.Q/);
  });
});
