/**
 * Issue 6, deliverable 1: the package imports cleanly in a browser (ESM bundle fetching
 * flowsteer.wasm next to it, and the inline bundle), and every kernel gives bit-identical
 * results in Chromium and Node: SHA-256 of the Float64Array outputs of the same seeded
 * workloads (web/kernel-hashes.ts) must match, for the WASM SIMD kernels and the TS twins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ensurePackageBundles } from '../../scripts/build-web.mjs';
import { serve } from '../../scripts/serve-web.mjs';
import { kernelHashes, relativeDifference, type KernelHash, type Lib } from '../../web/kernel-hashes.js';
import { launchChromium, type Launched } from './chromium.js';

const root = join(import.meta.dirname, '..', '..');
let chromium: Launched | null = null;
let skipWhy = '';
let server: Awaited<ReturnType<typeof serve>>;
let nodeHashes: KernelHash[];

beforeAll(async () => {
  ensurePackageBundles();
  // Its own output folder: the playground test (maybe running in parallel) rebuilds web/dist.
  await build({ entryPoints: [join(root, 'web', 'kernel-hashes.ts')], outfile: join(root, 'build', 'test-browser', 'kernel-hashes.js'), bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'warning', external: ['highs'] });
  writeFileSync(join(root, 'build', 'test-browser', 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>kernel hashes</title>');
  // Node runs the package's Node bundle, built by the same build-js run as the browser bundles
  // (src/ itself may be mid-edit; the bundles are one consistent snapshot).
  const lib = (await import(pathToFileURL(join(root, 'build', 'node', 'index.js')).href)) as Lib;
  nodeHashes = await kernelHashes(lib);
  server = await serve({ root });
  const l = await launchChromium();
  if (typeof l === 'string') skipWhy = l;
  else chromium = l;
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

async function browserHashes(bundle: string): Promise<{ hashes: KernelHash[]; errors: string[] }> {
  const page = await chromium!.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  // An empty page of the origin (served with the playground's strict CSP).
  await page.goto(`${server.url}build/test-browser/`);
  // A string, not a function: vitest would rewrite import() inside a function it compiled.
  const hashes = await page.evaluate(
    `(async () => { const l = await import(${JSON.stringify(bundle)}); const h = await import('/build/test-browser/kernel-hashes.js'); return h.kernelHashes(l); })()`,
  );
  await page.close();
  return { hashes: hashes as KernelHash[], errors };
}

describe('kernels in Chromium vs Node', () => {
  it('Node computes the workloads of every kernel (field, rk4, euler, exact, attention, W₁, constructions) on both backends', (ctx) => {
    const names = new Set(nodeHashes.map((h) => h.name.split(' ')[0]));
    expect([...names].sort()).toEqual(
      expect.arrayContaining(['field', 'flow/euler', 'flow/exact', 'flow/rk4', 'hardmax', 'softmax', 'sphere', 'wasserstein1', 'interpolate', 'classify', 'transportToUniform']),
    );
    expect(new Set(nodeHashes.map((h) => h.backend))).toEqual(new Set(['wasm-simd', 'js']));
    expect(nodeHashes.filter((h) => h.length < 0).map((h) => `${h.name}: ${h.sha256}`)).toEqual([]);
    void ctx;
  });

  for (const bundle of ['/build/browser/index.js', '/build/inline/index.js']) {
    it(`${bundle}: imports in Chromium and gives bit-identical outputs`, async (ctx) => {
      if (!chromium) return ctx.skip(skipWhy);
      const { hashes, errors } = await browserHashes(bundle);
      expect(errors).toEqual([]);
      expect(hashes.length).toBe(nodeHashes.length);
      // The browser really ran WASM SIMD (not a silent fallback to the twins).
      expect(hashes.filter((h) => h.backend === 'wasm-simd').length).toBe(nodeHashes.filter((h) => h.backend === 'wasm-simd').length);
      const pairs = hashes.map((h, i) => ({ h, n: nodeHashes[i] }));
      // Kernels: the same bits. Constructions (engine-dependent Math.log/exp/…): within 1e-10 of
      // the output's scale, and no error in either engine.
      const mismatches = pairs
        .filter(({ h, n }) =>
          h.name !== n.name || h.backend !== n.backend || h.length !== n.length || h.length < 0 ||
          (n.bitExact ? h.sha256 !== n.sha256 : !(relativeDifference(h.values!, n.values!) <= 1e-10)))
        .map(({ h, n }) => `${n.backend} ${n.name}: node ${n.sha256.slice(0, 12)} [${n.head.join(', ')}] vs chromium ${h.sha256.slice(0, 40)} [${h.head.join(', ')}]`);
      expect(mismatches).toEqual([]);
      const rel = pairs.filter(({ n }) => !n.bitExact).map(({ h, n }) => `${n.name} ${h.sha256 === n.sha256 ? 'bit-identical' : `rel. diff ${relativeDifference(h.values!, n.values!).toExponential(1)}`}`);
      console.log(`${bundle}: ${pairs.filter(({ n }) => n.bitExact).length} kernel outputs bit-identical; ${[...new Set(rel)].join('; ')}`);
    });
  }
});
