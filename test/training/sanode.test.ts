/**
 * SA-NODE (survey eq. 5.2): the RK4 discrete-adjoint gradient against central differences for
 * W, A, β, b; the flow against a much finer RK4 run (a solver check that does not reuse the
 * gradient code); a small pendulum fit lowers the error.
 */
import { describe, expect, it } from 'vitest';
import { fitSaNode, pendulumData, saNodeFlow, saNodeLossAndGradient, type SaNodeParams } from '../../src/training/sanode.js';
import { createRng } from '../helpers.js';

function randomParams(seed: number, d: number, P: number): SaNodeParams {
  const rng = createRng(seed);
  const r = (n: number, s: number) => Float64Array.from({ length: n }, () => s * rng.normal());
  return { d, width: P, W: r(d * P, 0.6), A: r(P * d, 1), beta: r(P, 0.8), b: r(P, 0.5) };
}

describe('SA-NODE', () => {
  it('gradient = central differences (relative ≤ 1e-6) for W, A, β, b', () => {
    const p = randomParams(1, 2, 5);
    const X = Float64Array.from([0.3, -0.2, 1.1, 0.4, -0.7, 0.9]);
    const n = 3, T = 1.5, steps = 12, every = 4;
    const target = new Float64Array(4 * n * 2).map((_, j) => Math.sin(j));
    target.set(X, 0);
    const { gradient } = saNodeLossAndGradient(p, X, n, target, T, steps, every);
    let worst = 0, gmax = 0;
    for (const key of ['W', 'A', 'beta', 'b'] as const) {
      for (let j = 0; j < p[key].length; j++) {
        const v0 = p[key][j], eps = 1e-6;
        p[key][j] = v0 + eps;
        const fp = saNodeLossAndGradient(p, X, n, target, T, steps, every).loss;
        p[key][j] = v0 - eps;
        const fm = saNodeLossAndGradient(p, X, n, target, T, steps, every).loss;
        p[key][j] = v0;
        worst = Math.max(worst, Math.abs((fp - fm) / (2 * eps) - gradient[key][j]));
        gmax = Math.max(gmax, Math.abs(gradient[key][j]));
      }
    }
    expect(gmax).toBeGreaterThan(0);
    expect(worst / Math.max(1, gmax)).toBeLessThan(1e-6);
  });
  it('RK4 flow converges (1000 vs 8000 steps agree to 1e-5: the kinks make it second order)', () => {
    const p = randomParams(2, 3, 6);
    const X = [[0.1, 0.2, 0.3], [-1, 0.5, 0]];
    const a = saNodeFlow(p, X, { T: 2, steps: 1000 }), b = saNodeFlow(p, X, { T: 2, steps: 8000 });
    const fa = a.data.subarray(a.n * a.d), fb = b.data.subarray(b.n * b.d);
    for (let j = 0; j < fa.length; j++) expect(Math.abs(fa[j] - fb[j])).toBeLessThan(1e-5);
  });
  it('fits a coarse pendulum data set (error decreases)', () => {
    const { X, target, frames } = pendulumData(5, 2, 2, 5);
    const r = fitSaNode(X, target, frames, { width: 8, T: 2, steps: 16, epochs: 60, learningRate: 0.02, seed: 1 });
    expect(r.history[r.history.length - 1]).toBeLessThan(0.5 * r.history[0]);
    expect(Number.isFinite(r.rmse)).toBe(true);
  });
});
