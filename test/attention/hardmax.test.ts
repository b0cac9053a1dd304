import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AbortError, checkEquilibrium, hardmaxDynamics, hardmaxDynamicsAsync, init, InvalidArgumentError, NonFiniteError, ShapeMismatchError, trajectoryFrame, type HardmaxAlgorithm, type HardmaxResult } from '../../src/index.js';
import { choleskyFactorT, hardmaxStepJS } from '../../src/kernels/hardmax.js';
import { asSPD } from '../../src/attention/matrix.js';
import { scaleExponent, scalePow2 } from '../../src/attention/trajectory.js';

/** The run's scale (docs/algorithms/attention.md): tokens z·2^−e, G from A·2^−k. */
function scaledStart(data: Float64Array, A: number[][] | Float64Array | undefined, d: number): { z: Float64Array; G: Float64Array; e: number } {
  const e = scaleExponent(data);
  const S = asSPD(A as number[][] | undefined, d);
  return { z: scalePow2(Float64Array.from(data), -e), G: choleskyFactorT(scalePow2(S, -scaleExponent(S)), d), e };
}
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

/** Brute force token by token (the reference twin), same leader/attention bookkeeping as hardmaxDynamics. */
function referenceRun(Z: number[][] | { n: number; d: number; data: Float64Array }, opts: { A?: number[][]; alpha?: number; steps: number; tieTolerance?: number }) {
  const rows = Array.isArray(Z) ? Z : Array.from({ length: Z.n }, (_, i) => Array.from(Z.data.subarray(i * Z.d, i * Z.d + Z.d)));
  const n = rows.length, d = rows[0].length;
  const { z, G, e } = scaledStart(Float64Array.from(rows.flat()), opts.A, d);
  const alpha = opts.alpha ?? 0.5, tol = opts.tieTolerance ?? 1e-12;
  const lead = new Int32Array(n), first = new Int32Array(n), count = new Int32Array(n);
  const leaders: number[][] = [];
  for (let s = 0; s <= opts.steps; s++) {
    hardmaxStepJS(z, n, d, G, alpha / (1 + alpha), tol, s < opts.steps, lead, first, count);
    leaders.push(Array.from(lead.keys()).filter((i) => lead[i]));
  }
  return { tokens: scalePow2(z, e), leaders, attention: Array.from(first) };
}

function expectEqualsReference(r: HardmaxResult, ref: ReturnType<typeof referenceRun>): void {
  expect(Array.from(r.tokens.data)).toEqual(Array.from(ref.tokens));
  expect(r.leaders).toEqual(ref.leaders);
  expect(Array.from(r.attention)).toEqual(ref.attention);
}

/** Adversarial 2-D configurations: duplicates, collinear points on hull edges, exact ties, a circle, tiny tokens (underflow). */
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
    else if (kind === 4) pts.push(i % 3 === 0 ? [0.25, -0.5] : [rng.normal(), rng.normal()]); // a repeated point among random ones
    else pts.push([rng.normal() * 1e-160, rng.normal() * 1e-160]); // products underflow: the hull's rounding bound does not apply
  }
  return pts;
}

describe('hardmaxDynamics', () => {
  beforeAll(() => init({ variant: 'debug' }));

  it('reproduces the notebook configuration (A = I, α = 0.5, 30 steps)', () => {
    const r = hardmaxDynamics(NOTEBOOK, { alpha: 0.5, steps: 30, trajectory: true });
    expect(r.leaders[0]).toEqual([0, 2]);
    expect(r.leaders[30]).toEqual([0, 1, 2]);
    expect(r.trajectory!.frames).toBe(31);
    expect(Array.from(r.trajectory!.times)).toEqual(Array.from({ length: 31 }, (_, k) => k));
    const t1 = trajectoryFrame(r.trajectory!, 1).data;
    expect(t1[2]).toBeCloseTo(-1 / 18, 15);
    expect(t1[3]).toBeCloseTo(5 / 36, 15);
    // token 1 never moves again
    for (let k = 1; k <= 30; k++) expect([trajectoryFrame(r.trajectory!, k).data[2], trajectoryFrame(r.trajectory!, k).data[3]]).toEqual([t1[2], t1[3]]);
    const fin = r.tokens.data;
    for (const i of [3, 6, 7]) expect(Math.hypot(fin[2 * i] - 1, fin[2 * i + 1] - 1 / 3)).toBeLessThan(1e-4);
    for (const i of [4, 5]) expect(Math.hypot(fin[2 * i] + 1, fin[2 * i + 1] + 1)).toBeLessThan(1e-4);
    expect(r.stableFrom).toBe(1);
    expect(r.clusters.length).toBeGreaterThanOrEqual(3);
    expect(checkEquilibrium(r, { tolerance: 1e-4 }).ok).toBe(true);
    // after 200 steps the followers sit within the tie tolerance of their leaders (C_0 is no
    // longer {0}), yet the leader groups are unchanged: stableFrom counts no collapse step
    const late = hardmaxDynamics(NOTEBOOK, { alpha: 0.5, steps: 200 });
    expect(late.leaders[0]).toEqual([0, 2]);
    for (let k = 1; k <= 200; k++) expect(late.leaders[k]).toEqual([0, 1, 2]);
    expect(late.stableFrom).toBe(1);
    expect(checkEquilibrium(late, { tolerance: 1e-10 }).leaders).toEqual([0, 1, 2]);
    // every token follows one of the three groups
    expect([...new Set(late.attention)].sort()).toEqual([0, 1, 2]);
  });

  it('stableFrom: the step after which the leader set no longer changed (emerging leader at step 1, collapse not counted)', () => {
    for (const mergeCoincident of [true, false]) {
      for (const tieTolerance of [0, 1e-12]) {
        const r = hardmaxDynamics(NOTEBOOK, { alpha: 0.5, steps: 300, mergeCoincident, tieTolerance });
        expect(r.leaders[0]).toEqual([0, 2]);
        expect(r.leaders.slice(1).every((l) => l.join() === '0,1,2')).toBe(true);
        expect(r.stableFrom).toBe(1);
      }
    }
    // duplicated leaders count once (smallest index), from step 0
    const dup = hardmaxDynamics([...NOTEBOOK, NOTEBOOK[0], NOTEBOOK[2]], { alpha: 0.5, steps: 40 });
    expect(dup.leaders[0]).toEqual([0, 2]);
    expect(dup.leaders[40]).toEqual([0, 1, 2]);
    expect(dup.stableFrom).toBe(1);
    expect(hardmaxDynamics(NOTEBOOK, { steps: 0 }).stableFrom).toBe(0);
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

  it('WASM kernel equals the token-by-token brute-force twin bit for bit (random d ≤ 6, random SPD A)', () => {
    const rng = createRng(5);
    let cases = 0;
    for (let t = 0; t < 30; t++) {
      const n = 2 + Math.floor(rng.uniform() * 60), d = 1 + Math.floor(rng.uniform() * 6);
      const Z = randomCloud(rng, n, d);
      const A = randomSPD(rng, d);
      const r = hardmaxDynamics(Z, { A, steps: 15, alpha: 0.7, tieTolerance: t % 3 ? 1e-12 : 0 });
      expectEqualsReference(r, referenceRun(Z, { A, steps: 15, alpha: 0.7, tieTolerance: t % 3 ? 1e-12 : 0 }));
      cases++;
    }
    expect(cases).toBe(30);
  });

  it('fast paths (symmetric pairs, 2-D hull band) × atom merging on/off give exactly brute force: random and adversarial', () => {
    const rng = createRng(11);
    let cases = 0;
    for (let t = 0; t < 49; t++) {
      const kind = t % 7;
      const n = 3 + Math.floor(rng.uniform() * 120);
      const Z = kind === 6 ? Array.from({ length: n }, () => [rng.normal(), rng.normal()]) : adversarial(rng, kind, n);
      const A = t % 2 ? randomSPD(rng, 2) : undefined;
      for (const tieTolerance of [0, 1e-12, 1e-6]) {
        const ref = referenceRun(Z, { A, steps: 10, alpha: 0.5, tieTolerance });
        for (const algorithm of ['brute-force', 'symmetric', 'hull'] as HardmaxAlgorithm[]) {
          for (const mergeCoincident of [true, false]) {
            expectEqualsReference(hardmaxDynamics(Z, { A, steps: 10, alpha: 0.5, tieTolerance, algorithm, mergeCoincident }), ref);
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(49 * 3 * 6);
  });

  it('after collapse (atoms with multiplicities): every path equals brute force over tokens, trajectory included', () => {
    const rng = createRng(21);
    let merged = 0;
    for (const [n, d, A] of [[160, 2, undefined], [120, 2, randomSPD(rng, 2)], [90, 3, randomSPD(rng, 3)]] as const) {
      const Z = randomCloud(rng, n, d);
      const steps = 70;
      const ref = referenceRun(Z, { A: A as number[][] | undefined, alpha: 1, steps });
      const algorithms: HardmaxAlgorithm[] = d === 2 ? ['auto', 'brute-force', 'symmetric', 'hull'] : ['auto', 'brute-force', 'symmetric'];
      const runs = algorithms.map((algorithm) => hardmaxDynamics(Z, { A: A as number[][] | undefined, alpha: 1, steps, algorithm, trajectory: true }));
      const plain = hardmaxDynamics(Z, { A: A as number[][] | undefined, alpha: 1, steps, mergeCoincident: false, trajectory: { every: 7 } });
      for (const r of [...runs, plain]) expectEqualsReference(r, ref);
      expect(plain.trajectory!.frames).toBe(11);
      for (let k = 0; k <= steps; k += 7) expect(Array.from(trajectoryFrame(runs[0].trajectory!, k).data)).toEqual(Array.from(trajectoryFrame(plain.trajectory!, k / 7).data));
      // the tokens did collapse onto far fewer positions, so the atom path was exercised
      expect(runs[0].atoms).toBeLessThan(n / 4);
      expect(plain.atoms).toBe(runs[0].atoms);
      merged++;
    }
    expect(merged).toBe(3);
  });

  it('means over interleaved atoms (k-way merge and token scan) keep ascending token order: equal to brute force bit for bit', () => {
    // Four atoms on the line x = 1.1, each at three interleaved indices; tokens (t, 0), t > 0,
    // score 1.1·t against all of them (exact ties: C = four atoms of three tokens → k-way merge);
    // the zero token scores 0 against everyone (C = every atom → token scan). The y values do
    // not cancel, so a different summation order would change the bits.
    const ys = [0.9, 3e-16, -0.9, 2.5e-16];
    const Z: number[][] = [];
    for (let r = 0; r < 3; r++) {
      for (const y of ys) Z.push([1.1, y]);
      Z.push([-0.7 - r * 0.01, 0]);
    }
    Z.push([0.5, 0], [0.25, 0], [0, 0], [0.1, 0], [-0.2, 0], [0.1, 0]);
    // n = 31: the 4-atom rows take the k-way merge; all other y are 0, so the zero token's mean
    // (over every token) is as small as the rounding differences between orders
    for (let j = 0; j < 10; j++) Z.push([-0.5 + 0.07 * j, 0]);
    for (const tieTolerance of [0, 1e-12]) {
      const ref = referenceRun(Z, { alpha: 0.5, steps: 30, tieTolerance });
      for (const algorithm of ['brute-force', 'symmetric', 'hull'] as HardmaxAlgorithm[]) {
        expectEqualsReference(hardmaxDynamics(Z, { alpha: 0.5, steps: 30, tieTolerance, algorithm }), ref);
      }
    }
    const r = hardmaxDynamics(Z, { alpha: 0.5, steps: 1, tieTolerance: 0 });
    // token 15 = (0.5, 0) moved towards the mean of the 12 right-edge tokens, summed in index order
    let sy = 0, byAtom = 0;
    for (let i = 0; i < 12; i++) sy += Z[Math.floor(i / 4) * 5 + (i % 4)][1];
    for (let i = 0; i < 12; i++) byAtom += ys[Math.floor(i / 3)];
    expect(sy).not.toBe(byAtom); // the order is visible in the bits
    expect(r.tokens.data[31]).toBe(0 + (1 / 3) * (sy / 12 - 0));
    let all = 0;
    for (const p of Z) all += p[1];
    expect(r.tokens.data[35]).toBe(0 + (1 / 3) * (all / Z.length - 0)); // zero token: C = everyone
    expect(r.warnings.some((w) => /zero/.test(w))).toBe(true);
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
        const r = hardmaxDynamics(randomCloud(rng, n, d), { A: randomSPD(rng, d), alpha: 1, steps: 120 });
        const eq = checkEquilibrium(r, { tolerance: 1e-8 });
        ran++;
        return eq.ok;
      }),
      { numRuns: 200 },
    );
    expect(ran).toBe(200);
  });

  it('a strict leader (C_i = {i}) does not move: its bits are unchanged by the step, and it is always reported (300 random runs)', () => {
    let ran = 0, leaderSteps = 0;
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1 << 30 }), fc.boolean(), (n, d, seed, exact) => {
        const rng = createRng(seed);
        const Z = randomCloud(rng, n, d);
        const A = randomSPD(rng, d);
        const r = hardmaxDynamics(Z, { A, alpha: 0.8, steps: 25, tieTolerance: exact ? 0 : 1e-12 });
        const { z, G, e } = scaledStart(Z.data, A, d);
        const lead = new Int32Array(n), first = new Int32Array(n), count = new Int32Array(n);
        for (let k = 0; k < 25; k++) {
          const before = z.slice();
          hardmaxStepJS(z, n, d, G, 0.8 / 1.8, exact ? 0 : 1e-12, true, lead, first, count);
          for (let i = 0; i < n; i++) {
            if (count[i] !== 1 || first[i] !== i) continue;
            leaderSteps++;
            if (!r.leaders[k].includes(i)) return false;
            for (let j = 0; j < d; j++) if (z[i * d + j] !== before[i * d + j]) return false;
          }
        }
        ran++;
        return Array.from(scalePow2(z, e)).every((v, j) => v === r.tokens.data[j]);
      }),
      { numRuns: 300 },
    );
    expect(ran).toBe(300);
    expect(leaderSteps).toBeGreaterThan(1000);
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
