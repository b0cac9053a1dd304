/**
 * Choice of directions ("change of basis", docs/algorithms/interpolate.md §1.6, §1.7.4) for the shear
 * constructions of src/controllers/interpolate.ts.
 *
 * A shear stage with normal a orders the points by s_i = ⟨a, x_i⟩ and needs the s_i pairwise
 * distinct; its weights scale like |D| / (τ · gap) and the points it has not reached yet drift by
 * up to |D| · range / gap (./shear.ts). The quality of a direction is therefore the separation
 *
 *   score(a) = min_{i≠j} |s_i − s_j| / (max s − min s)      (1 for a single point, 0 on ties),
 *
 * and we keep the best of `candidates` seeded random unit vectors. Coordinate axes are also tried
 * and preferred when they are at least half as good as the best random direction: with a = e_k
 * every weight vector of the stage has component k exactly 0, so A·W = 0 holds *in floating
 * point* and the layer is exactly parallel — no activation drift at all (issue 3, "Correctness").
 * Vectors restricted to a subspace (v ⟂ u, u ∈ S^⊥) are drawn by projecting Gaussians with
 * exact zeros where the constraint is a coordinate axis.
 */
import type { Rng } from '../rng.js';

/** s_i = ⟨a, P_i⟩ for the listed rows (all rows when idx is omitted). */
export function projections(P: Float64Array, d: number, a: Float64Array, idx: ArrayLike<number>): Float64Array {
  const s = new Float64Array(idx.length);
  for (let j = 0; j < idx.length; j++) {
    const o = idx[j] * d;
    let acc = 0;
    for (let k = 0; k < d; k++) acc += a[k] * P[o + k];
    s[j] = acc;
  }
  return s;
}

/** min gap / range of the values (sorted copy); 1 for fewer than two values, 0 on a tie. */
export function separationScore(s: Float64Array): number {
  if (s.length < 2) return 1;
  const t = Float64Array.from(s).sort();
  const range = t[t.length - 1] - t[0];
  if (!(range > 0)) return 0;
  let gap = Infinity;
  for (let i = 1; i < t.length; i++) gap = Math.min(gap, t[i] - t[i - 1]);
  return gap / range;
}

export interface Direction {
  /** Unit vector (exact coordinate axis when `axis` ≥ 0). */
  readonly a: Float64Array;
  /** Separation score of the projections, see the module comment. */
  readonly score: number;
  /** Index k when a = e_k, else −1. */
  readonly axis: number;
}

export interface ChooseOptions {
  /** Random candidates to try (default 64). */
  candidates?: number;
  /**
   * Orthonormal vectors the direction must be orthogonal to (v ⟂ u, or a basis of S for
   * u ∈ S^⊥). Axis vectors among them (exactly one nonzero entry) are handled exactly.
   */
  orthogonalTo?: readonly Float64Array[];
  /** Reject directions with |⟨a, avoid⟩| above this (default: no such constraint). */
  avoid?: { vector: Float64Array; maxCosine: number };
}

/** Index k if `v` is ±e_k exactly, else −1. */
export function axisOf(v: Float64Array): number {
  let k = -1;
  for (let j = 0; j < v.length; j++) {
    if (v[j] !== 0) {
      if (k >= 0) return -1;
      k = j;
    }
  }
  return k >= 0 && Math.abs(v[k]) === 1 ? k : -1;
}

/**
 * The best direction for separating the rows `idx` of P (n × d): argmax of score over the
 * allowed coordinate axes (weighted ×2) and `candidates` random unit vectors.
 * Returns null when no candidate separates the points (every score is 0).
 */
export function chooseDirection(P: Float64Array, d: number, idx: ArrayLike<number>, rng: Rng, options: ChooseOptions = {}): Direction | null {
  const candidates = options.candidates ?? 64;
  const ortho = options.orthogonalTo ?? [];
  const zeroAxes = new Set<number>();
  const general: Float64Array[] = [];
  for (const o of ortho) {
    const k = axisOf(o);
    if (k >= 0) zeroAxes.add(k);
    else general.push(o);
  }
  let best: Direction | null = null;
  let bestWeighted = 0;
  const consider = (a: Float64Array, axis: number): void => {
    if (options.avoid) {
      let c = 0;
      for (let k = 0; k < d; k++) c += a[k] * options.avoid.vector[k];
      if (Math.abs(c) > options.avoid.maxCosine) return;
    }
    const score = separationScore(projections(P, d, a, idx));
    const weighted = axis >= 0 ? 2 * score : score;
    if (score > 0 && weighted > bestWeighted) {
      bestWeighted = weighted;
      best = { a, score, axis };
    }
  };
  // Coordinate axes: allowed when orthogonal to every constraint exactly.
  for (let k = 0; k < d; k++) {
    if (zeroAxes.has(k)) continue;
    if (general.some((g) => g[k] !== 0)) continue;
    const e = new Float64Array(d);
    e[k] = 1;
    consider(e, k);
  }
  for (let c = 0; c < candidates; c++) {
    const a = randomOrthogonal(rng, d, zeroAxes, general);
    if (a) consider(a, -1);
  }
  return best;
}

/** A random unit vector with a_k = 0 for k in zeroAxes and ⟂ every (orthonormal) g in general. */
function randomOrthogonal(rng: Rng, d: number, zeroAxes: Set<number>, general: readonly Float64Array[]): Float64Array | null {
  for (let attempt = 0; attempt < 8; attempt++) {
    const a = new Float64Array(d);
    for (let k = 0; k < d; k++) a[k] = zeroAxes.has(k) ? 0 : rng.normal();
    // Twice Gram–Schmidt against the general constraints (re-orthogonalisation).
    for (let pass = 0; pass < 2; pass++) {
      for (const g of general) {
        let c = 0;
        for (let k = 0; k < d; k++) c += a[k] * g[k];
        for (let k = 0; k < d; k++) if (!zeroAxes.has(k)) a[k] -= c * g[k];
      }
    }
    let norm = 0;
    for (let k = 0; k < d; k++) norm += a[k] * a[k];
    norm = Math.sqrt(norm);
    if (norm > 1e-8) {
      for (let k = 0; k < d; k++) a[k] /= norm;
      return a;
    }
  }
  return null;
}

/**
 * Orthonormal basis (d−1 vectors) of a^⊥ for a unit vector a. For an axis e_j: the other axes
 * (exact). Otherwise the last d−1 columns of the Householder reflection that maps e_1 to ±a.
 */
export function orthogonalComplement(a: Float64Array): Float64Array[] {
  const d = a.length;
  const j = axisOf(a);
  const out: Float64Array[] = [];
  if (j >= 0) {
    for (let k = 0; k < d; k++) {
      if (k === j) continue;
      const e = new Float64Array(d);
      e[k] = 1;
      out.push(e);
    }
    return out;
  }
  // H = I − 2 h hᵀ/|h|², h = a + sign(a_0) e_0: H e_0 = −sign(a_0) a, columns 1..d−1 ⟂ a.
  const h = Float64Array.from(a);
  const sgn = a[0] >= 0 ? 1 : -1;
  h[0] += sgn;
  let hh = 0;
  for (let k = 0; k < d; k++) hh += h[k] * h[k];
  for (let c = 1; c < d; c++) {
    const col = new Float64Array(d);
    for (let k = 0; k < d; k++) col[k] = (k === c ? 1 : 0) - (2 * h[k] * h[c]) / hh;
    out.push(col);
  }
  return out;
}

export interface DirectionPair {
  readonly u: Float64Array;
  readonly v: Float64Array;
  /** Support of u for split pairs (v is supported off it); null for rotated pairs (v ⟂ u). */
  readonly inU: Uint8Array | null;
}

/**
 * Candidate direction pairs for the two-stage constructions.
 *
 * Split pairs (disjoint supports U and its complement): stage 1 moves only coordinates outside
 * U and stage 2 only those in U (intermediate point z = x on U, y elsewhere), so in every layer
 * ⟨a, w⟩ = 0 exactly and s = ⟨a, x⟩ reads coordinates the layer never changes: the layers are
 * parallel in floating point and activations cannot drift however large the shear. d = 2: the
 * axis pairs; d ≥ 3: also `candidates` seeded random splits with random unit vectors per side.
 *
 * Rotated pairs: u a random unit vector, v a random unit vector of u^⊥ (for d = 2, u rotated by
 * 90°); z = x + ⟨v, y − x⟩ v. Needed when shared coordinates defeat every split.
 */
export function candidatePairs(d: number, rng: Rng, candidates: number): DirectionPair[] {
  const out: DirectionPair[] = [];
  const axisPairs = d * (d - 1) <= 16 ? d * (d - 1) : 16;
  for (let q = 0; q < axisPairs; q++) {
    const j = d * (d - 1) <= 16 ? Math.floor(q / (d - 1)) : rng.int(d);
    let k = d * (d - 1) <= 16 ? q % (d - 1) : rng.int(d - 1);
    if (k >= j) k++;
    const inU = new Uint8Array(d);
    inU[j] = 1;
    const u = new Float64Array(d), v = new Float64Array(d);
    u[j] = 1;
    v[k] = 1;
    out.push({ u, v, inU });
  }
  const onSide = (inU: Uint8Array, side: number): Float64Array => {
    const a = new Float64Array(d);
    let norm = 0;
    for (let k = 0; k < d; k++) {
      if (inU[k] === side) {
        a[k] = rng.normal();
        norm += a[k] * a[k];
      }
    }
    norm = Math.sqrt(norm);
    for (let k = 0; k < d; k++) a[k] /= norm;
    return a;
  };
  if (d >= 3) {
    for (let c = 0; c < candidates; c++) {
      const inU = new Uint8Array(d);
      const size = 1 + rng.int(d - 1);
      const perm = Array.from({ length: d }, (_, k) => k);
      for (let k = d - 1; k > 0; k--) {
        const r = rng.int(k + 1);
        [perm[k], perm[r]] = [perm[r], perm[k]];
      }
      for (let k = 0; k < size; k++) inU[perm[k]] = 1;
      out.push({ u: onSide(inU, 1), v: onSide(inU, 0), inU });
    }
  }
  for (let c = 0; c < candidates; c++) {
    const u = rng.unitVector(d);
    let v: Float64Array;
    if (d === 2) v = Float64Array.from([-u[1], u[0]]);
    else {
      v = rng.unitVector(d);
      for (let pass = 0; pass < 2; pass++) {
        let c2 = 0;
        for (let k = 0; k < d; k++) c2 += v[k] * u[k];
        for (let k = 0; k < d; k++) v[k] -= c2 * u[k];
      }
      let norm = 0;
      for (let k = 0; k < d; k++) norm += v[k] * v[k];
      norm = Math.sqrt(norm);
      if (!(norm > 1e-8)) continue;
      for (let k = 0; k < d; k++) v[k] /= norm;
    }
    out.push({ u, v, inU: null });
  }
  return out;
}

/**
 * Predicted round-off of the two-stage construction (relative to the data's scale, up to a
 * constant), used to rank direction pairs. With gaps h of the sorted projections and range R:
 *   drift of stage k  ≈ R / min(h at the end of a batch)   (points not served yet move by the
 *                      affine extrapolation of the last slope ≈ Δ/h_last, see shear.ts);
 *   slope of stage 2 ≈ 1 / min h                            (amplifies the error stage 1 left
 *                      in the coordinates stage 2 reads).
 *   error ≈ ε [drift₁·slope₂ + drift₁ + drift₂]   (+ drift_k·slope_k when the directions are
 *   rotated: then ⟨a, w⟩ ≠ 0 in floating point and each stage reads its own rounded drift).
 * `su` = projections of the inputs on u, `sv` = of the targets on v; sign matters (batches are
 * served from the bottom), so callers try ±u, ±v.
 */
export function predictedError(su: Float64Array, sv: Float64Array, p: number, rotated: boolean): number {
  const a = stageShape(su, p), b = stageShape(sv, p);
  const eps = 2.220446049250313e-16;
  let e = a.drift * b.slope + a.drift + b.drift;
  if (rotated) e += a.drift * a.slope + b.drift * b.slope;
  return eps * e;
}

function stageShape(s: Float64Array, p: number): { drift: number; slope: number } {
  const n = s.length;
  if (n < 2) return { drift: 1, slope: 1 };
  const t = Float64Array.from(s).sort();
  const R = t[n - 1] - t[0];
  if (!(R > 0)) return { drift: Infinity, slope: Infinity };
  let hmin = Infinity, hlast = Infinity;
  for (let i = 1; i < n; i++) {
    const h = t[i] - t[i - 1];
    hmin = Math.min(hmin, h);
    // point i ends its batch when (i + 1) % p === 0; batch starts are at multiples of p
    const endsBatch = (p === 1 || i % p === p - 1) && i < n - 1;
    if (endsBatch) hlast = Math.min(hlast, h);
  }
  if (hmin === 0) return { drift: Infinity, slope: Infinity };
  const drift = hlast === Infinity ? 1 : R / hlast;
  return { drift, slope: R / hmin };
}
