/**
 * Messages between the page (web/main.ts) and the worker (web/worker.ts). All computation
 * happens in the worker; large arrays travel as transferable typed arrays (no copies).
 */

/** The data on the canvas, 2-D, row-major. */
export interface DataMessage {
  points: Float64Array;
  targets: Float64Array | null;
  labels: Int32Array | null;
  classes: number;
}

export type JobName = 'interpolate' | 'autonomous' | 'classify' | 'transportToUniform' | 'transport' | 'hardmax' | 'softmax' | 'sphere' | 'flow';

export interface JobParams {
  /** 'flow': the controls to integrate (JSON of controlsToJSON). */
  controlsJSON?: string;
  method?: 'rk4' | 'euler' | 'exact';
  stepsPerLayer?: number;
  /** Width p of the constructed controls. */
  width?: number;
  /** Accuracy ε of a construction (transport: W_q ≤ ε). */
  epsilon?: number;
  /** classify: construction ('cluster' | 'hat' | 'collinear'). */
  classifyMethod?: string;
  /** attention: step weight α, steps, softmax temperature. */
  alpha?: number;
  steps?: number;
  temperature?: number;
  /** sphere: inverse temperature β and step size. */
  beta?: number;
  dt?: number;
}

/** A quantity measured along the run, e.g. W₁ to the target measure at a few frame times. */
export interface Series {
  label: string;
  t: number[];
  v: number[];
}

export type ToWorker =
  | { type: 'run'; id: number; job: JobName; data: DataMessage; params: JobParams }
  | { type: 'cancel'; id: number }
  | { type: 'import'; id: number; text: string };

export interface Metric {
  key: string;
  label: string;
  value: number | string;
}

export interface LayerInfo {
  duration: number;
  W: Float64Array;
  A: Float64Array;
  b: Float64Array;
}

export interface RunResult {
  type: 'result';
  id: number;
  job: JobName;
  n: number;
  /** Recorded frames and their times. positions: frames × n × 2 (float32: enough for pixels). */
  frames: number;
  times: Float64Array;
  positions: Float32Array;
  /** Index of the layer acting on (times[f], times[f+1]] for every frame f (last frame: last layer). */
  frameLayer: Int32Array | null;
  layers: LayerInfo[] | null;
  width: number;
  controlsJSON: string | null;
  metrics: Metric[];
  /** When the worker computes them: per-frame leader flags (frames × n, 1 = leader). */
  leaders: Uint8Array | null;
  series: Series | null;
  /** Classification: class 1 ⟺ x[axis] > offset at time T (drawn as a dashed line). */
  readout?: { axis: number; offset: number };
  /** What the frame times count: ODE time, or steps of a discrete dynamics. */
  timeLabel?: 't' | 'step';
  elapsedMs: number;
}

export type FromWorker =
  | { type: 'ready'; backend: string; jobs: JobName[] }
  | { type: 'progress'; id: number; fraction: number; stage: string }
  | RunResult
  | { type: 'imported'; id: number; controlsJSON: string; d: number; width: number; layers: number; T: number }
  | { type: 'error'; id: number; name: string; message: string }
  | { type: 'cancelled'; id: number };

/** Limits on imported controls (the file is untrusted). */
export const IMPORT_LIMITS = {
  /** Bytes of the file, checked on the page before reading it. */
  maxBytes: 8 * 2 ** 20,
  /** Parameters in all layers together (controlsFromJSON's maxParameters). */
  maxParameters: 2_000_000,
  /** The worker must answer an import within this many ms, or it is restarted. */
  timeoutMs: 10_000,
};

/** Recorded frames are capped so that frames × n × 2 stays within this many values. */
export const MAX_FRAME_VALUES = 8_000_000;
export const MAX_FRAMES = 400;
