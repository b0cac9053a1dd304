/**
 * A pool of worker threads (Node `worker_threads`, browser module Web Workers) that run library
 * functions on chunks of the work. Why chunked messages and not WebAssembly shared memory: see
 * docs/algorithms/parallel.md (measured: moving the data costs < 1 % of the work it carries; shared
 * memory would need a separate atomics build of the kernels and COOP/COEP headers on every page).
 *
 * Each worker instantiates the module init() compiled (the WebAssembly.Module is posted, not
 * re-fetched) with the same backend and variant, so results are bit-identical to one thread.
 * Workers are created lazily, kept between calls (unref'd in Node while idle, so they never keep
 * a process alive) and ended by `terminateWorkers()`. An AbortSignal terminates the workers busy
 * with the aborted call (they are replaced on demand); a worker that dies rejects its call with
 * WorkerError; typed errors thrown inside a worker arrive as the same error classes.
 */
import { AbortError, InvalidArgumentError, WorkerError } from '../errors.js';
import { activeSetup } from '../runtime/loader.js';
import { reviveError, type SerializedError } from './transfer.js';
import { defaultWorkerUrl } from './worker-source.js';

interface Port {
  post(msg: unknown, transfer?: Transferable[]): void;
  onMessage(cb: (msg: WorkerReply) => void): void;
  onFailure(cb: (detail: string) => void): void;
  ref(busy: boolean): void;
  terminate(): void;
}

type WorkerReply =
  | { type: 'ready' }
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedError }
  | { type: 'fatal'; error: SerializedError };

interface Task {
  id: number;
  /** Most workers this task's call may use. */
  threads: number;
  fn: string;
  args: unknown[];
  transfer: Transferable[];
  onProgress?: (f: number) => void;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

interface Slot {
  port: Port;
  ready: Promise<void>;
  task: Task | null;
  dead: boolean;
}

let workerUrl: URL | null | undefined;
/** Where the worker script is (default: `worker.js` beside the bundle). Tests and unusual deployments set it. */
export function setWorkerUrl(url: URL | string | null): void {
  workerUrl = url === null ? null : new URL(String(url));
}

/** Cores of this machine (navigator.hardwareConcurrency or os.availableParallelism()), at least 1. */
export function defaultThreads(): number {
  const g = globalThis as { navigator?: { hardwareConcurrency?: number } };
  const c = g.navigator?.hardwareConcurrency ?? nodeCores ?? 1;
  return Math.max(1, Math.min(64, Math.floor(c)));
}
let nodeCores: number | undefined;
const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
if (isNode) {
  const osName = 'node:os';
  import(/* @vite-ignore */ /* webpackIgnore: true */ osName).then(
    (os: { availableParallelism?: () => number; cpus: () => unknown[] }) => {
      nodeCores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
    },
    () => undefined,
  );
}

/** Validates a `threads` option: an integer in [1, 64]; undefined → `fallback`. */
export function checkThreads(v: unknown, fallback: number, name = 'options.threads'): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 64) throw new InvalidArgumentError(name, v, 'an integer in [1, 64] (worker threads; 1 runs on the calling thread)');
  return v;
}

class WorkerPool {
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private nextId = 1;

  get live(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  run(fn: string, args: unknown[], opts: { threads: number; transfer?: Transferable[]; onProgress?: (f: number) => void; signal?: AbortSignal }): Promise<unknown> {
    if (opts.signal?.aborted) return Promise.reject(new AbortError(fn));
    return new Promise((resolve, reject) => {
      const task: Task = { id: this.nextId++, threads: opts.threads, fn, args, transfer: opts.transfer ?? [], onProgress: opts.onProgress, resolve, reject };
      const onAbort = (): void => {
        const q = this.queue.indexOf(task);
        if (q >= 0) this.queue.splice(q, 1);
        const slot = this.slots.find((s) => s.task === task);
        if (slot) this.kill(slot);
        reject(new AbortError(fn));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const done = <T>(f: (v: T) => void) => (v: T): void => {
        opts.signal?.removeEventListener('abort', onAbort);
        f(v);
      };
      task.resolve = done(resolve);
      task.reject = done(reject);
      this.queue.push(task);
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.dead && !s.task);
      if (!slot && this.live < this.queue[0].threads) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.port.ref(true);
      const s = slot;
      s.ready.then(
        () => {
          if (s.task !== task || s.dead) return;
          s.port.post({ type: 'call', id: task.id, fn: task.fn, args: task.args, progress: !!task.onProgress }, task.transfer);
        },
        (e) => this.fail(s, String(e)),
      );
    }
  }

  private spawn(): Slot {
    const setup = activeSetup();
    if (!setup) throw new InvalidArgumentError('threads', 'workers before init()', 'call `await init()` first');
    const url = workerUrl === undefined ? defaultWorkerUrl() : workerUrl;
    if (!url) throw new InvalidArgumentError('threads', 'workers in this bundle', 'threads: 1 (this bundle has no worker script; use the node or browser build)');
    const slot: Slot = { port: null as unknown as Port, ready: Promise.resolve(), task: null, dead: false };
    let markReady: () => void = () => undefined;
    let markFailed: (e: unknown) => void = () => undefined;
    slot.ready = new Promise<void>((res, rej) => {
      markReady = res;
      markFailed = rej;
    });
    slot.ready.catch(() => undefined);
    slot.port = makePort(url);
    slot.port.onMessage((m) => {
      if (m.type === 'ready') return markReady();
      if (m.type === 'fatal') {
        markFailed(m.error.message);
        return this.fail(slot, m.error.message);
      }
      const task = slot.task;
      if (!task || m.id !== task.id) return;
      if (m.type === 'progress') return task.onProgress?.(m.fraction);
      slot.task = null;
      slot.port.ref(false);
      if (m.ok) task.resolve(m.value);
      else task.reject(reviveError(m.error));
      this.pump();
    });
    slot.port.onFailure((detail) => {
      markFailed(detail);
      this.fail(slot, detail);
    });
    slot.port.post({ type: 'init', backend: setup.backend, variant: setup.variant, module: setup.module });
    slot.port.ref(false);
    this.slots.push(slot);
    return slot;
  }

  private fail(slot: Slot, detail: string): void {
    const task = slot.task;
    this.kill(slot);
    if (task) task.reject(new WorkerError(task.fn, detail));
  }

  private kill(slot: Slot): void {
    if (slot.dead) return;
    slot.dead = true;
    slot.task = null;
    slot.port.terminate();
    this.slots = this.slots.filter((s) => s !== slot);
  }

  terminate(): void {
    for (const s of [...this.slots]) {
      const t = s.task;
      this.kill(s);
      t?.reject(new AbortError(t.fn));
    }
    for (const t of this.queue.splice(0)) t.reject(new AbortError(t.fn));
  }
}

function makePort(url: URL): Port {
  if (isNode) return nodePort(url);
  const W = (globalThis as { Worker?: new (u: URL, o: { type: 'module' }) => Worker }).Worker;
  if (!W) throw new InvalidArgumentError('threads', 'workers in this environment', 'threads: 1 (no Web Workers here)');
  const w = new W(url, { type: 'module' });
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer ?? []),
    onMessage: (cb) => w.addEventListener('message', (e) => cb((e as MessageEvent).data)),
    onFailure: (cb) => w.addEventListener('error', (e) => cb((e as ErrorEvent).message || 'worker error')),
    ref: () => undefined,
    terminate: () => w.terminate(),
  };
}

type NodeWorker = {
  postMessage(m: unknown, t?: Transferable[]): void;
  on(ev: string, cb: (x: never) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
};
let NodeWorkerClass: (new (u: URL) => NodeWorker) | null = null;

/** Loads node:worker_threads once (before the first pool call in Node). */
export async function prepareWorkers(): Promise<void> {
  if (!isNode || NodeWorkerClass) return;
  const name = 'node:worker_threads';
  NodeWorkerClass = ((await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as { Worker: new (u: URL) => NodeWorker }).Worker;
}

function nodePort(url: URL): Port {
  if (!NodeWorkerClass) throw new InvalidArgumentError('threads', 'workers before prepareWorkers()', 'internal: await prepareWorkers() first');
  const w = new NodeWorkerClass(url);
  let failed = false;
  const handlers: ((d: string) => void)[] = [];
  const failure = (d: string): void => {
    if (failed) return;
    failed = true;
    for (const h of handlers) h(d);
  };
  w.on('error', (e: Error) => failure(e?.message ?? String(e)));
  w.on('exit', (code: number) => failure(`exited with code ${code}`));
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer),
    onMessage: (cb) => w.on('message', cb as (x: never) => void),
    onFailure: (cb) => handlers.push(cb),
    ref: (busy) => (busy ? w.ref() : w.unref()),
    terminate: () => {
      failed = true;
      void w.terminate();
    },
  };
}

let shared: WorkerPool | null = null;

/** Runs library function `fn` (an export of flowsteer) with `args` on a worker of the shared pool. */
export async function runOnWorker(fn: string, args: unknown[], opts: { threads: number; transfer?: Transferable[]; onProgress?: (f: number) => void; signal?: AbortSignal }): Promise<unknown> {
  await prepareWorkers();
  shared ??= new WorkerPool();
  return shared.run(fn, args, opts);
}

/** Ends every worker thread of the pool (pending calls reject with AbortError). New calls start new ones. */
export function terminateWorkers(): void {
  shared?.terminate();
  shared = null;
}

/** Worker threads alive now (for leak checks and diagnostics). */
export function liveWorkers(): number {
  return shared?.live ?? 0;
}

/**
 * Runs `count` tasks with at most `threads` in flight (so a call never queues more than it can
 * run, and an abort has at most `threads` listeners to reach); results in order.
 */
export async function runLimited<T>(count: number, threads: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0, failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < count) {
      const i = next++;
      try {
        out[i] = await task(i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(threads, count) }, lane));
  return out;
}
