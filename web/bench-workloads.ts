/**
 * Workloads timed both in Node (scripts/bench-browser.mjs) and in Chromium (web/bench.html),
 * with the same timer, so that the ratio browser / Node compares like with like. The library
 * is passed in (the page bundles src/, Node runs the same code bundled for Node).
 *
 * The timer: a few warm-up calls, then batches of calls whose size doubles until one batch takes
 * ≥ 40 ms; batches are repeated until `minMs` have passed; we report the median seconds per call
 * (median: robust against the odd GC pause or a neighbour's burst on a shared machine).
 */
import type * as Flowsteer from '../src/index.js';

export type Lib = typeof Flowsteer;

export interface WorkloadTiming {
  name: string;
  backend: string;
  /** Median seconds per call. */
  seconds: number;
  samples: number;
}

interface Workload {
  name: string;
  backend: 'wasm' | 'js';
  setup(lib: Lib): () => unknown;
}

function controls(lib: Lib, d: number, p: number, layers: number) {
  const rng = lib.createRng(7);
  const ls = [];
  for (let l = 0; l < layers; l++) {
    const A = new Float64Array(p * d), W = new Float64Array(d * p), b = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      const u = rng.unitVector(d);
      for (let k = 0; k < d; k++) A[i * d + k] = u[k];
      b[i] = 0.3 * rng.normal();
    }
    for (let j = 0; j < d * p; j++) W[j] = rng.normal() / Math.sqrt(p);
    ls.push({ duration: 1 / layers, W, A, b });
  }
  return lib.makeControls({ d, width: p, layers: ls });
}

function cloud(lib: Lib, n: number, d: number) {
  const rng = lib.createRng(3);
  const data = new Float64Array(n * d);
  for (let j = 0; j < data.length; j++) data[j] = rng.normal();
  return { n, d, data };
}

export const WORKLOADS: Workload[] = [
  {
    name: 'field n=1e5 d=2 p=16',
    backend: 'wasm',
    setup(lib) {
      const c = controls(lib, 2, 16, 1), X = cloud(lib, 100_000, 2), out = new Float64Array(200_000);
      return () => lib.field(c.layers[0], X, out, { d: 2, width: 16 });
    },
  },
  ...(['rk4', 'euler'] as const).flatMap((method) =>
    (['wasm', 'js'] as const).map((backend) => ({
      name: `flow ${method} n=1e4 d=2 p=8 L=4×100 steps`,
      backend,
      setup(lib: Lib) {
        const c = controls(lib, 2, 8, 4), X = cloud(lib, 10_000, 2), out = new Float64Array(20_000);
        return () => lib.flow(c, X, { method, stepsPerLayer: 100, out });
      },
    })),
  ),
  {
    name: 'flow rk4 n=1e5 d=2 p=4 L=8×50 steps + trajectory/50',
    backend: 'wasm',
    setup(lib) {
      const c = controls(lib, 2, 4, 8), X = cloud(lib, 100_000, 2);
      return () => lib.flow(c, X, { stepsPerLayer: 50, trajectory: { every: 50 } });
    },
  },
  {
    name: 'flow exact n=2000 d=2 p=8 L=4',
    backend: 'js',
    setup(lib) {
      const c = controls(lib, 2, 8, 4), X = cloud(lib, 2000, 2);
      return () => lib.flow(c, X, { method: 'exact' });
    },
  },
  // The other kernel families of bench/attention and bench/wasserstein, at browser-friendly sizes.
  {
    name: 'hardmax n=1000 d=16 10 steps',
    backend: 'wasm',
    setup(lib) {
      const Z = cloud(lib, 1000, 16);
      return () => lib.hardmaxDynamics(Z, { alpha: 1, steps: 10 });
    },
  },
  {
    name: 'softmax n=1000 d=16 T=0.1 10 steps',
    backend: 'wasm',
    setup(lib) {
      const Z = cloud(lib, 1000, 16);
      return () => lib.softmaxDynamics(Z, { alpha: 1, temperature: 0.1, steps: 10 });
    },
  },
  {
    name: 'sinkhorn n=m=500 d=2 eps=0.05 100 it',
    backend: 'wasm',
    setup(lib) {
      const X = cloud(lib, 500, 2), Y = cloud(lib, 500, 2);
      return () => lib.sinkhorn(X, Y, { epsilon: 0.05, maxIterations: 100, tolerance: 0 });
    },
  },
  {
    name: 'wasserstein1d n=1e5',
    backend: 'wasm',
    setup(lib) {
      const X = cloud(lib, 100_000, 1), Y = cloud(lib, 100_000, 1);
      return () => lib.wasserstein1d(X.data, Y.data);
    },
  },
];

const now = () => performance.now();

export function measure(fn: () => unknown, minMs = 800): { seconds: number; samples: number } {
  for (let i = 0; i < 3; i++) fn();
  let k = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < k; i++) fn();
    if (now() - t0 >= 40 || k >= 1 << 20) break;
    k *= 2;
  }
  const per: number[] = [];
  const start = now();
  while (per.length < 5 || now() - start < minMs) {
    const t0 = now();
    for (let i = 0; i < k; i++) fn();
    per.push((now() - t0) / 1000 / k);
    if (per.length >= 200) break;
  }
  per.sort((a, b) => a - b);
  return { seconds: per[per.length >> 1], samples: per.length };
}

/** Times every workload; `onEach` sees each result as it arrives (the page shows them live). */
export async function runWorkloads(lib: Lib, options: { minMs?: number; onEach?: (t: WorkloadTiming) => void; yieldTo?: () => Promise<void> } = {}): Promise<WorkloadTiming[]> {
  const out: WorkloadTiming[] = [];
  for (const w of WORKLOADS) {
    const backend = await lib.init({ backend: w.backend });
    const fn = w.setup(lib);
    const m = measure(fn, options.minMs);
    const t: WorkloadTiming = { name: w.name, backend, ...m };
    out.push(t);
    options.onEach?.(t);
    await options.yieldTo?.();
  }
  return out;
}
