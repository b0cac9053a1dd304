// Builds the playground and the browser benchmark page into web/dist/ (git-ignored):
//   index.html, styles.css, main.js (UI), worker.js (all computation, in a module Web Worker),
//   bench.html + bench.js (workloads of web/bench-workloads.ts in the browser),
//   kernel-hashes.js (the Node-vs-browser bit-identity workload, takes the library as an argument),
//   flowsteer.wasm + flowsteer.debug.wasm (copied from build/; fetched next to worker.js).
// Everything is bundled by esbuild; nothing is loaded from a CDN, and nothing needs eval or
// new Function, so the pages run under the strict Content-Security-Policy of web/index.html.
// Usage: `node scripts/build-web.mjs` (or `npm run build:web`); `buildWeb()` for scripts/tests.
import { build } from 'esbuild';
import { wasmBeside } from './wasm-source-plugin.mjs';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'web', 'dist');

// In web/dist the .wasm files sit next to the bundles.
const wasmNextToBundle = wasmBeside('./');

/** Builds build/*.wasm first when they are missing (a fresh clone that ran only `npm ci`). */
export function ensureWasm() {
  if (!existsSync(join(root, 'build', 'flowsteer.wasm')) || !existsSync(join(root, 'build', 'flowsteer.debug.wasm'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')], { stdio: 'inherit', cwd: root });
  }
}

function newestMtime(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the package bundles (build/browser, build/inline) when they are missing or older than src/ or the .wasm. */
export function ensurePackageBundles() {
  ensureWasm();
  const bundles = [join(root, 'build', 'browser', 'index.js'), join(root, 'build', 'inline', 'index.js')];
  const inputs = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'build', 'flowsteer.wasm')).mtimeMs);
  if (bundles.some((b) => !existsSync(b) || statSync(b).mtimeMs < inputs)) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-js.mjs')], { stdio: 'inherit', cwd: root });
  }
}

export async function buildWeb({ minify = true } = {}) {
  ensureWasm();
  mkdirSync(dist, { recursive: true });
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify,
    logLevel: 'warning',
    legalComments: 'none',
    external: ['highs'], // shallow networks' LP solver: loaded only on use, not part of the playground
    plugins: [wasmNextToBundle],
  };
  await Promise.all([
    build({ ...common, entryPoints: { main: join(root, 'web/main.ts'), worker: join(root, 'web/worker.ts'), bench: join(root, 'web/bench.ts'), 'kernel-hashes': join(root, 'web/kernel-hashes.ts') }, outdir: dist }),
  ]);
  for (const f of ['index.html', 'bench.html', 'styles.css']) copyFileSync(join(root, 'web', f), join(dist, f));
  for (const f of ['flowsteer.wasm', 'flowsteer.debug.wasm']) copyFileSync(join(root, 'build', f), join(dist, f));
  return dist;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildWeb({ minify: !process.argv.includes('--no-minify') });
  console.log('build-web: web/dist (index.html, bench.html, main.js, worker.js, bench.js, kernel-hashes.js, *.wasm)');
}
