/**
 * Thm 4.1 of the survey arXiv 2510.03303 (clustering of the hardmax dynamics, Alcalde–Fantuzzi–Zuazua,
 * arXiv 2407.01602): as k → ∞
 * every token converges either to a leader or to the A-norm projection of the origin onto a
 * face of the convex hull of the leaders. docs/algorithms/attention.md ("Thm 4.1") derives the non-leader case:
 * a stationary non-leader z* attends equally to a set F of leaders, equals their mean, and that
 * mean is the A-orthogonal projection of 0 onto aff(F).
 *
 * checkEquilibrium verifies this on the final state of a hardmaxDynamics run: for each non-leader
 * z_i (tokens within `tolerance` of each other count as one atom) it takes the face F_i = { leaders ℓ : ⟨A z_i, ℓ⟩ ≥ max_leaders − faceTolerance·max(1,|max|) }
 * (the face of conv(leaders) exposed by the direction A z_i), computes p_i = argmin_{p ∈ aff F_i} pᵀAp,
 * and reports |z_i − p_i| and whether p_i lies in conv F_i (barycentric weights ≥ −faceTolerance).
 */
import { InvalidArgumentError } from '../errors.js';
import { asOptions, checkTolerance } from '../validate.js';
import type { HardmaxResult } from './hardmax.js';
import { scaleExponent, scalePow2 } from './trajectory.js';

export interface EquilibriumReport {
  /** max over tokens of the violation (0 for leaders). */
  worstViolation: number;
  worstToken: number;
  /** violation[i] = |z_i − p_i| (Euclidean), Infinity if p_i is not in the face. */
  violation: Float64Array;
  /** face[i]: the leaders spanning token i's face ([i] for a leader). */
  face: number[][];
  /** worstViolation ≤ tolerance · max|z| (the dynamics are homogeneous in the tokens' scale). */
  ok: boolean;
  /**
   * The leaders of the final configuration as atoms (ascending): one representative token per
   * group of coincident tokens that strictly beats every other atom. Unlike result.leaders, this
   * survives followers collapsing exactly onto their leader (which creates score ties).
   */
  leaders: number[];
}

export function checkEquilibrium(result: HardmaxResult, optionsIn?: { tolerance?: number; faceTolerance?: number }): EquilibriumReport {
  if (!result || typeof result !== 'object' || !result.tokens || !(result.tokens.data instanceof Float64Array) || !Array.isArray(result.leaders) || !(result.A instanceof Float64Array)) {
    throw new InvalidArgumentError('result', result, 'the result of hardmaxDynamics');
  }
  const options = asOptions(optionsIn);
  const tolerance = checkTolerance('options.tolerance', options.tolerance, 1e-6, { positive: true });
  const faceTol = checkTolerance('options.faceTolerance', options.faceTolerance, 1e-6, { positive: true });
  const { n, d } = result.tokens;
  // Computed on z / 2^e and A / 2^k (powers of two, ./trajectory.ts): nothing overflows, the
  // faces and projections are the same, and violations are scaled back by 2^e.
  const e = scaleExponent(result.tokens.data);
  const z = scalePow2(Float64Array.from(result.tokens.data), -e);
  const A = scalePow2(Float64Array.from(result.A), -scaleExponent(result.A));
  const Az = (o: number): Float64Array => {
    const w = new Float64Array(d);
    for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) w[k] += A[k * d + j] * z[o + j];
    return w;
  };
  // Leaders as atoms: tokens that collapsed exactly onto each other attend to each other, so
  // by the letter of C_i = {i} none of them is a leader (docs/algorithms/attention.md). Merge
  // coincident tokens (within tolerance·max|z|) into one atom; an atom p is a leader when
  // ⟨Ap, p⟩ beats ⟨Ap, q⟩ for every other atom q by more than the run's tie tolerance.
  const atomOf = new Int32Array(n);
  const atoms: number[] = [];
  let R = 0;
  for (const v of z) R = Math.max(R, Math.abs(v));
  const merge = tolerance * R;
  for (let i = 0; i < n; i++) {
    let a = -1;
    for (let q = 0; q < atoms.length && a < 0; q++) {
      let s2 = 0;
      for (let k = 0; k < d; k++) s2 += (z[i * d + k] - z[atoms[q] * d + k]) ** 2;
      if (s2 <= merge * merge) a = q;
    }
    if (a < 0) { a = atoms.length; atoms.push(i); }
    atomOf[i] = a;
  }
  const tieTol = result.tieTolerance;
  const L: number[] = [];
  for (const p of atoms) {
    const w = Az(p * d);
    let self = 0;
    for (let k = 0; k < d; k++) self += w[k] * z[p * d + k];
    let best = -Infinity;
    for (const q of atoms) {
      if (q === p) continue;
      let s = 0;
      for (let k = 0; k < d; k++) s += w[k] * z[q * d + k];
      best = Math.max(best, s);
    }
    if (self > best + tieTol * Math.max(1, Math.abs(self))) L.push(p);
  }
  const isLeader = new Uint8Array(n);
  for (const l of L) isLeader[l] = 1;
  for (let i = 0; i < n; i++) if (isLeader[atoms[atomOf[i]]]) isLeader[i] = 1;
  const violation = new Float64Array(n);
  const face: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (isLeader[i]) {
      face[i] = [atoms[atomOf[i]]];
      continue;
    }
    if (L.length === 0) {
      face[i] = [];
      violation[i] = Infinity;
      continue;
    }
    const w = Az(i * d);
    const sc = L.map((l) => { let s = 0; for (let k = 0; k < d; k++) s += w[k] * z[l * d + k]; return s; });
    const m = Math.max(...sc);
    const F = L.filter((_, q) => sc[q] >= m - faceTol * Math.max(1, Math.abs(m)));
    face[i] = F;
    const p = projectOrigin(F, z, d, A);
    if (!p.inFace(faceTol)) {
      violation[i] = Infinity;
      continue;
    }
    let s = 0;
    for (let k = 0; k < d; k++) s += (z[i * d + k] - p.point[k]) ** 2;
    violation[i] = Math.sqrt(s);
  }
  let worst = 0, worstToken = -1;
  for (let i = 0; i < n; i++) if (violation[i] > worst || worstToken < 0) { worst = violation[i]; worstToken = i; }
  const ok = worst <= tolerance * R;
  scalePow2(violation, e);
  return { worstViolation: worst * pow2Safe(e), worstToken, violation, face, ok, leaders: L.slice().sort((a, b) => a - b) };
}

function pow2Safe(e: number): number {
  return scalePow2(Float64Array.of(1), e)[0];
}

/** A-orthogonal projection of 0 onto aff{z_l : l ∈ F}: p = ℓ₀ + U c with (UᵀAU) c = −UᵀAℓ₀. */
export function projectOrigin(F: number[], z: Float64Array, d: number, A: Float64Array): { point: Float64Array; weights: Float64Array; inFace(tol: number): boolean } {
  const r = F.length - 1;
  const l0 = z.subarray(F[0] * d, F[0] * d + d);
  const U: Float64Array[] = [];
  for (let j = 1; j <= r; j++) {
    const u = new Float64Array(d);
    for (let k = 0; k < d; k++) u[k] = z[F[j] * d + k] - l0[k];
    U.push(u);
  }
  const Amul = (v: Float64Array): Float64Array => {
    const o = new Float64Array(d);
    for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) o[k] += A[k * d + j] * v[j];
    return o;
  };
  const AU = U.map(Amul);
  const Al0 = Amul(l0 as Float64Array);
  const G = Array.from({ length: r }, (_, a) => Array.from({ length: r + 1 }, (_, b) => (b < r ? dot(U[a], AU[b]) : -dot(U[a], Al0))));
  // Gaussian elimination with partial pivoting; a tiny ridge handles affinely dependent faces.
  let tr = 0;
  for (let a = 0; a < r; a++) tr += G[a][a];
  for (let a = 0; a < r; a++) G[a][a] += 1e-14 * Math.max(tr, 1e-300);
  for (let col = 0; col < r; col++) {
    let piv = col;
    for (let a = col + 1; a < r; a++) if (Math.abs(G[a][col]) > Math.abs(G[piv][col])) piv = a;
    [G[col], G[piv]] = [G[piv], G[col]];
    for (let a = col + 1; a < r; a++) {
      const f = G[a][col] / G[col][col];
      for (let b = col; b <= r; b++) G[a][b] -= f * G[col][b];
    }
  }
  const cvec = new Float64Array(r);
  for (let a = r - 1; a >= 0; a--) {
    let s = G[a][r];
    for (let b = a + 1; b < r; b++) s -= G[a][b] * cvec[b];
    cvec[a] = s / G[a][a];
  }
  const point = Float64Array.from(l0);
  for (let j = 0; j < r; j++) for (let k = 0; k < d; k++) point[k] += cvec[j] * U[j][k];
  const weights = new Float64Array(r + 1);
  let c0 = 1;
  for (let j = 0; j < r; j++) { weights[j + 1] = cvec[j]; c0 -= cvec[j]; }
  weights[0] = c0;
  return { point, weights, inFace: (tol) => weights.every((v) => v >= -tol) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}
