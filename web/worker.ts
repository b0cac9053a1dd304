/**
 * The playground's worker: every computation runs here, so the page never freezes.
 * One job at a time; a new `run` cancels the previous one. Long jobs report progress and
 * stop at the next chunk boundary when cancelled (AbortSignal through flowAsync).
 *
 * Jobs (a name → function registry, extended as controllers land in src/index.ts):
 *   interpolate         Thm 3.3 / §A1: controls sending every x_i exactly to y_i, 2⌈N/p⌉ − 1 switches
 *   autonomous          Thm 3.4 / §A4: one layer (L = 0) of width p approximating x_i → y_i
 *   classify            §C1/§C2: controls separating two labelled classes by a half-space readout
 *   hardmax, softmax    attention dynamics (eq. 4.1, 4.2): tokens cluster around leaders
 *   sphere              particles on S² (Geshkovski et al., §F): the plane's points lifted by inverse
 *                       stereographic projection, drawn by orthographic projection
 *   flow                integrate the given controls (imported or constructed before) on the points
 *   transportToUniform  A6: controls pushing the empirical measure onto U([0,1]²) within W_q ≤ ε
 *   transport           B3: μ0 → U → μ1 (the targets are samples of μ1)
 * Constructions return their controls; the animation integrates them (rk4/euler/exact, as
 * chosen) and the metrics compare that with the construction's closed-form end points.
 */
import {
  AbortError,
  controlsFromJSON,
  controlsToJSON,
  flowAsync,
  approximateAutonomous,
  classifyAsync,
  hardmaxDynamics,
  init,
  interpolate,
  softmaxDynamics,
  sphereDynamics,
  countClusters,
  wasserstein1,
  type PointCloud,
  transport,
  transportToUniform,
  uniformTransportLayers,
  type Controls,
  type FlowResult,
  trajectoryFrame,
  type Trajectory,
} from '../src/index.js';
import {
  IMPORT_LIMITS,
  MAX_FRAMES,
  MAX_FRAME_VALUES,
  type DataMessage,
  type FromWorker,
  type JobName,
  type JobParams,
  type LayerInfo,
  type Metric,
  type RunResult,
  type Series,
  type ToWorker,
} from './protocol.js';

const scope = self as unknown as { postMessage(m: FromWorker, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

interface JobContext {
  id: number;
  data: DataMessage;
  params: JobParams;
  signal: AbortSignal;
  progress(fraction: number, stage: string): void;
}
type Job = (ctx: JobContext) => Promise<Omit<RunResult, 'type' | 'id' | 'job' | 'elapsedMs'>>;

const JOBS: Record<JobName, Job> = {
  interpolate: async (ctx) => {
    const { width = 1 } = ctx.params;
    if (!ctx.data.targets || ctx.data.targets.length !== ctx.data.points.length) throw new Error('interpolation needs one target per point');
    const n = ctx.data.points.length / 2;
    ctx.progress(0, 'constructing');
    const { controls, diagnostics } = interpolate({ n, d: 2, data: ctx.data.points }, { n, d: 2, data: ctx.data.targets }, { width });
    const metrics = controlMetrics(controls);
    metrics.push({ key: 'switchesTheorem', label: 'theorem: 2⌈N/p⌉ − 1', value: diagnostics.theoremSwitches });
    const result = await flowRecorded(controls, ctx, 'integrating');
    metrics.push(...targetMetrics(result, ctx.data));
    return packFlow(controls, result, metrics);
  },
  autonomous: async (ctx) => {
    const { width = 200 } = ctx.params;
    if (!ctx.data.targets || ctx.data.targets.length !== ctx.data.points.length) throw new Error('the autonomous construction needs one target per point');
    const n = ctx.data.points.length / 2;
    ctx.progress(0, 'fitting the field');
    const a = approximateAutonomous({ n, d: 2, data: ctx.data.points }, { n, d: 2, data: ctx.data.targets }, { width, method: 'rk4', stepsPerLayer: 400 });
    const metrics = controlMetrics(a.controls);
    metrics.push(
      { key: 'eta', label: 'field error η = sup|F − F_p|', value: a.diagnostics.eta },
      { key: 'gronwall', label: 'Gronwall bound (η/Lip)(e^{Lip T} − 1)', value: a.diagnostics.gronwallBound },
      { key: 'rate', label: 'rate log₂κ/κ^{1/d} (Thm 3.4)', value: a.diagnostics.rate },
    );
    const result = await flowRecorded(a.controls, ctx, 'integrating');
    metrics.push(...targetMetrics(result, ctx.data));
    return packFlow(a.controls, result, metrics);
  },
  classify: async (ctx) => {
    const labels = ctx.data.labels;
    if (!labels || ctx.data.classes !== 2) throw new Error('classification needs two labelled classes (moons, circles, XOR, or blobs with 2 classes)');
    const n = labels.length;
    ctx.progress(0, 'constructing');
    const method = (ctx.params.classifyMethod ?? 'cluster') as 'cluster' | 'hat' | 'collinear';
    const c = await classifyAsync({ n, d: 2, data: ctx.data.points }, labels, { method, signal: ctx.signal, onProgress: (f) => ctx.progress(f, 'constructing') });
    const metrics = controlMetrics(c.controls);
    metrics.push(
      { key: 'movers', label: 'points of the moving class m', value: c.diagnostics.m },
      { key: 'boundPaper', label: 'paper bound 4⌈m/d⌉ − 1', value: c.diagnostics.bounds.paper },
      { key: 'boundPointwise', label: 'point by point 2N − 1', value: c.diagnostics.bounds.pointByPoint },
      { key: 'margin', label: 'guaranteed margin μ', value: c.diagnostics.margin },
    );
    const result = await flowRecorded(c.controls, ctx, 'integrating');
    // Read out the half-space at time T from the integrated points (what the animation shows).
    let correct = 0, minMargin = Infinity;
    for (let i = 0; i < n; i++) {
      const score = result.data[2 * i + c.readout.axis] - c.readout.offset;
      if ((score > 0 ? 1 : 0) === labels[i]) correct++;
      minMargin = Math.min(minMargin, labels[i] === 1 ? score : -score);
    }
    metrics.push(
      { key: 'accuracy', label: 'training accuracy', value: correct / n },
      { key: 'minMargin', label: 'smallest signed margin at T', value: minMargin },
    );
    return { ...packFlow(c.controls, result, metrics), readout: { axis: c.readout.axis, offset: c.readout.offset } };
  },
  hardmax: async (ctx) => {
    const { alpha = 0.5, steps = 60 } = ctx.params;
    const n = ctx.data.points.length / 2;
    ctx.progress(0, 'iterating');
    const r = hardmaxDynamics({ n, d: 2, data: ctx.data.points }, { alpha, steps, trajectory: true });
    const tr = framesOf(r.trajectory!);
    const leaders = new Uint8Array(tr.length * n);
    r.leaders.forEach((ls, k) => ls.forEach((i) => (leaders[k * n + i] = 1)));
    const metrics: Metric[] = [
      { key: 'clusters', label: 'clusters at the end', value: r.clusters.length },
      { key: 'leaders', label: 'leaders at the end', value: r.leaders[r.leaders.length - 1].length },
      { key: 'stableFrom', label: 'steps to cluster (leader set fixed from)', value: r.stableFrom },
    ];
    return { ...packTokens(tr, metrics, leaders), timeLabel: 'step' };
  },
  softmax: async (ctx) => {
    const { alpha = 0.5, steps = 60, temperature = 0.1 } = ctx.params;
    const n = ctx.data.points.length / 2;
    ctx.progress(0, 'iterating');
    const r = softmaxDynamics({ n, d: 2, data: ctx.data.points }, { alpha, steps, temperature, trajectory: true });
    return { ...packTokens(framesOf(r.trajectory!), [{ key: 'clusters', label: 'clusters at the end (1e-6)', value: r.clusters.length }], null), timeLabel: 'step' };
  },
  flow: async (ctx) => {
    if (!ctx.params.controlsJSON) throw new Error('no controls loaded: construct or import controls first');
    const controls = controlsFromJSON(ctx.params.controlsJSON, { maxParameters: IMPORT_LIMITS.maxParameters });
    const metrics: Metric[] = controlMetrics(controls);
    const result = await flowRecorded(controls, ctx, 'integrating');
    metrics.push(...targetMetrics(result, ctx.data));
    return packFlow(controls, result, metrics);
  },
  transportToUniform: async (ctx) => {
    const { width = 3, epsilon = 0.2 } = ctx.params;
    const n = ctx.data.points.length / 2;
    ctx.progress(0, 'constructing');
    const t = transportToUniform({ n, d: 2, data: ctx.data.points }, { width, epsilon });
    const metrics = controlMetrics(t.controls);
    metrics.push(
      { key: 'switchesFormula', label: 'switches by the A6 count', value: uniformTransportLayers(t.resolution, 2, width) - 1 },
      { key: 'resolution', label: 'grid n = ⌈√2/ε⌉', value: t.resolution },
      { key: 'bound', label: 'certified W_q ≤', value: t.bound },
      { key: 'cellMin', label: 'min samples per cube', value: Math.min(...t.cellCounts) },
      { key: 'cellMax', label: 'max samples per cube', value: Math.max(...t.cellCounts) },
    );
    const result = await flowRecorded(t.controls, ctx, 'integrating');
    metrics.push(deviation(result, t.points.data, ctx.params.method ?? 'rk4'));
    const G = 20;
    const grid = new Float64Array(2 * G * G);
    for (let i = 0; i < G; i++) for (let j = 0; j < G; j++) (grid[2 * (i * G + j)] = (i + 0.5) / G), (grid[2 * (i * G + j) + 1] = (j + 0.5) / G);
    const series = await w1Series(result, grid, ctx, 'W₁ to U([0,1]²) (20×20 grid)');
    metrics.push(...seriesMetrics(series));
    return { ...packFlow(t.controls, result, metrics), series };
  },
  transport: async (ctx) => {
    const { width = 3, epsilon = 0.2 } = ctx.params;
    if (!ctx.data.targets) throw new Error('transport needs samples of the target measure (the targets)');
    const n = ctx.data.points.length / 2;
    ctx.progress(0, 'constructing');
    const t = transport({ n, d: 2, data: ctx.data.points }, { n: ctx.data.targets.length / 2, d: 2, data: ctx.data.targets }, { width, epsilon });
    const metrics = controlMetrics(t.controls);
    metrics.push(
      { key: 'switchesToUniform', label: 'switches μ₀ → U', value: t.switchesToUniform },
      { key: 'switchesFromUniform', label: 'switches U → μ₁', value: t.switchesFromUniform },
      { key: 'resolution', label: 'grid n = ⌈√2/ε⌉', value: t.resolution },
      { key: 'bound', label: 'certified W_q(Φ#μ₀, μ₁) ≤', value: t.bound },
    );
    const result = await flowRecorded(t.controls, ctx, 'integrating');
    metrics.push(deviation(result, t.points.data, ctx.params.method ?? 'rk4'));
    const series = await w1Series(result, ctx.data.targets, ctx, 'W₁ to the target cloud');
    metrics.push(...seriesMetrics(series));
    return { ...packFlow(t.controls, result, metrics), series };
  },
  sphere: async (ctx) => {
    const { beta = 1, steps = 300, dt = 0.05 } = ctx.params;
    const n = ctx.data.points.length / 2;
    // Inverse stereographic projection: the plane's points cover the whole sphere (but a pole).
    const X = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      const x = ctx.data.points[2 * i], y = ctx.data.points[2 * i + 1], r2 = x * x + y * y;
      X[3 * i] = (2 * x) / (r2 + 1);
      X[3 * i + 1] = (2 * y) / (r2 + 1);
      X[3 * i + 2] = (r2 - 1) / (r2 + 1);
    }
    ctx.progress(0, 'integrating');
    const every = Math.max(1, Math.ceil(steps / 200));
    const r = sphereDynamics({ n, d: 3, data: X }, { beta, steps, dt, trajectory: { every } });
    const flat = framesOf(r.trajectory!).map((f) => {
      const out = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) (out[2 * i] = f.data[3 * i]), (out[2 * i + 1] = f.data[3 * i + 1]);
      return { n, d: 2, data: out };
    });
    const packed = packTokens(flat, [
      { key: 'clusters', label: 'clusters at the end (1e-3)', value: countClusters(r.tokens, 1e-3) },
      { key: 'Tsphere', label: 'time T = steps · dt', value: steps * dt },
      { key: 'beta', label: 'inverse temperature β', value: beta },
    ], null, steps);
    return { ...packed, times: Float64Array.from(r.trajectory!.times) };
  },
};

/**
 * W₁ between the flowed points and the target measure at up to 13 frame times (exact, by the
 * Wasserstein engine). Up to 400 points of each side are used — an evenly strided subset, the
 * same points at every time — so each solve stays well under a second; with more points the
 * curve estimates W₁ of the full clouds.
 */
async function w1Series(r: FlowResult, target: Float64Array, ctx: JobContext, label: string): Promise<Series> {
  const tr = r.trajectory!;
  const cap = 400;
  const pick = (m: number) => Array.from({ length: Math.min(m, cap) }, (_, k) => Math.floor((k * m) / Math.min(m, cap)));
  const src = pick(r.n), tgtIdx = pick(target.length / 2);
  const Y = new Float64Array(2 * tgtIdx.length);
  tgtIdx.forEach((j, k) => ((Y[2 * k] = target[2 * j]), (Y[2 * k + 1] = target[2 * j + 1])));
  const samples = Math.min(13, tr.frames);
  const t: number[] = [], v: number[] = [];
  for (let s = 0; s < samples; s++) {
    if (ctx.signal.aborted) throw new AbortError('w1Series');
    const f = Math.round((s * (tr.frames - 1)) / (samples - 1));
    const X = new Float64Array(2 * src.length);
    src.forEach((i, k) => ((X[2 * k] = tr.data[(f * r.n + i) * 2]), (X[2 * k + 1] = tr.data[(f * r.n + i) * 2 + 1])));
    t.push(tr.times[f]);
    v.push(wasserstein1({ n: src.length, d: 2, data: X }, { n: tgtIdx.length, d: 2, data: Y }).value);
    ctx.progress((s + 1) / samples, 'measuring W₁');
    await new Promise((res) => setTimeout(res, 0));
  }
  return { label: src.length < r.n || tgtIdx.length < target.length / 2 ? `${label}, ${src.length} → ${tgtIdx.length} points` : label, t, v };
}

function seriesMetrics(s: Series): Metric[] {
  return [
    { key: 'w1Start', label: 'W₁ at t = 0', value: s.v[0] },
    { key: 'w1End', label: 'W₁ at T', value: s.v[s.v.length - 1] },
  ];
}

/** max_i ‖x_i(T) − closed-form end point_i‖: how far the animated integration is from the construction. */
function deviation(r: FlowResult, exact: Float64Array, method: string): Metric {
  let max = 0;
  for (let i = 0; i < r.n; i++) max = Math.max(max, Math.hypot(r.data[2 * i] - exact[2 * i], r.data[2 * i + 1] - exact[2 * i + 1]));
  return { key: 'deviation', label: `max |${method} − closed form| at T`, value: max };
}

/** Runs flowAsync recording at most MAX_FRAMES frames (and MAX_FRAME_VALUES values). */
async function flowRecorded(controls: Controls, ctx: JobContext, stage: string): Promise<FlowResult> {
  const n = ctx.data.points.length / 2;
  const steps = ctx.params.stepsPerLayer ?? 100;
  const total = controls.layers.length * steps;
  const maxFrames = Math.max(2, Math.min(MAX_FRAMES, Math.floor(MAX_FRAME_VALUES / (n * 2))));
  const every = Math.max(1, Math.ceil(total / (maxFrames - 1)));
  return flowAsync(controls, { n, d: 2, data: ctx.data.points }, {
    method: ctx.params.method ?? 'rk4',
    stepsPerLayer: steps,
    trajectory: { every },
    signal: ctx.signal,
    onProgress: (f) => ctx.progress(f, stage),
  });
}

function controlMetrics(c: Controls): Metric[] {
  return [
    { key: 'switches', label: 'switches L', value: c.switches },
    { key: 'width', label: 'width p', value: c.width },
    { key: 'T', label: 'time horizon T', value: c.T },
  ];
}

/** Max Euclidean distance ‖x_i(T) − y_i‖ to the paired targets, when there are targets. */
function targetMetrics(r: FlowResult, data: DataMessage): Metric[] {
  if (!data.targets || data.targets.length !== r.data.length) return [];
  let max = 0;
  let sum = 0;
  for (let i = 0; i < r.n; i++) {
    const dx = r.data[2 * i] - data.targets[2 * i], dy = r.data[2 * i + 1] - data.targets[2 * i + 1];
    const e = Math.hypot(dx, dy);
    if (e > max) max = e;
    sum += e;
  }
  return [
    { key: 'maxError', label: 'max error ‖x(T) − y‖', value: max },
    { key: 'meanError', label: 'mean error', value: sum / r.n },
  ];
}

function packFlow(controls: Controls, r: FlowResult, metrics: Metric[]): Omit<RunResult, 'type' | 'id' | 'job' | 'elapsedMs'> {
  const tr = r.trajectory!;
  const positions = new Float32Array(tr.frames * r.n * 2);
  for (let j = 0; j < positions.length; j++) positions[j] = tr.data[j];
  // Layer k acts on (t_k, t_{k+1}]; a frame at time t shows the state reached so far, and the
  // layer drawn with it is the one acting from it onwards.
  const ends: number[] = [];
  let t = 0;
  for (const L of controls.layers) ends.push((t += L.duration));
  const frameLayer = new Int32Array(tr.frames);
  let k = 0;
  for (let f = 0; f < tr.frames; f++) {
    while (k < ends.length - 1 && tr.times[f] >= ends[k] - 1e-12 * controls.T) k++;
    frameLayer[f] = k;
  }
  const layers: LayerInfo[] = controls.layers.map((L) => ({ duration: L.duration, W: L.W.slice(), A: L.A.slice(), b: L.b.slice() }));
  return {
    n: r.n,
    frames: tr.frames,
    times: tr.times,
    positions,
    frameLayer,
    layers,
    width: controls.width,
    controlsJSON: controlsToJSON(controls),
    metrics,
    leaders: null,
    series: null,
  };
}

/** The frames of an attention Trajectory as PointClouds (views, no copies). */
function framesOf(t: Trajectory): PointCloud[] {
  return Array.from({ length: t.frames }, (_, f) => trajectoryFrame(t, f));
}

/** Attention trajectories: one frame per step, no layers. */
function packTokens(trajectory: PointCloud[], metrics: Metric[], leaders: Uint8Array | null, steps = trajectory.length - 1): Omit<RunResult, 'type' | 'id' | 'job' | 'elapsedMs'> {
  const frames = trajectory.length, n = trajectory[0].n;
  const positions = new Float32Array(frames * n * 2);
  trajectory.forEach((t, f) => {
    for (let j = 0; j < 2 * n; j++) positions[f * n * 2 + j] = t.data[j];
  });
  metrics.push({ key: 'steps', label: 'steps', value: steps });
  return { n, frames, times: Float64Array.from({ length: frames }, (_, k) => k), positions, frameLayer: null, layers: null, width: 0, controlsJSON: null, metrics, leaders, series: null };
}

let running: { id: number; abort: AbortController } | null = null;
const ready = init();

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.type === 'cancel') {
    if (running && running.id === msg.id) running.abort.abort();
    return;
  }
  if (msg.type === 'import') {
    try {
      const c = controlsFromJSON(msg.text, { maxLength: IMPORT_LIMITS.maxBytes, maxParameters: IMPORT_LIMITS.maxParameters });
      if (c.d !== 2) throw new RangeError(`the playground draws the plane: controls.d must be 2, got ${c.d}`);
      post({ type: 'imported', id: msg.id, controlsJSON: controlsToJSON(c), d: c.d, width: c.width, layers: c.layers.length, T: c.T });
    } catch (err) {
      post({ type: 'error', id: msg.id, name: (err as Error).name, message: (err as Error).message });
    }
    return;
  }
  if (msg.type === 'run') void run(msg);
};

async function run(msg: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  running?.abort.abort();
  const abort = new AbortController();
  const me = { id: msg.id, abort };
  running = me;
  const t0 = performance.now();
  let lastPost = 0;
  try {
    await ready;
    const job = JOBS[msg.job];
    if (!job) throw new Error(`unknown job ${msg.job}`);
    const out = await job({
      id: msg.id,
      data: msg.data,
      params: msg.params,
      signal: abort.signal,
      progress(fraction, stage) {
        const now = performance.now();
        if (now - lastPost > 50 || fraction >= 1) {
          lastPost = now;
          post({ type: 'progress', id: msg.id, fraction, stage });
        }
      },
    });
    const result: RunResult = { type: 'result', id: msg.id, job: msg.job, elapsedMs: performance.now() - t0, ...out };
    const transfer: Transferable[] = [result.positions.buffer, result.times.buffer];
    if (result.frameLayer) transfer.push(result.frameLayer.buffer);
    if (result.leaders) transfer.push(result.leaders.buffer);
    post(result, transfer);
  } catch (err) {
    if (err instanceof AbortError || abort.signal.aborted) post({ type: 'cancelled', id: msg.id });
    else post({ type: 'error', id: msg.id, name: (err as Error).name, message: (err as Error).message });
  } finally {
    if (running === me) running = null;
  }
}

void ready.then(
  (backend) => post({ type: 'ready', backend, jobs: Object.keys(JOBS) as JobName[] }),
  (err) => post({ type: 'error', id: -1, name: (err as Error).name, message: `the kernels did not load: ${(err as Error).message}` }),
);
