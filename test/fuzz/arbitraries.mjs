// Value generators for the fuzz suite: each argument is either a small valid value or a hostile
// one (wrong type, non-finite, extreme magnitude, huge count, malformed shape, …).
import fc from 'fast-check';

export const hostileNumber = fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, -1, 1e308, -1e308, 1e-320, 2 ** 31, 2 ** 53, 1.5, 1e154, -1e154);
export const hostileScalar = fc.oneof(
  hostileNumber,
  fc.constantFrom(null, undefined, '5', '', true, false, [], {}, () => 1, Symbol.iterator, 10n),
);
const finite = (min, max) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/** Scales applied to valid data to probe overflow and underflow (coordinates 1e-150 … 1e150). */
export const scale = fc.constantFrom(1, 1, 1, 1, 1e-150, 1e-8, 1e8, 1e150, 1e154, 1e300);

export function cloudArb({ minN = 1, maxN = 8, d } = {}) {
  const dim = d === undefined ? fc.integer({ min: 1, max: 4 }) : fc.constant(d);
  return fc
    .tuple(dim, fc.integer({ min: minN, max: maxN }), scale, fc.constantFrom('random', 'random', 'clustered', 'duplicated', 'offset'))
    .chain(([dd, n, s, kind]) =>
      fc.array(finite(-1, 1), { minLength: n * dd, maxLength: n * dd }).map((vals) => {
        const rows = [];
        for (let i = 0; i < n; i++) rows.push(vals.slice(i * dd, (i + 1) * dd));
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < dd; k++) {
            let v = rows[i][k];
            if (kind === 'clustered') v = 1 + 1e-10 * v;
            if (kind === 'duplicated' && i % 2 === 1) v = rows[i - 1][k];
            if (kind === 'offset') v = 1e8 + v;
            rows[i][k] = v * s;
          }
        }
        return rows;
      }),
    );
}

/** A malformed point set (or a non-point value). */
export const badCloud = fc.oneof(
  fc.constantFrom([], [[]], [[1, 2], [3]], [[NaN, 0]], [[Infinity]], [['1', 2]], null, undefined, 'points', 5, [1, 2, 3]),
  fc.constant({ n: 1e8, d: 2, data: new Float64Array(4) }),
  fc.constant({ n: 2, d: 2, data: [1, 2, 3, 4] }),
  fc.constant({ n: -1, d: 2, data: new Float64Array(0) }),
  fc.constant({ n: 2 ** 31, d: 2 ** 31, data: new Float64Array(0) }),
);

export const anyCloud = (o) => fc.oneof({ weight: 4, arbitrary: cloudArb(o) }, { weight: 1, arbitrary: badCloud });

/** Small valid controls {d, width, layers} as accepted by makeControls, or hostile ones. */
export function controlsSpecArb(d) {
  return fc
    .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(1, 1, 1, 1e3, 1e154))
    .chain(([width, L, s]) =>
      fc
        .array(
          fc.tuple(
            finite(0.05, 1),
            fc.array(finite(-1, 1), { minLength: d * width, maxLength: d * width }),
            fc.array(finite(-1, 1), { minLength: width * d, maxLength: width * d }),
            fc.array(finite(-1, 1), { minLength: width, maxLength: width }),
          ),
          { minLength: L, maxLength: L },
        )
        .map((layers) => ({ d, width, layers: layers.map(([duration, W, A, b]) => ({ duration, W: W.map((v) => v * s), A, b })) })),
    );
}

export const badControls = fc.constantFrom(
  null,
  undefined,
  {},
  { d: 2, width: 1, layers: [] },
  { d: 2, width: 1, layers: [{ duration: -1, W: [1, 0], A: [0, 1], b: [0] }] },
  { d: 2, width: 1, layers: [{ duration: 1, W: [NaN, 0], A: [0, 1], b: [0] }] },
  { d: 2, width: 2 ** 20, layers: [{ duration: 1, W: [1, 0], A: [0, 1], b: [0] }] },
  { d: 2, width: 1, T: 5, switches: 0, layers: [{ duration: 1e308, W: [1e308, 0], A: [1e308, 1], b: [0] }] },
);

/** An options object: mostly the given valid shape, sometimes one field replaced by a hostile value. */
export function optionsArb(valid, fields) {
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 3, arbitrary: fc.tuple(valid, fc.constantFrom(...fields), hostileScalar).map(([o, f, v]) => ({ ...o, [f]: v })) },
    { weight: 1, arbitrary: fc.constantFrom(null, 5, 'options', [], undefined) },
  );
}

export const aborted = () => AbortSignal.abort();
