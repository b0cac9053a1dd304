/**
 * Demo section "diffusion" (issue #12; survey arXiv 2510.03303 §5, Figure 5.1;
 * docs/algorithms/diffusion.md): the time reversal of the heat flow started at the empirical
 * measure of points on a lemniscate.
 *  1. three backward trajectories of the reverse SDE (ν = 1) from t = T = 1 to τ = 0.001;
 *  2. samples for τ ∈ {0.1, 0.01, 0.001} and a table against τ: the mean distance from a sample
 *     to its nearest training point (≈ √(πτ) in d = 2 once the samples sit in the Gaussian bumps
 *     of u(·,τ): memorisation), and W₁ to a fresh sample of the lemniscate law (generation);
 *  3. pictures: diffusion-trajectories.svg and diffusion-samples.svg.
 */
import { diffusionSample, liYauCheck, wasserstein1, type PointCloud } from '../../index.js';
import { lemniscate } from '../../diffusion/lemniscate.js';
import { escapeXml, sx, sy, type Viewport } from '../svg.js';
import { table } from '../table.js';
import type { DemoContext, DemoSection } from './context.js';

export interface Figure51Options {
  /** Training points on the lemniscate (default 100). */
  n?: number;
  /** Generated samples per τ (default 10 000). */
  samples?: number;
  /** Points of the fresh lemniscate sample and of the sample subset used for W₁ (default 2000). */
  w1Points?: number;
  steps?: number;
  seed?: number;
}

export interface Figure51Row {
  tau: number;
  meanNearest: number;
  sqrtPiTau: number;
  w1Fresh: number;
  liYauMinMargin: number;
  seconds: number;
}

export interface Figure51 {
  data: PointCloud;
  trajectories: { frames: number; data: Float64Array; n: number };
  samples: { tau: number; points: PointCloud }[];
  rows: Figure51Row[];
  /** W₁(training set, fresh sample): the floor that memorising the data reaches. */
  w1TrainFresh: number;
}

export const FIGURE51_TAUS = [0.1, 0.01, 0.001] as const;

/** Subset of the first k rows (samples are i.i.d., so the first k are a fair subsample). */
function head(c: PointCloud, k: number): PointCloud {
  const m = Math.min(k, c.n);
  return { n: m, d: c.d, data: c.data.slice(0, m * c.d) };
}

export function figure51(o: Figure51Options = {}): Figure51 {
  const n = o.n ?? 100, M = o.samples ?? 10000, K = o.w1Points ?? 2000, steps = o.steps ?? 200, seed = o.seed ?? 1;
  const data = lemniscate(n, { seed });
  const fresh = lemniscate(K, { seed: seed + 1000 });
  const tr = diffusionSample(data, { samples: 3, T: 1, tau: 0.001, steps, seed: seed + 1, trajectory: true });
  const rows: Figure51Row[] = [];
  const samples: Figure51['samples'] = [];
  for (const tau of FIGURE51_TAUS) {
    const t0 = performance.now();
    const r = diffusionSample(data, { samples: M, T: 1, tau, steps, seed: seed + 2 });
    const seconds = (performance.now() - t0) / 1000;
    samples.push({ tau, points: r.samples });
    const w1 = wasserstein1(head(r.samples, K), fresh).value;
    const ly = liYauCheck(data, head(r.samples, 1000), tau);
    rows.push({ tau, meanNearest: r.diagnostics.meanNearestDistance, sqrtPiTau: Math.sqrt(Math.PI * tau), w1Fresh: w1, liYauMinMargin: ly.minMargin, seconds });
  }
  const w1TrainFresh = wasserstein1(data, fresh).value;
  return { data, trajectories: tr.trajectory!, samples, rows, w1TrainFresh };
}

const VIEW = (size: number): Viewport => ({ xmin: -1.25, xmax: 1.25, ymin: -1.25, ymax: 1.25, size });

function curve(v: Viewport): string {
  let p = '';
  for (let k = 0; k <= 400; k++) {
    const th = (2 * Math.PI * k) / 400, s = Math.sin(th), c = Math.cos(th), r = 1 / (1 + s * s);
    p += `${k ? 'L' : 'M'}${sx(v, r * c).toFixed(1)},${sy(v, r * s * c).toFixed(1)}`;
  }
  return `<path d="${p}" fill="none" stroke="#1f77b4" stroke-width="2" opacity="0.7"/>`;
}

function dots(v: Viewport, c: PointCloud, r: number, fill: string, opacity = 1): string[] {
  const out: string[] = [];
  for (let i = 0; i < c.n; i++) {
    const x = c.data[2 * i], y = c.data[2 * i + 1];
    if (x < v.xmin || x > v.xmax || y < v.ymin || y > v.ymax) continue;
    out.push(`<circle cx="${sx(v, x).toFixed(1)}" cy="${sy(v, y).toFixed(1)}" r="${r}" fill="${fill}" opacity="${opacity}"/>`);
  }
  return out;
}

function panel(size: number, x0: number, body: string[], title: string): string {
  return [`<g transform="translate(${x0},0)">`, `<rect width="${size}" height="${size}" fill="white" stroke="#ccc"/>`,
    `<text x="8" y="18" font-family="sans-serif" font-size="13">${escapeXml(title)}</text>`, ...body, '</g>'].join('\n');
}

function doc(width: number, height: number, parts: string[]): string {
  return [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`, ...parts, '</svg>'].join('\n');
}

/** Left panel of Fig. 5.1: the lemniscate, the training points and three backward trajectories. */
export function trajectoriesSvg(f: Figure51, size = 600): string {
  const v = VIEW(size);
  const body = [curve(v), ...dots(v, f.data, 3, '#ff7f0e')];
  const { frames, data, n } = f.trajectories;
  const colors = ['#2ca02c', '#d62728', '#9467bd'];
  for (let i = 0; i < n; i++) {
    let p = '';
    for (let k = 0; k < frames; k++) {
      const x = data[(k * n + i) * 2], y = data[(k * n + i) * 2 + 1];
      p += `${k ? 'L' : 'M'}${sx(v, x).toFixed(1)},${sy(v, y).toFixed(1)}`;
    }
    body.push(`<path d="${p}" fill="none" stroke="${colors[i % 3]}" stroke-width="1" opacity="0.8"/>`);
    const xe = data[((frames - 1) * n + i) * 2], ye = data[((frames - 1) * n + i) * 2 + 1];
    body.push(`<circle cx="${sx(v, xe).toFixed(1)}" cy="${sy(v, ye).toFixed(1)}" r="4" fill="${colors[i % 3]}"/>`);
  }
  return doc(size, size, [panel(size, 0, body, 'lemniscate (blue), training points (orange), 3 backward trajectories T = 1 → τ = 0.001')]);
}

/** Right panels of Fig. 5.1: generated samples for each τ. */
export function samplesSvg(f: Figure51, size = 400, maxDots = 10000): string {
  const v = VIEW(size);
  const parts = f.samples.map((s, q) =>
    panel(size, q * (size + 10), [curve(v), ...dots(v, head(s.points, maxDots), 0.8, '#333', 0.5), ...dots(v, f.data, 2, '#ff7f0e')], `τ = ${s.tau}: ${s.points.n} samples`),
  );
  return doc(f.samples.length * (size + 10) - 10, size, parts);
}

export function figure51Table(f: Figure51): string {
  return table(
    ['τ', 'mean dist → nearest training pt', '√(πτ)', 'W₁(samples, fresh lemniscate)', 'Li–Yau min(div s + d/2τ)', 'seconds'],
    f.rows.map((r) => [r.tau, r.meanNearest.toFixed(4), r.sqrtPiTau.toFixed(4), r.w1Fresh.toFixed(4), r.liYauMinMargin.toExponential(2), r.seconds.toFixed(2)]),
  );
}

export const diffusionSection: DemoSection = {
  name: 'diffusion',
  async run(ctx: DemoContext) {
    ctx.log('== diffusion: time reversal of the heat flow (survey arXiv 2510.03303 §5, Figure 5.1; docs/algorithms/diffusion.md)');
    const f = figure51({ samples: ctx.quick ? 2000 : 10000, w1Points: ctx.quick ? 500 : 2000, seed: ctx.seed });
    ctx.log(`  ${f.data.n} training points on the lemniscate; reverse SDE dY = 2 s dr + √2 dW (ν = 1), T = 1, 200 Euler–Maruyama steps on the geometric grid`);
    ctx.log(figure51Table(f));
    ctx.log(`  W₁(training set, fresh lemniscate) = ${f.w1TrainFresh.toFixed(4)}: small τ memorises (samples ≈ training points, distance ∝ √τ), large τ blurs`);
    ctx.log(`  trajectories: ${ctx.write('diffusion-trajectories.svg', trajectoriesSvg(f))}`);
    ctx.log(`  samples: ${ctx.write('diffusion-samples.svg', samplesSvg(f))}`);
  },
};
