/**
 * Public data types.
 *
 * PointCloud: n points in R^d, row-major: coordinate k of point i is data[i*d + k].
 *
 * Controls: piecewise-constant controls of the width-p neural ODE (arXiv 2510.03303, eq. 3.3–3.4)
 *   ẋ(t) = W(t) relu(A(t) x + b(t)) = Σ_{i<p} w_i(t) relu(⟨a_i(t), x⟩ + b_i(t)),
 * one `Layer` per interval on which (W, A, b) is constant:
 *   W  d × p row-major, W[k*p + i] = component k of w_i
 *   A  p × d row-major, A[i*d + k] = component k of a_i
 *   b  p entries
 * `switches` = layers − 1 (the L of the theorems; depth L + 1), `T` = Σ durations.
 */
import { InvalidArgumentError, NonFiniteError, ShapeMismatchError } from './errors.js';

export interface PointCloud {
  readonly n: number;
  readonly d: number;
  readonly data: Float64Array;
}

/** Anything the public API accepts as points: a PointCloud or rows `number[][]`. */
export type PointsLike = PointCloud | readonly (readonly number[])[];

export interface Layer {
  readonly duration: number;
  readonly W: Float64Array;
  readonly A: Float64Array;
  readonly b: Float64Array;
}

export interface LayerLike {
  duration: number;
  W: ArrayLike<number>;
  A: ArrayLike<number>;
  b: ArrayLike<number>;
}

export interface Controls {
  readonly d: number;
  readonly width: number;
  readonly T: number;
  readonly layers: readonly Layer[];
  readonly switches: number;
  /** Free-form provenance (construction, options, seed); carried through JSON. */
  readonly meta?: Record<string, unknown>;
}

/** Builds a PointCloud from rows, checking that every row has the same length and finite entries. */
export function points(rows: readonly (readonly number[])[], name = 'points'): PointCloud {
  if (!Array.isArray(rows)) throw new InvalidArgumentError(name, rows, 'an array of rows (number[][]) or a PointCloud');
  const n = rows.length;
  if (n === 0) throw new InvalidArgumentError(name, rows, 'a non-empty array of rows', 'pass at least one point');
  const first = rows[0];
  if (!Array.isArray(first) && !ArrayBuffer.isView(first)) throw new InvalidArgumentError(`${name}[0]`, first, 'an array of coordinates');
  const d = (first as ArrayLike<number>).length;
  if (d === 0) throw new InvalidArgumentError(`${name}[0]`, first, 'a non-empty row', 'points need at least one coordinate');
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!row || row.length !== d) {
      throw new ShapeMismatchError(`${name}[${i}]`, row, `a row of length ${d} like ${name}[0]`, 'every point needs the same dimension');
    }
    for (let k = 0; k < d; k++) {
      const v = row[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        if (typeof v !== 'number') throw new InvalidArgumentError(`${name}[${i}][${k}]`, v, 'a number');
        throw new NonFiniteError(name, i * d + k, v, `row ${i}, coordinate ${k}`);
      }
      data[i * d + k] = v;
    }
  }
  return { n, d, data };
}

/** Rows of a PointCloud as `number[][]`. */
export function toRows(cloud: PointCloud): number[][] {
  const ok = typeof cloud === 'object' && cloud !== null && cloud.data instanceof Float64Array;
  if (!ok) throw new InvalidArgumentError('cloud', cloud, 'a PointCloud {n, d, data: Float64Array}');
  const { n, d } = cloud;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 1 || cloud.data.length !== n * d) {
    throw new ShapeMismatchError('cloud', `n = ${n}, d = ${d}, data of length ${cloud.data.length}`, 'integers n ≥ 0, d ≥ 1 with data.length = n·d');
  }
  const out: number[][] = new Array(cloud.n);
  for (let i = 0; i < cloud.n; i++) out[i] = Array.from(cloud.data.subarray(i * cloud.d, (i + 1) * cloud.d));
  return out;
}

/** A PointCloud with fresh zeroed storage. */
export function emptyCloud(n: number, d: number): PointCloud {
  return { n, d, data: new Float64Array(n * d) };
}
