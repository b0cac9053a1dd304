/**
 * Demo section "classify" (issue #3 part B; "Cluster-based classification with neural ODEs via
 * control", arXiv 2312.13807, docs/algorithms/classify.md; survey arXiv 2510.03303 Thm 3.4,
 * docs/algorithms/autonomous.md):
 *  1. the paper's table of constructive switch counts for N = 60 (30 + 30, uniform in [0,1]^d)
 *     next to ours ('cluster', 3 data sets per d; every one verified by the exact flow), the
 *     hat baseline of §C1 and the paper's bound 4⌈m/d⌉ − 1;
 *  2. the collinear method's P(L ≤ k): exact formula against Monte Carlo;
 *  3. autonomous (L = 0) approximation: error against p on the §A4 example, next to
 *     log₂κ/κ^{1/d};
 *  4. a picture: a 2-D data set, the rk4 trajectories of the classifier and the readout line.
 */
import { approximateAutonomous, classify, collinearSwitchProbability, createRng, flowAsync, type Classification, type PointCloud } from '../../index.js';
import { runCount, sortByAxis } from '../../controllers/classify/collinear.js';
import { escapeXml, hyperplaneLine, sx, sy, viewportFor, svgDocument } from '../svg.js';
import { table } from '../table.js';
import type { DemoSection } from './context.js';

export const PUBLISHED_TABLE: readonly (readonly [number, number])[] = [
  [2, 29], [3, 19], [4, 15], [5, 11], [6, 9], [7, 7], [10, 5], [15, 3], [20, 3], [30, 1], [60, 1],
];

/** n points uniform in [0,1]^d, labels alternating 1, 0 (balanced). */
export function uniformLabelled(seed: number, n: number, d: number): { X: PointCloud; labels: number[] } {
  const rng = createRng(seed);
  const data = new Float64Array(n * d);
  for (let j = 0; j < data.length; j++) data[j] = rng.uniform();
  return { X: { n, d, data }, labels: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)) };
}

/** Number of points whose exact-flow score is on the wrong side (0 when classified). */
export function misclassified(c: Classification, X: PointCloud, labels: readonly number[], method: 'exact' | 'rk4' = 'exact'): number {
  const pred = c.predict(X, { method });
  let bad = 0;
  for (let i = 0; i < X.n; i++) if (pred[i] !== labels[i]) bad++;
  return bad;
}

/**
 * SVG of a 2-D classifier: rk4 trajectories clipped to a window around the data, the
 * hyperplane of every layer at the time it acts (dashed) and the readout line (solid).
 */
export async function classifySvg(c: Classification, X: PointCloud, labels: readonly number[], title: string): Promise<string> {
  const steps = 20;
  const r = await flowAsync(c.controls, X, { method: 'rk4', stepsPerLayer: steps, trajectory: true });
  const traj = r.trajectory!;
  const v = viewportFor(X.data, 2, 800, 0.6);
  const body: string[] = [];
  for (const l of c.controls.layers) {
    const line = hyperplaneLine(v, l.A[0], l.A[1], l.b[0], 'stroke="#999" stroke-width="0.6" stroke-dasharray="4 3"');
    if (line) body.push(line);
  }
  const a = c.readout.axis === 0 ? [1, 0] : [0, 1];
  const ro = hyperplaneLine(v, a[0], a[1], -c.readout.offset, 'stroke="black" stroke-width="1.5"');
  if (ro) body.push(ro);
  for (let i = 0; i < X.n; i++) {
    let path = '';
    for (let f = 0; f < traj.frames; f++) {
      const o = (f * X.n + i) * 2;
      path += `${f ? 'L' : 'M'}${sx(v, traj.data[o]).toFixed(1)},${sy(v, traj.data[o + 1]).toFixed(1)}`;
    }
    const colour = labels[i] === 1 ? '#c0392b' : '#2c6fbb';
    body.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="0.7" opacity="0.45"/>`);
    body.push(`<circle cx="${sx(v, X.data[2 * i]).toFixed(1)}" cy="${sy(v, X.data[2 * i + 1]).toFixed(1)}" r="3" fill="${colour}"/>`);
  }
  body.push(`<text x="10" y="40" font-family="sans-serif" font-size="12">${escapeXml(`red: label 1 (ends above the black line), blue: label 0; dashed: the ${c.controls.layers.length} hyperplanes; paths clipped to the window`)}</text>`);
  return svgDocument(v, body, title, { clip: true });
}

export const classifySection: DemoSection = {
  name: 'classify',
  async run(ctx) {
    ctx.log('== classify: width-1 neural ODE, cluster-based binary classification (arXiv 2312.13807; docs/algorithms/classify.md)');
    const trials = ctx.quick ? 1 : 3;
    const rows: (string | number)[][] = [];
    for (const [d, published] of PUBLISHED_TABLE) {
      const counts: number[] = [];
      let bad = 0, fallbacks = 0;
      const t0 = performance.now();
      for (let t = 0; t < trials; t++) {
        const { X, labels } = uniformLabelled(ctx.seed * 1000 + d * 10 + t, 60, d);
        const c = classify(X, labels, { seed: t });
        bad += misclassified(c, X, labels);
        counts.push(c.diagnostics.switches);
        fallbacks += c.diagnostics.fallbacks;
      }
      const k = Math.ceil(30 / d);
      rows.push([d, published, Math.min(...counts), (counts.reduce((a, b) => a + b, 0) / counts.length).toFixed(1), Math.max(...counts), fallbacks, 3 * k - 1, 4 * k - 1, bad, ((performance.now() - t0) / trials / 1000).toFixed(3)]);
    }
    ctx.log(table(['d', 'published', 'ours min', 'ours mean', 'ours max', 'hat steps', 'hat (§C1)', '4⌈m/d⌉−1', 'misclassified (exact)', 's/data set'], rows));
    ctx.log(`  N = 60 (30 + 30) uniform in [0,1]^d, ${trials} data set(s) per d. Published (notebook) = 2⌈m/d⌉ − 1 except d = 7 (formula: 9).`);

    ctx.log('  collinear method (§C2), N + N uniform points: P(L ≤ k), exact formula / Monte Carlo');
    const rng = createRng(ctx.seed + 7);
    const prow: (string | number)[][] = [];
    const mcTrials = ctx.quick ? 400 : 2000;
    for (const [N, d] of [[5, 2], [5, 8], [10, 8], [10, 20]] as const) {
      const Ls: number[] = [];
      for (let t = 0; t < mcTrials; t++) {
        const P = new Float64Array(2 * N * d);
        for (let j = 0; j < P.length; j++) P[j] = rng.uniform();
        const labels = Array.from({ length: 2 * N }, (_, i) => (i < N ? 1 : 0));
        let R = Infinity;
        for (let a = 0; a < d; a++) R = Math.min(R, runCount(labels, sortByAxis(P, 2 * N, d, a)));
        Ls.push(Math.max(0, R - 2));
      }
      prow.push([`N=${N}, d=${d}`, ...[0, 1, 2, 4, 8].map((k) => `${collinearSwitchProbability(N, k, d).toFixed(3)} / ${(Ls.filter((l) => l <= k).length / mcTrials).toFixed(3)}`)]);
    }
    ctx.log(table(['', 'k = 0', 'k = 1', 'k = 2', 'k = 4', 'k = 8'], prow));

    ctx.log('  autonomous control (L = 0, Thm 3.4), 4 pairs (0,k) → (2,k+0.3): error against width p');
    const X4 = [0, 1, 2, 3].map((k) => [0, k]);
    const Y4 = [0, 1, 2, 3].map((k) => [2, k + 0.3]);
    const arow: (string | number)[][] = [];
    for (const p of ctx.quick ? [16, 64] : [16, 64, 256, 1024]) {
      const t0 = performance.now();
      const r = approximateAutonomous(X4, Y4, { width: p, seed: ctx.seed });
      arow.push([p, r.diagnostics.kappa, r.diagnostics.maxError.toExponential(2), r.diagnostics.eta.toExponential(2), r.diagnostics.gronwallBound.toExponential(2), r.diagnostics.rate.toExponential(2), ((performance.now() - t0) / 1000).toFixed(2)]);
    }
    ctx.log(table(['p', 'κ = (d+2)dp', 'max |Φ(x)−y| (rk4)', 'η = sup|F−F_p|', 'Gronwall bound', 'log₂κ/κ^{1/d}', 's'], arow));

    const { X, labels } = uniformLabelled(ctx.seed, 40, 2);
    const c = classify(X, labels);
    const path = ctx.write('classify.svg', await classifySvg(c, X, labels, `classify: 40 points in 2-D, ${c.diagnostics.switches} switches (paper bound ${c.diagnostics.bounds.paper})`));
    ctx.log(`  picture: ${path}`);
  },
};
