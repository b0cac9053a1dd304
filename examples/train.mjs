// Constructed vs trained controls (issue 9; survey arXiv 2510.03303 §3.3, eq. 3.12–3.15;
// docs/algorithms/training.md).
//
// 40 points in the plane, labelled by a disc, are classified by a width-1 neural ODE in two ways:
// built by `classify` (the ClassifNODEs construction, arXiv 2312.13807), and trained with Adam on
// the hinge loss (margin 0.1, the construction's half-space readout) — from random controls with
// 20 layers, and from the construction (warm start). The gradients are the exact gradients of the
// RK4 map (discrete adjoint). For each: switches, ‖θ‖_BV, risk, accuracy on 2000 fresh samples,
// wall time, and the a-priori bound (3.14) ‖θ*‖²_BV ≤ K + risk_c/α.
//
// Run (after `npm install`, which builds the package):
//   node examples/train.mjs [outDir]      (default outDir: examples/out)
// Writes train-loss.svg (J_α per epoch, log scale) and train-final.svg (the final positions of
// the trained-from-random flow and the readout line). A few seconds on one core.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classify, createRng, flow, init, lossAndGradient, train } from '../build/node/index.js';

const outDir = process.argv[2] ?? join(import.meta.dirname ?? '.', 'out');
mkdirSync(outDir, { recursive: true });
await init();

const uniform = (seed, n) => {
  const rng = createRng(seed);
  const data = new Float64Array(2 * n);
  for (let j = 0; j < data.length; j++) data[j] = 2 * rng.uniform() - 1;
  return { n, d: 2, data };
};
const labelsOf = (P) => Array.from({ length: P.n }, (_, i) => (P.data[2 * i] ** 2 + P.data[2 * i + 1] ** 2 < 0.45 ? 1 : 0));
const X = uniform(1, 40), y = labelsOf(X);
const Xf = uniform(2, 2000), yf = labelsOf(Xf);

const t0 = performance.now();
const built = classify(X, y);
const tBuild = (performance.now() - t0) / 1000;
const constructed = built.controls ?? built; // constructions may return { controls, diagnostics }
const readout = built.readout ?? built.diagnostics?.readout ?? constructed.meta?.readout; // { axis, offset }
const alpha = 1e-3, steps = 20;
const lossOptions = { method: 'rk4', stepsPerLayer: steps, alpha, loss: { kind: 'hinge', margin: 0.1, readout } };

const accuracy = (c, method) => {
  const z = flow(c, Xf, method === 'exact' ? { method } : { method, stepsPerLayer: steps }).data;
  let ok = 0;
  for (let i = 0; i < Xf.n; i++) if ((z[2 * i + readout.axis] - readout.offset > 0 ? 1 : 0) === yf[i]) ok++;
  return ok / Xf.n;
};

const jc = lossAndGradient(constructed, X, y, lossOptions);
const K = jc.bv ** 2, bound = K + jc.risk / alpha;
const rows = [['constructed (classify)', constructed.switches, jc.bv, jc.risk, accuracy(constructed, 'exact'), tBuild, `K = ${K.toPrecision(3)}`]];
const runs = {};
for (const [name, opts] of [
  ['trained from random', { width: 1, layers: 20, T: constructed.T, learningRate: 0.02, seed: 1 }],
  ['trained from construction', { controls: constructed, learningRate: 0.002, seed: 1 }],
]) {
  const t = performance.now();
  const r = train(X, y, { ...lossOptions, ...opts, epochs: 1500 });
  const sec = (performance.now() - t) / 1000;
  runs[name] = r;
  const ok = r.bv ** 2 <= bound;
  rows.push([name, r.controls.switches, r.bv, r.risk, accuracy(r.controls, 'rk4'), sec, `${ok ? 'ok' : 'VIOLATED'}: ${(r.bv ** 2).toPrecision(3)} ${ok ? '≤' : '>'} ${bound.toPrecision(3)}`]);
}
console.log(['', 'switches', '‖θ‖_BV', 'risk', 'fresh accuracy', 'wall s', 'bound (3.14)'].join(' | '));
for (const r of rows) console.log(r.map((v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : v)).join(' | '));

// plot 1: J_α per epoch (log scale)
const W = 800, H = 420, m = 60;
const series = Object.entries(runs).map(([name, r]) => ({ name, values: r.history.map((h) => h.loss) }));
const all = series.flatMap((s) => s.values).filter((v) => v > 0);
const lo = Math.log10(Math.min(...all)), hi = Math.log10(Math.max(...all));
const len = Math.max(...series.map((s) => s.values.length));
const px = (i) => m + ((W - 2 * m) * i) / (len - 1);
const py = (v) => H - m - ((H - 2 * m) * (Math.log10(v) - lo)) / (hi - lo || 1);
const colours = ['#c0392b', '#2c6fbb'];
let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="white"/>`;
svg += `<text x="${m}" y="30" font-family="sans-serif" font-size="14">J_α per epoch (log scale, ${(10 ** lo).toPrecision(2)} … ${(10 ** hi).toPrecision(2)}); constructed: ${(jc.loss).toPrecision(3)}</text>`;
svg += `<line x1="${m}" y1="${H - m}" x2="${W - m}" y2="${H - m}" stroke="black"/><line x1="${m}" y1="${m}" x2="${m}" y2="${H - m}" stroke="black"/>`;
if (jc.loss > 0) svg += `<line x1="${m}" x2="${W - m}" y1="${py(jc.loss)}" y2="${py(jc.loss)}" stroke="#27ae60" stroke-dasharray="5 4"/>`;
series.forEach((s, j) => {
  svg += `<polyline fill="none" stroke="${colours[j]}" stroke-width="1.5" points="${s.values.map((v, i) => `${px(i).toFixed(1)},${py(Math.max(v, 10 ** lo)).toFixed(1)}`).join(' ')}"/>`;
  svg += `<text x="${W - m - 260}" y="${m + 18 * j}" font-family="sans-serif" font-size="12" fill="${colours[j]}">${s.name}</text>`;
});
svg += `<text x="${W - m - 260}" y="${m + 36}" font-family="sans-serif" font-size="12" fill="#27ae60">- - constructed controls' J_α</text></svg>\n`;
writeFileSync(join(outDir, 'train-loss.svg'), svg);

// plot 2: where the trained-from-random flow sends the fresh samples, and the readout line
const z = flow(runs['trained from random'].controls, Xf, { method: 'rk4', stepsPerLayer: steps }).data;
let zmin = Infinity, zmax = -Infinity;
for (const v of z) { zmin = Math.min(zmin, v); zmax = Math.max(zmax, v); }
const S = 600, q = (v) => 20 + ((S - 40) * (v - zmin)) / (zmax - zmin || 1);
let svg2 = `<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S}"><rect width="${S}" height="${S}" fill="white"/>`;
for (let i = 0; i < Xf.n; i++) svg2 += `<circle cx="${q(z[2 * i]).toFixed(1)}" cy="${(S - q(z[2 * i + 1])).toFixed(1)}" r="1.6" fill="${yf[i] ? '#c0392b' : '#2c6fbb'}" opacity="0.6"/>`;
const ly = S - q(readout.offset);
if (readout.axis === 1) svg2 += `<line x1="0" x2="${S}" y1="${ly}" y2="${ly}" stroke="black"/>`;
else svg2 += `<line y1="0" y2="${S}" x1="${q(readout.offset)}" x2="${q(readout.offset)}" stroke="black"/>`;
svg2 += `<text x="10" y="16" font-family="sans-serif" font-size="12">Φ_T(fresh samples), trained from random; red: inside the disc (class 1, should end ${readout.axis === 1 ? 'above' : 'right of'} the line)</text></svg>\n`;
writeFileSync(join(outDir, 'train-final.svg'), svg2);
console.log(`wrote ${join(outDir, 'train-loss.svg')} and ${join(outDir, 'train-final.svg')}`);
