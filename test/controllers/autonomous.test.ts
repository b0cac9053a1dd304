/**
 * approximateAutonomous (survey arXiv 2510.03303 Thm 3.4; docs/algorithms/autonomous.md): one layer, error
 * measured by flowing X (rk4 and 'exact'), compared with the Gronwall bound; the tube field's own flow is exact.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CapacityError, createRng, flow, init, InconsistentDataError, InvalidArgumentError, ShapeMismatchError } from '../../src/index.js';
import { approximateAutonomous, segmentDistance, tubeField } from '../../src/controllers/autonomous.js';

beforeAll(() => init({ variant: 'debug' }));

// A 4-point example: X = (0, k), Y = (2, k + 0.3), k = 0..3, T = 1.
const X4 = [0, 1, 2, 3].map((k) => [0, k]);
const Y4 = [0, 1, 2, 3].map((k) => [2, k + 0.3]);

function rk4(F: (x: Float64Array) => Float64Array, x0: number[], T: number, steps: number): Float64Array {
  let x = Float64Array.from(x0);
  const h = T / steps;
  const add = (a: Float64Array, b: Float64Array, s: number) => a.map((v, k) => v + s * b[k]);
  for (let i = 0; i < steps; i++) {
    const k1 = F(x), k2 = F(add(x, k1, h / 2)), k3 = F(add(x, k2, h / 2)), k4 = F(add(x, k3, h));
    x = x.map((v, k) => v + (h / 6) * (k1[k] + 2 * k2[k] + 2 * k3[k] + k4[k]));
  }
  return x;
}

describe('tube field', () => {
  it('its flow carries every x_i exactly to y_i (constant speed along disjoint segments)', () => {
    const t = tubeField(X4, Y4, 1);
    expect(t.radius).toBeCloseTo(0.45 * (1 / Math.hypot(1, 2 / 0.3) * 2 / 0.3 * 1), 10); // distance between parallel segments
    for (let i = 0; i < 4; i++) {
      const end = rk4(t.field, X4[i], 1, 200);
      expect(Math.hypot(end[0] - Y4[i][0], end[1] - Y4[i][1])).toBeLessThan(1e-12);
    }
  });
  it('segment distance: parallel, crossing, touching at an end, degenerate', () => {
    const f = (a: number[], b: number[], c: number[], e: number[]) => segmentDistance(Float64Array.from(a), Float64Array.from(b), Float64Array.from(c), Float64Array.from(e));
    expect(f([0, 0], [1, 0], [0, 1], [1, 1])).toBeCloseTo(1, 15);
    expect(f([0, 0], [1, 1], [0, 1], [1, 0])).toBe(0);
    expect(f([0, 0], [1, 0], [2, 0], [3, 0])).toBeCloseTo(1, 15);
    expect(f([0, 0], [0, 0], [3, 4], [3, 4])).toBeCloseTo(5, 15);
    expect(f([0, 0, 0], [1, 0, 0], [0.5, 1, 1], [0.5, -1, 1])).toBeCloseTo(1, 15);
  });
});

describe('approximateAutonomous', () => {
  it('one layer, no switches; error falls with p and stays under the Gronwall bound (rk4 and exact agree)', () => {
    const rows: string[] = [];
    const errs: number[] = [];
    for (const p of [16, 64, 256]) {
      const r = approximateAutonomous(X4, Y4, { width: p, seed: 1 });
      expect(r.controls.switches).toBe(0);
      expect(r.controls.width).toBe(p);
      expect(r.controls.layers.length).toBe(1);
      expect(r.diagnostics.kappa).toBe(4 * 2 * p);
      expect(r.diagnostics.maxError).toBeLessThanOrEqual(r.diagnostics.gronwallBound);
      const again = flow(r.controls, X4, { method: 'rk4', stepsPerLayer: 400 });
      let m = 0;
      for (let i = 0; i < 4; i++) m = Math.max(m, Math.hypot(again.data[2 * i] - Y4[i][0], again.data[2 * i + 1] - Y4[i][1]));
      expect(m).toBeCloseTo(r.diagnostics.maxError, 12);
      if (p <= 64) {
        const ex = flow(r.controls, X4, { method: 'exact' });
        let dev = 0;
        for (let j = 0; j < 8; j++) dev = Math.max(dev, Math.abs(ex.data[j] - again.data[j]));
        rows.push(`p=${p}: |rk4(400 steps) − exact| = ${dev.toExponential(2)}`);
        expect(dev).toBeLessThan(1e-4);
      }
      errs.push(r.diagnostics.maxError);
      rows.push(`p=${p}: max error ${r.diagnostics.maxError.toExponential(2)}, eta ${r.diagnostics.eta.toExponential(2)}, Gronwall ${r.diagnostics.gronwallBound.toExponential(2)}, log2κ/κ^(1/d) ${r.diagnostics.rate.toExponential(2)}`);
    }
    console.log('approximateAutonomous on the 4-point example:\n' + rows.join('\n'));
    expect(errs[2]).toBeLessThan(errs[0]);
  });

  it('d = 3, random data: the fit and the endpoint error improve from p = 32 to p = 512', () => {
    const rng = createRng(4);
    const X = Array.from({ length: 6 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const Y = Array.from({ length: 6 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const small = approximateAutonomous(X, Y, { width: 32, seed: 2 });
    const big = approximateAutonomous(X, Y, { width: 512, seed: 2 });
    console.log(`d=3 N=6: p=32 max error ${small.diagnostics.maxError.toExponential(2)}, eta ${small.diagnostics.eta.toExponential(2)}; p=512 max error ${big.diagnostics.maxError.toExponential(2)}, eta ${big.diagnostics.eta.toExponential(2)}`);
    expect(big.diagnostics.eta).toBeLessThan(small.diagnostics.eta);
    expect(big.diagnostics.meanError).toBeLessThan(small.diagnostics.meanError);
  });

  it('property: random small problems — one layer, error measured honestly (500 cases)', () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 3, max: 10 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 2 ** 31 }), (N, d, p, seed) => {
        runs++;
        const rng = createRng(seed);
        const X = Array.from({ length: N }, () => Array.from({ length: d }, () => rng.normal()));
        const Y = X.map((x) => (rng.uniform() < 0.2 ? x.slice() : x.map((v) => v + rng.normal())));
        const r = approximateAutonomous(X, Y, { width: p, seed, samples: Math.max(p, 200), stepsPerLayer: 50 });
        expect(r.controls.switches).toBe(0);
        expect(r.controls.width).toBe(p);
        expect(Number.isFinite(r.diagnostics.maxError)).toBe(true);
        expect(r.diagnostics.meanError).toBeLessThanOrEqual(r.diagnostics.maxError + 1e-15);
        const end = flow(r.controls, X, { method: 'rk4', stepsPerLayer: 50 });
        let m = 0;
        for (let i = 0; i < N; i++) m = Math.max(m, Math.hypot(...X[i].map((_, k) => end.data[i * d + k] - Y[i][k])));
        expect(m).toBeCloseTo(r.diagnostics.maxError, 10);
      }),
      { numRuns: 500, seed: 3 },
    );
    console.log(`approximateAutonomous property: ${runs} random problems`);
    expect(runs).toBe(500);
  });

  it('bad input: crossing segments name the pair, shapes, d = 1, width', () => {
    expect(() => approximateAutonomous([[0, 0], [0, 1]], [[1, 1], [1, 0]], { width: 4 })).toThrow(InconsistentDataError);
    try {
      approximateAutonomous([[0, 0], [5, 5], [0, 1]], [[1, 1], [6, 6], [1, 0]], { width: 4 });
    } catch (e) {
      expect((e as InconsistentDataError).indices).toEqual([0, 2]);
    }
    expect(() => approximateAutonomous([[0, 0], [0, 0]], [[1, 1], [2, 2]], { width: 2 })).toThrow(/meet/);
    expect(() => approximateAutonomous([[0, 0]], [[1, 1], [2, 2]], { width: 2 })).toThrow(ShapeMismatchError);
    expect(() => approximateAutonomous([[0], [1]], [[1], [2]], { width: 2 })).toThrow(/d ≥ 2/);
    expect(() => approximateAutonomous([[0, 0]], [[1, 1]], { width: 0 })).toThrow(InvalidArgumentError);
    expect(() => approximateAutonomous([], [], { width: 2 })).toThrow(InvalidArgumentError);
    expect(() => approximateAutonomous([[0, 0]], [[1, 1]], null as never)).toThrow(InvalidArgumentError);
    expect(() => approximateAutonomous([[0, 0]], [[1, 1]], undefined as never)).toThrow(InvalidArgumentError);
    expect(() => approximateAutonomous([[0, 0]], [[1, 1]], { width: 1 << 14, samples: 1e6 })).toThrow(CapacityError);
  });

  it('diagnostics: excursion (largest |x(t) − x̄|/scale along the recorded trajectory) covers start and end points', () => {
    const r = approximateAutonomous(X4, Y4, { width: 32, seed: 1 });
    const g = r.diagnostics;
    expect(g.stepsPerLayer).toBe(400);
    // Box of X ∪ Y: x ∈ [0, 2], y ∈ [0, 3.3] → centre (1, 1.65), scale 3.3; the corners are ≥ 1.93 away.
    expect(g.excursion).toBeGreaterThanOrEqual(Math.hypot(1, 1.65) / 3.3 - 1e-12);
    expect(g.excursion).toBeLessThan(10);
  });
});
