// Diffusion models as the time reversal of the heat equation (survey arXiv 2510.03303, §5,
// Figure 5.1; docs/algorithms/diffusion.md).
//
//   u_t = Δu from the empirical measure of the data  →  u(·,t) = mean_j N(x_j, 2t I)
//   reverse SDE (t from T down to τ):  dY = (1 + ν) s(Y,t) dr + √(2ν) dW,  s = ∇ log u
//
// 100 training points on a lemniscate; for the stopping times τ = 0.1, 0.01, 0.001 we draw 4000
// samples and print the mean distance to the nearest training point (≈ √(πτ): the samples sit in
// Gaussian bumps of width √(2τ) around the training points — memorisation as τ → 0) and W₁ to a
// fresh sample of the lemniscate (generation quality), plus the Li–Yau margin on the samples.
// ν = 0 (probability-flow ODE) is shown too: the same marginals, deterministic paths.
//
// Run (after `npm install`, which builds the package):
//   node examples/diffusion.mjs [outDir]      (default outDir: out)
// Writes diffusion-example.svg. A few seconds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffusionSample, init, lemniscate, liYauCheck, wasserstein1 } from '../build/node/index.js';

const outDir = process.argv[2] ?? join(import.meta.dirname ?? '.', '..', 'out');
mkdirSync(outDir, { recursive: true });
await init();

const data = lemniscate(100, { seed: 1 });
const fresh = lemniscate(1000, { seed: 2 });
const M = 4000, steps = 200;
console.log('τ        ν   mean dist → nearest   √(πτ)    W₁(samples[:1000], fresh)   Li–Yau min margin');
const panels = [];
for (const tau of [0.1, 0.01, 0.001]) {
  for (const nu of [1, 0]) {
    const r = diffusionSample(data, { samples: M, tau, steps, seed: 3, diffusivity: nu, scheme: nu === 0 ? 'heun' : 'euler-maruyama' });
    const sub = { n: 1000, d: 2, data: r.samples.data.slice(0, 2000) };
    const w1 = wasserstein1(sub, fresh).value;
    const ly = liYauCheck(data, sub, tau);
    console.log(`${String(tau).padEnd(7)}  ${nu}   ${r.diagnostics.meanNearestDistance.toFixed(4).padStart(8)}            ${Math.sqrt(Math.PI * tau).toFixed(4)}   ${w1.toFixed(4).padStart(8)}                    ${ly.minMargin.toExponential(2)}`);
    if (nu === 1) panels.push({ tau, samples: r.samples });
  }
}

// three panels of samples (plain SVG)
const size = 360, view = (x, y) => [((x + 1.25) / 2.5) * size, size - ((y + 1.25) / 2.5) * size];
const parts = panels.map((p, q) => {
  const dots = [];
  for (let i = 0; i < p.samples.n; i++) {
    const [cx, cy] = view(p.samples.data[2 * i], p.samples.data[2 * i + 1]);
    if (cx >= 0 && cx <= size && cy >= 0 && cy <= size) dots.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="0.8" fill="#333" opacity="0.5"/>`);
  }
  for (let i = 0; i < data.n; i++) {
    const [cx, cy] = view(data.data[2 * i], data.data[2 * i + 1]);
    dots.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="2" fill="#ff7f0e"/>`);
  }
  return `<g transform="translate(${q * (size + 10)},0)"><rect width="${size}" height="${size}" fill="white" stroke="#ccc"/><text x="8" y="18" font-family="sans-serif" font-size="13">τ = ${p.tau}</text>${dots.join('')}</g>`;
});
const W = 3 * size + 20;
const path = join(outDir, 'diffusion-example.svg');
writeFileSync(path, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${size}" width="${W}" height="${size}"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>`);
console.log(`picture: ${path}`);
