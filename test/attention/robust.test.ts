// Issue 15 for the attention dynamics: results are right at any representable scale (the
// dynamics are homogeneous; runs on power-of-two-scaled tokens are bit-identical), never NaN,
// never a trap, independent of earlier calls; limits refused before allocating; a long step
// honours its AbortSignal; options validated with typed errors.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError, CapacityError, checkEquilibrium, hardmaxDynamics, hardmaxDynamicsAsync, init, InvalidArgumentError, sinkhorn,
  softmaxDynamics, sphereDynamics, type PointCloud,
} from '../../src/index.js';
import { pow2 } from '../../src/attention/trajectory.js';
import { createRng, randomCloud } from '../helpers.js';

const scaled = (Z: PointCloud, f: number): PointCloud => ({ n: Z.n, d: Z.d, data: Z.data.map((v) => v * f) });
const allFinite = (a: Float64Array): boolean => a.every((v) => Number.isFinite(v));

describe('attention dynamics at any scale (issue 15)', () => {
  beforeAll(() => init({ variant: 'debug' }));

  it('hardmax: tokens × 2^k give the run × 2^k bit for bit (k = ±500, ±1000 within range), A × 2^k the same run', () => {
    const rng = createRng(5);
    for (const [n, d] of [[40, 2], [30, 3], [25, 5]] as const) {
      const Z = randomCloud(rng, n, d);
      const base = hardmaxDynamics(Z, { steps: 25, alpha: 0.7 });
      for (const k of [500, -500, 1000 - 3, -1000]) {
        const r = hardmaxDynamics(scaled(Z, pow2(k)), { steps: 25, alpha: 0.7 });
        expect(Array.from(r.tokens.data)).toEqual(Array.from(base.tokens.data, (v) => v * pow2(k)));
        expect(r.leaders).toEqual(base.leaders);
      }
      const I = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1e308 : 0)));
      expect(Array.from(hardmaxDynamics(Z, { steps: 25, alpha: 0.7, A: I }).tokens.data)).toEqual(Array.from(base.tokens.data));
    }
  });

  it('hardmax with a token at 1e308 (and × 1e154): finite, right, and the same after a Sinkhorn call (no dependence on memory left by earlier calls)', () => {
    const rng = createRng(6);
    for (const n of [4, 40, 200]) {
      const Z = randomCloud(rng, n, 2);
      Z.data[2] = 1e308;
      const fresh = hardmaxDynamics(Z, { steps: 5 });
      expect(allFinite(fresh.tokens.data)).toBe(true);
      // token 1 = (1e308, y) beats everyone along +x; tokens with positive x follow it: they stay in [min, 1e308]
      expect(fresh.tokens.data[2]).toBe(1e308);
      sinkhorn(randomCloud(rng, 300, 2), randomCloud(rng, 300, 2), { epsilon: 0.01 });
      const after = hardmaxDynamics(Z, { steps: 5 });
      expect(Array.from(after.tokens.data)).toEqual(Array.from(fresh.tokens.data));
      const big = hardmaxDynamics(scaled(Z, 1e-154), { steps: 5 });
      expect(allFinite(big.tokens.data)).toBe(true);
    }
    const Z = randomCloud(rng, 30, 3);
    const r = hardmaxDynamics(scaled(Z, 1e154), { steps: 10 });
    expect(allFinite(r.tokens.data)).toBe(true);
    expect(r.leaders).toEqual(hardmaxDynamics(Z, { steps: 10 }).leaders);
    expect(checkEquilibrium(hardmaxDynamics(scaled(Z, 1e154), { steps: 200 })).ok).toBe(true);
  });

  it('softmax: tokens × 2^k with T × 4^k give the run × 2^k bit for bit; huge scores (× 1e154, T = 0.1) stay finite', () => {
    const rng = createRng(7);
    const Z = randomCloud(rng, 33, 3);
    const base = softmaxDynamics(Z, { steps: 6, temperature: 0.3 });
    for (const k of [250, -250]) {
      const r = softmaxDynamics(scaled(Z, pow2(k)), { steps: 6, temperature: 0.3 * pow2(2 * k) });
      expect(Array.from(r.tokens.data)).toEqual(Array.from(base.tokens.data, (v) => v * pow2(k)));
    }
    const big = softmaxDynamics(scaled(Z, 1e154), { steps: 6, temperature: 0.1 });
    expect(allFinite(big.tokens.data)).toBe(true);
    // at scores ~1e307 / T the weights are a hardmax's: the run is the hardmax run (up to the tie tolerance)
    const hard = hardmaxDynamics(scaled(Z, 1e154), { steps: 6, alpha: 0.5, tieTolerance: 0 });
    for (let j = 0; j < big.tokens.data.length; j++) expect(Math.abs(big.tokens.data[j] - hard.tokens.data[j])).toBeLessThanOrEqual(1e-12 * 1e154 * 4);
  });

  it('limits up front: a trajectory of 2^24 steps is refused with CapacityError naming trajectory and steps, before any step', () => {
    const Z = randomCloud(createRng(8), 10, 2);
    let progress = 0;
    const fail = (): unknown => hardmaxDynamics(Z, { steps: 2 ** 24, trajectory: true, onProgress: () => progress++ });
    expect(fail).toThrow(CapacityError);
    expect(fail).toThrow(/trajectory.*steps/);
    expect(progress).toBe(0);
    expect(() => softmaxDynamics(Z, { steps: 2 ** 24, trajectory: true })).toThrow(CapacityError);
    expect(() => sphereDynamics(Z, { steps: 2 ** 26, trajectory: { every: 1 } })).toThrow(CapacityError);
    // a caller buffer of the right size is used as is; a short one is a typed error
    const buf = new Float64Array(11 * 10 * 2);
    expect(hardmaxDynamics(Z, { steps: 10, trajectory: { buffer: buf } }).trajectory!.data).toBe(buf);
    expect(() => hardmaxDynamics(Z, { steps: 10, trajectory: { buffer: new Float64Array(5) } })).toThrow(/buffer/);
    expect(() => hardmaxDynamics(Z, { steps: 10, trajectory: { every: 0 } })).toThrow(/every/);
  });

  it('one step on 1e5 tokens is split into row blocks: an AbortSignal stops it mid-step', async () => {
    const Z = randomCloud(createRng(9), 100_000, 3);
    const t0 = performance.now();
    let fractions = 0;
    await expect(hardmaxDynamicsAsync(Z, { steps: 1, signal: AbortSignal.timeout(50), onProgress: () => fractions++ })).rejects.toThrow(AbortError);
    // aborted inside the first step (a whole step is ~5·10^9 score evaluations)
    expect(fractions).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('options: null, onProgress: 5, record, tolerances Infinity / "5" are typed errors naming the option', () => {
    const Z = [[1, 0], [0, 1], [0.5, 0.2]];
    for (const f of [hardmaxDynamics, softmaxDynamics, sphereDynamics] as ((z: number[][], o?: unknown) => unknown)[]) {
      expect(() => f(Z, null)).toThrow(InvalidArgumentError);
      expect(() => f(Z, 5)).toThrow(/options/);
      expect(() => f(Z, { onProgress: 5 })).toThrow(/options.onProgress/);
      expect(() => f(Z, { signal: 'stop' })).toThrow(/options.signal/);
      expect(() => f(Z, { trajectory: 'yes' })).toThrow(/options.trajectory/);
    }
    expect(() => hardmaxDynamics(Z, { record: false } as never)).toThrow(/options.trajectory/);
    const r = hardmaxDynamics(Z, { steps: 50 });
    for (const tolerance of [Infinity, '5', -1, NaN, 0]) {
      expect(() => checkEquilibrium(r, { tolerance: tolerance as number })).toThrow(InvalidArgumentError);
    }
    expect(() => checkEquilibrium(r, null as never)).toThrow(InvalidArgumentError);
    expect(() => checkEquilibrium(r, { faceTolerance: Infinity })).toThrow(/faceTolerance/);
    expect(checkEquilibrium(r).ok).toBe(true);
    expect(() => hardmaxDynamics(Z, { tieTolerance: Infinity })).toThrow(/tieTolerance/);
  });
});
