// Bundles the TypeScript sources with esbuild:
//   build/node/index.js     ESM for Node ≥ 20 (loads build/flowsteer.wasm from disk)
//   build/browser/index.js  ESM for browsers (fetches flowsteer.wasm next to the bundle's folder)
//   build/inline/index.js   ESM with the release .wasm inlined (base64), for bundlers / single files
//   build/cli.js            the `flowsteer` command (Node)
//   build/types/            .d.ts from tsc
// The one module that knows where the .wasm lives (src/runtime/wasm-source.ts) is replaced per
// bundle; everything else is the same code everywhere.
import { build } from 'esbuild';
import { readFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wasmFile = join(root, 'build', 'flowsteer.wasm');
if (!existsSync(wasmFile)) throw new Error('build/flowsteer.wasm is missing: run `npm run build:wasm` first');

/** `dir`: where build/ is, relative to the bundle ('../' for build/node/index.js, './' for build/cli.js). */
const bundledSource = (dir) => `
export const WASM_FILES = { release: 'flowsteer.wasm', debug: 'flowsteer.debug.wasm' };
export function defaultWasmSource(variant) { return new URL('${dir}' + WASM_FILES[variant], import.meta.url); }
`;
const inlineSource = () => `
export const WASM_FILES = { release: 'flowsteer.wasm', debug: 'flowsteer.debug.wasm' };
const b64 = ${JSON.stringify(readFileSync(wasmFile).toString('base64'))};
let bytes = null;
function decode(s) {
  if (typeof atob === 'function') { const bin = atob(s); const u = new Uint8Array(bin.length); for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i); return u; }
  return new Uint8Array(Buffer.from(s, 'base64'));
}
export function defaultWasmSource(variant) {
  if (variant !== 'release') throw new Error("flowsteer/inline carries only the release build; use variant: 'release'");
  return bytes ?? (bytes = decode(b64));
}
`;
const swap = (contents) => ({
  name: 'wasm-source',
  setup(b) {
    b.onLoad({ filter: /src[\\/]runtime[\\/]wasm-source\.ts$/ }, () => ({ contents, loader: 'js' }));
  },
});

const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning', legalComments: 'none' };
await Promise.all([
  build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(root, 'build/node/index.js'), platform: 'node', plugins: [swap(bundledSource('../'))] }),
  build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(root, 'build/browser/index.js'), platform: 'browser', plugins: [swap(bundledSource('../'))] }),
  build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(root, 'build/inline/index.js'), platform: 'neutral', mainFields: ['module', 'main'], plugins: [swap(inlineSource())] }),
  existsSync(join(root, 'src/cli/main.ts'))
    ? build({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(root, 'build/cli.js'), platform: 'node', banner: { js: '#!/usr/bin/env node' }, plugins: [swap(bundledSource('./'))] })
    : null,
]);
mkdirSync(join(root, 'build/types'), { recursive: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
console.log('build-js: build/node, build/browser, build/inline, build/cli.js, build/types');
