/**
 * bench/flow — batched RK4 of ReLU fields (issue #2 targets), one thread:
 *   A  N = 10^5, d = 2, p = 16, 4 layers × 25 RK4 steps: WASM vs TS twin vs NumPy vs PyTorch CPU
 *   B  N = 10^5, d = 8, p = 32, 4 layers × 25 RK4 steps: same, plus fraction of the WASM f64x2 peak
 *   A and B run both RK4 kernels: 'dense' (GFLOP/s and % of peak refer to it) and 'cell'
 *      (assembly/rk4_cell.ts, affine steps inside activation cells), each against its TS twin
 *   C  cost linear in N from 10^4 to 10^7 (d = 2, p = 16, 4 layers × 2 steps), and memory
 *      (WASM linear memory + output) relative to the point data
 * Flop count of one RK4 step of one point: 4 stages × p neurons × 4d (d mul + d add for ⟨a_i,x⟩,
 * d mul + d add for the output) + 13d for the stage combinations (max() not counted).
 * Usage: npm run bench -- flow [--quick]
 */
import { createRng, flow, init, makeControls, type Controls } from '../src/index.js';
import { rk4LayerJS } from '../src/kernels/rk4.js';
import { rk4CellLayerJS } from '../src/kernels/rk4_cell.js';
import { kernelsOf } from '../src/backend/index.js';
import { wasmRuntime } from '../src/runtime/loader.js';
import { runPeer, type PeerResult } from './lib/peers.js';
import { reluWorkload } from './lib/relu-workload.js';
import { printRows, ratio, saveReport, type Row } from './lib/report.js';
import { time } from './lib/timing.js';

const quick = process.argv.includes('--quick');


function flopsPerRun(n: number, d: number, p: number, L: number, steps: number): number {
  return n * L * steps * (4 * p * 4 * d + 13 * d);
}

function peerParams(c: Controls, steps: number) {
  return { T: c.T, steps, layers: c.layers.map((l) => ({ W: Array.from(l.W), A: Array.from(l.A), b: Array.from(l.b) })) };
}

function sumAbs(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s;
}

function twin(c: Controls, X: Float64Array, n: number, d: number, steps: number, kernel = rk4LayerJS): Float64Array {
  const x = X.slice();
  for (const l of c.layers) kernel(x, n, d, l.W, l.A, l.b, c.width, l.duration / steps, steps);
  return x;
}

await init();
const rt = wasmRuntime('bench')!;
const peakK = kernelsOf(rt);
const peakIters = 20_000_000;
const peakT = time('simd peak', () => peakK.simdPeak(peakIters, 1.0), { maxTime: 2 });
const peak = peakK.simdPeakFlops(peakIters) / peakT.seconds;
console.log(`measured WASM f64x2 peak (8 independent mul+add chains): ${(peak / 1e9).toFixed(2)} GFLOP/s`);

const rows: Row[] = [];
const summary: Record<string, unknown> = { peakGflops: peak / 1e9 };
const steps = 25, L = 4;
for (const [tag, d, p] of [['A', 2, 16], ['B', 8, 32]] as const) {
  const n = quick ? 20_000 : 100_000;
  const { controls, cloud } = reluWorkload(tag === 'A' ? 1 : 2, n, d, p, L);
  const name = `${tag}: N=${n} d=${d} p=${p} ${L}×${steps} rk4`;
  const w = time(`${name} wasm`, () => flow(controls, cloud, { stepsPerLayer: steps, rk4Kernel: 'dense' }), { maxTime: 3 });
  const valueWasm = sumAbs(flow(controls, cloud, { stepsPerLayer: steps, rk4Kernel: 'dense' }).data);
  const wc = time(`${name} wasm cell`, () => flow(controls, cloud, { stepsPerLayer: steps, rk4Kernel: 'cell' }), { maxTime: 3 });
  const valueCell = sumAbs(flow(controls, cloud, { stepsPerLayer: steps, rk4Kernel: 'cell' }).data);
  const tc = time(`${name} cell twin`, () => twin(controls, cloud.data, n, d, steps, rk4CellLayerJS), { maxTime: 2, minSamples: 2 });
  const tw = time(`${name} twin`, () => twin(controls, cloud.data, n, d, steps), { maxTime: 2, minSamples: 2 });
  const valueTwin = sumAbs(twin(controls, cloud.data, n, d, steps));
  const gflops = flopsPerRun(n, d, p, L, steps) / w.seconds / 1e9;
  const peers: PeerResult[] = ['rk4-numpy', 'rk4-torch'].map((wl) =>
    runPeer(wl, { x: cloud.data, n, d, params: peerParams(controls, steps), repeat: 3 }),
  );
  rows.push({ workload: name, contender: 'flowsteer wasm-simd', seconds: w.seconds, GFLOPs: gflops.toFixed(2), 'of peak': `${((100 * gflops * 1e9) / peak).toFixed(0)}%`, 'Σ|x|': valueWasm.toPrecision(12), note: `±${w.rme.toFixed(1)}%` });
  rows.push({ workload: name, contender: 'TS twin', seconds: tw.seconds, 'Σ|x|': valueTwin.toPrecision(12), note: `wasm ${ratio(tw.seconds, w.seconds)} faster` });
  rows.push({ workload: name, contender: 'flowsteer wasm cell', seconds: wc.seconds, 'Σ|x|': valueCell.toPrecision(12), note: `±${wc.rme.toFixed(1)}%; ${ratio(w.seconds, wc.seconds)} faster than dense wasm` });
  rows.push({ workload: name, contender: 'cell TS twin', seconds: tc.seconds, note: `cell ${ratio(tc.seconds, wc.seconds)} faster; ${ratio(tw.seconds, wc.seconds)} faster than the dense TS twin` });
  for (const pr of peers) {
    rows.push({ workload: name, contender: pr.workload, seconds: pr.seconds, 'Σ|x|': pr.value?.toPrecision(12) ?? '', note: pr.absent ?? `wasm ${ratio(pr.seconds, w.seconds)} faster, cell ${ratio(pr.seconds, wc.seconds)} faster` });
  }
  summary[tag] = {
    n, d, p, wasm: w.seconds, twin: tw.seconds, gflops, fractionOfPeak: (gflops * 1e9) / peak,
    peers: Object.fromEntries(peers.map((pr) => [pr.workload, pr.seconds ?? pr.absent])),
    speedupVsTwin: tw.seconds / w.seconds,
    speedupVsTorch: peers[1].seconds !== undefined ? peers[1].seconds / w.seconds : null,
    cell: {
      wasm: wc.seconds, twin: tc.seconds,
      speedupVsDense: w.seconds / wc.seconds,
      speedupVsCellTwin: tc.seconds / wc.seconds,
      speedupVsDenseTwin: tw.seconds / wc.seconds,
      speedupVsTorch: peers[1].seconds !== undefined ? peers[1].seconds / wc.seconds : null,
    },
  };
}
printRows(rows, ['GFLOPs', 'of peak', 'Σ|x|']);

// C: linear cost in N, and memory.
const scaling: Row[] = [];
const sizes = quick ? [10_000, 100_000, 1_000_000] : [10_000, 100_000, 1_000_000, 10_000_000];
const perPoint: number[] = [];
for (const n of sizes) {
  const { controls, cloud } = reluWorkload(3, n, 2, 16, 4);
  const memBefore = rt.arena.memoryBytes;
  const t = time(`C N=${n}`, () => flow(controls, cloud, { stepsPerLayer: 2 }), { maxTime: n >= 1e7 ? 1 : 2, minSamples: n >= 1e7 ? 2 : 5 });
  const pointBytes = n * 2 * 8;
  const extra = rt.arena.memoryBytes - memBefore;
  perPoint.push(t.seconds / n);
  scaling.push({
    workload: `C: N=${n.toExponential(0)} d=2 p=16 4×2 rk4`,
    contender: 'flowsteer wasm-simd',
    seconds: t.seconds,
    'ns/point': ((1e9 * t.seconds) / n).toFixed(1),
    // working memory of a flow call: the output array plus all of WASM linear memory
    'memory / point data': ((pointBytes + rt.arena.memoryBytes) / pointBytes).toFixed(2),
    note: `WASM memory ${(rt.arena.memoryBytes / 2 ** 20).toFixed(1)} MiB (grew ${(extra / 2 ** 20).toFixed(1)} MiB)`,
  });
}
printRows(scaling, ['ns/point', 'memory / point data']);
const spread = Math.max(...perPoint) / Math.min(...perPoint);
console.log(`cost per point varies by ${spread.toFixed(2)}× across N = ${sizes.map((s) => s.toExponential(0)).join(', ')} (1.00 = perfectly linear)`);
console.log('memory / point data = (output array + all WASM linear memory) / input size: the arena holds one chunk of points at a time, so the working memory tends to 1× the point data (2× counting the input).');
summary.scaling = { sizes, secondsPerPoint: perPoint, spread };
console.log(`report: ${saveReport('flow', { rows, scaling, summary })}`);
