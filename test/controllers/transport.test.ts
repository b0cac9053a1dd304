/**
 * transportToUniform / transport (docs/algorithms/transport.md; arXiv 2401.09902).
 *
 * What is checked, and against what:
 *  - the switch count equals the derived formula, both against the worked examples of
 *    docs/algorithms/transport.md (computed there independently) and for every construction built here;
 *  - the construction does what the proof says: after the flow every grid cube of side 1/n
 *    holds ⌊M/n^d⌋ or ⌈M/n^d⌉ samples, each sample in the cube of its source cell;
 *  - the closed-form particle positions agree with the generic RK4 integrator (WASM debug
 *    build) on the same controls;
 *  - W_q(ν_T, U([0,1]^d)) ≤ ε, measured by exact optimal transport against the cell centres of
 *    a g^d grid with √d/(2g) ≤ ε/10, so the grid's own error is below ε/10;
 *  - transport(μ0, μ1): W between the result and μ1's samples, and the inverse-flow identity;
 *  - every bad input throws a typed error naming the parameter.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { equalMassCuts } from '../../src/controllers/measure-partition.js';
import { flowLayerClosedForm, layerKind } from '../../src/controllers/layer-flow.js';
import {
  countBound,
  seedSwitches,
  transport as transportChecked,
  transportAsync,
  transportToUniform as toUniformChecked,
  transportToUniformAsync,
  type TransportOptions,
  uniformTransportLayers,
  uniformTransportResolution,
} from '../../src/controllers/transport.js';
import { CapacityError, InvalidArgumentError, NonFiniteError, ShapeMismatchError, flow, init, makeControls, wasserstein, type PointCloud } from '../../src/index.js';
import { createRng, maxAbsDiff } from '../helpers.js';

beforeAll(() => init({ variant: 'debug' }));

const FULL = process.env.FULL === '1';
// The constructions without their built-in independent check (the tests below check the
// positions their own way); the block "independent verification" runs it.
const transportToUniform = (s: Parameters<typeof toUniformChecked>[0], o: TransportOptions) => toUniformChecked(s, { verify: false, ...o });
const transport = (a: Parameters<typeof transportChecked>[0], b: Parameters<typeof transportChecked>[1], o: TransportOptions) => transportChecked(a, b, { verify: false, ...o });

// ---- data ------------------------------------------------------------------------------------

/** Two Gaussian blobs, mostly outside the unit cube (the source of docs/algorithms/transport.md's checks). */
function blobs(seed: number, M: number, d: number): PointCloud {
  const rng = createRng(seed);
  const data = new Float64Array(M * d);
  for (let i = 0; i < M; i++) {
    const left = rng.uniform() < 0.5;
    for (let k = 0; k < d; k++) data[i * d + k] = left ? -1 + 0.7 * rng.normal() : 2 + 0.4 * rng.normal();
  }
  return { n: M, d, data };
}

function gaussianBlob(seed: number, M: number, center: readonly number[], sigma: number): PointCloud {
  const rng = createRng(seed);
  const d = center.length;
  const data = new Float64Array(M * d);
  for (let i = 0; i < M; i++) for (let k = 0; k < d; k++) data[i * d + k] = center[k] + sigma * rng.normal();
  return { n: M, d, data };
}

function twoMoons(seed: number, M: number, noise = 0.05): PointCloud {
  const rng = createRng(seed);
  const data = new Float64Array(M * 2);
  for (let i = 0; i < M; i++) {
    const t = Math.PI * rng.uniform();
    const upper = i % 2 === 0;
    data[2 * i] = (upper ? Math.cos(t) : 1 - Math.cos(t)) + noise * rng.normal();
    data[2 * i + 1] = (upper ? Math.sin(t) : 0.5 - Math.sin(t)) + noise * rng.normal();
  }
  return { n: M, d: 2, data };
}

/** Cell centres of the g^d grid: W_q to U([0,1]^d) is at most √d/(2g). */
function unitGrid(g: number, d: number): PointCloud {
  const N = g ** d;
  const data = new Float64Array(N * d);
  for (let i = 0; i < N; i++) {
    let r = i;
    for (let k = 0; k < d; k++) {
      data[i * d + k] = ((r % g) + 0.5) / g;
      r = Math.floor(r / g);
    }
  }
  return { n: N, d, data };
}

/** Exact W_q (the Wasserstein engine, src/wasserstein/exact.ts; checked there against POT). */
function Wq(X: PointCloud, Y: PointCloud, q: number): number {
  const r = wasserstein(X, Y, { p: q });
  expect(r.dualityGap).toBeLessThan(1e-9);
  return r.value;
}

/** |mean(X) − mean(Y)|, a lower bound of W_1 (Jensen). */
function meanDistance(X: PointCloud, Y: PointCloud): number {
  let s = 0;
  for (let k = 0; k < X.d; k++) {
    let a = 0, b = 0;
    for (let i = 0; i < X.n; i++) a += X.data[i * X.d + k] / X.n;
    for (let i = 0; i < Y.n; i++) b += Y.data[i * Y.d + k] / Y.n;
    s += (a - b) ** 2;
  }
  return Math.sqrt(s);
}

function gridCube(x: Float64Array, i: number, d: number, n: number): number {
  let J = 0;
  for (let k = d - 1; k >= 0; k--) J = J * n + Math.min(n - 1, Math.max(0, Math.floor(x[i * d + k] * n)));
  return J;
}

// ---- the switch count --------------------------------------------------------------------------

describe('switch count', () => {
  it('matches the worked examples of docs/algorithms/transport.md (L = layers − 1)', () => {
    const n2 = uniformTransportResolution(2, 0.1), n3 = uniformTransportResolution(3, 0.2);
    expect([n2, n3]).toEqual([15, 9]);
    expect([3, 6, 12, 48].map((p) => uniformTransportLayers(n2, 2, p) - 1)).toEqual([261, 145, 81, 32]);
    expect([3, 6, 12, 48].map((p) => uniformTransportLayers(n3, 3, p) - 1)).toEqual([854, 441, 235, 76]);
    // the verified runs of a6_measure.py: layer counts 26, 25, 31
    expect([uniformTransportLayers(4, 2, 3), uniformTransportLayers(5, 2, 7), uniformTransportLayers(3, 3, 6)]).toEqual([26, 25, 31]);
  });

  it('resolution n = ⌈√d/ε⌉, exact at ε = √d/n', () => {
    expect(uniformTransportResolution(2, Math.SQRT2 / 6)).toBe(6);
    expect(uniformTransportResolution(2, 0.236)).toBe(6);
    expect(uniformTransportResolution(2, 0.235)).toBe(7);
    expect(uniformTransportResolution(1, 5)).toBe(1);
  });

  it('grows like ε^{−d}/p: halving ε multiplies the dominant term by ≈ 2^d', () => {
    const a = uniformTransportLayers(uniformTransportResolution(2, 0.02), 2, 30);
    const b = uniformTransportLayers(uniformTransportResolution(2, 0.01), 2, 30);
    expect(b / a).toBeGreaterThan(3.5);
    expect(b / a).toBeLessThan(4.5);
  });

  it('is far below the formula transcribed from the slides of arXiv 2401.09902 where that one is defined, which is null for q ≥ d/(d−1)', () => {
    for (const [d, p, eps] of [[2, 3, 0.1], [2, 12, 0.2], [3, 6, 0.3]] as const) {
      const ours = uniformTransportLayers(uniformTransportResolution(d, eps), d, p) - 1;
      expect(ours).toBeLessThan(seedSwitches(d, p, 1, eps)!);
    }
    expect(seedSwitches(2, 3, 2, 0.1)).toBeNull();
    expect(seedSwitches(3, 2, 1, 0.1)).toBeNull(); // p − d + 1 ≤ 0
  });
});

// ---- pieces --------------------------------------------------------------------------------------

describe('equal-mass cuts', () => {
  it('split m values into slabs of ⌊m/n⌋ or ⌈m/n⌉ with every cut strictly inside a gap (200 cases)', () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 0.999, noNaN: true }), { minLength: 0, maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (vals, n) => {
        runs++;
        const xs = Float64Array.from(new Set(vals)).sort();
        const { cuts, counts } = equalMassCuts(xs, n, 0, 1);
        const m = xs.length;
        expect(counts.reduce((a, b) => a + b, 0)).toBe(m);
        for (const c of counts) expect(c === Math.floor(m / n) || c === Math.ceil(m / n)).toBe(true);
        for (let j = 0; j < n; j++) expect(cuts[j + 1]).toBeGreaterThan(cuts[j]);
        let at = 0;
        for (let j = 0; j < n; j++) {
          for (let r = 0; r < counts[j]; r++, at++) {
            expect(xs[at]).toBeGreaterThan(cuts[j]);
            expect(xs[at]).toBeLessThan(cuts[j + 1]);
          }
        }
      }),
      { numRuns: 200, seed: 7 },
    );
    expect(runs).toBe(200);
  });

  it('never separates tied values: the cut moves to the nearest gap', () => {
    const xs = Float64Array.from([0.1, 0.2, 0.5, 0.5, 0.5, 0.5, 0.8, 0.9]);
    const { cuts, counts } = equalMassCuts(xs, 2, 0, 1);
    expect(Array.from(counts)).toEqual([2, 6]);
    expect(cuts[1]).toBeCloseTo(0.35, 15);
  });
});

describe('closed-form layer flows', () => {
  it('a P2 neuron gives s(τ) = s(0) e^{λτ} on its active side and nothing on the other', () => {
    const layer = { duration: 0.7, W: Float64Array.from([0, 1.3]), A: Float64Array.from([0, 1]), b: Float64Array.from([-0.4]) };
    expect(layerKind(layer, 2, 1)).toBe('axis');
    const x = Float64Array.from([5, 0.9, 5, 0.1]);
    flowLayerClosedForm(x, 2, 2, layer, 1);
    expect(x[1]).toBeCloseTo(0.4 + 0.5 * Math.exp(1.3 * 0.7), 13);
    expect(Array.from(x.subarray(2))).toEqual([5, 0.1]);
    expect(x[0]).toBe(5);
  });

  it('a tent dilates its cell linearly, crosses no breakpoint, and leaves the rest fixed', () => {
    // λ[σ(x−c) − (1+κ)σ(x−c′) + κσ(x−c″)], c = 0, c′ = 2, c″ = 2.5
    const lam = Math.log(1.5), c1 = 2, c2 = 2.5, kappa = c1 / (c2 - c1);
    const layer = {
      duration: 1,
      W: Float64Array.from([lam, -(1 + kappa) * lam, kappa * lam]),
      A: Float64Array.from([1, 1, 1]),
      b: Float64Array.from([0, -c1, -c2]),
    };
    const x = Float64Array.from([-0.3, 0.5, 1.2, 3, 40]);
    flowLayerClosedForm(x, 5, 1, layer, 3);
    expect(Array.from(x)).toEqual([-0.3, 0.75, expect.closeTo(1.8, 14), 3, 40]);
  });

  it('agrees with RK4 on random axis and parallel layers (40 cases)', () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.boolean(), (seed, parallel) => {
        runs++;
        const rng = createRng(seed);
        const d = 3, p = 4, N = 20;
        const W = new Float64Array(d * p), A = new Float64Array(p * d), b = new Float64Array(p);
        const shearAxis = rng.int(d); // parallel: every w on this axis, every a off it
        for (let i = 0; i < p; i++) {
          const ka = parallel ? (shearAxis + 1 + rng.int(d - 1)) % d : rng.int(d);
          const kw = parallel ? shearAxis : ka;
          A[i * d + ka] = rng.uniform() < 0.5 ? -1 : 1;
          W[kw * p + i] = rng.normal();
          b[i] = 0.5 * rng.normal();
        }
        const layer = { duration: 0.5, W, A, b };
        expect(layerKind(layer, d, p)).toBe(parallel ? 'parallel' : 'axis');
        const x = new Float64Array(N * d);
        for (let j = 0; j < x.length; j++) x[j] = rng.normal();
        // RK4 is only second order across a kink of the field, so it needs fine steps here.
        const ref = flow(makeControls({ d, width: p, layers: [layer] }), { n: N, d, data: x }, { method: 'rk4', stepsPerLayer: 4000 });
        flowLayerClosedForm(x, N, d, layer, p);
        expect(maxAbsDiff(x, ref.data)).toBeLessThan(1e-8);
      }),
      { numRuns: 40, seed: 3 },
    );
    expect(runs).toBe(40);
  });
});

// ---- transportToUniform ---------------------------------------------------------------------------

describe('transportToUniform', () => {
  it('fills every grid cube with ⌊M/n^d⌋ or ⌈M/n^d⌉ samples with exactly the formula’s switches (60 cases)', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 3, max: 13 }), fc.integer({ min: 1, max: 250 }), fc.integer({ min: 0, max: 1e6 }),
        (d, n, p, M, seed) => {
          runs++;
          const X = blobs(seed, M, d);
          const r = transportToUniform(X, { width: p, epsilon: Math.sqrt(d) / n, T: 2 });
          expect(r.resolution).toBe(n);
          expect(r.controls.switches).toBe(uniformTransportLayers(n, d, p) - 1);
          expect(r.controls.T).toBeCloseTo(2, 12);
          for (let j = 0; j < M * d; j++) {
            expect(r.points.data[j]).toBeGreaterThan(0);
            expect(r.points.data[j]).toBeLessThan(1);
          }
          const lo = Math.floor(M / n ** d), hi = Math.ceil(M / n ** d);
          for (const c of r.cellCounts) expect(c === lo || c === hi).toBe(true);
          if (d === 1 || n === 1) expect(r.clearance).toBe(Infinity);
          else expect(r.clearance).toBeGreaterThan(0);
          if (M % n ** d === 0) expect(r.bound).toBeCloseTo(Math.sqrt(d) / n, 12);
          else expect(r.bound).toBeGreaterThan(Math.sqrt(d) / n);
          if (M >= n ** d) {
            // Knothe certificate: level-k cells hold ≥ ⌊M/n^k⌋ samples, each cut within ½ sample of its share
            let s2 = 0;
            for (let k = 0; k < d; k++) s2 += (1 / (2 * Math.floor(M / n ** k))) ** 2;
            expect(r.bound).toBeLessThanOrEqual(Math.sqrt(d) / n + Math.sqrt(s2) + 1e-12);
          }
        },
      ),
      { numRuns: 60, seed: 11 },
    );
    expect(runs).toBe(60);
  });

  it('the closed-form positions agree with the flow engine’s exact solver (d = 2 and 3)', () => {
    for (const [d, eps, p, M] of [[2, 0.25, 6, 360], [3, 0.6, 7, 216]] as const) {
      const X = blobs(6, M, d);
      const r = transportToUniform(X, { width: p, epsilon: eps });
      const ex = flow(r.controls, X, { method: 'exact' });
      expect(maxAbsDiff(ex.data, r.points.data)).toBeLessThan(1e-9);
    }
  });

  it('the closed-form positions agree with RK4 on the same controls (d = 2 and 3)', () => {
    for (const [d, eps, p, M] of [[2, 0.25, 6, 360], [3, 0.6, 7, 216]] as const) {
      const X = blobs(5, M, d);
      const r = transportToUniform(X, { width: p, epsilon: eps });
      const rk = flow(r.controls, X, { method: 'rk4', stepsPerLayer: 100 });
      expect(maxAbsDiff(rk.data, r.points.data)).toBeLessThan(1e-7);
      // and the RK4 particles land in the same cubes
      const n = r.resolution;
      for (let i = 0; i < M; i++) expect(gridCube(rk.data, i, d, n)).toBe(gridCube(r.points.data, i, d, n));
    }
  });

  it('W_q(ν_T, U([0,1]²)) < ε, measured exactly against a grid whose own error is < ε/10 (q = 1, 2)', () => {
    const d = 2, eps = 0.25;
    const g = Math.ceil((5 * Math.sqrt(d)) / eps); // √d/(2g) ≤ ε/10
    const G = unitGrid(g, d);
    const gridError = Math.sqrt(d) / (2 * g);
    expect(gridError).toBeLessThanOrEqual(eps / 10);
    const X = gaussianBlob(21, G.n, [2, -1], 0.6); // 900 samples, a multiple of n^d = 36
    const r = transportToUniform(X, { width: 6, epsilon: eps });
    expect(meanDistance(X, G)).toBeGreaterThan(0.5); // W_q ≥ W_1 ≥ |E x − E y|: the samples start far from U
    for (const q of [1, 2]) {
      const after = Wq(r.points, G, q);
      expect(after + gridError).toBeLessThan(eps);
      expect(after - gridError).toBeLessThanOrEqual(r.bound);
    }
  });

  it('W₁(ν_T, U([0,1]³)) < ε against a 15³ grid (d = 3, ε = 0.6, n = 3, 25 samples a cube)', () => {
    const d = 3, eps = 0.6, g = 15;
    const gridError = Math.sqrt(d) / (2 * g);
    expect(gridError).toBeLessThanOrEqual(eps / 10);
    const X = gaussianBlob(22, 675, [-1, 2, 0.5], 0.7);
    const r = transportToUniform(X, { width: 9, epsilon: eps });
    expect(r.resolution).toBe(3);
    expect(Array.from(new Set(r.cellCounts))).toEqual([25]);
    const after = Wq(r.points, unitGrid(g, d), 1);
    expect(after + gridError).toBeLessThan(eps);
    expect(after - gridError).toBeLessThanOrEqual(r.bound);
  });

  it('countBound is √d/n for equal counts and grows with imbalance (hand-computed Knothe and crude terms)', () => {
    expect(countBound(Int32Array.from([2, 2, 2, 2]), 8, 2, 2, 1)).toBeCloseTo(Math.SQRT2 / 2, 15);
    // cubes (i1, i2) in index order (0,0), (1,0), (0,1), (1,1) hold 3, 1, 2, 2 of 8:
    // x1-slabs 5 | 3 → b1 = |5/8 − 1/2|; inside them x2 splits 3 | 2 and 1 | 2 → b2 = |1/3 − 1/2|
    const c = Int32Array.from([3, 1, 2, 2]);
    const knothe = Math.SQRT2 / 2 + Math.hypot(1 / 8, 1 / 6);
    const crude = (7 / 8) * (Math.SQRT2 / 2) + (1 / 8) * Math.SQRT2; // mass 7/8 fits cube by cube, 1/8 moves ≤ √2
    expect(countBound(c, 8, 2, 2, 1)).toBeCloseTo(Math.min(knothe, crude), 14);
    // many cubes off by one sample: the Knothe term wins by far (M = 10^4 + 37, n = 30)
    const r = transportToUniform(blobs(3, 10_037, 2), { width: 12, epsilon: Math.SQRT2 / 30 });
    expect(r.bound).toBeGreaterThan(Math.SQRT2 / 30);
    expect(r.bound).toBeLessThan(Math.SQRT2 / 30 + 0.01);
  });
});

// ---- transport ---------------------------------------------------------------------------------------

describe('transport', () => {
  it('blob → two moons: W₁ and W₂ to the target samples are small, switches L0 + L1 + 1, RK4 agrees', () => {
    const M = 400;
    const X = gaussianBlob(8, M, [3, -2], 0.5), Y = twoMoons(9, M);
    const eps = 0.1;
    const r = transport(X, Y, { width: 6, epsilon: eps });
    const L = uniformTransportLayers(r.resolution, 2, 6) - 1;
    expect(r.switchesToUniform).toBe(L);
    expect(r.switchesFromUniform).toBe(L);
    expect(r.controls.switches).toBe(2 * L + 1);
    const before = meanDistance(X, Y);
    const w1 = Wq(r.points, Y, 1), w2 = Wq(r.points, Y, 2);
    expect(before).toBeGreaterThan(1);
    expect(w1).toBeLessThan(eps);
    expect(w2).toBeLessThan(1.5 * eps);
    expect(w1).toBeLessThanOrEqual(r.bound);
    const rk = flow(r.controls, X, { method: 'rk4', stepsPerLayer: 200 });
    expect(maxAbsDiff(rk.data, r.points.data)).toBeLessThan(1e-6);
    const ex = flow(r.controls, X, { method: 'exact' });
    expect(maxAbsDiff(ex.data, r.points.data)).toBeLessThan(1e-8);
  });

  it('clouds of different sizes (256 → 400): W₁ below the certificate and below ε', () => {
    const X = gaussianBlob(12, 256, [-2, 1], 0.4), Y = twoMoons(13, 400);
    const r = transport(X, Y, { width: 4, epsilon: 0.2 });
    expect(r.points.n).toBe(256);
    const w1 = Wq(r.points, Y, 1);
    expect(w1).toBeLessThan(0.2);
    expect(w1).toBeLessThanOrEqual(r.bound);
  });

  it('the second half is the exact inverse of the target’s construction: equal clouds give the identity', () => {
    const X = twoMoons(4, 144);
    const r = transport(X, X, { width: 3, epsilon: Math.SQRT2 / 4 });
    expect(maxAbsDiff(r.points.data, X.data)).toBeLessThan(1e-9);
  });
});

// ---- bad input -----------------------------------------------------------------------------------------

describe('bad input', () => {
  const X = blobs(1, 20, 2);
  const cases: [string, () => unknown, new (...a: never[]) => Error, string][] = [
    ['width 2', () => transportToUniform(X, { width: 2, epsilon: 0.3 }), InvalidArgumentError, 'options.width'],
    ['width 3.5', () => transportToUniform(X, { width: 3.5, epsilon: 0.3 }), InvalidArgumentError, 'options.width'],
    ['epsilon 0', () => transportToUniform(X, { width: 3, epsilon: 0 }), InvalidArgumentError, 'options.epsilon'],
    ['epsilon NaN', () => transportToUniform(X, { width: 3, epsilon: NaN }), InvalidArgumentError, 'options.epsilon'],
    ['epsilon too small', () => transportToUniform(X, { width: 3, epsilon: 1e-4 }), CapacityError, 'options.epsilon'],
    ['q 0.5', () => transportToUniform(X, { width: 3, epsilon: 0.3, q: 0.5 }), InvalidArgumentError, 'options.q'],
    ['T −1', () => transportToUniform(X, { width: 3, epsilon: 0.3, T: -1 }), InvalidArgumentError, 'options.T'],
    ['no options', () => toUniformChecked(X, undefined as never), InvalidArgumentError, 'options'],
    ['null options', () => transportChecked(X, X, null as never), InvalidArgumentError, 'options'],
    ['onProgress 5', () => toUniformChecked(X, { width: 3, epsilon: 0.3, onProgress: 5 as never }), InvalidArgumentError, 'options.onProgress'],
    ['signal {}', () => toUniformChecked(X, { width: 3, epsilon: 0.3, signal: {} as never }), InvalidArgumentError, 'options.signal'],
    ['ε = 1e-3 (2·10^6 layers) refused up front', () => transportToUniform(X, { width: 3, epsilon: 1e-3 }), CapacityError, 'options.epsilon'],
    ['uniformTransportLayers(2, 2^31, 3)', () => uniformTransportLayers(2, 2 ** 31, 3), InvalidArgumentError, 'd'],
    ['uniformTransportLayers huge n^d', () => uniformTransportLayers(2 ** 30, 40, 3), InvalidArgumentError, 'n'],
    ['uniformTransportResolution(2, 0)', () => uniformTransportResolution(2, 0), InvalidArgumentError, 'epsilon'],
    ['uniformTransportResolution(2, NaN)', () => uniformTransportResolution(2, NaN), InvalidArgumentError, 'epsilon'],
    ['uniformTransportResolution(2, 1e-300)', () => uniformTransportResolution(2, 1e-300), InvalidArgumentError, 'epsilon'],
    ['uniformTransportResolution(0, 0.1)', () => uniformTransportResolution(0, 0.1), InvalidArgumentError, 'd'],
    ['uniformTransportResolution(-1, 0.1)', () => uniformTransportResolution(-1, 0.1), InvalidArgumentError, 'd'],
    ['NaN sample', () => transportToUniform([[0, 1], [NaN, 2]], { width: 3, epsilon: 0.3 }), NonFiniteError, 'samples'],
    ['empty', () => transportToUniform([], { width: 3, epsilon: 0.3 }), InvalidArgumentError, 'samples'],
    ['ragged', () => transportToUniform([[0, 1], [2]], { width: 3, epsilon: 0.3 }), ShapeMismatchError, 'samples[1]'],
    ['different d', () => transport(X, [[1, 2, 3]], { width: 3, epsilon: 0.3 }), ShapeMismatchError, 'samplesTo'],
    ['bad target', () => transport(X, 'moons' as never, { width: 3, epsilon: 0.3 }), InvalidArgumentError, 'samplesTo'],
  ];
  for (const [name, call, cls, parameter] of cases) {
    it(`${name} → ${cls.name} naming ${parameter}`, () => {
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(cls);
      expect((err as { parameter?: string }).parameter).toBe(parameter);
    });
  }

  it('leaves the WASM runtime working after an error', () => {
    expect(() => transportToUniform(X, { width: 1, epsilon: 0.3 })).toThrow(InvalidArgumentError);
    const r = transportToUniform(X, { width: 3, epsilon: 0.5 });
    expect(maxAbsDiff(flow(r.controls, X, { method: 'rk4', stepsPerLayer: 50 }).data, r.points.data)).toBeLessThan(1e-7);
  });
});

// ---- diagnostics, independent verification, progress and abort (issue 15 item 1, issue 13 item 3) ----

describe('diagnostics and independent verification', () => {
  it('transportToUniform on the demo blobs: an independent adaptive solver reproduces the closed-form end points within 1e-6; clearance, excursion, counts reported', () => {
    const X = blobs(4, 400, 2);
    const r = toUniformChecked(X, { width: 6, epsilon: 0.1 });
    const g = r.diagnostics;
    expect(g.switches).toBe(r.controls.switches);
    expect(g.theoremSwitches).toBe(uniformTransportLayers(r.resolution, 2, 6) - 1);
    expect(g.resolution).toBe(r.resolution);
    expect(g.bound).toBe(r.bound);
    expect(g.clearance).toBeGreaterThan(0);
    expect(g.clearance).toBeLessThanOrEqual(r.clearance);
    expect(g.excursion).toBeGreaterThanOrEqual(0.5);
    expect(g.bvNorm).toBeGreaterThan(0);
    const v = g.verification.independent!;
    expect(v.method).toBe('dopri5-events');
    expect(v.relativeMaxError).toBeLessThan(1e-6);
    expect(g.verification.ok).toBe(true);
    expect(toUniformChecked(X, { width: 6, epsilon: 0.1, verify: false }).diagnostics.verification.independent).toBeNull();
  });

  it('transport (blob → moons): independent error ≤ 1e-6 and switches L0 + L1 + 1', () => {
    const X = blobs(5, 300, 2), Y = blobs(6, 300, 2);
    const r = transportChecked(X, Y, { width: 6, epsilon: 0.2 });
    expect(r.diagnostics.switches).toBe(r.switchesToUniform + r.switchesFromUniform + 1);
    expect(r.diagnostics.theoremSwitches).toBe(r.diagnostics.switches);
    expect(r.diagnostics.verification.independent!.relativeMaxError).toBeLessThan(1e-6);
    expect(r.diagnostics.clearance).toBeGreaterThan(0);
  });

  it('the CapacityError for a tiny ε names epsilon and suggests a coarser one that fits', () => {
    let err: unknown;
    try {
      transportToUniform(blobs(1, 50, 2), { width: 3, epsilon: 1e-3 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CapacityError);
    const m = (err as Error).message;
    expect(m).toMatch(/epsilon = 0\.001 needs n = 1415/);
    const suggested = Number(/use epsilon ≥ ([0-9.e-]+)/.exec(m)![1]);
    // the suggestion fits the limit (and is not absurdly coarse)
    const n = uniformTransportResolution(2, suggested * 1.001);
    expect(uniformTransportLayers(n, 2, 3)).toBeLessThanOrEqual(2 ** 18);
    expect(uniformTransportLayers(Math.ceil(n * 1.25), 2, 3)).toBeGreaterThan(2 ** 18);
  });

  it('onProgress reports increasing fractions ending at 1; an aborted signal stops sync and async calls with AbortError', async () => {
    const X = blobs(7, 200, 2);
    const seen: number[] = [];
    toUniformChecked(X, { width: 6, epsilon: 0.1, onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(seen[seen.length - 1]).toBe(1);
    const ac = new AbortController();
    ac.abort();
    expect(() => toUniformChecked(X, { width: 6, epsilon: 0.1, signal: ac.signal })).toThrow(/aborted/);
    await expect(transportToUniformAsync(X, { width: 6, epsilon: 0.1, signal: ac.signal })).rejects.toThrow(/aborted/);
    const ac2 = new AbortController();
    const p = transportAsync(X, X, { width: 6, epsilon: 0.05, onProgress: (f) => (f > 0.2 ? ac2.abort() : undefined), signal: ac2.signal });
    await expect(p).rejects.toThrow(/aborted/);
    const a = await transportToUniformAsync(X, { width: 6, epsilon: 0.1, verify: false });
    const b = transportToUniform(X, { width: 6, epsilon: 0.1 });
    expect(Array.from(a.points.data)).toEqual(Array.from(b.points.data));
  });
});
