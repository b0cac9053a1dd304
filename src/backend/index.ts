/**
 * The backend layer: every kernel is reached through here.
 *
 *   public API → wrapper (src/<area>/…) → Pair (src/backend/<kernel>.ts) → kernel (assembly/<kernel>.ts)
 *                                                                      ↘ twin   (src/kernels/<kernel>.ts)
 *
 * A `Pair<F>` is one operation with a single signature on plain typed arrays and two
 * implementations: `js` (the pure-TypeScript twin) and `wasm(rt)` (copies into the arena, calls
 * the kernel, copies out, releases the arena also on errors). `use(pair, fn)` picks the one the
 * active backend (init()) asks for. Drivers that keep data resident in WASM memory across many
 * kernel calls (the flow engine's chunks, Sinkhorn's iterations) take `wasmKernels(fn)` and work
 * with `withArena` and the typed `KernelBindings` directly.
 */
import { NotInitializedError } from '../errors.js';
import { wasmRuntime, type WasmRuntime } from '../runtime/loader.js';
import type { KernelBindings } from './bindings.js';

export type { KernelBindings } from './bindings.js';
export type { WasmRuntime } from '../runtime/loader.js';

/** One operation, two implementations behind one signature. */
export interface Pair<F> {
  /** The kernel family, for messages (e.g. 'reluField'). */
  readonly name: string;
  /** The pure-TypeScript twin. */
  readonly js: F;
  /** The WASM path on a loaded runtime. */
  wasm(rt: WasmRuntime): F;
}

export function pair<F>(name: string, js: F, wasm: (rt: WasmRuntime) => F): Pair<F> {
  return { name, js, wasm };
}

/**
 * The implementation the active backend asks for. `fn` is the public function being served
 * (it names the call in NotInitializedError). With `{ beforeInit: 'js' }` the twin serves calls
 * made before init() (constructions are usable without WASM; they never need it for speed).
 */
export function use<F>(p: Pair<F>, fn: string, options?: { beforeInit?: 'throw' | 'js' }): F {
  const rt = runtimeOrNull(fn, options?.beforeInit ?? 'throw');
  return rt ? p.wasm(rt) : p.js;
}

/** The active WASM runtime with its typed kernels, or null when the TS twins are active. */
export function wasmKernels(fn: string, options?: { beforeInit?: 'throw' | 'js' }): { rt: WasmRuntime; k: KernelBindings } | null {
  const rt = runtimeOrNull(fn, options?.beforeInit ?? 'throw');
  return rt ? { rt, k: kernelsOf(rt) } : null;
}

/** The typed kernel exports of a runtime (loaded by init() or loadRuntime()). */
export function kernelsOf(rt: WasmRuntime): KernelBindings {
  return rt.exports as unknown as KernelBindings;
}

/** Runs `fn` with arena memory that is released afterwards, also when fn throws. */
export function withArena<T>(rt: WasmRuntime, fn: () => T): T {
  const mark = rt.arena.mark();
  try {
    return fn();
  } finally {
    rt.arena.release(mark);
  }
}

/** Copies `count` doubles at byte address `ptr` of the arena into `out` (offset `at`). */
export function readF64(rt: WasmRuntime, ptr: number, count: number, out: Float64Array, at = 0): Float64Array {
  out.set(rt.arena.f64.subarray(ptr >>> 3, (ptr >>> 3) + count), at);
  return out;
}

function runtimeOrNull(fn: string, beforeInit: 'throw' | 'js'): WasmRuntime | null {
  try {
    return wasmRuntime(fn);
  } catch (e) {
    if (beforeInit === 'js' && e instanceof NotInitializedError) return null;
    throw e;
  }
}
