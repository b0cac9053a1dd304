// Browser vs Node benchmark (issue 6, deliverable 3): `npm run bench:browser`.
// Times the workloads of web/bench-workloads.ts in Node (bundled like the package's Node build,
// loading build/flowsteer.wasm) and in Debian's Chromium (web/bench.html?auto, headless, served
// on localhost), with the same timer, and prints browser / Node per workload. Goal: ≤ 1.25.
// Writes out/bench-browser.json and web/dist/node-results.json (so the page, opened by hand with
// `npm run serve`, shows the ratios too). The machine is shared: run it when it is quiet.
import { build } from 'esbuild';
import { wasmBeside } from './wasm-source-plugin.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildWeb, ensureWasm } from './build-web.mjs';
import { serve } from './serve-web.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureWasm();
const dist = await buildWeb();
const entry = join(root, 'build', 'bench', 'browser-node.js');
mkdirSync(dirname(entry), { recursive: true });
await build({
  stdin: {
    contents: `import * as lib from '../src/index.ts'; import { runWorkloads } from '../web/bench-workloads.ts';
const r = await runWorkloads(lib, { onEach: (t) => console.error('node   ', t.name, t.backend, (t.seconds * 1e3).toPrecision(4), 'ms') });
console.log(JSON.stringify(r));`,
    resolveDir: join(root, 'scripts'),
    loader: 'ts',
  },
  outfile: entry,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  logLevel: 'warning',
  external: ['highs'],
  plugins: [wasmBeside('../')],
});
const nodeRun = spawnSync(process.execPath, [entry], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (nodeRun.status !== 0) throw new Error('the Node side of the benchmark failed');
const node = JSON.parse(nodeRun.stdout.trim().split('\n').pop());
writeFileSync(join(dist, 'node-results.json'), JSON.stringify(node));

const server = await serve({ root: dist });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let web;
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error('chromium:', m.text()));
  await page.goto(`${server.url}bench.html?auto`);
  await page.waitForFunction(() => globalThis.benchResults, null, { timeout: 600_000, polling: 500 });
  web = await page.evaluate(() => globalThis.benchResults);
  await page.screenshot({ path: join(root, 'out', 'bench-browser.png'), fullPage: true });
} finally {
  await browser.close();
  await server.close();
}
const rows = web.map((w) => {
  const n = node.find((x) => x.name === w.name && x.backend === w.backend);
  return { name: w.name, backend: w.backend, chromiumMs: w.seconds * 1e3, nodeMs: n.seconds * 1e3, ratio: w.seconds / n.seconds };
});
mkdirSync(join(root, 'out'), { recursive: true });
writeFileSync(join(root, 'out', 'bench-browser.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
console.log('\nworkload'.padEnd(58) + 'backend    Chromium ms    Node ms   Chromium/Node');
for (const r of rows) {
  console.log(`${r.name.padEnd(57)} ${r.backend.padEnd(10)} ${r.chromiumMs.toPrecision(4).padStart(10)} ${r.nodeMs.toPrecision(4).padStart(10)}   ${r.ratio.toFixed(2)}${r.ratio > 1.25 ? '  (> 1.25 goal)' : ''}`);
}
