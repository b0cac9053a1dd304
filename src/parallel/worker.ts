/**
 * The worker thread's entry (bundled as build/node/worker.js and build/browser/worker.js): it
 * initialises the library exactly as the main thread did and runs the exports it is asked to.
 */
import * as lib from '../index.js';
import { buffersOf, serializeError } from './transfer.js';

type Msg =
  | { type: 'init'; backend: 'wasm-simd' | 'js'; variant: 'release' | 'debug'; module: WebAssembly.Module | null }
  | { type: 'call'; id: number; fn: string; args: unknown[]; progress: boolean };

interface Endpoint {
  post(m: unknown, t?: Transferable[]): void;
  listen(cb: (m: Msg) => void): void;
}

async function endpoint(): Promise<Endpoint> {
  const g = globalThis as unknown as { postMessage?: (m: unknown, t?: Transferable[]) => void; addEventListener?: (t: string, cb: (e: MessageEvent) => void) => void; process?: unknown };
  if (g.process) {
    const name = 'node:worker_threads';
    const { parentPort } = (await import(/* @vite-ignore */ name)) as { parentPort: { postMessage(m: unknown, t?: Transferable[]): void; on(e: string, cb: (m: Msg) => void): void } };
    return { post: (m, t) => parentPort.postMessage(m, t), listen: (cb) => parentPort.on('message', cb) };
  }
  return { post: (m, t) => g.postMessage!(m, t ?? []), listen: (cb) => g.addEventListener!('message', (e) => cb(e.data as Msg)) };
}

const ep = await endpoint();
ep.listen(async (m) => {
  if (m.type === 'init') {
    try {
      await lib.init(m.backend === 'js' ? { backend: 'js' } : { backend: 'wasm', variant: m.variant, ...(m.module ? { wasm: m.module } : {}) });
      ep.post({ type: 'ready' });
    } catch (e) {
      ep.post({ type: 'fatal', error: serializeError(e) });
    }
    return;
  }
  const f = (lib as unknown as Record<string, unknown>)[m.fn];
  try {
    if (typeof f !== 'function') throw new lib.InvalidArgumentError('fn', m.fn, 'the name of a flowsteer export');
    const args = m.args.slice();
    if (m.progress) {
      // the last argument is the options object: give it an onProgress that reports at most every 50 ms
      const o = (args[args.length - 1] ?? {}) as Record<string, unknown>;
      let last = 0;
      args[args.length - 1] = {
        ...o,
        onProgress: (fraction: number) => {
          const now = Date.now();
          if (now - last >= 50 || fraction >= 1) {
            last = now;
            ep.post({ type: 'progress', id: m.id, fraction });
          }
        },
      };
    }
    let value = (f as (...a: unknown[]) => unknown)(...args);
    if (value && typeof (value as Promise<unknown>).then === 'function') value = await value;
    ep.post({ type: 'result', id: m.id, ok: true, value }, buffersOf(value));
  } catch (e) {
    ep.post({ type: 'result', id: m.id, ok: false, error: serializeError(e) });
  }
});
