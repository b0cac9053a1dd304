/**
 * classify's 'hat' step (docs/algorithms/classify.md, "hat"; arXiv 2312.13807): three layers
 * per group of movers, the baseline method and the fallback step of 'cluster'.
 */
import type { Rng } from '../../rng.js';
import { betterStep, directionsOf, dot, layer1, liftDirection, normalize, orthogonalize, settle, stepContext, type Step, type Work } from './tents.js';

/** Normals tried per group when the group leaves the normal free (fewer than d movers). */
const HAT_NORMALS = 24;

/**
 * The hat h(s) = σ(s + ε) − 2σ(s) + σ(s − ε) on a hyperplane through the
 * group G, three layers; of the non-movers and lifted movers only those in the slab |s| < ε
 * would move (ε = half the distance of the nearest non-mover, so none does); movers in it are
 * bumped up. Random normals in the orthogonal complement of aff(G) when |G| < d; the
 * admissible normal and side with the smallest excursion is kept.
 */
export function hatCluster(w: Work, G: readonly number[], rng: Rng, remaining: readonly number[], processed: readonly number[], moveCap: number, normals = HAT_NORMALS): Step | null {
  const { P, n, d, lab } = w;
  const inG = new Set(G);
  const Q = directionsOf(w, G);
  const ctx = stepContext(w, remaining, processed);
  // Conditioning: the ramps are active on one whole side of the hyperplane, where points make
  // an excursion of κ·|s| that the later ramps undo; keep the normal and the side with the
  // smallest excursion (a solver's error on it is what survives the cancellation).
  let best: Step | null = null;
  const attempts = Q.length === d - 1 ? 1 : normals;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const a = new Float64Array(d);
    for (let k = 0; k < d; k++) a[k] = rng.normal();
    orthogonalize(a, Q);
    if (!(normalize(a) > 1e-8)) continue;
    const lift = liftDirection(a, w.u);
    if (!lift) continue; // a nearly flat hyperplane lifts badly, but the hat must stay available
    let c = 0;
    for (const i of G) c += dot(P, i, a, d);
    c /= G.length;
    let flat = true;
    for (const i of G) if (Math.abs(dot(P, i, a, d) - c) > 1e-9 * w.scale) flat = false;
    if (!flat) continue;
    // Only non-movers must stay out of the slab |s| < 2ε (movers there are bumped up: harmless).
    let gap = Infinity, any = Infinity;
    for (let i = 0; i < n; i++) {
      if (inG.has(i)) continue;
      const g = Math.abs(dot(P, i, a, d) - c);
      any = Math.min(any, g);
      if (lab[i] !== w.movingClass) gap = Math.min(gap, g);
    }
    if (!(any > w.tol)) continue;
    const eps = Number.isFinite(gap) ? 0.5 * gap : w.scale;
    let kappa = 0;
    for (const i of G) kappa = Math.max(kappa, (w.top - ctx.h[i]) / (eps * lift.wu));
    for (const side of [1, -1]) {
      const F = new Float64Array(n);
      let move = 0;
      for (let i = 0; i < n; i++) {
        const s = side * (dot(P, i, a, d) - c);
        if (inG.has(i)) (F[i] = kappa * eps), (move = Math.max(move, kappa * eps));
        else if (s > -eps) {
          const r1 = kappa * (s + eps), r2 = s > 0 ? 2 * kappa * s : 0, r3 = s > eps ? kappa * (s - eps) : 0;
          F[i] = r1 - r2 + r3;
          move = Math.max(move, r1, Math.abs(r1 - r2));
        }
      }
      if (!(move <= moveCap)) continue;
      const lifted = settle(w, ctx, F, lift.wu);
      if (!lifted || G.some((i) => !lifted.includes(i))) continue;
      const as = a.map((v) => side * v), cs = side * c;
      const t: Step = { layers: [layer1(lift.w, kappa, as, -cs + eps), layer1(lift.w, -2 * kappa, as, -cs), layer1(lift.w, kappa, as, -cs - eps)], dir: lift.w, F, lifted, move };
      if (betterStep(t, best)) best = t;
    }
  }
  return best;
}