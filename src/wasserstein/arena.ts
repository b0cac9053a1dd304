/**
 * Arena scopes for the Wasserstein generators: `withArenaScope(fn, gen)` marks the WASM arena
 * (when the WASM backend is active) before the generator runs and releases it when it finishes,
 * throws, or is closed by the driver on abort (src/wasserstein/run.ts).
 */
import { use, wasmKernels } from '../backend/index.js';

export { use };

export function* withArenaScope<T>(fn: string, body: () => Generator<number, T>): Generator<number, T> {
  const w = wasmKernels(fn);
  const mark = w ? w.rt.arena.mark() : 0;
  try {
    return yield* body();
  } finally {
    if (w) w.rt.arena.release(mark);
  }
}
