// Hardmax self-attention dynamics in 2-D (issue #5; arXiv 2510.03303 §4, eq. 4.1 and Thm 4.1;
// Alcalde, Fantuzzi, Zuazua, arXiv 2407.01602; docs/algorithms/attention.md).
//
//   C_i(k) = argmax_l ⟨A z_i(k), z_l(k)⟩,   z_i(k+1) = z_i(k) + α/(1+α)·(mean_{l∈C_i} z_l(k) − z_i(k))
//
// Tokens that attend only to themselves are leaders and never move; every other token ends at a
// leader or at the A-orthogonal projection of the origin onto a face of the hull of the leaders.
// We run it on 400 random tokens with an anisotropic A, check Thm 4.1 on the result, compare with
// the softmax dynamics (eq. 4.2) at a small temperature, and draw the token trajectories with the
// leaders and the convex hull of the leaders.
//
// Run (after `npm install`, which builds the package):
//   node examples/attention.mjs [outDir]      (default outDir: out)
// Writes attention-tokens.svg and prints a summary. A second or two.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkEquilibrium, createRng, hardmaxDynamics, init, softmaxDynamics } from '../build/node/index.js';

const outDir = process.argv[2] ?? join(import.meta.dirname ?? '.', '..', 'out');
mkdirSync(outDir, { recursive: true });
await init();

const n = 400, steps = 80, alpha = 1;
const A = [[1, 0.35], [0.35, 0.5]]; // symmetric positive definite (eigenvalues ≈ 1.17 and 0.33)
const rng = createRng(7);
const Z = { n, d: 2, data: new Float64Array(2 * n) };
for (let i = 0; i < n; i++) {
  // a shifted blob: the origin lies near the edge of the cloud, so some limits are projections of 0
  Z.data[2 * i] = 0.6 + rng.normal();
  Z.data[2 * i + 1] = 0.3 + 0.7 * rng.normal();
}

const r = hardmaxDynamics(Z, { A, alpha, steps, trajectory: true });
const eq = checkEquilibrium(r, { tolerance: 1e-8 });
const leaders = eq.leaders; // leader atoms of the final configuration
const isLeader = new Set(leaders);
const atLeader = r.clusters.filter((c) => c.members.some((i) => isLeader.has(i))).length;
console.log(`hardmax: n = ${n}, A = [[1, 0.35], [0.35, 0.5]], α = ${alpha}, ${steps} steps`);
console.log(`  leaders at k = 0: ${r.leaders[0].length}; at the end: ${leaders.length} (${leaders.join(', ')})`);
console.log(`  ${r.clusters.length} clusters: ${atLeader} at leaders, ${r.clusters.length - atLeader} at A-projections of 0 onto faces of conv(leaders)`);
if (atLeader === r.clusters.length) console.log('  (random data: exact score ties have probability 0, so every limit is a leader; `npm start` shows a tie case whose limits are edge midpoints)');
console.log(`  Thm 4.1: every limit is a leader or such a projection — max |z − p| = ${eq.worstViolation.toExponential(2)} → ${eq.ok ? 'holds' : 'FAILS'}`);
for (const c of r.clusters) {
  const kind = c.members.some((i) => isLeader.has(i)) ? 'leader' : `projection onto face {${eq.face[c.members[0]].join(', ')}}`;
  console.log(`    (${c.center.map((x) => x.toFixed(4)).join(', ')})  ${String(c.members.length).padStart(3)} tokens  ${kind}`);
}

// Softmax attention (eq. 4.2) tends to the hardmax dynamics as T → 0.
for (const T of [1e-1, 1e-2, 1e-3]) {
  const s = softmaxDynamics(Z, { A, alpha, steps, temperature: T });
  let dev = 0;
  for (let j = 0; j < 2 * n; j++) dev = Math.max(dev, Math.abs(s.tokens.data[j] - r.tokens.data[j]));
  console.log(`  softmax T = ${T}: max |z_softmax − z_hardmax| after ${steps} steps = ${dev.toExponential(2)}`);
}

const path = join(outDir, 'attention-tokens.svg');
writeFileSync(path, picture(r, leaders, eq));
console.log(`picture: ${path}`);

// ---- SVG ------------------------------------------------------------------------------------
function hull(data, idx) {
  // Andrew's monotone chain, counter-clockwise
  const p = [...idx].sort((a, b) => data[2 * a] - data[2 * b] || data[2 * a + 1] - data[2 * b + 1]);
  if (p.length < 3) return p;
  const cross = (o, a, b) => (data[2 * a] - data[2 * o]) * (data[2 * b + 1] - data[2 * o + 1]) - (data[2 * a + 1] - data[2 * o + 1]) * (data[2 * b] - data[2 * o]);
  const half = (pts) => {
    const h = [];
    for (const q of pts) {
      while (h.length >= 2 && cross(h[h.length - 2], h[h.length - 1], q) <= 0) h.pop();
      h.push(q);
    }
    return h.slice(0, -1);
  };
  return half(p).concat(half([...p].reverse()));
}

function picture(r, leaders, eq) {
  const S = 760, pad = 30;
  const frame = (k) => r.trajectory.data.subarray(k * r.tokens.n * 2, (k + 1) * r.tokens.n * 2);
  const z0 = frame(0), zf = r.tokens.data;
  let lo = [0, 0], hi = [0, 0];
  for (let j = 0; j < z0.length; j++) (lo[j % 2] = Math.min(lo[j % 2], z0[j])), (hi[j % 2] = Math.max(hi[j % 2], z0[j]));
  const span = Math.max(hi[0] - lo[0], hi[1] - lo[1]);
  const cx = (lo[0] + hi[0]) / 2, cy = (lo[1] + hi[1]) / 2;
  const X = (x) => (pad + ((x - cx) / span + 0.5) * (S - 2 * pad)).toFixed(1);
  const Y = (y) => (60 + pad + (0.5 - (y - cy) / span) * (S - 2 * pad)).toFixed(1);
  const colorOf = new Map();
  r.clusters.forEach((c, q) => c.members.forEach((i) => colorOf.set(i, `hsl(${((q * 137.508) % 360).toFixed(0)},65%,45%)`)));
  const out = [];
  const h = hull(zf, leaders);
  out.push(`<polygon points="${h.map((i) => `${X(zf[2 * i])},${Y(zf[2 * i + 1])}`).join(' ')}" fill="#d62728" fill-opacity="0.05" stroke="#d62728" stroke-width="1.6"/>`);
  for (let i = 0; i < r.tokens.n; i++) {
    const d = Array.from({ length: r.trajectory.frames }, (_, k) => frame(k)).map((t, k) => `${k ? 'L' : 'M'}${X(t[2 * i])},${Y(t[2 * i + 1])}`).join('');
    out.push(`<path d="${d}" fill="none" stroke="${colorOf.get(i)}" stroke-width="0.8" opacity="0.5"/>`);
    out.push(`<circle cx="${X(z0[2 * i])}" cy="${Y(z0[2 * i + 1])}" r="1.8" fill="${colorOf.get(i)}"/>`);
  }
  const isLeader = new Set(leaders);
  for (const c of r.clusters) {
    if (c.members.some((i) => isLeader.has(i))) continue;
    out.push(`<circle cx="${X(c.center[0])}" cy="${Y(c.center[1])}" r="5" fill="white" stroke="black" stroke-width="2"/>`);
  }
  for (const l of leaders) out.push(`<circle cx="${X(zf[2 * l])}" cy="${Y(zf[2 * l + 1])}" r="5.5" fill="#d62728" stroke="white" stroke-width="1.2"/>`);
  out.push(`<path d="M${(+X(0) - 7).toFixed(1)},${Y(0)}h14M${X(0)},${(+Y(0) - 7).toFixed(1)}v14" stroke="black" stroke-width="1.2"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S + 60}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>
<text x="12" y="22" font-size="15">Hardmax attention (eq. 4.1): ${r.tokens.n} tokens, A = [[1, .35], [.35, .5]], α = ${r.alpha}, ${r.trajectory.length - 1} steps</text>
<text x="12" y="42" font-size="12" fill="#444">red: the ${leaders.length} leaders and their convex hull${r.clusters.length > leaders.length ? ' · open circles: limits that are A-projections of 0 onto hull faces' : ''} · +: origin</text>
<text x="12" y="58" font-size="12" fill="#444">colour = the cluster a token ends in; Thm 4.1 check: max |z − p| = ${eq.worstViolation.toExponential(1)}</text>
${out.join('\n')}
</svg>`;
}
