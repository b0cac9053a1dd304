/**
 * bench/shallow — issue #10 targets (survey arXiv 2510.03303 §2, docs/algorithms/shallow.md):
 *   N = 200, d = 2, ε = 0: column generation with exact pricing, certified (gap ≤ 1e-8 relative),
 *     vs the LP on a 25 000-neuron random dictionary (HiGHS WASM, same process type), time and
 *     peak memory, each measured in its own child process; plus SciPy's HiGHS (native) on the
 *     same dictionary (anchors l1-highs) for reference.
 *   N = 1000, d = 5: local-search pricing (certified only on what was searched): time, atoms.
 *   A table of time, rounds and atoms against N (d = 2 exact, d = 5 heuristic).
 * Data: x ~ N(0, I_d), y = sin(2 x₁) + 0.3 Σx + 0.1 noise (seed 1). Neurons uniform on S^d.
 * Usage: npm run bench -- shallow [--quick] [--dictionary=25000]
 */
import { spawnSync } from 'node:child_process';
import { createRng, initShallow, shallowRepresent, type ShallowRepresentation } from '../src/index.js';
import { runPeer } from './lib/peers.js';
import { printRows, ratio, saveReport, type Row } from './lib/report.js';

const quick = process.argv.includes('--quick');
const child = process.argv.find((a) => a.startsWith('--child='))?.slice(8);
const dictArg = process.argv.find((a) => a.startsWith('--dictionary='))?.slice(13);
const P_DICT = dictArg ? Number(dictArg) : quick ? 5000 : 25_000;

function data(N: number, d: number, seed = 1): { X: Float64Array; y: Float64Array } {
  const rng = createRng(seed);
  const X = new Float64Array(N * d), y = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) { X[i * d + k] = rng.normal(); s += X[i * d + k]; }
    y[i] = Math.sin(2 * X[i * d]) + 0.3 * s + 0.1 * rng.normal();
  }
  return { X, y };
}

function dictionary(P: number, d: number, seed = 2): { a: Float64Array; b: Float64Array } {
  const rng = createRng(seed);
  const a = new Float64Array(P * d), b = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    const z = rng.unitVector(d + 1);
    for (let k = 0; k < d; k++) a[j * d + k] = z[k];
    b[j] = z[d];
  }
  return { a, b };
}

interface ChildOut { seconds: number; value: number; dual: number; gap: number; atoms: number; iterations: number; status: string; certificate: string; rssBaseMB: number; rssPeakMB: number; columns: number; simplex: number; lp: number; pricing: number }

async function runChild(kind: string): Promise<void> {
  const [method, Ns, ds, Ps] = kind.split(':');
  const N = Number(Ns), d = Number(ds);
  await initShallow();
  const { X, y } = data(N, d);
  const cloud = { n: N, d, data: X };
  const opts = method === 'dict' ? { method: 'dictionary' as const, dictionary: (() => { const D = dictionary(Number(Ps), d); return { a: { n: Number(Ps), d, data: D.a }, b: D.b }; })() } : {};
  if (global.gc) global.gc();
  const rssBase = process.memoryUsage().rss;
  const t0 = performance.now();
  const r: ShallowRepresentation = shallowRepresent(cloud, y, opts);
  const seconds = (performance.now() - t0) / 1000;
  const out: ChildOut = {
    seconds, value: r.value, dual: r.dual, gap: r.gap / r.value, atoms: r.network.P, iterations: r.iterations, status: r.status,
    certificate: r.diagnostics.certificate, rssBaseMB: rssBase / 2 ** 20, rssPeakMB: process.resourceUsage().maxRSS / 1024, columns: r.diagnostics.columns, simplex: r.diagnostics.simplexIterations, lp: r.diagnostics.lpSeconds, pricing: r.diagnostics.pricingSeconds,
  };
  console.log(JSON.stringify(out));
}

function spawnChild(kind: string): ChildOut | { error: string } {
  const r = spawnSync(process.execPath, ['--expose-gc', process.argv[1], `--child=${kind}`], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildOut;
}

if (child) {
  await runChild(child);
} else {
  const rows: Row[] = [];
  const mb = (x: number): string => `${x.toFixed(0)} MB`;
  // 1. N = 200, d = 2, ε = 0
  const N = quick ? 100 : 200;
  const cg = spawnChild(`cg:${N}:2`);
  const dl = spawnChild(`dict:${N}:2:${P_DICT}`);
  const wl = `N=${N} d=2 ε=0`;
  if ('error' in cg) rows.push({ workload: wl, contender: 'column generation', note: cg.error });
  else rows.push({ workload: wl, contender: 'column generation (exact pricing)', seconds: cg.seconds, value: cg.value.toPrecision(12), gap: cg.gap.toExponential(2), atoms: cg.atoms, rounds: cg.iterations, peakRSS: mb(cg.rssPeakMB), note: `${cg.status}, certificate ${cg.certificate}, ${cg.columns} neurons in the LP` });
  if ('error' in dl) rows.push({ workload: wl, contender: `dictionary LP P=${P_DICT}`, note: dl.error });
  else rows.push({ workload: wl, contender: `dictionary LP P=${P_DICT} (HiGHS wasm)`, seconds: dl.seconds, value: dl.value.toPrecision(12), gap: '(dictionary)', atoms: dl.atoms, rounds: 1, peakRSS: mb(dl.rssPeakMB), note: 'an upper bound on val(PR₀)' });
  const { X, y } = data(N, 2);
  const D = dictionary(P_DICT, 2);
  const peer = runPeer('l1-highs', { x: X, n: N, d: 2, y, m: N, params: { a: Array.from(D.a), b: Array.from(D.b), epsilon: 0 }, repeat: 1 });
  rows.push({ workload: wl, contender: `SciPy HiGHS (native) P=${P_DICT}`, seconds: peer.seconds, value: peer.value === undefined ? '' : String((peer.value as unknown as number[])[0] ?? peer.value), note: peer.absent ?? 'same dictionary' });
  if (!('error' in cg) && !('error' in dl)) {
    console.log(`target: certified gap ${cg.gap.toExponential(2)} (≤ 1e-8), ${cg.seconds.toFixed(2)} s (≤ 5 s), speed-up vs dictionary LP ${ratio(dl.seconds, cg.seconds)} (≥ 10×), memory ${(cg.rssPeakMB / dl.rssPeakMB).toFixed(3)} of it (≤ 0.1; above the Node baseline: ${mb(cg.rssPeakMB - cg.rssBaseMB)} vs ${mb(dl.rssPeakMB - dl.rssBaseMB)}), value ${cg.value.toPrecision(10)} ≤ dictionary ${dl.value.toPrecision(10)}`);
  }
  // 2. table against N
  const sizes: [number, number][] = quick ? [[50, 2], [100, 2], [200, 5]] : [[50, 2], [100, 2], [200, 2], [400, 2], [200, 5], [500, 5], [1000, 5]];
  for (const [n, d] of sizes) {
    const c = spawnChild(`cg:${n}:${d}`);
    const w = `N=${n} d=${d} ε=0`;
    if ('error' in c) rows.push({ workload: w, contender: 'column generation', note: c.error });
    else rows.push({ workload: w, contender: `column generation (${d <= 3 ? 'exact' : 'local search'} pricing)`, seconds: c.seconds, value: c.value.toPrecision(12), gap: c.gap.toExponential(2), atoms: c.atoms, rounds: c.iterations, peakRSS: mb(c.rssPeakMB), note: `${c.status}, certificate ${c.certificate}` });
  }
  printRows(rows, ['value', 'gap', 'atoms', 'rounds', 'peakRSS']);
  console.log('saved', saveReport('shallow', { rows }));
}
