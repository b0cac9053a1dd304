/**
 * The playground page: data, controller choice, worker orchestration, playback, metrics,
 * import/export. No computation beyond drawing happens here — everything numeric runs in
 * web/worker.ts, so the page stays responsive and long runs can be cancelled.
 */
import { DATASETS, MAX_POINTS, generate, type DatasetName } from './data.js';
import { IMPORT_LIMITS, type FromWorker, type JobName, type JobParams, type Metric, type RunResult, type Series, type ToWorker } from './protocol.js';
import { Renderer } from './render.js';

const $ = <T extends HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
};

interface ParamSpec {
  key: keyof JobParams | string;
  label: string;
  kind: 'number' | 'select';
  value: number | string;
  min?: number;
  max?: number;
  step?: number;
  options?: [string, string][];
}

interface JobUi {
  label: string;
  /** Needs loaded controls (imported or from an earlier construction). */
  needsControls?: boolean;
  params: ParamSpec[];
  /** Checks the data before sending it; returns a message when it cannot run. */
  check?(s: State): string | null;
}

/** One entry per worker job, in the order of the menu. */
const JOB_UI: Record<JobName, JobUi> = {
  interpolate: {
    label: 'interpolate (points → targets)',
    params: [{ key: 'width', label: 'width p', kind: 'number', value: 2, min: 1, max: 1024, step: 1 }, ...integration(40)],
    check: (s) => (s.targets && s.targets.length === s.points.length ? null : 'interpolation needs one target per point: generate "random pairs" or shift-click a target for every point'),
  },
  autonomous: {
    label: 'autonomous, L = 0 (approximate)',
    params: [{ key: 'width', label: 'width p', kind: 'number', value: 200, min: 1, max: 4000, step: 1 }, ...integration(400)],
    check: (s) => (s.targets && s.targets.length === s.points.length ? null : 'the autonomous construction needs one target per point: generate "short disjoint steps"'),
  },
  classify: {
    label: 'classify (two labelled classes)',
    params: [
      { key: 'classifyMethod', label: 'construction', kind: 'select', value: 'cluster', options: [['cluster', 'cluster (§C1)'], ['hat', 'hat, one point set at a time'], ['collinear', 'collinear, width 1 (§C2)']] },
      ...integration(40),
    ],
    check: (s) => (s.labels && s.classes === 2 ? null : 'classification needs two labelled classes: generate moons, circles, XOR or blobs with 2 classes'),
  },
  hardmax: {
    label: 'hardmax attention (leaders)',
    params: [
      { key: 'alpha', label: 'step weight α', kind: 'number', value: 0.5, min: 0.001, max: 100 },
      { key: 'steps', label: 'steps', kind: 'number', value: 60, min: 1, max: 400, step: 1 },
    ],
    check: (s) => (s.points.length / 2 <= 5000 ? null : 'attention dynamics in the playground: at most 5000 tokens'),
  },
  softmax: {
    label: 'softmax attention',
    params: [
      { key: 'alpha', label: 'step weight α', kind: 'number', value: 0.5, min: 0.001, max: 100 },
      { key: 'temperature', label: 'temperature', kind: 'number', value: 0.1, min: 0.001, max: 100 },
      { key: 'steps', label: 'steps', kind: 'number', value: 60, min: 1, max: 400, step: 1 },
    ],
    check: (s) => (s.points.length / 2 <= 5000 ? null : 'attention dynamics in the playground: at most 5000 tokens'),
  },
  sphere: {
    label: 'particles on the sphere S²',
    params: [
      { key: 'beta', label: 'inverse temperature β', kind: 'number', value: 1, min: 0, max: 100 },
      { key: 'steps', label: 'RK4 steps', kind: 'number', value: 300, min: 1, max: 20000, step: 1 },
      { key: 'dt', label: 'step size', kind: 'number', value: 0.05, min: 0.0001, max: 1 },
    ],
    check: (s) => (s.points.length / 2 <= 3000 ? null : 'particles on the sphere in the playground: at most 3000'),
  },
  flow: {
    label: 'flow the loaded controls',
    needsControls: true,
    params: [
      { key: 'method', label: 'method', kind: 'select', value: 'rk4', options: [['rk4', 'RK4'], ['euler', 'Euler'], ['exact', 'exact (closed form)']] },
      { key: 'stepsPerLayer', label: 'steps per layer', kind: 'number', value: 100, min: 1, max: 10000, step: 1 },
    ],
  },
  transportToUniform: {
    label: 'transport to the square U([0,1]²)',
    params: [
      { key: 'width', label: 'width p', kind: 'number', value: 3, min: 3, max: 64, step: 1 },
      { key: 'epsilon', label: 'accuracy ε', kind: 'number', value: 0.2, min: 0.02, max: 2 },
      ...integration(20),
    ],
  },
  transport: {
    label: 'transport to another cloud (the targets)',
    params: [
      { key: 'width', label: 'width p', kind: 'number', value: 3, min: 3, max: 64, step: 1 },
      { key: 'epsilon', label: 'accuracy ε', kind: 'number', value: 0.25, min: 0.02, max: 2 },
      ...integration(20),
    ],
    check: (s) => (s.targets ? null : 'transport needs a target cloud: generate the "density → ring" data set, or shift-click targets'),
  },
};

/** Integration of the animation: the construction's own end points are closed-form. */
function integration(steps: number): ParamSpec[] {
  return [
    { key: 'method', label: 'animate with', kind: 'select', value: 'exact', options: [['exact', 'exact (closed form)'], ['rk4', 'RK4'], ['euler', 'Euler']] },
    { key: 'stepsPerLayer', label: 'steps per layer', kind: 'number', value: steps, min: 1, max: 10000, step: 1 },
  ];
}

interface State {
  points: Float64Array;
  targets: Float64Array | null;
  labels: Int32Array | null;
  classes: number;
  /** Targets placed by shift-click before a matching point exists. */
  controlsJSON: string | null;
  controlsSummary: string;
  result: RunResult | null;
  series: Series | null;
  jobs: JobName[];
  runId: number;
  running: number | null;
}

const state: State = {
  points: new Float64Array(0),
  targets: null,
  labels: null,
  classes: 0,
  controlsJSON: null,
  controlsSummary: '',
  result: null,
  series: null,
  jobs: [],
  runId: 0,
  running: null,
};

const canvas = $<HTMLCanvasElement>('canvas');
const renderer = new Renderer(canvas);
const message = $<HTMLDivElement>('message');
const jobSelect = $<HTMLSelectElement>('job');
const paramsBox = $<HTMLDivElement>('params');
const runBtn = $<HTMLButtonElement>('run');
const cancelBtn = $<HTMLButtonElement>('cancel');
const progress = $<HTMLProgressElement>('progress');
const stage = $<HTMLParagraphElement>('stage');
const playBtn = $<HTMLButtonElement>('play');
const scrub = $<HTMLInputElement>('scrub');

function say(text: string, kind: 'error' | 'info' = 'error'): void {
  message.textContent = text;
  message.className = kind === 'info' ? 'info' : '';
  message.hidden = !text;
}

// ---------------------------------------------------------------------------------- worker
let worker: Worker;
let importWatch: { id: number; timer: ReturnType<typeof setTimeout> } | null = null;

function startWorker(): void {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'flowsteer' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onWorker(e.data);
  worker.onerror = (e) => {
    say(`the worker failed: ${e.message || 'could not start (is the page served over http, with worker.js next to main.js?)'}`);
    finishRun();
  };
}

function send(m: ToWorker): void {
  worker.postMessage(m);
}

function onWorker(m: FromWorker): void {
  switch (m.type) {
    case 'ready':
      $('backend').textContent = `kernels: ${m.backend}`;
      state.jobs = m.jobs;
      refreshJobs();
      break;
    case 'progress':
      if (m.id !== state.running) return;
      progress.value = m.fraction;
      stage.textContent = `${m.stage}… ${(100 * m.fraction).toFixed(0)} %`;
      break;
    case 'result':
      if (m.id !== state.running) return;
      finishRun();
      showResult(m);
      break;
    case 'cancelled':
      if (m.id !== state.running) return;
      finishRun();
      say('cancelled', 'info');
      break;
    case 'imported':
      if (!importWatch || importWatch.id !== m.id) return;
      clearTimeout(importWatch.timer);
      importWatch = null;
      setControls(m.controlsJSON, `imported: d = ${m.d}, width p = ${m.width}, ${m.layers} layer(s) (switches ${m.layers - 1}), T = ${fmt(m.T)}`);
      jobSelect.value = 'flow';
      renderParams();
      say('controls imported — press Run to flow them', 'info');
      break;
    case 'error':
      if (importWatch && importWatch.id === m.id) {
        clearTimeout(importWatch.timer);
        importWatch = null;
        say(`the controls file was rejected: ${m.message}`);
        return;
      }
      if (m.id === -1 || m.id === state.running) {
        finishRun();
        say(`${m.name}: ${m.message}`);
      }
      break;
  }
}

// ---------------------------------------------------------------------------------- jobs
function refreshJobs(): void {
  const current = jobSelect.value;
  jobSelect.textContent = '';
  for (const j of Object.keys(JOB_UI) as JobName[]) {
    if (!state.jobs.includes(j)) continue;
    const ui = JOB_UI[j];
    if (!ui || (ui.needsControls && !state.controlsJSON)) continue;
    const o = document.createElement('option');
    o.value = j;
    o.textContent = ui.label;
    jobSelect.append(o);
  }
  if (Array.from(jobSelect.options).some((o) => o.value === current)) jobSelect.value = current;
  const none = jobSelect.options.length === 0;
  jobSelect.disabled = none;
  runBtn.disabled = none || state.running !== null;
  // Keep what the user typed when the selected job did not change.
  if (jobSelect.value !== current || paramsBox.childElementCount === 0) renderParams();
}

function renderParams(): void {
  paramsBox.textContent = '';
  const ui = JOB_UI[jobSelect.value as JobName];
  if (!ui) return;
  for (const p of ui.params) {
    const label = document.createElement('label');
    label.textContent = p.label + ' ';
    let input: HTMLInputElement | HTMLSelectElement;
    if (p.kind === 'select') {
      input = document.createElement('select');
      for (const [v, t] of p.options ?? []) {
        const o = document.createElement('option');
        o.value = v;
        o.textContent = t;
        input.append(o);
      }
    } else {
      input = document.createElement('input');
      input.type = 'number';
      if (p.min !== undefined) input.min = String(p.min);
      if (p.max !== undefined) input.max = String(p.max);
      if (p.step !== undefined) input.step = String(p.step);
    }
    input.value = String(p.value);
    input.id = `param-${p.key}`;
    input.dataset.key = p.key;
    input.dataset.kind = p.kind;
    label.append(input);
    paramsBox.append(label);
  }
}

function readParams(ui: JobUi): JobParams | string {
  const out: Record<string, unknown> = {};
  for (const p of ui.params) {
    const el = document.getElementById(`param-${p.key}`) as HTMLInputElement | HTMLSelectElement | null;
    if (!el) continue;
    if (p.kind === 'number') {
      const v = Number(el.value);
      if (!Number.isFinite(v) || (p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max) || (p.step === 1 && !Number.isInteger(v))) {
        return `${p.label} must be ${p.step === 1 ? 'an integer' : 'a number'} in [${p.min}, ${p.max}], got "${el.value}"`;
      }
      out[p.key] = v;
    } else out[p.key] = el.value;
  }
  return out as JobParams;
}

function run(): void {
  const job = jobSelect.value as JobName;
  const ui = JOB_UI[job];
  if (!ui) return;
  const n = state.points.length / 2;
  if (n === 0) return say('there are no points: generate a data set or click the canvas');
  const problem = ui.check?.(state);
  if (problem) return say(problem);
  const params = readParams(ui);
  if (typeof params === 'string') return say(params);
  if (ui.needsControls) params.controlsJSON = state.controlsJSON ?? undefined;
  say('');
  const id = ++state.runId;
  state.running = id;
  renderer.pause();
  runBtn.disabled = true;
  cancelBtn.hidden = false;
  progress.hidden = false;
  progress.value = 0;
  stage.textContent = 'starting…';
  send({
    type: 'run',
    id,
    job,
    params,
    data: { points: state.points.slice(), targets: state.targets?.slice() ?? null, labels: state.labels?.slice() ?? null, classes: state.classes },
  });
}

function finishRun(): void {
  state.running = null;
  runBtn.disabled = jobSelect.options.length === 0;
  cancelBtn.hidden = true;
  progress.hidden = true;
  stage.textContent = '';
}

function showResult(r: RunResult): void {
  state.result = r;
  if (r.controlsJSON && r.job !== 'flow') setControls(r.controlsJSON, `constructed by ${(JOB_UI[r.job] as JobUi | undefined)?.label ?? String(r.job)}`);
  renderer.keepView = false;
  renderer.setScene({
    n: r.n,
    frames: r.frames,
    positions: r.positions,
    times: r.times,
    frameLayer: r.frameLayer,
    layers: r.layers,
    width: r.width,
    labels: state.labels && state.labels.length === r.n ? state.labels : null,
    targets: state.targets,
    leaders: r.leaders,
    readout: r.readout,
    timeLabel: r.timeLabel,
  });
  state.series = r.series;
  drawSeries(0);
  showMetrics([...r.metrics, { key: 'elapsed', label: 'computed in (ms)', value: Math.round(r.elapsedMs) }, { key: 'frames', label: 'frames recorded', value: r.frames }]);
  playBtn.disabled = r.frames < 2;
  scrub.disabled = r.frames < 2;
  renderer.play();
  playBtn.textContent = 'Pause';
}

function showMetrics(ms: Metric[]): void {
  const body = $('metrics').querySelector('tbody')!;
  body.textContent = '';
  for (const m of ms) {
    const tr = document.createElement('tr');
    tr.dataset.key = m.key;
    const a = document.createElement('td');
    a.textContent = m.label;
    const b = document.createElement('td');
    b.className = 'value';
    b.id = `metric-${m.key}`;
    b.textContent = typeof m.value === 'number' ? fmt(m.value) : m.value;
    b.dataset.value = String(m.value);
    tr.append(a, b);
    body.append(tr);
  }
}

/** The measured series (e.g. W₁ to the target over time) with a marker at the animation's time. */
function drawSeries(t: number): void {
  const c = $<HTMLCanvasElement>('series');
  const s = state.series;
  c.hidden = !s;
  $('series-label').hidden = !s;
  if (!s) return;
  $('series-label').textContent = s.label;
  const g = c.getContext('2d')!;
  const W = c.width, H = c.height, L = 44, B = 22, R = 8, T = 8;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, W, H);
  const tmax = Math.max(s.t[s.t.length - 1], 1e-12), vmax = Math.max(...s.v, 1e-12);
  const X = (x: number) => L + ((W - L - R) * x) / tmax, Y = (y: number) => H - B - ((H - B - T) * y) / vmax;
  g.strokeStyle = '#b9c0cf';
  g.beginPath();
  g.moveTo(L, T);
  g.lineTo(L, H - B);
  g.lineTo(W - R, H - B);
  g.stroke();
  g.fillStyle = '#5b6477';
  g.font = '11px system-ui, sans-serif';
  g.fillText(fmt(vmax), 2, T + 8);
  g.fillText('0', L - 12, H - B);
  g.fillText(`t = ${fmt(tmax)}`, W - R - 52, H - 6);
  g.strokeStyle = '#0072b2';
  g.lineWidth = 2;
  g.beginPath();
  s.t.forEach((x, i) => (i ? g.lineTo(X(x), Y(s.v[i])) : g.moveTo(X(x), Y(s.v[i]))));
  g.stroke();
  g.fillStyle = '#0072b2';
  s.t.forEach((x, i) => g.fillRect(X(x) - 2, Y(s.v[i]) - 2, 4, 4));
  g.strokeStyle = '#d55e00';
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(X(Math.min(t, tmax)), T);
  g.lineTo(X(Math.min(t, tmax)), H - B);
  g.stroke();
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(4);
}

function setControls(json: string, summary: string): void {
  state.controlsJSON = json;
  state.controlsSummary = summary;
  $('controls-summary').textContent = summary;
  $<HTMLButtonElement>('export-json').hidden = false;
  refreshJobs();
}

// ---------------------------------------------------------------------------------- data
function generateData(): void {
  const name = $<HTMLSelectElement>('dataset').value as DatasetName;
  if (!DATASETS.includes(name)) return;
  const n = Number($<HTMLInputElement>('n').value);
  const seed = Number($<HTMLInputElement>('seed').value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_POINTS) return say(`N must be an integer in [1, ${MAX_POINTS}], got "${$<HTMLInputElement>('n').value}"`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return say('seed must be an integer in [0, 2^32)');
  const ds = generate(name, { n, seed, classes: Number($<HTMLInputElement>('classes').value) });
  setData(ds.points, ds.targets, ds.labels, ds.classes);
  say('');
}

function setData(points: Float64Array, targets: Float64Array | null, labels: Int32Array | null, classes: number, keepView = false): void {
  state.points = points;
  state.targets = targets;
  state.labels = labels;
  state.classes = classes;
  state.result = null;
  state.series = null;
  drawSeries(0);
  renderer.pause();
  renderer.keepView = keepView;
  renderer.showData(points, targets, labels);
  playBtn.disabled = true;
  scrub.disabled = true;
  const n = points.length / 2;
  const parts = [`${n} point${n === 1 ? '' : 's'}`];
  if (targets) parts.push(`${targets.length / 2} target${targets.length === 2 ? '' : 's'}`);
  if (labels) parts.push(`${classes} classes`);
  $('data-summary').textContent = parts.join(', ');
  const cc = $<HTMLSelectElement>('click-class');
  if (cc.options.length !== classes) {
    cc.textContent = '';
    for (let k = 0; k < classes; k++) {
      const o = document.createElement('option');
      o.value = String(k);
      o.textContent = `class ${k}`;
      cc.append(o);
    }
  }
  $('click-class-row').hidden = !labels;
}

function onCanvasClick(e: MouseEvent): void {
  const rect = canvas.getBoundingClientRect();
  const px = ((e.clientX - rect.left) / rect.width) * canvas.width;
  const py = ((e.clientY - rect.top) / rect.height) * canvas.height;
  const [x, y] = renderer.toWorld(px, py);
  if (e.shiftKey) {
    const t = state.targets ?? new Float64Array(0);
    const next = new Float64Array(t.length + 2);
    next.set(t);
    next[t.length] = x;
    next[t.length + 1] = y;
    setData(state.points, next, state.labels, state.classes, true);
  } else {
    const next = new Float64Array(state.points.length + 2);
    next.set(state.points);
    next[state.points.length] = x;
    next[state.points.length + 1] = y;
    let labels = state.labels;
    if (labels) {
      const l = new Int32Array(labels.length + 1);
      l.set(labels);
      l[labels.length] = Math.min(state.classes - 1, Math.max(0, Number($<HTMLSelectElement>('click-class').value) || 0));
      labels = l;
    }
    setData(next, state.targets, labels, state.classes, true);
  }
}

// ---------------------------------------------------------------------------------- files
function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

async function importFile(file: File): Promise<void> {
  if (file.size > IMPORT_LIMITS.maxBytes) {
    say(`the controls file was rejected: it is ${(file.size / 2 ** 20).toFixed(1)} MiB, the playground accepts at most ${IMPORT_LIMITS.maxBytes / 2 ** 20} MiB`);
    return;
  }
  const text = await file.text();
  const id = ++state.runId;
  // A file that keeps the worker busy too long costs the worker, never the tab.
  const timer = setTimeout(() => {
    importWatch = null;
    worker.terminate();
    startWorker();
    say(`the controls file was rejected: checking it took longer than ${IMPORT_LIMITS.timeoutMs / 1000} s`);
  }, IMPORT_LIMITS.timeoutMs);
  importWatch = { id, timer };
  say('checking the controls file…', 'info');
  send({ type: 'import', id, text });
}

// ---------------------------------------------------------------------------------- wiring
$('generate').addEventListener('click', generateData);
$('clear').addEventListener('click', () => setData(new Float64Array(0), null, null, 0, true));
$<HTMLSelectElement>('dataset').addEventListener('change', () => {
  $('classes-row').hidden = $<HTMLSelectElement>('dataset').value !== 'blobs';
  generateData();
});
jobSelect.addEventListener('change', renderParams);
runBtn.addEventListener('click', run);
cancelBtn.addEventListener('click', () => {
  if (state.running !== null) send({ type: 'cancel', id: state.running });
});
canvas.addEventListener('click', onCanvasClick);
playBtn.addEventListener('click', () => {
  if (renderer.isPlaying) {
    renderer.pause();
    playBtn.textContent = 'Play';
  } else {
    renderer.play();
    playBtn.textContent = 'Pause';
  }
});
scrub.addEventListener('input', () => {
  renderer.pause();
  playBtn.textContent = 'Play';
  renderer.seek(Number(scrub.value) / 1000);
});
$<HTMLSelectElement>('camera').addEventListener('change', () => renderer.setCamera($<HTMLSelectElement>('camera').value === 'whole' ? 'whole' : 'follow'));
$<HTMLSelectElement>('speed').addEventListener('change', () => {
  renderer.duration = Number($<HTMLSelectElement>('speed').value);
});
renderer.onFrame = (u, sc) => {
  if (sc.frames > 1) scrub.value = String(Math.round((1000 * u) / (sc.frames - 1)));
  if (state.series) {
    const f = Math.min(sc.frames - 1, Math.floor(u)), a = u - f;
    drawSeries((1 - a) * sc.times[f] + a * sc.times[Math.min(sc.frames - 1, f + 1)]);
  }
};
$<HTMLInputElement>('trails').addEventListener('change', () => renderer.setTrails($<HTMLInputElement>('trails').checked));
$<HTMLInputElement>('import').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  if (file) void importFile(file);
  input.value = '';
});
$('export-png').addEventListener('click', () => canvas.toBlob((b) => b && download('flowsteer.png', b), 'image/png'));
$('export-svg').addEventListener('click', () => download('flowsteer.svg', new Blob([renderer.toSVG()], { type: 'image/svg+xml' })));
$('export-json').addEventListener('click', () => {
  if (state.controlsJSON) download('flowsteer-controls.json', new Blob([state.controlsJSON], { type: 'application/json' }));
});

$('classes-row').hidden = true;
startWorker();
generateData();
refreshJobs();

/** A handle for the browser tests and the devtools console (read-only use). */
(globalThis as unknown as { flowsteerPlayground: unknown }).flowsteerPlayground = { renderer, state };
