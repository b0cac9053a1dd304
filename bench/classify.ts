/**
 * bench/classify — arXiv 2312.13807 (docs/algorithms/classify.md), issue #3 item 2: the paper notebook's table of
 * constructive switch counts, N = 60 (30 + 30 uniform in [0,1]^d, labels alternating):
 *   A  'cluster' against the published counts for d = 2 … 60: mean, min–max switches over S data
 *      sets per d (S = 20, 5 with --quick), data sets above the published count, hat steps, the
 *      largest single-layer displacement / scale, misclassified points by the exact flow and by
 *      rk4, build time per data set; method 'hat' on the same data as the baseline;
 *   B  beyond the table: N = 120 and 200 in d = 2, 200 in d = 3 (one data set each).
 *   C  scale (issue 14): N = 1000 in d = 10 (labels alternating) and N = 2000 in d = 2 with random
 *      labels (one data set each; N = 10⁴ in d = 10 with --large): wall and CPU seconds, the
 *      construction that finished, switches against the paper bound, excursion (largest
 *      |x(t) − x̄|/scale), BV norm of the controls (survey arXiv 2510.03303 eq. 3.11: Σ τ|θ| + Σ|jumps|),
 *      clearance, independent RK4 error; and for 'sweep' the BV norm and excursion before/after
 *      choosing each trapezoid's shorter active side.
 * Single runs with performance.now (a construction is a greedy search, not a kernel; there is
 * no TS twin and no peer: NumPy/PyTorch have no counterpart). Times on a shared machine are
 * noisy; the counts are deterministic (seeded).
 * Usage: npm run bench -- classify [--quick] [--large]
 */
import { classify, createRng, summarizeControls as describeControls, init, makeControls, type Classification } from '../src/index.js';
import { buildSweep } from '../src/controllers/classify/sweep.js';
import { printRows, saveReport, type Row } from './lib/report.js';

const quick = process.argv.includes('--quick');
const perD = quick ? 5 : 20;
const PUBLISHED: [number, number][] = [[2, 29], [3, 19], [4, 15], [5, 11], [6, 9], [7, 7], [10, 5], [15, 3], [20, 3], [30, 1], [60, 1]];

function dataSet(seed: number, n: number, d: number) {
  const rng = createRng(seed);
  const data = new Float64Array(n * d);
  for (let j = 0; j < data.length; j++) data[j] = rng.uniform();
  return { X: { n, d, data }, labels: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)) };
}

function wrong(c: Classification, X: { n: number; d: number; data: Float64Array }, labels: number[], method: 'exact' | 'rk4'): number {
  const p = c.predict(X, { method });
  let bad = 0;
  for (let i = 0; i < X.n; i++) if (p[i] !== labels[i]) bad++;
  return bad;
}

await init();
const rows: Row[] = [];
const table: Record<string, unknown>[] = [];
for (const [d, published] of PUBLISHED) {
  const counts: number[] = [], hats: number[] = [];
  let seconds = 0, hatSeconds = 0, over = 0, fallbacks = 0, displacement = 0, badExact = 0, badRk4 = 0;
  for (let t = 0; t < perD; t++) {
    const { X, labels } = dataSet(5000 + 100 * d + t, 60, d);
    let t0 = performance.now();
    const c = classify(X, labels, { seed: t });
    seconds += (performance.now() - t0) / 1000;
    t0 = performance.now();
    hats.push(classify(X, labels, { method: 'hat', seed: t }).diagnostics.switches);
    hatSeconds += (performance.now() - t0) / 1000;
    counts.push(c.diagnostics.switches);
    if (c.diagnostics.switches > published) over++;
    fallbacks += c.diagnostics.fallbacks;
    displacement = Math.max(displacement, c.diagnostics.maxDisplacement);
    badExact += wrong(c, X, labels, 'exact');
    badRk4 += wrong(c, X, labels, 'rk4');
  }
  const mean = counts.reduce((a, b) => a + b, 0) / perD;
  table.push({ d, published, mean, min: Math.min(...counts), max: Math.max(...counts), over, fallbacks, displacement, badExact, badRk4, seconds: seconds / perD });
  rows.push({
    workload: `N=60 d=${d}`,
    contender: 'cluster',
    seconds: seconds / perD,
    note: `switches mean ${mean.toFixed(2)} (${Math.min(...counts)}–${Math.max(...counts)}) vs published ${published}, above it: ${over}/${perD}; hat steps ${fallbacks}; max displacement ${displacement.toExponential(1)}·scale; wrong exact/rk4 ${badExact}/${badRk4}`,
  });
  rows.push({ workload: `N=60 d=${d}`, contender: 'hat', seconds: hatSeconds / perD, note: `switches ${hats[0]} (3⌈m/d⌉ − 1)` });
}
for (const [n, d] of [[120, 2], [200, 2], [200, 3]] as const) {
  const { X, labels } = dataSet(7000 + n + d, n, d);
  const t0 = performance.now();
  const c = classify(X, labels);
  const s = (performance.now() - t0) / 1000;
  rows.push({
    workload: `N=${n} d=${d}`,
    contender: 'cluster',
    seconds: s,
    note: `switches ${c.diagnostics.switches} (table formula ${c.diagnostics.bounds.table}, hat ${3 * Math.ceil(c.diagnostics.m / d) - 1}); hat steps ${c.diagnostics.fallbacks}; max displacement ${c.diagnostics.maxDisplacement.toExponential(1)}·scale; wrong exact/rk4 ${wrong(c, X, labels, 'exact')}/${wrong(c, X, labels, 'rk4')}`,
  });
}
// C: scale.
const scaleCases: [number, number, 'alternating' | 'random'][] = [[1000, 10, 'alternating'], [2000, 2, 'random']];
if (process.argv.includes('--large')) scaleCases.push([10000, 10, 'alternating']);
const scaleTable: Record<string, unknown>[] = [];
for (const [n, d, mode] of scaleCases) {
  const { X } = dataSet(9000 + n + d, n, d);
  const rng = createRng(9100 + n);
  const labels = Array.from({ length: n }, (_, i) => (mode === 'random' ? (rng.uniform() < 0.5 ? 1 : 0) : i % 2));
  const t0 = performance.now(), u0 = process.cpuUsage();
  const c = classify(X, labels);
  const s = (performance.now() - t0) / 1000, u = process.cpuUsage(u0);
  const g = c.diagnostics;
  const bv = describeControls(c.controls).bvNorm;
  scaleTable.push({ n, d, mode, seconds: s, cpuSeconds: (u.user + u.system) / 1e6, method: g.method, switches: g.switches, paper: g.bounds.paper, excursion: g.excursion, bv, clearance: g.clearance, rk4Error: g.verification.maxError, attempts: g.attempts });
  rows.push({
    workload: `N=${n} d=${d} ${mode}`,
    contender: 'classify (default)',
    seconds: s,
    note: `${g.method}: switches ${g.switches} (paper ${g.bounds.paper}); cpu ${((u.user + u.system) / 1e6).toFixed(1)} s; excursion ${g.excursion.toExponential(1)}·scale; BV ${bv.toExponential(2)}; clearance ${g.clearance.toExponential(1)}; rk4 error ${g.verification.maxError.toExponential(1)}; attempts ${g.attempts}`,
  });
  if (mode === 'random') {
    // 'sweep' with and without the shorter-side choice, on the same data (centred like classify).
    const P = new Float64Array(X.data);
    const lab = Uint8Array.from(labels);
    let n1 = 0;
    for (const l of labels) n1 += l;
    const moving: 0 | 1 = n1 <= n - n1 ? 1 : 0;
    for (const orient of ['right', 'shorter'] as const) {
      const b = buildSweep(P, n, d, lab, d - 1, moving, 0.1, 1, orient);
      const ctl = makeControls({ d, width: 1, layers: b.layers });
      rows.push({ workload: `N=${n} d=${d} ${mode}`, contender: `sweep (${orient})`, seconds: NaN, note: `BV ${describeControls(ctl).bvNorm.toExponential(2)}; largest single-layer motion ${b.maxMove.toExponential(2)}·scale` });
    }
  }
}
printRows(rows);
console.log(`  ${perD} data sets per d (N = 60); report: ${saveReport('classify', { perD, table, scaleTable, rows })}`);
