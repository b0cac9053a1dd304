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

/**
 * A factor G (d×d row-major, rows r…d−1 zero) with A ≈ GᵀG for a symmetric positive
 * semidefinite A, by Cholesky with diagonal pivoting: at every step the largest remaining
 * diagonal entry is eliminated; the elimination stops when it is ≤ `relTol`·max_j A_jj (the rest
 * is numerically zero). Returns G and the numerical rank r. Low-rank attention matrices
 * (A = QᵀK with Q = K of rank r) factor this way; A = 0 gives r = 0 and G = 0.
 * Throws RangeError when a pivot is negative beyond the tolerance (A not PSD): callers turn that
 * into a typed error naming their parameter.
 */
export function pivotedCholesky(A: Float64Array, d: number, relTol = 1e-13): { G: Float64Array; rank: number } {
  const R = Float64Array.from(A); // Schur complement, updated in place
  const G = new Float64Array(d * d);
  let maxDiag = 0;
  for (let j = 0; j < d; j++) maxDiag = Math.max(maxDiag, Math.abs(A[j * d + j]));
  const done = new Uint8Array(d);
  let rank = 0;
  for (; rank < d; rank++) {
    let piv = -1, best = -Infinity;
    for (let j = 0; j < d; j++) if (!done[j] && R[j * d + j] > best) { best = R[j * d + j]; piv = j; }
    if (!(best > relTol * maxDiag)) {
      for (let j = 0; j < d; j++) if (!done[j] && R[j * d + j] < -1e3 * relTol * maxDiag) throw new RangeError(`not positive semidefinite (pivot ${R[j * d + j]})`);
      break;
    }
    const s = Math.sqrt(best);
    // row `rank` of G: the pivot column of the Schur complement divided by its root
    for (let i = 0; i < d; i++) G[rank * d + i] = done[i] ? 0 : R[i * d + piv] / s;
    G[rank * d + piv] = s;
    done[piv] = 1;
    for (let i = 0; i < d; i++) {
      if (done[i]) continue;
      for (let k = 0; k < d; k++) if (!done[k]) R[i * d + k] -= G[rank * d + i] * G[rank * d + k];
    }
  }
  return { G, rank };
}
