/**
 * The flow engine: integrates the neural ODE  ẋ = W(t) relu(A(t) x + b(t))  (survey arXiv 2510.03303,
 * eq. 3.3–3.4) with piecewise-constant controls from t = 0 to T, for a whole point cloud.
 *
 * Methods (a name → solver registry, like torchdiffeq's):
 *   'rk4'   classical Runge–Kutta, `stepsPerLayer` steps per layer (WASM SIMD kernel or TS twin;
 *           dense, or cell by cell of the hyperplane arrangement: options.rk4Kernel)
 *   'euler' explicit Euler, same discretisation
 *   'exact' closed-form integration cell by cell of the hyperplane arrangement (./exact.ts)
 * Steps never straddle a switch: every layer gets its own `stepsPerLayer` steps of size
 * duration / stepsPerLayer.
 *
 * How a call travels: validate (../validate.ts) → split the points into chunks → per chunk, the
 * layer-steps Pair of the method (src/backend/{rk4,rk4_cell,euler}.ts: copies the chunk once into
 * the WASM arena, runs every layer's kernel in place, copies it back, releases the arena; or the
 * TS twins) → check the result is finite. Nothing is allocated or copied per step.
 * Algorithms, error laws and costs: docs/algorithms/flow.md.
 */
import { eulerLayers } from '../backend/euler.js';
import { use } from '../backend/index.js';
import type { LayerStepsOp } from '../backend/layers.js';
import { reluField, type ReluFieldOp } from '../backend/relu.js';
import { rk4Layers } from '../backend/rk4.js';
import { rk4CellLayers } from '../backend/rk4_cell.js';
import { FlowsteerError, InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import type { Controls, Layer, PointCloud, PointsLike } from '../types.js';
import { asCloud, asControls, checkCount, checkLayer, checkOneOf } from '../validate.js';
import { exactLayerPoint, isParallelLayer } from './exact.js';
import { runAsync, runSync, type ProgressOptions } from './progress.js';
import { MIN_POINTS_PER_THREAD, parallelFlow } from '../parallel/flow.js';
import { checkThreads } from '../parallel/pool.js';

export type FlowMethod = 'rk4' | 'euler' | 'exact';
export const FLOW_METHODS: readonly FlowMethod[] = ['rk4', 'euler', 'exact'];
export const DEFAULT_STEPS_PER_LAYER = 100;

export interface TrajectoryOptions {
  /** Record every `every`-th step (default 1). Frame 0 is the initial state. */
  every?: number;
  /** Caller-supplied storage of at least frames × n × d doubles (see trajectoryFrames). */
  buffer?: Float64Array;
}

export interface FlowOptions extends ProgressOptions {
  method?: FlowMethod;
  /**
   * flowAsync only: worker threads (default 1). With threads > 1 and at least 8192 points the
   * points are flowed in chunks on worker threads, bit-identical to one thread
   * (docs/algorithms/parallel.md). Ignored by the synchronous flow.
   */
  threads?: number;
  /** Steps per layer for 'rk4' and 'euler' (default 100); also the time grid of an 'exact' trajectory. */
  stepsPerLayer?: number;
  /** Record the trajectory: `true` for every step, or { every, buffer }. */
  trajectory?: boolean | TrajectoryOptions;
  /** Where to write the final points (n × d doubles); a new array by default. */
  out?: Float64Array;
  /**
   * Which RK4 kernel runs method 'rk4' (both compute classical RK4; results agree to rounding,
   * ≤ 1e-12 relative, and each backend gives the same doubles for the same choice):
   *   'dense' evaluates W relu(Ax + b) at all 4 stages, f64x2 across tiles of 8 points
   *           (assembly/rk4.ts), ≈ 16pd flops per point-step whatever the data;
   *   'cell'  uses that the field is affine on each cell of the hyperplane arrangement: while all
   *           stages provably stay in the point's cell, one step is x ↦ x + Dx + r (d² flops),
   *           rebuilt (≈ 2|S|d² + 6d³ flops) when the activation pattern changes
   *           (assembly/rk4_cell.ts);
   *   'auto'  (default) picks by d, p and stepsPerLayer: see `rk4KernelFor`.
   */
  rk4Kernel?: Rk4Kernel | 'auto';
}

export type Rk4Kernel = 'dense' | 'cell';
export const RK4_KERNELS: readonly (Rk4Kernel | 'auto')[] = ['auto', 'dense', 'cell'];

/**
 * The kernel rk4Kernel: 'auto' picks for dimension d, width p and stepsPerLayer:
 *   'cell'  when stepsPerLayer ≥ 12 and (d ≤ 8, or d ≤ 16 and p ≥ 2d),
 *   'dense' otherwise.
 * Calibrated with `npm run bench -- rk4_cell` on bench/flow.ts's workload (unit rows a_j,
 * W ~ N(0,1)/p, x ~ N(0, I), 4 layers, T = 1): there cell is 1.3–3.4× faster than dense for
 * d ≤ 8 at 25 steps per layer (d = 2, p = 16: 2.8×; d = 8, p = 32: 2.1×), 1.2–1.5× for
 * d = 12–16 with p ≥ 2d, and slower for d ≥ 12 with p < d (rebuilding the d × d step map, ≈ 6d³
 * flops, costs more than it saves). What really decides is how many steps a point stays in one
 * cell — the step length h|f| against the distance to the nearest hyperplane: with few, long
 * steps per cell (here stepsPerLayer ≤ 8) most steps are plain RK4 steps plus bookkeeping and
 * cell is up to 2× slower than dense. Fields much stronger than this workload's (|W||A| ≫ 1 per
 * unit time) behave like fewer steps: pass rk4Kernel: 'dense' there.
 */
export function rk4KernelFor(d: number, p: number, stepsPerLayer: number): Rk4Kernel {
  return stepsPerLayer >= 12 && (d <= 8 || (d <= 16 && p >= 2 * d)) ? 'cell' : 'dense';
}

export interface Trajectory {
  /** Number of frames: floor(layers · stepsPerLayer / every) + 1. */
  readonly frames: number;
  readonly n: number;
  readonly d: number;
  /** Time of each frame. */
  readonly times: Float64Array;
  /** frames × n × d, frame-major: point i of frame f at (f·n + i)·d. */
  readonly data: Float64Array;
}

export interface FlowResult extends PointCloud {
  readonly method: FlowMethod;
  readonly trajectory?: Trajectory;
}

/** Number of trajectory frames for the given controls and options. */
export function trajectoryFrames(layers: number, stepsPerLayer: number, every: number): number {
  return Math.floor((layers * stepsPerLayer) / every) + 1;
}

/** Flows the points X through the controls and returns the points at time T. */
export function flow(controls: Controls, X: PointsLike, options: FlowOptions = {}): FlowResult {
  const plan = planFlow(controls, X, options, 'flow');
  return runSync(flowChunks(plan), options, 'flow');
}

/** Like flow, but yields to the event loop regularly (progress bars, AbortSignal.timeout, UI). */
export function flowAsync(controls: Controls, X: PointsLike, options: FlowOptions = {}): Promise<FlowResult> {
  const plan = planFlow(controls, X, options, 'flowAsync');
  const threads = checkThreads(options.threads, 1);
  if (threads > 1 && plan.cloud.n >= 2 * MIN_POINTS_PER_THREAD) return parallelFlow(plan.controls, plan.cloud, options, threads);
  return runAsync(flowChunks(plan), options, 'flowAsync');
}

/**
 * The vector field of one layer at every point: out_i = W relu(A x_i + b).
 * `layer` needs d and p: pass them, or a layer of Controls together with controls.d/width.
 */
export function field(layer: Layer, X: PointsLike, out?: Float64Array, shape?: { d: number; width: number }): PointCloud {
  const cloud = asCloud(X, 'X');
  const d = shape?.d ?? cloud.d;
  const p = shape?.width ?? layer?.b?.length;
  checkCount('layer.b.length (width)', p, 1);
  const L = checkLayer(layer, d, p, 'layer');
  if (cloud.d !== d) throw new ShapeMismatchError('X', `dimension ${cloud.d}`, `dimension ${d}`);
  const n = cloud.n;
  if (out !== undefined && (!(out instanceof Float64Array) || out.length < n * d)) {
    throw new ShapeMismatchError('out', out, `a Float64Array of at least n·d = ${n * d} entries`);
  }
  const result = out ?? new Float64Array(n * d);
  use(reluField, 'field')(cloud.data, n, d, L.W, L.A, L.b, p, result);
  return { n, d, data: result.length === n * d ? result : result.subarray(0, n * d) };
}

interface FlowPlan {
  controls: Controls;
  cloud: PointCloud;
  method: FlowMethod;
  steps: number;
  every: number;
  traj: Float64Array | null;
  times: Float64Array | null;
  frames: number;
  out: Float64Array;
  /** The layer-steps driver of the method on the active backend ('rk4', 'euler'). */
  run: LayerStepsOp;
  /** The ReLU field on the active backend (the parallel layers of 'exact'). */
  field: ReluFieldOp;
  chunk: number;
  /** The RK4 kernel, resolved from options.rk4Kernel. */
  rk4: Rk4Kernel;
}

function planFlow(controlsIn: Controls, X: PointsLike, options: FlowOptions, fn: string): FlowPlan {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', options, 'an options object');
  const controls = asControls(controlsIn);
  const cloud = asCloud(X, 'X', { d: controls.d });
  const method = checkOneOf('options.method', options.method ?? 'rk4', FLOW_METHODS);
  const steps = checkCount('options.stepsPerLayer', options.stepsPerLayer ?? DEFAULT_STEPS_PER_LAYER, 1, 1 << 24);
  const n = cloud.n, d = cloud.d;
  const rk4Choice = checkOneOf('options.rk4Kernel', options.rk4Kernel ?? 'auto', RK4_KERNELS);
  const rk4 = rk4Choice === 'auto' ? rk4KernelFor(d, controls.width, steps) : rk4Choice;
  let every = 1;
  let traj: Float64Array | null = null;
  let times: Float64Array | null = null;
  let frames = 0;
  if (options.trajectory) {
    const t = options.trajectory === true ? {} : options.trajectory;
    every = checkCount('options.trajectory.every', t.every ?? 1, 1);
    frames = trajectoryFrames(controls.layers.length, steps, every);
    const need = frames * n * d;
    if (t.buffer !== undefined) {
      if (!(t.buffer instanceof Float64Array) || t.buffer.length < need) {
        throw new ShapeMismatchError('options.trajectory.buffer', t.buffer, `a Float64Array of at least frames·n·d = ${frames}·${n}·${d} = ${need} entries`);
      }
      traj = t.buffer;
    } else {
      if (need > 2 ** 31) {
        throw new InvalidArgumentError('options.trajectory', `${frames} frames of ${n}×${d}`, 'at most 2^31 recorded values', 'record fewer frames with a larger `every`');
      }
      traj = new Float64Array(need);
    }
    times = new Float64Array(frames);
    let t0 = 0;
    let g = 0;
    for (const layer of controls.layers) {
      const h = layer.duration / steps;
      for (let s = 1; s <= steps; s++) {
        g++;
        if (g % every === 0) times[g / every] = s === steps ? t0 + layer.duration : t0 + s * h;
      }
      t0 += layer.duration;
    }
    traj.set(cloud.data, 0);
  }
  if (options.out !== undefined && (!(options.out instanceof Float64Array) || options.out.length < n * d)) {
    throw new ShapeMismatchError('options.out', options.out, `a Float64Array of at least n·d = ${n * d} entries`);
  }
  const out = options.out ?? new Float64Array(n * d);
  const run = use(method === 'euler' ? eulerLayers : rk4 === 'cell' ? rk4CellLayers : rk4Layers, fn);
  const fieldOp = use(reluField, fn);
  // ~2·10^7 multiply–adds (dense count) per unit of work: tens of milliseconds between progress
  // reports, and at least 1024 points so that per-chunk costs (copying the layers, the cell
  // kernel's pattern cache warming up) stay negligible.
  const work = Math.max(1, controls.layers.length * (method === 'exact' ? 200 : steps * 4) * controls.width * (d + 1));
  const chunk = Math.max(1024, Math.min(n, Math.ceil(2e7 / work / 8) * 8));
  return { controls, cloud, method, steps, every, traj, times, frames, out, run, field: fieldOp, chunk, rk4 };
}

function* flowChunks(plan: FlowPlan): Generator<number, FlowResult> {
  const { controls, cloud, method, traj, out, chunk } = plan;
  const n = cloud.n, d = cloud.d;
  if (out !== cloud.data) out.set(cloud.data.subarray(0, n * d));
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const m = Math.min(chunk, n - i0);
    if (method === 'exact') exactChunk(plan, i0, m);
    else stepChunk(plan, i0, m);
    checkFiniteResult(out, i0 * d, m * d, d, method, controls);
    yield (i0 + m) / n;
  }
  const result: FlowResult = { n, d, data: out.length === n * d ? out : out.subarray(0, n * d), method };
  if (traj) {
    (result as { trajectory?: Trajectory }).trajectory = { frames: plan.frames, n, d, times: plan.times!, data: traj };
  }
  return result;
}

function stepChunk(plan: FlowPlan, i0: number, m: number): void {
  const { controls, steps, every, traj, out, cloud } = plan;
  const d = cloud.d, n = cloud.n;
  const x = out.subarray(i0 * d, (i0 + m) * d);
  const local = traj ? new Float64Array(plan.frames * m * d) : null;
  plan.run(x, m, d, controls.width, controls.layers, steps, local, every);
  if (local && traj) scatterFrames(local, traj, plan.frames, m, n, d, i0);
}

function exactChunk(plan: FlowPlan, i0: number, m: number): void {
  const { controls, steps, every, traj, out, cloud } = plan;
  const d = cloud.d, p = controls.width, n = cloud.n;
  const frameStride = n * d;
  // Per layer: the sample times (within the layer) of the frames that fall inside it.
  const layerSamples: { times: Float64Array; firstFrame: number }[] = [];
  if (traj) {
    let g = 0;
    for (const L of controls.layers) {
      const ts: number[] = [];
      let first = -1;
      for (let s = 1; s <= steps; s++) {
        g++;
        if (g % every === 0) {
          if (first < 0) first = g / every;
          ts.push(s === steps ? L.duration : (s * L.duration) / steps);
        }
      }
      layerSamples.push({ times: Float64Array.from(ts), firstFrame: first });
    }
  }
  const layers = controls.layers;
  const x = out.subarray(i0 * d, (i0 + m) * d);
  let f: Float64Array | null = null;
  for (let li = 0; li < layers.length; li++) {
    const L = layers[li];
    const sm = traj ? layerSamples[li] : null;
    if (isParallelLayer(L, d, p)) {
      // Every activation is constant along the trajectories: x(t) = x₀ + t·f(x₀) exactly,
      // one batched field evaluation for the whole chunk (WASM kernel or its twin).
      f ??= new Float64Array(m * d);
      plan.field(x, m, d, L.W, L.A, L.b, p, f);
      if (sm && traj) {
        for (let j = 0; j < sm.times.length; j++) {
          const t = sm.times[j];
          const base = (sm.firstFrame + j) * frameStride + i0 * d;
          for (let q = 0; q < m * d; q++) traj[base + q] = x[q] + t * f[q];
        }
      }
      const tau = L.duration;
      for (let q = 0; q < m * d; q++) x[q] = x[q] + tau * f[q];
      continue;
    }
    for (let i = i0; i < i0 + m; i++) {
      if (sm && sm.times.length > 0 && traj) {
        exactLayerPoint(out, i * d, d, L, p, sm.times, traj, sm.firstFrame * frameStride + i * d, frameStride, li);
      } else {
        exactLayerPoint(out, i * d, d, L, p, null, null, 0, 0, li);
      }
    }
  }
}

function scatterFrames(local: Float64Array, traj: Float64Array, frames: number, m: number, n: number, d: number, i0: number): void {
  // Frame 0 (initial state) is already in place; frames ≥ 1 come from the chunk's buffer.
  for (let f = 1; f < frames; f++) {
    traj.set(local.subarray(f * m * d, (f + 1) * m * d), (f * n + i0) * d);
  }
}

function checkFiniteResult(x: Float64Array, start: number, count: number, d: number, method: FlowMethod, controls: Controls): void {
  for (let j = start; j < start + count; j++) {
    if (!Number.isFinite(x[j])) {
      const i = Math.floor(j / d);
      throw new FlowsteerError(
        'NON_FINITE',
        `the ${method} flow overflowed: point ${i} became ${x[j]} (controls of ${controls.layers.length} layers, T = ${controls.T}); ` +
          `the field grows too fast for these durations — shorten the layers, scale W down, or use more stepsPerLayer`,
        { parameter: 'controls', value: x[j], fix: 'shorten the layers or scale W down' },
      );
    }
  }
}

/** Re-exported for the modules that import it from here (the helper lives in src/backend/index.ts). */
export { withArena } from '../backend/index.js';
