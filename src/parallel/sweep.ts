/**
 * Parameter sweeps on worker threads: `sweep('interpolate', [[X, Y, { width: 1 }], [X, Y, { width: 2 }], …])`
 * calls a flowsteer export once per argument list, spread over the pool, and returns the results
 * in order. Arguments and results cross threads by structured clone (functions such as
 * onProgress are not allowed inside them; pass progress and cancel through the sweep's options).
 */
import { InvalidArgumentError } from '../errors.js';
import type { ProgressOptions } from '../flow/progress.js';
import { asOptions, checkProgressOptions } from '../validate.js';
import { checkThreads, defaultThreads, runLimited, runOnWorker } from './pool.js';

export interface SweepOptions extends ProgressOptions {
  /** Worker threads (default: the machine's cores). */
  threads?: number;
}

export async function sweep<T = unknown>(fn: string, argsList: readonly (readonly unknown[])[], options?: SweepOptions): Promise<T[]> {
  const o = asOptions(options);
  checkProgressOptions(o);
  const threads = checkThreads(o.threads, defaultThreads());
  if (typeof fn !== 'string' || fn.length === 0) throw new InvalidArgumentError('fn', fn, 'the name of a flowsteer export, e.g. "interpolate"');
  if (!Array.isArray(argsList)) throw new InvalidArgumentError('argsList', argsList, 'an array of argument lists');
  argsList.forEach((a, i) => {
    if (!Array.isArray(a)) throw new InvalidArgumentError(`argsList[${i}]`, a, 'an array of arguments');
    try {
      structuredClone(a);
    } catch {
      throw new InvalidArgumentError(`argsList[${i}]`, a, 'data a worker can receive (no functions or class instances)', 'pass onProgress and signal in the sweep options instead');
    }
  });
  let done = 0;
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  o.signal?.addEventListener('abort', stop, { once: true });
  try {
    return await runLimited(argsList.length, threads, async (i) => {
      const r = await runOnWorker(fn, [...argsList[i]], { threads, signal: controller.signal });
      o.onProgress?.(++done / argsList.length);
      return r as T;
    }).catch((e) => {
      controller.abort();
      throw e;
    });
  } finally {
    o.signal?.removeEventListener('abort', stop);
  }
}
