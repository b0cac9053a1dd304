/**
 * `flowsteer shallow`: the ℓ¹-minimal shallow ReLU network that represents N pairs (x_i, y_i)
 * exactly (ε = 0, problem (P₀)) or within ε ((P_ε)), by column generation over all neurons of Ω
 * with a dual certificate (survey arXiv 2510.03303 §2.4–2.5; docs/algorithms/shallow.md).
 *
 * Data: --data pairs.json with {"X": [[x1, …, xd], …], "y": [y1, …]}, or --data random
 *       (--n 40 --d 2: demo/shallow.ts shallowData).
 * Output: --out net.json ({ a: P×d rows, b, w, value, dual, gap, status, … }), --plot f.svg
 *       (d = 2: f as a heat map with its atoms' lines; d = 1: the graph of f).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, shallowRepresentAsync, SHALLOW_METHODS, type ShallowMethod } from '../../index.js';
import { optNumber, optString } from '../args.js';
import type { Command } from '../command.js';
import { shallowData, shallowSvg } from '../demo/shallow.js';
import { table } from '../table.js';

function load(spec: string, n: number, d: number, seed: number): { X: number[][]; y: number[] } {
  if (spec === 'random') return shallowData(seed, n, d);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(spec, 'utf8'));
  } catch (e) {
    throw new InvalidArgumentError('--data', spec, `'random' or a JSON file {"X": [[…], …], "y": […]}`, (e as Error).message);
  }
  const o = raw as { X?: unknown; y?: unknown };
  if (typeof o !== 'object' || o === null || !Array.isArray(o.X) || !Array.isArray(o.y)) {
    throw new InvalidArgumentError('--data', spec, 'a JSON object with arrays "X" (inputs, rows) and "y" (labels)');
  }
  return { X: o.X as number[][], y: o.y as number[] };
}

export const shallowCommand: Command = {
  name: 'shallow',
  summary: 'ℓ¹-minimal shallow ReLU network representing N pairs, certified over all neurons (arXiv 2510.03303 §2)',
  usage: 'shallow [--data random|pairs.json] [--n 40] [--d 2] [--epsilon 0] [--method columnGeneration|dictionary] [--tolerance 1e-9] [--seed 0] [--out net.json] [--plot shallow.svg]',
  async run(args) {
    const seed = optNumber(args, 'seed', 0, { integer: true, min: 0 });
    const { X, y } = load(optString(args, 'data', 'random')!, optNumber(args, 'n', 40, { integer: true, min: 1 }), optNumber(args, 'd', 2, { integer: true, min: 1 }), seed);
    const epsilon = optNumber(args, 'epsilon', 0);
    const tolerance = optNumber(args, 'tolerance', 1e-9);
    const method = optString(args, 'method', 'columnGeneration') as ShallowMethod;
    if (!SHALLOW_METHODS.includes(method)) throw new InvalidArgumentError('--method', method, SHALLOW_METHODS.join(' or '));
    const t0 = performance.now();
    const r = await shallowRepresentAsync(X, y, { epsilon, tolerance, seed, method });
    const seconds = (performance.now() - t0) / 1000;
    const g = r.diagnostics;
    console.log(table(
      ['N', 'd', 'ε', 'status', 'value Σ|w|', 'dual', 'gap/value', 'atoms', 'rounds', 'certificate', 'max |f(x)−y|', 's'],
      [[g.N, g.d, epsilon, r.status, r.value.toPrecision(10), r.dual.toPrecision(10), (r.gap / Math.max(r.value, 1e-300)).toExponential(1), r.network.P, r.iterations, g.certificate, g.maxError.toExponential(1), seconds.toFixed(2)]],
    ));
    console.log(`  ${r.message}`);
    const out = optString(args, 'out', 'shallow-net.json')!;
    const rows = (a: Float64Array, P: number, d: number): number[][] => Array.from({ length: P }, (_, j) => Array.from(a.subarray(j * d, (j + 1) * d)));
    writeFileSync(out, JSON.stringify({
      a: rows(r.network.a, r.network.P, r.network.d), b: Array.from(r.network.b), w: Array.from(r.network.w),
      value: r.value, dual: r.dual, gap: r.gap, status: r.status, message: r.message, epsilon, diagnostics: g,
    }, null, 1));
    console.log(`  network: ${out} (${r.network.P} neurons; f(x) = Σ w_j relu(⟨a_j, x⟩ + b_j))`);
    if (r.network.d <= 2) {
      const plot = optString(args, 'plot', 'shallow.svg')!;
      writeFileSync(plot, shallowSvg(r, X, y, `${g.N} pairs, ε = ${epsilon}: ${r.network.P} atoms, Σ|w| = ${r.value.toPrecision(6)}`));
      console.log(`  picture: ${plot}`);
    } else if (args.options.has('plot')) console.log('  picture: skipped (--plot draws d ≤ 2 only)');
  },
};
