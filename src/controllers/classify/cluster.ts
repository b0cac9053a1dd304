/**
 * classify's 'cluster' construction (docs/algorithms/classify.md, "cluster"; arXiv 2312.13807):
 * greedy steps of one ramp (one layer) or one tent (two layers) that lift as many movers per
 * layer as they can, a 3-layer hat (./hat.ts) for a step where neither is admissible, under the
 * layer budget 3⌈m/d⌉.
 */
import { ConvergenceError } from '../../errors.js';
import type { Rng } from '../../rng.js';
import type { LayerLike } from '../../types.js';
import { hatCluster } from './hat.js';
import {
  betterStep, directionsOf, dot, height, layer1, liftDirection, lowest, normalize, orthogonalize, planeThrough, randomSubset,
  settle, stepContext, tentMargin, tentStep, type Step, type StepContext, type Work,
} from './tents.js';

/** A construction in the centred coordinates: layers, threshold θ on the readout axis, counts, largest single-layer motion. */
export interface Built {
  layers: LayerLike[];
  theta: number;
  groups: number;
  fallbacks: number;
  maxMove: number;
}

/** Normal search for the last group: random starts, hill climbs from the best, iterations each. */
const SEARCH_STARTS = 64;
const SEARCH_CLIMBS = 4;
const SEARCH_ITERATIONS = 60;
/** Ranked steps examined by the look-ahead before the last group. */
const LOOKAHEAD = 6;
/** Above this many (unique) points the candidate search per step shrinks like 1/N (see searchFor). */
export const LARGE_N = 400;

/**
 * How many candidates one step tries. Up to LARGE_N points, the constants the switch-count
 * table was measured with (docs/algorithms/classify.md): 48 gift-wrapping rotations, 96 random
 * groups (all pairs in d = 2 up to 2000), ramps on the normals of 64 planes and 32 random
 * normals, 48 hat groups of 24 normals. Above, each count shrinks like LARGE_N/N (with a floor),
 * so that a step costs O(N·d) whatever N, and ramps examine their kinks at geometrically spaced
 * prefixes (≈ 64 + 10·ln(N/64) kinks instead of all). Fewer candidates mean more steps, never
 * more than the budget 3⌈m/d⌉ layers.
 */
export interface Search {
  tentAttempts: number;
  randomGroups: number;
  pairLimit: number;
  rampDirections: number;
  rampPlanes: number;
  hatGroups: number;
  hatNormals: number;
  exhaustiveRamps: boolean;
}

export function searchFor(n: number): Search {
  if (n <= LARGE_N) {
    return { tentAttempts: 48, randomGroups: 96, pairLimit: 2000, rampDirections: 32, rampPlanes: 64, hatGroups: 48, hatNormals: 24, exhaustiveRamps: true };
  }
  const f = LARGE_N / n;
  const scaled = (v: number, floor: number) => Math.max(floor, Math.round(v * f));
  return {
    tentAttempts: scaled(48, 6), randomGroups: scaled(96, 12), pairLimit: scaled(2000, 200), rampDirections: scaled(32, 6),
    rampPlanes: scaled(64, 8), hatGroups: scaled(48, 6), hatNormals: scaled(24, 4), exhaustiveRamps: false,
  };
}

export function* buildClusters(
  P: Float64Array, n: number, d: number, lab: Uint8Array, axis: number, movingClass: 0 | 1, mu: number, scale: number, rng: Rng, hatOnly: boolean, maxMove: number, stepCap: number,
): Generator<number, Built> {
  const sgn = movingClass === 1 ? 1 : -1;
  const u = new Float64Array(d);
  u[axis] = sgn;
  let hmax = -Infinity;
  for (let i = 0; i < n; i++) hmax = Math.max(hmax, sgn * P[i * d + axis]);
  const H = hmax + 2 * mu;
  const w: Work = { P, n, d, lab, movingClass, u, H, top: H + mu, mu, scale, tol: 1e-10 * scale, layers: [], maxMove: 0 };
  let remaining: number[] = [];
  for (let i = 0; i < n; i++) if (lab[i] === movingClass) remaining.push(i);
  const m = remaining.length;
  // Layer budget: 3⌈m/d⌉ (a hat per group of d). A step is taken only if the hats could still
  // finish within it, so the result never exceeds 3⌈m/d⌉ layers (≤ the paper's 4⌈m/d⌉ − 1 switches).
  const budget = 3 * Math.ceil(m / d);
  const search = searchFor(n);
  const processed: number[] = [];
  let groups = 0, fallbacks = 0;
  while (remaining.length > 0) {
    const r = remaining.length;
    const k = Math.min(d, r);
    let best: Step | null = null;
    if (!hatOnly) {
      const steps: Step[] = [];
      const consider = (t: Step | null): void => {
        if (!t || !(t.move <= maxMove * scale)) return;
        if (w.layers.length + t.layers.length + 3 * Math.ceil((r - t.lifted.length) / d) > budget) return;
        steps.push(t);
      };
      const ctx = stepContext(w, remaining, processed);
      const planes = candidatePlanes(w, remaining, processed, k, rng, search);
      // The last group (fewer than d movers): its hyperplane's normal is free in a subspace; search it.
      if (r < d) planes.unshift(...searchNormals(w, ctx, remaining, rng));
      planes.forEach((pl, j) => {
        for (const side of [1, -1]) {
          const a = side === 1 ? pl.a : pl.a.map((v) => -v);
          consider(tentStep(w, ctx, a, side * pl.c, pl.S));
          if (j < search.rampPlanes) consider(rampStep(w, ctx, a, search.exhaustiveRamps));
        }
      });
      for (let t = 0; t < search.rampDirections; t++) consider(rampStep(w, ctx, rng.unitVector(d), search.exhaustiveRamps));
      // The most movers per layer among the steps that move no point further than
      // stepCap·scale in one layer; else among all steps within the cap of this plan.
      const calm = (t: Step) => t.move <= stepCap * scale;
      steps.sort((x, y) => (calm(x) !== calm(y) ? (calm(x) ? -1 : 1) : betterStep(x, y) ? -1 : betterStep(y, x) ? 1 : 0));
      // Look ahead once the end is near: a step that leaves a last group of fewer than d movers
      // is taken only if one tent can then finish (else the next-ranked step is examined).
      for (const t of steps.slice(0, LOOKAHEAD)) {
        const left = r - t.lifted.length;
        if (left === 0 || left >= d || finishable(w, t, remaining, processed, maxMove, rng)) {
          best = t;
          break;
        }
      }
      if (!best && steps.length > 0) best = steps[0];
    }
    if (!best) {
      // Hat on a full group of k: all groups when there are few (d = 2 late), else the lowest
      // movers and random groups; the best hat is kept. A smaller group only if no full one can be
      // isolated within the cap and the budget still allows it (degenerate or ill-conditioned data).
      const cap = hatOnly ? Infinity : maxMove * scale;
      const groupsToTry: number[][] = [lowest(w, remaining, k)];
      if (k === 2 && (r * (r - 1)) / 2 <= search.hatGroups) {
        for (let i = 0; i < r; i++) for (let j = i + 1; j < r; j++) groupsToTry.push([remaining[i], remaining[j]]);
      } else for (let t = 0; t < search.hatGroups; t++) groupsToTry.push(randomSubset(remaining, k, rng));
      let hat: Step | null = null;
      for (const g of groupsToTry) {
        const t = hatCluster(w, g, rng, remaining, processed, cap, search.hatNormals);
        if (t && betterStep(t, hat)) hat = t;
        if (hat && hatOnly) break;
      }
      for (let size = k - 1; !hat && size >= 1; size--) {
        if (w.layers.length + 3 + 3 * Math.ceil((r - size) / d) > budget && !hatOnly) break;
        for (const g of [lowest(w, remaining, size), ...Array.from({ length: search.hatGroups }, () => randomSubset(remaining, size, rng))]) {
          const t = hatCluster(w, g, rng, remaining, processed, cap, search.hatNormals);
          if (t && betterStep(t, hat)) hat = t;
        }
      }
      if (!hat) throw new ConvergenceError('classify', `no hyperplane isolates mover ${remaining[0]} from the other points within the displacement cap ${maxMove}·scale`, 'check the data for points that coincide up to round-off');
      best = hat;
      if (!hatOnly) fallbacks++;
    }
    const b: Step = best;
    for (let i = 0; i < n; i++) if (b.F[i] !== 0) for (let q = 0; q < d; q++) w.P[i * d + q] += b.F[i] * b.dir[q];
    w.layers.push(...b.layers);
    w.maxMove = Math.max(w.maxMove, b.move);
    const done = b.lifted;
    groups++;
    const moved = new Set(done);
    remaining = remaining.filter((i) => !moved.has(i));
    processed.push(...done);
    yield processed.length / m;
  }
  if (w.layers.length === 0) w.layers.push({ duration: 1, W: new Float64Array(d), A: new Float64Array(d), b: new Float64Array(1) });
  // Final check on the tracked positions (closed-form parallel flow): every point on its side.
  for (let i = 0; i < n; i++) {
    const h = height(w, i);
    const ok = lab[i] === movingClass ? h >= w.H + 0.5 * mu : h <= w.H - 0.5 * mu;
    if (!ok) throw new ConvergenceError('classify', `point ${i} ends at height ${h} against threshold ${w.H} (margin ${mu})`, "report this data set; method: 'hat' is the conservative alternative");
  }
  return { layers: w.layers, theta: sgn * w.H, groups, fallbacks, maxMove: w.maxMove };
}

/**
 * Hyperplanes through k remaining movers: facets from gift wrapping, then random groups (all
 * pairs when d = 2 and they are few).
 */
function candidatePlanes(w: Work, remaining: readonly number[], processed: readonly number[], k: number, rng: Rng, search: Search): { S: number[]; a: Float64Array; c: number }[] {
  const out: { S: number[]; a: Float64Array; c: number }[] = [];
  for (let attempt = 0; attempt < search.tentAttempts; attempt++) {
    const f = wrapFacet(w, remaining, processed, k, rng, attempt % 2 === 0, attempt < 2 ? 0 : Math.min(2, 0.25 * (attempt >> 1)));
    if (f) out.push(f);
  }
  const r = remaining.length;
  if (k === 2 && r * (r - 1) / 2 <= search.pairLimit) {
    for (let i = 0; i < r; i++) for (let j = i + 1; j < r; j++) {
      const pl = planeThrough(w, [remaining[i], remaining[j]], rng);
      if (pl) out.push({ S: [remaining[i], remaining[j]], ...pl });
    }
  } else {
    for (let t = 0; t < search.randomGroups; t++) {
      const G = randomSubset(remaining, k, rng);
      const pl = planeThrough(w, G, rng);
      if (pl) out.push({ S: G, ...pl });
    }
  }
  return out;
}

interface RampScratch {
  order: Int32Array;
  nmS: Float64Array;
  nmSlack: Float64Array;
  mvS: Float64Array;
  mvNeed: Float64Array;
}
let rampScratchCache: RampScratch | null = null;

/** Scratch of rampStep for n points (grown on demand; views of exactly n entries). */
function rampScratch(n: number): RampScratch {
  if (!rampScratchCache || rampScratchCache.order.length < n) {
    const m = Math.max(n, 64);
    rampScratchCache = { order: new Int32Array(m), nmS: new Float64Array(m), nmSlack: new Float64Array(m), mvS: new Float64Array(m), mvNeed: new Float64Array(m) };
  }
  const c = rampScratchCache;
  return { order: c.order.subarray(0, n), nmS: c.nmS, nmSlack: c.nmSlack, mvS: c.mvS, mvNeed: c.mvNeed };
}

/**
 * One ramp (one layer): κ w σ(⟨a, x⟩ − c), w ⟂ a with ⟨w, u⟩ > 0. Every point with
 * s = ⟨a, x⟩ − c > 0 rises by κ s ⟨w, u⟩: a non-mover may rise by its slack H − μ − h, a
 * remaining mover is lifted once it gains H + μ − h, lifted movers only rise. For each kink c
 * (midway between consecutive projections) the largest admissible κ is
 * min over active non-movers of slack/(s⟨w,u⟩); the kink that lifts most movers is kept, with
 * the least κ that lifts them.
 */
function rampStep(w: Work, ctx: StepContext, a: Float64Array, exhaustive: boolean): Step | null {
  const { P, n, d, H, mu, tol } = w;
  const lift = liftDirection(a, w.u);
  if (!lift || lift.wu < 1e-3) return null;
  const { h, role } = ctx;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = dot(P, i, a, d);
  // Decreasing s, ties by index (the order of a stable sort): scratch reused across calls.
  const sc = rampScratch(n);
  const order = sc.order;
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => s[j] - s[i] || i - j);
  let bestCount = 0, bestC = 0, bestKappa = 0;
  // A kink can lift at most the movers above it: skip kinks with no more than bestCount of them
  // (exact). Non-exhaustive (large N): all kinks among the first 64 points, then kinks at
  // prefixes growing by ≥ 10% (O(N) work per ramp instead of O(N²)).
  // The prefix's non-movers (s, slack) and remaining movers (s, needed rise) in sorted order, in
  // flat arrays: the scans below read them contiguously (same operations, same doubles).
  const { nmS, nmSlack, mvS, mvNeed } = sc;
  let nm = 0, mv = 0, nextTop = 0;
  const wu = lift.wu;
  for (let top = 1; top <= n; top++) {
    const last = order[top - 1];
    if (role[last] === 0) (nmS[nm] = s[last]), (nmSlack[nm++] = H - mu - h[last]);
    else if (role[last] === 1) (mvS[mv] = s[last]), (mvNeed[mv++] = w.top - h[last]);
    if (role[last] !== 1) {
      // A kink just past a non-mover or a lifted mover adds no mover; but a non-mover without
      // slack ends every larger active set.
      if (role[last] === 0 && !(H - mu - h[last] > 0)) break;
      continue;
    }
    const next = top < n ? s[order[top]] : s[last] - w.scale;
    if (!(s[last] - next > 2 * tol)) continue;
    if (mv <= bestCount) continue;
    if (!exhaustive && top > 64) {
      if (top < nextTop) continue;
      nextTop = Math.ceil(1.1 * top);
    }
    const c = 0.5 * (s[last] + next);
    let kmax = Infinity;
    for (let t = 0; t < nm; t++) kmax = Math.min(kmax, nmSlack[t] / ((nmS[t] - c) * wu));
    if (!(kmax > 0)) break; // a non-mover without slack: every larger active set contains it
    let count = 0, kneed = 0;
    for (let t = 0; t < mv; t++) {
      const kn = mvNeed[t] / ((mvS[t] - c) * wu);
      if (kn <= kmax) (count++, (kneed = Math.max(kneed, kn)));
    }
    if (count > bestCount) (bestCount = count), (bestC = c), (bestKappa = kneed);
  }
  if (bestCount === 0 || !(bestKappa > 0)) return null;
  const F = new Float64Array(n);
  let move = 0;
  for (let i = 0; i < n; i++) if (s[i] > bestC) move = Math.max(move, (F[i] = bestKappa * (s[i] - bestC)));
  const lifted = settle(w, ctx, F, lift.wu);
  if (!lifted || lifted.length === 0) return null;
  return { layers: [layer1(lift.w, bestKappa, a, -bestC)], dir: lift.w, F, lifted, move };
}

/**
 * Hyperplanes through a group G of fewer than d movers: the normal is free in the orthogonal
 * complement of aff(G); random normals there, then a hill climb on tentMargin from the best few.
 */
function searchNormals(w: Work, ctx: StepContext, G: readonly number[], rng: Rng): { S: number[]; a: Float64Array; c: number }[] {
  const { P, d } = w;
  const Q = directionsOf(w, G);
  const offset = (a: Float64Array): number => {
    let c = 0;
    for (const i of G) c += dot(P, i, a, d);
    return c / G.length;
  };
  const starts: { a: Float64Array; score: number }[] = [];
  for (let t = 0; t < SEARCH_STARTS; t++) {
    const a = new Float64Array(d);
    for (let k = 0; k < d; k++) a[k] = rng.normal();
    orthogonalize(a, Q);
    if (!(normalize(a) > 1e-8)) continue;
    starts.push({ a, score: tentMargin(w, ctx, a, offset(a), G) });
  }
  starts.sort((x, y) => y.score - x.score);
  const out: { S: number[]; a: Float64Array; c: number }[] = [];
  for (const st of starts.slice(0, SEARCH_CLIMBS)) {
    let { a, score } = st;
    let step = 0.5;
    for (let it = 0; it < SEARCH_ITERATIONS && step > 1e-3; it++) {
      const b = Float64Array.from(a);
      for (let k = 0; k < d; k++) b[k] += step * rng.normal();
      orthogonalize(b, Q);
      if (!(normalize(b) > 1e-8)) continue;
      const sb = tentMargin(w, ctx, b, offset(b), G);
      if (sb > score) (a = b), (score = sb);
      else step *= 0.85;
    }
    if (score >= 0) out.push({ S: G.slice(), a, c: offset(a) });
  }
  return out;
}

/** Whether, after step t, one tent (normal searched) lifts every remaining mover. */
function finishable(w: Work, t: Step, remaining: readonly number[], processed: readonly number[], maxMove: number, rng: Rng): boolean {
  const { n, d } = w;
  const P = Float64Array.from(w.P);
  for (let i = 0; i < n; i++) if (t.F[i] !== 0) for (let q = 0; q < d; q++) P[i * d + q] += t.F[i] * t.dir[q];
  const next: Work = { ...w, P };
  const lifted = new Set(t.lifted);
  const left = remaining.filter((i) => !lifted.has(i));
  const ctx = stepContext(next, left, processed.concat(t.lifted));
  for (const pl of searchNormals(next, ctx, left, rng)) {
    const f = tentStep(next, ctx, pl.a, pl.c, pl.S);
    if (f && f.move <= maxMove * w.scale && f.lifted.length === left.length) return true;
  }
  return false;
}

/**
 * Gift wrapping on the movers (remaining ∪ processed) from the lowest one: rotates a supporting
 * hyperplane of inner normal n (starting at u) about its contact set until that holds k
 * remaining movers. Null if the wrap touches a processed mover or degenerates.
 */
function wrapFacet(w: Work, remaining: readonly number[], processed: readonly number[], k: number, rng: Rng, withProcessed: boolean, tilt: number): { S: number[]; a: Float64Array; c: number } | null {
  const { P, d } = w;
  // Odd attempts wrap the remaining movers only (processed ones may then lie outside, where they
  // bound κ′ from above); even attempts wrap all movers, keeping processed ones inside.
  const set = withProcessed ? remaining.concat(processed) : remaining.slice();
  const isRemaining = new Set(remaining);
  // Start from the supporting hyperplane of inner normal n0 = u + tilt·(random horizontal
  // direction) (tilt 0: the lowest mover), so that retries start from other hull vertices.
  const nrm = Float64Array.from(w.u);
  if (tilt > 0) {
    const h = new Float64Array(d);
    for (let j = 0; j < d; j++) h[j] = rng.normal();
    orthogonalize(h, [w.u]);
    normalize(h);
    for (let j = 0; j < d; j++) nrm[j] += tilt * h[j];
    normalize(nrm);
  }
  let i0 = set[0];
  for (const i of set) if (dot(P, i, nrm, d) < dot(P, i0, nrm, d)) i0 = i;
  if (!isRemaining.has(i0)) return null;
  const S = [i0];
  const Q: Float64Array[] = [];
  const delta = new Float64Array(d);
  while (S.length < k) {
    const t = new Float64Array(d);
    for (let j = 0; j < d; j++) t[j] = rng.normal();
    orthogonalize(t, [nrm, ...Q]);
    if (!(normalize(t) > 1e-8)) return null;
    let best = -1, bestPhi = Infinity;
    const inS = new Set(S);
    // The point of `set` first hit when the hyperplane (normal nrm, through i0) rotates toward t.
    const wrapStep = (): void => {
      for (const q of set) {
        if (inS.has(q)) continue;
        let al = 0, be = 0;
        for (let j = 0; j < d; j++) {
          const dj = P[q * d + j] - P[i0 * d + j];
          al += nrm[j] * dj;
          be += t[j] * dj;
        }
        if (be <= 0) continue;
        const phi = Math.atan2(Math.max(al, 0), be);
        if (phi < bestPhi) (bestPhi = phi), (best = q);
      }
    };
    wrapStep();
    if (best < 0) {
      // Nothing on the +t side: rotate the other way.
      for (let j = 0; j < d; j++) t[j] = -t[j];
      wrapStep();
    }
    if (best < 0 || !isRemaining.has(best)) return null;
    const cs = Math.cos(bestPhi), sn = Math.sin(bestPhi);
    for (let j = 0; j < d; j++) nrm[j] = nrm[j] * cs - t[j] * sn;
    S.push(best);
    for (let j = 0; j < d; j++) delta[j] = P[best * d + j] - P[i0 * d + j];
    const e = Float64Array.from(delta);
    orthogonalize(e, Q);
    if (!(normalize(e) > 1e-12 * w.scale)) return null;
    Q.push(e);
    orthogonalize(nrm, Q);
    if (!(normalize(nrm) > 0.5)) return null;
  }
  orthogonalize(nrm, Q);
  normalize(nrm);
  const a = nrm.map((v) => -v);
  let c = 0;
  for (const i of S) c += dot(P, i, a, d);
  c /= S.length;
  return { S, a, c };
}
