/**
 * classify's 'sweep' construction (ours; docs/algorithms/classify.md, "sweep"): every layer has
 * its normal on one axis e_k and its w on the readout axis e_r (k ≠ r), like 'collinear'
 * (./collinear.ts), so x_k is invariant exactly, in floating point too, and each layer moves a
 * point by a function of x_k alone (primitive P1, docs/algorithms/flow.md). Along x_k the points
 * fall into runs of movers between non-movers; each run gets a trapezoid
 *   F(s) = κ_L[σ(s − c₁) − σ(s − c₂)] − κ_R[σ(s − c₃) − σ(s − c₄)],   κ_L(c₂ − c₁) = κ_R(c₄ − c₃) = Δ,
 * rising between the previous non-mover and the run, flat (= Δ, the lift the run needs) over it,
 * falling back to 0 before the next non-mover: four layers (two at the ends of the axis). F is 0
 * at every non-mover and ≥ 0 everywhere, so nothing else changes side. Unlike 'collinear' (whose
 * monotone slopes grow geometrically with the number of runs) every trapezoid is independent:
 * κ ≤ Δ/(0.6·gap), the weights stay ~ scale/gap and nothing accumulates. Since Σκ_j = 0 and
 * Σκ_j c_j = 0, the same four ramps can be written active on either side (σ(z) = z + σ(−z));
 * the side with the shorter extent is used, which bounds the excursion of the intermediate
 * layers. Layers: about 4 × (runs of movers along the best axis); used directly, and as the last
 * resort of 'cluster' when its tents and hats are ill-conditioned (many points in the plane).
 * Cost: O(d·N log N) to pick the axis, O(L·N) to check.
 */
import { ConvergenceError } from '../../errors.js';
import type { LayerLike } from '../../types.js';
import type { Built } from './cluster.js';
import { sortByAxis } from './collinear.js';

/** Kink placement inside a gap between a non-mover and a run (fractions of the gap). */
const OUTER = 0.8, INNER = 0.2;

/**
 * `orient`: 'shorter' (default) writes each two-sided trapezoid active on its shorter side;
 * 'right' always on the right (the plain form; kept to measure what the choice saves).
 */
export function buildSweep(P: Float64Array, n: number, d: number, lab: Uint8Array, axis: number, movingClass: 0 | 1, mu: number, scale: number, orient: 'shorter' | 'right' = 'shorter'): Built {
  const sgn = movingClass === 1 ? 1 : -1;
  let hmax = -Infinity;
  for (let i = 0; i < n; i++) hmax = Math.max(hmax, sgn * P[i * d + axis]);
  const H = hmax + 2 * mu;
  const top = H + mu;
  const mover = (i: number) => lab[i] === movingClass;
  // The axis with the fewest runs of movers on which no mover shares x_k with a non-mover.
  let best: { k: number; order: number[]; runs: number } | null = null;
  for (let k = 0; k < d; k++) {
    if (k === axis) continue;
    const order = sortByAxis(P, n, d, k);
    let runs = 0, feasible = true;
    for (let q = 0; q < n; q++) {
      const i = order[q];
      if (mover(i) && (q === 0 || !mover(order[q - 1]))) runs++;
      if (q > 0 && mover(i) !== mover(order[q - 1]) && !(P[i * d + k] > P[order[q - 1] * d + k])) feasible = false;
    }
    if (feasible && (!best || runs < best.runs)) best = { k, order, runs };
  }
  if (!best) {
    throw new ConvergenceError("classify (method 'sweep')", 'on every axis but the readout axis some mover shares its coordinate with a point of the other class', "use method 'cluster' or 'hat'");
  }
  const { k, order } = best;
  const x = (q: number) => P[order[q] * d + k];
  const xmin = x(0), xmax = x(n - 1);
  const layers: LayerLike[] = [];
  let maxMove = 0;
  const ramp = (coef: number, side: 1 | -1, c: number): void => {
    // coef·σ(side·(x_k − c)) along the readout axis.
    const W = new Float64Array(d), A = new Float64Array(d);
    W[axis] = sgn * coef;
    A[k] = side;
    layers.push({ duration: 1, W, A, b: Float64Array.of(-side * c) });
    maxMove = Math.max(maxMove, Math.abs(coef) * Math.max(0, side === 1 ? xmax - c : c - xmin));
  };
  let groups = 0;
  for (let q = 0; q < n; q++) {
    if (!mover(order[q]) || (q > 0 && mover(order[q - 1]))) continue;
    let e = q;
    while (e + 1 < n && mover(order[e + 1])) e++;
    let delta = 0;
    for (let t = q; t <= e; t++) delta = Math.max(delta, top - sgn * P[order[t] * d + axis]);
    const left = q > 0, right = e < n - 1;
    const gl = left ? x(q) - x(q - 1) : 0, gr = right ? x(e + 1) - x(e) : 0;
    const c1 = x(q) - OUTER * gl, c2 = x(q) - INNER * gl, c3 = x(e) + INNER * gr, c4 = x(e) + OUTER * gr;
    const kl = left ? delta / (c2 - c1) : 0, kr = right ? delta / (c4 - c3) : 0;
    if (left && right) {
      // Both forms are the same function; take the one whose active side is shorter.
      const side: 1 | -1 = orient === 'right' || xmax - c1 <= c4 - xmin ? 1 : -1;
      ramp(kl, side, c1);
      ramp(-kl, side, c2);
      ramp(-kr, side, c3);
      ramp(kr, side, c4);
    } else if (left) {
      // Run at the right end: F = κ_L[σ(s − c₁) − σ(s − c₂)].
      ramp(kl, 1, c1);
      ramp(-kl, 1, c2);
    } else if (right) {
      // Run at the left end: F = κ_R[σ(c₄ − s) − σ(c₃ − s)].
      ramp(kr, -1, c4);
      ramp(-kr, -1, c3);
    } else {
      // Every point is a mover (no non-mover exists only when m = n = 0, so unreachable).
      throw new ConvergenceError("classify (method 'sweep')", 'no point of the other class', 'check the labels');
    }
    groups++;
    q = e;
  }
  if (layers.length === 0) layers.push({ duration: 1, W: new Float64Array(d), A: new Float64Array(d), b: new Float64Array(1) });
  void scale;
  return { layers, theta: sgn * H, groups, fallbacks: 0, maxMove };
}
