/**
 * Binary classification by simultaneous control of the width-1 neural ODE
 *   ẋ = w(t) σ(⟨a(t), x⟩ + b(t))          (seed 002, eq. 3.3 with p = 1; controls piecewise constant)
 * after Álvarez-López, Orive-Illera & Zuazua, "Cluster-based classification with neural ODEs via
 * control" (arXiv 2312.13807, seed 000; ALGORITHMS.md §C). "Classified" means: with the readout
 * half-space {x : x_r > θ} (r = readout axis, the last coordinate by default, as in the authors'
 * code), Φ_T(x_i)_r > θ for label 1 and < θ for label 0. `classify` returns the controls, the
 * readout (r, θ) and `predict`.
 *
 * Methods
 *  'cluster' (default) — two one-neuron layers per cluster of d points when the tent below is
 *      feasible (L = 2⌈m/d⌉ − 1 if it always is, m = size of the smaller class: the table of the
 *      paper's notebook), three (the hat) for a cluster where it is not. Derivation below.
 *  'hat' — ALGORITHMS.md §C1: three layers per cluster (a triangular bump in ⟨a, x⟩), the simple
 *      baseline, L = 3⌈m/d⌉ − 1. Also the per-cluster fallback of 'cluster' (counted in
 *      `fallbacks`); with it 'cluster' still never exceeds 3⌈m/d⌉ − 1 ≤ 4⌈m/d⌉ − 1, the bound of
 *      the paper, on data in general position.
 *  'collinear' — §C2 (./collinear.ts): every normal on one axis, every w on the readout axis,
 *      L = R − 2 with R the fewest runs of labels along an axis.
 *
 * Derivation of 'cluster' (ours; the paper's own proof was not retrievable). Let the movers be
 * the smaller class; call h(x) = ±x_r the height in the direction the movers must go (+ for
 * label 1), put the threshold at H = max_i h(x_i) + 2μ so every point starts on the non-mover
 * side with margin 2μ, and lift the movers above H + μ, a cluster at a time, leaving processed
 * movers and non-movers where they may be (non-movers ≤ H − μ, processed movers ≥ H + μ).
 * For one cluster:
 *  1. Facet. Gift-wrap the set M of all movers (remaining and processed) from its lowest point:
 *     start with the supporting hyperplane of normal u (the "up" direction) and rotate it about
 *     the points it touches until it touches k = min(d, #remaining) of them — a facet G of the
 *     hull of M when k = d. Every other mover then lies strictly on the inner side; only
 *     non-movers can lie outside. (Should the wrap touch a processed mover, retry with another
 *     rotation; if every try fails, this cluster uses the hat.) Let a be the outer unit normal,
 *     s(x) = ⟨a, x⟩ − c, so s = 0 on G, s ≤ −g_in < 0 on the other movers and s ≥ g_out > 0
 *     outside.
 *  2. Tent. Take w ⟂ a in the plane of a and u, ⟨w, u⟩ = |u − ⟨u,a⟩a| > 0, and the two layers
 *        (κ w, a, −c + ε)   then   (−κ′ w, a, −c − δ),   ε = g_in/2, δ = g_out/1000, τ = 1.
 *     Both have ⟨a, w⟩ = 0, so s is constant along trajectories and by P1 (§1.2) the two layers
 *     move every point by  F(s) w,  F(s) = κ σ(s + ε) − κ′ σ(s − δ):
 *       – inner side (s ≤ −g_in < −ε): F = 0, nothing moves (remaining and processed movers,
 *         inner non-movers);
 *       – G (s = 0): F = κε; κ = max_G (H + μ − h)/(ε⟨w,u⟩) lifts all of G past H + μ at once;
 *       – outside (s ≥ g_out > δ): F(s) = κ(s + ε) − κ′(s − δ); κ′ is the least value with
 *         h + F(s)⟨w,u⟩ ≤ H − μ at every outside non-mover, and must not exceed the values
 *         that keep outside processed movers ≥ H + μ. With δ → 0 the two bounds are
 *         compatible iff (h_j − h_G + 2μ)/s_j ≤ (h_p − h_G)/s_p for every outside non-mover j
 *         and processed mover p — hence δ = g_out/1000 rather than g_out/2.
 *     If nothing lies outside, the second layer is not needed and the cluster costs one layer.
 *  A cluster of d movers that admits a tent costs ≤ 2 layers (L = 2⌈m/d⌉ − 1 if all do); no
 *  lifting layer is needed because the threshold is placed beyond all data on the non-mover side. The construction
 *  tracks the points with the closed-form parallel flow x ↦ x + F(s) w and checks every margin
 *  after every cluster; a cluster that fails a check (degenerate data, a normal with ⟨w,u⟩ ≈ 0)
 *  falls back to the hat.
 *
 * Which facet: up to TENT_ATTEMPTS wraps (alternately over the remaining movers only — processed
 * movers outside the facet then bound κ′ from above, since they must stay ≥ H + μ — and over
 * all movers; from the lowest mover and from vertices reached by tilted start normals); the
 * feasible tent that moves the other points least is taken. If no facet admits a tent,
 * hyperplanes through random groups of k remaining movers are tried (either side outside; the
 * remaining movers outside are then constrained like non-movers), and only then the hat.
 * `restarts` independent constructions (different rotations) are run and the shortest kept.
 *
 * Measured (test/controllers/classify.test.ts, N = 60, 30 + 30 uniform in [0,1]^d, 5 data sets
 * per d): mean switches 30.2, 17.4, 13.2, 9.6, 8.6, 7.6, 4.2, 3.2, 3, 1, 1 for d = 2, 3, 4, 5,
 * 6, 7, 10, 15, 20, 30, 60 against the published 29, 19, 15, 11, 9, 7, 5, 3, 3, 1, 1: at or
 * below the table for d ≥ 3 on average (d = 7: the formula 2⌈m/d⌉ − 1 gives 9), about one
 * switch above it at d = 2. It is a measured property, not a theorem: the 2-layer tent is not
 * always feasible and the fallbacks cost 3 layers.
 *
 * Conditioning: the outside non-movers are pushed along −w by up to κ′·(distance), so their
 * coordinates can grow from cluster to cluster, and round-off in an activation is amplified by
 * the κ of every later layer that point crosses. The construction works in coordinates centred
 * on the data (biases are shifted back at the end), refuses tents that move any point further
 * than a cap (MOVE_CAPS·scale), and finally re-flows the data in the caller's coordinates, in
 * floating point, unperturbed and with inputs perturbed by 1e-9·scale: if a point then ends
 * closer than μ/2 to the threshold, it rebuilds with a stricter cap, and at last with hats only.
 * `maxDisplacement` reports the largest single-layer motion relative to the data's scale.
 */
import { ConvergenceError, InconsistentDataError, InvalidArgumentError } from '../errors.js';
import { flow, type FlowMethod } from '../flow/flow.js';
import { createRng, type Rng } from '../rng.js';
import type { Controls, LayerLike, PointsLike } from '../types.js';
import { asCloud, checkCount, checkOneOf, checkPositive, makeControls } from '../validate.js';
import { collinearRamps, runCount, sortByAxis } from './collinear.js';

export type ClassifyMethod = 'cluster' | 'hat' | 'collinear';
export const CLASSIFY_METHODS: readonly ClassifyMethod[] = ['cluster', 'hat', 'collinear'];

export interface ClassifyOptions {
  /** Construction (default 'cluster'). */
  method?: ClassifyMethod;
  /** Coordinate read out at time T (default d − 1, the last one). */
  readoutAxis?: number;
  /** Margin μ as a fraction of the data's scale (largest coordinate range); default 0.1. */
  margin?: number;
  /** Seed of the rotations tried by the gift-wrapping step (default 0). */
  seed?: number;
  /** 'cluster': independent constructions (different rotations) of which the shortest is kept (default 4). */
  restarts?: number;
}

/** Class 1 ⟺ x_axis > offset at time T. */
export interface Readout {
  readonly axis: number;
  readonly offset: number;
}

export interface PredictOptions {
  /** Flow method (default 'exact'). */
  method?: FlowMethod;
  stepsPerLayer?: number;
}

export interface Classification {
  readonly controls: Controls;
  readonly readout: Readout;
  readonly method: ClassifyMethod;
  readonly switches: number;
  /** The class that moves (the smaller one). */
  readonly movingClass: 0 | 1;
  /** Size m of the smaller class. */
  readonly m: number;
  /** Groups of movers that were moved ('cluster' / 'hat'); runs R ('collinear'). */
  readonly groups: number;
  /** Clusters that needed the 3-layer hat ('cluster' only). */
  readonly fallbacks: number;
  /** Bounds to compare with: the paper's 4⌈m/d⌉ − 1, the table's 2⌈m/d⌉ − 1, point-by-point 2N − 1 (§B1). */
  readonly bounds: { readonly paper: number; readonly table: number; readonly pointByPoint: number };
  /** Margin μ the construction guarantees: every point ends at distance ≥ μ from the threshold. */
  readonly margin: number;
  /** Largest displacement of any point during the construction, relative to the data's scale. */
  readonly maxDisplacement: number;
  /** ⟨e_axis, Φ_T(x)⟩ − offset for every point (positive = class 1). */
  scores(points: PointsLike, options?: PredictOptions): Float64Array;
  /** Labels 0/1 of Φ_T(x) read out by the half-space. */
  predict(points: PointsLike, options?: PredictOptions): Uint8Array;
}

/** Bounds of the paper and of its table: 4⌈m/d⌉ − 1 and 2⌈m/d⌉ − 1 (0 when m = 0). */
export function classifySwitchBounds(m: number, d: number): { paper: number; table: number } {
  if (m === 0) return { paper: 0, table: 0 };
  const k = Math.ceil(m / d);
  return { paper: 4 * k - 1, table: 2 * k - 1 };
}

const TENT_ATTEMPTS = 48;
/** Successive conditioning guards of 'cluster' (largest displacement / data scale). */
const MOVE_CAPS = [1e6, 1e3, 30];


interface Work {
  P: Float64Array; // unique points, centred
  n: number;
  d: number;
  lab: Uint8Array;
  u: Float64Array; // "up" direction for the movers
  H: number; // threshold in heights
  mu: number;
  scale: number;
  tol: number;
  layers: LayerLike[];
  maxMove: number;
}

/**
 * Builds width-1 controls and a half-space readout that classify (X, labels); see the file
 * comment for the methods. X: N points in R^d (d ≥ 2), labels: N values 0/1.
 */
export function classify(X: PointsLike, labels: ArrayLike<number>, options: ClassifyOptions = {}): Classification {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an options object');
  const cloud = asCloud(X, 'X', { minPoints: 1 });
  const { n: N, d } = cloud;
  if (d < 2) throw new InvalidArgumentError('X', `points of dimension ${d}`, 'points of dimension d ≥ 2', 'a width-1 flow in R^1 cannot reorder points; add a coordinate');
  const method = checkOneOf('options.method', options.method ?? 'cluster', CLASSIFY_METHODS);
  const axis = checkCount('options.readoutAxis', options.readoutAxis ?? d - 1, 0, d - 1);
  const marginFrac = checkPositive('options.margin', options.margin ?? 0.1);
  const seed = checkCount('options.seed', options.seed ?? 0, 0, 0xffffffff);
  const restarts = checkCount('options.restarts', options.restarts ?? 4, 1, 1000);
  const lab = checkLabels(labels, N);

  // Unique points (equal inputs must share a label; they then share a trajectory).
  const seen = new Map<string, number>();
  const rep: number[] = [];
  const ulab: number[] = [];
  for (let i = 0; i < N; i++) {
    const key = Array.prototype.join.call(cloud.data.subarray(i * d, (i + 1) * d), ',');
    const j = seen.get(key);
    if (j === undefined) {
      seen.set(key, rep.length);
      rep.push(i);
      ulab.push(lab[i]);
    } else if (ulab[j] !== lab[i]) {
      throw new InconsistentDataError('labels', `points ${rep[j]} and ${i} are equal but have labels ${ulab[j]} and ${lab[i]}`, [rep[j], i], 'a flow map is a function: equal inputs cannot end in different classes; remove or relabel one of them');
    }
  }
  const n = rep.length;
  const center = new Float64Array(d);
  const lo = new Float64Array(d).fill(Infinity), hi = new Float64Array(d).fill(-Infinity);
  for (const i of rep) for (let k = 0; k < d; k++) {
    const v = cloud.data[i * d + k];
    if (v < lo[k]) lo[k] = v;
    if (v > hi[k]) hi[k] = v;
  }
  let scale = 0;
  for (let k = 0; k < d; k++) {
    center[k] = 0.5 * (lo[k] + hi[k]);
    scale = Math.max(scale, hi[k] - lo[k]);
  }
  if (!(scale > 0)) scale = Math.max(1e-300, ...Array.from(center, Math.abs)) || 1;
  const P = new Float64Array(n * d);
  rep.forEach((i, r) => {
    for (let k = 0; k < d; k++) P[r * d + k] = cloud.data[i * d + k] - center[k];
  });
  const L = Uint8Array.from(ulab);
  let n1 = 0;
  for (let i = 0; i < N; i++) n1 += lab[i];
  const n0 = N - n1;
  const movingClass: 0 | 1 = n1 <= n0 ? 1 : 0;
  const m = Math.min(n0, n1);
  const mu = marginFrac * scale;

  // Build, then check in the caller's coordinates that the result survives round-off (and a
  // 1e-9·scale perturbation of the inputs); if not, rebuild with a stricter conditioning guard
  // (tents may then move points at most MOVE_CAPS[k]·scale), and finally with hats only.
  type Built = { layers: LayerLike[]; theta: number; groups: number; fallbacks: number; maxMove: number };
  let result: Built | null = null;
  let layers: LayerLike[] = [];
  let readout: Readout = { axis, offset: 0 };
  let lastError: unknown = null;
  const plans: { hatOnly: boolean; cap: number }[] =
    method === 'cluster' ? [...MOVE_CAPS.map((cap) => ({ hatOnly: false, cap })), { hatOnly: true, cap: 0 }] : [{ hatOnly: true, cap: 0 }];
  const toCaller = (built: Built): { ls: LayerLike[]; ro: Readout } => ({
    // Back to the caller's coordinates: σ(⟨a, x − x̄⟩ + b) = σ(⟨a, x⟩ + b − ⟨a, x̄⟩).
    ls: built.layers.map((l) => {
      let shift = 0;
      for (let k = 0; k < d; k++) shift += (l.A as Float64Array)[k] * center[k];
      return { duration: l.duration, W: l.W, A: l.A, b: Float64Array.of((l.b as Float64Array)[0] - shift) };
    }),
    ro: { axis, offset: built.theta + center[axis] },
  });
  for (const plan of method === 'collinear' ? [null] : plans) {
    // Restarts ('cluster'): the wraps' rotations depend on the seed; keep the fewest layers
    // among the constructions that pass the check in the caller's coordinates.
    const tries = plan === null || plan.hatOnly ? 1 : restarts;
    for (let r = 0; r < tries; r++) {
      try {
        const built: Built =
          plan === null
            ? buildCollinear(P.slice(), n, d, L, axis, mu, scale)
            : buildClusters(P.slice(), n, d, L, axis, movingClass, mu, scale, createRng(r === 0 ? seed : (seed + 0x9e3779b9 * r) >>> 0), plan.hatOnly, plan.cap);
        if (result && built.layers.length >= result.layers.length) continue;
        const { ls, ro } = toCaller(built);
        verifyInCallerCoordinates(cloud.data, rep, L, d, ls, ro, mu, method, 0);
        verifyInCallerCoordinates(cloud.data, rep, L, d, ls, ro, mu, method, 1e-9 * scale);
        result = built;
        layers = ls;
        readout = ro;
      } catch (e) {
        if (!(e instanceof ConvergenceError)) throw e;
        lastError = e;
      }
    }
    if (result) break;
  }
  if (!result) throw lastError;
  const controls = makeControls({
    d,
    width: 1,
    layers,
    meta: { construction: 'classify', method, readout: { axis, offset: readout.offset }, movingClass, seed },
  });
  const bounds = { ...classifySwitchBounds(m, d), pointByPoint: 2 * N - 1 };
  const scores = (pts: PointsLike, o: PredictOptions = {}): Float64Array => {
    const c = asCloud(pts, 'points', { d });
    const r = flow(controls, c, { method: o.method ?? 'exact', ...(o.stepsPerLayer ? { stepsPerLayer: o.stepsPerLayer } : {}) });
    const out = new Float64Array(c.n);
    for (let i = 0; i < c.n; i++) out[i] = r.data[i * d + axis] - readout.offset;
    return out;
  };
  return {
    controls,
    readout,
    method,
    switches: controls.switches,
    movingClass,
    m,
    groups: result.groups,
    fallbacks: result.fallbacks,
    bounds,
    margin: mu,
    maxDisplacement: result.maxMove / scale,
    scores,
    predict: (pts, o) => Uint8Array.from(scores(pts, o), (s) => (s > 0 ? 1 : 0)),
  };
}

/**
 * Flows the data through the final layers in the caller's coordinates, in floating point, with
 * the closed form of parallel layers (every layer here has ⟨a, w⟩ = 0), and checks every point
 * ends on its side by ≥ μ/2. Catches constructions whose weights are too large for doubles
 * (the collinear method's slopes can grow geometrically with the number of runs).
 */
function verifyInCallerCoordinates(
  data: Float64Array, rep: readonly number[], lab: Uint8Array, d: number, layers: readonly LayerLike[], readout: Readout, mu: number, method: ClassifyMethod, perturb: number,
): void {
  const x = new Float64Array(d);
  rep.forEach((i, r) => {
    x.set(data.subarray(i * d, (i + 1) * d));
    // Deterministic ± pattern: a perturbation no solver's round-off comes near.
    if (perturb > 0) for (let k = 0; k < d; k++) x[k] += ((i * 7 + k * 3) % 5 - 2) * 0.5 * perturb;
    for (const l of layers) {
      let z = (l.b as Float64Array)[0];
      for (let k = 0; k < d; k++) z += (l.A as Float64Array)[k] * x[k];
      if (z > 0) for (let k = 0; k < d; k++) x[k] += l.duration * (l.W as Float64Array)[k] * z;
    }
    const score = x[readout.axis] - readout.offset;
    if (!((lab[r] === 1 ? score : -score) >= 0.5 * mu)) {
      let wmax = 0;
      for (const l of layers) for (let k = 0; k < d; k++) wmax = Math.max(wmax, Math.abs((l.W as Float64Array)[k]));
      throw new ConvergenceError(
        `classify (method '${method}')`,
        `point ${i} ends ${score} from the threshold in floating point (label ${lab[r]}, margin ${mu}); the weights reach ${wmax.toExponential(2)}, ill-conditioned for doubles`,
        method === 'collinear' ? "the collinear slopes grow geometrically with the number of runs: use method 'cluster'" : "use method 'hat', or report the data set",
      );
    }
  });
}

function checkLabels(labels: ArrayLike<number>, N: number): Uint8Array {
  if (labels === null || typeof labels !== 'object' || typeof (labels as ArrayLike<number>).length !== 'number') {
    throw new InvalidArgumentError('labels', labels, 'an array of 0/1 labels, one per point');
  }
  if (labels.length !== N) throw new InvalidArgumentError('labels.length', labels.length, `${N} (one label per point of X)`);
  const out = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const v = labels[i];
    if (v !== 0 && v !== 1) throw new InvalidArgumentError(`labels[${i}]`, v, '0 or 1', 'binary classification takes labels 0 and 1; map your classes onto them');
    out[i] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 'cluster' and 'hat'

const dot = (P: Float64Array, i: number, v: Float64Array, d: number): number => {
  let s = 0;
  for (let k = 0; k < d; k++) s += P[i * d + k] * v[k];
  return s;
};

function height(w: Work, i: number): number {
  return dot(w.P, i, w.u, w.d);
}

function buildClusters(
  P: Float64Array, n: number, d: number, lab: Uint8Array, axis: number, movingClass: 0 | 1, mu: number, scale: number, rng: Rng, hatOnly: boolean, maxMove: number,
): { layers: LayerLike[]; theta: number; groups: number; fallbacks: number; maxMove: number } {
  const sgn = movingClass === 1 ? 1 : -1;
  const u = new Float64Array(d);
  u[axis] = sgn;
  let hmax = -Infinity;
  for (let i = 0; i < n; i++) hmax = Math.max(hmax, sgn * P[i * d + axis]);
  const w: Work = { P, n, d, lab, u, H: hmax + 2 * mu, mu, scale, tol: 1e-10 * scale, layers: [], maxMove: 0 };
  const isMover = (i: number) => lab[i] === movingClass;
  let remaining: number[] = [];
  for (let i = 0; i < n; i++) if (isMover(i)) remaining.push(i);
  const processed: number[] = [];
  let groups = 0, fallbacks = 0;
  while (remaining.length > 0) {
    const k = Math.min(d, remaining.length);
    let done: number[] | null = null;
    let contact: number[] | null = null;
    if (!hatOnly) {
      // Several rotations give several facets; keep the one that moves the other points least.
      let best: { G: number[]; P: Float64Array; layers: LayerLike[]; move: number } | null = null;
      for (let attempt = 0; attempt < TENT_ATTEMPTS; attempt++) {
        const facet = wrapFacet(w, remaining, processed, k, rng, attempt % 2 === 0, attempt < 2 ? 0 : Math.min(2, 0.25 * (attempt >> 1)));
        if (!facet) { continue; }
        contact = facet.S;
        const t = tentCluster(w, facet.a, facet.c, facet.S, remaining, processed);
        // Conditioning guard: a tent that would throw points further than maxMove·scale is refused.
        if (t && t.move <= maxMove * w.scale && (!best || t.move < best.move)) best = t;
      }
      // No facet works: hyperplanes through random groups, either side outside; remaining
      // movers outside are then treated like non-movers (they must stay ≤ H − μ).
      for (let attempt = 0; !best && attempt < Math.max(TENT_ATTEMPTS, Math.min(4 * remaining.length, 240)); attempt++) {
        const G = randomSubset(remaining, k, rng);
        const plane = planeThrough(w, G, rng);
        if (!plane) continue;
        for (const side of [1, -1]) {
          const t = tentCluster(w, plane.a.map((v) => side * v), side * plane.c, G, remaining, processed, true);
          if (t && t.move <= maxMove * w.scale && (!best || t.move < best.move)) best = t;
        }
      }
      if (best) {
        w.P.set(best.P);
        w.layers.push(...best.layers);
        w.maxMove = Math.max(w.maxMove, best.move);
        done = best.G;
      }
    }
    if (!done) {
      // Hat on a full group: the contact set, the lowest movers, then random groups; a smaller
      // group only if no full one can be isolated (degenerate data).
      const candidates = [contact ?? lowest(w, remaining, k), lowest(w, remaining, k)];
      for (let t = 0; t < 6; t++) candidates.push(randomSubset(remaining, k, rng));
      for (const g of candidates) if (!done && g.length === k) done = hatCluster(w, g, rng, false);
      if (!done) done = hatCluster(w, candidates[0], rng, true);
      if (!done) throw new ConvergenceError('classify', `no hyperplane isolates mover ${candidates[0][0]} from the other points`, 'check the data for points that coincide up to round-off');
      if (!hatOnly) fallbacks++;
    }
    groups++;
    const moved = new Set(done);
    remaining = remaining.filter((i) => !moved.has(i));
    processed.push(...done);
  }
  if (w.layers.length === 0) w.layers.push({ duration: 1, W: new Float64Array(d), A: new Float64Array(d), b: new Float64Array(1) });
  // Final check on the tracked positions (closed-form parallel flow): every point on its side.
  for (let i = 0; i < n; i++) {
    const h = height(w, i);
    const ok = isMover(i) ? h >= w.H + 0.5 * mu : h <= w.H - 0.5 * mu;
    if (!ok) throw new ConvergenceError('classify', `point ${i} ends at height ${h} against threshold ${w.H} (margin ${mu})`, "report this data set; method: 'hat' is the conservative alternative");
  }
  return { layers: w.layers, theta: sgn * w.H, groups, fallbacks, maxMove: w.maxMove };
}

function lowest(w: Work, remaining: readonly number[], k: number): number[] {
  return remaining.slice().sort((i, j) => height(w, i) - height(w, j) || i - j).slice(0, k);
}

function normalize(v: Float64Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  s = Math.sqrt(s);
  if (s > 0) for (let k = 0; k < v.length; k++) v[k] /= s;
  return s;
}

/** Removes from v its components along the orthonormal vectors Q (twice, for accuracy). */
function orthogonalize(v: Float64Array, Q: readonly Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const q of Q) {
      let s = 0;
      for (let k = 0; k < v.length; k++) s += v[k] * q[k];
      for (let k = 0; k < v.length; k++) v[k] -= s * q[k];
    }
  }
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
    if (best < 0) {
      // Nothing on the +t side: rotate the other way.
      for (let j = 0; j < d; j++) t[j] = -t[j];
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

/** Unit w ⟂ a in span(a, u) with ⟨w, u⟩ > 0; null when a ∥ u (no lift is possible along the hyperplane). */
function liftDirection(a: Float64Array, u: Float64Array): { w: Float64Array; wu: number } | null {
  const d = a.length;
  let au = 0;
  for (let k = 0; k < d; k++) au += a[k] * u[k];
  const wv = new Float64Array(d);
  for (let k = 0; k < d; k++) wv[k] = u[k] - au * a[k];
  orthogonalize(wv, [a]); // ALGORITHMS.md §1.7.1: no round-off component along the normal
  if (!(normalize(wv) > 1e-7)) return null;
  let wu = 0;
  for (let k = 0; k < d; k++) wu += wv[k] * u[k];
  return { w: wv, wu };
}

/**
 * Applies one parallel layer (dir·coef·σ(⟨a,x⟩ + b), τ = 1) to the tracked points in closed
 * form; returns the largest displacement.
 */
function applyLayer(w: Work, P: Float64Array, dir: Float64Array, coef: number, a: Float64Array, b: number): number {
  const { n, d } = w;
  let move = 0;
  for (let i = 0; i < n; i++) {
    const act = dot(P, i, a, d) + b;
    if (act > 0) {
      const step = coef * act;
      for (let k = 0; k < d; k++) P[i * d + k] += step * dir[k];
      move = Math.max(move, Math.abs(step));
    }
  }
  return move;
}

function layer1(dir: Float64Array, coef: number, a: Float64Array, b: number): LayerLike {
  return { duration: 1, W: dir.map((v) => v * coef), A: Float64Array.from(a), b: Float64Array.of(b) };
}

/** Checks every margin on trial positions Pt; the movers in `G` must now be lifted. */
function marginsHold(w: Work, Pt: Float64Array, lifted: Set<number>): boolean {
  const { n, d, u, H, mu } = w;
  for (let i = 0; i < n; i++) {
    const h = dot(Pt, i, u, d);
    if (lifted.has(i)) {
      if (!(h >= H + 0.75 * mu)) return false;
    } else if (!(h <= H - 0.75 * mu) && !(h >= H + 0.75 * mu)) return false;
    if (!Number.isFinite(h)) return false;
  }
  return true;
}

/** The two-layer tent of the file comment on the facet (a, c) through S; null if a check fails. */
function tentCluster(
  w: Work, a: Float64Array, c: number, S: readonly number[], remaining: readonly number[], processed: readonly number[], remainingMayBeOutside = false,
): { G: number[]; P: Float64Array; layers: LayerLike[]; move: number } | null {
  const { P, n, d, lab, H, mu, tol } = w;
  const lift = liftDirection(a, w.u);
  if (!lift) return null;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = dot(P, i, a, d) - c;
  const G = new Set(S);
  const remainingSet = new Set(remaining);
  for (const i of remaining) if (!G.has(i) && Math.abs(s[i]) <= tol) G.add(i); // degenerate: more movers on the facet
  for (const i of S) s[i] = 0; // exclude the cluster by index, never by "distance > 0" (§1.7.2)
  const processedSet = new Set(processed);
  let gin = Infinity, gout = Infinity;
  for (let i = 0; i < n; i++) {
    if (G.has(i)) continue;
    if (remainingSet.has(i) && s[i] > -tol && !remainingMayBeOutside) return null; // a remaining mover outside or on the facet
    if (Math.abs(s[i]) <= tol) return null;
    if (s[i] < 0) gin = Math.min(gin, -s[i]);
    else gout = Math.min(gout, s[i]);
  }
  const eps = Number.isFinite(gin) ? 0.5 * gin : w.scale;
  let kappa = 0;
  for (const i of G) kappa = Math.max(kappa, (H + mu - dot(P, i, w.u, d)) / (eps * lift.wu));
  if (!(kappa > 0)) return null;
  // Outside the facet: non-movers must stay ≤ H − μ (a lower bound on κ′), processed movers
  // ≥ H + μ (an upper bound on κ′). F(s) = κ(s + ε) − κ′(s − δ) there.
  const delta = 1e-3 * gout;
  let kappa2 = 0, kappa2max = Infinity;
  if (Number.isFinite(gout)) {
    for (let i = 0; i < n; i++) {
      if (G.has(i) || s[i] <= 0) continue;
      const h = dot(P, i, w.u, d);
      if (processedSet.has(i)) {
        kappa2max = Math.min(kappa2max, (kappa * (s[i] + eps) + (h - H - mu) / lift.wu) / (s[i] - delta));
      } else {
        kappa2 = Math.max(kappa2, (kappa * (s[i] + eps) - (H - mu - h) / lift.wu) / (s[i] - delta));
      }
    }
  }
  if (kappa2 > kappa2max) return null;
  const Pt = Float64Array.from(P);
  let move = applyLayer(w, Pt, lift.w, kappa, a, -c + eps);
  if (kappa2 > 0) move = Math.max(move, applyLayer(w, Pt, lift.w, -kappa2, a, -c - delta));
  if (!marginsHold(w, Pt, G)) return null;
  const layers = [layer1(lift.w, kappa, a, -c + eps)];
  if (kappa2 > 0) layers.push(layer1(lift.w, -kappa2, a, -c - delta));
  return { G: [...G], P: Pt, layers, move };
}

/**
 * ALGORITHMS.md §C1: the hat h(s) = σ(s + ε) − 2σ(s) + σ(s − ε) on a hyperplane through the
 * group, three layers; only the group moves. Tries the group, then smaller groups, with random
 * normals in the orthogonal complement of the group's affine hull.
 */
function hatCluster(w: Work, group: readonly number[], rng: Rng, shrink: boolean): number[] | null {
  const { P, n, d, H, mu } = w;
  for (let size = group.length; size >= 1; size = shrink && size > 1 ? size - 1 : 0) {
    const G = group.slice(0, size);
    const inG = new Set(G);
    // Conditioning: the ramps are active on one whole side of the hyperplane, where points make
    // an excursion of κ·|s| that the later ramps undo; keep the normal and the side with the
    // smallest excursion (a solver's error on it is what survives the cancellation).
    let best: { P: Float64Array; layers: LayerLike[]; move: number } | null = null;
    for (let attempt = 0; attempt < 20; attempt++) {
      const Q: Float64Array[] = [];
      for (let j = 1; j < G.length; j++) {
        const e = new Float64Array(d);
        for (let k = 0; k < d; k++) e[k] = P[G[j] * d + k] - P[G[0] * d + k];
        orthogonalize(e, Q);
        if (normalize(e) > 1e-12 * w.scale) Q.push(e);
      }
      const a = new Float64Array(d);
      for (let k = 0; k < d; k++) a[k] = rng.normal();
      orthogonalize(a, Q);
      if (!(normalize(a) > 1e-8)) continue;
      const lift = liftDirection(a, w.u);
      if (!lift) continue;
      let c = 0;
      for (const i of G) c += dot(P, i, a, d);
      c /= G.length;
      let gap = Infinity;
      let flat = true;
      for (const i of G) if (Math.abs(dot(P, i, a, d) - c) > 1e-9 * w.scale) flat = false;
      if (!flat) continue;
      for (let i = 0; i < n; i++) if (!inG.has(i)) gap = Math.min(gap, Math.abs(dot(P, i, a, d) - c));
      if (!(gap > w.tol)) continue;
      const eps = Number.isFinite(gap) ? 0.5 * gap : w.scale;
      let kappa = 0;
      for (const i of G) kappa = Math.max(kappa, (H + mu - dot(P, i, w.u, d)) / (eps * lift.wu));
      for (const side of [1, -1]) {
        const as = a.map((v) => side * v), cs = side * c;
        const Pt = Float64Array.from(P);
        let move = applyLayer(w, Pt, lift.w, kappa, as, -cs + eps);
        move = Math.max(move, applyLayer(w, Pt, lift.w, -2 * kappa, as, -cs));
        move = Math.max(move, applyLayer(w, Pt, lift.w, kappa, as, -cs - eps));
        if (!marginsHold(w, Pt, inG)) continue;
        if (!best || move < best.move) {
          best = { P: Pt, move, layers: [layer1(lift.w, kappa, as, -cs + eps), layer1(lift.w, -2 * kappa, as, -cs), layer1(lift.w, kappa, as, -cs - eps)] };
        }
      }
      if (Q.length === d - 1 && best) break; // the normal is unique: nothing left to choose
    }
    if (best) {
      P.set(best.P);
      w.maxMove = Math.max(w.maxMove, best.move);
      w.layers.push(...best.layers);
      return G;
    }
    if (size === 1) break;
  }
  return null;
}

/** A hyperplane ⟨a, x⟩ = c through the points G (unit a; random within the freedom when |G| < d). */
function planeThrough(w: Work, G: readonly number[], rng: Rng): { a: Float64Array; c: number } | null {
  const { P, d } = w;
  const Q: Float64Array[] = [];
  for (let j = 1; j < G.length; j++) {
    const e = new Float64Array(d);
    for (let k = 0; k < d; k++) e[k] = P[G[j] * d + k] - P[G[0] * d + k];
    orthogonalize(e, Q);
    if (normalize(e) > 1e-12 * w.scale) Q.push(e);
  }
  const a = new Float64Array(d);
  for (let k = 0; k < d; k++) a[k] = rng.normal();
  orthogonalize(a, Q);
  if (!(normalize(a) > 1e-8)) return null;
  let c = 0;
  for (const i of G) c += dot(P, i, a, d);
  return { a, c: c / G.length };
}

function randomSubset(from: readonly number[], k: number, rng: Rng): number[] {
  const a = from.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(a.length - i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

// ---------------------------------------------------------------------------------------------
// 'collinear'

function buildCollinear(P: Float64Array, n: number, d: number, lab: Uint8Array, axis: number, mu: number, scale: number) {
  let rmax = -Infinity, rmin = Infinity;
  for (let i = 0; i < n; i++) {
    rmax = Math.max(rmax, P[i * d + axis]);
    rmin = Math.min(rmin, P[i * d + axis]);
  }
  const allOne = lab.every((v) => v === 1);
  // With every label equal the threshold goes below (label 1) or above (label 0) all points.
  const theta = allOne ? rmin - 2 * mu : rmax + 2 * mu;
  const hiLevel = theta + mu - rmin;
  let best: { k: number; R: number; order: number[] } | null = null;
  for (let k = 0; k < d; k++) {
    if (k === axis) continue;
    const order = sortByAxis(P, n, d, k);
    const R = runCount(lab, order);
    if (!best || R < best.R) {
      if (collinearRamps(P, d, k, order, lab, hiLevel)) best = { k, R, order };
    }
  }
  if (!best) {
    throw new InvalidArgumentError('X', 'points that share a coordinate across labels on every axis', 'data where some axis other than the readout axis separates the labels into runs', "use method: 'cluster'");
  }
  const ramps = collinearRamps(P, d, best.k, best.order, lab, hiLevel)!;
  const layers: LayerLike[] = ramps.map((r) => {
    const W = new Float64Array(d), A = new Float64Array(d);
    W[axis] = r.coefficient;
    A[best!.k] = r.sign;
    return { duration: 1, W, A, b: Float64Array.of(-r.sign * r.t) };
  });
  let maxMove = 0;
  for (let i = 0; i < n; i++) {
    let F = 0;
    for (const r of ramps) F += r.coefficient * Math.max(0, r.sign * (P[i * d + best.k] - r.t));
    maxMove = Math.max(maxMove, Math.abs(F));
    const h = P[i * d + axis] + F;
    if (lab[i] === 1 ? !(h >= theta + 0.5 * mu) : !(h <= theta - 0.5 * mu)) {
      throw new ConvergenceError("classify (method 'collinear')", `point ${i} ends at ${h} against ${theta}: the slopes grow geometrically with the number of runs and overflow doubles`, "use method 'cluster'");
    }
  }
  if (layers.length === 0) layers.push({ duration: 1, W: new Float64Array(d), A: new Float64Array(d), b: new Float64Array(1) });
  return { layers, theta, groups: best.R, fallbacks: 0, maxMove };
}
