/**
 * Bit-identity workload: runs every kernel of the library on the same seeded inputs and hashes
 * the Float64Array outputs (SHA-256 of the raw IEEE-754 bytes). The same function runs in Node
 * (test/browser/hashes.test.ts imports it with src/index.ts) and in Chromium (the test imports
 * the published browser bundles build/browser/index.js and build/inline/index.js and this file
 * from web/dist), so equal hashes mean the kernels give bit-identical results in both.
 * The library is passed in: this module bundles none of it.
 */
import type * as Flowsteer from '../src/index.js';

export type Lib = typeof Flowsteer;

export interface KernelHash {
  /** Workload name, e.g. 'flow/rk4 d=2 p=5'. */
  name: string;
  backend: string;
  /** Hex digest, or the error message when the workload threw. */
  sha256: string;
  /** Number of doubles hashed (−1: the workload threw). */
  length: number;
  /** The first values, to show in a failure message. */
  head: number[];
  /** False for workloads compared to a tolerance (they call engine-dependent Math functions). */
  bitExact: boolean;
  /** All values, for the workloads compared to a tolerance. */
  values?: number[];
}

/** max |a − b| / max(1, max |b|): the relative difference of two outputs, on their own scale. */
export function relativeDifference(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let scale = 1, diff = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}

/*
 * Inputs use only rng.uniform() (integer arithmetic), +, ×, ÷ and Math.sqrt (correctly rounded
 * by IEEE 754): Math.log / Math.exp / Math.pow are NOT the same function in every V8 — Node 20's
 * and Chromium 156's differ in the last bit for some arguments (so rng.normal(), which takes a
 * logarithm, can differ too). The inputs must be identical for the outputs to say anything.
 */
function symmetric(rng: ReturnType<Lib['createRng']>): number {
  return 2 * rng.uniform() - 1;
}

function randomControls(lib: Lib, seed: number, d: number, p: number, layers: number, T: number) {
  const rng = lib.createRng(seed);
  const ls = [];
  for (let l = 0; l < layers; l++) {
    const A = new Float64Array(p * d), W = new Float64Array(d * p), b = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let norm = 0;
      for (let k = 0; k < d; k++) norm += (A[i * d + k] = symmetric(rng)) ** 2;
      norm = Math.sqrt(norm);
      for (let k = 0; k < d; k++) A[i * d + k] /= norm;
      b[i] = 0.5 * symmetric(rng);
    }
    for (let j = 0; j < d * p; j++) W[j] = (1.7 * symmetric(rng)) / Math.sqrt(p);
    ls.push({ duration: T / layers, W, A, b });
  }
  return lib.makeControls({ d, width: p, layers: ls });
}

function randomCloud(lib: Lib, seed: number, n: number, d: number) {
  const rng = lib.createRng(seed);
  const data = new Float64Array(n * d);
  for (let j = 0; j < data.length; j++) data[j] = 2 * symmetric(rng);
  return { n, d, data };
}

async function sha256(a: Float64Array): Promise<string> {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The outputs of every workload, as named Float64Arrays (the active backend of `lib`). A
 * workload that throws yields its error message instead, so one broken function does not hide
 * the others (and the message shows where it broke: e.g. Node-only code in a browser).
 */
export function kernelOutputs(lib: Lib): [string, Float64Array | string, boolean][] {
  const out: [string, Float64Array | string, boolean][] = [];
  /** `bitExact` false: the workload calls Math.log/exp/…, which ECMAScript leaves to the engine. */
  const add = (name: string, f: () => Float64Array, bitExact = true) => {
    try {
      out.push([name, f(), bitExact]);
    } catch (e) {
      out.push([name, `${(e as Error).name}: ${(e as Error).message}`, bitExact]);
    }
  };
  // Odd sizes on purpose: they exercise the scalar tails after the f64x2 SIMD pairs.
  for (const [d, p, n] of [[2, 5, 257], [3, 7, 101], [5, 16, 64]] as const) {
    const c = randomControls(lib, 10 + d, d, p, 3, 1.5);
    const X = randomCloud(lib, 20 + d, n, d);
    out.push([`field d=${d} p=${p}`, lib.field(c.layers[0], X, undefined, { d, width: p }).data, true]);
    for (const method of ['rk4', 'euler'] as const) {
      const r = lib.flow(c, X, { method, stepsPerLayer: 40, trajectory: { every: 7 } });
      out.push([`flow/${method} d=${d} p=${p}`, r.data, true]);
      out.push([`flow/${method} trajectory d=${d} p=${p}`, r.trajectory!.data, true]);
    }
    if (d <= 3) {
      const small = { n: 32, d, data: X.data.slice(0, 32 * d) };
      const r = lib.flow(c, small, { method: 'exact', stepsPerLayer: 10, trajectory: true });
      out.push([`flow/exact d=${d} p=${p}`, r.data, true]);
      out.push([`flow/exact trajectory d=${d} p=${p}`, r.trajectory!.data, true]);
    }
  }
  // Attention kernels (eq. 4.1, 4.2, sphere RK4) and exact W₁ (cost matrix + EMD): bit-exact.
  // The constructions are TypeScript that calls Math.log / Math.exp / Math.cos…, whose last bit
  // ECMAScript leaves to the engine (Node 20's V8 and Chromium's differ): compared to a tolerance.
  const Z = randomCloud(lib, 31, 61, 2);
  add('hardmax d=2', () => lib.hardmaxDynamics(Z, { steps: 20 }).tokens.data);
  const Z5 = randomCloud(lib, 32, 37, 5);
  add('hardmax d=5', () => lib.hardmaxDynamics(Z5, { steps: 20 }).tokens.data);
  add('softmax d=5', () => lib.softmaxDynamics(Z5, { steps: 20, temperature: 0.3 }).tokens.data);
  add('sphere d=3', () => lib.sphereDynamics(randomCloud(lib, 33, 41, 3), { steps: 50, dt: 0.05 }).tokens.data);
  const Y = randomCloud(lib, 34, 53, 2);
  add('wasserstein1 value+potentials', () => {
    const w = lib.wasserstein1(Z, Y);
    return Float64Array.of(w.value, ...w.potentials.f, ...w.potentials.g);
  });
  const flat = (c: { layers: readonly { duration: number; W: Float64Array; A: Float64Array; b: Float64Array }[] }) =>
    Float64Array.from(c.layers.flatMap((l) => [l.duration, ...l.W, ...l.A, ...l.b]));
  const P = randomCloud(lib, 35, 12, 2), Q = randomCloud(lib, 36, 12, 2);
  add('interpolate controls', () => flat(lib.interpolate(P, Q, { width: 2 }).controls), false);
  const labels = Array.from({ length: 40 }, (_, i) => i % 2);
  add('classify controls', () => flat(lib.classify(randomCloud(lib, 37, 40, 2), labels).controls), false);
  const U = { n: 200, d: 2, data: randomCloud(lib, 38, 200, 2).data.map((v) => 0.5 + v / 8) };
  add('transportToUniform points', () => lib.transportToUniform(U, { width: 3, epsilon: 0.3 }).points.data, false);
  return out;
}

/** Hashes of every workload for each requested backend ('wasm' release build and the 'js' twins). */
export async function kernelHashes(lib: Lib, backends: ('wasm' | 'js')[] = ['wasm', 'js']): Promise<KernelHash[]> {
  const hashes: KernelHash[] = [];
  for (const b of backends) {
    const backend = await lib.init({ backend: b });
    for (const [name, data, bitExact] of kernelOutputs(lib)) {
      if (typeof data === 'string') hashes.push({ name, backend, bitExact, sha256: data, length: -1, head: [] });
      else {
        const h: KernelHash = { name, backend, bitExact, sha256: await sha256(data), length: data.length, head: Array.from(data.subarray(0, 3)) };
        if (!bitExact) h.values = Array.from(data);
        hashes.push(h);
      }
    }
  }
  return hashes;
}
