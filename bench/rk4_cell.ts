/**
 * bench/rk4_cell — where the cell-aware RK4 kernel (assembly/rk4_cell.ts) beats the dense one
 * (assembly/rk4.ts): time per point-step of both over a grid of dimensions d and widths p, on the
 * workload of bench/flow.ts (unit-norm rows of A, b ~ 0.1·N(0,1), W ~ N(0,1)/p, x ~ N(0, I),
 * 4 layers, T = 1, 25 steps per layer). The ratio dense / cell is what `rk4KernelFor(d, p, steps)`
 * (src/flow/flow.ts) encodes. Also prints the cell kernel's step mix (affine / plain steps,
 * recomputations, rebuilds per point-step), measured with its TS twin.
 * Times are process CPU time (best of 5 runs), not wall time: the ratios stay meaningful on a
 * shared machine, where wall-clock timings of two kernels taken seconds apart are not comparable.
 * Usage: npm run bench -- rk4_cell [--quick] [--d=2,8] [--p=16,32] [--steps=25]
 */
import { createRng, flow, init, makeControls } from '../src/index.js';
import { rk4KernelFor } from '../src/flow/flow.js';
import { rk4CellLayerJS } from '../src/kernels/rk4_cell.js';
import { reluWorkload } from './lib/relu-workload.js';
import { printRows, saveReport, type Row } from './lib/report.js';

/** Best-of-`reps` CPU seconds (user + system) of one call. */
function cpuTime(fn: () => unknown, reps: number): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = process.cpuUsage();
    fn();
    const t = process.cpuUsage(t0);
    best = Math.min(best, (t.user + t.system) / 1e6);
  }
  return best;
}

const quick = process.argv.includes('--quick');


await init();
const arg = (name: string): number[] | null => {
  const a = process.argv.find((v) => v.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3).split(',').map(Number) : null;
};
const steps = arg('steps')?.[0] ?? 25, L = 4;
const ds = arg('d') ?? (quick ? [2, 4, 8, 16] : [1, 2, 3, 4, 6, 8, 12, 16, 24]);
const ps = arg('p') ?? (quick ? [4, 16, 64] : [2, 4, 8, 16, 32, 64, 128]);
const rows: Row[] = [];
const grid: Record<string, unknown>[] = [];
for (const d of ds) {
  for (const p of ps) {
    const n = Math.max(1024, Math.min(20_000, Math.round(4e8 / (L * steps * 16 * p * d))));
    const { controls, cloud } = reluWorkload(7 + d * 131 + p, n, d, p, L);
    const reps = quick ? 3 : 5;
    flow(controls, cloud, { stepsPerLayer: steps, rk4Kernel: 'cell' }); // warm-up (tier-up)
    const dense = cpuTime(() => flow(controls, cloud, { stepsPerLayer: steps, rk4Kernel: 'dense' }), reps);
    const cell = cpuTime(() => flow(controls, cloud, { stepsPerLayer: steps, rk4Kernel: 'cell' }), reps);
    // step mix of the cell kernel (twin: same decisions as the kernel) on a sample of points
    const m = Math.min(n, 1000);
    const x = cloud.data.slice(0, m * d);
    const mix = { affine: 0, plain: 0, recomputes: 0, rebuilds: 0 };
    for (const l of controls.layers) {
      const s = rk4CellLayerJS(x, m, d, l.W, l.A, l.b, p, l.duration / steps, steps);
      mix.affine += s.affine; mix.plain += s.plain; mix.recomputes += s.recomputes; mix.rebuilds += s.rebuilds;
    }
    const ps1 = m * L * steps;
    const nsDense = (1e9 * dense) / (n * L * steps), nsCell = (1e9 * cell) / (n * L * steps);
    rows.push({
      workload: `d=${d} p=${p} N=${n}`,
      contender: `auto → ${rk4KernelFor(d, p, steps)}`,
      'dense ns/pt-step': nsDense.toFixed(1),
      'cell ns/pt-step': nsCell.toFixed(1),
      'dense/cell': (nsDense / nsCell).toFixed(2),
      'plain %': ((100 * mix.plain) / ps1).toFixed(1),
      'recomp/step': (mix.recomputes / ps1).toFixed(3),
      'rebuild/step': (mix.rebuilds / ps1).toFixed(3),
      note: 'CPU time, best of runs',
    });
    grid.push({ d, p, n, nsDense, nsCell, ratio: nsDense / nsCell, auto: rk4KernelFor(d, p, steps), mix: { ...mix, pointSteps: ps1 } });
  }
}
printRows(rows, ['dense ns/pt-step', 'cell ns/pt-step', 'dense/cell', 'plain %', 'recomp/step', 'rebuild/step']);
console.log(`report: ${saveReport('rk4_cell', { rows, grid })}`);
