import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkEquilibrium, hardmaxDynamics, init, InvalidArgumentError, NonFiniteError, ShapeMismatchError, type HardmaxAlgorithm } from '../../src/index.js';
import { hardmaxStepJS } from '../../src/kernels/hardmax.js';
import { createRng, randomCloud } from '../helpers.js';

const NOTEBOOK = [[1, 1 / 3], [-1 / 12, 1 / 12], [-1, -1], [0, 1 / 4], [-0.3, -0.7], [-0.6, -0.9], [0.8, 0.1], [0.6, 0.15]];

function randomSPD(rng: ReturnType<typeof createRng>, d: number): number[][] {
  const Q = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += Q[i][k] * Q[j][k];
    return s / d + (i === j ? 0.5 : 0);
  }));
}

function expectSameRun(a: ReturnType<typeof hardmaxDynamics>, b: ReturnType<typeof hardmaxDynamics>): void {
  expect(Array.from(a.tokens.data)).toEqual(Array.from(b.tokens.data));
  expect(a.leaders).toEqual(b.leaders);
  expect(Array.from(a.attention)).toEqual(Array.from(b.attention));
}

/** Adversarial 2-D configurations: duplicates, collinear points on hull edges, exact ties, a circle. */
function adversarial(rng: ReturnType<typeof createRng>, kind: number, n: number): number[][] {
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r = rng.uniform();
    if (kind === 0) pts.push([Math.round(rng.uniform() * 4) - 2, Math.round(rng.uniform() * 4) - 2]); // grid: many duplicates and ties
    else if (kind === 1) {
      const t = Math.floor(r * 9) / 8; // points on the edges of the square [-1,1]² (collinear, ties)
      const side = i % 4;
      pts.push(side === 0 ? [2 * t - 1, 1] : side === 1 ? [1, 2 * t - 1] : side === 2 ? [2 * t - 1, -1] : [-1, 2 * t - 1]);
    } else if (kind === 2) {
      const th = (2 * Math.PI * i) / n; // all on a circle: every point is a hull vertex
      pts.push([Math.cos(th), Math.sin(th)]);
    } else if (kind === 3) pts.push([r * 2 - 1, 0.5 * (r * 2 - 1)]); // all collinear
    else pts.push(i % 3 === 0 ? [0.25, -0.5] : [rng.normal(), rng.normal()]); // a repeated point among random ones
  }
  return pts;
}

describe('hardmaxDynamics', () => {
  beforeAll(() => init({ variant: 'debug' }));

  it('reproduces the notebook configuration (A = I, α = 0.5, 30 steps)', () => {
    const r = hardmaxDynamics(NOTEBOOK, { alpha: 0.5, steps: 30 });
    expect(r.leaders[0]).toEqual([0, 2]);
    expect(r.leaders[30]).toEqual([0, 1, 2]);
    const t1 = r.trajectory[1].data;
    expect(t1[2]).toBeCloseTo(-1 / 18, 15);
    expect(t1[3]).toBeCloseTo(5 / 36, 15);
    // token 1 never moves again
    for (let k = 1; k <= 30; k++) expect([r.trajectory[k].data[2], r.trajectory[k].data[3]]).toEqual([t1[2], t1[3]]);
    const fin = r.tokens.data;
    for (const i of [3, 6, 7]) expect(Math.hypot(fin[2 * i] - 1, fin[2 * i + 1] - 1 / 3)).toBeLessThan(1e-4);
    for (const i of [4, 5]) expect(Math.hypot(fin[2 * i] + 1, fin[2 * i + 1] + 1)).toBeLessThan(1e-4);
    expect(r.stableFrom).toBe(1);
    expect(r.clusters.length).toBeGreaterThanOrEqual(3);
    expect(checkEquilibrium(r, { tolerance: 1e-4 }).ok).toBe(true);
    // after 200 steps the followers sit exactly on their leaders (ties), so the strict leader
    // set is empty, while the equilibrium report still finds the three leader atoms
    const late = hardmaxDynamics(NOTEBOOK, { alpha: 0.5, steps: 200 });
    expect(late.leaders[200].length).toBeLessThan(3);
    expect(checkEquilibrium(late, { tolerance: 1e-10 }).leaders).toEqual([0, 1, 2]);
  });

  it('D3 non-leader clusters: edge midpoints (projections of 0) are limits, leaders keep their bits', () => {
    const Z = [[1, 1], [1, -1], [-1, -1], [-1, 1], [-0.5, 0], [0.5, 0], [0.2, 0.3], [-0.3, 0.25], [0.1, -0.45], [-0.25, -0.2]];
    const r = hardmaxDynamics(Z, { alpha: 0.5, steps: 200, tieTolerance: 0 });
    expect(r.leaders[200]).toEqual([0, 1, 2, 3]);
    expect(Array.from(r.tokens.data.subarray(0, 8))).toEqual([1, 1, 1, -1, -1, -1, -1, 1]);
    expect(Math.hypot(r.tokens.data[8] + 1, r.tokens.data[9])).toBeLessThan(1e-10);
    expect(Math.hypot(r.tokens.data[10] - 1, r.tokens.data[11])).toBeLessThan(1e-10);
    const eq = checkEquilibrium(r, { tolerance: 1e-10 });
    expect(eq.ok).toBe(true);
    expect(eq.face[4].sort()).toEqual([2, 3]);
  });

  it('a tie whose barycentre is not the projection breaks (D2.4)', () => {
    const r = hardmaxDynamics([[2, 1], [2, -3], [-2, 0], [1, 0]], { alpha: 0.5, steps: 200 });
    expect(Math.hypot(r.tokens.data[6] - 2, r.tokens.data[7] + 3)).toBeLessThan(1e-10);
  });

  it('WASM kernel equals the TS twin bit for bit (random d ≤ 6, random SPD A)', () => {
    const rng = createRng(5);
    let cases = 0;
    for (let t = 0; t < 30; t++) {
      const n = 2 + Math.floor(rng.uniform() * 60), d = 1 + Math.floor(rng.uniform() * 6);
      const Z = randomCloud(rng, n, d);
      const A = randomSPD(rng, d);
      const r = hardmaxDynamics(Z, { A, steps: 15, alpha: 0.7 });
      const z = Float64Array.from(Z.data);
      const Af = r.A;
      const lead = new Int32Array(n), first = new Int32Array(n), count = new Int32Array(n);
      for (let s = 0; s < 15; s++) hardmaxStepJS(z, n, d, Af, 0.7 / 1.7, 1e-12, true, lead, first, count);
      expect(Array.from(r.tokens.data)).toEqual(Array.from(z));
      cases++;
    }
    expect(cases).toBe(30);
  });

  it('fast paths (symmetric pairs, 2-D hull band) give exactly the brute-force argmax sets: random and adversarial', () => {
    const rng = createRng(11);
    let cases = 0;
    for (let t = 0; t < 60; t++) {
      const kind = t % 6;
      const n = 3 + Math.floor(rng.uniform() * 150);
      const Z = kind === 5 ? Array.from({ length: n }, () => [rng.normal(), rng.normal()]) : adversarial(rng, kind, n);
      const A = t % 2 ? randomSPD(rng, 2) : undefined;
      for (const tieTolerance of [0, 1e-12, 1e-6]) {
        const runs = (['brute-force', 'symmetric', 'hull'] as HardmaxAlgorithm[]).map((algorithm) =>
          hardmaxDynamics(Z, { A, steps: 12, alpha: 0.5, tieTolerance, algorithm }),
        );
        expectSameRun(runs[1], runs[0]);
        expectSameRun(runs[2], runs[0]);
        cases++;
      }
    }
    expect(cases).toBe(180);
  });

  it('symmetric path equals brute force in higher dimensions, with duplicated tokens (list overflow → rescans)', () => {
    const rng = createRng(3);
    for (const d of [3, 5, 16]) {
      const base = randomCloud(rng, 20, d);
      const rows: number[][] = [];
      for (let i = 0; i < 60; i++) rows.push(Array.from(base.data.subarray((i % 20) * d, (i % 20) * d + d)));
      for (let i = 0; i < 12; i++) rows.push(Array.from({ length: d }, () => 0.5)); // 12 equal tokens
      const a = hardmaxDynamics(rows, { steps: 8, algorithm: 'brute-force' });
      const b = hardmaxDynamics(rows, { steps: 8, algorithm: 'symmetric' });
      expectSameRun(b, a);
    }
  });

  it('Thm 4.1 holds on 200 random configurations (n ≤ 50, d ≤ 5, random SPD A)', () => {
    let ran = 0;
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1 << 30 }), (n, d, seed) => {
        const rng = createRng(seed);
        const r = hardmaxDynamics(randomCloud(rng, n, d), { A: randomSPD(rng, d), alpha: 1, steps: 120, record: false });
        const eq = checkEquilibrium(r, { tolerance: 1e-8 });
        ran++;
        return eq.ok;
      }),
      { numRuns: 200 },
    );
    expect(ran).toBe(200);
  });

  it('JS backend gives the same run as WASM', async () => {
    const rng = createRng(9);
    const Z = randomCloud(rng, 80, 2);
    const w = hardmaxDynamics(Z, { steps: 10 });
    await init({ backend: 'js' });
    try {
      expectSameRun(hardmaxDynamics(Z, { steps: 10 }), w);
    } finally {
      await init({ variant: 'debug' });
    }
  });

  it('rejects bad input with typed errors and keeps working afterwards', () => {
    expect(() => hardmaxDynamics(NOTEBOOK, { A: [[1, 0.5], [0, 1]] })).toThrow(InvalidArgumentError);
    expect(() => hardmaxDynamics(NOTEBOOK, { A: [[1, 2], [2, 1]] })).toThrow(/positive definite/);
    expect(() => hardmaxDynamics(NOTEBOOK, { A: [1, 0, 0] })).toThrow(ShapeMismatchError);
    expect(() => hardmaxDynamics(NOTEBOOK, { alpha: 0 })).toThrow(InvalidArgumentError);
    expect(() => hardmaxDynamics(NOTEBOOK, { alpha: -1 })).toThrow(/options.alpha/);
    expect(() => hardmaxDynamics(NOTEBOOK, { tieTolerance: -1 })).toThrow(InvalidArgumentError);
    expect(() => hardmaxDynamics([[0, NaN]])).toThrow(NonFiniteError);
    expect(() => hardmaxDynamics([[1, 2, 3]], { algorithm: 'hull' })).toThrow(/d = 2/);
    const r = hardmaxDynamics([[0, 0], [1, 0], [0, 1]], { steps: 3 });
    expect(r.warnings.length).toBe(1);
    expect(r.warnings[0]).toMatch(/zero/);
    expect(hardmaxDynamics(NOTEBOOK, { steps: 30 }).leaders[30]).toEqual([0, 1, 2]);
  });
});
