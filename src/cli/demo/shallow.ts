/**
 * Demo section "shallow" (issue #10; survey arXiv 2510.03303 §2, docs/algorithms/shallow.md):
 * (1) the ℓ¹-minimal exact representation of N pairs in the plane by column generation, with its
 *     certificate (primal, dual, gap, atoms ≤ N) next to the LP on a random dictionary;
 * (2) Theorem 2.2: the ε-sweep of U(ε) = ε + d_KR(m_X, m_X′)·val(PR_ε) on a test set shifted a
 *     little (ε* = 0) and a lot (ε* > 0) — table and plot of train error, test error, U(ε).
 */
import {
  generalizationSweepAsync,
  shallowRepresentAsync,
  type GeneralizationSweep,
  type ShallowRepresentation,
} from '../../index.js';
import { createRng } from '../../rng.js';
import { escapeXml, hyperplaneLine, sx, sy, svgDocument, viewportFor } from '../svg.js';
import { table } from '../table.js';
import type { DemoSection } from './context.js';

/** The target function of the demos: f(x) = sin(2 x₁) + 0.3 Σ x_k. */
export function shallowTarget(x: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k];
  return Math.sin(2 * x[0]) + 0.3 * s;
}

/** N inputs uniform in [−1.5, 1.5]^d with labels shallowTarget(x) (+ noise). */
export function shallowData(seed: number, N: number, d: number, noise = 0): { X: number[][]; y: number[] } {
  const rng = createRng(seed);
  const X = Array.from({ length: N }, () => Array.from({ length: d }, () => 3 * rng.uniform() - 1.5));
  return { X, y: X.map((x) => shallowTarget(x) + noise * rng.normal()) };
}

/** The test set of the Thm 2.2 example: the training inputs translated by `shift` along x₁, labelled by the same f. */
export function shiftedTest(X: number[][], shift: number): { X: number[][]; y: number[] } {
  const Xt = X.map((x) => x.map((v, k) => (k === 0 ? v + shift : v)));
  return { X: Xt, y: Xt.map(shallowTarget) };
}

/** d = 2: f as a heat map, the atoms' lines ⟨a_j, x⟩ + b_j = 0, the data; d = 1: f as a curve with the data. */
export function shallowSvg(r: ShallowRepresentation, X: number[][], y: number[], title: string): string {
  const { a, b, w, P, d } = r.network;
  const f = (x: number[]): number => {
    let s = 0;
    for (let j = 0; j < P; j++) {
      let t = b[j];
      for (let k = 0; k < d; k++) t += a[j * d + k] * x[k];
      if (t > 0) s += w[j] * t;
    }
    return s;
  };
  if (d === 1) {
    const xs = X.map((x) => x[0]);
    const lo = Math.min(...xs) - 0.2, hi = Math.max(...xs) + 0.2;
    const samples = Array.from({ length: 401 }, (_, k) => lo + ((hi - lo) * k) / 400);
    const fs = samples.map((t) => f([t]));
    const flat = new Float64Array([...samples.flatMap((t, k) => [t, fs[k]]), ...xs.flatMap((t, i) => [t, y[i]])]);
    const v = viewportFor(flat, 2, 700, 0.08);
    const path = samples.map((t, k) => `${k ? 'L' : 'M'}${sx(v, t).toFixed(1)},${sy(v, fs[k]).toFixed(1)}`).join('');
    return svgDocument(v, [
      `<path d="${path}" fill="none" stroke="#1f77b4" stroke-width="2"/>`,
      ...X.map((x, i) => `<circle cx="${sx(v, x[0]).toFixed(1)}" cy="${sy(v, y[i]).toFixed(1)}" r="4" fill="#d62728"/>`),
    ], title, { clip: true });
  }
  const flat = new Float64Array(X.flatMap((x) => [x[0], x[1]]));
  const v = viewportFor(flat, 2, 700, 0.1);
  const G = 70;
  const cell = v.size / G;
  const vals: number[] = [];
  for (let gy = 0; gy < G; gy++) for (let gx = 0; gx < G; gx++) {
    const x0 = v.xmin + ((gx + 0.5) / G) * (v.xmax - v.xmin), x1 = v.ymax - ((gy + 0.5) / G) * (v.ymax - v.ymin);
    vals.push(f([x0, x1]));
  }
  const m = Math.max(1e-12, ...vals.map(Math.abs));
  const colour = (t: number): string => {
    const s = Math.max(-1, Math.min(1, t / m));
    const r = s > 0 ? 255 : Math.round(255 * (1 + s)), g = Math.round(255 * (1 - Math.abs(s))), bl = s < 0 ? 255 : Math.round(255 * (1 - s));
    return `rgb(${r},${g},${bl})`;
  };
  const body: string[] = [];
  vals.forEach((t, k) => body.push(`<rect x="${((k % G) * cell).toFixed(1)}" y="${(Math.floor(k / G) * cell).toFixed(1)}" width="${(cell + 0.5).toFixed(1)}" height="${(cell + 0.5).toFixed(1)}" fill="${colour(t)}"/>`));
  for (let j = 0; j < P; j++) {
    const line = hyperplaneLine(v, a[2 * j], a[2 * j + 1], b[j], `stroke="black" stroke-opacity="${(0.25 + 0.75 * Math.min(1, Math.abs(w[j]) / (r.value / Math.max(1, P) * 2))).toFixed(2)}" stroke-width="1"`);
    if (line) body.push(line);
  }
  X.forEach((x, i) => body.push(`<circle cx="${sx(v, x[0]).toFixed(1)}" cy="${sy(v, x[1]).toFixed(1)}" r="4" fill="${colour(y[i])}" stroke="black"/>`));
  return svgDocument(v, body, title, { clip: true });
}

/** Train error, test error, r(Θ_ε) and U(ε) against ε, with ε* marked. */
export function sweepSvg(s: GeneralizationSweep, title: string): string {
  const W = 700, H = 450, L = 60, R = 20, T = 40, B = 50;
  const eps = s.rows.map((r) => r.epsilon);
  const series: [string, string, number[]][] = [
    ['U(ε) = ε + d_KR·val(PR_ε)', '#d62728', s.rows.map((r) => r.U)],
    ['r(Θ_ε) (eq. 2.12)', '#9467bd', s.rows.map((r) => r.r)],
    ['test error (1/N′)Σ|f(x′)−y′|', '#1f77b4', s.rows.map((r) => r.testError)],
    ['train error (1/N)Σ|f(x)−y|', '#2ca02c', s.rows.map((r) => r.trainError)],
  ];
  const xmax = Math.max(...eps) || 1;
  const ymax = Math.max(...series.flatMap(([, , v]) => v)) * 1.05 || 1;
  const px = (e: number): number => L + (e / xmax) * (W - L - R);
  const py = (u: number): number => H - B - (u / ymax) * (H - T - B);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14">${escapeXml(title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(W + L) / 2}" y="${H - 15}" text-anchor="middle">ε</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    out.push(`<text x="${px((xmax * k) / 4)}" y="${H - B + 15}" text-anchor="middle">${((xmax * k) / 4).toPrecision(2)}</text>`);
    out.push(`<text x="${L - 5}" y="${py((ymax * k) / 4) + 4}" text-anchor="end">${((ymax * k) / 4).toPrecision(2)}</text>`);
  }
  series.forEach(([name, c, v], q) => {
    out.push(`<path d="${v.map((u, k) => `${k ? 'L' : 'M'}${px(eps[k]).toFixed(1)},${py(u).toFixed(1)}`).join('')}" fill="none" stroke="${c}" stroke-width="2"/>`);
    out.push(`<text x="${W - R - 250}" y="${T + 15 * q}" fill="${c}">${escapeXml(name)}</text>`);
  });
  out.push(`<line x1="${px(s.epsilonStar)}" y1="${T}" x2="${px(s.epsilonStar)}" y2="${H - B}" stroke="#d62728" stroke-dasharray="4 3"/>`);
  out.push(`<text x="${px(s.epsilonStar) + 4}" y="${T + 70}" fill="#d62728">ε* = ${s.epsilonStar.toPrecision(3)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** The ε grid of the sweeps: quadratic spacing from 0 to max|y| (denser near 0, where ε* moves). */
export function sweepGrid(y: number[], count = 17): number[] {
  const m = Math.max(...y.map(Math.abs));
  return Array.from({ length: count }, (_, k) => m * (k / (count - 1)) ** 2);
}

export const shallowSection: DemoSection = {
  name: 'shallow',
  async run(ctx) {
    ctx.log('## shallow networks: ℓ¹-minimal representation (survey arXiv 2510.03303 §2, Thm 2.1–2.2)');
    const N = ctx.quick ? 20 : 40;
    const { X, y } = shallowData(ctx.seed + 10, N, 2);
    const t0 = performance.now();
    const r = await shallowRepresentAsync(X, y);
    const sec = (performance.now() - t0) / 1000;
    ctx.log(table(
      ['N', 'd', 'status', 'value Σ|w|', 'dual (certified)', 'gap/value', 'atoms (≤ N)', 'rounds', 'certificate', 'max |f(x)−y|', 's'],
      [[N, 2, r.status, r.value.toPrecision(10), r.dual.toPrecision(10), (r.gap / r.value).toExponential(1), r.network.P, r.iterations, r.diagnostics.certificate, r.diagnostics.maxError.toExponential(1), sec.toFixed(2)]],
    ));
    ctx.log(`  picture: ${ctx.write('shallow.svg', shallowSvg(r, X, y, `(PR₀): ${N} pairs, ${r.network.P} atoms, Σ|w| = ${r.value.toPrecision(6)}`))}`);
    // Thm 2.2: threshold from the dual of (PR₀), shifts on both sides of it
    const threshold = 1 / r.diagnostics.dualNorm;
    const rows: (string | number)[][] = [];
    for (const [label, shift] of [['small shift', 0.3 * threshold], ['large shift', 5 * threshold]] as const) {
      const test = shiftedTest(X, shift);
      const s = await generalizationSweepAsync({ x: X, y }, { x: test.X, y: test.y }, { epsilons: sweepGrid(y, ctx.quick ? 9 : 17) });
      const best = s.rows.find((q) => q.epsilon === s.epsilonStar)!;
      rows.push([label, s.inputShift.toPrecision(3), threshold.toPrecision(3), s.epsilonStar.toPrecision(3), s.Ustar.toPrecision(4), s.rows[0].U.toPrecision(4), best.testError.toPrecision(3), s.rows[0].testError.toPrecision(3), s.regime]);
      const file = label === 'small shift' ? 'shallow-bound-small.svg' : 'shallow-bound-large.svg';
      ctx.log(`  ${label}: ${ctx.write(file, sweepSvg(s, `Thm 2.2, ${label}: d_KR(m_X, m_X′) = ${s.inputShift.toPrecision(3)}, ε* = ${s.epsilonStar.toPrecision(3)}`))}`);
    }
    ctx.log(table(['test set', 'd_KR(m_X, m_X′)', '1/‖λ₀‖₁', 'ε*', 'U(ε*)', 'U(0)', 'test err at ε*', 'test err at 0', 'regime'], rows));
  },
};
