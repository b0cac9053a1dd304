// Autonomous (L = 0) approximate control: error against width (arXiv 2510.03303 Thm 3.4; docs/algorithms/autonomous.md).
//
// One ReLU layer of width p, constant in time, is fitted to the tube field that carries each
// x_i to y_i along a straight segment (approximateAutonomous). For p = 8 … 1024 the script
// flows X through the layer with RK4 (400 steps), measures max_i |Φ_T(x_i) − y_i| and plots it
// on log-log axes against κ = (d+2)·d·p, next to the rate of the theorem log₂κ/κ^{1/d}
// (scaled by a constant C fitted to the first point; the theorem's C is not known) and the
// sup-norm fit error η. Median of 3 seeds per p.
//
// Run (after `npm install`, which builds the package):
//   node examples/autonomous-sweep.mjs [outDir]      (default outDir: out)
// Writes <outDir>/autonomous-sweep.svg and prints the table. About 30–60 s on one core
// (the least-squares fit costs ~4p³ flops).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { approximateAutonomous, init } from '../build/node/index.js';

const outDir = process.argv[2] ?? 'out';
mkdirSync(outDir, { recursive: true });
await init();

// docs/algorithms/autonomous.md's example: four parallel moves in the plane.
const X = [0, 1, 2, 3].map((k) => [0, k]);
const Y = [0, 1, 2, 3].map((k) => [2, k + 0.3]);
const d = 2;
const widths = [8, 16, 32, 64, 128, 256, 512, 1024];
const median = (a) => a.slice().sort((u, v) => u - v)[Math.floor(a.length / 2)];

const rows = [];
for (const p of widths) {
  const runs = [0, 1, 2].map((seed) => approximateAutonomous(X, Y, { width: p, seed, stepsPerLayer: 400 }));
  const r = { p, kappa: runs[0].diagnostics.kappa, error: median(runs.map((x) => x.diagnostics.maxError)), eta: median(runs.map((x) => x.diagnostics.eta)), rate: runs[0].diagnostics.rate };
  rows.push(r);
  console.log(`p = ${String(p).padStart(4)}  κ = ${String(r.kappa).padStart(5)}  max error ${r.error.toExponential(2)}  η ${r.eta.toExponential(2)}  log₂κ/κ^(1/d) ${r.rate.toExponential(2)}`);
}
const C = rows[0].error / rows[0].rate;

// Log-log plot.
const W = 720, H = 520, L = 80, R = 20, T = 40, B = 60;
const xs = rows.map((r) => Math.log10(r.kappa));
const all = rows.flatMap((r) => [r.error, r.eta, C * r.rate]).map(Math.log10);
const [x0, x1] = [Math.min(...xs) - 0.1, Math.max(...xs) + 0.1];
const [y0, y1] = [Math.floor(Math.min(...all) * 2) / 2, Math.ceil(Math.max(...all) * 2) / 2];
const px = (v) => L + ((v - x0) / (x1 - x0)) * (W - L - R);
const py = (v) => T + ((y1 - v) / (y1 - y0)) * (H - T - B);
const line = (vals, colour, dash = '') =>
  `<path d="${vals.map((v, i) => `${i ? 'L' : 'M'}${px(xs[i]).toFixed(1)},${py(Math.log10(v)).toFixed(1)}`).join('')}" fill="none" stroke="${colour}" stroke-width="2" ${dash}/>` +
  vals.map((v, i) => `<circle cx="${px(xs[i]).toFixed(1)}" cy="${py(Math.log10(v)).toFixed(1)}" r="3.5" fill="${colour}"/>`).join('');
const ticks = [];
for (let e = Math.ceil(x0); e <= Math.floor(x1); e++) ticks.push(`<line x1="${px(e)}" y1="${H - B}" x2="${px(e)}" y2="${H - B + 6}" stroke="black"/><text x="${px(e)}" y="${H - B + 22}" text-anchor="middle" font-size="13">10^${e}</text>`);
for (let e = Math.ceil(y0); e <= Math.floor(y1); e++) ticks.push(`<line x1="${L - 6}" y1="${py(e)}" x2="${L}" y2="${py(e)}" stroke="black"/><text x="${L - 10}" y="${py(e) + 4}" text-anchor="end" font-size="13">10^${e}</text><line x1="${L}" y1="${py(e)}" x2="${W - R}" y2="${py(e)}" stroke="#eee"/>`);
const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${L}" y="24" font-size="15">Autonomous control (L = 0): max_i |Φ_T(x_i) − y_i| against κ = (d+2)·d·p, d = 2</text>
${ticks.join('\n')}
<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="black"/>
${line(rows.map((r) => r.error), '#c0392b')}
${line(rows.map((r) => r.eta), '#2c6fbb', 'stroke-dasharray="6 4"')}
${line(rows.map((r) => C * r.rate), '#555', 'stroke-dasharray="2 4"')}
<text x="${W - R - 10}" y="${T + 20}" text-anchor="end" font-size="13" fill="#c0392b">endpoint error (RK4, median of 3 seeds)</text>
<text x="${W - R - 10}" y="${T + 38}" text-anchor="end" font-size="13" fill="#2c6fbb">η = sup |F − F_p| (fit error)</text>
<text x="${W - R - 10}" y="${T + 56}" text-anchor="end" font-size="13" fill="#555">C · log₂κ / κ^(1/d), C = ${C.toFixed(2)} (fitted at p = ${widths[0]})</text>
<text x="${(L + W - R) / 2}" y="${H - 15}" text-anchor="middle" font-size="13">κ = (d+2)·d·p</text>
</svg>`;
const file = join(outDir, 'autonomous-sweep.svg');
writeFileSync(file, svg);
console.log(`wrote ${file}`);
