/**
 * Matrix exponential by scaling and squaring with diagonal Padé approximants
 * (N. J. Higham, "The scaling and squaring method for the matrix exponential revisited",
 * SIAM J. Matrix Anal. Appl. 26 (2005) 1179–1193, Algorithm 2.3).
 *
 * For ‖A‖₁ ≤ θ_m the [m/m] Padé approximant r_m(A) = q_m(A)⁻¹ p_m(A), with
 *   p_m(x) = Σ_{j≤m} b_j x^j,  q_m(x) = p_m(−x),
 * reproduces e^A to double precision (backward error ≤ 2⁻⁵³) for m ∈ {3, 5, 7, 9, 13}.
 * Above θ₁₃ the matrix is scaled, A ← A/2^s with s = ⌈log₂(‖A‖₁/θ₁₃)⌉, and the result squared
 * s times. Writing p_m(A) = U + V with U the odd and V the even part, q_m(A) = V − U and
 * r_m(A) solves (V − U) R = V + U (LU with partial pivoting).
 *
 * Matrices are n×n, row-major Float64Array. Allocates O(n²) per call: meant for setup work
 * (caches, tests), not for per-point hot loops.
 */
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';

const THETA: Record<3 | 5 | 7 | 9 | 13, number> = {
  3: 1.495585217958292e-2,
  5: 2.539398330063230e-1,
  7: 9.504178996162932e-1,
  9: 2.097847961257068,
  13: 5.371920351148152,
};

const B: Record<3 | 5 | 7 | 9 | 13, readonly number[]> = {
  3: [120, 60, 12, 1],
  5: [30240, 15120, 3360, 420, 30, 1],
  7: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1],
  9: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1],
  13: [
    64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
    10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
  ],
};

/** C ← A·B for n×n matrices (C must not alias A or B). */
export function matMul(A: Float64Array, Bm: Float64Array, n: number, C: Float64Array = new Float64Array(n * n)): Float64Array {
  C.fill(0);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < n; l++) {
      const a = A[i * n + l];
      if (a === 0) continue;
      for (let j = 0; j < n; j++) C[i * n + j] += a * Bm[l * n + j];
    }
  }
  return C;
}

/** ‖A‖₁ = max column sum of |a_ij|. */
export function norm1(A: Float64Array, n: number): number {
  let m = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(A[i * n + j]);
    if (s > m) m = s;
  }
  return m;
}

/** e^A for an n×n row-major matrix A. */
export function expm(A: Float64Array, n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('n', n, 'a positive integer');
  if (!(A instanceof Float64Array) || A.length !== n * n) throw new ShapeMismatchError('A', A, `a Float64Array of n·n = ${n * n} entries`);
  for (let e = 0; e < n * n; e++) {
    if (!Number.isFinite(A[e])) throw new InvalidArgumentError(`A[${e}]`, A[e], 'a finite number');
  }
  const nrm = norm1(A, n);
  for (const m of [3, 5, 7, 9] as const) {
    if (nrm <= THETA[m]) return padeLow(A, n, m);
  }
  const s = Math.max(0, Math.ceil(Math.log2(nrm / THETA[13])));
  const As = new Float64Array(n * n);
  const scale = 2 ** -s;
  for (let e = 0; e < n * n; e++) As[e] = A[e] * scale;
  let R: Float64Array = pade13(As, n);
  let tmp: Float64Array = new Float64Array(n * n);
  for (let k = 0; k < s; k++) {
    matMul(R, R, n, tmp);
    const swap = R;
    R = tmp;
    tmp = swap;
  }
  return R;
}

function identityPlus(n: number, c: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) out[i * n + i] += c;
}

/** r_m(A) for m ≤ 9: U = A Σ_{odd} b_j A^{j−1}, V = Σ_{even} b_j A^j. */
function padeLow(A: Float64Array, n: number, m: 3 | 5 | 7 | 9): Float64Array {
  const b = B[m];
  const nn = n * n;
  const A2 = matMul(A, A, n);
  const pows: Float64Array[] = [A2]; // A², A⁴, …
  for (let k = 2; 2 * k <= m - 1; k++) pows.push(matMul(pows[k - 2], A2, n));
  const Uin = new Float64Array(nn), V = new Float64Array(nn);
  identityPlus(n, b[1], Uin);
  identityPlus(n, b[0], V);
  for (let k = 1; 2 * k <= m - 1; k++) {
    const P = pows[k - 1];
    for (let e = 0; e < nn; e++) {
      Uin[e] += b[2 * k + 1] * P[e];
      V[e] += b[2 * k] * P[e];
    }
  }
  const U = matMul(A, Uin, n);
  return solvePade(U, V, n);
}

/** r₁₃(A) with the 6-product evaluation of Higham (2005), eq. (2.6)–(2.7). */
function pade13(A: Float64Array, n: number): Float64Array {
  const b = B[13];
  const nn = n * n;
  const A2 = matMul(A, A, n), A4 = matMul(A2, A2, n), A6 = matMul(A4, A2, n);
  const t1 = new Float64Array(nn), t2 = new Float64Array(nn), t3 = new Float64Array(nn), t4 = new Float64Array(nn);
  for (let e = 0; e < nn; e++) {
    t1[e] = b[13] * A6[e] + b[11] * A4[e] + b[9] * A2[e];
    t2[e] = b[7] * A6[e] + b[5] * A4[e] + b[3] * A2[e];
    t3[e] = b[12] * A6[e] + b[10] * A4[e] + b[8] * A2[e];
    t4[e] = b[6] * A6[e] + b[4] * A4[e] + b[2] * A2[e];
  }
  identityPlus(n, b[1], t2);
  identityPlus(n, b[0], t4);
  const inner = matMul(A6, t1, n);
  for (let e = 0; e < nn; e++) inner[e] += t2[e];
  const U = matMul(A, inner, n);
  const V = matMul(A6, t3, n);
  for (let e = 0; e < nn; e++) V[e] += t4[e];
  return solvePade(U, V, n);
}

/** Solves (V − U) R = V + U by Gaussian elimination with partial pivoting. */
function solvePade(U: Float64Array, V: Float64Array, n: number): Float64Array {
  const nn = n * n;
  const P = new Float64Array(nn), R = new Float64Array(nn);
  for (let e = 0; e < nn; e++) {
    P[e] = V[e] - U[e];
    R[e] = V[e] + U[e];
  }
  for (let c = 0; c < n; c++) {
    let piv = c, best = Math.abs(P[c * n + c]);
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(P[r * n + c]);
      if (v > best) { best = v; piv = r; }
    }
    if (piv !== c) {
      for (let j = 0; j < n; j++) {
        let tmp = P[c * n + j]; P[c * n + j] = P[piv * n + j]; P[piv * n + j] = tmp;
        tmp = R[c * n + j]; R[c * n + j] = R[piv * n + j]; R[piv * n + j] = tmp;
      }
    }
    const d = P[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = P[r * n + c] / d;
      if (f === 0) continue;
      for (let j = c; j < n; j++) P[r * n + j] -= f * P[c * n + j];
      for (let j = 0; j < n; j++) R[r * n + j] -= f * R[c * n + j];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    const d = P[c * n + c];
    for (let j = 0; j < n; j++) {
      let v = R[c * n + j];
      for (let l = c + 1; l < n; l++) v -= P[c * n + l] * R[l * n + j];
      R[c * n + j] = v / d;
    }
  }
  return R;
}
