/**
 * `flowsteer transport`: builds the controls that steer one sample cloud to U([0,1]^d) or to
 * another cloud (transportToUniform / transport), checks them by flowing the samples with RK4,
 * prints switches, the certified bound and the measured W₁, and writes the controls (JSON) and,
 * in 2-D, a before/after picture.
 */
import { readFileSync } from 'node:fs';
import { controlsToJSON, flow, InvalidArgumentError, points, transport, transportToUniform, wasserstein1, type PointCloud } from '../../index.js';
import { optNumber, optString } from '../args.js';
import type { Command } from '../command.js';
import { makeDemoContext } from '../demo/context.js';
import { beforeAfterSvg, gaussianBlob, twoMoons, unitSquareGrid } from '../demo/transport.js';
import { table } from '../table.js';

function cloudFrom(spec: string, name: string, M: number, seed: number): PointCloud {
  if (spec === 'blob') return gaussianBlob(seed, M);
  if (spec === 'moons') return twoMoons(seed, M);
  let rows: unknown;
  try {
    rows = JSON.parse(readFileSync(spec, 'utf8'));
  } catch (e) {
    throw new InvalidArgumentError(`--${name}`, spec, "'blob', 'moons' or a JSON file of rows [[x1, …, xd], …]", (e as Error).message);
  }
  return points(rows as number[][], `--${name}`);
}

export const transportCommand: Command = {
  name: 'transport',
  summary: 'controls that steer a sample cloud to U([0,1]^d) or to another cloud (arXiv 2401.09902; docs/algorithms/transport.md)',
  usage:
    'transport [--from blob|moons|file.json] [--to square|blob|moons|file.json] [--width 6] [--epsilon 0.1] [--q 1] [--T 1] [--samples 900] [--seed 1] [--out out]',
  async run(args) {
    const seed = optNumber(args, 'seed', 1, { integer: true, min: 0 });
    const M = optNumber(args, 'samples', 900, { integer: true, min: 1 });
    const width = optNumber(args, 'width', 6, { integer: true, min: 1 });
    const epsilon = optNumber(args, 'epsilon', 0.1);
    const q = optNumber(args, 'q', 1);
    const T = optNumber(args, 'T', 1);
    const fromSpec = optString(args, 'from', 'blob')!;
    const toSpec = optString(args, 'to', 'square')!;
    const ctx = makeDemoContext(optString(args, 'out', 'out')!, seed, false);
    const X = cloudFrom(fromSpec, 'from', M, seed);
    const t0 = performance.now();
    let controls, after: PointCloud, target: PointCloud | null, bound: number, extra: string;
    if (toSpec === 'square') {
      const r = transportToUniform(X, { width, epsilon, q, T });
      (controls = r.controls), (after = r.points), (target = null), (bound = r.bound);
      extra = `n = ${r.resolution} (${r.resolution ** X.d} cubes), samples per cube ${Math.min(...r.cellCounts)}–${Math.max(...r.cellCounts)}, the formula transcribed from arXiv 2401.09902's slides: ${r.seedSwitches ?? 'undefined for this q, p, d'}`;
    } else {
      const Y = cloudFrom(toSpec, 'to', M, seed + 1);
      const r = transport(X, Y, { width, epsilon, q, T });
      (controls = r.controls), (after = r.points), (target = Y), (bound = r.bound);
      extra = `n = ${r.resolution}, switches ${r.switchesToUniform} (to U) + ${r.switchesFromUniform} (from U) + 1`;
    }
    const seconds = (performance.now() - t0) / 1000;
    const rk = flow(controls, X, { method: 'rk4', stepsPerLayer: 100 });
    let dev = 0;
    for (let j = 0; j < rk.data.length; j++) dev = Math.max(dev, Math.abs(rk.data[j] - after.data[j]));
    const rows: (string | number)[][] = [[`${fromSpec} → ${toSpec}`, X.n, X.d, controls.switches, bound.toFixed(4), dev.toExponential(1), seconds.toFixed(2)]];
    const head = ['case', 'samples', 'd', 'switches', `bound on W_${q}`, 'max |rk4 − closed form|', 'build s'];
    // Exact W₁ (fast when one size is a multiple of the other). To U([0,1]²): against a g×g grid
    // with √2/(2g) ≤ ε/10 and g a multiple of √M, so that g² is a multiple of M.
    const root = Math.round(Math.sqrt(X.n));
    if (target && X.n <= 5000 && (X.n % target.n === 0 || target.n % X.n === 0)) {
      head.push('W₁ to target');
      rows[0].push(wasserstein1(after, target).value.toFixed(4));
    } else if (!target && X.d === 2 && root * root === X.n && X.n <= 5000) {
      const g = root * Math.ceil((5 * Math.SQRT2) / epsilon / root);
      head.push(`W₁ to U (${g}² grid, ± ${(Math.SQRT2 / (2 * g)).toFixed(4)})`);
      rows[0].push(wasserstein1(after, unitSquareGrid(g)).value.toFixed(4));
    }
    ctx.log(table(head, rows));
    ctx.log(`  ${extra}`);
    ctx.log(`  controls: ${ctx.write('transport-controls.json', controlsToJSON(controls))}`);
    if (X.d === 2) ctx.log(`  picture:  ${ctx.write('transport.svg', beforeAfterSvg(X, after, target, `${fromSpec} → ${toSpec}: ${controls.switches} switches`, toSpec === 'square'))}`);
  },
};
