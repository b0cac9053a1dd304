/**
 * bench/attention — issue #5 targets, one thread, ratios from the same run:
 *   hardmax  n = 2000, d = 16, 20 steps (symmetric pairs)   vs TS twin, NumPy, PyTorch
 *   hardmax  n = 2000, d = 2,  20 steps (2-D hull band)      vs TS twin, NumPy, PyTorch
 *   hardmax  n = 2000, d = 2, 200 steps (most tokens collapse onto few positions): atoms merged
 *            (default) vs mergeCoincident: false, vs the TS twin (js backend, atoms) and NumPy
 *   softmax  n = 2000, d = 16, 20 steps, T = 0.1             vs TS twin, NumPy
 *   sphere   n = 10^4, d = 3, SA, β = 1: RK4 steps per second, symmetric path vs per-row path
 * Same tokens and A for the peers (--x, --params); `value` = Σ|z| after the run, ours and theirs.
 * Tokens standard normal, A = QQᵀ/d + I (Q standard normal), α = 1, tie tolerance 1e-12 (the anchors').
 * Usage: npm run bench -- attention [--quick] [--only=hardmax|collapse|softmax|sphere]
 */
import { createRng, hardmaxDynamics, init, softmaxDynamics, sphereDynamics, trajectoryFrame, type HardmaxOptions, type PointCloud } from '../src/index.js';
import { softmaxCut, softmaxStepJS } from '../src/kernels/softmax.js';
import { runPeer } from './lib/peers.js';
import { printRows, ratio, saveReport, type Row } from './lib/report.js';
import { time } from './lib/timing.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const wanted = (part: string): boolean => only === undefined || only === part;

function workload(seed: number, n: number, d: number) {
  const rng = createRng(seed);
  const Z = new Float64Array(n * d);
  for (let j = 0; j < Z.length; j++) Z[j] = rng.normal();
  const Q = Array.from({ length: d * d }, () => rng.normal());
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += Q[i * d + k] * Q[j * d + k];
    A[i * d + j] = s / d + (i === j ? 1 : 0);
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) A[j * d + i] = A[i * d + j];
  return { Z, A };
}

const absSum = (a: Float64Array): number => a.reduce((s, v) => s + Math.abs(v), 0);

/** The TS twin (brute force over atoms) through the public API on the js backend. */
async function twinTime(name: string, cloud: PointCloud, opts: HardmaxOptions): Promise<number> {
  await init({ backend: 'js' });
  try {
    return time(name, () => hardmaxDynamics(cloud, { ...opts }).tokens.data, { maxTime: 1, minSamples: 1 }).seconds;
  } finally {
    await init();
  }
}

await init();
const rows: Row[] = [];
const steps = 20, alpha = 1, T = 0.1;
for (const [kind, d] of [['hardmax', 16], ['hardmax', 2], ['softmax', 16]] as const) {
  if (!wanted(kind)) continue;
  const n = quick ? 500 : 2000;
  const { Z, A } = workload(7 + d, n, d);
  const cloud = { n, d, data: Z };
  const wl = `${kind} n=${n} d=${d} ${steps} steps`;
  let ours: { seconds: number; value: number };
  let twin: number;
  if (kind === 'hardmax') {
    const run = () => hardmaxDynamics(cloud, { A, alpha, steps }).tokens.data;
    const t = time(wl, run, { maxTime: quick ? 1 : 4 });
    ours = { seconds: t.seconds, value: absSum(run()) };
    twin = await twinTime(`${wl} twin`, cloud, { A, alpha, steps });
  } else {
    const run = () => softmaxDynamics(cloud, { A, alpha, temperature: T, steps }).tokens.data;
    const t = time(wl, run, { maxTime: quick ? 1 : 4 });
    ours = { seconds: t.seconds, value: absSum(run()) };
    twin = time(`${wl} twin`, () => {
      const z = Z.slice();
      for (let s = 0; s < steps; s++) softmaxStepJS(z, n, d, A, alpha / (1 + alpha), 1 / T, softmaxCut(n));
      return z;
    }, { maxTime: 1, minSamples: 1 }).seconds;
  }
  rows.push({ workload: wl, contender: 'flowsteer wasm', seconds: ours.seconds, value: ours.value.toPrecision(15), speedup: '1×' });
  rows.push({ workload: wl, contender: 'TS twin', seconds: twin, speedup: ratio(twin, ours.seconds) });
  const peers = kind === 'hardmax' ? ['hardmax-numpy', 'hardmax-torch'] : ['softmax-numpy'];
  for (const p of peers) {
    const r = runPeer(p, { x: Z, n, d, params: { A: Array.from(A), alpha, steps, temperature: T }, repeat: 3 });
    rows.push({ workload: wl, contender: p, seconds: r.seconds, value: r.value?.toPrecision(15) ?? '', speedup: ratio(r.seconds, ours.seconds), note: r.absent });
  }
}
if (wanted('collapse')) {
  // hardmax after collapse: n = 2000, d = 2, 200 steps. Followers reach their leaders bit for
  // bit within ~60 steps; with atoms merged a step then costs O(atoms²) instead of O(n²).
  const n = quick ? 500 : 2000, d = 2, long = 200;
  const { Z, A } = workload(9, n, d);
  const cloud = { n, d, data: Z };
  const wl = `hardmax n=${n} d=2 ${long} steps (collapse)`;
  const opts = { A, alpha, steps: long };
  const probe = hardmaxDynamics(cloud, { ...opts, trajectory: true });
  let collapsedAt = -1;
  for (let k = 0; k <= long && collapsedAt < 0; k++) {
    const seen = new Set<string>();
    const t = trajectoryFrame(probe.trajectory!, k).data;
    for (let i = 0; i < n; i++) seen.add(t[2 * i] + ',' + t[2 * i + 1]);
    if (seen.size <= n / 10) collapsedAt = k;
  }
  const merged = time(wl, () => hardmaxDynamics(cloud, opts).tokens.data, { maxTime: quick ? 1 : 4, minSamples: 2 });
  const plain = time(`${wl} no merge`, () => hardmaxDynamics(cloud, { ...opts, mergeCoincident: false }).tokens.data, { maxTime: 1, minSamples: 1 });
  const twin = await twinTime(`${wl} twin`, cloud, opts);
  const value = absSum(hardmaxDynamics(cloud, opts).tokens.data);
  const same = absSum(hardmaxDynamics(cloud, { ...opts, mergeCoincident: false }).tokens.data) === value;
  rows.push({ workload: wl, contender: 'flowsteer wasm (atoms merged)', seconds: merged.seconds, value: value.toPrecision(15), speedup: '1×', note: `${probe.atoms} atoms at the end; ≤ n/10 distinct positions from step ${collapsedAt}` });
  rows.push({ workload: wl, contender: 'flowsteer wasm (mergeCoincident: false)', seconds: plain.seconds, value: same ? 'identical' : 'DIFFERENT', speedup: ratio(plain.seconds, merged.seconds) });
  rows.push({ workload: wl, contender: 'TS twin (atoms merged)', seconds: twin, speedup: ratio(twin, merged.seconds) });
  for (const p of ['hardmax-numpy', 'hardmax-torch']) {
    const r = runPeer(p, { x: Z, n, d, params: { A: Array.from(A), alpha, steps: long }, repeat: 1 });
    rows.push({ workload: wl, contender: p, seconds: r.seconds, value: r.value?.toPrecision(15) ?? '', speedup: ratio(r.seconds, merged.seconds), note: r.absent });
  }
}
if (wanted('sphere')) {
  // sphere: 'symmetric' (QᵀK = I symmetric: one score and one exp per unordered pair, common
  // shift) against the per-row-shift path 'rows' (every ordered pair), same run, same tokens
  const n = quick ? 2000 : 10000, d = 3;
  const rng = createRng(3);
  const X = new Float64Array(n * d);
  for (let j = 0; j < X.length; j++) X[j] = rng.normal();
  const s = 2;
  const wl = `sphere SA n=${n} d=3 β=1 RK4 (per step)`;
  const t = time(`sphere n=${n}`, () => sphereDynamics({ n, d, data: X }, { beta: 1, steps: s, dt: 0.01 }), { maxTime: quick ? 1 : 5, minSamples: 2 });
  const tr = time(`sphere rows n=${n}`, () => sphereDynamics({ n, d, data: X }, { beta: 1, steps: 1, dt: 0.01, algorithm: 'rows' }), { maxTime: 1, minSamples: 1 });
  const per = t.seconds / s;
  rows.push({ workload: wl, contender: 'flowsteer wasm (symmetric)', seconds: per, speedup: '1×', note: `${(1 / per).toFixed(2)} steps/s (4 field evaluations of n²/2 pairs)` });
  rows.push({ workload: wl, contender: "flowsteer wasm ('rows')", seconds: tr.seconds, speedup: ratio(tr.seconds, per), note: `${(1 / tr.seconds).toFixed(2)} steps/s (n² pairs, per-row shift)` });
}
printRows(rows, ['value', 'speedup']);
console.log(`report: ${saveReport('attention', { quick, rows })}`);
