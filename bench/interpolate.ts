/**
 * bench/interpolate — Thm 3.3 of arXiv 2510.03303 (docs/algorithms/interpolate.md), issue #3 part A:
 *   A  interpolate + 'exact' verification, N = 10^4 pairs, d = 16, p = 100 (K = 100, 199 switches):
 *      build and verification time, max error relative to the data's scale, layers in the JSON;
 *   B  growth of the cost over N (2500, 5000, 10^4 at d = 16, p = 100): fitted exponent of
 *      time ∝ N^α next to the budget N log N × (N/p) layers (α ≈ 2 up to the log);
 *   C  the same build and verification on the TS twins (backend 'js') at N = 2500: ratio.
 * Single runs with performance.now (each workload takes seconds; benchmark.js sampling would
 * take minutes). No peer: NumPy/PyTorch have no counterpart of this construction.
 * Usage: npm run bench -- interpolate [--quick]
 */
import { controlsToJSON, createRng, init, interpolate, verify } from '../src/index.js';
import { printRows, ratio, saveReport, type Row } from './lib/report.js';

const quick = process.argv.includes('--quick');
const d = 16, p = 100;

function pairs(seed: number, n: number) {
  const rng = createRng(seed);
  const X = new Float64Array(n * d), Y = new Float64Array(n * d);
  for (let j = 0; j < n * d; j++) {
    X[j] = rng.normal();
    Y[j] = 2 * rng.normal();
  }
  return { X: { n, d, data: X }, Y: { n, d, data: Y } };
}

function run(n: number) {
  const { X, Y } = pairs(n, n);
  let t0 = performance.now();
  const { controls: c, diagnostics } = interpolate(X, Y, { width: p, verify: false });
  const build = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const v = verify(c, X, Y, { independent: false });
  const check = (performance.now() - t0) / 1000;
  const json = JSON.parse(controlsToJSON(c)) as { layers: unknown[]; switches: number };
  return { n, build, check, error: v.relativeMaxError, switches: c.switches, theorem: diagnostics.theoremSwitches, excursion: diagnostics.excursion, jsonLayers: json.layers.length };
}

await init();
const sizes = quick ? [1250, 2500, 5000] : [2500, 5000, 10000];
const results = sizes.map(run);
const rows: Row[] = results.map((r) => ({
  workload: `N=${r.n} d=${d} p=${p}`,
  contender: 'wasm',
  seconds: r.build + r.check,
  note: `build ${r.build.toFixed(2)} s + exact ${r.check.toFixed(2)} s; max rel. error ${r.error.toExponential(1)}; switches ${r.switches} (theorem ${r.theorem}), JSON layers ${r.jsonLayers}`,
}));
// Fitted exponent between the smallest and largest size, and the model N log N · N/p.
const a = results[0], b = results[results.length - 1];
const alpha = Math.log((b.build + b.check) / (a.build + a.check)) / Math.log(b.n / a.n);
const model = (n: number) => n * Math.log(n) * (n / p);
const modelAlpha = Math.log(model(b.n) / model(a.n)) / Math.log(b.n / a.n);
const twinN = quick ? 1250 : 2500;
const wasmTwinSize = results.find((r) => r.n === twinN)!;
await init({ backend: 'js' });
const twin = run(twinN);
rows.push({ workload: `N=${twinN} d=${d} p=${p}`, contender: 'TS twin', seconds: twin.build + twin.check, note: `build ${twin.build.toFixed(2)} s + exact ${twin.check.toFixed(2)} s; wasm ${ratio(twin.build + twin.check, wasmTwinSize.build + wasmTwinSize.check)} faster` });
printRows(rows);
console.log(`cost growth ${a.n} → ${b.n}: time ∝ N^${alpha.toFixed(2)}; budget N log N × N/p grows like N^${modelAlpha.toFixed(2)} over this range (${alpha <= modelAlpha + 0.1 ? 'within' : 'ABOVE'} budget)`);
for (const r of results) if (r.jsonLayers !== r.switches + 1 || r.switches !== r.theorem) console.log(`!! N=${r.n}: JSON has ${r.jsonLayers} layers for ${r.switches} switches (theorem ${r.theorem})`);
console.log(`saved ${saveReport('interpolate', { d, p, results, twin, alpha, modelAlpha })}`);
