/**
 * Long computations are written once, as generators that yield the fraction done between
 * units of work; `runSync` drives them in one go (calling onProgress, honouring an
 * AbortSignal that fires from inside onProgress or another thread), `runAsync` yields to the
 * event loop between units so that timers, UI events and AbortSignal.timeout() get through.
 */
import { AbortError } from '../errors.js';

export interface ProgressOptions {
  /** Called with the fraction of work done, in [0, 1], between units of work. */
  onProgress?: (fraction: number) => void;
  /** Stops the computation with an AbortError at the next unit boundary. */
  signal?: AbortSignal;
}

export function checkAbort(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new AbortError(what);
}

export function runSync<T>(gen: Generator<number, T>, opts: ProgressOptions, what: string): T {
  for (;;) {
    checkAbort(opts.signal, what);
    const r = gen.next();
    if (r.done) return r.value;
    opts.onProgress?.(r.value);
  }
}

const tick = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });

/** Like runSync, but awaits the event loop at most every `sliceMs` milliseconds. */
export async function runAsync<T>(gen: Generator<number, T>, opts: ProgressOptions, what: string, sliceMs = 16): Promise<T> {
  let last = now();
  for (;;) {
    checkAbort(opts.signal, what);
    const r = gen.next();
    if (r.done) return r.value;
    opts.onProgress?.(r.value);
    if (now() - last >= sliceMs) {
      await tick();
      last = now();
    }
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
