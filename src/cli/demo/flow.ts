/**
 * Demo section "flow" (foundation): a seeded random stack of ReLU layers, 10^5 points flowed
 * with 'rk4', 'euler' and 'exact'; a table of time and max deviation from 'exact'; an SVG of
 * a few hundred trajectories.
 */
import { backend, createRng, flowAsync, makeControls, type Controls, type FlowMethod } from '../../index.js';
import { progressBar } from '../progress.js';
import { svgDocument, sx, sy, viewportFor } from '../svg.js';
import { table } from '../table.js';
import type { DemoSection } from './context.js';

export function demoControls(seed: number, d = 2, p = 16, layers = 4): Controls {
  const rng = createRng(seed);
  const ls = [];
  for (let l = 0; l < layers; l++) {
    const A = new Float64Array(p * d), W = new Float64Array(d * p), b = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      const u = rng.unitVector(d);
      A.set(u, i * d);
      b[i] = 0.5 * rng.normal();
    }
    for (let j = 0; j < d * p; j++) W[j] = (1.5 * rng.normal()) / Math.sqrt(p);
    ls.push({ duration: 1 / layers, W, A, b });
  }
  return makeControls({ d, width: p, layers: ls, meta: { construction: 'random', seed } });
}

export const flowSection: DemoSection = {
  name: 'flow',
  async run(ctx) {
    const n = ctx.quick ? 10_000 : 100_000;
    const d = 2, steps = 25;
    const controls = demoControls(ctx.seed, d);
    const rng = createRng(ctx.seed + 1);
    const X = new Float64Array(n * d);
    for (let j = 0; j < X.length; j++) X[j] = rng.normal();
    const cloud = { n, d, data: X };
    ctx.log(`== flow: ${n} points, d = ${d}, ${controls.layers.length} layers of width ${controls.width}, T = ${controls.T}, backend ${backend()}`);
    const results = new Map<FlowMethod, { data: Float64Array; seconds: number }>();
    for (const method of ['exact', 'rk4', 'euler'] as FlowMethod[]) {
      const bar = progressBar(`  ${method}`);
      const t0 = performance.now();
      const r = await flowAsync(controls, cloud, { method, stepsPerLayer: steps, onProgress: bar.update });
      bar.done();
      results.set(method, { data: r.data, seconds: (performance.now() - t0) / 1000 });
    }
    const exact = results.get('exact')!.data;
    const rows = [...results].map(([m, r]) => {
      let dev = 0;
      for (let j = 0; j < exact.length; j++) dev = Math.max(dev, Math.abs(r.data[j] - exact[j]));
      return [m, m === 'exact' ? '—' : String(steps), r.seconds.toFixed(3), m === 'exact' ? '0 (reference)' : dev.toExponential(2)];
    });
    ctx.log(table(['method', 'steps/layer', 'seconds', 'max |x − x_exact|'], rows));

    const k = 300;
    const sub = { n: k, d, data: X.slice(0, k * d) };
    const traj = (await flowAsync(controls, sub, { method: 'rk4', stepsPerLayer: steps, trajectory: true })).trajectory!;
    const v = viewportFor(traj.data, d);
    const body: string[] = [];
    for (let i = 0; i < k; i++) {
      let path = '';
      for (let f = 0; f < traj.frames; f++) {
        const o = (f * k + i) * d;
        path += `${f ? 'L' : 'M'}${sx(v, traj.data[o]).toFixed(1)},${sy(v, traj.data[o + 1]).toFixed(1)}`;
      }
      body.push(`<path d="${path}" fill="none" stroke="hsl(${(360 * i) / k},70%,45%)" stroke-width="0.8" opacity="0.7"/>`);
      const e = ((traj.frames - 1) * k + i) * d;
      body.push(`<circle cx="${sx(v, traj.data[e]).toFixed(1)}" cy="${sy(v, traj.data[e + 1]).toFixed(1)}" r="1.8" fill="black"/>`);
    }
    const path = ctx.write('flow-trajectories.svg', svgDocument(v, body, `flowsteer: ${k} trajectories, ${controls.layers.length} random ReLU layers (rk4)`));
    ctx.log(`  trajectories: ${path}`);
  },
};
