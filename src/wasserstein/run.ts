/**
 * Drivers of the Wasserstein family's generators (src/flow/progress.ts runSync/runAsync) that
 * also close the generator when the caller's signal aborts, so its `finally` releases the WASM
 * arena. The async driver holds the arena across its yields; to keep the arena's LIFO order,
 * async Wasserstein calls run one after another (a queue): a synchronous call made meanwhile
 * allocates above and releases before the async call resumes, which is safe.
 */
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';

export function drive<T>(gen: Generator<number, T>, opts: ProgressOptions, what: string): T {
  try {
    return runSync(gen, opts, what);
  } finally {
    gen.return(undefined as never);
  }
}

let queue: Promise<void> = Promise.resolve();

export async function driveAsync<T>(make: () => Generator<number, T>, opts: ProgressOptions, what: string): Promise<T> {
  const before = queue;
  let done!: () => void;
  queue = new Promise<void>((r) => (done = r));
  try {
    await before;
    const gen = make();
    try {
      return await runAsync(gen, opts, what);
    } finally {
      gen.return(undefined as never);
    }
  } finally {
    done();
  }
}

/** Milliseconds (monotonic where available), for sizing chunks of kernel work. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Work units per chunk so that one chunk lasts about `targetMs` (the signal is checked between
 *  chunks; docs/conventions.md asks for ≤ 100 ms). */
export function nextChunk(chunk: number, elapsedMs: number, targetMs = 25, min = 1, max = 1e9): number {
  const next = elapsedMs > 0 ? Math.round((chunk * targetMs) / elapsedMs) : chunk * 4;
  return Math.max(min, Math.min(max, Math.min(next, chunk * 4)));
}
