import { beforeAll, describe, expect, it } from 'vitest';
import { init, interpolateSequences, makeTransformer, readout, runTransformer, transformerFromJSON, transformerToJSON, InvalidArgumentError, ShapeMismatchError } from '../../src/index.js';
import { createRng } from '../../src/rng.js';
import { referenceRun } from '../helpers/transformer-reference.js';

beforeAll(async () => {
  await init({ variant: 'debug' });
});

describe('transformer format and runner', () => {
  const r = createRng(1);
  const inputs = [0, 1, 2].map(() => Array.from({ length: 5 }, () => [r.normal(), r.normal(), r.normal()]));
  const targets = inputs.map(() => [[r.normal(), r.normal(), -0]]);
  const t = interpolateSequences(inputs, targets).transformer;

  it('JSON round trip is bit-exact (−0 included) and validated', () => {
    const back = transformerFromJSON(transformerToJSON(t, { indent: 2 }));
    expect(back.blocks.length).toBe(t.blocks.length);
    back.blocks.forEach((b, i) => {
      const a = t.blocks[i];
      expect(b.kind).toBe(a.kind);
      expect(Array.from(b.A)).toEqual(Array.from(a.A));
      if (a.kind === 'resnet' && b.kind === 'resnet') {
        expect(Array.from(b.W)).toEqual(Array.from(a.W));
        expect(Array.from(b.b).map((v) => Object.is(v, -0))).toEqual(Array.from(a.b).map((v) => Object.is(v, -0)));
      }
    });
    expect(transformerToJSON(back)).toBe(transformerToJSON(t));
    expect(() => transformerFromJSON('{"format":"x"}')).toThrow(/format/);
    expect(() => transformerFromJSON('{')).toThrow(/not valid JSON/);
  });

  it('makeTransformer: shapes, PSD attention, alpha ↔ step', () => {
    const A = [1, 0, 0, 1];
    expect(makeTransformer({ d: 2, blocks: [{ kind: 'attention', rule: 'hardmax', A, alpha: 1 }] }).blocks[0]).toMatchObject({ step: 0.5 });
    expect(() => makeTransformer({ d: 2, blocks: [{ kind: 'attention', rule: 'hardmax', A: [1, 0, 0, -1], step: 1 }] })).toThrow(/positive semidefinite/);
    expect(() => makeTransformer({ d: 2, blocks: [{ kind: 'attention', rule: 'hardmax', A: [1, 2, 0, 1], step: 1 }] })).toThrow(/symmetric/);
    expect(() => makeTransformer({ d: 2, blocks: [{ kind: 'attention', rule: 'softmax', A, step: 1 }] })).toThrow(/temperature/);
    expect(() => makeTransformer({ d: 2, blocks: [{ kind: 'attention', rule: 'hardmax', A, step: 2 }] })).toThrow(/\(0, 1\]/);
    expect(() => makeTransformer({ d: 2, blocks: [{ kind: 'resnet', W: [1, 2], A: [1], b: [0] }] })).toThrow(ShapeMismatchError);
    expect(() => makeTransformer({ d: 2, blocks: [] })).toThrow(InvalidArgumentError);
  });

  it('runner equals the independent reference runner; trajectory frames; readout keeps first occurrences', () => {
    const res = runTransformer(t, inputs, { trajectory: true });
    inputs.forEach((Z, j) => {
      const ref = referenceRun(t.blocks as never, 3, Z);
      ref.forEach((x, i) => x.forEach((v, k) => expect(Math.abs(res.outputs[j].data[i * 3 + k] - v)).toBeLessThan(1e-9 * Math.max(1, Math.abs(v)))));
    });
    const traj = res.trajectory!;
    expect(traj.frames).toBe(t.blocks.length + 1);
    expect(Array.from(traj.data.subarray(0, 3))).toEqual(inputs[0][0]);
    expect(readout([[1, 2], [3, 4], [1, 2 + 1e-12], [5, 6]]).n).toBe(3);
    expect(() => runTransformer(t, [[[1, 2]]])).toThrow(/dimension 3/);
  });
});
