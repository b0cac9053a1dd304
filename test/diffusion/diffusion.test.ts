import { beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError, diffusionSample, diffusionSampleAsync, diffusionTimes, init, InvalidArgumentError, liYauCheck, liYauCheckAsync, NonFiniteError, score,
  scoreAsync, ShapeMismatchError,
} from '../../src/index.js';

beforeAll(() => init());

const FULL = process.env.FULL === '1';

/** Exact variance (per coordinate) of the discrete scheme for one data point, by recursion. */
function discreteVariance(T: number, tau: number, steps: number, grid: 'uniform' | 'geometric', scheme: 'euler-maruyama' | 'heun', nu: (t: number) => number): number[] {
  const t = diffusionTimes(T, tau, steps, grid);
  let V = 2 * T;
  const out = [V];
  for (let k = 0; k < steps; k++) {
    const h = t[k] - t[k + 1];
    const b0 = (h * (1 + nu(t[k]))) / (2 * t[k]), b1 = (h * (1 + nu(t[k + 1]))) / (2 * t[k + 1]);
    if (scheme === 'euler-maruyama') {
      const a = 1 - b0;
      V = a * a * V + 2 * nu(t[k]) * h;
    } else {
      const a0 = 1 - b0;
      const A = 1 - b0 / 2 - (b1 / 2) * a0, B = 1 - b1 / 2;
      V = A * A * V + h * (nu(t[k]) + nu(t[k + 1])) * B * B;
    }
    out.push(V);
  }
  return out;
}

function moments(x: Float64Array, n: number, d: number, k: number): { mean: number; variance: number } {
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i * d + k];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i * d + k] - m) ** 2;
  return { mean: m, variance: v / (n - 1) };
}

describe('diffusionSample: one data point (the reverse process is N(x₁, 2t I) at every t)', () => {
  const x1 = [0.7, -1.2];
  const M = 20000;
  // statistical tolerances: mean within 5 standard errors √(V/M); sample variance within
  // 5·√(2/(M−1)) relative (fixed seeds, so these are deterministic; 5σ leaves room for the
  // seed not being special)
  for (const scheme of ['euler-maruyama', 'heun'] as const) {
    for (const [label, nu] of [['ν = 1', () => 1], ['ν(t) = 2t', (t: number) => 2 * t], ['ν = 0.3', () => 0.3]] as const) {
      it(`${scheme}, ${label}: mean and variance at every recorded t match the scheme's exact recursion and 2t`, () => {
        const T = 1, tau = 0.01, steps = 100;
        const r = diffusionSample([x1], { T, tau, steps, scheme, diffusivity: nu, samples: M, seed: 7, trajectory: { every: 20 } });
        const V = discreteVariance(T, tau, steps, 'geometric', scheme, nu);
        const tr = r.trajectory!;
        expect(tr.frames).toBe(6);
        for (let f = 0; f < tr.frames; f++) {
          const t = tr.times[f];
          const Vd = V[f * 20];
          // time-stepping bias of the recursion against the continuous law's 2t, in the relative
          // step q = 1 − (τ/T)^{1/steps} = 0.045: first order for EM (≤ 1.6q), second for Heun (≤ q²)
          const q = 1 - Math.pow(tau / T, 1 / steps);
          expect(Math.abs(Vd - 2 * t) / (2 * t)).toBeLessThan(scheme === 'heun' ? q * q : 1.6 * q);
          const frame = tr.data.subarray(f * M * 2, (f + 1) * M * 2);
          for (let k = 0; k < 2; k++) {
            const { mean, variance } = moments(frame, M, 2, k);
            expect(Math.abs(mean - x1[k])).toBeLessThan(5 * Math.sqrt(Vd / M));
            expect(Math.abs(variance - Vd) / Vd).toBeLessThan(5 * Math.sqrt(2 / (M - 1)));
          }
        }
        expect(Array.from(tr.data.subarray(5 * M * 2))).toEqual(Array.from(r.samples.data));
      });
    }
  }

  it('probability-flow ODE (ν = 0): Y(τ) = x₁ + √(τ/T)(Y(T) − x₁) per sample; Heun converges at order 2', () => {
    const T = 2, tau = 0.02;
    const start = [[3, 1], [-2, 0.5], [0.7, -1.2], [10, -7]];
    const err = (steps: number): number => {
      const r = diffusionSample([x1], { T, tau, steps, scheme: 'heun', diffusivity: 0, start });
      let e = 0;
      const f = Math.sqrt(tau / T);
      start.forEach((p, i) => p.forEach((v, k) => (e = Math.max(e, Math.abs(r.samples.data[i * 2 + k] - (x1[k] + f * (v - x1[k])))))));
      return e;
    };
    const e1 = err(100), e2 = err(200);
    expect(e1).toBeLessThan(2e-3);
    expect(e1 / e2).toBeGreaterThan(3.5);
    expect(e1 / e2).toBeLessThan(4.5);
  });

  it('uniform grid: same recursion, and its bias at small τ is what the docs say (the last step is long against τ)', () => {
    const T = 1, tau = 0.01, steps = 50;
    const r = diffusionSample([x1], { T, tau, steps, grid: 'uniform', samples: M, seed: 3 });
    const Vd = discreteVariance(T, tau, steps, 'uniform', 'euler-maruyama', () => 1)[steps];
    for (let k = 0; k < 2; k++) {
      const { variance } = moments(r.samples.data, M, 2, k);
      expect(Math.abs(variance - Vd) / Vd).toBeLessThan(5 * Math.sqrt(2 / (M - 1)));
    }
    // EM on the uniform grid ends with noise √(2h) ≫ √(2τ): variance ≈ 2h, not 2τ
    expect(Vd / (2 * tau)).toBeGreaterThan(1.5);
  });
});

describe('FULL tier: larger statistical runs', () => {
  it.runIf(FULL)('one point, 10^5 samples, 200 Heun steps, ν = 1: variance at τ within 5 s.e. + the scheme bias (≤ q²) of 2τ', () => {
    const M = 100_000, T = 1, tau = 0.002, steps = 200;
    const r = diffusionSample([[0.3, -0.2, 1]], { T, tau, steps, scheme: 'heun', samples: M, seed: 99 });
    const q = 1 - Math.pow(tau / T, 1 / steps);
    for (let k = 0; k < 3; k++) {
      const { mean, variance } = moments(r.samples.data, M, 3, k);
      expect(Math.abs(mean - [0.3, -0.2, 1][k])).toBeLessThan(5 * Math.sqrt((2 * tau) / M));
      expect(Math.abs(variance / (2 * tau) - 1)).toBeLessThan(q * q + 5 * Math.sqrt(2 / M));
    }
  }, 300_000);

  it.runIf(FULL)('WASM ≡ twin for the whole sampler on 300 data points in d = 5 (js backend replays the run bit for bit)', async () => {
    const data = Array.from({ length: 301 }, (_, i) => Array.from({ length: 5 }, (_, k) => Math.sin(i * (k + 1))));
    const o = { samples: 2000, steps: 40, seed: 4, scheme: 'heun' as const, diffusivity: (t: number) => t };
    const w = diffusionSample(data, o);
    await init({ backend: 'js' });
    try {
      expect(Array.from(diffusionSample(data, o).samples.data)).toEqual(Array.from(w.samples.data));
    } finally {
      await init();
    }
  });
});

describe('diffusionSample: two data points (the law at τ is the two-Gaussian mixture)', () => {
  for (const [scheme, nu] of [['euler-maruyama', 1], ['heun', 0]] as const) {
    it(`${scheme}, ν = ${nu}: half the samples at each point, spread √(2τ) around it`, () => {
      const M = 20000, tau = 0.005;
      const data = [[-1, 0.5], [1, 0.5]];
      const r = diffusionSample(data, { T: 1, tau, steps: 200, scheme, diffusivity: nu, samples: M, seed: 11 });
      let left = 0;
      const dev: number[][] = [[], []];
      for (let i = 0; i < M; i++) {
        const x = r.samples.data[i * 2], y = r.samples.data[i * 2 + 1];
        const j = x < 0 ? 0 : 1;
        if (j === 0) left++;
        dev[j].push(x - data[j][0], y - data[j][1]);
      }
      // binomial: |left/M − 1/2| < 5·√(1/4M)
      expect(Math.abs(left / M - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / M));
      for (const dv of dev) {
        const N = dv.length;
        let mean = 0, v = 0;
        for (const q of dv) mean += q;
        mean /= N;
        for (const q of dv) v += (q - mean) ** 2;
        v /= N - 1;
        expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt((2 * tau) / N));
        // time-stepping bias ≤ 3% on this grid + 5 standard errors
        expect(Math.abs(v - 2 * tau) / (2 * tau)).toBeLessThan(0.03 + 5 * Math.sqrt(2 / N));
      }
      expect(r.diagnostics.meanNearestDistance).toBeGreaterThan(0.5 * Math.sqrt(2 * tau));
      expect(r.diagnostics.meanNearestDistance).toBeLessThan(2 * Math.sqrt(2 * tau));
    });
  }
});

describe('score and Li–Yau', () => {
  it('the exact divergence equals central finite differences of the kernel score and is ≥ −d/(2t)', () => {
    const data = [[0, 0], [1, 0.2], [0.3, 1], [-0.5, 0.4], [0.1, -0.7]];
    const X = [[0.2, 0.1], [0.5, 0.5], [2, -1], [-0.3, 0.2]];
    for (const t of [0.02, 0.2, 1]) {
      const rep = liYauCheck(data, X, t);
      expect(rep.bound).toBe(-1 / t);
      expect(rep.holds).toBe(true);
      const h = 1e-5;
      X.forEach((x, i) => {
        let div = 0;
        for (let k = 0; k < 2; k++) {
          const p = x.slice(), m = x.slice();
          p[k] += h;
          m[k] -= h;
          const sp = score(data, [p], t).data, sm = score(data, [m], t).data;
          div += (sp[k] - sm[k]) / (2 * h);
        }
        expect(Math.abs(div - rep.divergence[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(div)) / t);
      });
    }
    // sharp for one data point: div s = −d/(2t) everywhere
    const one = liYauCheck([[1, 2, 3]], [[0, 0, 0], [5, 5, 5]], 0.5);
    expect(one.minMargin).toBe(0);
    expect(one.divergence[0]).toBe(-3);
  });

  it('async variants equal the sync ones; abort throws AbortError', async () => {
    const data = Array.from({ length: 40 }, (_, i) => [Math.cos(i), Math.sin(i)]);
    const X = Array.from({ length: 30000 }, (_, i) => [Math.cos(0.7 * i) * 1.5, Math.sin(1.3 * i)]);
    const s = score(data, X, 0.05), sa = await scoreAsync(data, X, 0.05);
    expect(Array.from(sa.data)).toEqual(Array.from(s.data));
    const l = liYauCheck(data, X, 0.05), la = await liYauCheckAsync(data, X, 0.05);
    expect(Array.from(la.divergence)).toEqual(Array.from(l.divergence));
    const ac = new AbortController();
    ac.abort();
    await expect(scoreAsync(data, X, 0.05, { signal: ac.signal })).rejects.toThrow(AbortError);
    expect(() => liYauCheck(data, X, 0.05, { signal: ac.signal })).toThrow(AbortError);
  });

  it('on samples of the sampler: min div s + d/(2τ) ≥ 0', () => {
    const data = Array.from({ length: 30 }, (_, i) => [Math.cos(i), Math.sin(2 * i) / 2]);
    const r = diffusionSample(data, { tau: 0.01, samples: 500, seed: 2 });
    const rep = liYauCheck(data, r.samples, 0.01);
    expect(rep.violations).toBe(0);
    expect(rep.minMargin).toBeGreaterThanOrEqual(0);
  });
});

describe('diffusionSample: options, errors, progress', () => {
  const data = [[0, 0], [1, 1]];
  it('bad input → typed errors naming the parameter', () => {
    const bad: [unknown, unknown, string][] = [
      [data, { tau: 0 }, 'options.tau'],
      [data, { tau: -1 }, 'options.tau'],
      [data, { tau: 1, T: 1 }, 'options.tau'],
      [data, { tau: 2, T: 1 }, 'options.tau'],
      [data, { tau: NaN }, 'options.tau'],
      [data, { T: 0 }, 'options.T'],
      [data, { T: Infinity }, 'options.T'],
      [data, { steps: 0 }, 'options.steps'],
      [data, { steps: 1.5 }, 'options.steps'],
      [[], {}, 'data'],
      [data, { samples: 0 }, 'options.samples'],
      [data, { scheme: 'rk4' }, 'options.scheme'],
      [data, { grid: 'log' }, 'options.grid'],
      [data, { diffusivity: -1 }, 'options.diffusivity'],
      [data, { diffusivity: () => NaN }, 'options.diffusivity'],
      [data, { diffusivity: 'x' }, 'options.diffusivity'],
      [data, { seed: -1 }, 'options.seed'],
      [data, { start: 'uniform' }, 'options.start'],
      [data, null, 'options'],
      [data, { onProgress: 3 }, 'options.onProgress'],
    ];
    for (const [d, o, name] of bad) {
      let err: unknown;
      try {
        diffusionSample(d as never, o as never);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).parameter).toBe(name);
    }
    expect(() => diffusionSample([[0, NaN]])).toThrow(NonFiniteError);
    expect(() => diffusionSample(data, { start: [[1, 2, 3]] })).toThrow(ShapeMismatchError);
    expect(() => diffusionSample(data, { trajectory: { buffer: new Float64Array(3) }, samples: 4 })).toThrow(ShapeMismatchError);
    expect(() => score(data, [[0, 0]], 0)).toThrow(InvalidArgumentError);
    expect(() => liYauCheck(data, [[0, 0]], -1)).toThrow(InvalidArgumentError);
  });

  it('same seed → same samples; async equals sync; progress is monotone and ends at 1; abort throws AbortError', async () => {
    const o = { samples: 300, steps: 20, seed: 5 };
    const a = diffusionSample(data, o), b = diffusionSample(data, o);
    expect(Array.from(a.samples.data)).toEqual(Array.from(b.samples.data));
    const seen: number[] = [];
    const c = await diffusionSampleAsync(data, { ...o, onProgress: (f) => seen.push(f) });
    expect(Array.from(c.samples.data)).toEqual(Array.from(a.samples.data));
    expect(seen.length).toBeGreaterThanOrEqual(20);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(seen[seen.length - 1]).toBe(1);
    const ac = new AbortController();
    await expect(diffusionSampleAsync(data, { ...o, onProgress: (f) => f > 0.3 && ac.abort(), signal: ac.signal })).rejects.toThrow(AbortError);
    const d = diffusionSample(data, { ...o, seed: 6 });
    expect(Array.from(d.samples.data)).not.toEqual(Array.from(a.samples.data));
  });

  it('the js backend gives the same samples bit for bit', async () => {
    const o = { samples: 200, steps: 15, seed: 9, scheme: 'heun' as const };
    const w = diffusionSample(data, o);
    await init({ backend: 'js' });
    try {
      const j = diffusionSample(data, o);
      expect(Array.from(j.samples.data)).toEqual(Array.from(w.samples.data));
    } finally {
      await init();
    }
  });
});
