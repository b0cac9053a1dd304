import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNEL_EXPORTS } from '../../src/backend/bindings.js';

// The typed bindings list every export of the compiled module, and nothing else.
describe('backend bindings', () => {
  for (const variant of ['flowsteer.wasm', 'flowsteer.debug.wasm']) {
    it(`match the exports of build/${variant}`, () => {
      const module = new WebAssembly.Module(readFileSync(new URL(`../../build/${variant}`, import.meta.url)));
      const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name).sort();
      expect(functions).toEqual([...KERNEL_EXPORTS].sort());
    });
  }
});
