// Transport of measures by a neural ODE (issue #4; arXiv 2401.09902, interpolation of measures;
// docs/algorithms/transport.md).
//
// A Gaussian blob and a two-moons cloud are steered to the unit square U([0,1]²) and to each
// other by piecewise-constant controls of width 6 built by transportToUniform / transport.
// The samples are then flowed with the flow engine's exact solver (and, as a check, with RK4,
// which knows nothing of the construction) and W₁ is measured with the exact OT solver:
// against the target samples, or against a grid of the square whose own distance to U is
// below ε/10.
//
// Run (after `npm install`, which builds the package):
//   node examples/transport.mjs [outDir]      (default outDir: examples/out)
// Writes transport-<case>.svg (particles before / after, coloured by where they started) and
// transport-w1.svg (W₁ along the flow, log scale), and prints a table. About 10–20 s on one core.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, flow, init, transport, transportToUniform, wasserstein1 } from '../build/node/index.js';

const outDir = process.argv[2] ?? join(import.meta.dirname ?? '.', 'out');
mkdirSync(outDir, { recursive: true });
await init();

const epsilon = 0.15; // target accuracy in W_q; grid resolution n = ⌈√2/ε⌉ = 10
const width = 6; // neurons per layer
const n = Math.ceil(Math.SQRT2 / epsilon);
const M = 4 * n * n; // 400 samples: a multiple of n², so every grid cube receives exactly 4

const rng = createRng(1);
const cloud = (fill) => {
  const data = new Float64Array(2 * M);
  for (let i = 0; i < M; i++) fill(data, i);
  return { n: M, d: 2, data };
};
const blob = cloud((x, i) => {
  x[2 * i] = 2.5 + 0.45 * rng.normal();
  x[2 * i + 1] = -1.5 + 0.45 * rng.normal();
});
const moons = cloud((x, i) => {
  const t = Math.PI * rng.uniform(), upper = i % 2 === 0;
  x[2 * i] = (upper ? Math.cos(t) : 1 - Math.cos(t)) + 0.06 * rng.normal();
  x[2 * i + 1] = (upper ? Math.sin(t) : 0.5 - Math.sin(t)) + 0.06 * rng.normal();
});
// U([0,1]²) discretised by the cell centres of a g×g grid: W₁(grid, U) ≤ √2/(2g). The final
// value uses g ≥ 5√2/ε (error ≤ ε/10) and a multiple of 2n, so that g² is a multiple of M (the
// exact solver is fastest then); W₁ along the flow uses the 2n×2n grid (M points, ± √2/(4n)).
const grid = (g) => {
  const G = { n: g * g, d: 2, data: new Float64Array(2 * g * g) };
  for (let i = 0; i < g * g; i++) {
    G.data[2 * i] = ((i % g) + 0.5) / g;
    G.data[2 * i + 1] = (Math.floor(i / g) + 0.5) / g;
  }
  return G;
};
const gFine = 2 * n * Math.ceil((5 * Math.SQRT2) / epsilon / (2 * n));
const fine = grid(gFine), coarse = grid(2 * n);

const cases = [
  { name: 'blob-square', from: blob, to: null },
  { name: 'moons-square', from: moons, to: null },
  { name: 'blob-moons', from: blob, to: moons },
  { name: 'moons-blob', from: moons, to: blob },
];
const rows = [];
const curves = [];
for (const c of cases) {
  const t0 = performance.now();
  const r = c.to ? transport(c.from, c.to, { width, epsilon }) : transportToUniform(c.from, { width, epsilon });
  const build = (performance.now() - t0) / 1000;
  const target = c.to ?? coarse;
  // W₁ at ~16 layer ends along the flow: exact solver, one trajectory frame per layer end.
  const L = r.controls.layers.length, every = Math.ceil(L / 16);
  const ex = flow(r.controls, c.from, { method: 'exact', stepsPerLayer: 1, trajectory: { every } });
  const traj = ex.trajectory;
  const t = [], w1 = [];
  for (let f = 0; f < traj.frames; f++) {
    t.push(traj.times[f]);
    w1.push(wasserstein1({ n: M, d: 2, data: traj.data.subarray(f * 2 * M, (f + 1) * 2 * M) }, target).value);
  }
  if (t[t.length - 1] < r.controls.T) (t.push(r.controls.T), w1.push(wasserstein1(ex, target).value));
  const last = ex.data;
  const final = c.to ? w1[w1.length - 1] : wasserstein1(ex, fine).value;
  // Cross-check with RK4 (100 steps a layer): it must land on the same points.
  const rk = flow(r.controls, c.from, { method: 'rk4', stepsPerLayer: 100 }).data;
  let dev = 0;
  for (let j = 0; j < 2 * M; j++) dev = Math.max(dev, Math.abs(rk[j] - last[j]));
  rows.push([c.name, r.controls.switches, r.bound.toFixed(3), w1[0].toFixed(3), final.toFixed(4), dev.toExponential(1), build.toFixed(2)]);
  curves.push({ label: c.to ? c.name : `${c.name} (± ${(Math.SQRT2 / (4 * n)).toFixed(3)})`, t, w1 });
  writeFileSync(join(outDir, `transport-${c.name}.svg`), beforeAfter(c.from, { n: M, d: 2, data: last }, c.to, `${c.name}: ${r.controls.switches} switches, W₁ after = ${final.toFixed(3)}`));
}

// W₁ at t=T to the square is against the fine grid (± ${√2/(2g)} ≤ ε/10); at t=0 against the coarse one.
const head = ['case', 'switches', 'bound', 'W₁ at t=0', 'W₁ at t=T', 'max |rk4 − exact|', 'build s'];
const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => String(r[j]).length)));
console.log(head.map((h, j) => h.padEnd(widths[j])).join('  '));
for (const r of rows) console.log(r.map((v, j) => String(v).padEnd(widths[j])).join('  '));
writeFileSync(join(outDir, 'transport-w1.svg'), chart(curves));
console.log(`pictures in ${outDir}/`);

// ---- small SVG helpers ------------------------------------------------------------------------
function beforeAfter(before, after, target, title) {
  const S = 480;
  const all = [...before.data, ...after.data, ...(target ? target.data : []), 0, 0, 1, 1];
  let lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
  for (let j = 0; j < all.length; j++) (lo[j % 2] = Math.min(lo[j % 2], all[j])), (hi[j % 2] = Math.max(hi[j % 2], all[j]));
  const span = 1.1 * Math.max(hi[0] - lo[0], hi[1] - lo[1]);
  const cx = (lo[0] + hi[0]) / 2, cy = (lo[1] + hi[1]) / 2;
  const X = (x) => ((x - cx) / span + 0.5) * S, Y = (y) => (0.5 - (y - cy) / span) * S;
  let mx = 0, my = 0;
  for (let i = 0; i < before.n; i++) (mx += before.data[2 * i] / before.n), (my += before.data[2 * i + 1] / before.n);
  const hue = (i) => (((Math.atan2(before.data[2 * i + 1] - my, before.data[2 * i] - mx) * 180) / Math.PI + 360) % 360).toFixed(0);
  const dots = (pts, color) => Array.from({ length: pts.n }, (_, i) => `<circle cx="${X(pts.data[2 * i]).toFixed(1)}" cy="${Y(pts.data[2 * i + 1]).toFixed(1)}" r="2" fill="${color(i)}"/>`).join('\n');
  const unit = `<rect x="${X(0).toFixed(1)}" y="${Y(1).toFixed(1)}" width="${(X(1) - X(0)).toFixed(1)}" height="${(Y(0) - Y(1)).toFixed(1)}" fill="none" stroke="#888" stroke-dasharray="4 3"/>`;
  const panel = (dx, body, label) => `<g transform="translate(${dx},30)"><rect width="${S}" height="${S}" fill="none" stroke="#ccc"/><text x="8" y="18" font-size="13">${label}</text>${unit}${body}</g>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * S + 30}" height="${S + 40}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>
<text x="10" y="20" font-size="14">${title}</text>
${panel(10, dots(before, (i) => `hsl(${hue(i)},75%,45%)`), 't = 0')}
${panel(S + 20, (target ? dots(target, () => '#bbb') : '') + dots(after, (i) => `hsl(${hue(i)},75%,45%)`), target ? 't = T (grey: target samples)' : 't = T')}
</svg>`;
}

function chart(series) {
  // Logarithmic in W₁: the stacking shears lift the cells far apart in the middle of each level.
  const W = 760, H = 440, l = 64, r = 20, t = 40, b = 50;
  const all = series.flatMap((s) => s.w1);
  const lo = Math.floor(Math.log10(Math.min(...all))), hi = Math.ceil(Math.log10(Math.max(...all)));
  const tmax = Math.max(...series.flatMap((s) => s.t));
  const X = (v) => l + (v / tmax) * (W - l - r), Y = (v) => H - b - ((Math.log10(v) - lo) / Math.max(1, hi - lo)) * (H - t - b);
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const ticks = [];
  for (let e = lo; e <= hi; e++) ticks.push(`<line x1="${l}" y1="${Y(10 ** e)}" x2="${W - r}" y2="${Y(10 ** e)}" stroke="#eee"/><text x="${l - 6}" y="${Y(10 ** e) + 4}" font-size="11" text-anchor="end">1e${e}</text>`);
  for (let k = 0; k <= 4; k++) ticks.push(`<text x="${X((tmax * k) / 4)}" y="${H - b + 16}" font-size="11" text-anchor="middle">${((tmax * k) / 4).toPrecision(2)}</text>`);
  const lines = series.map((s, j) => `<path d="${s.t.map((v, i) => `${i ? 'L' : 'M'}${X(v).toFixed(1)},${Y(s.w1[i]).toFixed(1)}`).join('')}" fill="none" stroke="${colors[j]}" stroke-width="2"/><text x="${W - r - 250}" y="${H - b - 70 + 16 * j}" font-size="12" fill="${colors[j]}">${s.label} → ${s.w1[s.w1.length - 1].toPrecision(2)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>
<text x="10" y="20" font-size="14">W₁ between the particles and the target along the flow (ε = ${epsilon}, width ${width})</text>
<line x1="${l}" y1="${H - b}" x2="${W - r}" y2="${H - b}" stroke="black"/><line x1="${l}" y1="${t}" x2="${l}" y2="${H - b}" stroke="black"/>
<text x="${W / 2}" y="${H - 12}" font-size="12" text-anchor="middle">t</text>
<text x="14" y="${H / 2}" font-size="12" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">W₁(particles(t), target), log scale</text>
${ticks.join('\n')}
${lines.join('\n')}
</svg>`;
}
