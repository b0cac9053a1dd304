import { beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError, densityError, densityErrorAsync, flow, init, InvalidArgumentError, logDetJacobian, logDetJacobianAsync, makeControls, pushforwardDensity, pushforwardDensityAsync, reverseControls,
  type Controls,
} from '../../src/index.js';
import { createRng, randomCloud, randomControls } from '../helpers.js';

beforeAll(() => init());

const gauss = (s: number) => (x: Float64Array): number => {
  let r2 = 0;
  for (let k = 0; k < x.length; k++) r2 += x[k] * x[k];
  return Math.exp(-r2 / (2 * s * s)) / Math.pow(2 * Math.PI * s * s, x.length / 2);
};

describe('one neuron: the closed form ρ_T(y) = ρ₀(x₀) e^{−T⟨w,a⟩} on the active half-space', () => {
  const w = [0.6, -0.9], a = [0.8, 0.6], b = 0.2, T = 1.3;
  const lambda = w[0] * a[0] + w[1] * a[1]; // −0.06: the active set shrinks towards the hyperplane but never leaves it
  for (const [label, W] of [['λ < 0', w], ['λ > 0', [0.9, 0.4]]] as const) {
    it(`${label}: exact log det = λT inside, 0 outside; the density equals the closed form`, () => {
      const lam = W[0] * a[0] + W[1] * a[1];
      const c = makeControls({ d: 2, width: 1, layers: [{ duration: T, W: [W[0], W[1]], A: a, b: [b] }] });
      const rng = createRng(3);
      const X = randomCloud(rng, 200, 2, 1.5);
      const r = logDetJacobian(c, X);
      const rho0 = gauss(0.7);
      let inside = 0;
      for (let i = 0; i < X.n; i++) {
        const s0 = a[0] * X.data[2 * i] + a[1] * X.data[2 * i + 1] + b;
        if (s0 > 0) {
          inside++;
          expect(Math.abs(r.logDet[i] - lam * T)).toBeLessThan(1e-13);
        } else expect(r.logDet[i]).toBe(0);
      }
      expect(inside).toBeGreaterThan(40);
      // densities at points Y of the active half-space: x₀ = y − w s_y (1 − e^{−λT})/λ
      const Y = randomCloud(rng, 200, 2, 1.5);
      const pf = pushforwardDensity(c, rho0, Y);
      for (let i = 0; i < Y.n; i++) {
        const y = [Y.data[2 * i], Y.data[2 * i + 1]];
        const sy = a[0] * y[0] + a[1] * y[1] + b;
        if (sy > 0) {
          const e = (1 - Math.exp(-lam * T)) / lam;
          const x0 = Float64Array.from([y[0] - W[0] * sy * e, y[1] - W[1] * sy * e]);
          const want = rho0(x0) * Math.exp(-lam * T);
          expect(Math.abs(pf.density[i] - want)).toBeLessThan(1e-12 * Math.max(want, 1e-300) + 1e-300);
        } else {
          expect(pf.density[i]).toBe(rho0(Float64Array.from(y)));
        }
      }
    });
  }
  void lambda;
});

/** Central finite-difference Jacobian of the map X ↦ flow(X) at every point, its log |det|. */
function fdLogDet(c: Controls, X: Float64Array, n: number, d: number, method: 'exact' | 'rk4' | 'euler', steps: number, h: number): Float64Array {
  // all perturbed copies in one flow call: for each point, 2d rows
  const P = new Float64Array(n * 2 * d * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) for (let s = 0; s < 2; s++) {
    const row = (i * 2 * d + 2 * k + s) * d;
    for (let l = 0; l < d; l++) P[row + l] = X[i * d + l];
    P[row + k] += s ? -h : h;
  }
  const F = flow(c, { n: n * 2 * d, d, data: P }, { method, stepsPerLayer: steps }).data;
  const out = new Float64Array(n);
  const J = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) {
      const plus = F[(i * 2 * d + 2 * k) * d + l], minus = F[(i * 2 * d + 2 * k + 1) * d + l];
      J[l * d + k] = (plus - minus) / (2 * h);
    }
    out[i] = Math.log(Math.abs(det(J, d)));
  }
  return out;
}

function det(J: Float64Array, d: number): number {
  const a = Array.from(J);
  let s = 1;
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r * d + c]) > Math.abs(a[p * d + c])) p = r;
    if (p !== c) {
      for (let q = 0; q < d; q++) [a[c * d + q], a[p * d + q]] = [a[p * d + q], a[c * d + q]];
      s = -s;
    }
    s *= a[c * d + c];
    for (let r = c + 1; r < d; r++) {
      const f = a[r * d + c] / a[c * d + c];
      for (let q = c; q < d; q++) a[r * d + q] -= f * a[c * d + q];
    }
  }
  return s;
}

describe('log det ≡ finite-difference Jacobians of the flow map (random multi-neuron layers)', () => {
  for (const [d, p, layers] of [[2, 5, 3], [3, 8, 2], [4, 6, 3]] as const) {
    it(`d = ${d}, p = ${p}, ${layers} layers: exact (relative det error ≤ 1e-8 at ≥ 95% of points), rk4 and euler maps`, () => {
      const rng = createRng(100 + d);
      const c = randomControls(rng, d, p, layers, 1, 1.5);
      const n = 60;
      const X = randomCloud(rng, n, d);
      const ex = logDetJacobian(c, X, { method: 'exact' });
      // the flowed points are the exact flow's
      const fl = flow(c, X, { method: 'exact' }).data;
      for (let q = 0; q < n * d; q++) expect(ex.points.data[q]).toBe(fl[q]);
      const fd = fdLogDet(c, X.data, n, d, 'exact', 100, 1e-6);
      let good = 0, cells = 0;
      for (let i = 0; i < n; i++) {
        const rel = Math.abs(Math.expm1(ex.logDet[i] - fd[i]));
        if (rel <= 1e-8) good++;
        // a point whose ±h stencil straddles a crossing in a non-C² spot may be worse, never wildly
        expect(rel).toBeLessThan(1e-5);
        if (ex.logDet[i] !== 0) cells++;
      }
      expect(good).toBeGreaterThanOrEqual(Math.ceil(0.95 * n));
      expect(cells).toBeGreaterThan(n / 2);
      for (const method of ['rk4', 'euler'] as const) {
        const steps = method === 'rk4' ? 20 : 200;
        const r = logDetJacobian(c, X, { method, stepsPerLayer: steps });
        const fdm = fdLogDet(c, X.data, n, d, method, steps, 1e-6);
        let ok = 0;
        for (let i = 0; i < n; i++) if (Math.abs(Math.expm1(r.logDet[i] - fdm[i])) <= 1e-8) ok++;
        expect(ok, method).toBeGreaterThanOrEqual(Math.ceil(0.95 * n));
        // and the discrete log det converges to the exact one: 4× the steps, a smaller error
        // (first order across the kinks: a stage that straddles a hyperplane sees the wrong cell)
        const dev = (ld: Float64Array): number => ld.reduce((m, v, i) => m + Math.abs(v - ex.logDet[i]), 0) / n;
        const fine = logDetJacobian(c, X, { method, stepsPerLayer: 4 * steps });
        expect(dev(r.logDet), method).toBeLessThan(method === 'rk4' ? 5e-3 : 5e-2);
        expect(dev(fine.logDet), method).toBeLessThan(dev(r.logDet) / 2.5);
      }
    });
  }
});

describe('push-forward densities', () => {
  it('mass on a grid is 1 to the grid error; the reversed flow inverts the flow', () => {
    const rng = createRng(7);
    const c = randomControls(rng, 2, 6, 3, 1, 1.2);
    const rho0 = gauss(0.5);
    const e = densityError(c, rho0, rho0, { grid: { min: [-5, -5], max: [5, 5], cells: 160 } });
    expect(Math.abs(e.mass - 1)).toBeLessThan(2e-3);
    expect(Math.abs(e.massTarget! - 1)).toBeLessThan(1e-6);
    expect(e.l1).toBeGreaterThan(0.05); // the flow moved the density
    // Φ⁻¹(Φ(x)) = x
    const X = randomCloud(rng, 50, 2);
    const fwd = flow(c, X, { method: 'exact' });
    const back = flow(reverseControls(c), fwd, { method: 'exact' }).data;
    for (let q = 0; q < 100; q++) expect(Math.abs(back[q] - X.data[q])).toBeLessThan(1e-10);
    // log det of Φ⁻¹ at Φ(x) = −log det of Φ at x
    const l1 = logDetJacobian(c, X).logDet, l2 = logDetJacobian(reverseControls(c), fwd).logDet;
    for (let i = 0; i < 50; i++) expect(Math.abs(l1[i] + l2[i])).toBeLessThan(1e-10);
  });

  it('grid and Monte Carlo estimates of L¹ and KL agree (to a few standard errors + the grid error)', () => {
    const rng = createRng(8);
    const c = randomControls(rng, 2, 4, 2, 1, 1);
    const rho0 = gauss(0.6), rhoT = gauss(0.9);
    const g = densityError(c, rho0, rhoT, { grid: { min: [-6, -6], max: [6, 6], cells: 150 } });
    const S = randomCloud(rng, 4000, 2, 0.6);
    const m = densityError(c, rho0, rhoT, { samples: S });
    expect(Math.abs(g.l1 - m.l1)).toBeLessThan(5 * m.standardError!.l1 + 5e-3);
    expect(Math.abs(g.kl - m.kl)).toBeLessThan(5 * m.standardError!.kl + 5e-3);
    // identity controls: ρ(T) = ρ₀ exactly, error against ρ₀ is 0
    const id = makeControls({ d: 2, width: 1, layers: [{ duration: 1, W: [0, 0], A: [1, 0], b: [0] }] });
    const z = densityError(id, rho0, rho0, { samples: S });
    expect(z.l1).toBe(0);
    expect(z.kl).toBe(0);
  });

  it('bad input → typed errors; async equals sync', async () => {
    const c = makeControls({ d: 2, width: 1, layers: [{ duration: 1, W: [1, 0], A: [1, 0], b: [0] }] });
    const X = [[0.5, 0.5], [-1, 0]];
    expect(() => logDetJacobian(c, X, { method: 'magic' as never })).toThrow(InvalidArgumentError);
    expect(() => pushforwardDensity(c, 3 as never, X)).toThrow(InvalidArgumentError);
    expect(() => pushforwardDensity(c, () => -1, X)).toThrow(InvalidArgumentError);
    expect(() => pushforwardDensity(c, () => NaN, X)).toThrow(InvalidArgumentError);
    expect(() => densityError(c, gauss(1), gauss(1), {})).toThrow(InvalidArgumentError);
    expect(() => densityError(c, gauss(1), gauss(1), { samples: X, grid: { min: [0, 0], max: [1, 1], cells: 2 } })).toThrow(InvalidArgumentError);
    expect(() => densityError(c, gauss(1), gauss(1), { grid: { min: [0, 0], max: [1, 1], cells: 1e5 } })).toThrow(/CAPACITY|WebAssembly memory|cells/);
    // a step that folds the Euler map: λ h = −2 → det(I + hDf) = −1
    const fold = makeControls({ d: 2, width: 1, layers: [{ duration: 4, W: [-2, 0], A: [1, 0], b: [0] }] });
    expect(() => logDetJacobian(fold, [[1, 0]], { method: 'euler', stepsPerLayer: 4 })).toThrow(/stepsPerLayer/);
    const grid = { min: [-2, -2], max: [2, 2], cells: 30 };
    const g1 = densityError(c, gauss(1), gauss(1.2), { grid }), g2 = await densityErrorAsync(c, gauss(1), gauss(1.2), { grid });
    expect(g2).toEqual(g1);
    const p1 = pushforwardDensity(c, gauss(1), X), p2 = await pushforwardDensityAsync(c, gauss(1), X);
    expect(Array.from(p2.density)).toEqual(Array.from(p1.density));
    const ac = new AbortController();
    ac.abort();
    await expect(densityErrorAsync(c, gauss(1), gauss(1), { grid, signal: ac.signal })).rejects.toThrow(AbortError);
    const a = await logDetJacobianAsync(c, X, { method: 'rk4' });
    expect(Array.from(a.logDet)).toEqual(Array.from(logDetJacobian(c, X, { method: 'rk4' }).logDet));
  });
});
