/**
 * Demo section "interpolate" (issue #3 part A; arXiv 2510.03303 Thm 3.3, docs/algorithms/interpolate.md):
 *  1. N = 100 random pairs in d = 2, widths 1, 2, 4, 8, 16: switches next to the theorem's
 *     2⌈N/p⌉ − 1, max error by the exact flow and by RK4 (default steps), build time;
 *  2. a picture: points, targets, exact trajectories and every layer's hyperplanes.
 */
import { createRng, flowAsync, interpolate, verify, type Controls, type PointCloud } from '../../index.js';
import { escapeXml, hyperplaneLine, sx, sy, viewportFor, svgDocument } from '../svg.js';
import { table } from '../table.js';
import type { DemoSection } from './context.js';

/** N random pairs: inputs standard normal, targets standard normal shifted by (3, 0, …). */
export function randomPairs(seed: number, n: number, d: number): { X: PointCloud; Y: PointCloud } {
  const rng = createRng(seed);
  const X = new Float64Array(n * d), Y = new Float64Array(n * d);
  for (let j = 0; j < n * d; j++) {
    X[j] = rng.normal();
    Y[j] = rng.normal() + (j % d === 0 ? 3 : 0);
  }
  return { X: { n, d, data: X }, Y: { n, d, data: Y } };
}

/**
 * SVG of 2-D interpolating controls: each layer's hyperplanes (one line per neuron with
 * w ≠ 0, coloured by layer), the exact trajectories (grey), inputs (blue) and targets (red rings).
 */
export async function interpolateSvg(c: Controls, X: PointCloud, Y: PointCloud, title: string): Promise<string> {
  const r = await flowAsync(c, X, { method: 'exact', stepsPerLayer: 8, trajectory: true });
  const traj = r.trajectory!;
  // The window frames inputs and targets: points not served yet are sheared far away in between
  // (by ≈ range/gap, see controllers/interpolate.ts), so the paths leave it and are clipped.
  const ends = new Float64Array(4 * X.n);
  ends.set(X.data.subarray(0, 2 * X.n));
  ends.set(Y.data.subarray(0, 2 * X.n), 2 * X.n);
  const v = viewportFor(ends, 2, 800, 0.15);
  const body: string[] = [];
  const p = c.width;
  c.layers.forEach((L, li) => {
    const hue = Math.round((300 * li) / Math.max(1, c.layers.length - 1));
    for (let j = 0; j < p; j++) {
      if (L.W[j] === 0 && L.W[p + j] === 0) continue;
      const line = hyperplaneLine(v, L.A[2 * j], L.A[2 * j + 1], L.b[j], `stroke="hsl(${hue},70%,50%)" stroke-width="0.5" opacity="0.45"`);
      if (line) body.push(line);
    }
  });
  for (let i = 0; i < X.n; i++) {
    let path = '';
    for (let f = 0; f < traj.frames; f++) {
      const o = (f * X.n + i) * 2;
      path += `${f ? 'L' : 'M'}${sx(v, traj.data[o]).toFixed(1)},${sy(v, traj.data[o + 1]).toFixed(1)}`;
    }
    body.push(`<path d="${path}" fill="none" stroke="#555" stroke-width="0.6" opacity="0.5"/>`);
  }
  for (let i = 0; i < X.n; i++) {
    body.push(`<circle cx="${sx(v, X.data[2 * i]).toFixed(1)}" cy="${sy(v, X.data[2 * i + 1]).toFixed(1)}" r="2.5" fill="#2c6fbb"/>`);
    body.push(`<circle cx="${sx(v, Y.data[2 * i]).toFixed(1)}" cy="${sy(v, Y.data[2 * i + 1]).toFixed(1)}" r="4" fill="none" stroke="#c0392b" stroke-width="1.2"/>`);
  }
  body.push(`<text x="10" y="40" font-family="sans-serif" font-size="12">${escapeXml(`blue: inputs, red rings: targets, grey: exact trajectories (clipped); lines: the hyperplanes of the ${c.layers.length} layers (colour = layer)`)}</text>`);
  return svgDocument(v, body, title, { clip: true });
}

export const interpolateSection: DemoSection = {
  name: 'interpolate',
  async run(ctx) {
    ctx.log('== interpolate: exact control of N pairs with width-p layers (arXiv 2401.09902 Thm 3.3; docs/algorithms/interpolate.md)');
    const N = 100, d = 2;
    const { X, Y } = randomPairs(ctx.seed, N, d);
    const rows: (string | number)[][] = [];
    let picture: Controls | null = null;
    for (const p of [1, 2, 4, 8, 16]) {
      const t0 = performance.now();
      const { controls: c, diagnostics: diag } = interpolate(X, Y, { width: p, seed: ctx.seed });
      const build = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const exact = verify(c, X, Y, { independent: false });
      const tExact = (performance.now() - t1) / 1000;
      const rk4 = verify(c, X, Y, { method: 'rk4', independent: false });
      const ind = diag.verification.independent;
      rows.push([p, c.switches, diag.theoremSwitches, exact.relativeMaxError.toExponential(1), rk4.relativeMaxError.toExponential(1), ind ? ind.relativeMaxError.toExponential(1) : '–', diag.clearance.toExponential(1), diag.excursion.toPrecision(3), build.toFixed(3), tExact.toFixed(3)]);
      if (p === 8) picture = c;
    }
    ctx.log(table(['p', 'switches', 'theorem 2⌈N/p⌉−1', 'max error exact (rel.)', 'max error rk4 (rel.)', 'independent (rel.)', 'clearance (rel.)', 'excursion', 'build s', 'exact flow s'], rows));
    ctx.log(`  N = ${N} pairs in d = ${d} (inputs N(0, I), targets N((3, 0), I)); errors relative to max |coordinate|.`);
    const path = ctx.write('interpolate.svg', await interpolateSvg(picture!, X, Y, `interpolate: ${N} pairs, width 8, ${picture!.switches} switches`));
    ctx.log(`  picture: ${path}`);
  },
};
