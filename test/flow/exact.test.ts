/**
 * The exact solver (src/flow/exact.ts) against closed forms, the matrix exponential and RK4.
 * Layout reminder: W is d×p row-major (W[k*p+i] = component k of w_i), A is p×d (A[i*d+k]).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvergenceError, field, flow, init, makeControls, type Controls, type LayerLike } from '../../src/index.js';
import { exactLayerPoint } from '../../src/flow/exact.js';
import { expm } from '../../src/linalg/expm.js';
import { createRng, maxAbsDiff, randomCloud, randomControls, relDiff } from '../helpers.js';

beforeAll(async () => {
  await init({ variant: 'debug' });
});

/** A layer from neuron lists: ws[i] = w_i, as[i] = a_i, bs[i] = b_i. */
function layerOf(ws: number[][], as: number[][], bs: number[], duration: number): LayerLike {
  const p = ws.length, d = ws[0].length;
  const W = new Float64Array(d * p), A = new Float64Array(p * d);
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < d; k++) {
      W[k * p + i] = ws[i][k];
      A[i * d + k] = as[i][k];
    }
  }
  return { duration, W, A, b: Float64Array.from(bs) };
}

function controlsOf(layers: LayerLike[]): Controls {
  const p = layers[0].b.length, d = layers[0].W.length / p;
  return makeControls({ d, width: p, layers });
}

function exactFlow(c: Controls, rows: number[][]): Float64Array {
  return flow(c, rows, { method: 'exact' }).data;
}

/** Max |a − b| / max(1, |b|) over all entries. */
function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return relDiff(a, b).max;
}

/** x(τ) of the affine ODE ẋ = M x + c via exp(τ [[M, c], [0, 0]]) (Padé 13). */
function affineExpm(M: number[][], c: number[], x0: number[], tau: number): number[] {
  const d = x0.length, n = d + 1;
  const Z = new Float64Array(n * n);
  for (let k = 0; k < d; k++) {
    for (let l = 0; l < d; l++) Z[k * n + l] = tau * M[k][l];
    Z[k * n + d] = tau * c[k];
  }
  const E = expm(Z, n);
  return Array.from({ length: d }, (_, k) => {
    let v = E[k * n + d];
    for (let l = 0; l < d; l++) v += E[k * n + l] * x0[l];
    return v;
  });
}

/**
 * A layer whose p neurons (unit a_i, b_i = 30) are all active near the origin; ‖M‖_F ≈ `scale`.
 * Returns its M = Σ w_i a_iᵀ and c = Σ w_i b_i.
 */
function allActiveCell(rng: ReturnType<typeof createRng>, d: number, p: number, scale: number) {
  const ws: number[][] = [], as: number[][] = [], bs: number[] = [];
  for (let i = 0; i < p; i++) {
    ws.push(Array.from({ length: d }, () => rng.normal()));
    as.push(Array.from(rng.unitVector(d)));
    bs.push(30);
  }
  let M = Array.from({ length: d }, (_, k) => Array.from({ length: d }, (_, l) => ws.reduce((s, w, i) => s + w[k] * as[i][l], 0)));
  const f = scale / Math.sqrt(M.flat().reduce((s, v) => s + v * v, 0));
  for (const w of ws) for (let k = 0; k < d; k++) w[k] *= f;
  M = M.map((row) => row.map((v) => v * f));
  const cc = Array.from({ length: d }, (_, k) => ws.reduce((s, w, i) => s + w[k] * bs[i], 0));
  return { ws, as, bs, M, cc };
}

/**
 * Rigorous: |x(t) − x₀| ≤ |f₀| t e^{‖M‖t} (Grönwall) stays below the distance of x₀ to every
 * hyperplane (unit a_i), so the trajectory of ẋ = Mx + c never leaves the all-active cell on [0, τ].
 */
function staysInCell(M: number[][], c: number[], as: number[][], bs: number[], x0: number[], tau: number): boolean {
  const d = x0.length;
  const f0 = c.map((ck, k) => ck + M[k].reduce((s, v, l) => s + v * x0[l], 0));
  const nM = Math.sqrt(M.flat().reduce((s, v) => s + v * v, 0));
  const reach = Math.hypot(...f0) * tau * Math.exp(nM * tau);
  return as.every((a, i) => a.reduce((s, ak, k) => s + ak * x0[k], bs[i]) > reach * Math.hypot(...a.slice(0, d)));
}

describe("method 'exact' against closed forms", () => {
  it('one active neuron with w·a ≠ 0 (P2): x₀ + w y₀ (e^{λτ} − 1)/λ on the active side, rest at rest', () => {
    for (const [w, a, b] of [
      [[0.9, 0.4], [0.6, -0.8], 0.3], // λ = 0.22
      [[-1.5, 0.5], [1, 0.2], -0.1], // λ = −1.4 (compression)
      [[2, 2], [1, 1], 0], // λ = 4 (expansion along a)
    ] as [number[], number[], number][]) {
      const tau = 0.7;
      // A second, silent neuron (w = 0) must not matter.
      const c = controlsOf([layerOf([w, [0, 0]], [a, [1, -1]], [b, 0.5], tau)]);
      const X = [[0.5, -0.3], [-0.8, 0.9], [1.2, 1.1], [-2, -1], [0.1, 0.05]];
      const got = exactFlow(c, X);
      const lambda = w[0] * a[0] + w[1] * a[1];
      let active = 0;
      X.forEach((x0, r) => {
        const y0 = a[0] * x0[0] + a[1] * x0[1] + b;
        const g = y0 > 0 ? (y0 * Math.expm1(lambda * tau)) / lambda : 0;
        if (y0 > 0) active++;
        const want = [x0[0] + w[0] * g, x0[1] + w[1] * g];
        expect(rel(got.subarray(2 * r, 2 * r + 2), want)).toBeLessThan(1e-14);
      });
      expect(active).toBeGreaterThan(0);
      expect(active).toBeLessThan(X.length);
    }
  });

  it('one active neuron with w·a = 0 (shear): x₀ + w y₀ τ, exactly', () => {
    const w = [1.4, -0.7], a = [1, 2], b = -0.25; // w·a = 0 exactly in floating point
    const tau = 1.3;
    const c = controlsOf([layerOf([w], [a], [b], tau)]);
    const X = [[0.5, 0.5], [2, -0.5], [-1, -1], [0.3, -0.01]];
    const got = exactFlow(c, X);
    X.forEach((x0, r) => {
      const y0 = Math.max(0, b + a[0] * x0[0] + a[1] * x0[1]); // the solver's summation order
      for (let k = 0; k < 2; k++) expect(got[2 * r + k]).toBe(x0[k] + tau * (w[k] * y0));
    });
    expect(got[0]).not.toBe(0.5); // the first point moves
    expect(got[4]).toBe(-1); // the third does not
  });

  it('parallel layers of many neurons (A W = 0, the shear constructions) are x + τ·f(x) bit for bit', () => {
    const rng = createRng(11);
    const d = 3, p = 6, tau = 0.4;
    const u = [0.48, 0.6, 0.64]; // |u| = 1
    const ws: number[][] = [], as: number[][] = [], bs: number[] = [];
    for (let i = 0; i < p; i++) {
      const v = [rng.normal(), rng.normal(), rng.normal()];
      const dot = v[0] * u[0] + v[1] * u[1] + v[2] * u[2];
      ws.push(v.map((vk, k) => vk - dot * u[k])); // w ⟂ u up to round-off, as the shear constructions leave it
      as.push(u);
      bs.push(0.3 * rng.normal());
    }
    const c = controlsOf([layerOf(ws, as, bs, tau)]);
    const X = randomCloud(rng, 50, d);
    const got = flow(c, X, { method: 'exact' }).data;
    const f = field(c.layers[0], X).data;
    const want = X.data.map((x, j) => x + tau * f[j]);
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-15);
    expect(maxAbsDiff(got, X.data)).toBeGreaterThan(0.01);
  });

  it('a 1-D compression/expansion pair: crossing x = 1 at t = ln 2, then the second piece', () => {
    // ẋ₁ = relu(2 − x₁) + 3 relu(x₁ − 1). From x₁ = 0: x₁ = 2 − 2e^{−t} reaches 1 at t = ln 2;
    // then ẋ₁ = 2x₁ − 1, so x₁ = 1/2 + (1/2) e^{2(t − ln 2)}. The second coordinate never moves.
    const c = controlsOf([layerOf([[1, 0], [3, 0]], [[-1, 0], [1, 0]], [2, -1], 1)]);
    const steps = 50;
    const res = flow(c, [[0, 0.7]], { method: 'exact', stepsPerLayer: steps, trajectory: true });
    const tr = res.trajectory!;
    const exact = (t: number) => (t <= Math.LN2 ? 2 - 2 * Math.exp(-t) : 0.5 + 0.5 * Math.exp(2 * (t - Math.LN2)));
    let worst = 0;
    for (let f = 0; f < tr.frames; f++) {
      worst = Math.max(worst, Math.abs(tr.data[2 * f] - exact(tr.times[f])) / Math.max(1, Math.abs(exact(tr.times[f]))));
      expect(tr.data[2 * f + 1]).toBe(0.7);
    }
    expect(worst).toBeLessThan(1e-13);
    expect(res.data[0]).toBeCloseTo(0.5 + 0.5 * Math.exp(2 - 2 * Math.LN2), 13);
  });

  it('a shear pushes points across another hyperplane at t = 1/y₀, then a hyperbolic rotation', () => {
    // Neuron A: ẋ += relu(y) e₁. Neuron B: ẏ += relu(x − 1). From (0, y₀), y₀ > 0: x = y₀ t until
    // x = 1 at t* = 1/y₀; then u = x − 1, y obey u' = y, y' = u: u = y₀ sinh(t − t*), y = y₀ cosh(t − t*).
    const T = 2;
    const c = controlsOf([layerOf([[1, 0], [0, 1]], [[0, 1], [1, 0]], [0, -1], T)]);
    const y0s = [0.8, 1, 2, 4];
    const X = [...y0s.map((y) => [0, y]), [0, -0.5], [1, 0.5], [1, 0]];
    const got = exactFlow(c, X);
    y0s.forEach((y0, r) => {
      const s = T - 1 / y0;
      expect(rel(got.subarray(2 * r, 2 * r + 2), [1 + y0 * Math.sinh(s), y0 * Math.cosh(s)])).toBeLessThan(1e-13);
    });
    // Below the A hyperplane nothing moves; (1, 0.5) starts on B's hyperplane moving up: B switches on at once.
    expect(Array.from(got.subarray(8, 10))).toEqual([0, -0.5]);
    expect(rel(got.subarray(10, 12), [1 + 0.5 * Math.sinh(T), 0.5 * Math.cosh(T)])).toBeLessThan(1e-13);
    // (1, 0) lies on both hyperplanes, where the field vanishes: an equilibrium.
    expect(Array.from(got.subarray(12, 14))).toEqual([1, 0]);
  });

  it('a rotation cell (eigenvalues α ± iω) against the analytic solution and against expm', () => {
    // ẋ = w_A relu(y + 10) + w_B relu(x + 10) with w_A = (ω, α), w_B = (α, −ω): in the cell
    // {x > −10, y > −10} both are active, M = [[α, ω], [−ω, α]], c = 10(w_A + w_B), centre (−10, −10):
    // z = x + 10 turns clockwise, z(τ) = e^{ατ} R(−ωτ) z₀. Points at polar angle φ ∈ (ωτ, π/2) stay inside.
    const alpha = 0.4, omega = 2.5, tau = 0.4; // ωτ = 1 rad
    const c = controlsOf([layerOf([[omega, alpha], [alpha, -omega]], [[0, 1], [1, 0]], [10, 10], tau)]);
    const polar = [[3, 1.2], [7, 1.5], [0.5, 1.05], [12, 1.3]];
    const X = polar.map(([r, phi]) => [-10 + r * Math.cos(phi), -10 + r * Math.sin(phi)]);
    const got = exactFlow(c, X);
    const M = [[alpha, omega], [-omega, alpha]];
    const cc = [10 * (omega + alpha), 10 * (alpha - omega)];
    X.forEach((x0, r) => {
      const [rad, phi] = polar[r];
      expect(phi - omega * tau).toBeGreaterThan(0); // never leaves the cell
      const e = Math.exp(alpha * tau) * rad;
      const want = [-10 + e * Math.cos(phi - omega * tau), -10 + e * Math.sin(phi - omega * tau)];
      const g = got.subarray(2 * r, 2 * r + 2);
      expect(rel(g, want)).toBeLessThan(1e-13);
      expect(rel(g, affineExpm(M, cc, x0, tau))).toBeLessThan(1e-13);
    });
  });

  it('a global rotation built from four ReLUs crosses both axes repeatedly and stays on the circle', () => {
    // ẋ = ω(relu(y) − relu(−y)) = ωy, ẏ = −ω(relu(x) − relu(−x)) = −ωx: x(t) = R(−ωt) x₀ exactly,
    // although the solver sees four cells and two events per quarter turn. (0, 1) starts on the
    // hyperplanes of two neurons at once.
    const omega = 3, T = 2.2; // a bit over one turn
    const c = controlsOf([
      layerOf([[omega, 0], [-omega, 0], [0, -omega], [0, omega]], [[0, 1], [0, -1], [1, 0], [-1, 0]], [0, 0, 0, 0], T),
    ]);
    const X = [[0, 1], [0.3, -0.7], [-2, 0.01], [1, 1]];
    const got = exactFlow(c, X);
    const cs = Math.cos(omega * T), sn = Math.sin(omega * T);
    X.forEach((x0, r) => {
      const want = [cs * x0[0] + sn * x0[1], -sn * x0[0] + cs * x0[1]];
      expect(rel(got.subarray(2 * r, 2 * r + 2), want)).toBeLessThan(1e-13);
    });
  });

  it('general cells (several coupled active neurons, d = 2..5) agree with exp(τ[[M, c], [0, 0]])', () => {
    const rng = createRng(5);
    let cases = 0;
    for (const d of [2, 3, 4, 5]) {
      const p = d + 2, tau = 0.9;
      const { ws, as, bs, M, cc } = allActiveCell(rng, d, p, 0.5);
      const c = controlsOf([layerOf(ws, as, bs, tau)]);
      for (let r = 0; r < 5; r++) {
        const x0 = Array.from({ length: d }, () => rng.normal());
        expect(staysInCell(M, cc, as, bs, x0, tau)).toBe(true);
        const got = exactFlow(c, [x0]);
        const want = affineExpm(M, cc, x0, tau);
        expect(rel(got, want)).toBeLessThan(1e-12);
        expect(rel(got, x0)).toBeGreaterThan(0.1);
        cases++;
      }
    }
    expect(cases).toBe(20);
  });
});

describe('expm (Padé 13, scaling and squaring)', () => {
  it('reproduces rotations of large angle, a nilpotent exponential and the identity', () => {
    for (const th of [0.01, 0.7, 3, 40]) {
      const E = expm(Float64Array.from([0, th, -th, 0]), 2);
      const want = [Math.cos(th), Math.sin(th), -Math.sin(th), Math.cos(th)];
      expect(maxAbsDiff(E, want), `θ = ${th}`).toBeLessThan(4e-15 * Math.max(1, th));
    }
    // N nilpotent: e^N = I + N + N²/2 exactly.
    const E = expm(Float64Array.from([0, 2, 3, 0, 0, 5, 0, 0, 0]), 3);
    expect(maxAbsDiff(E, [1, 2, 3 + 5, 0, 1, 5, 0, 0, 1])).toBeLessThan(1e-14);
    expect(Array.from(expm(new Float64Array(4), 2))).toEqual([1, 0, 0, 1]);
  });
});

describe("method 'exact' against rk4", () => {
  it('random multi-neuron layers (d = 2..5, p ≤ 8): rk4 with 8000 steps per layer agrees to ~1e-9', () => {
    const rng = createRng(1);
    for (const [d, p] of [[2, 4], [2, 8], [3, 6], [4, 3], [5, 8]] as const) {
      const c = randomControls(rng, d, p, 3);
      const X = randomCloud(rng, 60, d);
      const e = flow(c, X, { method: 'exact' }).data;
      const r = flow(c, X, { method: 'rk4', stepsPerLayer: 8000 }).data;
      const { max } = relDiff(r, e);
      expect(max, `d=${d} p=${p}`).toBeLessThan(2e-9);
      expect(maxAbsDiff(e, X.data)).toBeGreaterThan(0.05); // the points do move
    }
  });

  it('rk4 converges to exact at 4th order inside one cell, and at ≥ 2nd order across kinks', () => {
    const rng = createRng(3);
    // Inside one cell the field is affine and smooth: error ∝ h⁴ (ratio 16 per halving).
    const d = 3, p = 5;
    const { ws, as, bs, M, cc } = allActiveCell(rng, d, p, 0.5);
    const smooth = controlsOf([layerOf(ws, as, bs, 1)]);
    const X = randomCloud(rng, 20, d);
    for (let i = 0; i < 20; i++) expect(staysInCell(M, cc, as, bs, Array.from(X.data.subarray(i * d, (i + 1) * d)), 1)).toBe(true);
    const e = flow(smooth, X, { method: 'exact' }).data;
    const errs = [8, 16, 32, 64].map((s) => maxAbsDiff(flow(smooth, X, { method: 'rk4', stepsPerLayer: s }).data, e));
    for (let k = 1; k < errs.length; k++) {
      const order = Math.log2(errs[k - 1] / errs[k]);
      expect(order, `errors ${errs.map((v) => v.toExponential(2)).join(', ')}`).toBeGreaterThan(3.7);
      expect(order).toBeLessThan(4.5);
    }
    // Across hyperplanes the field is only Lipschitz (its Jacobian jumps), so each crossing costs
    // rk4 an O(h²) error: the observed order is about 2, and the errors still go to 0.
    const kinky = randomControls(rng, 2, 6, 3);
    const Y = randomCloud(rng, 100, 2);
    const ek = flow(kinky, Y, { method: 'exact' }).data;
    const ek100 = maxAbsDiff(flow(kinky, Y, { method: 'rk4', stepsPerLayer: 100 }).data, ek);
    const ek1600 = maxAbsDiff(flow(kinky, Y, { method: 'rk4', stepsPerLayer: 1600 }).data, ek);
    expect(Math.log(ek100 / ek1600) / Math.log(16)).toBeGreaterThan(1.6);
    expect(ek1600).toBeLessThan(1e-8);
  });

  it("an 'exact' trajectory matches the rk4 trajectory frame by frame", () => {
    const rng = createRng(9);
    const c = randomControls(rng, 3, 5, 3);
    const X = randomCloud(rng, 40, 3);
    const opts = { stepsPerLayer: 1600, trajectory: { every: 80 } };
    const e = flow(c, X, { ...opts, method: 'exact' });
    const r = flow(c, X, { ...opts, method: 'rk4' });
    const te = e.trajectory!, tr = r.trajectory!;
    expect(te.frames).toBe(tr.frames);
    expect(te.frames).toBe(61);
    expect(Array.from(te.times)).toEqual(Array.from(tr.times));
    expect(relDiff(tr.data, te.data).max).toBeLessThan(1e-8);
    // First frame is the input, last frame is the result.
    expect(Array.from(te.data.subarray(0, 40 * 3))).toEqual(Array.from(X.data));
    expect(Array.from(te.data.subarray(60 * 40 * 3))).toEqual(Array.from(e.data));
    // Frames really differ in time (the trajectory is not constant).
    expect(maxAbsDiff(te.data.subarray(0, 120), te.data.subarray(30 * 120, 31 * 120))).toBeGreaterThan(0.01);
  });
});

describe("method 'exact' in degenerate situations", () => {
  it('a point on the hyperplane of an expanding neuron (field zero there) stays put; one moving off it leaves', () => {
    const c = controlsOf([layerOf([[2, 0]], [[1, 0]], [-1], 1.5)]); // ẋ₁ = 2 relu(x₁ − 1)
    const got = exactFlow(c, [[1, 3], [0.99, 3], [1.01, 3]]);
    expect(Array.from(got.subarray(0, 4))).toEqual([1, 3, 0.99, 3]);
    expect(got[4]).toBeCloseTo(1 + 0.01 * Math.exp(3), 13);
  });

  it('tangency: a parabola that touches a hyperplane does not switch it on', () => {
    // ẋ = 1 (a neuron with a = 0), ẏ = 2 relu(1 − x) − 2 relu(x − 1) = 2(1 − x): from (0, −1),
    // y = −(1 − t)², touching y = 0 at t = 1. A fifth neuron, 7 relu(y) (1, 1), would blow the point
    // away if it were switched on; a sixth lives on y = 0 itself.
    const T = 2;
    const c = controlsOf([
      layerOf(
        [[1, 0], [0, 2], [0, -2], [7, 7], [0, 0]],
        [[0, 0], [-1, 0], [1, 0], [0, 1], [0, -1]],
        [1, 1, -1, 0, 0],
        T,
      ),
    ]);
    const res = flow(c, [[0, -1], [0, -0.5]], { method: 'exact', stepsPerLayer: 20, trajectory: true });
    expect(rel(res.data.subarray(0, 2), [2, -1])).toBeLessThan(1e-13);
    // From (0, −1/2) the parabola y = −1/2 + 2t − t² crosses y = 0 at t = 1 − 1/√2: then neuron 4 acts.
    const rk = flow(c, [[0, -0.5]], { method: 'rk4', stepsPerLayer: 20000 }).data;
    expect(relDiff(res.data.subarray(2, 4), rk).max).toBeLessThan(1e-7);
    expect(res.data[2]).toBeGreaterThan(10);
    const tr = res.trajectory!;
    for (let f = 0; f < tr.frames; f++) {
      const t = tr.times[f];
      expect(tr.data[f * 4 + 0]).toBeCloseTo(t, 13);
      expect(tr.data[f * 4 + 1]).toBeCloseTo(-((1 - t) ** 2), 13);
    }
  });

  it('a trajectory lying in a hyperplane (tangent to all orders) keeps that neuron off', () => {
    // ẋ = e₁ from a frozen neuron, and an expanding neuron 5 relu(y) (0,1) whose hyperplane is y = 0.
    const c = controlsOf([layerOf([[1, 0], [0, 5]], [[0, 0], [0, 1]], [1, 0], 3)]);
    const got = exactFlow(c, [[-1, 0], [0, 1e-3]]);
    expect(Array.from(got.subarray(0, 2))).toEqual([2, 0]);
    expect(rel(got.subarray(2, 4), [3, 1e-3 * Math.exp(15)])).toBeLessThan(1e-13);
  });

  it('a field that cancels in exact arithmetic (tents; docs/algorithms/flow.md, "Degenerate points") is treated as zero', () => {
    // h(s) = σ(s − 0.2) − 2σ(s − 0.3) + σ(s − 0.4) vanishes for s ≥ 0.4; with w ∥ a the round-off
    // residual would otherwise grow like e^{λt} over the long layer.
    const w = [30, 0];
    const c = controlsOf([layerOf([w, [-60, 0], w], [[1, 0], [1, 0], [1, 0]], [-0.2, -0.3, -0.4], 1000)]);
    const X = [[0.7, 1], [1.3, -2], [2.9, 0], [0.45, 5]];
    const f = field(c.layers[0], X, undefined, { d: 2, width: 3 }).data;
    expect(Math.max(...Array.from(f).map(Math.abs))).toBeGreaterThan(0); // a residual is there…
    expect(Math.max(...Array.from(f).map(Math.abs))).toBeLessThan(1e-12);
    expect(Array.from(exactFlow(c, X))).toEqual(X.flat()); // …and is ignored
  });

  it('all-zero W: every point and every frame is unchanged', () => {
    const rng = createRng(2);
    const d = 4, p = 5;
    const A = Float64Array.from({ length: p * d }, () => rng.normal());
    const c = makeControls({ d, width: p, layers: [{ duration: 2, W: new Float64Array(d * p), A, b: new Float64Array(p).fill(1) }] });
    const X = randomCloud(rng, 30, d);
    const res = flow(c, X, { method: 'exact', stepsPerLayer: 4, trajectory: true });
    expect(Array.from(res.data)).toEqual(Array.from(X.data));
    const tr = res.trajectory!;
    for (let f = 0; f < tr.frames; f++) expect(Array.from(tr.data.subarray(f * 30 * d, (f + 1) * 30 * d))).toEqual(Array.from(X.data));
  });

  it('d = 1 and samples requested directly from exactLayerPoint', () => {
    // ẋ = −2 relu(x − 0.5) + 0·relu(x) (a silent second neuron): x = 0.5 + (x₀ − 0.5)e^{−2t}.
    const c = makeControls({ d: 1, width: 2, layers: [{ duration: 1, W: [-2, 0], A: [1, 1], b: [-0.5, 0] }] });
    const x = new Float64Array([3]);
    const times = new Float64Array([0.25, 0.5, 1]);
    const out = new Float64Array(3);
    exactLayerPoint(x, 0, 1, c.layers[0], 2, times, out, 0, 1);
    const want = Array.from(times).map((t) => 0.5 + 2.5 * Math.exp(-2 * t));
    expect(rel(out, want)).toBeLessThan(1e-14);
    expect(x[0]).toBe(out[2]);
  });

  it('chattering or a rotation far too fast for the duration hits the event guard, naming the layer', () => {
    const omega = 1e5;
    const c = controlsOf([
      layerOf([[omega, 0], [-omega, 0], [0, -omega], [0, omega]], [[0, 1], [0, -1], [1, 0], [-1, 0]], [0, 0, 0, 0], 20),
    ]);
    const x = new Float64Array([0.3, 0.4]);
    let err: unknown;
    try {
      exactLayerPoint(x, 0, 2, c.layers[0], 4, null, null, 0, 0, 3);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConvergenceError);
    expect((err as Error).message).toMatch(/layer 3/);
    expect(() => flow(c, [[0.3, 0.4]], { method: 'exact' })).toThrow(/layer 0/);
  });
});

describe("method 'exact' speed", () => {
  it('10^4 points through 4 random layers of width 16 in d = 2 well within a second or two', () => {
    const rng = createRng(4);
    const c = randomControls(rng, 2, 16, 4);
    const X = randomCloud(rng, 10_000, 2);
    const t0 = performance.now();
    const res = flow(c, X, { method: 'exact' });
    const ms = performance.now() - t0;
    expect(maxAbsDiff(res.data, X.data)).toBeGreaterThan(0.01);
    expect(ms).toBeLessThan(3000);
  });
});
