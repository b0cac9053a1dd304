import { beforeAll, describe, expect, it } from 'vitest';
import { backend, flow, flowAsync, init, makeControls, trajectoryFrames, type Controls } from '../../src/index.js';
import { createRng, maxAbsDiff, randomCloud, randomControls } from '../helpers.js';

beforeAll(async () => {
  await init({ variant: 'debug' });
});

/** One neuron: ẋ = w relu(⟨a,x⟩ + b). On the active side y = ⟨a,x⟩+b obeys ẏ = λy, λ = w·a. */
function oneNeuron(w: number[], a: number[], b: number, duration: number): Controls {
  return makeControls({ d: w.length, width: 1, layers: [{ duration, W: w, A: a, b: [b] }] });
}

function oneNeuronExact(x0: ArrayLike<number>, w: number[], a: number[], b: number, t: number): number[] {
  const d = w.length;
  let y0 = b, lambda = 0;
  for (let k = 0; k < d; k++) {
    y0 += a[k] * x0[k];
    lambda += w[k] * a[k];
  }
  if (y0 <= 0) return Array.from(x0);
  const g = lambda === 0 ? t : Math.expm1(lambda * t) / lambda;
  return Array.from({ length: d }, (_, k) => x0[k] + w[k] * y0 * g);
}

describe('backends (kernel-vs-twin bit tests: test/kernels/)', () => {
  it('the js backend gives the same numbers as wasm-simd', async () => {
    const rng = createRng(3);
    const c = randomControls(rng, 4, 12, 2);
    const X = randomCloud(rng, 257, 4);
    const w = flow(c, X, { stepsPerLayer: 10, trajectory: { every: 3 } });
    await init({ backend: 'js' });
    try {
      expect(backend()).toBe('js');
      const j = flow(c, X, { stepsPerLayer: 10, trajectory: { every: 3 } });
      expect(maxAbsDiff(w.data, j.data)).toBe(0);
      expect(maxAbsDiff(w.trajectory!.data, j.trajectory!.data)).toBe(0);
    } finally {
      await init({ variant: 'debug' });
    }
  });

  it('the release build agrees with the debug build', async () => {
    const rng = createRng(5);
    const c = randomControls(rng, 3, 9, 2);
    const X = randomCloud(rng, 333, 3);
    const dbg = flow(c, X, { stepsPerLayer: 12 });
    await init({ variant: 'release' });
    try {
      const rel = flow(c, X, { stepsPerLayer: 12 });
      expect(maxAbsDiff(dbg.data, rel.data)).toBe(0);
    } finally {
      await init({ variant: 'debug' });
    }
  });
});

describe('rk4 against the closed-form one-neuron flow', () => {
  const cases: [number[], number[], number][] = [
    [[0.8, -0.3], [0.6, 0.8], 0.2], // λ = 0.24 > 0: expansion
    [[-1.2, 0.4], [1, 0], 0.5], // λ = -1.2: compression toward the hyperplane
    [[0, 1.5], [1, 0], -0.1], // λ = 0: shear (parallel motion)
    [[0.3, 0.2, -0.5], [0.2, -0.4, 0.9], 0.1],
  ];
  it('matches to 5e-12 relative with 400 steps (rounding over 400 steps), and inactive points never move', () => {
    const rng = createRng(11);
    for (const [w, a, b] of cases) {
      const d = w.length;
      const c = oneNeuron(w, a, b, 1.3);
      const X = randomCloud(rng, 200, d);
      const r = flow(c, X, { method: 'rk4', stepsPerLayer: 400 });
      for (let i = 0; i < X.n; i++) {
        const x0 = X.data.subarray(i * d, (i + 1) * d);
        const ex = oneNeuronExact(x0, w, a, b, 1.3);
        for (let k = 0; k < d; k++) expect(Math.abs(r.data[i * d + k] - ex[k])).toBeLessThanOrEqual(5e-12 * Math.max(1, Math.abs(ex[k])));
      }
    }
  });

  it('converges at fourth order: the error ratio is ≈ 16 when h halves', () => {
    const w = [1.1, -0.7], a = [0.9, 0.5], b = 0.3;
    const c = oneNeuron(w, a, b, 2);
    const X = { n: 1, d: 2, data: new Float64Array([0.7, 0.4]) };
    const ex = oneNeuronExact(X.data, w, a, b, 2);
    const err = (steps: number) => {
      const r = flow(c, X, { method: 'rk4', stepsPerLayer: steps });
      return Math.hypot(r.data[0] - ex[0], r.data[1] - ex[1]);
    };
    const ratios = [4, 8, 16].map((s) => err(s) / err(2 * s));
    for (const q of ratios) {
      expect(q).toBeGreaterThan(14);
      expect(q).toBeLessThan(18);
    }
  });

  it('euler converges at first order (ratio ≈ 2)', () => {
    const w = [0.5, 0.2], a = [0.3, 1], b = 0.1;
    const c = oneNeuron(w, a, b, 1);
    const X = { n: 1, d: 2, data: new Float64Array([0.5, 0.5]) };
    const ex = oneNeuronExact(X.data, w, a, b, 1);
    const err = (steps: number) => {
      const r = flow(c, X, { method: 'euler', stepsPerLayer: steps });
      return Math.hypot(r.data[0] - ex[0], r.data[1] - ex[1]);
    };
    const q = err(200) / err(400);
    expect(q).toBeGreaterThan(1.9);
    expect(q).toBeLessThan(2.1);
  });
});

describe('flow options', () => {
  it('steps never straddle a switch: each layer gets exactly stepsPerLayer steps of its own size', () => {
    // Layer 1 moves right at speed 1 (constant field via b), layer 2 moves up; the constant
    // field is integrated exactly by any RK step, so the result is exact only if the steps
    // respect the switch at t = 0.3.
    const c = makeControls({
      d: 2,
      width: 1,
      layers: [
        { duration: 0.3, W: [1, 0], A: [0, 0], b: [1] },
        { duration: 0.7, W: [0, 1], A: [0, 0], b: [1] },
      ],
    });
    for (const method of ['rk4', 'euler'] as const) {
      const r = flow(c, [[0, 0]], { method, stepsPerLayer: 3 });
      expect(r.data[0]).toBeCloseTo(0.3, 15);
      expect(r.data[1]).toBeCloseTo(0.7, 15);
    }
  });

  it('records the trajectory every k-th step, into a caller buffer if given', () => {
    const rng = createRng(2);
    const c = randomControls(rng, 2, 4, 3, 1.5);
    const X = randomCloud(rng, 50, 2);
    const frames = trajectoryFrames(3, 10, 4);
    expect(frames).toBe(8);
    const buffer = new Float64Array(frames * 50 * 2);
    const r = flow(c, X, { stepsPerLayer: 10, trajectory: { every: 4, buffer } });
    expect(r.trajectory!.data).toBe(buffer);
    expect(r.trajectory!.frames).toBe(8);
    expect(Array.from(buffer.subarray(0, 100))).toEqual(Array.from(X.data));
    // frame f is the state after 4f global steps: compare with a flow stopped there.
    const t = r.trajectory!.times;
    expect(t[0]).toBe(0);
    expect(t[7]).toBeCloseTo(28 * 0.05, 14);
    const part = makeControls({ d: 2, width: 4, layers: [c.layers[0], c.layers[1]] });
    const r20 = flow(part, X, { stepsPerLayer: 10 });
    // frame 5 = 20 steps = end of layer 2
    expect(maxAbsDiff(buffer.subarray(5 * 100, 6 * 100), r20.data)).toBe(0);
  });

  it('writes into options.out and reports progress monotonically up to 1', () => {
    const rng = createRng(4);
    const c = randomControls(rng, 2, 64, 4);
    const X = randomCloud(rng, 20_000, 2);
    const out = new Float64Array(X.n * 2);
    const seen: number[] = [];
    const r = flow(c, X, { out, onProgress: (f) => seen.push(f), stepsPerLayer: 20 });
    expect(r.data).toBe(out);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
  });

  it('stops with an AbortError when the signal fires, and keeps working afterwards', async () => {
    const rng = createRng(4);
    const c = randomControls(rng, 2, 64, 4);
    const X = randomCloud(rng, 20_000, 2);
    const ac = new AbortController();
    expect(() => flow(c, X, { signal: ac.signal, onProgress: () => ac.abort() })).toThrow(/aborted/);
    const ac2 = new AbortController();
    const p = flowAsync(c, X, { signal: ac2.signal, onProgress: (f) => f > 0.2 && ac2.abort() });
    await expect(p).rejects.toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    const ok = flow(c, X.n > 10 ? { n: 10, d: 2, data: X.data.slice(0, 20) } : X);
    expect(ok.n).toBe(10);
  });

  it('flowAsync gives the same result as flow', async () => {
    const rng = createRng(8);
    const c = randomControls(rng, 3, 8, 2);
    const X = randomCloud(rng, 5000, 3);
    const a = flow(c, X);
    const b = await flowAsync(c, X);
    expect(maxAbsDiff(a.data, b.data)).toBe(0);
  });

  it('accepts number[][] as well as PointCloud', () => {
    const rng = createRng(9);
    const c = randomControls(rng, 2, 3, 2);
    const rows = [[0.1, 0.2], [-0.3, 0.4], [1, -1]];
    const a = flow(c, rows);
    const b = flow(c, { n: 3, d: 2, data: new Float64Array(rows.flat()) });
    expect(maxAbsDiff(a.data, b.data)).toBe(0);
  });

  it('is deterministic: same inputs, same bits', () => {
    const rng1 = createRng(123), rng2 = createRng(123);
    const c1 = randomControls(rng1, 2, 8, 2), c2 = randomControls(rng2, 2, 8, 2);
    const X1 = randomCloud(rng1, 100, 2), X2 = randomCloud(rng2, 100, 2);
    expect(maxAbsDiff(flow(c1, X1).data, flow(c2, X2).data)).toBe(0);
  });
});
