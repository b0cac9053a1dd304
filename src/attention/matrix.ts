/**
 * Matrix arguments of the attention dynamics: A (eq. 4.1, symmetric positive definite) and
 * Q, K, V (sphere dynamics). Accepted as `number[][]` (d rows of d) or a flat row-major array
 * of d·d numbers; checked once here.
 */
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { checkFinite } from '../validate.js';
import { choleskyLower } from '../linalg/cholesky.js';

export type MatrixLike = readonly (readonly number[])[] | ArrayLike<number>;

/** d×d row-major Float64Array from number[][] or a flat array; the identity when omitted. */
export function asSquare(M: MatrixLike | undefined, d: number, name: string): Float64Array {
  const out = new Float64Array(d * d);
  if (M === undefined) {
    for (let k = 0; k < d; k++) out[k * d + k] = 1;
    return out;
  }
  if (!Array.isArray(M) && !ArrayBuffer.isView(M)) throw new InvalidArgumentError(name, M, `a ${d}×${d} matrix (number[][] or a flat row-major array of ${d * d} numbers)`);
  const arr = M as ArrayLike<unknown>;
  if (arr.length > 0 && Array.isArray(arr[0])) {
    if (arr.length !== d) throw new ShapeMismatchError(name, `${arr.length} rows`, `${d} rows of ${d} (the token dimension)`);
    for (let r = 0; r < d; r++) {
      const row = arr[r] as ArrayLike<unknown>;
      if (!Array.isArray(row) || row.length !== d) throw new ShapeMismatchError(`${name}[${r}]`, row, `a row of ${d} numbers`);
      for (let k = 0; k < d; k++) {
        if (typeof row[k] !== 'number') throw new InvalidArgumentError(`${name}[${r}][${k}]`, row[k], 'a number');
        out[r * d + k] = row[k] as number;
      }
    }
  } else {
    if (arr.length !== d * d) throw new ShapeMismatchError(name, `length ${arr.length}`, `${d}·${d} = ${d * d} numbers (row-major)`);
    for (let j = 0; j < d * d; j++) {
      if (typeof arr[j] !== 'number') throw new InvalidArgumentError(`${name}[${j}]`, arr[j], 'a number');
      out[j] = arr[j] as number;
    }
  }
  checkFinite(out, name, d);
  return out;
}

/**
 * A for eq. 4.1: checked symmetric (relative 1e-12 of max|A|) and positive definite (Cholesky),
 * then symmetrised exactly, A ← (A + Aᵀ)/2, so that ⟨A z_i, z_l⟩ = ⟨A z_l, z_i⟩ bit for bit.
 */
export function asSPD(M: MatrixLike | undefined, d: number, name = 'options.A'): Float64Array {
  const A = asSquare(M, d, name);
  let scale = 0;
  for (const v of A) scale = Math.max(scale, Math.abs(v));
  for (let r = 0; r < d; r++) {
    for (let k = r + 1; k < d; k++) {
      const a = A[r * d + k], b = A[k * d + r];
      if (Math.abs(a - b) > 1e-12 * scale) {
        throw new InvalidArgumentError(`${name}[${r}][${k}]`, a, `equal to ${name}[${k}][${r}] = ${b} (A must be symmetric)`, 'pass (A + Aᵀ)/2');
      }
      const s = (a + b) / 2;
      A[r * d + k] = s;
      A[k * d + r] = s;
    }
  }
  // Cholesky: every pivot must be positive.
  choleskyLower(A, d, (j, s) => {
    if (!(s > 1e-14 * Math.max(scale, Number.MIN_VALUE) * d)) {
      throw new InvalidArgumentError(name, M, 'positive definite (the theory of eq. 4.1 assumes A ≻ 0)', `its leading ${j + 1}×${j + 1} block has a non-positive pivot ${s}; add a multiple of the identity`);
    }
    return s;
  });
  return A;
}
