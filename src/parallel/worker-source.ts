/**
 * Where the worker script lives, relative to this module. Swapped at bundle time (like
 * src/runtime/wasm-source.ts): the Node and browser bundles find `worker.js` next to themselves.
 * From the sources (tests) the built Node worker is used.
 */
export function defaultWorkerUrl(): URL | null {
  return new URL('../../build/node/worker.js', import.meta.url);
}
