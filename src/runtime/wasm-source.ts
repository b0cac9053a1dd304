/**
 * Where the compiled kernels live, relative to this module. Swapped at bundle time by
 * scripts/build-js.mjs: the Node/browser bundles look next to themselves (build/*.wasm),
 * the `flowsteer/inline` bundle carries the bytes inside the JavaScript.
 */
export type WasmVariant = 'release' | 'debug';

export const WASM_FILES: Record<WasmVariant, string> = {
  release: 'flowsteer.wasm',
  debug: 'flowsteer.debug.wasm',
};

export function defaultWasmSource(variant: WasmVariant): URL | Uint8Array {
  return new URL(`../../build/${WASM_FILES[variant]}`, import.meta.url);
}
