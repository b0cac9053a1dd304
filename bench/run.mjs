// Runs benchmarks: `npm run bench` (all) or `npm run bench -- flow wasserstein`.
// Each bench/<name>.ts is bundled with esbuild into build/bench/<name>.js (so it loads
// build/flowsteer.wasm like the published bundle does) and run in its own Node process.
import { build } from 'esbuild';
import { wasmBeside } from '../scripts/wasm-source-plugin.mjs';
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const all = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('--'));
const passThrough = args.filter((a) => a.startsWith('--'));
const chosen = names.length ? names : all;
for (const name of chosen) {
  if (!all.includes(name)) {
    console.error(`bench: no bench/${name}.ts (have: ${all.join(', ')})`);
    process.exit(2);
  }
}
let failed = false;
for (const name of chosen) {
  const outfile = join(root, 'build', 'bench', `${name}.js`);
  await build({
    entryPoints: [join(root, 'bench', `${name}.ts`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    logLevel: 'warning',
    external: ['benchmark', 'highs'],
    plugins: [wasmBeside('../')],
  });
  console.log(`\n### bench/${name}`);
  const r = spawnSync(process.execPath, [outfile, ...passThrough], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
