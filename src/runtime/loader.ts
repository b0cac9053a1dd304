/**
 * The one loader. `await init()` compiles the kernels once (Node 20 and browsers, same code),
 * caches the instance, detects WebAssembly SIMD and otherwise falls back to the pure-TS twins.
 *
 * What @assemblyscript/loader does for us: `instantiate` supplies the `env` imports an
 * AssemblyScript module expects (`abort`, `trace`, `seed`). The important one is `abort`: in
 * the debug build every kernel checks its pointer ranges with `assert`, and the loader turns a
 * failed assert into a JavaScript Error carrying the AssemblyScript file, line and message,
 * read out of linear memory. We do not use its managed-object helpers (`__getArray`, …):
 * kernels exchange raw addresses with our own arena (./arena.ts), which copies nothing per
 * call in the hot loops.
 */
import { instantiate } from '@assemblyscript/loader';
import { FlowsteerError, InvalidArgumentError, NotInitializedError, show } from '../errors.js';
import { Arena } from './arena.js';
import { defaultWasmSource, type WasmVariant } from './wasm-source.js';

export type Backend = 'wasm-simd' | 'js';

export interface InitOptions {
  /** 'auto' (default): WASM SIMD when the engine supports it, else the TS twins. */
  backend?: 'auto' | 'wasm' | 'js';
  /** Which build to load: 'release' (default) or 'debug' (asserts on every kernel argument). */
  variant?: WasmVariant;
  /** Override where the module comes from: bytes, a compiled module, or a URL / path. */
  wasm?: BufferSource | WebAssembly.Module | URL | string;
}

/** Raw kernel exports; each wrapper module declares the signatures it uses. */
export type KernelExports = Record<string, unknown> & { memory: WebAssembly.Memory };

export interface WasmRuntime {
  readonly variant: WasmVariant;
  readonly exports: KernelExports;
  readonly arena: Arena;
  /** The compiled module (worker threads instantiate the same one; see src/parallel/pool.ts). */
  readonly module: WebAssembly.Module;
}

let active: { backend: Backend; runtime: WasmRuntime | null; key: string } | null = null;
let pending: { key: string; promise: Promise<Backend> } | null = null;
const moduleCache = new Map<string, Promise<WebAssembly.Module>>();

/** A minimal module using one v128 instruction: validates only where SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, // magic, version
  1, 5, 1, 96, 0, 1, 123, // type: () -> v128
  3, 2, 1, 0, // one function of type 0
  10, 8, 1, 6, 0, 65, 0, 253, 17, 11, // body: i32.const 0; i32x4.splat; end
]);

/** True when this JavaScript engine validates WebAssembly SIMD (v128) code. */
export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * Loads the kernels. Idempotent: calls with the same options share one promise and one
 * instance. Calling again with different options replaces the active backend (tests use this
 * to run the same checks against 'js', 'debug' and 'release').
 * Resolves to the active backend.
 */
export function init(options: InitOptions = {}): Promise<Backend> {
  const backend = options.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'wasm' && backend !== 'js') {
    throw new InvalidArgumentError('options.backend', backend, "'auto', 'wasm' or 'js'");
  }
  const variant = options.variant ?? 'release';
  if (variant !== 'release' && variant !== 'debug') {
    throw new InvalidArgumentError('options.variant', variant, "'release' or 'debug'");
  }
  const key = `${backend}/${variant}/${options.wasm ? sourceKey(options.wasm) : 'default'}`;
  if (active && active.key === key) return Promise.resolve(active.backend);
  if (pending && pending.key === key) return pending.promise;
  const promise = (async (): Promise<Backend> => {
    let runtime: WasmRuntime | null = null;
    if (backend !== 'js') {
      if (!simdSupported()) {
        if (backend === 'wasm') {
          throw new FlowsteerError('INVALID_ARGUMENT', "options.backend is 'wasm' but this engine has no WebAssembly SIMD; use backend: 'auto' or 'js'", {
            parameter: 'options.backend',
            value: backend,
          });
        }
      } else {
        runtime = await loadRuntime(variant, options.wasm);
      }
    }
    const chosen: Backend = runtime ? 'wasm-simd' : 'js';
    active = { backend: chosen, runtime, key };
    return chosen;
  })();
  pending = { key, promise };
  promise.then(
    () => {
      if (pending?.promise === promise) pending = null;
    },
    () => {
      if (pending?.promise === promise) pending = null;
    },
  );
  return promise;
}

/** The active backend: 'wasm-simd' or 'js' (pure-TypeScript twins). Throws before init(). */
export function backend(): Backend {
  if (!active) throw new NotInitializedError('backend');
  return active.backend;
}

/** What init() chose, for worker threads to do the same: null before init(). */
export function activeSetup(): { backend: Backend; variant: WasmVariant; module: WebAssembly.Module | null } | null {
  if (!active) return null;
  return { backend: active.backend, variant: active.runtime?.variant ?? 'release', module: active.runtime?.module ?? null };
}

/** The active WASM runtime, or null when the TS twins are active. Throws before init(). */
export function wasmRuntime(fn: string): WasmRuntime | null {
  if (!active) throw new NotInitializedError(fn);
  return active.runtime;
}

/**
 * A separate, independent instance of the kernels (own memory, own arena). Tests and
 * benchmarks use it to compare release and debug builds side by side; library functions use
 * the instance chosen by init().
 */
export async function loadRuntime(variant: WasmVariant = 'release', source?: InitOptions['wasm']): Promise<WasmRuntime> {
  const module = await compile(variant, source);
  const instance = await instantiate<Record<string, unknown>>(module, {});
  const exports = instance.exports as unknown as KernelExports;
  const heapBase = (exports.heapBase as () => number)();
  return { variant, exports, arena: new Arena(exports.memory, heapBase), module };
}

function compile(variant: WasmVariant, source?: InitOptions['wasm']): Promise<WebAssembly.Module> {
  const key = `${variant}/${source ? sourceKey(source) : 'default'}`;
  let cached = moduleCache.get(key);
  if (!cached) {
    cached = compileFrom(source ?? defaultWasmSource(variant));
    moduleCache.set(key, cached);
    cached.catch(() => moduleCache.delete(key));
  }
  return cached;
}

async function compileFrom(source: NonNullable<InitOptions['wasm']>): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  const url = typeof source === 'string' ? toUrl(source) : source;
  if (!(url instanceof URL)) throw new InvalidArgumentError('options.wasm', source, 'bytes, a WebAssembly.Module, a URL or a path');
  if (url.protocol === 'file:') {
    const fsName = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ fsName)) as typeof import('node:fs/promises');
    return WebAssembly.compile(await fs.readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new FlowsteerError('INVALID_ARGUMENT', `could not fetch the kernels from ${url.href} (HTTP ${response.status}); serve flowsteer.wasm next to the module or import 'flowsteer/inline'`, {
      parameter: 'options.wasm',
      value: url.href,
    });
  }
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

function toUrl(s: string): URL {
  try {
    return new URL(s);
  } catch {
    // A plain path: relative to the current directory in Node, to the page in a browser.
    const g = globalThis as { location?: { href: string }; process?: { cwd(): string } };
    if (g.location) return new URL(s, g.location.href);
    if (g.process) return new URL(s, `file://${g.process.cwd()}/`);
    throw new InvalidArgumentError('options.wasm', s, 'an absolute URL');
  }
}

function sourceKey(source: NonNullable<InitOptions['wasm']>): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (source instanceof WebAssembly.Module) return `module:${moduleId(source)}`;
  return `bytes:${show(source)}:${bytesHash(source)}`;
}

const moduleIds = new WeakMap<WebAssembly.Module, number>();
let nextModuleId = 1;
function moduleId(m: WebAssembly.Module): number {
  let id = moduleIds.get(m);
  if (!id) moduleIds.set(m, (id = nextModuleId++));
  return id;
}

function bytesHash(b: BufferSource): number {
  const u = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  let h = 2166136261;
  for (let i = 0; i < u.length; i += Math.max(1, u.length >> 12)) h = Math.imul(h ^ u[i], 16777619);
  return (h ^ u.length) >>> 0;
}
