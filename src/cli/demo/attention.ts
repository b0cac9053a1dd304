/**
 * Demo section "attention" (issue #5; arXiv 2510.03303 §4, eq. 4.1–4.2, Thm 4.1; docs/algorithms/attention.md):
 *  1. hardmax dynamics (eq. 4.1, A = I, α = 0.5, 200 steps) on the four configurations of
 *     docs/algorithms/attention.md — the paper notebook's cases, the first one being the notebook's own
 *     numbers — and on a random 2-D cloud of n = 2000 tokens (α = 1, 100 steps): leaders at the
 *     start and at the end, clusters, the step from which the leader set is fixed, the step from
 *     which every token is within 1e-8 of its limit, and the Thm 4.1 check (every limit is a
 *     leader or the A-projection of 0 onto a face of conv(leaders));
 *  2. attention particles on S² (SA, Q = K = V = I, β = 9, n = 32; §F2 "metastability"): the
 *     number of clusters over time, fast collapse into a few clusters, then slow merging;
 *  3. a picture: trajectories of the random run (a subsample) with the leaders and the hull of
 *     the leaders.
 */
import { checkEquilibrium, countClusters, createRng, hardmaxDynamics, sphereDynamics, trajectoryFrame, type HardmaxResult, type PointCloud } from '../../index.js';
import { escapeXml, sx, sy, viewportFor } from '../svg.js';
import { table } from '../table.js';
import type { DemoSection } from './context.js';

/** docs/algorithms/attention.md: α = 0.5, A = I, 200 steps. */
export const HARDMAX_CASES: readonly { name: string; tokens: number[][] }[] = [
  { name: 'emerging leader (notebook)', tokens: [[1, 1 / 3], [-1 / 12, 1 / 12], [-1, -1], [0, 1 / 4], [-0.3, -0.7], [-0.6, -0.9], [0.8, 0.1], [0.6, 0.15]] },
  { name: 'triangle', tokens: [[1, 1], [0.5, -0.5], [-1, -1], [0.7, 0.2], [0.4, 0.9], [-0.3, -0.8], [-0.9, -0.2], [0.3, -0.2], [0.1, -0.2]] },
  { name: 'square', tokens: [[1, 1], [1, -1], [-1, -1], [-1, 1], [0.3, 0.1], [-0.2, 0.4], [0.45, -0.35], [-0.1, -0.3], [0.05, 0.2], [-0.4, -0.05]] },
  { name: 'non-leader clusters', tokens: [[1, 1], [1, -1], [-1, -1], [-1, 1], [-0.5, 0], [0.5, 0], [0.2, 0.3], [-0.3, 0.25], [0.1, -0.45], [-0.25, -0.2]] },
];

/** The last step at which a token became a leader (0 if the initial leaders are all there is). */
export function lastEmergence(r: HardmaxResult): number {
  let last = 0;
  for (let k = 1; k < r.leaders.length; k++) {
    const prev = new Set(r.leaders[k - 1]);
    if (r.leaders[k].some((i) => !prev.has(i))) last = k;
  }
  return last;
}

/** First step k from which every recorded configuration is within `tol` of the final one. */
export function settledFrom(r: HardmaxResult, tol = 1e-8): number {
  const fin = r.tokens.data;
  let k = r.trajectory!.frames - 1;
  while (k > 0) {
    const z = trajectoryFrame(r.trajectory!, k - 1).data;
    let dev = 0;
    for (let j = 0; j < z.length; j++) dev = Math.max(dev, Math.abs(z[j] - fin[j]));
    if (dev > tol) break;
    k--;
  }
  return k;
}

/** Convex hull of 2-D points (indices, counter-clockwise; Andrew's monotone chain). */
export function hull2d(data: ArrayLike<number>, idx: readonly number[]): number[] {
  const pts = [...idx].sort((a, b) => data[2 * a] - data[2 * b] || data[2 * a + 1] - data[2 * b + 1]);
  if (pts.length < 3) return pts;
  const cross = (o: number, a: number, b: number): number =>
    (data[2 * a] - data[2 * o]) * (data[2 * b + 1] - data[2 * o + 1]) - (data[2 * a + 1] - data[2 * o + 1]) * (data[2 * b] - data[2 * o]);
  const lower: number[] = [], upper: number[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  for (let q = pts.length - 1; q >= 0; q--) {
    const p = pts[q];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/**
 * SVG: trajectories of `show` tokens (grey → coloured by the leader/limit they reach), the final
 * leaders (red), the hull of the leaders (red outline) and the limits (black).
 */
export function attentionSvg(r: HardmaxResult, show: readonly number[], title: string): string {
  const n = r.tokens.n;
  const last = checkEquilibrium(r, { tolerance: 1e-8 }).leaders;
  const v = viewportFor(trajectoryFrame(r.trajectory!, 0).data, 2, 800, 0.08);
  const body: string[] = [];
  const h = hull2d(r.tokens.data, last);
  if (h.length >= 2) {
    const pts = h.map((i) => `${sx(v, r.tokens.data[2 * i]).toFixed(1)},${sy(v, r.tokens.data[2 * i + 1]).toFixed(1)}`).join(' ');
    body.push(`<polygon points="${pts}" fill="#d62728" fill-opacity="0.06" stroke="#d62728" stroke-width="1.5"/>`);
  }
  const hue = (i: number): number => (360 * r.attention[i] * 0.618034) % 360;
  for (const i of show) {
    let path = '';
    for (let k = 0; k < r.trajectory!.frames; k++) {
      const z = trajectoryFrame(r.trajectory!, k).data;
      path += `${k ? 'L' : 'M'}${sx(v, z[2 * i]).toFixed(1)},${sy(v, z[2 * i + 1]).toFixed(1)}`;
    }
    body.push(`<path d="${path}" fill="none" stroke="hsl(${hue(i).toFixed(0)},60%,50%)" stroke-width="0.7" opacity="0.55"/>`);
    const z0 = trajectoryFrame(r.trajectory!, 0).data;
    body.push(`<circle cx="${sx(v, z0[2 * i]).toFixed(1)}" cy="${sy(v, z0[2 * i + 1]).toFixed(1)}" r="1.6" fill="hsl(${hue(i).toFixed(0)},60%,50%)"/>`);
  }
  const isLeader = new Uint8Array(n);
  for (const l of last) isLeader[l] = 1;
  for (let i = 0; i < n; i++) {
    if (isLeader[i]) continue;
    body.push(`<circle cx="${sx(v, r.tokens.data[2 * i]).toFixed(1)}" cy="${sy(v, r.tokens.data[2 * i + 1]).toFixed(1)}" r="2.2" fill="black"/>`);
  }
  for (const l of last) {
    body.push(`<circle cx="${sx(v, r.tokens.data[2 * l]).toFixed(1)}" cy="${sy(v, r.tokens.data[2 * l + 1]).toFixed(1)}" r="4" fill="#d62728" stroke="white" stroke-width="1"/>`);
  }
  const ox = sx(v, 0), oy = sy(v, 0);
  body.push(`<path d="M${(ox - 6).toFixed(1)},${oy.toFixed(1)}h12M${ox.toFixed(1)},${(oy - 6).toFixed(1)}v12" stroke="black" stroke-width="1"/>`);
  body.push(`<text x="10" y="40" font-family="sans-serif" font-size="12" fill="#444">${escapeXml(`red: ${last.length} leaders and their convex hull; black: limits of the other tokens; +: origin`)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${v.size} ${v.size}" width="${v.size}" height="${v.size}">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="20" font-family="sans-serif" font-size="14">${escapeXml(title)}</text>
${body.join('\n')}
</svg>`;
}

function limitSummary(r: HardmaxResult): string {
  return r.clusters.map((c) => `(${c.center.map((x) => x.toFixed(3)).join(', ')})×${c.members.length}`).join(' ');
}

export const attentionSection: DemoSection = {
  name: 'attention',
  async run(ctx) {
    ctx.log('== attention: hardmax dynamics (arXiv 2510.03303 eq. 4.1, A = I, α = 0.5, 200 steps; docs/algorithms/attention.md)');
    const rows: (string | number)[][] = [];
    for (const c of HARDMAX_CASES) {
      const r = hardmaxDynamics(c.tokens, { alpha: 0.5, steps: 200, trajectory: true });
      const eq = checkEquilibrium(r, { tolerance: 1e-8 });
      rows.push([c.name, c.tokens.length, `{${r.leaders[0].join(',')}} → {${eq.leaders.join(',')}}`, lastEmergence(r), r.clusters.length, settledFrom(r), eq.worstViolation.toExponential(1), eq.ok ? 'yes' : 'NO']);
    }
    ctx.log(table(['configuration', 'n', 'leaders k=0 → end', 'last new leader at', 'clusters', 'settled (1e-8) from', 'Thm 4.1 max |z − p|', 'Thm 4.1'], rows));
    ctx.log('  (leaders at the end counted as atoms: a leader whose followers have collapsed onto it ties with them)');
    const nb = hardmaxDynamics(HARDMAX_CASES[0].tokens, { alpha: 0.5, steps: 200, trajectory: true });
    ctx.log(`  notebook limits: ${limitSummary(nb)}`);

    const n = ctx.quick ? 500 : 2000, steps = 60;
    const rng = createRng(ctx.seed + 50);
    const Z: PointCloud = { n, d: 2, data: new Float64Array(2 * n) };
    for (let j = 0; j < 2 * n; j++) Z.data[j] = rng.normal();
    const t0 = performance.now();
    const r = hardmaxDynamics(Z, { alpha: 1, steps, trajectory: true });
    const sec = (performance.now() - t0) / 1000;
    const eq = checkEquilibrium(r, { tolerance: 1e-8 });
    const leaderSet = new Set(eq.leaders);
    const nonLeaderLimits = r.clusters.filter((c) => !c.members.some((i) => leaderSet.has(i))).length;
    ctx.log(`  random 2-D: n = ${n} standard normal tokens, A = I, α = 1, ${steps} steps in ${sec.toFixed(2)} s (2-D hull band):`);
    ctx.log(`    leaders ${r.leaders[0].length} → ${eq.leaders.length} (last new leader at step ${lastEmergence(r)}); every token within 1e-8 of its limit from step ${settledFrom(r)}`);
    ctx.log(`    ${r.clusters.length} clusters: ${r.clusters.length - nonLeaderLimits} at leaders, ${nonLeaderLimits} at projections of 0 onto hull faces; Thm 4.1 check: max |z − p| = ${eq.worstViolation.toExponential(1)} (${eq.ok ? 'holds' : 'FAILS'})`);
    const show: number[] = [];
    const stride = Math.max(1, Math.floor(n / 400));
    for (let i = 0; i < n; i += stride) show.push(i);
    const path = ctx.write('attention-hardmax.svg', attentionSvg(r, show, `hardmax attention, n = ${n} (${show.length} trajectories drawn), A = I, α = 1, ${steps} steps`));
    ctx.log(`  trajectories: ${path}`);

    const ns = 32, beta = 9, dt = 0.01;
    const T = ctx.quick ? 30 : 300;
    const srng = createRng(ctx.seed + 51);
    const X: PointCloud = { n: ns, d: 3, data: new Float64Array(3 * ns) };
    for (let j = 0; j < 3 * ns; j++) X.data[j] = srng.normal();
    const marks = [0, 1, 3, 10, 30, 100, 300].filter((t) => t <= T);
    const every = 100;
    const t1 = performance.now();
    const s = sphereDynamics(X, { beta, dt, steps: Math.round(T / dt), trajectory: { every }, normalization: 'SA' });
    const ssec = (performance.now() - t1) / 1000;
    const counts = marks.map((t) => countClusters(trajectoryFrame(s.trajectory!, Math.round(t / (dt * every))), 1e-3));
    ctx.log(`== attention: particles on S² (SA, Q = K = V = I, β = ${beta}, n = ${ns}, RK4 dt = ${dt}; docs/algorithms/attention.md), ${Math.round(T / dt)} steps in ${ssec.toFixed(2)} s`);
    ctx.log(table(['t', ...marks.map(String)], [['clusters (1e-3)', ...counts]]));
    ctx.log('  (fast collapse into a few clusters, then slow metastable merging — Geshkovski et al., arXiv 2312.10794)');
  },
};
