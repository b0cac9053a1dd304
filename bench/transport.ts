/**
 * bench/transport — the measure-transport construction (issue #4 item 2), one thread:
 *   A  building transportToUniform for M samples, d = 2, ε = 0.05 (n = 29), width 6 (484
 *      switches) and d = 3, ε = 0.2 (n = 9), width 12 (235 switches): seconds and ns per
 *      sample·layer (the construction flows every sample through every layer as it builds).
 *   B  flowing the M samples through those controls afterwards, four ways, ratios from the
 *      same run: the closed forms the construction uses (src/controllers/layer-flow.ts), the
 *      flow engine's 'exact' solver, WASM RK4 with 20 steps per layer, and RK4's TS twin; the
 *      deviation column also shows RK4 with 100 steps. (RK4 must stay accurate to well below
 *      `clearance`, the distance from the samples to the shear bands, or a sample is sheared
 *      into the wrong slot: 20 steps per layer is not enough at M = 10^4, 100 is.)
 *   C  transport(blob, moons): both constructions plus the reversed flow.
 * There is no Python peer for the construction in ../shared/anchors/anchors.py; the reference
 * script ../shared/reference/a6_measure.py is a verification note, not a peer.
 * Usage: npm run bench -- transport [--quick]
 */
import { flow, init, transport, transportToUniform, type Controls, type PointCloud } from '../src/index.js';
import { flowLayerClosedForm } from '../src/controllers/layer-flow.js';
import { rk4LayerJS } from '../src/kernels/rk4.js';
import { createRng } from '../src/rng.js';
import { printRows, ratio, saveReport, type Row } from './lib/report.js';
import { time } from './lib/timing.js';

const quick = process.argv.includes('--quick');
await init();

function gaussian(seed: number, M: number, d: number): PointCloud {
  const rng = createRng(seed);
  const data = new Float64Array(M * d);
  for (let j = 0; j < data.length; j++) data[j] = 2 + 0.6 * rng.normal();
  return { n: M, d, data };
}

function moons(seed: number, M: number): PointCloud {
  const rng = createRng(seed);
  const data = new Float64Array(2 * M);
  for (let i = 0; i < M; i++) {
    const t = Math.PI * rng.uniform(), up = i % 2 === 0;
    data[2 * i] = (up ? Math.cos(t) : 1 - Math.cos(t)) + 0.06 * rng.normal();
    data[2 * i + 1] = (up ? Math.sin(t) : 0.5 - Math.sin(t)) + 0.06 * rng.normal();
  }
  return { n: M, d: 2, data };
}

function closedForm(c: Controls, X: PointCloud): Float64Array {
  const x = X.data.slice();
  for (const l of c.layers) flowLayerClosedForm(x, X.n, X.d, l, c.width);
  return x;
}

function twin(c: Controls, X: PointCloud, steps: number): Float64Array {
  const x = X.data.slice();
  for (const l of c.layers) rk4LayerJS(x, X.n, X.d, l.W, l.A, l.b, c.width, l.duration / steps, steps);
  return x;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j] - b[j]));
  return m;
}

const rows: Row[] = [];
const summary: Record<string, unknown> = {};
const M = quick ? 10_000 : 100_000;
for (const [tag, d, eps, p] of [['2d', 2, 0.05, 6], ['3d', 3, 0.2, 12]] as const) {
  const X = gaussian(1, M, d);
  const built = time(`A ${tag}`, () => transportToUniform(X, { width: p, epsilon: eps }), { maxTime: 2, minSamples: 2 });
  const r = transportToUniform(X, { width: p, epsilon: eps });
  const L = r.controls.layers.length;
  const name = `M=${M} d=${d} ε=${eps} p=${p} (${r.controls.switches} switches)`;
  rows.push({ workload: `A build ${name}`, contender: 'transportToUniform', seconds: built.seconds, 'ns/(sample·layer)': ((1e9 * built.seconds) / (M * L)).toFixed(1), note: `bound ${r.bound.toFixed(4)}, clearance ${r.clearance.toExponential(1)}, ±${built.rme.toFixed(1)}%` });
  const nb = quick ? 1_000 : 2_000;
  const Xb = { n: nb, d, data: X.data.subarray(0, nb * d) };
  const cf = time(`B ${tag} closed`, () => closedForm(r.controls, Xb), { maxTime: 2, minSamples: 2 });
  const ex = time(`B ${tag} exact`, () => flow(r.controls, Xb, { method: 'exact' }), { maxTime: 2, minSamples: 2 });
  const rk = time(`B ${tag} rk4`, () => flow(r.controls, Xb, { method: 'rk4', stepsPerLayer: 20 }), { maxTime: 2, minSamples: 2 });
  const tw = time(`B ${tag} twin`, () => twin(r.controls, Xb, 20), { maxTime: 1, minSamples: 1 });
  const ref = closedForm(r.controls, Xb);
  const devEx = maxDiff(flow(r.controls, Xb, { method: 'exact' }).data, ref);
  const devRk20 = maxDiff(flow(r.controls, Xb, { method: 'rk4', stepsPerLayer: 20 }).data, ref);
  const devRk100 = maxDiff(flow(r.controls, Xb, { method: 'rk4', stepsPerLayer: 100 }).data, ref);
  const wl = `B flow ${Xb.n} samples, ${name}`;
  rows.push({ workload: wl, contender: 'closed form (layer-flow.ts)', seconds: cf.seconds, 'max |x − closed form|': '0 (reference)', note: '' });
  rows.push({ workload: wl, contender: "flow 'exact'", seconds: ex.seconds, 'max |x − closed form|': devEx.toExponential(1), note: `closed form ${ratio(ex.seconds, cf.seconds)} faster` });
  rows.push({ workload: wl, contender: 'flow rk4 ×20 (wasm)', seconds: rk.seconds, 'max |x − closed form|': `${devRk20.toExponential(1)} (×100: ${devRk100.toExponential(1)})`, note: `closed form ${ratio(rk.seconds, cf.seconds)} faster` });
  rows.push({ workload: wl, contender: 'rk4 ×20 TS twin', seconds: tw.seconds, 'max |x − closed form|': '', note: `wasm rk4 ${ratio(tw.seconds, rk.seconds)} faster than twin` });
  summary[tag] = { M, d, eps, p, switches: r.controls.switches, build: built.seconds, closed: cf.seconds, exact: ex.seconds, rk4: rk.seconds, twin: tw.seconds, devExact: devEx, devRk4x20: devRk20, devRk4x100: devRk100, clearance: r.clearance };
}
{
  const n = quick ? 2_000 : 20_000;
  const X = gaussian(2, n, 2), Y = moons(3, n);
  const t = time('C transport', () => transport(X, Y, { width: 6, epsilon: 0.05 }), { maxTime: 2, minSamples: 2 });
  const r = transport(X, Y, { width: 6, epsilon: 0.05 });
  rows.push({ workload: `C transport blob → moons, ${n} + ${n} samples, ε = 0.05, p = 6`, contender: 'transport', seconds: t.seconds, note: `${r.controls.switches} switches, bound ${r.bound.toFixed(3)}` });
  summary.transport = { n, seconds: t.seconds, switches: r.controls.switches };
}
printRows(rows, ['ns/(sample·layer)', 'max |x − closed form|']);
console.log(`report: ${saveReport('transport', { rows, summary })}`);
