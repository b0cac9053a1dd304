// esbuild plugins that replace src/runtime/wasm-source.ts — the one module that knows where the
// compiled kernels live — for a particular bundle. Every bundler script uses these.
import { readFileSync } from 'node:fs';

const FILES = `export const WASM_FILES = { release: 'flowsteer.wasm', debug: 'flowsteer.debug.wasm' };`;

function swap(contents) {
  return {
    name: 'wasm-source',
    setup(b) {
      b.onLoad({ filter: /src[\\/]runtime[\\/]wasm-source\.ts$/ }, () => ({ contents, loader: 'js' }));
    },
  };
}

/** The .wasm files sit in `dir` relative to the bundle ('../' for build/node/index.js, './' for build/cli.js). */
export function wasmBeside(dir) {
  return swap(`${FILES}
export function defaultWasmSource(variant) { return new URL('${dir}' + WASM_FILES[variant], import.meta.url); }`);
}

/** The release .wasm inlined as base64 (flowsteer/inline). */
export function wasmInline(wasmFile) {
  return swap(`${FILES}
const b64 = ${JSON.stringify(readFileSync(wasmFile).toString('base64'))};
let bytes = null;
function decode(s) {
  if (typeof atob === 'function') { const bin = atob(s); const u = new Uint8Array(bin.length); for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i); return u; }
  return new Uint8Array(Buffer.from(s, 'base64'));
}
export function defaultWasmSource(variant) {
  if (variant !== 'release') throw new Error("flowsteer/inline carries only the release build; use variant: 'release'");
  return bytes ?? (bytes = decode(b64));
}`);
}

/** Replaces src/parallel/worker-source.ts: the worker script sits at `file` relative to the bundle (null: no workers). */
export function workerBeside(file) {
  return {
    name: 'worker-source',
    setup(b) {
      b.onLoad({ filter: /src[\\/]parallel[\\/]worker-source\.ts$/ }, () => ({
        contents: file ? `export function defaultWorkerUrl() { return new URL(${JSON.stringify(file)}, import.meta.url); }` : 'export function defaultWorkerUrl() { return null; }',
        loader: 'js',
      }));
    },
  };
}
