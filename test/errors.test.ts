/**
 * Every bad input of the foundation's entry points: a typed error naming the parameter,
 * never a WASM trap or a silent NaN — and the instance keeps working afterwards.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  field,
  flow,
  init,
  makeControls,
  points,
  FlowsteerError,
  InvalidArgumentError,
  NonFiniteError,
  ShapeMismatchError,
  CapacityError,
  controlsFromJSON,
  controlsToJSON,
  toRows,
} from '../src/index.js';
import { wasmRuntime } from '../src/runtime/loader.js';
import { createRng, randomCloud, randomControls } from './helpers.js';

beforeAll(async () => {
  await init({ variant: 'debug' });
});

const rng = createRng(1);
const C = randomControls(rng, 2, 3, 2);
const X = randomCloud(rng, 10, 2);

function expectError(fn: () => unknown, cls: new (...a: never[]) => Error, re: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a throw').toBeInstanceOf(cls);
  expect(err).toBeInstanceOf(FlowsteerError);
  expect((err as Error).message).toMatch(re);
}

describe('bad input to points / makeControls', () => {
  it('points: ragged rows, NaN, Infinity, empty, non-number', () => {
    expectError(() => points([[1, 2], [3]]), ShapeMismatchError, /points\[1\].*row of length 2/);
    expectError(() => points([[1, NaN]]), NonFiniteError, /NaN at row 0, coordinate 1/);
    expectError(() => points([[Infinity, 0]]), NonFiniteError, /Infinity/);
    expectError(() => points([]), InvalidArgumentError, /non-empty/);
    expectError(() => points([['1' as unknown as number, 2]]), InvalidArgumentError, /points\[0\]\[0\] must be a number/);
  });
  it('makeControls: width 0, non-integer d, NaN weights, shape mismatch, zero/negative duration', () => {
    const L = { duration: 1, W: [1, 0], A: [0, 1], b: [0] };
    expectError(() => makeControls({ d: 2, width: 0, layers: [L] }), InvalidArgumentError, /controls\.width must be an integer/);
    expectError(() => makeControls({ d: 2.5, width: 1, layers: [L] }), InvalidArgumentError, /controls\.d must be an integer/);
    expectError(() => makeControls({ d: 2, width: 1, layers: [{ ...L, W: [NaN, 0] }] }), NonFiniteError, /layers\[0\]\.W contains NaN/);
    expectError(() => makeControls({ d: 2, width: 2, layers: [L] }), ShapeMismatchError, /layers\[0\]\.W has the wrong shape/);
    expectError(() => makeControls({ d: 2, width: 1, layers: [{ ...L, duration: 0 }] }), InvalidArgumentError, /duration must be a finite number > 0/);
    expectError(() => makeControls({ d: 2, width: 1, layers: [{ ...L, duration: -2 }] }), InvalidArgumentError, /duration/);
    expectError(() => makeControls({ d: 2, width: 1, layers: [] }), InvalidArgumentError, /at least one layer/);
  });
});

describe('bad input to flow / field', () => {
  it('names the parameter, the value and the fix', () => {
    expectError(() => flow(C, [[1, 2, 3]]), ShapeMismatchError, /X has the wrong shape: expected dimension 2/);
    expectError(() => flow(C, { n: 2, d: 2, data: new Float64Array(3) }), ShapeMismatchError, /X\.data.*length n·d/);
    expectError(() => flow(C, { n: 1, d: 2, data: new Float64Array([0, NaN]) }), NonFiniteError, /X\.data contains NaN at row 0, coordinate 1/);
    expectError(() => flow(C, { n: 1.5, d: 2, data: new Float64Array(3) }), InvalidArgumentError, /X\.n must be an integer/);
    expectError(() => flow(C, X, { method: 'midpoint' as never }), InvalidArgumentError, /options\.method must be one of 'rk4', 'euler', 'exact'/);
    expectError(() => flow(C, X, { stepsPerLayer: 0 }), InvalidArgumentError, /options\.stepsPerLayer must be an integer/);
    expectError(() => flow(C, X, { stepsPerLayer: 2.5 }), InvalidArgumentError, /stepsPerLayer/);
    expectError(() => flow(C, X, { out: new Float64Array(3) }), ShapeMismatchError, /options\.out/);
    expectError(() => flow(C, X, { trajectory: { every: 0 } }), InvalidArgumentError, /trajectory\.every/);
    expectError(() => flow(C, X, { trajectory: { buffer: new Float64Array(5) } }), ShapeMismatchError, /trajectory\.buffer/);
    expectError(() => flow({ ...C, T: 99 }, X), ShapeMismatchError, /controls\.T/);
    expectError(() => flow({ ...C, layers: [{ ...C.layers[0], b: new Float64Array([1, NaN, 0]) }] } as never, X), NonFiniteError, /controls\.layers\[0\]\.b contains NaN/);
    expectError(() => field(C.layers[0], [[1, 2, 3]], undefined, { d: 2, width: 3 }), ShapeMismatchError, /X/);
  });

  it('reports an overflowing flow instead of returning Infinity/NaN', () => {
    // ẋ = 10^5 relu(x): every RK4 step multiplies x by ≈ (λh)^4/24 ≈ 7·10^11, 50 steps overflow.
    const c = makeControls({ d: 1, width: 1, layers: [{ duration: 1, W: [1e5], A: [1], b: [0] }] });
    expectError(() => flow(c, [[1]], { stepsPerLayer: 50 }), FlowsteerError, /overflowed: point 0/);
  });

  it('refuses a request larger than WebAssembly memory with a CapacityError', () => {
    const rt = wasmRuntime('test')!;
    const mark = rt.arena.mark();
    expect(() => rt.arena.allocF64(2 ** 30, 'X')).toThrow(CapacityError);
    expect(rt.arena.mark()).toBe(mark);
    // and a trajectory that could not be held is refused up front
    expectError(() => flow(C, randomCloud(rng, 100_000, 2), { stepsPerLayer: 100_000, trajectory: true }), InvalidArgumentError, /record fewer frames/);
  });

  it('keeps working after 10^4 alternating failing and succeeding calls, with flat WASM memory', () => {
    const rt = wasmRuntime('test')!;
    const good = flow(C, X).data;
    const base = rt.arena.mark();
    const bytes = rt.arena.memoryBytes;
    const bad = { n: 10, d: 2, data: X.data.slice() };
    bad.data[7] = NaN;
    let failures = 0;
    for (let i = 0; i < 10_000; i++) {
      if (i % 2) {
        try {
          flow(C, bad);
        } catch (e) {
          if (e instanceof NonFiniteError) failures++;
        }
      } else {
        const r = flow(C, X, { stepsPerLayer: 2 });
        if (!Number.isFinite(r.data[0])) throw new Error('non-finite');
      }
    }
    expect(failures).toBe(5000);
    expect(rt.arena.mark()).toBe(base);
    expect(rt.arena.memoryBytes).toBe(bytes);
    expect(Array.from(flow(C, X).data)).toEqual(Array.from(good));
  });
});

describe('helpers and JSON limits (issue 15)', () => {
  it('rng.int and rng.unitVector refuse bad sizes instead of returning NaN or never returning', () => {
    const r = createRng(3);
    for (const bad of [0, -1, NaN, 1.5, Infinity, 2 ** 60]) {
      expectError(() => r.int(bad), InvalidArgumentError, /^n must be an integer/);
      expectError(() => r.unitVector(bad), InvalidArgumentError, /^d must be an integer/);
    }
    expect(r.unitVector(3).length).toBe(3);
  });
  it('toRows checks the cloud before allocating rows', () => {
    expectError(() => toRows({ n: 1e8, d: 2, data: new Float64Array(4) }), ShapeMismatchError, /data\.length = n·d/);
    expectError(() => toRows(null as never), InvalidArgumentError, /PointCloud/);
    expect(toRows({ n: 2, d: 1, data: Float64Array.of(1, 2) })).toEqual([[1], [2]]);
  });
  it('controls meta: depth and size limits on both sides of JSON', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 1e5; i++) deep = (deep.x = {}) as Record<string, unknown>;
    const L = { duration: 1, W: [1, 0], A: [0, 1], b: [0] };
    expectError(() => makeControls({ d: 2, width: 1, layers: [L], meta: root }), InvalidArgumentError, /nested at most 32 deep/);
    const text = `{"format":"flowsteer.controls/1","d":2,"width":1,"layers":[{"duration":1,"W":[1,0],"A":[0,1],"b":[0]}],"meta":${'{"x":'.repeat(1e5)}1${'}'.repeat(1e5)}}`;
    expectError(() => controlsFromJSON(text), FlowsteerError, /meta|JSON/);
    expectError(() => makeControls({ d: 2, width: 1, layers: [L], meta: { v: NaN } }), InvalidArgumentError, /meta\.v must be a finite number/);
    const ok = makeControls({ d: 2, width: 1, layers: [L], meta: { a: [1, 'b', null, { c: true }] } });
    expect(controlsFromJSON(controlsToJSON(ok)).meta).toEqual(ok.meta);
    expectError(() => controlsToJSON(ok, { indent: -1 }), InvalidArgumentError, /options\.indent/);
    expectError(() => controlsToJSON(ok, null as never), InvalidArgumentError, /^options/);
  });
});
