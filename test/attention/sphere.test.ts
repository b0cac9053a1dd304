import { beforeAll, describe, expect, it } from 'vitest';
import { countClusters, init, InvalidArgumentError, sphereDynamics } from '../../src/index.js';
import { sphereFieldJS, sphereRk4JS } from '../../src/kernels/sphere.js';
import { createRng, maxAbsDiff, randomCloud } from '../helpers.js';

const I = (d: number): Float64Array => { const a = new Float64Array(d * d); for (let k = 0; k < d; k++) a[k * d + k] = 1; return a; };
const energy = (x: Float64Array, n: number, d: number, beta: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let g = 0;
    for (let k = 0; k < d; k++) g += x[i * d + k] * x[j * d + k];
    s += Math.exp(beta * g);
  }
  return s / (2 * beta * n * n);
};

describe('sphereDynamics', () => {
  beforeAll(() => init({ variant: 'debug' }));

  // twin ≡ kernel: test/kernels/sphere.test.ts

  it('symmetric path (QᵀK symmetric: one exp per pair, common shift) equals its twin bit for bit and the per-row path to rounding', () => {
    const rng = createRng(12);
    let cases = 0;
    for (const [n, d, mode, qk] of [[7, 3, 'SA', 'I'], [8, 2, 'USA', 'I'], [13, 4, 'USA', 'QQ'], [10, 3, 'SA', 'QQ'], [1, 3, 'SA', 'I'], [2, 2, 'USA', 'I'], [33, 3, 'SA', 'I']] as const) {
      const X = randomCloud(rng, n, d);
      const M = () => Array.from({ length: d * d }, (_, j) => (j % (d + 1) === 0 ? 1 : 0) + 0.2 * rng.normal());
      const Q = qk === 'I' ? Array.from(I(d)) : M(), V = M();
      const opts = { beta: 1.5, steps: 5, dt: 0.05, normalization: mode, Q, K: Q, V };
      const sym = sphereDynamics(X, { ...opts, algorithm: 'symmetric' });
      const auto = sphereDynamics(X, opts);
      const rows = sphereDynamics(X, { ...opts, algorithm: 'rows' });
      const x = sphereDynamics(X, { steps: 0 }).tokens.data.slice();
      sphereRk4JS(x, n, d, Float64Array.from(Q), Float64Array.from(Q), Float64Array.from(V), 1.5, mode === 'SA', 0.05, 5, true);
      expect(Array.from(sym.tokens.data)).toEqual(Array.from(x));
      expect(Array.from(auto.tokens.data)).toEqual(Array.from(x));
      expect(maxAbsDiff(rows.tokens.data, x)).toBeLessThan(1e-13);
      cases++;
    }
    expect(cases).toBe(7);
  });

  it('symmetric path falls back to the per-row shift when β·max|Qx|·max|Kx| > 300, and is rejected when QᵀK is not symmetric', () => {
    const rng = createRng(13);
    const X = randomCloud(rng, 9, 3);
    const big = { beta: 400, steps: 3, dt: 1e-4 };
    const a = sphereDynamics(X, { ...big, algorithm: 'symmetric' }), b = sphereDynamics(X, { ...big, algorithm: 'rows' });
    expect(Array.from(a.tokens.data)).toEqual(Array.from(b.tokens.data));
    expect(() => sphereDynamics(X, { K: [2, 1, 0, 0, 1, 0, 0, 0, 1], algorithm: 'symmetric' })).toThrow(InvalidArgumentError);
    expect(() => sphereDynamics(X, { algorithm: 'fast' as 'rows' })).toThrow(/options.algorithm/);
  });

  it('JS backend (twins) gives the same run as WASM on both paths', async () => {
    const rng = createRng(14);
    const X = randomCloud(rng, 21, 3);
    const K = [1, 0.3, 0, 0, 1, 0, 0.2, 0, 1];
    const w = [sphereDynamics(X, { steps: 4 }), sphereDynamics(X, { steps: 4, K })];
    await init({ backend: 'js' });
    try {
      expect(Array.from(sphereDynamics(X, { steps: 4 }).tokens.data)).toEqual(Array.from(w[0].tokens.data));
      expect(Array.from(sphereDynamics(X, { steps: 4, K }).tokens.data)).toEqual(Array.from(w[1].tokens.data));
    } finally {
      await init({ variant: 'debug' });
    }
  });

  it('USA on the circle is the angle ODE θ̇_i = (1/n) Σ_j e^{β cos(θ_i−θ_j)} sin(θ_j−θ_i)', () => {
    const rng = createRng(8);
    const n = 8, beta = 2;
    const th = Array.from({ length: n }, () => 2 * Math.PI * rng.uniform());
    const x = new Float64Array(th.flatMap((t) => [Math.cos(t), Math.sin(t)]));
    const v = new Float64Array(2 * n);
    sphereFieldJS(x, n, 2, I(2), I(2), I(2), beta, false, v);
    for (let i = 0; i < n; i++) {
      let w = 0;
      for (let j = 0; j < n; j++) w += Math.exp(beta * Math.cos(th[i] - th[j])) * Math.sin(th[j] - th[i]);
      expect(-Math.sin(th[i]) * v[2 * i] + Math.cos(th[i]) * v[2 * i + 1]).toBeCloseTo(w / n, 12);
    }
  });

  it('energy E_β is nondecreasing (SA and USA, n = 16, d = 3, β = 1)', () => {
    for (const normalization of ['SA', 'USA'] as const) {
      const rng = createRng(3);
      let X = sphereDynamics(randomCloud(rng, 16, 3), { steps: 0 }).tokens;
      let E = energy(X.data, 16, 3, 1);
      for (let k = 0; k < 30; k++) {
        X = sphereDynamics(X, { beta: 1, steps: 20, dt: 0.01, normalization }).tokens;
        const E2 = energy(X.data, 16, 3, 1);
        expect(E2).toBeGreaterThanOrEqual(E - 1e-12);
        E = E2;
      }
    }
  });

  it('particles in an open half-circle collapse to one cluster (β = 1, T = 40)', () => {
    const rng = createRng(6);
    const X = Array.from({ length: 20 }, () => [Math.abs(rng.normal()) + 0.05, rng.normal()]);
    for (const normalization of ['SA', 'USA'] as const) {
      const r = sphereDynamics(X, { beta: 1, steps: 4000, dt: 0.01, normalization });
      expect(countClusters(r.tokens, 1e-6)).toBe(1);
      for (let i = 0; i < 20; i++) expect(Math.hypot(r.tokens.data[2 * i], r.tokens.data[2 * i + 1])).toBeCloseTo(1, 14);
    }
  });

  it('records frames and rejects bad input', () => {
    const r = sphereDynamics([[1, 0, 0], [0, 1, 0]], { steps: 10, trajectory: { every: 5 } });
    expect(r.trajectory!.frames).toBe(3);
    expect(Array.from(r.trajectory!.times)).toEqual([0, 0.05, 0.1]);
    expect(Array.from(r.trajectory!.data.subarray(12))).toEqual(Array.from(r.tokens.data));
    expect(Array.from(r.trajectory!.data.subarray(0, 6))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(sphereDynamics([[1, 0, 0], [0, 1, 0]], { steps: 10 }).trajectory).toBeUndefined();
    expect(() => sphereDynamics([[1, 0]], { every: 5 } as never)).toThrow(/trajectory/);
    expect(() => sphereDynamics([[0, 0, 0]])).toThrow(InvalidArgumentError);
    expect(() => sphereDynamics([[1, 0]], { normalization: 'X' as 'SA' })).toThrow(/normalization/);
    expect(() => sphereDynamics([[1, 0]], { dt: -1 })).toThrow(/options.dt/);
    expect(() => sphereDynamics([[1, 0]], { beta: -1 })).toThrow(/options.beta/);
    expect(() => countClusters([[1, 0]], 0)).toThrow(InvalidArgumentError);
  });
});
