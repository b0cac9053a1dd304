/**
 * Entropic optimal transport (Cuturi 2013, arXiv 1306.0895) between weighted point clouds
 * (docs/algorithms/wasserstein.md, "Sinkhorn"):
 *
 *   P_ε = argmin_{P ≥ 0, P1 = a, Pᵀ1 = b} ⟨P, C⟩ + ε·KL(P ‖ a⊗b),
 *   C_ij = ‖x_i − y_j‖² ('sqeuclidean', default) or ‖x_i − y_j‖ ('euclidean').
 *
 * ε is in the units of the cost, like POT's `reg`. Returned:
 *   transportCost = ⟨P_ε, C⟩ (what POT's `sinkhorn2` reports)
 *   value         = the distance it estimates: √transportCost ('sqeuclidean', ≈ W₂) or
 *                   transportCost ('euclidean', ≈ W₁); → the exact W as ε → 0
 *   objective     = Σ r_i f_i + Σ c_j g_j = ⟨P, C⟩ + ε Σ P log(P / a⊗b) (= OT_ε of Feydy et al.
 *                   2019, arXiv 1810.08278, when the plan's mass is 1; used by sinkhornDivergence)
 *   potentials    f, g with P_ij = a_i b_j exp((f_i + g_j − C_ij)/ε) — O(cost), not O(ε log n)
 *   residual      = ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ of the returned plan
 *
 * Method: Sinkhorn scaling stabilised in the log domain by absorption (Schmitzer 2019, arXiv
 * 1610.06519), with ε-scaling (ε₀ = max C halved down to ε, ≤ `stageIterations` per stage) and,
 * with `truncation: 'auto'`, Schmitzer's truncated kernel (entries that cannot move a row or
 * column sum by half an ulp are dropped). Ops: src/backend/sinkhorn.ts → assembly/sinkhorn.ts |
 * src/kernels/sinkhorn.ts.
 *
 * Rescaling: the problem is homogeneous (C → C/H^p with ε → ε/H^p gives the same plan), so it
 * is solved on (x − c)/H, H the half-diagonal of the joint bounding box (costs ≤ 2^p), and the
 * results are scaled back (or reported in units of `lengthUnit` when they would overflow).
 * Memory: two n × m matrices (16·n·m bytes), refused up front beyond 3 GiB (CapacityError).
 *
 * Stops when the row-marginal error of an iterate is ≤ `tolerance` (checked every 10
 * iterations), else after `maxIterations`; `status` says which, `message` what to change. A
 * numerical breakdown throws ConvergenceError; never a NaN or infinite value.
 */
import { CapacityError, ConvergenceError, InvalidArgumentError } from '../errors.js';
import { use } from '../backend/index.js';
import { CHECK_EVERY, sinkhornBytes, sinkhornOps, type SinkhornOps } from '../backend/sinkhorn.js';
import type { ProgressOptions } from '../flow/progress.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asOptions, checkBoolean, checkCount, checkOneOf, checkPositive, checkProgressOptions, checkTolerance } from '../validate.js';
import { withArenaScope } from './arena.js';
import { asCloudPair, asWeights } from './common.js';
import { drive, driveAsync, nextChunk, now } from './run.js';
import { distP, frameOf, lengthFromCost, rescale, toUserUnits, type Frame } from './scaling.js';
import { MATRIX_MAX_BYTES } from './solvers.js';

export type SinkhornCost = 'sqeuclidean' | 'euclidean';
/** 'numerical' never reaches the caller: a breakdown throws ConvergenceError naming the knob. */
export type SinkhornStatus = 'converged' | 'maxIterations' | 'numerical';

export interface SinkhornOptions extends ProgressOptions {
  /** Entropic regularisation ε > 0, in cost units (POT's `reg`). Required. */
  epsilon: number;
  cost?: SinkhornCost;
  /** Total iterations over all ε stages (default 1000, like POT's numItermax; ≤ 2^31 − 1). */
  maxIterations?: number;
  /** Stop when ‖P1 − a‖₁ ≤ tolerance (default 1e-9; 0 runs exactly maxIterations). */
  tolerance?: number;
  /** ε-scaling: start at max C and halve down to ε (default true). */
  epsilonScaling?: boolean;
  /** Iterations per intermediate ε stage (default 20). */
  stageIterations?: number;
  a?: ArrayLike<number>;
  b?: ArrayLike<number>;
  /** Return the dense plan (n × m row-major). */
  plan?: boolean;
  /**
   * 'auto' (default): Schmitzer's truncated kernel after every absorption (the iterates equal the
   * dense ones to rounding; a stage whose kernel would keep > 30 % of the entries runs dense).
   * 'off': always the dense kernel.
   */
  truncation?: 'auto' | 'off';
}

export interface SinkhornResult {
  /** The distance the entropic plan estimates: √transportCost (sqeuclidean) or transportCost (euclidean). */
  readonly value: number;
  /** ⟨P_ε, C⟩ in units of lengthUnit^p. */
  readonly transportCost: number;
  /** Σ r_i f_i + Σ c_j g_j = ⟨P, C⟩ + ε Σ P log(P / a⊗b), in units of lengthUnit^p. */
  readonly objective: number;
  /** 1, unless costs over- or underflow in the caller's units (then the length they are measured in). */
  readonly lengthUnit: number;
  readonly iterations: number;
  readonly residual: number;
  readonly status: SinkhornStatus;
  /** What happened, and what to change when status ≠ 'converged'. */
  readonly message: string;
  readonly epsilon: number;
  /** Dual potentials f, g (units of lengthUnit^p) with P_ij = a_i b_j exp((f_i + g_j − C_ij)/ε)
   *  (−Inf for points of zero weight). */
  readonly potentials: { readonly f: Float64Array; readonly g: Float64Array };
  readonly plan?: Float64Array;
  readonly absorptions: number;
  /** Stored fraction of the n·m kernel entries when the iterations ended (1 = dense). */
  readonly density: number;
}

export interface SinkhornDivergenceResult {
  /** The distance the divergence estimates: S_ε^{1/p} (p = 2 for sqeuclidean, 1 for euclidean). */
  readonly value: number;
  /** S_ε(μ, ν) = OT_ε(μ, ν) − ½ OT_ε(μ, μ) − ½ OT_ε(ν, ν) (cost units; ≥ 0 up to rounding). */
  readonly divergence: number;
  readonly terms: readonly [SinkhornResult, SinkhornResult, SinkhornResult];
}

/** ε above LARGE_EPSILON × max C: the scalings cannot resolve C (K_ij = 1 − O(C/ε) rounds to
 *  within 1e-8 of 1), so the first-order closed form is used: P = a⊗b, f_i = Σ_j b_j C_ij − ½⟨a⊗b, C⟩,
 *  g_j = Σ_i a_i C_ij − ½⟨a⊗b, C⟩ (errors O(C²/ε) ≤ 1e-8·C). */
const LARGE_EPSILON = 1e8;

/** Fewest iterations an intermediate ε stage gets (see iterate()). */
const MIN_STAGE_ITERATIONS = 10;

/** Largest ε-scaling ladder: ε/max C below 2^-MAX_STAGES is refused (no stage could run). */
const MIN_RELATIVE_EPSILON = 1e-250;

export function sinkhorn(X: PointsLike, Y: PointsLike, options: SinkhornOptions): SinkhornResult {
  const o = asOptions(options);
  return drive(sinkhornGen(plan(X, Y, o, 'sinkhorn')), o, 'sinkhorn');
}

export async function sinkhornAsync(X: PointsLike, Y: PointsLike, options: SinkhornOptions): Promise<SinkhornResult> {
  const o = asOptions(options);
  const pl = plan(X, Y, o, 'sinkhornAsync');
  return driveAsync(() => sinkhornGen(pl), o, 'sinkhornAsync');
}

/**
 * Debiased Sinkhorn divergence (Feydy et al. 2019, arXiv 1810.08278):
 *   S_ε(μ, ν) = OT_ε(μ, ν) − ½ OT_ε(μ, μ) − ½ OT_ε(ν, ν),   OT_ε = `objective` above.
 * S_ε ≥ 0, S_ε(μ, μ) = 0, and S_ε → the exact cost as ε → 0. The three problems share one
 * length frame so their objectives combine in one unit.
 */
export function sinkhornDivergence(X: PointsLike, Y: PointsLike, options: SinkhornOptions): SinkhornDivergenceResult {
  const o = asOptions(options);
  return drive(divergenceGen(X, Y, o, 'sinkhornDivergence'), o, 'sinkhornDivergence');
}

export async function sinkhornDivergenceAsync(X: PointsLike, Y: PointsLike, options: SinkhornOptions): Promise<SinkhornDivergenceResult> {
  const o = asOptions(options);
  const gen = divergenceGen(X, Y, o, 'sinkhornDivergenceAsync');
  return driveAsync(() => gen, o, 'sinkhornDivergenceAsync');
}

function* divergenceGen(X: PointsLike, Y: PointsLike, o: SinkhornOptions, fn: string): Generator<number, SinkhornDivergenceResult> {
  const [x, y] = asCloudPair(X, Y);
  const frame = frameOf([x, y], x.d);
  const base = { ...o, plan: false };
  const pxy = plan(x, y, base, fn, frame), pxx = plan(x, x, { ...base, b: o.a }, fn, frame), pyy = plan(y, y, { ...base, a: o.b }, fn, frame);
  const xy = yield* sinkhornGen(pxy), xx = yield* sinkhornGen(pxx), yy = yield* sinkhornGen(pyy);
  // all three in the frame's units (H^p), then in the caller's
  const inH = (r: SinkhornResult) => r.objective * (r.lengthUnit === 1 ? 1 / Math.pow(frame.H || 1, pxy.p) : Math.pow(r.lengthUnit / (frame.H || 1), pxy.p));
  const s = inH(xy) - 0.5 * (inH(xx) + inH(yy));
  const H = frame.H || 1;
  const user = toUserUnits([Float64Array.of(s)], H, pxy.p);
  const divergence = user ? user[0][0] : s;
  const dist = H * Math.pow(Math.max(s, 0), 1 / pxy.p);
  if (!Number.isFinite(dist)) throw new InvalidArgumentError('X', 'points whose distance exceeds 1.8e308', 'points whose distance fits in a double', 'divide the coordinates by a common factor');
  return { value: dist, divergence, terms: [xy, xx, yy] };
}

interface Plan {
  x0: PointCloud;
  y0: PointCloud;
  x: PointCloud;
  y: PointCloud;
  a: Float64Array;
  b: Float64Array;
  keepA: Int32Array;
  keepB: Int32Array;
  p: number;
  /** ε in cost units and in the frame's units (ε / H^p). */
  eps: number;
  epsH: number;
  H: number;
  maxIterations: number;
  tolerance: number;
  scaling: boolean;
  stageIterations: number;
  trunc: boolean;
  wantPlan: boolean;
  fn: string;
}

/** Validates everything and estimates memory before any allocation of the problem's size. */
function plan(X: PointsLike, Y: PointsLike, o: SinkhornOptions, fn: string, frame?: Frame): Plan {
  checkProgressOptions(o);
  const eps = checkPositive('options.epsilon', o.epsilon, 'ε is in cost units, e.g. 0.01 · (typical cost)');
  const cost = checkOneOf('options.cost', o.cost ?? 'sqeuclidean', ['sqeuclidean', 'euclidean'] as const);
  const maxIterations = checkCount('options.maxIterations', o.maxIterations ?? 1000, 1, 2 ** 31 - 1);
  const tolerance = checkTolerance('options.tolerance', o.tolerance, 1e-9);
  const scaling = checkBoolean('options.epsilonScaling', o.epsilonScaling, true);
  const stageIterations = checkCount('options.stageIterations', o.stageIterations ?? 20, 1, 2 ** 31 - 1);
  const trunc = checkOneOf('options.truncation', o.truncation ?? 'auto', ['auto', 'off'] as const) === 'auto';
  const wantPlan = checkBoolean('options.plan', o.plan, false);
  const [x0, y0] = asCloudPair(X, Y);
  const a0 = asWeights('options.a', o.a, x0.n) ?? new Float64Array(x0.n).fill(1 / x0.n);
  const b0 = asWeights('options.b', o.b, y0.n) ?? new Float64Array(y0.n).fill(1 / y0.n);
  const bytes = sinkhornBytes(x0.n, y0.n) + (wantPlan ? 8 * x0.n * y0.n : 0);
  if (bytes > MATRIX_MAX_BYTES) {
    throw new CapacityError('X.n × Y.n', bytes, 'Sinkhorn keeps two n × m matrices; use fewer points (a subsample) or slicedWasserstein');
  }
  const p = cost === 'sqeuclidean' ? 2 : 1;
  const f = frame ?? frameOf([x0, y0], x0.d);
  const H = f.H > 0 ? f.H : 1;
  const epsH = eps / Math.pow(H, p);
  // costs on the rescaled points are ≤ 2^p
  if (!(epsH >= MIN_RELATIVE_EPSILON * Math.pow(2, p))) {
    throw new InvalidArgumentError('options.epsilon', eps, `at least ${MIN_RELATIVE_EPSILON} × the largest cost ((2·${H.toExponential(2)})^${p} here)`, 'ε this small relative to the costs is exact OT: use wasserstein()');
  }
  // Zero-weight points carry no mass and would make log u = −∞: solve without them.
  const keepA = positive(a0), keepB = positive(b0);
  const x = rescale(sub(x0, keepA), f, H), y = rescale(sub(y0, keepB), f, H);
  const a = Float64Array.from(keepA, (i) => a0[i]), b = Float64Array.from(keepB, (j) => b0[j]);
  return { x0, y0, x, y, a, b, keepA, keepB, p, eps, epsH, H, maxIterations, tolerance, scaling, stageIterations, trunc, wantPlan, fn };
}

function* sinkhornGen(pl: Plan): Generator<number, SinkhornResult> {
  if (!(pl.epsH < LARGE_EPSILON * Math.pow(2, pl.p))) return closedForm(pl);
  return yield* withArenaScope(pl.fn, function* () {
    const ops = use(sinkhornOps, pl.fn)(pl.x, pl.y, pl.p, pl.a, pl.b, pl.trunc);
    return yield* iterate(ops, pl);
  });
}

function* iterate(ops: SinkhornOps, o: Plan): Generator<number, SinkhornResult> {
  ops.init();
  const eps = o.epsH;
  let stages: number[] = [];
  if (o.scaling) {
    const maxC = ops.maxC();
    for (let e = maxC; e > eps && stages.length < 2000; e /= 2) stages.push(e);
    // a small budget gets fewer, larger ε steps: every intermediate stage costs a kernel build
    // (exps) and is worth it only with ≥ MIN_STAGE_ITERATIONS iterations
    const most = Math.floor(o.maxIterations / (2 * MIN_STAGE_ITERATIONS));
    if (stages.length > most) stages = Array.from({ length: most }, (_, k) => maxC * Math.pow(eps / maxC, k / most));
  }
  stages.push(eps);
  // Intermediate stages get at most half of the iteration budget; skipped stages are safe
  // because the potentials are re-centred (c-transform) before every change of ε.
  const perStage = stages.length > 1 ? Math.min(o.stageIterations, Math.floor(o.maxIterations / (2 * (stages.length - 1)))) : 0;
  let iterations = 0, absorptions = 0, status: SinkhornStatus = 'maxIterations';
  let calls = 1, t0 = now();
  for (let s = 0; s < stages.length; s++) {
    const e = stages[s];
    const final = s === stages.length - 1;
    if (s > 0) {
      ops.absorb(stages[s - 1]);
      ops.recenter();
      absorptions++;
    }
    let budget = final ? o.maxIterations - iterations : perStage;
    if (budget <= 0) continue;
    ops.kernel(e);
    let sinceYield = 0;
    while (budget > 0) {
      const [done, res, flag] = ops.iterate(Math.min(CHECK_EVERY, budget));
      iterations += done;
      budget -= done;
      if (flag === 2) {
        status = 'numerical';
        break;
      }
      if (flag === 1) {
        ops.absorb(e);
        ops.kernel(e);
        absorptions++;
      }
      if (final && o.tolerance > 0 && res <= o.tolerance) {
        status = 'converged';
        break;
      }
      // hand control to the driver (signal, onProgress) about every 25 ms
      if (++sinceYield >= calls) {
        calls = nextChunk(calls, now() - t0, 25, 1, 1e6);
        sinceYield = 0;
        yield Math.min(0.99, iterations / o.maxIterations);
        t0 = now();
      }
    }
    if (status === 'numerical') break;
  }
  const density = ops.density();
  const st = ops.stats(o.wantPlan);
  let residual = 0;
  for (let i = 0; i < st.r.length; i++) residual += Math.abs(st.r[i] - o.a[i]);
  for (let j = 0; j < st.c.length; j++) residual += Math.abs(st.c[j] - o.b[j]);
  if (status === 'numerical' || !Number.isFinite(st.cost) || !Number.isFinite(residual)) {
    throw new ConvergenceError(o.fn, `a scaling overflowed or vanished at ε = ${o.eps} after ${iterations} iterations`, 'increase options.epsilon or keep options.epsilonScaling on');
  }
  if (status === 'maxIterations' && o.tolerance > 0 && residual <= o.tolerance) status = 'converged';
  // potentials relative to a⊗b: f_i = f̃_i + ε (log u_i − log a_i) (no ε·log n term, so no overflow for huge ε)
  const F = Float64Array.from(st.f, (fi, i) => fi + eps * (Math.log(st.u[i]) - Math.log(o.a[i])));
  const G = Float64Array.from(st.g, (gj, j) => gj + eps * (Math.log(st.v[j]) - Math.log(o.b[j])));
  let objective = 0;
  for (let i = 0; i < F.length; i++) objective += st.r[i] * F[i];
  for (let j = 0; j < G.length; j++) objective += st.c[j] * G[j];
  if (!Number.isFinite(objective) || F.some((t) => !Number.isFinite(t)) || G.some((t) => !Number.isFinite(t))) {
    throw new ConvergenceError(o.fn, `the dual potentials are not finite at ε = ${o.eps}`, 'increase options.epsilon or keep options.epsilonScaling on');
  }
  const f = new Float64Array(o.x0.n).fill(-Infinity), g = new Float64Array(o.y0.n).fill(-Infinity);
  o.keepA.forEach((i, k) => (f[i] = F[k]));
  o.keepB.forEach((j, k) => (g[j] = G[k]));
  let plan: Float64Array | undefined;
  if (o.wantPlan && st.K && st.C) {
    const n = F.length, m = G.length, ld = st.C.length / n;
    plan = new Float64Array(o.x0.n * o.y0.n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) plan[o.keepA[i] * o.y0.n + o.keepB[j]] = st.u[i] * st.K[i * ld + j] * st.v[j];
    }
  }
  const user = toUserUnits([f, g, Float64Array.of(st.cost, objective)], o.H, o.p);
  const [fu, gu, sc] = user ?? [f, g, Float64Array.of(st.cost, objective)];
  const value = lengthFromCost(o.H, Math.max(st.cost, 0), o.p, 'X');
  const message =
    status === 'converged'
      ? `converged: marginal error ${residual.toExponential(2)} ≤ tolerance ${o.tolerance} after ${iterations} iterations`
      : `stopped after ${iterations} iterations with marginal error ${residual.toExponential(2)}${o.tolerance > 0 ? ` > tolerance ${o.tolerance}` : ''}; increase maxIterations or epsilon (or keep epsilonScaling on)`;
  return {
    value,
    transportCost: sc[0],
    objective: sc[1],
    lengthUnit: user ? 1 : o.H,
    iterations,
    residual,
    status,
    message,
    epsilon: o.eps,
    potentials: { f: fu, g: gu },
    ...(plan ? { plan } : {}),
    absorptions,
    density,
  };
}

/** The ε → ∞ limit to first order (see LARGE_EPSILON). O(n·m) time, O(n + m) memory. */
function closedForm(o: Plan): SinkhornResult {
  const n = o.x.n, m = o.y.n;
  const F = new Float64Array(n), G = new Float64Array(m);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const c = distP(o.x, i, o.y, j, o.p);
      F[i] += o.b[j] * c;
      G[j] += o.a[i] * c;
    }
    mean += o.a[i] * F[i];
  }
  for (let i = 0; i < n; i++) F[i] -= mean / 2;
  for (let j = 0; j < m; j++) G[j] -= mean / 2;
  const f = new Float64Array(o.x0.n).fill(-Infinity), g = new Float64Array(o.y0.n).fill(-Infinity);
  o.keepA.forEach((i, k) => (f[i] = F[k]));
  o.keepB.forEach((j, k) => (g[j] = G[k]));
  let plan: Float64Array | undefined;
  if (o.wantPlan) {
    plan = new Float64Array(o.x0.n * o.y0.n);
    o.keepA.forEach((i, k) => o.keepB.forEach((j, l) => (plan![i * o.y0.n + j] = o.a[k] * o.b[l])));
  }
  const user = toUserUnits([f, g, Float64Array.of(mean, mean)], o.H, o.p);
  const [fu, gu, sc] = user ?? [f, g, Float64Array.of(mean, mean)];
  return {
    value: lengthFromCost(o.H, mean, o.p, 'X'),
    transportCost: sc[0],
    objective: sc[1],
    lengthUnit: user ? 1 : o.H,
    iterations: 0,
    residual: 0,
    status: 'converged',
    message: `ε ≥ ${LARGE_EPSILON} × the largest cost: the plan is a⊗b up to O(cost/ε) (closed form, no iterations)`,
    epsilon: o.eps,
    potentials: { f: fu, g: gu },
    ...(plan ? { plan } : {}),
    absorptions: 0,
    density: 1,
  };
}

function positive(w: Float64Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < w.length; i++) if (w[i] > 0) out.push(i);
  return Int32Array.from(out);
}

function sub(c: PointCloud, keep: Int32Array): PointCloud {
  if (keep.length === c.n) return c;
  const data = new Float64Array(keep.length * c.d);
  for (let k = 0; k < keep.length; k++) data.set(c.data.subarray(keep[k] * c.d, (keep[k] + 1) * c.d), k * c.d);
  return { n: keep.length, d: c.d, data };
}
