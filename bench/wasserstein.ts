/**
 * bench/wasserstein — the Wasserstein engine against its TS twins and the peers of
 * ../shared/anchors/anchors.py (issue #4 targets), one thread, same inputs on both sides:
 *   A  exact W₁, n = m = 1000 and 2000, d = 2 (cost matrix included): POT emd2, SciPy assignment
 *   B  1-D W₁, n = m = 10⁶: SciPy wasserstein_distance
 *   C  Sinkhorn, n = m = 2000, ε = 0.01, sqeuclidean, exactly 100 iterations: POT sinkhorn_log,
 *      on our clouds (C1) and on the peer's own numpy data (C2; C3 with ε-scaling on)
 *   D  (--big) exact W₁ for n = m = 10⁴: time and WASM memory (auction: no cost matrix)
 *   E  exact W₁, unequal sizes with non-integer ratios (network simplex): 135 × 1009 and
 *      675 × 5041 vs the TS twin and POT emd2; --unequal adds the SSP solver at 135 × 1009
 *      (its 675 × 5041 run takes minutes and is left out)
 * Data: X ~ N(0, I), Y ~ N(1, I) (like anchors.py), seeded.
 * Usage: npm run bench -- wasserstein [--quick] [--big] [--unequal]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, init, sinkhorn, wasserstein1, wasserstein1d } from '../src/index.js';
import { wasmRuntime } from '../src/runtime/loader.js';
import { runPeer, type PeerResult } from './lib/peers.js';
import { printRows, ratio, saveReport, type Row } from './lib/report.js';
import { time } from './lib/timing.js';

const quick = process.argv.includes('--quick');
const big = process.argv.includes('--big');
const unequal = process.argv.includes('--unequal');

/** The peer's own clouds (anchors.py without --x/--y: numpy default_rng(0)), or null without Python. */
function peerData(n: number, d: number): [Float64Array, Float64Array] | null {
  const dir = mkdtempSync(join(tmpdir(), 'flowsteer-data-'));
  const code = `import numpy as np\nr = np.random.default_rng(0)\nX = r.standard_normal((${n}, ${d}))\nY = r.standard_normal((${n}, ${d})) + 1.0\nX.astype('<f8').tofile('${dir}/x'); Y.astype('<f8').tofile('${dir}/y')`;
  const r = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const read = (f: string) => { const b = readFileSync(join(dir, f)); return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); };
  return [read('x'), read('y')];
}

function gaussian(seed: number, n: number, d: number, shift: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = shift + rng.normal();
  return x;
}

const rows: Row[] = [];
const summary: Record<string, unknown> = {};

function peerRow(workload: string, p: PeerResult, ours: number, oursValue: number, target: string): void {
  rows.push({
    workload,
    contender: `${p.workload} (peer)`,
    seconds: p.seconds,
    value: p.value === undefined ? '' : p.value.toPrecision(12),
    speedup: ratio(p.seconds, ours),
    note: p.absent ?? `target ${target}; |Δvalue| = ${p.value === undefined ? '?' : Math.abs(p.value - oursValue).toExponential(1)}`,
  });
}

async function withBackend<T>(b: 'js' | 'auto', fn: () => T): Promise<T> {
  await init({ backend: b });
  return fn();
}

await init();
// A — exact W1
for (const n of quick ? [1000] : [1000, 2000]) {
  const d = 2;
  const x = gaussian(10 + n, n, d, 0), y = gaussian(20 + n, n, d, 1);
  const X = { n, d, data: x }, Y = { n, d, data: y };
  const name = `A: exact W1 n=m=${n} d=2`;
  const t = time(`${name} wasm`, () => wasserstein1(X, Y), { maxTime: 1, minSamples: 2 });
  const r = wasserstein1(X, Y);
  rows.push({ workload: name, contender: 'flowsteer (wasm)', seconds: t.seconds, value: r.value.toPrecision(12), speedup: '1×', note: `${r.solver} (${r.solver === 'simplex' ? 'pivots' : 'augmentations'} ${r.iterations}), gap ${r.dualityGap.toExponential(1)}, infeas ${r.dualInfeasibility.toExponential(1)}` });
  if (n === 1000) {
    const tw = await withBackend('js', () => time(`${name} twin`, () => wasserstein1(X, Y), { maxTime: 0.1, minSamples: 1 }));
    await init();
    rows.push({ workload: name, contender: 'TS twin', seconds: tw.seconds, speedup: ratio(tw.seconds, t.seconds), note: '' });
  }
  const pot = runPeer('w1-pot', { x, n, d, y, m: n, repeat: 3 });
  peerRow(name, pot, t.seconds, r.value, n === 1000 ? '≥ 1.0×' : '≥ 1.5×');
  const lsa = runPeer('w1-assignment', { x, n, d, y, m: n, repeat: 1 });
  peerRow(name, lsa, t.seconds, r.value, '(reference)');
  summary[`w1_${n}`] = { wasm: t.seconds, pot: pot.seconds, scipy: lsa.seconds, value: r.value, potValue: pot.value };
}

// B — 1-D W1
{
  const n = quick ? 200_000 : 1_000_000;
  const u = gaussian(31, n, 1, 0), v = gaussian(32, n, 1, 1);
  const name = `B: 1-D W1 n=m=${n}`;
  const t = time(`${name} wasm`, () => wasserstein1d(u, v), { maxTime: 2, minSamples: 3 });
  const val = wasserstein1d(u, v).value;
  rows.push({ workload: name, contender: 'flowsteer (wasm)', seconds: t.seconds, value: val.toPrecision(12), speedup: '1×', note: 'radix sort' });
  const tw = await withBackend('js', () => time(`${name} twin`, () => wasserstein1d(u, v), { maxTime: 1, minSamples: 2 }));
  await init();
  rows.push({ workload: name, contender: 'TS twin', seconds: tw.seconds, speedup: ratio(tw.seconds, t.seconds), note: 'TypedArray.sort' });
  const sp = runPeer('w1d', { x: u, n, d: 1, y: v, m: n, repeat: 3 });
  peerRow(name, sp, t.seconds, val, '≥ 5×');
  summary.w1d = { wasm: t.seconds, twin: tw.seconds, scipy: sp.seconds };
}

// C — Sinkhorn, exactly 100 iterations, against POT's log-domain Sinkhorn on the same numbers:
//   C1 our seeded clouds, ε-scaling off (the iterates POT computes);
//   C2 the peer's own data (anchors.py: numpy default_rng(0), X ~ N(0, I), Y ~ N(0, I) + 1) — the
//      issue-14 measurement "on other data";
//   C3 as C2 with the default options (ε-scaling on: fewer, larger ε steps for a 100-iteration budget).
{
  const n = quick ? 1000 : 2000, d = 2;
  const numpy = peerData(n, d);
  const variants: [string, Float64Array, Float64Array, boolean][] = [
    ['C1: Sinkhorn (seeded clouds)', gaussian(41, n, d, 0), gaussian(42, n, d, 1), false],
    ...(numpy ? [['C2: Sinkhorn (anchors.py data)', numpy[0], numpy[1], false], ['C3: Sinkhorn (anchors.py data, ε-scaling on)', numpy[0], numpy[1], true]] as [string, Float64Array, Float64Array, boolean][] : []),
  ];
  for (const [label, x, y, epsilonScaling] of variants) {
    const X = { n, d, data: x }, Y = { n, d, data: y };
    const opts = { epsilon: 0.01, maxIterations: 100, tolerance: 0, epsilonScaling };
    const name = `${label} n=m=${n} ε=0.01 100 it`;
    const t = time(`${name} wasm`, () => sinkhorn(X, Y, opts), { maxTime: 2, minSamples: 3 });
    const r = sinkhorn(X, Y, opts);
    rows.push({ workload: name, contender: 'flowsteer (wasm)', seconds: t.seconds, value: r.transportCost.toPrecision(12), speedup: '1×', note: `${r.absorptions} absorptions, density ${r.density.toFixed(3)}, marginal error ${r.residual.toExponential(1)}` });
    if (!epsilonScaling) {
      const tw = await withBackend('js', () => time(`${name} twin`, () => sinkhorn(X, Y, opts), { maxTime: 0.1, minSamples: 1 }));
      await init();
      rows.push({ workload: name, contender: 'TS twin', seconds: tw.seconds, speedup: ratio(tw.seconds, t.seconds), note: '' });
    }
    const pot = runPeer('sinkhorn', { x, n, d, y, m: n, repeat: 1, extra: ['--eps', '0.01', '--iters', '100'] });
    peerRow(name, pot, t.seconds, epsilonScaling ? NaN : r.transportCost, epsilonScaling ? '(POT without ε-scaling: a different iterate)' : '≥ 20×');
    summary[label.slice(0, 2)] = { wasm: t.seconds, pot: pot.seconds, value: r.transportCost, potValue: pot.value, absorptions: r.absorptions, density: r.density };
  }
}

// D — exact W1 at n = 10^4
if (big) {
  const n = 10_000, d = 2;
  const X = { n, d, data: gaussian(51, n, d, 0) }, Y = { n, d, data: gaussian(52, n, d, 1) };
  await init({ backend: 'js' });
  await init(); // a fresh instance: its memory size is this workload's peak
  const rt = wasmRuntime('bench')!;
  const top0 = rt.arena.mark();
  rt.arena.highWater = top0;
  const t0 = performance.now();
  const r = wasserstein1(X, Y);
  const sec = (performance.now() - t0) / 1000;
  const peak = rt.arena.highWater - top0;
  rows.push({ workload: `D: exact W1 n=m=${n} d=2`, contender: 'flowsteer (wasm)', seconds: sec, value: r.value.toPrecision(12), speedup: '', note: `arena peak ${(peak / 2 ** 20).toFixed(2)} MiB, WASM memory ${(rt.arena.memoryBytes / 2 ** 20).toFixed(1)} MiB, ${r.solver} (${r.solver === 'simplex' ? 'pivots' : 'augmentations'} ${r.iterations}), gap ${r.dualityGap.toExponential(1)}, infeas ${r.dualInfeasibility.toExponential(1)}` });
  summary.w1_10k = { seconds: sec, arenaPeakMiB: peak / 2 ** 20, memoryMiB: rt.arena.memoryBytes / 2 ** 20 };
}
// E — exact W1, unequal sizes with a non-integer ratio (network simplex)
for (const [n, m] of quick ? [[135, 1009]] : [[135, 1009], [675, 5041]]) {
  const d = 2;
  const x = gaussian(61, n, d, 0), y = gaussian(62, m, d, 1);
  const X = { n, d, data: x }, Y = { n: m, d, data: y };
  const name = `E: exact W1 n=${n} m=${m} d=2`;
  const t = time(`${name} wasm`, () => wasserstein1(X, Y), { maxTime: 1, minSamples: 2 });
  const r = wasserstein1(X, Y);
  rows.push({ workload: name, contender: 'flowsteer (wasm)', seconds: t.seconds, value: r.value.toPrecision(12), speedup: '1×', note: `${r.solver}, pivots ${r.iterations}, gap ${r.dualityGap.toExponential(1)}, infeas ${r.dualInfeasibility.toExponential(1)}` });
  const tw = await withBackend('js', () => time(`${name} twin`, () => wasserstein1(X, Y), { maxTime: 0.5, minSamples: 1 }));
  await init();
  rows.push({ workload: name, contender: 'TS twin', seconds: tw.seconds, speedup: ratio(tw.seconds, t.seconds), note: '' });
  if (unequal && n === 135) {
    const ts = time(`${name} ssp`, () => wasserstein1(X, Y, { solver: 'ssp' }), { maxTime: 0.1, minSamples: 1 });
    rows.push({ workload: name, contender: "flowsteer solver: 'ssp' (wasm)", seconds: ts.seconds, speedup: ratio(ts.seconds, t.seconds), note: 'successive shortest paths' });
  }
  const pot = runPeer('w1-pot', { x, n, d, y, m, repeat: 3 });
  peerRow(name, pot, t.seconds, r.value, '(reference)');
  summary[`w1_${n}x${m}`] = { wasm: t.seconds, twin: tw.seconds, pot: pot.seconds, value: r.value, potValue: pot.value, pivots: r.iterations };
}

printRows(rows, ['value', 'speedup']);
console.log('speedup = peer (or twin) seconds / flowsteer seconds, same run, one thread');
console.log(`report: ${saveReport('wasserstein', { quick, rows, summary })}`);
