/**
 * classify (arXiv 2312.13807; docs/algorithms/classify.md): every construction is checked by flowing the data with
 * the 'exact' solver and with rk4 (never by trusting the formula), switch counts against the
 * paper's bound 4⌈m/d⌉ − 1 and its table 2⌈m/d⌉ − 1, the collinear method's law against Monte Carlo.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { AbortError, CapacityError, ConvergenceError, createRng, controlsFromJSON, controlsToJSON, flow, init, InconsistentDataError, InvalidArgumentError, type Rng } from '../../src/index.js';
import { classify, classifyAsync, classifySwitchBounds, type Classification } from '../../src/controllers/classify/index.js';
import { collinearSwitchProbability, runCount, runsDistribution, sortByAxis } from '../../src/controllers/classify/collinear.js';
import { adaptiveFlow } from '../helpers/adaptive.js';

beforeAll(() => init({ variant: 'debug' }));

function uniformData(rng: Rng, n: number, d: number, scale = 1, offset = 0): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => offset + scale * rng.uniform()));
}

/** Signed scores by 'exact'; every point must be on its side by at least half the margin. */
function expectClassified(c: Classification, X: number[][], labels: number[], method: 'exact' | 'rk4' = 'exact'): number {
  const s = c.scores(X, { method });
  let worst = Infinity;
  for (let i = 0; i < X.length; i++) worst = Math.min(worst, labels[i] === 1 ? s[i] : -s[i]);
  expect(worst, `worst signed margin (${method})`).toBeGreaterThan(0);
  return worst;
}

function expectParallel(c: Classification): void {
  for (const l of c.controls.layers) {
    let aw = 0, an = 0, wn = 0;
    for (let k = 0; k < c.controls.d; k++) (aw += l.A[k] * l.W[k]), (an += l.A[k] ** 2), (wn += l.W[k] ** 2);
    expect(Math.abs(aw)).toBeLessThanOrEqual(1e-14 * Math.sqrt(an * wn) + 1e-300);
  }
}

describe('classify: switch counts on the paper table (N = 60, 30 + 30, uniform in [0,1]^d)', () => {
  // As published (the notebook of arXiv 2312.13807). Note d = 7: the formula 2⌈m/d⌉ − 1 gives 9
  // (7 would be d = 8); we compare with the published number.
  const published = [29, 19, 15, 11, 9, 7, 5, 3, 3, 1, 1];
  const dims = [2, 3, 4, 5, 6, 7, 10, 15, 20, 30, 60];
  // One test per d (same data, seeds and checks as one loop; split so that no single test runs
  // into the timeout on a busy machine).
  dims.forEach((d, j) => {
    it(`d = ${d}: at or below the published count on every data set (5), within 3⌈m/d⌉ − 1 and the paper bound, classified by the exact flow`, () => {
      if (d !== 7) expect(classifySwitchBounds(30, d).table).toBe(published[j]);
      const rng = createRng(1000 + d);
      const counts: number[] = [];
      let fallbacks = 0, worstDisplacement = 0;
      for (let trial = 0; trial < 5; trial++) {
        const X = uniformData(rng, 60, d);
        const labels = X.map((_, i) => (i % 2 === 0 ? 1 : 0));
        const c = classify(X, labels, { seed: trial });
        expect(c.diagnostics.switches, `d=${d} data set ${trial}`).toBeLessThanOrEqual(published[j]);
        expect(c.diagnostics.switches).toBeLessThanOrEqual(3 * Math.ceil(30 / d) - 1);
        expect(c.diagnostics.switches).toBeLessThanOrEqual(c.diagnostics.bounds.paper);
        expect(c.diagnostics.switches).toBe(c.controls.layers.length - 1);
        expect(c.diagnostics.maxDisplacement).toBeLessThanOrEqual(1e4);
        expect(expectClassified(c, X, labels)).toBeGreaterThanOrEqual(0.5 * c.diagnostics.margin);
        counts.push(c.diagnostics.switches);
        fallbacks += c.diagnostics.fallbacks;
        worstDisplacement = Math.max(worstDisplacement, c.diagnostics.maxDisplacement);
      }
      const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
      console.log(`classify table d=${String(d).padStart(2)}  published ${String(published[j]).padStart(2)}  ours min ${Math.min(...counts)} mean ${mean.toFixed(1)} max ${Math.max(...counts)}  hat steps ${fallbacks}  max displacement ${worstDisplacement.toExponential(1)}·scale  hat ${3 * Math.ceil(30 / d) - 1}  paper bound ${4 * Math.ceil(30 / d) - 1}`);
    });
  });
  it('table data sets in d = 2 and 3 (the largest displacements): rk4 at its default steps and the independent adaptive solver classify every point', () => {
    for (const d of [2, 3]) {
      const rng = createRng(1000 + d);
      for (let trial = 0; trial < 2; trial++) {
        const X = uniformData(rng, 60, d);
        const labels = X.map((_, i) => (i % 2 === 0 ? 1 : 0));
        const c = classify(X, labels, { seed: trial });
        expect(expectClassified(c, X, labels, 'rk4')).toBeGreaterThan(0.4 * c.diagnostics.margin);
        const ad = adaptiveFlow(controlsToJSON(c.controls), Float64Array.from(X.flat()), X.length, d);
        for (let i = 0; i < X.length; i++) {
          const score = ad[i * d + c.readout.axis] - c.readout.offset;
          expect(labels[i] === 1 ? score : -score, `d=${d} set ${trial} point ${i} (adaptive)`).toBeGreaterThan(0.4 * c.diagnostics.margin);
        }
      }
    }
  });
  it("'hat' keeps its count 3⌈m/d⌉ − 1 on the table data in d = 2, even when a group's line is nearly flat (⟨w, u⟩ ≈ 4e-5 on the first set)", () => {
    for (let t = 0; t < 5; t++) {
      const rng = createRng(5200 + t);
      const X = uniformData(rng, 60, 2);
      const labels = X.map((_, i) => (i % 2 === 0 ? 1 : 0));
      const c = classify(X, labels, { method: 'hat', seed: t });
      expect(c.diagnostics.switches, `data set ${t}`).toBe(3 * Math.ceil(30 / 2) - 1);
      expectClassified(c, X, labels);
    }
  });
  it('meets the table exactly when d ≥ m (one cluster, two layers)', () => {
    for (const d of [30, 60]) {
      const rng = createRng(d);
      const X = uniformData(rng, 60, d);
      const labels = X.map((_, i) => (i < 30 ? 1 : 0));
      const c = classify(X, labels);
      expect(c.diagnostics.switches).toBeLessThanOrEqual(1);
      expectClassified(c, X, labels);
    }
  });
});

describe('classify: properties (fast-check)', () => {
  it("'cluster' on random data sets (uniform or clustered, any label balance): classified by the exact flow, every layer parallel, switches ≤ 3⌈m/d⌉ − 1 ≤ 4⌈m/d⌉ − 1", () => {
    let runs = 0, fallbacks = 0, belowTable = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 2, max: 10 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.boolean(), (n, d, seed, p1, clustered) => {
        runs++;
        const rng = createRng(seed);
        // Clustered: 4 centres with spread 0.03 (many near-ties); else uniform in [0,1]^d.
        const centres = uniformData(rng, 4, d);
        const X = clustered ? Array.from({ length: n }, (_, i) => centres[i % 4].map((v) => v + 0.03 * rng.normal())) : uniformData(rng, n, d);
        const labels = X.map(() => (rng.uniform() < p1 ? 1 : 0));
        const c = classify(X, labels, { seed, restarts: 1 });
        const m = Math.min(labels.filter((l) => l === 1).length, labels.filter((l) => l === 0).length);
        expect(c.diagnostics.m).toBe(m);
        expect(c.diagnostics.switches).toBeLessThanOrEqual(Math.max(0, 3 * Math.ceil(m / d) - 1));
        expect(c.diagnostics.switches).toBeLessThanOrEqual(Math.max(0, classifySwitchBounds(m, d).paper));
        expectParallel(c);
        const s = c.scores(X, { method: 'exact' });
        for (let i = 0; i < n; i++) expect(labels[i] === 1 ? s[i] : -s[i], `point ${i}`).toBeGreaterThan(0.4 * c.diagnostics.margin);
        fallbacks += c.diagnostics.fallbacks;
        if (m > 0 && c.diagnostics.switches <= classifySwitchBounds(m, d).table) belowTable++;
      }),
      { numRuns: 400, seed: 7 },
    );
    console.log(`classify 'cluster' property: ${runs} random data sets, ${belowTable} at or below 2⌈m/d⌉ − 1, ${fallbacks} hat steps in all`);
    expect(runs).toBeGreaterThanOrEqual(400);
  });

  it("'hat' and 'collinear' on random data sets: classified by the exact flow, every layer parallel, their own counts", () => {
    let runs = 0, collinearRefused = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 2, max: 10 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom('hat', 'collinear'), (n, d, seed, method) => {
        runs++;
        const rng = createRng(seed);
        const X = uniformData(rng, n, d);
        const labels = X.map(() => (rng.uniform() < 0.4 ? 1 : 0));
        let c: Classification;
        try {
          c = classify(X, labels, { method: method as 'hat', seed });
        } catch (e) {
          // The collinear method may refuse data whose slopes overflow doubles — with a typed error.
          expect(method).toBe('collinear');
          expect(e).toBeInstanceOf(ConvergenceError);
          expect((e as Error).message).toMatch(/use method 'cluster'/);
          collinearRefused++;
          return;
        }
        const m = Math.min(labels.filter((l) => l === 1).length, labels.filter((l) => l === 0).length);
        if (method === 'hat') {
          expect(c.diagnostics.switches).toBeLessThanOrEqual(Math.max(0, 3 * Math.ceil(m / d) - 1));
          expect(c.diagnostics.switches).toBeLessThanOrEqual(Math.max(0, classifySwitchBounds(m, d).paper));
        } else {
          expect(c.diagnostics.switches).toBe(Math.max(0, c.diagnostics.groups - 2));
        }
        expectParallel(c);
        const s = c.scores(X, { method: 'exact' });
        for (let i = 0; i < n; i++) expect(labels[i] === 1 ? s[i] : -s[i]).toBeGreaterThan(0.4 * c.diagnostics.margin);
      }),
      { numRuns: 150, seed: 8 },
    );
    console.log(`classify 'hat'/'collinear' property: ${runs} random data sets (${collinearRefused} refused by 'collinear' as ill-conditioned)`);
    expect(runs).toBeGreaterThanOrEqual(150);
  });

  it('degenerate data: collinear points, shared coordinates, clusters, offsets 1e4 and 1e6, scale 1e-6, N = 1, duplicates', () => {
    const rng = createRng(3);
    const cases: [string, number[][], number[]][] = [];
    const line = Array.from({ length: 20 }, (_, i) => [i / 19, 2 * (i / 19) + 1]);
    cases.push(['collinear', line, line.map((_, i) => (i % 3 === 0 ? 1 : 0))]);
    const grid = Array.from({ length: 25 }, (_, i) => [i % 5, Math.floor(i / 5), 0.5]);
    cases.push(['shared coordinates', grid, grid.map((_, i) => (i % 2))]);
    const centres = [[0, 0, 0], [1, 0, 1], [0, 1, 1]];
    const clustered = Array.from({ length: 45 }, (_, i) => centres[i % 3].map((v) => v + 1e-2 * rng.normal()));
    cases.push(['clustered', clustered, clustered.map((_, i) => (i % 3 === 1 ? 1 : rng.uniform() < 0.2 ? 1 : 0))]);
    const off = uniformData(rng, 40, 3, 1, 1e4);
    cases.push(['offset 1e4', off, off.map(() => (rng.uniform() < 0.5 ? 1 : 0))]);
    const far = uniformData(rng, 30, 2, 1, 1e6);
    cases.push(['offset 1e6', far, far.map(() => (rng.uniform() < 0.5 ? 1 : 0))]);
    const tiny = uniformData(rng, 30, 4, 1e-6);
    cases.push(['scale 1e-6', tiny, tiny.map(() => (rng.uniform() < 0.5 ? 1 : 0))]);
    cases.push(['N = 1', [[0.3, 0.7]], [1]]);
    cases.push(['duplicates, same label', [[0, 0], [0, 0], [1, 1], [1, 0]], [1, 1, 0, 0]]);
    cases.push(['one class', [[0, 0], [1, 1]], [0, 0]]);
    for (const [name, X, labels] of cases) {
      for (const method of ['cluster', 'hat'] as const) {
        const c = classify(X, labels, { method });
        const s = c.scores(X, { method: 'exact' });
        for (let i = 0; i < X.length; i++) expect(labels[i] === 1 ? s[i] : -s[i], `${name} (${method}) point ${i}`).toBeGreaterThan(0);
      }
    }
  });

  it('also works through rk4 at its default steps and through the JSON round trip', () => {
    const rng = createRng(11);
    const X = uniformData(rng, 80, 3);
    const labels = X.map(() => (rng.uniform() < 0.5 ? 1 : 0));
    const c = classify(X, labels);
    const viaRk4 = expectClassified(c, X, labels, 'rk4');
    const exact = c.scores(X, { method: 'exact' });
    const back = controlsFromJSON(controlsToJSON(c.controls));
    const r = flow(back, X, { method: 'rk4' });
    let dev = 0;
    const rk = c.scores(X, { method: 'rk4' });
    for (let i = 0; i < X.length; i++) {
      dev = Math.max(dev, Math.abs(rk[i] - exact[i]) / Math.max(c.diagnostics.margin, Math.abs(exact[i])));
      expect(labels[i] === 1 ? r.data[i * 3 + 2] > c.readout.offset : r.data[i * 3 + 2] < c.readout.offset).toBe(true);
    }
    console.log(`classify rk4 (100 steps/layer): max |score_rk4 − score_exact| / max(μ, |score|) = ${dev.toExponential(2)}; worst margin ${(viaRk4 / c.diagnostics.margin).toFixed(3)} μ`);
    expect(dev).toBeLessThan(1e-6);
  });
});

describe('classify: the JSON through an independent adaptive solver (Dormand–Prince, stops at every crossing)', () => {
  it('uniform, clustered (spread 1e-2) and offset (|x| ≈ 1e4) data: every point on its side, endpoints within 1e-6 of exact', () => {
    const rng = createRng(21);
    const centres = [[0, 0, 0], [1, 0, 1], [0, 1, 1], [1, 1, 0]];
    const sets: [string, number[][]][] = [
      ['uniform', uniformData(rng, 40, 3)],
      ['clustered', Array.from({ length: 40 }, (_, i) => centres[i % 4].map((v) => v + 1e-2 * rng.normal()))],
      ['offset 1e4', uniformData(rng, 40, 3, 1, 1e4)],
    ];
    for (const [name, X] of sets) {
      const labels = X.map((_, i) => (i % 4 === 1 || rng.uniform() < 0.25 ? 1 : 0));
      for (const method of ['cluster', 'hat'] as const) {
        const c = classify(X, labels, { method });
        const ex = flow(c.controls, X, { method: 'exact' }).data;
        const ad = adaptiveFlow(controlsToJSON(c.controls), Float64Array.from(X.flat()), X.length, 3);
        let dev = 0;
        for (let i = 0; i < X.length; i++) {
          const score = ad[i * 3 + 2] - c.readout.offset;
          expect(labels[i] === 1 ? score : -score, `${name} (${method}) point ${i}`).toBeGreaterThan(0.4 * c.diagnostics.margin);
          for (let k = 0; k < 3; k++) dev = Math.max(dev, Math.abs(ad[i * 3 + k] - ex[i * 3 + k]) / Math.max(1, Math.abs(ex[i * 3 + k])));
        }
        console.log(`classify ${name} (${method}): ${c.diagnostics.switches} switches, max |adaptive − exact| / max(1, |x|) = ${dev.toExponential(2)}`);
        expect(dev).toBeLessThan(1e-6);
      }
    }
  });
});

describe('classify: bad input', () => {
  it('throws typed errors that name the clash', () => {
    expect(() => classify([[0, 1], [0, 1]], [0, 1])).toThrow(InconsistentDataError);
    try {
      classify([[0, 1], [2, 2], [0, 1]], [0, 1, 1]);
    } catch (e) {
      expect((e as InconsistentDataError).indices).toEqual([0, 2]);
      expect((e as Error).message).toMatch(/points 0 and 2/);
    }
    expect(() => classify([[0], [1]], [0, 1])).toThrow(/dimension d ≥ 2/);
    expect(() => classify([[0, 0], [1, 1]], [0, 2])).toThrow(InvalidArgumentError);
    expect(() => classify([[0, 0], [1, 1]], [0])).toThrow(/labels.length/);
    expect(() => classify([], [])).toThrow(InvalidArgumentError);
    expect(() => classify([[0, 0]], [1], { method: 'nope' as 'hat' })).toThrow(/options.method/);
    expect(() => classify([[0, 0]], [1], { readoutAxis: 2 })).toThrow(/readoutAxis/);
    expect(() => classify([[0, 0]], [1], null as never)).toThrow(/options/);
    expect(() => classify([[0, 0]], [1], { onProgress: 5 as never })).toThrow(/options.onProgress/);
    expect(() => classify([[0, 0]], [1], { signal: 'stop' as never })).toThrow(/options.signal/);
    expect(() => classify([[0, 0]], [1], { margin: Infinity })).toThrow(/options.margin/);
    expect(() => classify([[0, 0]], [1], { margin: 0 })).toThrow(/options.margin/);
    expect(() => classify([[0, 0]], [1], { restarts: 0 })).toThrow(/options.restarts/);
    expect(() => classify([[0, 0], [1e308, -1e308]], [1, 0])).toThrow(InvalidArgumentError);
    expect(() => classifySwitchBounds(NaN, 2)).toThrow(InvalidArgumentError);
    expect(() => classifySwitchBounds(3, 0)).toThrow(InvalidArgumentError);
    const c = classify([[0, 0], [1, 1]], [1, 0]);
    expect(() => c.predict([[0, 0]], { method: 'nope' as 'rk4' })).toThrow(/options.method/);
    expect(() => c.predict([[0, 0, 0]])).toThrow();
  });

  it('refuses, before any work, a layer count beyond the limit (CapacityError naming X)', () => {
    const N = 2 ** 21 + 8;
    const X = { n: N, d: 2, data: new Float64Array(2 * N).map((_, j) => j) };
    const labels = new Uint8Array(N).map((_, i) => i % 2);
    expect(() => classify(X, labels, { method: 'sweep' })).toThrow(CapacityError);
  });
});

describe('classify: diagnostics, the independent check, progress and cancellation', () => {
  it('diagnostics: excursion ≥ 0.5 and = the largest |x(t) − x̄|/scale at layer ends, positive clearance, the RK4 check agrees', () => {
    const rng = createRng(21);
    for (const d of [2, 3]) {
      const X = uniformData(rng, 40, d);
      const labels = X.map((_, i) => i % 2);
      const c = classify(X, labels);
      const g = c.diagnostics;
      expect(g.verification.method).toBe('rk4');
      expect(g.verification.misclassified).toBe(0);
      expect(g.verification.worstMargin).toBeGreaterThan(0.5);
      expect(g.verification.maxError).toBeLessThan(1e-6);
      expect(g.clearance).toBeGreaterThan(0);
      expect(g.attempts).toBeGreaterThanOrEqual(1);
      // The excursion recomputed independently from an rk4 trajectory (every step recorded).
      const tr = flow(c.controls, X, { method: 'rk4', stepsPerLayer: 2, trajectory: true }).trajectory!;
      const lo = Array(d).fill(Infinity), hi = Array(d).fill(-Infinity);
      for (const x of X) x.forEach((v, k) => ((lo[k] = Math.min(lo[k], v)), (hi[k] = Math.max(hi[k], v))));
      const scale = Math.max(...hi.map((h, k) => h - lo[k]));
      let ex = 0;
      for (let f = 0; f < tr.frames; f++) for (let i = 0; i < X.length; i++) {
        let r2 = 0;
        for (let k = 0; k < d; k++) r2 += (tr.data[(f * X.length + i) * d + k] - 0.5 * (lo[k] + hi[k])) ** 2;
        ex = Math.max(ex, Math.sqrt(r2) / scale);
      }
      expect(Math.abs(ex - g.excursion) / g.excursion).toBeLessThan(1e-9);
      expect(g.excursion).toBeGreaterThanOrEqual(0.5);
    }
  });

  it("'sweep': axis-aligned trapezoids classify by the exact flow and by the adaptive solver, layers parallel, ≤ 4 layers per run", () => {
    const rng = createRng(31);
    for (const [n, d] of [[50, 2], [120, 2], [60, 3]] as const) {
      const X = uniformData(rng, n, d);
      const labels = X.map(() => (rng.uniform() < 0.5 ? 1 : 0));
      const c = classify(X, labels, { method: 'sweep' });
      expect(c.diagnostics.method).toBe('sweep');
      expectParallel(c);
      expect(c.controls.layers.length).toBeLessThanOrEqual(4 * c.diagnostics.groups);
      expect(expectClassified(c, X, labels)).toBeGreaterThanOrEqual(0.5 * c.diagnostics.margin);
      const flat = Float64Array.from(X.flat());
      const end = adaptiveFlow(controlsToJSON(c.controls), flat, n, d);
      for (let i = 0; i < n; i++) {
        const score = end[i * d + c.readout.axis] - c.readout.offset;
        expect(labels[i] === 1 ? score : -score).toBeGreaterThan(0.4 * c.diagnostics.margin);
      }
    }
    // A mover sharing its coordinate with a non-mover on the only usable axis: a typed error.
    expect(() => classify([[0, 0], [0, 1], [1, 0]], [1, 0, 0], { method: 'sweep' })).toThrow(ConvergenceError);
  });

  it('the reduced search above N = 400 classifies by the exact flow within 3⌈m/d⌉ − 1 or ends with a verified sweep', () => {
    const rng = createRng(41);
    const X = uniformData(rng, 420, 8);
    const labels = X.map((_, i) => i % 2);
    const c = classify(X, labels);
    expect(expectClassified(c, X, labels)).toBeGreaterThanOrEqual(0.5 * c.diagnostics.margin);
    if (c.diagnostics.method === 'cluster') expect(c.diagnostics.switches).toBeLessThanOrEqual(3 * Math.ceil(210 / 8) - 1);
    expect(c.diagnostics.verification.misclassified).toBe(0);
  });

  it('the js backend (TS twins) gives the same controls and diagnostics as wasm-simd', async () => {
    const rng = createRng(61);
    const X = uniformData(rng, 40, 3);
    const labels = X.map((_, i) => i % 2);
    const w = classify(X, labels);
    await init({ backend: 'js' });
    try {
      const j = classify(X, labels);
      expect(controlsToJSON(j.controls)).toBe(controlsToJSON(w.controls));
      expect(j.diagnostics).toEqual(w.diagnostics);
    } finally {
      await init({ variant: 'debug' });
    }
  });

  it('classifyAsync equals classify; progress is monotone and ends at 1; an AbortSignal stops both', async () => {
    const rng = createRng(51);
    const X = uniformData(rng, 60, 2);
    const labels = X.map((_, i) => i % 2);
    const seen: number[] = [];
    const a = classify(X, labels, { onProgress: (f) => seen.push(f) });
    const b = await classifyAsync(X, labels);
    expect(controlsToJSON(b.controls)).toBe(controlsToJSON(a.controls));
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(seen[seen.length - 1]).toBeLessThanOrEqual(1);
    const ctl = new AbortController();
    let calls = 0;
    expect(() => classify(X, labels, { signal: ctl.signal, onProgress: () => ++calls === 2 && ctl.abort() })).toThrow(AbortError);
    await expect(classifyAsync(X, labels, { signal: AbortSignal.abort() })).rejects.toThrow(AbortError);
  });
});

describe('collinear method: law of the run count and P(L ≤ k)', () => {
  it('the run distribution sums to 1 and matches a hand count for N = 2', () => {
    const pmf = runsDistribution(2); // arrangements of 1100: 6; R=2: 2, R=3: 2, R=4: 2
    expect(pmf[2]).toBeCloseTo(2 / 6, 15);
    expect(pmf[3]).toBeCloseTo(2 / 6, 15);
    expect(pmf[4]).toBeCloseTo(2 / 6, 15);
    const big = runsDistribution(300);
    expect(big.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
  it('formula vs Monte Carlo (uniform data, all d axes usable), and the classifier uses R_min − 1 layers', () => {
    const rng = createRng(5);
    for (const [N, d] of [[5, 2], [5, 8], [10, 8]] as const) {
      const trials = 1500;
      const L: number[] = [];
      for (let t = 0; t < trials; t++) {
        const P = new Float64Array(2 * N * d);
        for (let j = 0; j < P.length; j++) P[j] = rng.uniform();
        const labels = Array.from({ length: 2 * N }, (_, i) => (i < N ? 1 : 0));
        let R = Infinity;
        for (let k = 0; k < d; k++) R = Math.min(R, runCount(labels, sortByAxis(P, 2 * N, d, k)));
        L.push(Math.max(0, R - 2));
      }
      for (const k of [0, 1, 2, 4]) {
        const mc = L.filter((l) => l <= k).length / trials;
        const f = collinearSwitchProbability(N, k, d);
        const sd = Math.sqrt(Math.max(f * (1 - f), 1e-4) / trials);
        expect(Math.abs(mc - f), `N=${N} d=${d} k=${k}: MC ${mc} vs ${f}`).toBeLessThan(4 * sd + 1e-3);
      }
    }
    const X = uniformData(rng, 30, 3);
    const labels = X.map(() => (rng.uniform() < 0.5 ? 1 : 0));
    const c = classify(X, labels, { method: 'collinear' });
    const P = Float64Array.from(X.flat());
    const Rmin = Math.min(runCount(labels, sortByAxis(P, 30, 3, 0)), runCount(labels, sortByAxis(P, 30, 3, 1)));
    expect(c.controls.layers.length).toBe(Math.max(1, Rmin - 1));
    expectClassified(c, X, labels);
  });
});
