/**
 * The cell-aware RK4 kernel (assembly/rk4_cell.ts) against the dense RK4
 * kernel (its twin test: test/kernels/rk4_cell.test.ts) (≤ 1e-12 relative: same method, different rounding), on random layers and on the
 * degenerate cases the validity bound has to get right.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, flow, init, makeControls, rk4KernelFor, type Controls } from '../../src/index.js';
import { rk4Layers } from '../../src/backend/rk4.js';
import { rk4CellLayers } from '../../src/backend/rk4_cell.js';
import { expectIdentical, runSide, type Run } from '../kernels/layers.js';
import { wasmRuntime, type WasmRuntime } from '../../src/runtime/loader.js';
import { createRng, randomCloud, randomControls, relDiff } from '../helpers.js';

let rt: WasmRuntime;
beforeAll(async () => {
  await init({ variant: 'debug' });
  rt = wasmRuntime('test')!;
});

const pairOf = (which: 'dense' | 'cell') => (which === 'cell' ? rk4CellLayers : rk4Layers);
/** All layers of `c` through the WASM kernel `which`, in one arena; stats summed over layers. */
const runWasm = (which: 'dense' | 'cell', c: Controls, X: Float64Array, n: number, steps: number, every = 0): Run => runSide(pairOf(which), rt, c, X, n, steps, every);
const runTwin = (which: 'dense' | 'cell', c: Controls, X: Float64Array, n: number, steps: number, every = 0): Run => runSide(pairOf(which), 'js', c, X, n, steps, every);

function expectClose(a: Float64Array, b: Float64Array, tol: number, what: string): number {
  const { max, firstBad } = relDiff(a, b, tol);
  expect(firstBad, `${what}: first index over ${tol}: ${firstBad} (${a[firstBad]} vs ${b[firstBad]}, max rel ${max})`).toBe(-1);
  return max;
}

describe('rk4CellLayer vs the dense RK4 kernel', () => {
  it('agrees to 1e-12 relative on random layers, d = 1..9, p = 1..40 (fast-check, 60 cases)', () => {
    let runs = 0, worst = 0, affine = 0, total = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 20 }), fc.double({ min: 0.05, max: 3, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (d, p, n, steps, T, seed) => {
          const rng = createRng(seed);
          const c = randomControls(rng, d, p, 2, T);
          const X = randomCloud(rng, n, d, 2).data;
          const cell = runWasm('cell', c, X, n, steps);
          const dense = runWasm('dense', c, X, n, steps);
          worst = Math.max(worst, expectClose(cell.x, dense.x, 1e-12, `d=${d} p=${p} n=${n} steps=${steps} T=${T}`));
          affine += cell.stats.affine;
          total += cell.stats.affine + cell.stats.plain;
          runs++;
        },
      ),
      { numRuns: 60, seed: 20240601 },
    );
    expect(runs).toBe(60);
    // The point of the kernel: most steps are affine.
    expect(affine / total).toBeGreaterThan(0.5);
    expect(worst).toBeLessThanOrEqual(1e-12);
  });

  it('is RK4 to rounding on points exactly on hyperplanes (plain steps where needed)', () => {
    // Hyperplanes through the origin and through points of the cloud: s_j(x) = 0 exactly.
    const d = 2, p = 4;
    const A = [1, 0, 0, 1, 1, -1, 0.6, 0.8];
    const b = [0, 0, 0, -0.5];
    const W = [0.3, -0.2, 0.1, 0.4, -0.1, 0.5, 0.2, -0.3];
    const c = makeControls({ d, width: p, layers: [{ duration: 1, W, A, b }, { duration: 0.5, W: W.map((w) => -w), A, b: [0, 0.1, 0, 0] }] });
    const X = new Float64Array([0, 0, 0, 1, 1, 0, 2, 2, -1, -1, 0.5, 0.25, 0, -3, 0.3, 0.4, 0.75, 0]);
    const n = X.length / d;
    const cell = runWasm('cell', c, X, n, 20);
    const dense = runWasm('dense', c, X, n, 20);
    expectClose(cell.x, dense.x, 1e-12, 'on hyperplanes');
    expect(cell.stats.plain).toBeGreaterThan(0);
    expectIdentical(cell.x, runTwin('cell', c, X, n, 20).x, 'twin');
  });

  it('handles a_j = 0 neurons (constant, never crossing), zero W and zero b', () => {
    const rng = createRng(5);
    const d = 3, p = 6;
    const base = randomControls(rng, d, p, 1);
    const L = base.layers[0];
    const A = L.A.slice(), b = L.b.slice();
    A.fill(0, 0, d); b[0] = 0.7; // constant, active: adds w_0 · 0.7
    A.fill(0, 2 * d, 3 * d); b[2] = -0.4; // constant, inactive
    A.fill(0, 4 * d, 5 * d); b[4] = 0; // constant zero
    const cases: Controls[] = [
      makeControls({ d, width: p, layers: [{ duration: 1, W: L.W, A, b }] }),
      makeControls({ d, width: p, layers: [{ duration: 1, W: new Float64Array(d * p), A: L.A, b: L.b }] }),
      makeControls({ d, width: p, layers: [{ duration: 1, W: L.W, A: L.A, b: new Float64Array(p) }] }),
      // every neuron constant: the field is the constant Σ_{b_j>0} w_j b_j, ρ = ∞
      makeControls({ d, width: p, layers: [{ duration: 1, W: L.W, A: new Float64Array(d * p), b: L.b }] }),
    ];
    const X = randomCloud(rng, 50, d).data;
    for (const [ci, c] of cases.entries()) {
      const cell = runWasm('cell', c, X, 50, 15);
      const dense = runWasm('dense', c, X, 50, 15);
      expectClose(cell.x, dense.x, 1e-12, `case ${ci}`);
      expectIdentical(cell.x, runTwin('cell', c, X, 50, 15).x, `case ${ci} twin`);
      expect(cell.stats.affine, `case ${ci}`).toBeGreaterThan(0);
    }
    // Zero W: nothing moves, exactly.
    expectIdentical(runWasm('cell', cases[1], X, 50, 15).x, X, 'zero W');
    // All neurons constant: a single rebuild per point, every step affine.
    const s = runWasm('cell', cases[3], X, 50, 15).stats;
    expect(s).toEqual({ affine: 50 * 15, plain: 0, recomputes: 50, rebuilds: 50 });
  });

  it('agrees at huge and tiny scales of x, W and b', () => {
    const rng = createRng(9);
    for (const [sx, sw, sb] of [[1e6, 1e-6, 1e6], [1e-7, 1, 1e-7], [1e3, 1, 1e3], [1, 30, 1], [1e-150, 1, 1e-150], [1e150, 1e-3, 1e150]] as const) {
      const d = 3, p = 10;
      const base = randomControls(rng, d, p, 2, 1, sw);
      const c = makeControls({ d, width: p, layers: base.layers.map((L) => ({ duration: L.duration, W: L.W, A: L.A, b: L.b.map((v) => v * sb) })) });
      const X = randomCloud(rng, 40, d, sx).data;
      const cell = runWasm('cell', c, X, 40, 12);
      const dense = runWasm('dense', c, X, 40, 12);
      // relative to max(1, |x|), and to the scale itself when |x| ≪ 1
      const scale = Math.max(1, sx);
      const ax = cell.x.map((v) => v / scale), bx = dense.x.map((v) => v / scale);
      if (sx < 1) {
        for (let i = 0; i < ax.length; i++) { ax[i] = cell.x[i] / sx; bx[i] = dense.x[i] / sx; }
      }
      expectClose(ax, bx, 1e-12, `scales x=${sx} W=${sw} b=${sb}`);
      expectIdentical(cell.x, runTwin('cell', c, X, 40, 12).x, `scales ${sx} twin`);
    }
  });

  it('one neuron: matches the closed form to RK4 accuracy, and the dense kernel to rounding', () => {
    // ẋ = w relu(⟨a,x⟩ + b): on the active side y = ⟨a,x⟩ + b obeys ẏ = λy, λ = ⟨w,a⟩, so
    // x(t) = x0 + w y0 (e^{λt} − 1)/λ; on the inactive side x stays.
    const w = [0.8, -0.3], a = [0.6, 0.8], b = 0.2, T = 1.5;
    const c = makeControls({ d: 2, width: 1, layers: [{ duration: T, W: w, A: a, b: [b] }] });
    const X = new Float64Array([1, 1, -2, -1, 0.5, -0.1, 3, 0]);
    const n = 4;
    const cell = runWasm('cell', c, X, n, 40);
    const dense = runWasm('dense', c, X, n, 40);
    expectClose(cell.x, dense.x, 1e-12, 'one neuron vs dense');
    const lambda = w[0] * a[0] + w[1] * a[1];
    for (let i = 0; i < n; i++) {
      const y0 = b + a[0] * X[2 * i] + a[1] * X[2 * i + 1];
      const g = y0 > 0 ? (Math.expm1(lambda * T) / lambda) * y0 : 0;
      for (let k = 0; k < 2; k++) expect(Math.abs(cell.x[2 * i + k] - (X[2 * i + k] + w[k] * g))).toBeLessThan(1e-8);
    }
    // No point reaches the hyperplane (λ = 0.24 > 0 pushes y away from it): every step is
    // affine, with a few recomputations where the conservative distance bound runs out.
    expect(cell.stats.plain).toBe(0);
    expect(cell.stats.affine).toBe(n * 40);
    expect(cell.stats.recomputes).toBeLessThan(2 * n);
  });

  it('writes trajectories in the dense kernel layout (frame g/every after global step g)', () => {
    const rng = createRng(21);
    const c = randomControls(rng, 2, 8, 3);
    const X = randomCloud(rng, 33, 2).data;
    for (const every of [1, 2, 5, 7]) {
      const cell = runWasm('cell', c, X, 33, 10, every);
      const dense = runWasm('dense', c, X, 33, 10, every);
      expect(cell.traj!.length).toBe(dense.traj!.length);
      expectClose(cell.traj!, dense.traj!, 1e-12, `every=${every}`);
      // the last frame (when it exists) is the final state
      if ((3 * 10) % every === 0) expectIdentical(cell.traj!.subarray(cell.traj!.length - 66), cell.x, 'last frame');
    }
  });
});

describe("flow(..., { rk4Kernel })", () => {
  it('cell and dense agree; the js backend equals wasm-simd bit for bit with the cell kernel', async () => {
    const rng = createRng(4);
    const c = randomControls(rng, 2, 16, 4);
    const X = randomCloud(rng, 500, 2);
    const cell = flow(c, X, { stepsPerLayer: 25, rk4Kernel: 'cell', trajectory: { every: 10 } });
    const dense = flow(c, X, { stepsPerLayer: 25, rk4Kernel: 'dense' });
    expectClose(cell.data, dense.data, 1e-12, 'flow cell vs dense');
    await init({ backend: 'js' });
    try {
      const j = flow(c, X, { stepsPerLayer: 25, rk4Kernel: 'cell', trajectory: { every: 10 } });
      expectIdentical(j.data, cell.data, 'js vs wasm');
      expectIdentical(j.trajectory!.data, cell.trajectory!.data, 'js vs wasm trajectory');
    } finally {
      await init({ variant: 'debug' });
    }
  });
});

describe("rk4Kernel: 'auto'", () => {
  it('follows rk4KernelFor(d, p, stepsPerLayer), bit for bit with the explicit choice', () => {
    const rng = createRng(8);
    let cases = 0;
    for (const [d, p, steps, expected] of [[2, 16, 25, 'cell'], [2, 16, 4, 'dense'], [8, 32, 25, 'cell'], [12, 8, 25, 'dense'], [12, 32, 12, 'cell'], [20, 64, 25, 'dense']] as const) {
      expect(rk4KernelFor(d, p, steps), `d=${d} p=${p} steps=${steps}`).toBe(expected);
      const c = randomControls(rng, d, p, 2);
      const X = randomCloud(rng, 20, d);
      const auto = flow(c, X, { stepsPerLayer: steps });
      const explicit = flow(c, X, { stepsPerLayer: steps, rk4Kernel: expected });
      expectIdentical(auto.data, explicit.data, `d=${d} p=${p} steps=${steps}`);
      cases++;
    }
    expect(cases).toBe(6);
  });

  it('rejects an unknown kernel name with the allowed values', () => {
    const c = randomControls(createRng(1), 2, 3, 1);
    expect(() => flow(c, [[0, 0]], { rk4Kernel: 'fast' as never })).toThrow(InvalidArgumentError);
    expect(() => flow(c, [[0, 0]], { rk4Kernel: 'fast' as never })).toThrow(/options\.rk4Kernel.*'auto', 'dense', 'cell'/);
    // the WASM instance keeps working afterwards
    expect(flow(c, [[0.5, 0.5]], { rk4Kernel: 'cell' }).n).toBe(1);
  });
});
