/**
 * Binary classification by simultaneous control of the width-1 neural ODE
 *   ẋ = w(t) σ(⟨a(t), x⟩ + b(t))      (survey arXiv 2510.03303, eq. 3.3 with p = 1; piecewise-constant controls)
 * after Álvarez-López, Orive-Illera & Zuazua, "Cluster-based classification with neural ODEs via
 * control" (arXiv 2312.13807). "Classified" means: with the readout half-space {x : x_r > θ}
 * (r = readout axis, the last coordinate by default), Φ_T(x_i)_r > θ for label 1 and < θ for
 * label 0. The constructions, their counts, costs and error laws: docs/algorithms/classify.md.
 *
 * One file per method: ./cluster.ts (default: greedy ramps and tents), ./hat.ts (3 layers per
 * group), ./collinear.ts (axis-aligned monotone ramps), ./sweep.ts (axis-aligned trapezoids, the
 * last resort of 'cluster'); ./tents.ts holds the shared geometry and tent
 * bounds, ./readout.ts the readout, the closed-form pass (clearance, excursion) and the
 * independent RK4 check. This file validates, plans the attempts (restarts, displacement caps),
 * and drives them as one generator (runSync/runAsync: onProgress, signal, classifyAsync).
 */
import { CapacityError, ConvergenceError, InconsistentDataError, InvalidArgumentError } from '../../errors.js';
import { runAsync, runSync, type ProgressOptions } from '../../flow/progress.js';
import { createRng } from '../../rng.js';
import type { Controls, LayerLike, PointsLike } from '../../types.js';
import { asCloud, asOptions, checkCount, checkOneOf, checkPositive, checkProgressOptions, makeControls } from '../../validate.js';
import { buildClusters, type Built } from './cluster.js';
import { buildCollinear } from './collinear.js';
import { buildSweep } from './sweep.js';
import { checkInCallerCoordinates, makeScores, verifyIndependently, type ClassifyVerification, type PredictOptions, type Readout } from './readout.js';

export type { ClassifyVerification, PredictOptions, Readout } from './readout.js';

export type ClassifyMethod = 'cluster' | 'hat' | 'collinear' | 'sweep';
export const CLASSIFY_METHODS: readonly ClassifyMethod[] = ['cluster', 'hat', 'collinear', 'sweep'];

export interface ClassifyOptions extends ProgressOptions {
  /** Construction (default 'cluster'). */
  method?: ClassifyMethod;
  /** Coordinate read out at time T (default d − 1, the last one). */
  readoutAxis?: number;
  /** Margin μ as a fraction of the data's scale (largest coordinate range); default 0.1. */
  margin?: number;
  /** Seed of the random rotations, groups and normals tried by 'cluster' (default 0). */
  seed?: number;
  /**
   * 'cluster': independent constructions (different random candidates; restart r prefers steps
   * moving points ≤ 10³, 10², 30, ∞ × scale for r mod 4 = 0…3) of which the shortest is kept
   * (default 4 for N ≤ 400, else 1; up to as many again while the shortest is above the table's
   * 2⌈m/d⌉ − 1 switches).
   */
  restarts?: number;
}

/** Switch counts to compare with: the paper's 4⌈m/d⌉ − 1, the table's 2⌈m/d⌉ − 1, point-by-point 2N − 1. */
export interface ClassifyBounds {
  readonly paper: number;
  readonly table: number;
  readonly pointByPoint: number;
}

export interface ClassifyDiagnostics {
  /** The construction that produced the controls ('cluster' falls back to 'hat' when no attempt passes its caps). */
  readonly method: ClassifyMethod;
  readonly switches: number;
  /** The class that moves (the smaller one) and its size m. */
  readonly movingClass: 0 | 1;
  readonly m: number;
  /** Steps taken (ramps, tents and hats: 'cluster'; groups: 'hat'); runs R ('collinear'). */
  readonly groups: number;
  /** Steps of 'cluster' that needed the 3-layer hat. */
  readonly fallbacks: number;
  readonly bounds: ClassifyBounds;
  /** Margin μ the construction guarantees (absolute): every point ends ≥ μ/2 from the threshold. */
  readonly margin: number;
  /** Largest single-layer displacement of any point, relative to the data's scale. */
  readonly maxDisplacement: number;
  /** Largest |x(t) − x̄| along the data's trajectories, relative to the data's scale (x̄ = centre of the bounding box). */
  readonly excursion: number;
  /**
   * Smallest distance of a flowed data point to a layer's hyperplane (none is crossed: every
   * layer is a shear), relative to the data's scale; points that sit on a hyperplane by
   * construction (a hat's centre) are counted in `onKinks` instead: relu is zero there and they
   * do not move in that layer.
   */
  readonly clearance: number;
  readonly onKinks: number;
  /** The data flowed independently by the RK4 kernel and read out. */
  readonly verification: ClassifyVerification;
  /** Constructions built (restarts × displacement caps) before this one was kept. */
  readonly attempts: number;
}

export interface Classification {
  readonly controls: Controls;
  readonly diagnostics: ClassifyDiagnostics;
  readonly readout: Readout;
  /** Labels 0/1 of Φ_T(x) read out by the half-space. */
  predict(points: PointsLike, options?: PredictOptions): Uint8Array;
  /** ⟨e_axis, Φ_T(x)⟩ − offset for every point (positive = class 1). */
  scores(points: PointsLike, options?: PredictOptions): Float64Array;
}

/** Bounds of the paper and of its table: 4⌈m/d⌉ − 1 and 2⌈m/d⌉ − 1 (0 when m = 0). */
export function classifySwitchBounds(m: number, d: number): { paper: number; table: number } {
  checkCount('m', m, 0);
  checkCount('d', d, 1);
  if (m === 0) return { paper: 0, table: 0 };
  const k = Math.ceil(m / d);
  return { paper: 4 * k - 1, table: 2 * k - 1 };
}

/** Successive displacement caps of 'cluster' (largest single-layer displacement / data scale). */
const MOVE_CAPS = [1e4, 1e5, 1e6];
/** Per-step motion preference (× scale) of restart r: STEP_CAPS[r mod 4]. */
const STEP_CAPS = [1e3, 1e2, 30, Infinity];
/** Largest |coordinate| accepted (the constructions move points by up to ~10⁷·scale). */
const COORDINATE_LIMIT = 1e150;
/** Working memory the construction may use (bytes) before CapacityError. */
const MEMORY_LIMIT = 2 ** 31;
/** Layers the controls may have (the 'cluster'/'hat' budget 3⌈m/d⌉, 'collinear' ≤ N − 1). */
const LAYER_LIMIT = 2 ** 22;

/**
 * Builds width-1 controls and a half-space readout that classify (X, labels); see
 * docs/algorithms/classify.md. X: N points in R^d (d ≥ 2), labels: N values 0/1.
 */
export function classify(X: PointsLike, labels: ArrayLike<number>, options?: ClassifyOptions): Classification {
  const o = asOptions(options);
  return runSync(classifySteps(X, labels, o), o, 'classify');
}

/** Like classify, but yields to the event loop between units of work (progress bars, AbortSignal.timeout, UI). */
export async function classifyAsync(X: PointsLike, labels: ArrayLike<number>, options?: ClassifyOptions): Promise<Classification> {
  const o = asOptions(options);
  return runAsync(classifySteps(X, labels, o), o, 'classifyAsync');
}

function* classifySteps(X: PointsLike, labels: ArrayLike<number>, options: ClassifyOptions): Generator<number, Classification> {
  checkProgressOptions(options);
  const cloud = asCloud(X, 'X', { minPoints: 1 });
  const { n: N, d } = cloud;
  if (d < 2) throw new InvalidArgumentError('X', `points of dimension ${d}`, 'points of dimension d ≥ 2', 'a width-1 flow in R^1 cannot reorder points; add a coordinate');
  const method = checkOneOf('options.method', options.method ?? 'cluster', CLASSIFY_METHODS);
  const axis = checkCount('options.readoutAxis', options.readoutAxis ?? d - 1, 0, d - 1);
  const marginFrac = checkPositive('options.margin', options.margin ?? 0.1);
  if (!(marginFrac <= 1e6)) throw new InvalidArgumentError('options.margin', marginFrac, 'a fraction of the data scale in (0, 10^6]');
  const seed = checkCount('options.seed', options.seed ?? 0, 0, 0xffffffff);
  const restarts = checkCount('options.restarts', options.restarts ?? (N <= 400 ? 4 : 1), 1, 1000);
  const lab = checkLabels(labels, N);
  checkLimits(N, d, lab, method);

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
  let scale = 0, cmax = 0;
  for (let k = 0; k < d; k++) {
    center[k] = 0.5 * (lo[k] + hi[k]);
    scale = Math.max(scale, hi[k] - lo[k]);
    cmax = Math.max(cmax, Math.abs(center[k]));
  }
  if (!(scale > 0)) scale = cmax > 0 ? cmax : 1; // one distinct point: any scale works
  // The constructions move points by up to ~10⁷·scale and use slopes up to ~scale/gap: keep
  // every intermediate value far from overflow and underflow (docs/algorithms/classify.md, "Limits").
  const amax = cmax + 0.5 * scale;
  if (!(amax <= COORDINATE_LIMIT) || !(scale >= 1e-150 * amax) || !(scale >= 1e-150)) {
    throw new InvalidArgumentError('X', `coordinates up to ${amax.toExponential(2)} spanning ${scale.toExponential(2)}`, `coordinates within ±${COORDINATE_LIMIT} spanning at least 1e-150 (and 1e-150 of their magnitude)`, 'rescale or re-centre the data (classification is invariant under x ↦ (x − c)/s)');
  }
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
  // 1e-9·scale perturbation of the inputs); if no restart succeeds, rebuild with a looser
  // displacement cap (MOVE_CAPS[k]·scale), and finally with hats only.
  type Kept = { built: Built; layers: LayerLike[]; readout: Readout; construction: ClassifyMethod; closed: Float64Array; clearance: number; excursion: number; onKinks: number };
  let kept: Kept | null = null;
  let lastError: unknown = null;
  let attempts = 0;
  type Plan = { kind: 'cluster'; cap: number } | { kind: 'hat' } | { kind: 'collinear' } | { kind: 'sweep' };
  const plans: Plan[] =
    method === 'cluster' ? [...MOVE_CAPS.map((cap) => ({ kind: 'cluster' as const, cap })), { kind: 'hat' }, { kind: 'sweep' }] : [{ kind: method }];
  const toCaller = (built: Built): { ls: LayerLike[]; ro: Readout } => ({
    // Back to the caller's coordinates: σ(⟨a, x − x̄⟩ + b) = σ(⟨a, x⟩ + b − ⟨a, x̄⟩).
    ls: built.layers.map((l) => {
      let shift = 0;
      for (let k = 0; k < d; k++) shift += (l.A as Float64Array)[k] * center[k];
      return { duration: l.duration, W: l.W, A: l.A, b: Float64Array.of((l.b as Float64Array)[0] - shift) };
    }),
    ro: { axis, offset: built.theta + center[axis] },
  });
  const table = 2 * Math.ceil(m / d) - 1;
  // Progress: the attempts of the first plan share [0, 0.9); later plans (rare) and the check the rest.
  const firstTries = plans[0].kind === 'cluster' ? 2 * restarts : 1;
  for (let pi = 0; pi < plans.length; pi++) {
    const plan = plans[pi];
    // Restarts ('cluster'): the wraps' rotations depend on the seed; keep the fewest layers
    // among the constructions that pass the check in the caller's coordinates.
    // 'cluster': `restarts` constructions, then up to as many again while the shortest is still
    // above the table's 2⌈m/d⌉ − 1 switches.
    const tries = plan.kind === 'cluster' ? 2 * restarts : 1;
    for (let r = 0; r < tries; r++) {
      if (r >= restarts && (!kept || kept.built.layers.length - 1 <= table)) break;
      const base = pi === 0 ? (0.9 * r) / firstTries : 0.9;
      const span = pi === 0 ? 0.9 / firstTries : 0;
      try {
        let built: Built;
        if (plan.kind === 'collinear') built = buildCollinear(P.slice(), n, d, L, axis, mu, scale);
        else if (plan.kind === 'sweep') built = buildSweep(P, n, d, L, axis, movingClass, mu, scale);
        else {
          const hatOnly = plan.kind === 'hat';
          const gen = buildClusters(P.slice(), n, d, L, axis, movingClass, mu, scale, createRng(r === 0 ? seed : (seed + 0x9e3779b9 * r) >>> 0), hatOnly, hatOnly ? 0 : plan.cap, STEP_CAPS[r % STEP_CAPS.length]);
          for (;;) {
            const it = gen.next();
            if (it.done) {
              built = it.value;
              break;
            }
            yield base + span * it.value;
          }
        }
        attempts++;
        // Fewest layers first; among equally short constructions the calmer one (smaller largest
        // single-layer motion: smaller excursion and BV norm, docs/algorithms/classify.md).
        if (kept && (built.layers.length > kept.built.layers.length || (built.layers.length === kept.built.layers.length && !(built.maxMove < kept.built.maxMove)))) continue;
        const { ls, ro } = toCaller(built);
        const construction: ClassifyMethod = plan.kind;
        const top = base + span;
        const pass = yield* within(checkInCallerCoordinates(cloud.data, rep, L, d, ls, ro, mu, construction, 0, center, scale), top);
        yield* within(checkInCallerCoordinates(cloud.data, rep, L, d, ls, ro, mu, construction, 1e-9 * scale, center, scale), top);
        kept = { built, layers: ls, readout: ro, construction, closed: pass.x, clearance: pass.clearance, excursion: pass.excursion, onKinks: pass.onKinks };
      } catch (e) {
        if (!(e instanceof ConvergenceError)) throw e;
        lastError = e;
      }
    }
    if (kept) break;
  }
  if (!kept) throw lastError;
  yield 0.95;
  const { built, readout } = kept;
  const controls = makeControls({
    d,
    width: 1,
    layers: kept.layers,
    meta: { construction: 'classify', method: kept.construction, readout: { axis, offset: readout.offset }, movingClass, seed, reference: 'arXiv 2312.13807; docs/algorithms/classify.md' },
  });
  const verification = yield* within(verifyIndependently(controls, cloud.data, rep, L, readout, mu, kept.closed, scale), 0.95);
  if (verification.misclassified > 0) {
    throw new ConvergenceError(
      `classify (method '${kept.construction}')`,
      `the independent RK4 check puts ${verification.misclassified} point(s) on the wrong side (worst signed margin ${verification.worstMargin.toExponential(2)}·μ; clearance ${kept.clearance.toExponential(2)}·scale)`,
      "use method 'hat', or report the data set",
    );
  }
  const scores = makeScores(controls, readout);
  const diagnostics: ClassifyDiagnostics = {
    method: kept.construction,
    switches: controls.switches,
    movingClass,
    m,
    groups: built.groups,
    fallbacks: built.fallbacks,
    bounds: { ...classifySwitchBounds(m, d), pointByPoint: 2 * N - 1 },
    margin: mu,
    maxDisplacement: built.maxMove / scale,
    excursion: kept.excursion,
    clearance: kept.clearance,
    onKinks: kept.onKinks,
    verification,
    attempts,
  };
  return {
    controls,
    diagnostics,
    readout,
    scores,
    predict: (pts, o) => Uint8Array.from(scores(pts, o), (s) => (s > 0 ? 1 : 0)),
  };
}

/** Runs a sub-generator, reporting `at` (a fraction already reached) at each of its yields. */
function* within<T>(g: Generator<number, T>, at: number): Generator<number, T> {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    yield at;
  }
}

/**
 * Limits checked before any work: the controls' layer count (the 'cluster'/'hat' budget 3⌈m/d⌉,
 * at most N − 1 ramps for 'collinear', 4m for a 'sweep') and the construction's working memory
 * (copies of the points and a displacement array of N doubles per candidate step).
 */
function checkLimits(N: number, d: number, lab: Uint8Array, method: ClassifyMethod): void {
  let n1 = 0;
  for (let i = 0; i < N; i++) n1 += lab[i];
  const m = Math.min(n1, N - n1);
  const layers = method === 'collinear' ? N : method === 'hat' ? 3 * Math.ceil(m / d) : 4 * m; // 'cluster' may end with 'sweep'
  if (layers > LAYER_LIMIT) {
    throw new CapacityError('X', layers * (2 * d + 1) * 8, `classify would need up to ${layers} layers (limit ${LAYER_LIMIT}); classify a subsample, or fewer points per call`);
  }
  // Candidate steps kept per greedy step: ≤ 2·(48 + 2000) + 96 up to N = 400, ≤ 128 above (cluster.ts, searchFor).
  const candidates = method === 'cluster' || method === 'hat' ? (N <= 400 ? 4200 : 128) : 0;
  const bytes = 8 * N * (4 * d + candidates) + layers * (2 * d + 1) * 8;
  if (bytes > MEMORY_LIMIT) {
    throw new CapacityError('X', bytes, `classify's working memory for N = ${N} points exceeds ${MEMORY_LIMIT / 2 ** 30} GiB; classify a subsample`);
  }
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
