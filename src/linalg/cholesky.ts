/**
 * Cholesky factorisation A = L Lᵀ of a symmetric positive definite d×d matrix (row-major), the
 * one implementation the library uses (ridge fits, the SPD check of attention matrices, the
 * canonical hardmax scores). Entries are computed column by column with sums over k ascending,
 * so every caller gets the same doubles.
 *
 * `onPivot(j, s)` sees every diagonal pivot s = A_jj − Σ_k L_jk² before its square root and
 * returns the value to take the root of (default: s itself). Callers use it to reject a matrix
 * that is not positive definite, or to keep a dead feature at zero (return Infinity: its row
 * then solves to 0).
 */
export function choleskyLower(A: Float64Array, d: number, onPivot?: (j: number, s: number) => number): Float64Array {
  const L = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j];
    for (let k = 0; k < j; k++) s = s - L[j * d + k] * L[j * d + k];
    const ljj = Math.sqrt(onPivot ? onPivot(j, s) : s);
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j];
      for (let k = 0; k < j; k++) t = t - L[i * d + k] * L[j * d + k];
      L[i * d + j] = t / ljj;
    }
  }
  return L;
}

/** Solves L Lᵀ X = R for X (R is d×m row-major) by forward and back substitution. */
export function choleskySolve(L: Float64Array, R: Float64Array, d: number, m: number): Float64Array {
  const Z = Float64Array.from(R);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < d; i++) {
      let s = Z[i * m + c];
      for (let k = 0; k < i; k++) s -= L[i * d + k] * Z[k * m + c];
      Z[i * m + c] = s / L[i * d + i];
    }
    for (let i = d - 1; i >= 0; i--) {
      let s = Z[i * m + c];
      for (let k = i + 1; k < d; k++) s -= L[k * d + i] * Z[k * m + c];
      Z[i * m + c] = s / L[i * d + i];
    }
  }
  return Z;
}
