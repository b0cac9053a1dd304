/**
 * `flowsteer interpolate`: controls of a width-p neural ODE that send every x_i exactly to y_i
 * (Thm 3.3 of arXiv 2401.09902; docs/algorithms/interpolate.md), verified by flowing X ('exact',
 * rk4 and the independent adaptive solver of docs/algorithms/verification.md); prints
 * the switch count next to the theorem's, writes the controls (JSON) and, in 2-D, a picture.
 *
 * Data: --data pairs.json with {"X": [[x1, …, xd], …], "Y": [[y1, …, yd], …]} (same shape, one
 *       target per input), or --data random (--n 100 --d 2: see demo/interpolate.ts randomPairs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { controlsToJSON, interpolate, InvalidArgumentError, points, verify, type Autonomy, type PointCloud } from '../../index.js';
import { optNumber, optString } from '../args.js';
import type { Command } from '../command.js';
import { interpolateSvg, randomPairs } from '../demo/interpolate.js';
import { table } from '../table.js';

function load(spec: string, n: number, d: number, seed: number): { X: PointCloud; Y: PointCloud } {
  if (spec === 'random') return randomPairs(seed, n, d);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(spec, 'utf8'));
  } catch (e) {
    throw new InvalidArgumentError('--data', spec, `'random' or a JSON file {"X": [[…], …], "Y": [[…], …]}`, (e as Error).message);
  }
  const o = raw as { X?: unknown; Y?: unknown };
  if (typeof o !== 'object' || o === null || !Array.isArray(o.X) || !Array.isArray(o.Y)) {
    throw new InvalidArgumentError('--data', spec, 'a JSON object with arrays "X" (inputs, rows) and "Y" (targets, rows)');
  }
  return { X: points(o.X as number[][], 'X'), Y: points(o.Y as number[][], 'Y') };
}

export const interpolateCommand: Command = {
  name: 'interpolate',
  summary: 'controls that send every x_i exactly to y_i with width-p layers (arXiv 2401.09902 Thm 3.3; docs/algorithms/interpolate.md)',
  usage: 'interpolate [--data random|pairs.json] [--n 100] [--d 2] [--width 1] [--autonomy full|semi] [--seed 0] [--out interpolate-controls.json] [--plot interpolate.svg]',
  async run(args) {
    const seed = optNumber(args, 'seed', 0, { integer: true, min: 0 });
    const { X, Y } = load(optString(args, 'data', 'random')!, optNumber(args, 'n', 100, { integer: true, min: 1 }), optNumber(args, 'd', 2, { integer: true, min: 2 }), seed);
    const autonomy = optString(args, 'autonomy', 'full') as Autonomy;
    const width = args.options.has('width') ? optNumber(args, 'width', 1, { integer: true, min: 1 }) : undefined;
    const log = (line: string) => console.log(line);
    const t0 = performance.now();
    const { controls: c, diagnostics: diag } = interpolate(X, Y, { width, seed, autonomy });
    const seconds = (performance.now() - t0) / 1000;
    const exact = verify(c, X, Y, { independent: false });
    const rk4 = verify(c, X, Y, { method: 'rk4', independent: false });
    const meta = c.meta as { variant: string; distinct: number; fallback?: string };
    const ind = diag.verification.independent;
    log(
      table(
        ['N', 'd', 'width', 'variant', 'switches', 'theorem', 'error exact (rel.)', 'error rk4 (rel.)', 'error independent (rel.)', 'clearance (rel.)', 'excursion', '‖θ‖_BV', 'build s'],
        [[X.n, X.d, c.width, meta.variant, c.switches, diag.theoremSwitches, exact.relativeMaxError.toExponential(1), rk4.relativeMaxError.toExponential(1), ind ? ind.relativeMaxError.toExponential(1) : '–', diag.clearance.toExponential(1), diag.excursion.toPrecision(3), diag.bvNorm.toPrecision(4), seconds.toFixed(3)]],
      ),
    );
    if (!diag.verification.ok) log(`  warning: ${diag.verification.message}`);
    if (meta.fallback) log(`  note: ${meta.fallback} — used §A1 instead of §A2a`);
    const out = optString(args, 'out', 'interpolate-controls.json')!;
    writeFileSync(out, controlsToJSON(c));
    log(`  controls: ${out} (${c.layers.length} layers = switches + 1)`);
    if (X.d === 2) {
      const plot = optString(args, 'plot', 'interpolate.svg')!;
      writeFileSync(plot, await interpolateSvg(c, X, Y, `interpolate: ${X.n} pairs, width ${c.width}, ${c.switches} switches`));
      log(`  picture:  ${plot}`);
    } else if (args.options.has('plot')) log('  picture:  skipped (--plot draws d = 2 only)');
  },
};
