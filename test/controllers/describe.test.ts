import { beforeAll, describe as group, expect, it } from 'vitest';
import { aprioriBound, summarizeControls, verify } from '../../src/controllers/describe.js';
import { interpolate } from '../../src/controllers/interpolate.js';
import { init, InvalidArgumentError, makeControls, ShapeMismatchError } from '../../src/index.js';

beforeAll(() => init({ variant: 'debug' }));

// Two layers, d = 2, p = 1: θ_1 = (W, A, b) = ((3, 0), (0, 4), 0), θ_2 = ((0, 0), (0, 1), 1).
const hand = makeControls({
  d: 2,
  width: 1,
  layers: [
    { duration: 0.5, W: [3, 0], A: [0, 4], b: [0] },
    { duration: 1.5, W: [0, 0], A: [0, 1], b: [1] },
  ],
});

group('summarizeControls (arXiv 2510.03303, eq. 3.11, 3.14–3.15)', () => {
  it('computes counts and the BV norm ‖θ‖_L¹ + TV by hand', () => {
    const r = summarizeControls(hand);
    expect(r).toMatchObject({ d: 2, width: 1, layers: 2, switches: 1, T: 2, parameters: 2 * 5 });
    // |θ_1| = 5, |θ_2| = √2, |θ_2 − θ_1| = |(−3, 0, 0, −3, 1)| = √19
    expect(r.l1Norm).toBeCloseTo(0.5 * 5 + 1.5 * Math.SQRT2, 14);
    expect(r.totalVariation).toBeCloseTo(Math.sqrt(19), 14);
    expect(r.bvNorm).toBeCloseTo(r.l1Norm + r.totalVariation, 14);
    expect(r.aprioriBound).toBeCloseTo(r.bvNorm ** 2, 12);
    expect(r.maxAbs).toEqual({ W: 3, A: 4, b: 1 });
    expect(aprioriBound(hand, 0.5, 2)).toBeCloseTo(r.aprioriBound + 4, 12);
    expect(() => aprioriBound(hand, 0)).toThrow(InvalidArgumentError);
  });

  it('switch count and parameter count of an interpolation match the theorem', () => {
    const X = [[0, 0], [1, 0], [0, 1], [2, 2], [3, 1]], Y = [[1, 1], [0, 0], [2, -1], [-1, 2], [0, 3]];
    const { controls: c, diagnostics } = interpolate(X, Y, { width: 2 });
    const r = summarizeControls(c);
    // p = 2: batches of one point plus a tail neuron, two on the last layer (docs/algorithms/interpolate.md)
    expect(r.switches).toBe(2 * (1 + Math.ceil((5 - 2) / 1)) - 1);
    expect(diagnostics.theoremSwitches).toBe(2 * Math.ceil(5 / 2) - 1);
    expect(diagnostics.bvNorm).toBe(r.bvNorm);
    expect(r.parameters).toBe(r.layers * (2 * 2 * 2 + 2));
    expect(r.bvNorm).toBeGreaterThan(0);
  });
});

group('verify', () => {
  it('reports the known displacement of a one-neuron parallel layer (closed form x + τ w relu(⟨a,x⟩+b))', () => {
    // Layer 1: w = (3,0), a = (0,4), b = 0: point (0, 1) moves by 0.5·3·4 = 6 along x; layer 2 has w = 0.
    const res = verify(hand, [[0, 1], [5, -1]], [[6, 1], [5, -1]]);
    expect(res.method).toBe('exact');
    expect(res.maxError).toBeLessThan(1e-12);
    // the independent adaptive solver agrees, and sees the same miss when the target is off
    expect(res.independent!.method).toBe('dopri5-events');
    expect(res.independent!.maxError).toBeLessThan(1e-12);
    expect(verify(hand, [[0, 1]], [[7, 1]]).independent!.maxError).toBeCloseTo(1, 10);
    expect(verify(hand, [[0, 1]], [[6, 1]], { independent: false }).independent).toBeNull();
    const off = verify(hand, [[0, 1], [5, -1]], [[7, 1], [5, -1]], { method: 'rk4', stepsPerLayer: 10 });
    expect(off.maxError).toBeCloseTo(1, 10);
    expect(off.worst).toBe(0);
    expect(off.meanError).toBeCloseTo(0.5, 10);
    expect(off.risk).toBeCloseTo(1, 10);
    expect(off.scale).toBe(7);
    expect(off.relativeMaxError).toBeCloseTo(1 / 7, 10);
  });

  it('independent check: a layer whose trajectory crosses a hyperplane is integrated with event location (closed form by hand)', () => {
    // ẋ = (1, 0)·relu(x_1) ... a = (1, 0), w = (1, 0), b = 0.5: on x_1 > −0.5, x_1' = x_1 + 0.5, so from
    // x_1 = −0.25: x_1(t) = −0.5 + 0.25 e^t (never crosses); a second neuron w = (0, 1), a = (1, 0),
    // b = −0.25 switches on when x_1 crosses 0.25 at t* = ln 3: x_2' = x_1 − 0.25 afterwards.
    const c = makeControls({ d: 2, width: 2, layers: [{ duration: 2, W: [1, 0, 0, 1], A: [1, 0, 1, 0], b: [0.5, -0.25] }] });
    const t = 2, ts = Math.log(3);
    const x1 = -0.5 + 0.25 * Math.exp(t);
    // x_2 = ∫_{t*}^{t} (−0.75 + 0.25 e^s) ds
    const x2 = -0.75 * (t - ts) + 0.25 * (Math.exp(t) - Math.exp(ts));
    const r = verify(c, [[-0.25, 0]], [[x1, x2]], { method: 'rk4', stepsPerLayer: 4 });
    expect(r.independent!.maxError).toBeLessThan(1e-9);
    expect(r.maxError).toBeGreaterThan(r.independent!.maxError); // rk4 with 4 steps straddles the kink
  });

  it('rejects mismatched inputs with typed errors', () => {
    expect(() => verify(hand, [[0, 1]], [[0, 1], [1, 1]])).toThrow(ShapeMismatchError);
    expect(() => verify(hand, [[0, 1, 2]], [[0, 1, 2]])).toThrow(ShapeMismatchError);
    expect(() => verify(hand, [[0, 1]], [[0, 1]], { method: 'magic' as never })).toThrow(/options\.method/);
  });
});
