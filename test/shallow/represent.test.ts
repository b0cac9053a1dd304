/**
 * shallowRepresent (survey arXiv 2510.03303 §2.4–2.5, Thm 2.1): checks against SciPy's HiGHS on
 * fixed dictionaries (fixtures from test/fixtures/make_shallow_fixtures.py), the dual certificate
 * on random points of the sphere (code independent of the pricing), the no-gap theorem on random
 * datasets (FULL=1: 100 of them), and bad input.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createRng,
  evaluateShallow,
  InconsistentDataError,
  initShallow,
  InvalidArgumentError,
  NonFiniteError,
  NotInitializedError,
  shallowRepresent,
  shallowRepresentAsync,
  AbortError,
  type Rng,
  type ShallowRepresentation,
} from '../../src/index.js';

const FULL = process.env.FULL === '1';

interface Case { n: number; d: number; P: number; epsilon: number; X: number[]; y: number[]; a: number[]; b: number[]; value: number; atoms: number }
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/shallow_highs.json', import.meta.url), 'utf8')) as { cases: Case[] };

function rows(flat: ArrayLike<number>, n: number, d: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, k) => flat[i * d + k]));
}

function randomData(rng: Rng, N: number, d: number): { X: number[][]; y: number[] } {
  const X = Array.from({ length: N }, () => Array.from({ length: d }, () => rng.normal()));
  const y = X.map((x) => Math.sin(2 * x[0]) + 0.3 * x.reduce((s, t) => s + t, 0) + 0.1 * rng.normal());
  return { X, y };
}

function randomDictionary(rng: Rng, P: number, d: number): { a: Float64Array; b: Float64Array } {
  const a = new Float64Array(P * d), b = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    const z = rng.unitVector(d + 1);
    for (let k = 0; k < d; k++) a[j * d + k] = z[k];
    b[j] = z[d];
  }
  return { a, b };
}

/**
 * The certificate, checked with its own arithmetic: max over `samples` random unit (a, b) of
 * |Σ λ_i relu(⟨a, x_i⟩ + b)|, and the dual objective of λ.
 */
function checkCertificate(r: ShallowRepresentation, X: number[][], y: number[], eps: number, rng: Rng, samples: number): { sampledMax: number; dual: number } {
  const d = X[0].length;
  const lam = r.multipliers;
  let sampledMax = 0;
  const z = new Float64Array(d + 1);
  for (let s = 0; s < samples; s++) {
    let n2 = 0;
    for (let k = 0; k <= d; k++) { z[k] = rng.normal(); n2 += z[k] * z[k]; }
    const inv = 1 / Math.sqrt(n2);
    let g = 0;
    for (let i = 0; i < X.length; i++) {
      let t = z[d] * inv;
      for (let k = 0; k < d; k++) t += z[k] * inv * X[i][k];
      if (t > 0) g += lam[i] * t;
    }
    sampledMax = Math.max(sampledMax, Math.abs(g));
  }
  let dual = 0;
  for (let i = 0; i < X.length; i++) dual += lam[i] > 0 ? lam[i] * (y[i] - eps) : lam[i] * (y[i] + eps);
  return { sampledMax, dual };
}

function maxResidual(r: ShallowRepresentation, X: number[][], y: number[]): number {
  const f = evaluateShallow(r.network, X);
  let m = 0;
  for (let i = 0; i < y.length; i++) m = Math.max(m, Math.abs(f[i] - y[i]));
  return m;
}

describe('shallowRepresent: loading', () => {
  it('the synchronous call before initShallow() is a NotInitializedError that says what to call', async () => {
    expect(() => shallowRepresent([[0], [1]], [0, 1])).toThrow(NotInitializedError);
    expect(() => shallowRepresent([[0], [1]], [0, 1])).toThrow(/initShallow/);
    await initShallow();
  });
});

describe('shallowRepresent: the LP on a dictionary equals SciPy HiGHS (anchors l1-highs)', () => {
  for (const c of fixtures.cases) {
    it(`N = ${c.n}, d = ${c.d}, P = ${c.P}, ε = ${c.epsilon}`, async () => {
      await initShallow();
      const X = rows(c.X, c.n, c.d);
      const r = shallowRepresent(X, c.y, { method: 'dictionary', dictionary: { a: rows(c.a, c.P, c.d), b: c.b }, epsilon: c.epsilon });
      expect(r.status).toBe('optimal');
      expect(Math.abs(r.value - c.value) / c.value).toBeLessThanOrEqual(1e-9);
      expect(r.diagnostics.atoms).toBeLessThanOrEqual(c.n);
      expect(r.diagnostics.represents).toBe(true);
      expect(maxResidual(r, X, c.y)).toBeLessThanOrEqual(c.epsilon + 1e-9 * Math.max(1, ...c.y.map(Math.abs)));
      // over all of Ω the value can only be smaller, and the certified bound is below the dictionary value
      const cg = shallowRepresent(X, c.y, { epsilon: c.epsilon });
      expect(cg.status).toBe('optimal');
      expect(cg.value).toBeLessThanOrEqual(c.value * (1 + 1e-9));
      expect(cg.dual).toBeLessThanOrEqual(cg.value * (1 + 1e-12));
    });
  }
});

describe('Theorem 2.1 (no gap, ≤ N atoms) on random datasets', () => {
  const count = FULL ? 100 : 10;
  it(`${count} datasets: atoms ≤ N, val(P₀) = val(PR₀), certificate holds on 10⁵ random neurons`, async () => {
    await initShallow();
    const rng = createRng(7);
    const condensed: string[] = [];
    for (let t = 0; t < count; t++) {
      const d = 1 + (t % 2);
      const N = 4 + rng.int(FULL ? 20 : 10);
      const { X, y } = randomData(rng, N, d);
      const eps = t % 3 === 2 ? 0.05 : 0;
      const r = shallowRepresent(X, y, { epsilon: eps, seed: t });
      const ctx = `dataset ${t} (N = ${N}, d = ${d}, ε = ${eps})`;
      expect(r.status, ctx).toBe('optimal');
      expect(r.diagnostics.certificate, ctx).toBe('sphere');
      // an extreme solution: at most N atoms, and it represents the data (checked here, independently)
      expect(r.network.P, ctx).toBeLessThanOrEqual(N);
      expect(maxResidual(r, X, y), ctx).toBeLessThanOrEqual(eps + 1e-9 * Math.max(1, ...y.map(Math.abs)));
      // (P₀) with width N has a solution of value = the certified lower bound of (PR₀): no gap
      expect((r.value - r.dual) / r.value, ctx).toBeLessThanOrEqual(2e-9);
      // the certificate, with code that shares nothing with the pricing
      const samples = t < 3 || FULL ? 100_000 : 20_000;
      const cert = checkCertificate(r, X, y, eps, rng, samples);
      expect(cert.sampledMax, ctx).toBeLessThanOrEqual(1 + 1e-9);
      expect(Math.abs(cert.dual - r.dual) / r.value, ctx).toBeLessThanOrEqual(1e-9);
      // width ≥ N: padding with zero neurons keeps the value, and no network of any width beats the dual bound
      const P2 = N + 1 + rng.int(N);
      const dict = randomDictionary(rng, Math.max(P2, 3 * N), d);
      // (random neurons alone may miss some inputs, so the dictionary also holds the atoms: width P2 + atoms ≥ N)
      const a2 = [...rows(dict.a, dict.b.length, d), ...rows(r.network.a, r.network.P, d)];
      const b2 = [...dict.b, ...r.network.b];
      const rd = shallowRepresent(X, y, { epsilon: eps, method: 'dictionary', dictionary: { a: a2, b: b2 } });
      expect(rd.value, ctx).toBeGreaterThanOrEqual(r.dual * (1 - 1e-12));
      expect(rd.value, ctx).toBeLessThanOrEqual(r.value * (1 + 1e-9));
      if (r.network.P < N) condensed.push(`${ctx}: ${r.network.P} atoms`);
    }
    // condensation (fewer than N neurons represent the data) is reported, not required
    console.log(`condensation in ${condensed.length}/${count} datasets${condensed.length ? ':\n  ' + condensed.join('\n  ') : ''}`);
  });

  it('column generation ≤ the LP on a 10⁴-neuron random dictionary', async () => {
    await initShallow();
    const rng = createRng(11);
    for (const d of FULL ? [1, 2, 3] : [2]) {
      const N = 15;
      const { X, y } = randomData(rng, N, d);
      const cg = shallowRepresent(X, y);
      const dict = randomDictionary(rng, 10_000, d);
      const rd = shallowRepresent(X, y, { method: 'dictionary', dictionary: { a: rows(dict.a, 10_000, d), b: dict.b } });
      expect(cg.value).toBeLessThanOrEqual(rd.value * (1 + 1e-9));
      expect(rd.value).toBeGreaterThanOrEqual(cg.dual * (1 - 1e-12));
    }
  });

  it('the value does not change with width once width ≥ N (dictionaries growing past N around the optimal atoms)', async () => {
    await initShallow();
    const rng = createRng(5);
    const N = 8, d = 2;
    const { X, y } = randomData(rng, N, d);
    const r = shallowRepresent(X, y);
    const values: number[] = [];
    for (const extra of [0, 1, 5, 20, 100]) {
      const dict = randomDictionary(rng, extra, d);
      const a = [...rows(r.network.a, r.network.P, d), ...rows(dict.a, extra, d)];
      const b = [...r.network.b, ...dict.b];
      values.push(shallowRepresent(X, y, { method: 'dictionary', dictionary: { a, b } }).value);
    }
    for (const v of values) expect(Math.abs(v - r.value) / r.value).toBeLessThanOrEqual(1e-9);
  });
});

describe('shallowRepresent: other dimensions and options', () => {
  it('d = 3 exact pricing and d = 5 local search (certified only on what was searched)', async () => {
    await initShallow();
    const rng = createRng(3);
    const a = randomData(rng, 10, 3);
    const r3 = shallowRepresent(a.X, a.y);
    expect(r3.status).toBe('optimal');
    expect(r3.diagnostics.certificate).toBe('sphere');
    expect(checkCertificate(r3, a.X, a.y, 0, rng, 100_000).sampledMax).toBeLessThanOrEqual(1 + 1e-9);
    const b = randomData(rng, 20, 5);
    const r5 = shallowRepresent(b.X, b.y, { seed: 1 });
    expect(r5.diagnostics.pricing).toBe('localSearch');
    expect(r5.diagnostics.certificate).toBe('searched');
    expect(r5.message).toMatch(/searched/);
    expect(r5.network.P).toBeLessThanOrEqual(20);
    expect(maxResidual(r5, b.X, b.y)).toBeLessThanOrEqual(1e-9 * Math.max(1, ...b.y.map(Math.abs)));
  });

  it('ε > 0 fits within ε and never costs more than ε = 0; ε ≥ max|y| gives the zero network', async () => {
    await initShallow();
    const rng = createRng(4);
    const { X, y } = randomData(rng, 12, 2);
    const r0 = shallowRepresent(X, y);
    const r1 = shallowRepresent(X, y, { epsilon: 0.2 });
    expect(r1.value).toBeLessThanOrEqual(r0.value);
    expect(maxResidual(r1, X, y)).toBeLessThanOrEqual(0.2 + 1e-9 * 3);
    const big = Math.max(...y.map(Math.abs));
    const rz = shallowRepresent(X, y, { epsilon: big });
    expect(rz.value).toBe(0);
    expect(rz.network.P).toBe(0);
  });

  it('equal inputs with equal labels are merged; async variant reports progress and honours abort', async () => {
    const X = [[0, 0], [1, 0], [0, 1], [1, 0]];
    const y = [0, 1, 2, 1];
    const r = await shallowRepresentAsync(X, y, { onProgress: () => {} });
    expect(r.diagnostics.merged).toBe(1);
    expect(maxResidual(r, X, y)).toBeLessThanOrEqual(1e-9 * 2);
    const fr: number[] = [];
    await shallowRepresentAsync(randomData(createRng(9), 15, 2).X, randomData(createRng(9), 15, 2).y, { onProgress: (f) => fr.push(f) });
    expect(fr.length).toBeGreaterThan(0);
    const ctl = new AbortController();
    ctl.abort();
    await expect(shallowRepresentAsync(X, y, { signal: ctl.signal })).rejects.toThrow(AbortError);
  });
});

describe('shallowRepresent: bad input', () => {
  it('typed errors naming the parameter', async () => {
    await initShallow();
    const e = (() => {
      try {
        shallowRepresent([[0, 0], [1, 1], [0, 0]], [1, 2, 3]);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(InconsistentDataError);
    expect((e as InconsistentDataError).indices).toEqual([0, 2]);
    expect((e as Error).message).toMatch(/rows 0 and 2/);
    // within 2ε the pair is consistent
    expect(shallowRepresent([[0, 0], [1, 1], [0, 0]], [1, 2, 1.1], { epsilon: 0.1 }).diagnostics.represents).toBe(true);
    expect(() => shallowRepresent([[0], [1]], [0, 1], { epsilon: -1 })).toThrow(InvalidArgumentError);
    expect(() => shallowRepresent([[0], [1]], [0, 1], { epsilon: NaN })).toThrow(/options.epsilon/);
    expect(() => shallowRepresent([[0], [NaN]], [0, 1])).toThrow(NonFiniteError);
    expect(() => shallowRepresent([[0], [1]], [0, Infinity])).toThrow(NonFiniteError);
    expect(() => shallowRepresent([], [])).toThrow(InvalidArgumentError);
    expect(() => shallowRepresent([[0], [1]], [0])).toThrow(/y/);
    expect(() => shallowRepresent([[0], [1]], [0, 1], { method: 'dictionary' })).toThrow(/dictionary/);
    expect(() => shallowRepresent([[0], [1]], [0, 1], { method: 'dictionary', dictionary: { a: [[2]], b: [0] } })).toThrow(/unit ball/);
    // an infeasible dictionary LP is reported (HiGHS status), never passed off as a value
    expect(() => shallowRepresent([[0], [1], [2]], [1, 5, 2], { method: 'dictionary', dictionary: { a: [[1]], b: [0] } })).toThrow(/infeasible/);
    expect(() => shallowRepresent([[0], [1]], [0, 1], null as never)).toThrow(InvalidArgumentError);
  });
});
