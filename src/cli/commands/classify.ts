/**
 * `flowsteer classify`: builds width-1 controls and a half-space readout that classify a
 * labelled data set (arXiv 2312.13807; docs/algorithms/classify.md), verifies them by flowing the data ('exact'
 * and rk4), prints the switch count next to the paper's bound and writes the controls (JSON)
 * and, in 2-D, a picture.
 *
 * Data: --data file.json with {"X": [[x1, …, xd], …], "labels": [0, 1, …]}, or
 *       --data random (--n 60 --d 2: uniform in [0,1]^d, balanced labels).
 */
import { readFileSync } from 'node:fs';
import { classify, controlsToJSON, InvalidArgumentError, points, type ClassifyMethod, type PointCloud } from '../../index.js';
import { optNumber, optString } from '../args.js';
import type { Command } from '../command.js';
import { makeDemoContext } from '../demo/context.js';
import { classifySvg, misclassified, uniformLabelled } from '../demo/classify.js';
import { table } from '../table.js';

function load(spec: string, n: number, d: number, seed: number): { X: PointCloud; labels: number[] } {
  if (spec === 'random') return uniformLabelled(seed, n, d);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(spec, 'utf8'));
  } catch (e) {
    throw new InvalidArgumentError('--data', spec, `'random' or a JSON file {"X": [[…], …], "labels": [0, 1, …]}`, (e as Error).message);
  }
  const o = raw as { X?: unknown; labels?: unknown };
  if (typeof o !== 'object' || o === null || !Array.isArray(o.X) || !Array.isArray(o.labels)) {
    throw new InvalidArgumentError('--data', spec, 'a JSON object with arrays "X" (rows) and "labels" (0/1)');
  }
  return { X: points(o.X as number[][], 'X'), labels: o.labels as number[] };
}

export const classifyCommand: Command = {
  name: 'classify',
  summary: 'width-1 controls + half-space readout that classify labelled points (arXiv 2312.13807; docs/algorithms/classify.md)',
  usage: 'classify [--data random|file.json] [--n 60] [--d 2] [--method cluster|hat|collinear|sweep] [--seed 1] [--out out] [--plot classify.svg]',
  async run(args) {
    const seed = optNumber(args, 'seed', 1, { integer: true, min: 0 });
    const { X, labels } = load(optString(args, 'data', 'random')!, optNumber(args, 'n', 60, { integer: true, min: 1 }), optNumber(args, 'd', 2, { integer: true, min: 1 }), seed);
    const method = optString(args, 'method', 'cluster') as ClassifyMethod;
    const ctx = makeDemoContext(optString(args, 'out', 'out')!, seed, false);
    const t0 = performance.now();
    const c = classify(X, labels, { method, seed });
    const seconds = (performance.now() - t0) / 1000;
    const badExact = misclassified(c, X, labels, 'exact');
    const badRk4 = misclassified(c, X, labels, 'rk4');
    ctx.log(
      table(
        ['N', 'd', 'm (smaller class)', 'method', 'switches', 'fallbacks', 'table 2⌈m/d⌉−1', 'paper 4⌈m/d⌉−1', 'point-by-point 2N−1', 'wrong (exact)', 'wrong (rk4)', 'build s'],
        [[X.n, X.d, c.diagnostics.m, method, c.diagnostics.switches, c.diagnostics.fallbacks, c.diagnostics.bounds.table, c.diagnostics.bounds.paper, c.diagnostics.bounds.pointByPoint, badExact, badRk4, seconds.toFixed(3)]],
      ),
    );
    ctx.log(`  readout: label 1 ⟺ x_${c.readout.axis} > ${c.readout.offset} at time T = ${c.controls.T}`);
    ctx.log(`  controls: ${ctx.write('classify-controls.json', controlsToJSON(c.controls))}`);
    if (X.d === 2) {
      const name = optString(args, 'plot', 'classify.svg')!;
      ctx.log(`  picture:  ${ctx.write(name, await classifySvg(c, X, labels, `classify (${method}): ${X.n} points, ${c.diagnostics.switches} switches`))}`);
    }
  },
};
