/**
 * lossAndGradient: gradients against central finite differences for every parameter kind
 * (W, A, b, duration) and all three methods, all three losses; PyTorch autograd fixtures for
 * 'rk4' (test/fixtures/make_train_fixtures.py); WASM ≡ TS backend bit for bit; 'exact' as the limit
 * of 'rk4' as the steps grow; typed errors.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError, InvalidArgumentError, NonFiniteError, ShapeMismatchError, init, lossAndGradient, lossAndGradientAsync, makeControls,
  type Controls, type LossOptions, type PointCloud,
} from '../../src/index.js';
import { discreteStorageBytes } from '../../src/training/gradient-rk4.js';
import { createRng, randomCloud, randomControls } from '../helpers.js';

const FULL = process.env.FULL === '1';

beforeAll(async () => {
  await init({ variant: 'debug' });
});

type Key = 'W' | 'A' | 'b' | 'duration';

/** Central differences of the loss in every parameter; returns the worst |fd − g| / max(1, |g|∞). */
function fdCheck(c: Controls, X: PointCloud, Y: PointCloud | number[], o: LossOptions, eps = 1e-5): { worst: number; kinds: Set<Key> } {
  const r = lossAndGradient(c, X, Y, o);
  const lay = c.layers.map((l) => ({ duration: l.duration, W: l.W.slice(), A: l.A.slice(), b: l.b.slice() }));
  const f = (): number => lossAndGradient(makeControls({ d: c.d, width: c.width, layers: lay }), X, Y, o).loss;
  let gmax = 0;
  for (const L of r.gradient.layers) for (const v of [...L.W, ...L.A, ...L.b, L.duration]) gmax = Math.max(gmax, Math.abs(v));
  let worst = 0;
  const kinds = new Set<Key>();
  for (let k = 0; k < lay.length; k++) {
    for (const key of ['W', 'A', 'b', 'duration'] as const) {
      const n = key === 'duration' ? 1 : lay[k][key].length;
      for (let j = 0; j < n; j++) {
        const get = (): number => (key === 'duration' ? lay[k].duration : lay[k][key][j]);
        const set = (v: number): void => {
          if (key === 'duration') lay[k].duration = v;
          else lay[k][key][j] = v;
        };
        const v0 = get();
        set(v0 + eps);
        const fp = f();
        set(v0 - eps);
        const fm = f();
        set(v0);
        const fd = (fp - fm) / (2 * eps);
        const g = key === 'duration' ? r.gradient.layers[k].duration : r.gradient.layers[k][key][j];
        if (g !== 0) kinds.add(key);
        worst = Math.max(worst, Math.abs(fd - g) / Math.max(1, gmax));
      }
    }
  }
  return { worst, kinds };
}

describe('finite differences (relative ≤ 1e-6)', () => {
  const rng = createRng(3);
  const c = randomControls(rng, 2, 3, 3, 1.5, 1.5);
  const X = randomCloud(rng, 6, 2), Y = randomCloud(rng, 6, 2);
  it.each(['rk4', 'euler', 'exact'] as const)('%s, squared loss, α > 0, durations', (method) => {
    const { worst, kinds } = fdCheck(c, X, Y, { method, stepsPerLayer: 7, alpha: 0.01, durations: true });
    expect(worst).toBeLessThan(1e-6);
    expect([...kinds].sort()).toEqual(['A', 'W', 'b', 'duration']);
  });
  const labels = [1, 0, 1, 1, 0, 0];
  it.each(['rk4', 'exact'] as const)('%s, hinge and logistic / softmax cross-entropy', (method) => {
    const readout = { w: [0.6, -0.8], c: 0.1 };
    // margin large enough that every point is inside it (no kink within ±eps)
    for (const loss of [
      { kind: 'hinge', margin: 50, readout },
      { kind: 'crossEntropy', readout },
      { kind: 'crossEntropy', readout: { V: [1, 0, 0, 1, -1, -1], c: [0, 0.2, -0.1] } },
    ] as const) {
      const Yl = loss.kind === 'crossEntropy' && 'V' in loss.readout ? [0, 1, 2, 2, 1, 0] : labels;
      const { worst } = fdCheck(c, X, Yl, { method, stepsPerLayer: 5, alpha: 0.003, durations: true, loss });
      expect(worst).toBeLessThan(1e-6);
    }
  });
  it('exact: a silent neuron (w_i = 0) crossing its hyperplane still gets ∂/∂W', () => {
    const W = [1, 0, -0.5, 0.3, 0, 0.4]; // neuron 1 silent
    const c2 = makeControls({ d: 2, width: 3, layers: [
      { duration: 1.2, W, A: [0.8, 0.6, 1, 0, 0, 1], b: [0.1, -0.05, 0.2] },
      { duration: 0.7, W: [0.2, 0.5, -0.3, 0.1, 0.2, 0.6], A: [0, 1, 1, 1, -1, 0.5], b: [0.3, 0, -0.1] },
    ] });
    const Xs = { n: 4, d: 2, data: Float64Array.from([0.3, 0.2, -0.4, 0.5, 0.13, -0.31, -0.2, -0.1]) };
    const Ys = { n: 4, d: 2, data: Float64Array.from([1, 0, 0, 1, -1, 0, 0, -1]) };
    const r = lossAndGradient(c2, Xs, Ys, { method: 'exact' });
    expect(r.gradient.layers[0].W[1]).not.toBe(0);
    const { worst } = fdCheck(c2, Xs, Ys, { method: 'exact', durations: true, alpha: 0.01 });
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('rk4 gradients = PyTorch autograd through the same steps', () => {
  const fx = JSON.parse(readFileSync(new URL('../fixtures/train_rk4_torch.json', import.meta.url), 'utf8')) as {
    fixtures: {
      case: { name: string; n: number; d: number; p: number; steps: number; alpha: number };
      X: number[]; Y: number[]; layers: { W: number[]; A: number[]; b: number[]; duration: number }[];
      anchor: { J: number; gradNorm: number };
      torch: { J: number; risk: number; gradient: { W: number[]; A: number[]; b: number[]; duration: number }[] };
    }[];
  };
  it.each(fx.fixtures.map((f) => [f.case.name, f] as const))('%s', (_n, f) => {
    const { n, d, p, steps, alpha } = f.case;
    const c = makeControls({ d, width: p, layers: f.layers });
    const r = lossAndGradient(c, { n, d, data: Float64Array.from(f.X) }, { n, d, data: Float64Array.from(f.Y) }, { method: 'rk4', stepsPerLayer: steps, alpha, durations: true });
    const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
    expect(rel(r.loss, f.anchor.J)).toBeLessThan(1e-10);
    expect(rel(r.loss, f.torch.J)).toBeLessThan(1e-10);
    let g2 = 0, gmax = 0;
    for (const L of r.gradient.layers) for (const v of [...L.W, ...L.A, ...L.b]) g2 += v * v;
    for (const L of f.torch.gradient) for (const v of [...L.W, ...L.A, ...L.b, L.duration]) gmax = Math.max(gmax, Math.abs(v));
    expect(rel(Math.sqrt(g2), f.anchor.gradNorm)).toBeLessThan(1e-10);
    let worst = 0;
    r.gradient.layers.forEach((L, k) => {
      const T = f.torch.gradient[k];
      for (const key of ['W', 'A', 'b'] as const) L[key].forEach((v, j) => (worst = Math.max(worst, Math.abs(v - T[key][j]))));
      worst = Math.max(worst, Math.abs(L.duration - T.duration));
    });
    expect(worst / gmax).toBeLessThan(1e-10);
  });
});

describe('backends and limits', () => {
  afterAll(async () => {
    await init({ variant: 'debug' });
  });
  it('WASM and TS backends give the same doubles (rk4 and euler)', async () => {
    const rng = createRng(11);
    const c = randomControls(rng, 3, 5, 3, 1, 1.2);
    const X = randomCloud(rng, 37, 3), Y = randomCloud(rng, 37, 3);
    const opts = [{ method: 'rk4', stepsPerLayer: 4, alpha: 0.1, durations: true }, { method: 'euler', stepsPerLayer: 9, durations: true }] as const;
    const wasm = opts.map((o) => lossAndGradient(c, X, Y, o));
    await init({ backend: 'js' });
    const js = opts.map((o) => lossAndGradient(c, X, Y, o));
    for (let m = 0; m < opts.length; m++) {
      expect(Object.is(wasm[m].loss, js[m].loss)).toBe(true);
      wasm[m].gradient.layers.forEach((L, k) => {
        const J = js[m].gradient.layers[k];
        for (const key of ['W', 'A', 'b'] as const) expect(L[key].every((v, j) => Object.is(v, J[key][j]))).toBe(true);
        expect(Object.is(L.duration, J.duration)).toBe(true);
      });
    }
  });
  it("'exact' is the limit of 'rk4' as the steps grow (measured order ≈ 1: kinks fall inside steps)", () => {
    const rng = createRng(5);
    const c = randomControls(rng, 2, 4, 2, 1.5, 1.5);
    const X = randomCloud(rng, 8, 2), Y = randomCloud(rng, 8, 2);
    const flat = (r: ReturnType<typeof lossAndGradient>): number[] => r.gradient.layers.flatMap((L) => [...L.W, ...L.A, ...L.b, L.duration]);
    const ex = flat(lossAndGradient(c, X, Y, { method: 'exact', durations: true }));
    const gm = Math.max(...ex.map(Math.abs));
    const steps = [8, 32, 128, 512, 2048];
    const errs = steps.map((s) => {
      const g = flat(lossAndGradient(c, X, Y, { method: 'rk4', stepsPerLayer: s, durations: true }));
      let e2 = 0;
      g.forEach((v, j) => (e2 += (v - ex[j]) ** 2));
      return Math.sqrt(e2) / gm;
    });
    // least-squares slope of log(err) against log(1/steps)
    const xs = steps.map((s) => Math.log(s)), ys = errs.map((e) => Math.log(e));
    const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
    let num = 0, den = 0;
    xs.forEach((x, j) => ((num += (x - mx) * (ys[j] - my)), (den += (x - mx) ** 2)));
    const order = -num / den;
    expect(errs[errs.length - 1]).toBeLessThan(1e-4);
    expect(order).toBeGreaterThan(0.8);
  });
  it('stores (layers + 2)·N·d doubles, within (layers + 4·steps + 2)·N·d·8 bytes', () => {
    expect(discreteStorageBytes(4, 1e4, 2)).toBeLessThanOrEqual((4 + 4 * 10 + 2) * 1e4 * 2 * 8);
  });
});

describe('typed errors', () => {
  const rng = createRng(1);
  const c = randomControls(rng, 2, 3, 2);
  const X = randomCloud(rng, 5, 2), Y = randomCloud(rng, 5, 2);
  it('shape mismatches', () => {
    expect(() => lossAndGradient(c, X, randomCloud(rng, 4, 2))).toThrow(ShapeMismatchError);
    expect(() => lossAndGradient(c, randomCloud(rng, 5, 3), Y)).toThrow(ShapeMismatchError);
    expect(() => lossAndGradient(c, X, [1, 0, 1], { loss: { kind: 'hinge', readout: { w: [1, 0] } } })).toThrow(ShapeMismatchError);
    expect(() => lossAndGradient(c, X, [1, 0, 1, 1, 0], { loss: { kind: 'hinge', readout: { w: [1, 0, 0] } } })).toThrow(ShapeMismatchError);
  });
  it('alpha < 0, bad method / steps / labels', () => {
    expect(() => lossAndGradient(c, X, Y, { alpha: -1 })).toThrow(InvalidArgumentError);
    expect(() => lossAndGradient(c, X, Y, { alpha: -1 })).toThrow(/options\.alpha/);
    expect(() => lossAndGradient(c, X, Y, { method: 'rk5' as never })).toThrow(InvalidArgumentError);
    expect(() => lossAndGradient(c, X, Y, { stepsPerLayer: 0 })).toThrow(InvalidArgumentError);
    expect(() => lossAndGradient(c, X, [1, 2, 1, 1, 0], { loss: { kind: 'hinge', readout: { axis: 1 } } })).toThrow(InvalidArgumentError);
  });
  it('non-finite data, controls, or overflow', () => {
    const bad = { n: 5, d: 2, data: X.data.slice() };
    bad.data[3] = NaN;
    expect(() => lossAndGradient(c, bad, Y)).toThrow(NonFiniteError);
    expect(() => lossAndGradient(c, X, bad)).toThrow(NonFiniteError);
    const lay = c.layers.map((l) => ({ ...l, W: l.W.slice() }));
    lay[1].W[0] = Infinity;
    expect(() => lossAndGradient({ ...c, layers: lay } as Controls, X, Y)).toThrow(NonFiniteError);
    const huge = makeControls({ d: 1, width: 1, layers: [{ duration: 800, W: [1], A: [1], b: [1] }] });
    expect(() => lossAndGradient(huge, [[1]], [[0]], { stepsPerLayer: 1000 })).toThrow(NonFiniteError);
  });
});

if (FULL) {
  describe('FULL: finite differences on more random problems', () => {
    it.each([7, 8, 9, 10])('seed %i', (seed) => {
      const rng = createRng(seed);
      const c = randomControls(rng, 3, 4, 3, 1, 1.3);
      const X = randomCloud(rng, 10, 3), Y = randomCloud(rng, 10, 3);
      for (const method of ['rk4', 'euler', 'exact'] as const) {
        expect(fdCheck(c, X, Y, { method, stepsPerLayer: 6, alpha: 0.02, durations: true }).worst).toBeLessThan(1e-6);
      }
    });
  });
}

describe('long calls: chunks, progress, abort, async', () => {
  const rng = createRng(21);
  const c = randomControls(rng, 2, 4, 2);
  const X = randomCloud(rng, 5000, 2), Y = randomCloud(rng, 5000, 2);
  it('chunked (N > 4096) equals the sum of its parts; progress reaches 1; async gives the same doubles', async () => {
    const fr: number[] = [];
    const all = lossAndGradient(c, X, Y, { onProgress: (f) => fr.push(f) });
    expect(fr.length).toBeGreaterThan(1);
    expect(fr[fr.length - 1]).toBe(1);
    const part = (a: number, b: number) => lossAndGradient(c, { n: b - a, d: 2, data: X.data.slice(2 * a, 2 * b) }, { n: b - a, d: 2, data: Y.data.slice(2 * a, 2 * b) });
    const p1 = part(0, 4096), p2 = part(4096, 5000);
    expect(Math.abs(all.risk - (p1.risk + p2.risk))).toBeLessThan(1e-12 * all.risk);
    all.gradient.layers.forEach((L, k) => L.W.forEach((v, j) => expect(Math.abs(v - (p1.gradient.layers[k].W[j] + p2.gradient.layers[k].W[j]))).toBeLessThan(1e-10 * (1 + Math.abs(v)))));
    const asy = await lossAndGradientAsync(c, X, Y);
    expect(asy.loss).toBe(all.loss);
    expect(Array.from(asy.gradient.layers[1].A)).toEqual(Array.from(all.gradient.layers[1].A));
  });
  it('an AbortSignal stops it with AbortError', () => {
    const ac = new AbortController();
    expect(() => lossAndGradient(c, X, Y, { signal: ac.signal, onProgress: () => ac.abort() })).toThrow(AbortError);
  });
});
