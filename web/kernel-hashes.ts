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
  sha256: string;
  /** Number of doubles hashed. */
  length: number;
  /** The first values, to show in a failure message. */
  head: number[];
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

/** The outputs of every workload, as named Float64Arrays (the active backend of `lib`). */
export function kernelOutputs(lib: Lib): [string, Float64Array][] {
  const out: [string, Float64Array][] = [];
  // Odd sizes on purpose: they exercise the scalar tails after the f64x2 SIMD pairs.
  for (const [d, p, n] of [[2, 5, 257], [3, 7, 101], [5, 16, 64]] as const) {
    const c = randomControls(lib, 10 + d, d, p, 3, 1.5);
    const X = randomCloud(lib, 20 + d, n, d);
    out.push([`field d=${d} p=${p}`, lib.field(c.layers[0], X, undefined, { d, width: p }).data]);
    for (const method of ['rk4', 'euler'] as const) {
      const r = lib.flow(c, X, { method, stepsPerLayer: 40, trajectory: { every: 7 } });
      out.push([`flow/${method} d=${d} p=${p}`, r.data]);
      out.push([`flow/${method} trajectory d=${d} p=${p}`, r.trajectory!.data]);
    }
    if (d <= 3) {
      const small = { n: 32, d, data: X.data.slice(0, 32 * d) };
      const r = lib.flow(c, small, { method: 'exact', stepsPerLayer: 10, trajectory: true });
      out.push([`flow/exact d=${d} p=${p}`, r.data]);
      out.push([`flow/exact trajectory d=${d} p=${p}`, r.trajectory!.data]);
    }
  }
  return out;
}

/** Hashes of every workload for each requested backend ('wasm' release build and the 'js' twins). */
export async function kernelHashes(lib: Lib, backends: ('wasm' | 'js')[] = ['wasm', 'js']): Promise<KernelHash[]> {
  const hashes: KernelHash[] = [];
  for (const b of backends) {
    const backend = await lib.init({ backend: b });
    for (const [name, data] of kernelOutputs(lib)) {
      hashes.push({ name, backend, sha256: await sha256(data), length: data.length, head: Array.from(data.subarray(0, 3)) });
    }
  }
  return hashes;
}
