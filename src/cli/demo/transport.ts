/**
 * Demo section "transport" (issue #4, arXiv 2401.09902, interpolation of measures, docs/algorithms/transport.md,
 * §B3): a Gaussian blob and a two-moons cloud steered to U([0,1]²) and to each other by the
 * constructed controls. Table: switches (the derived count and the formula transcribed from arXiv 2401.09902's slides), the
 * certified bound, W₁ before and after (exact OT; against the target samples, or against a grid
 * of the square fine enough that its own error is below ε/10). Pictures: particles before/after
 * (coloured by where they started) and W₁ along the flow.
 */
import { flowLayerClosedForm } from '../../controllers/layer-flow.js';
import {
  transport,
  transportToUniform,
  wasserstein1,
  type Controls,
  type PointCloud,
} from '../../index.js';
import { createRng } from '../../rng.js';
import { escapeXml, sx, sy, viewportFor, type Viewport } from '../svg.js';
import { table } from '../table.js';
import type { DemoSection } from './context.js';

/** M samples of N((cx, cy), σ² I). */
export function gaussianBlob(seed: number, M: number, cx = 2.5, cy = -1.5, sigma = 0.45): PointCloud {
  const rng = createRng(seed);
  const data = new Float64Array(2 * M);
  for (let i = 0; i < M; i++) {
    data[2 * i] = cx + sigma * rng.normal();
    data[2 * i + 1] = cy + sigma * rng.normal();
  }
  return { n: M, d: 2, data };
}

/** M samples of the two interleaved half-circles (scikit-learn's make_moons layout) plus noise. */
export function twoMoons(seed: number, M: number, noise = 0.06): PointCloud {
  const rng = createRng(seed);
  const data = new Float64Array(2 * M);
  for (let i = 0; i < M; i++) {
    const t = Math.PI * rng.uniform();
    const upper = i % 2 === 0;
    data[2 * i] = (upper ? Math.cos(t) : 1 - Math.cos(t)) + noise * rng.normal();
    data[2 * i + 1] = (upper ? Math.sin(t) : 0.5 - Math.sin(t)) + noise * rng.normal();
  }
  return { n: M, d: 2, data };
}

/** Cell centres of the g × g grid of [0,1]²: W_q to U([0,1]²) is at most √2/(2g). */
export function unitSquareGrid(g: number): PointCloud {
  const data = new Float64Array(2 * g * g);
  for (let i = 0; i < g * g; i++) {
    data[2 * i] = ((i % g) + 0.5) / g;
    data[2 * i + 1] = (Math.floor(i / g) + 0.5) / g;
  }
  return { n: g * g, d: 2, data };
}

/**
 * W₁ between the particles and `target` at about `frames` layer ends along the flow (always
 * including t = 0 and t = T). The particles are carried by the closed-form flows of the layers
 * (src/controllers/layer-flow.ts), which the tests check against RK4 and the exact solver.
 */
export async function w1AlongFlow(controls: Controls, X: PointCloud, target: PointCloud, frames: number): Promise<{ t: number[]; w1: number[] }> {
  const L = controls.layers.length;
  const x = X.data.slice();
  const t: number[] = [0], w1: number[] = [wasserstein1(X, target).value];
  let time = 0, next = 1;
  for (let l = 0; l < L; l++) {
    const layer = controls.layers[l];
    flowLayerClosedForm(x, X.n, X.d, layer, controls.width);
    time += layer.duration;
    if (l + 1 >= (next * L) / frames || l === L - 1) {
      t.push(time);
      w1.push(wasserstein1({ n: X.n, d: X.d, data: x }, target).value);
      while (next * L <= (l + 1) * frames) next++;
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  return { t, w1 };
}

/** Two panels: the samples before (left) and after (right), coloured by their starting angle about the centre. */
export function beforeAfterSvg(before: PointCloud, after: PointCloud, target: PointCloud | null, title: string, square: boolean): string {
  const size = 560;
  const hue = hues(before);
  const panel = (pts: PointCloud, v: Viewport, dx: number, label: string, showTarget: boolean): string[] => {
    const out = [`<g transform="translate(${dx},30)">`, `<rect width="${size}" height="${size}" fill="none" stroke="#ccc"/>`];
    out.push(`<text x="8" y="18" font-family="sans-serif" font-size="13">${escapeXml(label)}</text>`);
    if (square) {
      const x0 = sx(v, 0), x1 = sx(v, 1), y0 = sy(v, 1), y1 = sy(v, 0);
      out.push(`<rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${(x1 - x0).toFixed(1)}" height="${(y1 - y0).toFixed(1)}" fill="none" stroke="#888" stroke-dasharray="4 3"/>`);
    }
    if (showTarget && target) {
      for (let i = 0; i < target.n; i++) {
        out.push(`<circle cx="${sx(v, target.data[2 * i]).toFixed(1)}" cy="${sy(v, target.data[2 * i + 1]).toFixed(1)}" r="1.6" fill="#bbb"/>`);
      }
    }
    for (let i = 0; i < pts.n; i++) {
      out.push(`<circle cx="${sx(v, pts.data[2 * i]).toFixed(1)}" cy="${sy(v, pts.data[2 * i + 1]).toFixed(1)}" r="2" fill="hsl(${hue[i].toFixed(0)},75%,45%)"/>`);
    }
    out.push('</g>');
    return out;
  };
  const all = new Float64Array([...before.data, ...after.data, ...(target ? target.data : []), 0, 0, 1, 1]);
  const v = viewportFor(all, 2, size);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * size + 30}" height="${size + 40}" viewBox="0 0 ${2 * size + 30} ${size + 40}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-family="sans-serif" font-size="14">${escapeXml(title)}</text>`,
    ...panel(before, v, 10, 't = 0', false),
    ...panel(after, v, size + 20, target ? 't = T (grey: target samples)' : 't = T', true),
    '</svg>',
  ].join('\n');
}

function hues(X: PointCloud): Float64Array {
  let cx = 0, cy = 0;
  for (let i = 0; i < X.n; i++) (cx += X.data[2 * i] / X.n), (cy += X.data[2 * i + 1] / X.n);
  return Float64Array.from({ length: X.n }, (_, i) => ((Math.atan2(X.data[2 * i + 1] - cy, X.data[2 * i] - cx) / Math.PI) * 180 + 360) % 360);
}

/**
 * A line chart of W₁(t) for several runs, logarithmic in W₁: the stacking shears lift the cells
 * far apart in the middle of every level (W₁ of order H·n^{d−1}), and the interesting part is
 * the last decade.
 */
export function w1Svg(series: { label: string; t: number[]; w1: number[] }[], title: string): string {
  const W = 760, H = 440, left = 64, right = 20, top = 40, bottom = 50;
  const tmax = Math.max(...series.flatMap((s) => s.t));
  const lo = Math.floor(Math.log10(Math.max(1e-6, Math.min(...series.flatMap((s) => s.w1))))), hi = Math.ceil(Math.log10(Math.max(...series.flatMap((s) => s.w1))));
  const X = (t: number) => left + (t / tmax) * (W - left - right);
  const Y = (w: number) => H - bottom - ((Math.log10(Math.max(w, 10 ** lo)) - lo) / Math.max(1, hi - lo)) * (H - top - bottom);
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14">${escapeXml(title)}</text>`,
    `<line x1="${left}" y1="${H - bottom}" x2="${W - right}" y2="${H - bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${H - bottom}" stroke="black"/>`,
    `<text x="${W / 2}" y="${H - 12}" font-size="12" text-anchor="middle">t</text>`,
    `<text x="14" y="${H / 2}" font-size="12" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">W₁(particles(t), target), log scale</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    out.push(`<line x1="${left}" y1="${Y(10 ** e)}" x2="${W - right}" y2="${Y(10 ** e)}" stroke="#eee"/>`);
    out.push(`<text x="${left - 6}" y="${Y(10 ** e) + 4}" font-size="11" text-anchor="end">1e${e}</text>`);
  }
  for (let k = 0; k <= 4; k++) out.push(`<text x="${X((tmax * k) / 4)}" y="${H - bottom + 16}" font-size="11" text-anchor="middle">${((tmax * k) / 4).toPrecision(2)}</text>`);
  series.forEach((s, j) => {
    const d = s.t.map((t, i) => `${i ? 'L' : 'M'}${X(t).toFixed(1)},${Y(s.w1[i]).toFixed(1)}`).join('');
    out.push(`<path d="${d}" fill="none" stroke="${colors[j % colors.length]}" stroke-width="2"/>`);
    out.push(`<text x="${W - right - 250}" y="${H - bottom - 70 + 16 * j}" font-size="12" fill="${colors[j % colors.length]}">${escapeXml(s.label)} → ${s.w1[s.w1.length - 1].toPrecision(2)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

export const transportSection: DemoSection = {
  name: 'transport',
  async run(ctx) {
    // M = (2n)² samples, n = ⌈√2/ε⌉: four per grid cube, and a square number, so that W₁ along
    // the flow can be measured against the (2n)² cell centres by the fast equal-size assignment
    // (that grid's own error √2/(4n) is shown as ±). The final W₁ to U([0,1]²) is measured against
    // a g×g grid with √2/(2g) ≤ ε/10 and g a multiple of 2n (so g² is a multiple of M).
    const eps = ctx.quick ? 0.25 : 0.15;
    const width = 6;
    const n = Math.ceil(Math.SQRT2 / eps);
    const M = 4 * n * n;
    const blob = gaussianBlob(ctx.seed, M);
    const moons = twoMoons(ctx.seed + 1, M);
    const g = 2 * n * Math.ceil((5 * Math.SQRT2) / eps / (2 * n));
    const fine = unitSquareGrid(g), coarse = unitSquareGrid(2 * n);
    const fineError = Math.SQRT2 / (2 * g), coarseError = Math.SQRT2 / (4 * n);
    const frames = ctx.quick ? 10 : 16;
    ctx.log(`== transport: ${M} samples in d = 2, width ${width}, ε = ${eps} (n = ${n}, ${n * n} grid cubes); U([0,1]²) measured against a ${g}×${g} grid (its own error ≤ ${fineError.toFixed(4)} ≤ ε/10)`);

    const rows: (string | number)[][] = [];
    const curves: { label: string; t: number[]; w1: number[] }[] = [];
    // The statistical floor: W₁ between a fresh M-sample of the target and the target.
    const uniformSample = { n: M, d: 2, data: Float64Array.from({ length: 2 * M }, (() => { const r = createRng(ctx.seed + 7); return () => r.uniform(); })()) };
    const floorSquare = wasserstein1(uniformSample, fine).value;
    for (const [name, X] of [['blob → square', blob], ['moons → square', moons]] as const) {
      const t0 = performance.now();
      const r = transportToUniform(X, { width, epsilon: eps });
      const seconds = (performance.now() - t0) / 1000;
      const after = wasserstein1(r.points, fine).value;
      const curve = await w1AlongFlow(r.controls, X, coarse, frames);
      rows.push([name, r.controls.switches, r.seedSwitches ?? '—', r.bound.toFixed(3), curve.w1[0].toFixed(3), `${after.toFixed(4)} ± ${fineError.toFixed(4)}`, floorSquare.toFixed(4), seconds.toFixed(2)]);
      curves.push({ label: `${name} (± ${coarseError.toFixed(3)})`, ...curve });
      const file = name.startsWith('blob') ? 'transport-blob-square.svg' : 'transport-moons-square.svg';
      ctx.log(`  ${name}: ${ctx.write(file, beforeAfterSvg(X, r.points, null, `${name}: ${r.controls.switches} switches, W₁ to U = ${after.toFixed(3)} (ε = ${eps})`, true))}`);
    }
    for (const [name, X, Y] of [['blob → moons', blob, moons], ['moons → blob', moons, blob]] as const) {
      const t0 = performance.now();
      const r = transport(X, Y, { width, epsilon: eps });
      const seconds = (performance.now() - t0) / 1000;
      const after = wasserstein1(r.points, Y).value;
      const fresh = Y === moons ? twoMoons(ctx.seed + 11, M) : gaussianBlob(ctx.seed + 11, M);
      const floor = wasserstein1(fresh, Y).value;
      const curve = await w1AlongFlow(r.controls, X, Y, frames);
      rows.push([name, r.controls.switches, '—', r.bound.toFixed(3), curve.w1[0].toFixed(3), after.toFixed(4), floor.toFixed(4), seconds.toFixed(2)]);
      curves.push({ label: name, ...curve });
      const file = name.startsWith('blob') ? 'transport-blob-moons.svg' : 'transport-moons-blob.svg';
      ctx.log(`  ${name}: ${ctx.write(file, beforeAfterSvg(X, r.points, Y, `${name}: ${r.controls.switches} switches, W₁ = ${after.toFixed(3)}`, false))}`);
    }
    ctx.log(table(['case', 'switches', 'seed-003 formula', 'bound', 'W₁ at t = 0', 'W₁ at t = T', 'fresh sample', 'build s'], rows));
    ctx.log(`  W₁ at t = 0 to the square: against the ${2 * n}×${2 * n} grid (± ${coarseError.toFixed(3)}). bound: the certificate transportToUniform/transport return.`);
    ctx.log(`  fresh sample: W₁ between an independent sample of ${M} points of the target law and the target (the sampling floor; i.i.d. uniform points for the square).`);
    ctx.log(`  W₁ along the flow: ${ctx.write('transport-w1.svg', w1Svg(curves, `W₁ between the particles and the target along the flow (ε = ${eps}, width ${width})`))}`);
  },
};
