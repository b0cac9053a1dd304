/**
 * Continuous-time dropout (random batch method): the draw is unbiased in the field (E[m_i/π_i] = 1),
 * the error against the full model shrinks with h, the gradient through a draw folds back by the
 * chain rule (finite differences on the original controls with the same draw), and training with
 * dropout runs and is reproducible.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, init, lossAndGradient, makeControls, train } from '../../src/index.js';
import { dropoutControls, dropoutErrorRate, foldDropoutGradient } from '../../src/training/dropout.js';
import { zeroGradient } from '../../src/training/loss.js';
import { randomCloud, randomControls } from '../helpers.js';

beforeAll(async () => {
  await init({ variant: 'debug' });
});

describe('continuous-time dropout', () => {
  const rng = createRng(2);
  const c = randomControls(rng, 2, 6, 2, 1, 1.5);
  const X = randomCloud(rng, 10, 2);
  it.each([
    { kind: 'uniform', r: 2 },
    { kind: 'partition', groups: 3 },
    { kind: 'bernoulli', q: 0.4 },
  ] as const)('$kind: scales average to 1 and intervals never cross a switch', (scheme) => {
    const r = createRng(7);
    const sum = new Float64Array(6);
    const draws = 4000;
    for (let q = 0; q < draws; q++) {
      const dr = dropoutControls(c, 0.3, scheme, r);
      expect(dr.controls.layers.length).toBe(4); // ⌈0.5/0.3⌉ = 2 per layer
      expect(dr.controls.T).toBeCloseTo(c.T, 14);
      for (let i = 0; i < 6; i++) sum[i] += dr.pieces[0].scale[i];
    }
    for (let i = 0; i < 6; i++) expect(Math.abs(sum[i] / draws - 1)).toBeLessThan(0.1);
  });
  it('the expected uniform error decreases with h', () => {
    const { rows, rate } = dropoutErrorRate(c, X, { hs: [1 / 2, 1 / 8, 1 / 32], draws: 40, scheme: { kind: 'uniform', r: 3 }, seed: 1 });
    expect(rows[2].meanError).toBeLessThan(rows[0].meanError);
    expect(rate).toBeGreaterThan(0.3);
  });
  it('gradient through a draw = finite differences of the same draw on the original controls', () => {
    const Y = randomCloud(createRng(3), 10, 2);
    const scheme = { kind: 'bernoulli', q: 0.5 } as const;
    const drawOf = (cc: typeof c) => dropoutControls(cc, 0.2, scheme, createRng(11));
    const d0 = drawOf(c);
    const r = lossAndGradient(d0.controls, X, Y, { stepsPerLayer: 3, durations: true });
    const g = zeroGradient(c);
    const gd = zeroGradient(d0.controls);
    r.gradient.layers.forEach((L, j) => {
      gd[j].W.set(L.W);
      gd[j].A.set(L.A);
      gd[j].b.set(L.b);
      gd[j].duration[0] = L.duration;
    });
    foldDropoutGradient(d0, gd, g, 2, 6);
    const lay = c.layers.map((l) => ({ duration: l.duration, W: l.W.slice(), A: l.A.slice(), b: l.b.slice() }));
    const f = () => lossAndGradient(drawOf(makeControls({ d: 2, width: 6, layers: lay })).controls, X, Y, { stepsPerLayer: 3 }).loss;
    let worst = 0;
    for (const [k, key, j] of [[0, 'W', 1], [1, 'W', 7], [0, 'A', 3], [1, 'b', 2]] as const) {
      const v0 = lay[k][key][j];
      lay[k][key][j] = v0 + 1e-6;
      const fp = f();
      lay[k][key][j] = v0 - 1e-6;
      const fm = f();
      lay[k][key][j] = v0;
      worst = Math.max(worst, Math.abs((fp - fm) / 2e-6 - g[k][key][j]));
    }
    expect(worst).toBeLessThan(1e-6);
  });
  it('train with dropout runs, lowers the loss and is reproducible', () => {
    const Y = randomCloud(createRng(4), 10, 2);
    const o = { controls: c, epochs: 30, learningRate: 0.02, dropout: { h: 0.25, scheme: { kind: 'uniform', r: 3 } }, seed: 3 } as const;
    const a = train(X, Y, o), b = train(X, Y, o);
    expect(a.loss).toBe(b.loss);
    expect(a.loss).toBeLessThan(a.history[0].loss);
  });
});
