// Bundles the TypeScript sources with esbuild:
//   build/node/index.js     ESM for Node ≥ 20 (loads build/flowsteer.wasm from disk)
//   build/browser/index.js  ESM for browsers (fetches flowsteer.wasm next to the bundle's folder)
//   build/inline/index.js   ESM with the release .wasm inlined (base64), for bundlers / single files
//   build/cli.js            the `flowsteer` command (Node)
//   build/types/            .d.ts from tsc
// The one module that knows where the .wasm lives (src/runtime/wasm-source.ts) is replaced per
// bundle; everything else is the same code everywhere.
import { build } from 'esbuild';
import { wasmBeside, wasmInline, workerBeside } from './wasm-source-plugin.mjs';
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wasmFile = join(root, 'build', 'flowsteer.wasm');
if (!existsSync(wasmFile)) throw new Error('build/flowsteer.wasm is missing: run `npm run build:wasm` first');

// `highs` (the LP solver of src/shallow/) stays a bare dynamic import, loaded only when a shallow-network
// function runs; it is never inlined into the bundles.
const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning', legalComments: 'none', external: ['highs'] };
await Promise.all([
  build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(root, 'build/node/index.js'), platform: 'node', plugins: [wasmBeside('../'), workerBeside('./worker.js')] }),
  build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(root, 'build/browser/index.js'), platform: 'browser', plugins: [wasmBeside('../'), workerBeside('./worker.js')] }),
  build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(root, 'build/inline/index.js'), platform: 'neutral', mainFields: ['module', 'main'], plugins: [wasmInline(wasmFile), workerBeside(null)] }),
  // worker threads (threads > 1): the same library, run by src/parallel/worker.ts
  build({ ...common, entryPoints: [join(root, 'src/parallel/worker.ts')], outfile: join(root, 'build/node/worker.js'), platform: 'node', plugins: [wasmBeside('../'), workerBeside('./worker.js')] }),
  build({ ...common, entryPoints: [join(root, 'src/parallel/worker.ts')], outfile: join(root, 'build/browser/worker.js'), platform: 'browser', plugins: [wasmBeside('../'), workerBeside('./worker.js')] }),
  existsSync(join(root, 'src/cli/main.ts'))
    ? build({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(root, 'build/cli.js'), platform: 'node', banner: { js: '#!/usr/bin/env node' }, plugins: [wasmBeside('./')] })
    : null,
]);
mkdirSync(join(root, 'build/types'), { recursive: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
console.log('build-js: build/node, build/browser, build/inline, build/cli.js, build/types');
