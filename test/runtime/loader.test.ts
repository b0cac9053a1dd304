import { describe, expect, it } from 'vitest';
import { backend, flow, init, simdSupported } from '../../src/index.js';
import { loadRuntime } from '../../src/runtime/loader.js';
import { createRng, randomCloud, randomControls } from '../helpers.js';
import { readFileSync } from 'node:fs';

describe('loader', () => {
  it('detects SIMD and picks wasm-simd on Node 20', async () => {
    expect(simdSupported()).toBe(true);
    expect(await init()).toBe('wasm-simd');
    expect(backend()).toBe('wasm-simd');
  });

  it('init() is idempotent: concurrent calls share one promise and one instance', async () => {
    const a = init({ variant: 'debug' });
    const b = init({ variant: 'debug' });
    expect(a).toBe(b);
    await a;
    expect(await init({ variant: 'debug' })).toBe('wasm-simd');
  });

  it("falls back to the TS twins with backend: 'js', and back", async () => {
    expect(await init({ backend: 'js' })).toBe('js');
    const rng = createRng(1);
    const r = flow(randomControls(rng, 2, 2, 1), randomCloud(rng, 3, 2));
    expect(r.n).toBe(3);
    expect(await init()).toBe('wasm-simd');
  });

  it('accepts the module as bytes and as a compiled WebAssembly.Module', async () => {
    const bytes = readFileSync(new URL('../../build/flowsteer.wasm', import.meta.url));
    expect(await init({ wasm: bytes })).toBe('wasm-simd');
    const mod = await WebAssembly.compile(bytes);
    expect(await init({ wasm: mod })).toBe('wasm-simd');
    await init();
  });

  it('rejects a missing module with a clear error and stays usable', async () => {
    await expect(init({ wasm: new URL('file:///nonexistent/flowsteer.wasm') })).rejects.toThrow();
    expect(await init()).toBe('wasm-simd');
  });

  it('rejects bad options', () => {
    expect(() => init({ backend: 'gpu' as never })).toThrow(/options\.backend must be/);
    expect(() => init({ variant: 'fast' as never })).toThrow(/options\.variant must be/);
  });

  it('arena views follow memory growth', async () => {
    const rt = await loadRuntime('debug');
    const a = rt.arena;
    const before = a.f64;
    const m = a.mark();
    const p = a.allocF64(4_000_000);
    a.f64[p >>> 3] = 42;
    expect(a.f64 === before).toBe(false);
    expect(before.buffer.byteLength).toBe(0); // the old view was detached by memory.grow
    expect(a.f64[p >>> 3]).toBe(42);
    a.release(m);
  });
});
