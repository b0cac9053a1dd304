/**
 * bench/diffusion — issue #12 target, one thread, ratios from the same run:
 *   10^4 samples from n = 200 data points (the lemniscate of Fig. 5.1, arXiv 2510.03303 §5) in
 *   d = 2, 100 Euler–Maruyama steps of the reverse heat SDE dY = 2 s dr + √2 dW (ν = 1) from
 *   t = T = 1 to τ = 0.01 on the uniform grid, starting from N(0, 2T I) — exactly the anchors'
 *   diffusion-numpy workload (same data via --x, same parameters via --params);
 *   vs the TS twin (js backend) and NumPy.
 * value = [mean distance sample → nearest data point, mean |x|] (statistical: different RNGs,
 * so these agree to sampling error, ~1%).
 * And the log-det target: logDetJacobian(method 'exact') against flow(method 'exact') on the same
 * controls and points (target: within 2×) — the RK4 workload of bench/flow (d = 2, p = 16, 4
 * layers, 10^4 points) and the transportToUniform controls of a Gaussian at ε = 0.1 (145 layers).
 * Usage: npm run bench -- diffusion [--quick] [--only=sampler|logdet]
 */
import { createRng, diffusionSample, flow, init, logDetJacobian, transportToUniform, type Controls } from '../src/index.js';
import { reluWorkload } from './lib/relu-workload.js';
import { lemniscate } from '../src/diffusion/lemniscate.js';
import { runPeer } from './lib/peers.js';
import { printRows, ratio, saveReport, type Row } from './lib/report.js';
import { time } from './lib/timing.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const wanted = (part: string): boolean => only === undefined || only === part;
await init();
const rows: Row[] = [];
const n = 200, d = 2, samples = quick ? 2000 : 10000, steps = 100, T = 1, tau = 0.01, seed = 0;
const data = lemniscate(n, { seed: 1 });
const opts = { samples, steps, T, tau, seed, grid: 'uniform' as const, start: 'normal' as const, scheme: 'euler-maruyama' as const, diffusivity: 1 };
if (wanted('sampler')) {
const wl = `diffusion n=${n} d=${d} samples=${samples} ${steps} EM steps`;
const summary = (x: Float64Array): string => {
  let norm = 0;
  for (let i = 0; i < samples; i++) norm += Math.hypot(x[2 * i], x[2 * i + 1]);
  return `[${ours.diagnostics.meanNearestDistance.toPrecision(4)}, ${(norm / samples).toPrecision(4)}]`;
};
const ours = diffusionSample(data, opts);
const t = time(wl, () => diffusionSample(data, opts).samples.data, { maxTime: quick ? 1 : 5, minSamples: 3 });
rows.push({ workload: wl, contender: 'flowsteer wasm', seconds: t.seconds, value: summary(ours.samples.data), speedup: '1×' });
await init({ backend: 'js' });
const twin = time(`${wl} twin`, () => diffusionSample(data, opts).samples.data, { maxTime: 1, minSamples: 1 });
await init();
rows.push({ workload: wl, contender: 'TS twin', seconds: twin.seconds, speedup: ratio(twin.seconds, t.seconds) });
const peer = runPeer('diffusion-numpy', { x: data.data, n, d, params: { samples, T, tau, steps, seed }, repeat: 3 });
const pv = peer.value as unknown as number[] | undefined;
rows.push({
  workload: wl, contender: 'diffusion-numpy', seconds: peer.seconds, value: pv ? `[${pv.map((v) => v.toPrecision(4)).join(', ')}]` : '',
  speedup: ratio(peer.seconds, t.seconds), note: peer.absent,
});
}
if (wanted('logdet')) {
  const cases: { name: string; controls: Controls; X: { n: number; d: number; data: Float64Array } }[] = [];
  const w = reluWorkload(5, quick ? 2000 : 10000, 2, 16, 4);
  cases.push({ name: `exact flow d=2 p=16 4 layers n=${w.cloud.n}`, controls: w.controls, X: w.cloud });
  const rng = createRng(3);
  const gauss = (k: number) => ({ n: k, d: 2, data: Float64Array.from({ length: 2 * k }, (_, j) => (j % 2 ? 0.6 : 0.3) + 0.35 * rng.normal()) });
  const built = transportToUniform(gauss(4 * 15 * 15), { width: 6, epsilon: 0.1 });
  const tc: Controls = (built as unknown as { controls: Controls }).controls ?? (built as unknown as Controls);
  cases.push({ name: `transportToUniform eps=0.1 (${tc.layers.length} layers) n=${quick ? 1000 : 4000}`, controls: tc, X: gauss(quick ? 1000 : 4000) });
  for (const c of cases) {
    const tf = time(`${c.name} flow`, () => flow(c.controls, c.X, { method: 'exact' }).data, { maxTime: quick ? 1 : 3, minSamples: 2 });
    const tl = time(`${c.name} logdet`, () => logDetJacobian(c.controls, c.X).logDet, { maxTime: quick ? 1 : 3, minSamples: 2 });
    rows.push({ workload: c.name, contender: 'flow(method exact)', seconds: tf.seconds, speedup: '1×' });
    rows.push({ workload: c.name, contender: 'logDetJacobian(exact)', seconds: tl.seconds, speedup: ratio(tf.seconds, tl.seconds), note: `cost ${(tl.seconds / tf.seconds).toFixed(2)}× the exact flow (target ≤ 2×)` });
  }
}
printRows(rows, ['value', 'speedup']);
console.log(`report: ${saveReport('diffusion', { quick, rows })}`);
