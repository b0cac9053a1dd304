/**
 * bench/train — loss + gradient of J_α (arXiv 2510.03303, eq. 3.13) through RK4 by the discrete
 * adjoint (assembly/rk4_adjoint.ts, docs/algorithms/training.md) against PyTorch autograd through
 * the same steps (anchors.py rk4-grad-torch, one thread), on the same numbers:
 *   (1) N = 10⁴, d = 2, p = 16, 4 layers × 10 RK4 steps  (target ≥ 5× torch)
 *   (2) N = 10⁵, d = 8, p = 32, 4 layers × 10 RK4 steps  (target ≥ 2× torch)
 *   (3) epochs per second of full-batch Adam in the ClassifNODEs setting (N = 40 points in the
 *       plane, width 1, 20 layers, hinge loss, margin 0.1, 10 steps per layer), next to torch's
 *       loss + gradient time for the same sizes (one epoch = one loss + gradient; the Adam update
 *       is negligible next to it).
 * Also the TS twin (backend 'js'), the agreement of [J, |∇J|₂] with torch and the bytes stored.
 * Usage: npm run bench -- train [--quick]
 */
import { init, lossAndGradient, train } from '../src/index.js';
import { discreteStorageBytes } from '../src/training/gradient-rk4.js';
import { runPeer } from './lib/peers.js';
import { reluWorkload } from './lib/relu-workload.js';
import { printRows, ratio, saveReport, type Row } from './lib/report.js';
import { time } from './lib/timing.js';

const quick = process.argv.includes('--quick');
const rows: Row[] = [];
const record: Record<string, unknown>[] = [];
const steps = 10, alpha = 1e-3, L = 4;

async function gradientWorkload(n: number, d: number, p: number, label: string, twin: boolean): Promise<void> {
  const { controls, cloud } = reluWorkload(17 + d + p, n, d, p, L);
  const Y = reluWorkload(99 + d, n, d, 1, 1).cloud;
  const o = { method: 'rk4', stepsPerLayer: steps, alpha } as const;
  await init();
  const ours = lossAndGradient(controls, cloud, Y, o);
  const tw = time(`${label} wasm`, () => lossAndGradient(controls, cloud, Y, o), { maxTime: quick ? 1 : 3 });
  let tj: number | undefined;
  if (twin) {
    await init({ backend: 'js' });
    const t0 = performance.now();
    lossAndGradient(controls, cloud, Y, o);
    tj = (performance.now() - t0) / 1000;
    await init();
  }
  const peer = runPeer('rk4-grad-torch', {
    x: cloud.data, n, d, y: Y.data, m: n, repeat: quick ? 2 : 5,
    params: { steps, alpha, layers: controls.layers.map((l) => ({ W: Array.from(l.W), A: Array.from(l.A), b: Array.from(l.b), duration: l.duration })) },
  });
  let g2 = 0;
  for (const Lg of ours.gradient.layers) for (const v of [...Lg.W, ...Lg.A, ...Lg.b]) g2 += v * v;
  const pv = peer.value as unknown as number[] | undefined;
  const agree = pv ? `J rel ${(Math.abs(ours.loss - pv[0]) / pv[0]).toExponential(1)}, |∇J| rel ${(Math.abs(Math.sqrt(g2) - pv[1]) / pv[1]).toExponential(1)}` : '';
  const stored = discreteStorageBytes(L, n, d);
  rows.push({ workload: label, contender: 'flowsteer wasm (discrete adjoint)', seconds: tw.seconds, 'vs torch': ratio(peer.seconds, tw.seconds), note: `±${tw.rme.toFixed(1)}%; stores ${(stored / 2 ** 20).toFixed(1)} MiB = (L+2)·N·d·8 ≤ budget ${(((L + 4 * steps + 2) * n * d * 8) / 2 ** 20).toFixed(1)} MiB` });
  if (tj !== undefined) rows.push({ workload: label, contender: 'flowsteer TS twin', seconds: tj, 'vs torch': ratio(peer.seconds, tj), note: 'one run' });
  rows.push({ workload: label, contender: 'PyTorch autograd (1 thread)', seconds: peer.seconds, 'vs torch': '1.00×', note: peer.absent ?? agree });
  record.push({ label, n, d, p, layers: L, steps, wasm: tw, twin: tj, torch: peer, ours: { J: ours.loss, gradNorm: Math.sqrt(g2) }, storedBytes: stored });
}

await gradientWorkload(10_000, 2, 16, 'N=1e4 d=2 p=16 4×10 RK4', true);
if (!quick) await gradientWorkload(100_000, 8, 32, 'N=1e5 d=8 p=32 4×10 RK4', false);

// (3) ClassifNODEs setting: epochs per second
{
  const n = 40, d = 2, Lc = 20;
  const { cloud } = reluWorkload(5, n, d, 1, 1);
  const labels = Array.from({ length: n }, (_, i) => (cloud.data[2 * i] * cloud.data[2 * i + 1] > 0 ? 1 : 0));
  const epochs = quick ? 50 : 300;
  await init();
  const opts = { width: 1, layers: Lc, T: 2, epochs, learningRate: 0.02, seed: 1, stepsPerLayer: steps, loss: { kind: 'hinge', margin: 0.1, readout: { axis: 1, offset: 0 } } } as const;
  train(cloud, labels, { ...opts, epochs: 5 });
  const t0 = performance.now();
  const r = train(cloud, labels, opts);
  const sec = (performance.now() - t0) / 1000;
  const c = r.controls;
  const Y = reluWorkload(6, n, d, 1, 1).cloud;
  const peer = runPeer('rk4-grad-torch', {
    x: cloud.data, n, d, y: Y.data, m: n, repeat: quick ? 3 : 10,
    params: { steps, alpha: 0, layers: c.layers.map((l) => ({ W: Array.from(l.W), A: Array.from(l.A), b: Array.from(l.b), duration: l.duration })) },
  });
  rows.push({ workload: 'setting (a): N=40 d=2 p=1 20 layers hinge', contender: 'flowsteer train (Adam, full batch)', seconds: sec / epochs, 'epochs/s': (epochs / sec).toFixed(0), 'vs torch': ratio(peer.seconds, sec / epochs), note: `${epochs} epochs, final training accuracy ${r.history[r.history.length - 1].accuracy}` });
  rows.push({ workload: 'setting (a): N=40 d=2 p=1 20 layers hinge', contender: 'PyTorch loss+grad (same sizes)', seconds: peer.seconds, 'epochs/s': peer.seconds ? (1 / peer.seconds).toFixed(0) : '', 'vs torch': '1.00×', note: peer.absent ?? 'squared loss; one epoch = one loss + gradient' });
  record.push({ label: 'setting (a)', epochs, seconds: sec, torch: peer });
}

printRows(rows, ['vs torch', 'epochs/s']);
console.log(`report: ${saveReport('train', { rows, record })}`);
