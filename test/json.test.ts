import { describe, expect, it } from 'vitest';
import { controlsFromJSON, controlsToJSON, makeControls, InvalidArgumentError, ShapeMismatchError, NonFiniteError } from '../src/index.js';
import { createRng, randomControls } from './helpers.js';

function bits(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

describe('controls JSON (format flowsteer.controls/1)', () => {
  it('round-trips every float bit for bit, including −0, subnormals and extremes', () => {
    const rng = createRng(1);
    const c = randomControls(rng, 3, 5, 4);
    const special = [-0, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, 0.1 + 0.2, 1 / 3, -1e-300];
    const L = c.layers[0];
    special.forEach((v, i) => (L.W[i] = v));
    for (const indent of [undefined, 2]) {
      const text = controlsToJSON(c, { indent });
      const back = controlsFromJSON(text);
      expect(back.d).toBe(3);
      expect(back.width).toBe(5);
      expect(back.switches).toBe(3);
      expect(back.T).toBe(c.T);
      c.layers.forEach((l, k) => {
        expect(bits(back.layers[k].W)).toBe(bits(l.W));
        expect(bits(back.layers[k].A)).toBe(bits(l.A));
        expect(bits(back.layers[k].b)).toBe(bits(l.b));
        expect(back.layers[k].duration).toBe(l.duration);
      });
      expect(Object.is(back.layers[0].W[0], -0)).toBe(true);
    }
  });

  it('carries meta through', () => {
    const c = makeControls({ d: 2, width: 1, layers: [{ duration: 1, W: [1, 0], A: [0, 1], b: [0] }], meta: { construction: 'x', seed: 3 } });
    expect(controlsFromJSON(controlsToJSON(c)).meta).toEqual({ construction: 'x', seed: 3 });
  });

  const good = () => JSON.parse(controlsToJSON(makeControls({ d: 2, width: 2, layers: [{ duration: 0.5, W: [1, 2, 3, 4], A: [1, 0, 0, 1], b: [0, 1] }] })));
  const bad: [string, (o: Record<string, any>) => unknown, RegExp, unknown][] = [
    ['not JSON', () => '{', /not valid JSON/, undefined],
    ['wrong format', (o) => ((o.format = 'other/1'), o), /format must be/, InvalidArgumentError],
    ['W too short', (o) => ((o.layers[0].W = [1, 2, 3]), o), /layers\[0\]\.W has the wrong shape/, ShapeMismatchError],
    ['NaN-like string', (o) => ((o.layers[0].b = [0, 'NaN']), o), /layers\[0\]\.b\[1\] must be a number/, InvalidArgumentError],
    ['huge number → Infinity', (o) => JSON.stringify(o).replace('"b":[0,1]', '"b":[0,1e999]'), /contains Infinity/, NonFiniteError],
    ['zero duration', (o) => ((o.layers[0].duration = 0), o), /duration must be a finite number > 0/, InvalidArgumentError],
    ['negative duration', (o) => ((o.layers[0].duration = -1), o), /duration/, InvalidArgumentError],
    ['width 0', (o) => ((o.width = 0), o), /width must be an integer/, InvalidArgumentError],
    ['non-integer d', (o) => ((o.d = 2.5), o), /d must be an integer/, InvalidArgumentError],
    ['no layers', (o) => ((o.layers = []), o), /layers must be a non-empty array/, InvalidArgumentError],
    ['switches inconsistent', (o) => ((o.switches = 5), o), /switches/, ShapeMismatchError],
    ['T inconsistent', (o) => ((o.T = 2), o), /\bT\b/, ShapeMismatchError],
  ];
  for (const [name, mutate, re, cls] of bad) {
    it(`rejects ${name} with a clear error`, () => {
      const m = mutate(good());
      const text = typeof m === 'string' ? m : JSON.stringify(m);
      let err: unknown;
      try {
        controlsFromJSON(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(re);
      if (cls) expect(err).toBeInstanceOf(cls as new () => Error);
    });
  }

  it('refuses oversized input before parsing it', () => {
    expect(() => controlsFromJSON('x'.repeat(2000), { maxLength: 1000 })).toThrow(/at most 1000 characters/);
    const o = good();
    o.d = 1e6;
    o.width = 1e6;
    expect(() => controlsFromJSON(JSON.stringify(o))).toThrow(/parameters/);
  });
});
