/**
 * train / trainAsync: the loss decreases (Adam, L-BFGS, mini-batches, schedules, durations),
 * the result is bit-reproducible by seed, a warm start keeps a perfect construction perfect, an
 * aborted or diverging run returns the best controls so far and says why.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, summarizeControls as describeControls, init, lossAndGradient, makeControls, train, trainAsync } from '../../src/index.js';
import { createRng, randomCloud } from '../helpers.js';

beforeAll(async () => {
  await init({ variant: 'debug' });
});

const rng = createRng(42);
const X = randomCloud(rng, 30, 2);
// targets: a rotation by 60°, reachable by the flow
const Y = { n: 30, d: 2, data: new Float64Array(60) };
for (let i = 0; i < 30; i++) {
  const x = X.data[2 * i], y = X.data[2 * i + 1];
  Y.data[2 * i] = 0.5 * x - 0.866 * y + 0.3;
  Y.data[2 * i + 1] = 0.866 * x + 0.5 * y;
}

describe('train', () => {
  it('Adam lowers J_α; history holds loss, risk, BV per epoch; the returned controls have the reported loss', () => {
    const r = train(X, Y, { width: 6, layers: 3, epochs: 60, learningRate: 0.03, alpha: 1e-3, seed: 1 });
    expect(r.history.length).toBe(60);
    expect(r.status).toBe('maxEpochs');
    expect(r.loss).toBeLessThan(0.5 * r.history[0].loss);
    const check = lossAndGradient(r.controls, X, Y, { alpha: 1e-3 });
    expect(check.loss).toBe(r.loss);
    expect(r.bv).toBeCloseTo(describeControls(r.controls).bvNorm, 12);
  });
  it('is bit-reproducible by seed (mini-batches, cosine schedule, durations), async included', async () => {
    const o = { width: 4, layers: 2, epochs: 8, batchSize: 7, learningRate: 0.02, schedule: 'cosine', trainDurations: true, seed: 9 } as const;
    const a = train(X, Y, o), b = train(X, Y, o), c = await trainAsync(X, Y, o);
    for (const r of [b, c]) {
      expect(r.loss).toBe(a.loss);
      r.controls.layers.forEach((L, k) => {
        expect(Array.from(L.W)).toEqual(Array.from(a.controls.layers[k].W));
        expect(L.duration).toBe(a.controls.layers[k].duration);
      });
    }
    expect(a.controls.layers[0].duration).not.toBe(0.5);
    const other = train(X, Y, { ...o, seed: 10 });
    expect(other.loss).not.toBe(a.loss);
  });
  it('L-BFGS (exact gradients) reaches a lower loss than its start and reports convergence or maxEpochs', () => {
    const r = train(X, Y, { width: 6, layers: 2, epochs: 40, optimizer: 'lbfgs', seed: 2, method: 'exact' });
    expect(['converged', 'maxEpochs']).toContain(r.status);
    expect(r.loss).toBeLessThan(0.2 * r.history[0].loss);
  });
  it('warm start from controls keeps their loss or lowers it', () => {
    const first = train(X, Y, { width: 4, layers: 2, epochs: 30, learningRate: 0.03, seed: 3 });
    const warm = train(X, Y, { controls: first.controls, epochs: 10, learningRate: 0.01 });
    expect(warm.history[0].loss).toBe(first.loss);
    expect(warm.loss).toBeLessThanOrEqual(first.loss);
  });
  it('hinge loss with a linear readout reaches full training accuracy on separable data', () => {
    const lab = Array.from({ length: 30 }, (_, i) => (X.data[2 * i] * X.data[2 * i] + X.data[2 * i + 1] * X.data[2 * i + 1] < 1 ? 1 : 0));
    const r = train(X, lab, { width: 8, layers: 4, epochs: 300, learningRate: 0.05, seed: 4, loss: { kind: 'hinge', margin: 0.1, readout: { w: [1, 0], c: 0 } } });
    const last = r.history[r.history.length - 1];
    expect(last.accuracy).toBeGreaterThan(0.9);
  });
  it('a diverging run stops with status diverged naming the epoch and learning rate, keeping the best controls', () => {
    const r = train(X, Y, { width: 4, layers: 2, epochs: 50, learningRate: 1e6, seed: 5, T: 5 });
    expect(r.status).toBe('diverged');
    expect(r.message).toMatch(/epoch \d+ \(learning rate 1000000\)/);
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(r.loss).toBe(Math.min(...r.history.map((h) => h.loss).filter(Number.isFinite)));
  });
  it('an aborted run returns the best controls so far', () => {
    const ac = new AbortController();
    const r = train(X, Y, { width: 4, layers: 2, epochs: 1000, seed: 6, signal: ac.signal, onEpoch: (e) => e.epoch === 4 && ac.abort() });
    expect(r.status).toBe('aborted');
    expect(r.history.length).toBe(5);
    expect(r.message).toMatch(/aborted/);
  });
  it('rejects bad options with typed errors', () => {
    expect(() => train(X, Y, { optimizer: 'sgd' as never })).toThrow(InvalidArgumentError);
    expect(() => train(X, Y, { optimizer: 'lbfgs', batchSize: 5 })).toThrow(InvalidArgumentError);
    expect(() => train(X, Y, { learningRate: -1 })).toThrow(InvalidArgumentError);
    expect(() => train(X, Y, { alpha: -1 })).toThrow(/options\.alpha/);
    expect(() => train(X, Y, { controls: makeControls({ d: 3, width: 1, layers: [{ duration: 1, W: [0, 0, 0], A: [1, 0, 0], b: [0] }] }) })).toThrow(/dimension/);
  });
});
