/**
 * Shared geometry of classify's 'cluster' and 'hat' constructions (docs/algorithms/classify.md;
 * arXiv 2312.13807): the working state, steps and their admissibility check, the lift direction,
 * the tent's bounds (once, for tentStep and tentMargin) and small vector helpers.
 * Every layer here is a shear: ⟨a, w⟩ = 0, so s = ⟨a, x⟩ is constant along trajectories and a
 * step moves point i by F_i·w (primitive P1, docs/algorithms/flow.md).
 */
import type { Rng } from '../../rng.js';
import type { LayerLike } from '../../types.js';

export interface Work {
  P: Float64Array; // unique points, centred
  n: number;
  d: number;
  lab: Uint8Array;
  movingClass: 0 | 1;
  u: Float64Array; // "up" direction for the movers
  H: number; // threshold in heights
  top: number; // lifted movers are lifted to this height (≥ H + μ)
  mu: number;
  scale: number;
  tol: number;
  layers: LayerLike[];
  maxMove: number;
}

/** A candidate step of 'cluster': its layers, the tracked positions after them, the movers now past H + μ. */
export interface Step {
  layers: LayerLike[];
  /** Every layer moves along dir; point i moves by F[i]·dir in all (parallel layers, P1). */
  dir: Float64Array;
  F: Float64Array;
  lifted: number[];
  /** Largest displacement of any point within one layer. */
  move: number;
}

/** More movers lifted per layer first; then the smaller largest displacement. */
export function betterStep(a: Step, b: Step | null): boolean {
  if (!b) return true;
  const x = a.lifted.length * b.layers.length, y = b.lifted.length * a.layers.length;
  if (x !== y) return x > y;
  return a.move < b.move;
}

/** Heights h_i = ⟨u, x_i⟩ and role of every point at the start of a step. */
export interface StepContext {
  h: Float64Array;
  /** 0 non-mover, 1 remaining mover, 2 lifted (processed) mover. */
  role: Uint8Array;
}

export function stepContext(w: Work, remaining: readonly number[], processed: readonly number[]): StepContext {
  const h = new Float64Array(w.n);
  const role = new Uint8Array(w.n);
  for (let i = 0; i < w.n; i++) h[i] = height(w, i);
  for (const i of remaining) role[i] = 1;
  for (const i of processed) role[i] = 2;
  return { h, role };
}

/**
 * Checks a step given every point's displacement F_i along the lift direction (⟨w, u⟩ = wu):
 * non-movers end ≤ H − ¾μ, lifted movers ≥ H + ¾μ, everything finite. Returns the remaining
 * movers that end at or above the lift target H + μ (null if a check fails).
 */
export function settle(w: Work, ctx: StepContext, F: Float64Array, wu: number): number[] | null {
  const { H, mu } = w;
  const lifted: number[] = [];
  for (let i = 0; i < w.n; i++) {
    const h = ctx.h[i] + F[i] * wu;
    if (!Number.isFinite(h)) return null;
    const role = ctx.role[i];
    if (role === 0) {
      if (!(h <= H - 0.75 * mu)) return null;
    } else if (role === 2) {
      if (!(h >= H + 0.75 * mu)) return null;
    } else if (h >= w.top - 1e-9 * mu) lifted.push(i);
  }
  return lifted;
}

export const dot = (P: Float64Array, i: number, v: Float64Array, d: number): number => {
  let s = 0;
  for (let k = 0; k < d; k++) s += P[i * d + k] * v[k];
  return s;
};

export function height(w: Work, i: number): number {
  return dot(w.P, i, w.u, w.d);
}

export function lowest(w: Work, remaining: readonly number[], k: number): number[] {
  return remaining.slice().sort((i, j) => height(w, i) - height(w, j) || i - j).slice(0, k);
}

export function normalize(v: Float64Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  s = Math.sqrt(s);
  if (s > 0) for (let k = 0; k < v.length; k++) v[k] /= s;
  return s;
}

/** Removes from v its components along the orthonormal vectors Q (twice, for accuracy). */
export function orthogonalize(v: Float64Array, Q: readonly Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const q of Q) {
      let s = 0;
      for (let k = 0; k < v.length; k++) s += v[k] * q[k];
      for (let k = 0; k < v.length; k++) v[k] -= s * q[k];
    }
  }
}

/** Unit w ⟂ a in span(a, u) with ⟨w, u⟩ > 0; null when a ∥ u (no lift is possible along the hyperplane). */
export function liftDirection(a: Float64Array, u: Float64Array): { w: Float64Array; wu: number } | null {
  const d = a.length;
  let au = 0;
  for (let k = 0; k < d; k++) au += a[k] * u[k];
  const wv = new Float64Array(d);
  for (let k = 0; k < d; k++) wv[k] = u[k] - au * a[k];
  orthogonalize(wv, [a]); // no round-off component along the normal: ⟨a, w⟩ = 0 to rounding
  if (!(normalize(wv) > 1e-7)) return null;
  let wu = 0;
  for (let k = 0; k < d; k++) wu += wv[k] * u[k];
  return { w: wv, wu };
}

export function layer1(dir: Float64Array, coef: number, a: Float64Array, b: number): LayerLike {
  return { duration: 1, W: dir.map((v) => v * coef), A: Float64Array.from(a), b: Float64Array.of(b) };
}

/** A hyperplane ⟨a, x⟩ = c through the points G (unit a; random within the freedom when |G| < d). */
export function planeThrough(w: Work, G: readonly number[], rng: Rng): { a: Float64Array; c: number } | null {
  const { P, d } = w;
  const Q = directionsOf(w, G);
  const a = new Float64Array(d);
  for (let k = 0; k < d; k++) a[k] = rng.normal();
  orthogonalize(a, Q);
  if (!(normalize(a) > 1e-8)) return null;
  let c = 0;
  for (const i of G) c += dot(P, i, a, d);
  return { a, c: c / G.length };
}

export function randomSubset(from: readonly number[], k: number, rng: Rng): number[] {
  const a = from.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(a.length - i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

/**
 * The bounds of the two-layer tent of docs/algorithms/classify.md on the hyperplane
 * s = ⟨a, x⟩ − c = 0 through the group S (s < 0: the quiet side, s > 0: the linear side
 * F(s) = κ(s + ε) − κ′(s − δ)), computed once for tentStep and tentMargin:
 *   ε = half the distance of the nearest non-mover on the quiet side (only movers may sit in the
 *       slab −ε < s < 0), κ = max_S (top − h)/(ε⟨w,u⟩) lifts all of S past H + μ at once,
 *   δ = 10⁻³·(nearest distance on the linear side),
 *   κ′ ≥ kappa2 keeps non-movers there ≤ H − μ, κ′ ≤ kappa2max keeps lifted movers ≥ H + μ.
 * Null when a ⟂ u (no lift), when another point lies within `degenerate` of the hyperplane, or κ ≤ 0.
 */
export function tentBounds(w: Work, ctx: StepContext, a: Float64Array, c: number, S: readonly number[], degenerate: number): TentBounds | null {
  const { P, n, d, H, mu } = w;
  const lift = liftDirection(a, w.u);
  if (!lift || lift.wu < 1e-3) return null;
  const { h, role } = ctx;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = dot(P, i, a, d) - c;
  const inS = new Uint8Array(n);
  for (const i of S) (inS[i] = 1), (s[i] = 0); // exclude the group by index, never by "distance > 0"
  let gin = Infinity, gout = Infinity;
  for (let i = 0; i < n; i++) {
    if (inS[i]) continue;
    if (Math.abs(s[i]) <= degenerate) return null; // another point on the hyperplane
    if (s[i] > 0) gout = Math.min(gout, s[i]);
    else if (role[i] === 0) gin = Math.min(gin, -s[i]); // only non-movers must stay out of the slab
  }
  const eps = Number.isFinite(gin) ? 0.5 * gin : w.scale;
  let kappa = 0;
  for (const i of S) kappa = Math.max(kappa, (w.top - h[i]) / (eps * lift.wu));
  if (!(kappa > 0)) return null;
  // Linear side: non-movers must stay ≤ H − μ (κ′ from below), lifted movers ≥ H + μ (κ′ from
  // above); remaining movers go where F takes them.
  const delta = 1e-3 * (Number.isFinite(gout) ? gout : w.scale);
  let kappa2 = 0, kappa2max = Infinity;
  for (let i = 0; i < n; i++) {
    if (inS[i] || s[i] <= 0) continue;
    if (role[i] === 2) kappa2max = Math.min(kappa2max, (kappa * (s[i] + eps) + (h[i] - H - mu) / lift.wu) / (s[i] - delta));
    else if (role[i] === 0) kappa2 = Math.max(kappa2, (kappa * (s[i] + eps) - (H - mu - h[i]) / lift.wu) / (s[i] - delta));
  }
  return { lift, s, inS, eps, kappa, delta, kappa2, kappa2max };
}

export interface TentBounds {
  lift: { w: Float64Array; wu: number };
  /** s_i = ⟨a, x_i⟩ − c (0 on the group). */
  s: Float64Array;
  inS: Uint8Array;
  eps: number;
  kappa: number;
  delta: number;
  kappa2: number;
  kappa2max: number;
}

/**
 * The tent as a step: null if the bounds clash (κ′_min > κ′_max) or a check fails.
 */
export function tentStep(w: Work, ctx: StepContext, a: Float64Array, c: number, S: readonly number[]): Step | null {
  const t = tentBounds(w, ctx, a, c, S, w.tol);
  if (!t) return null;
  const { lift, s, inS, eps, kappa, delta, kappa2, kappa2max } = t;
  if (kappa2 > kappa2max) return null;
  const n = w.n;
  void inS;
  const F = new Float64Array(n);
  let move = 0;
  for (let i = 0; i < n; i++) {
    const z = s[i] + eps;
    if (z <= 0) continue;
    const up = kappa * z, down = kappa2 > 0 && s[i] > delta ? kappa2 * (s[i] - delta) : 0;
    F[i] = up - down;
    move = Math.max(move, up, down);
  }
  const lifted = settle(w, ctx, F, lift.wu);
  if (!lifted) return null;
  for (const i of S) if (!lifted.includes(i)) return null;
  const layers = [layer1(lift.w, kappa, a, -c + eps)];
  if (kappa2 > 0) layers.push(layer1(lift.w, -kappa2, a, -c - delta));
  return { layers, dir: lift.w, F, lifted, move };
}

/**
 * Feasibility margin of the tent on s = ⟨a, x⟩ − c through S: (κ′_max − κ′_min)/κ (≥ 0:
 * feasible; larger: more room), 1 + 1/(1 + κ′/κ) when no lifted mover bounds κ′ (feasible; a
 * smaller push ranks higher); −∞ when degenerate.
 */
export function tentMargin(w: Work, ctx: StepContext, a: Float64Array, c: number, S: readonly number[]): number {
  const t = tentBounds(w, ctx, a, c, S, 1e3 * w.tol);
  if (!t) return -Infinity;
  const { kappa, kappa2, kappa2max } = t;
  return Number.isFinite(kappa2max) ? (kappa2max - kappa2) / kappa : 1 + 1 / (1 + kappa2 / kappa);
}

/** An orthonormal basis of the directions of aff(G) (G's differences to its first point). */
export function directionsOf(w: Work, G: readonly number[]): Float64Array[] {
  const { P, d } = w;
  const Q: Float64Array[] = [];
  for (let j = 1; j < G.length; j++) {
    const e = new Float64Array(d);
    for (let k = 0; k < d; k++) e[k] = P[G[j] * d + k] - P[G[0] * d + k];
    orthogonalize(e, Q);
    if (normalize(e) > 1e-12 * w.scale) Q.push(e);
  }
  return Q;
}
