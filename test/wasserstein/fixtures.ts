/** Reference values computed once with POT / SciPy (see test/fixtures/make_pot_fixtures.py). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PointCloud } from '../../src/index.js';

export interface PotCase {
  n: number;
  m: number;
  d: number;
  X: number[];
  Y: number[];
  a: number[] | null;
  b: number[] | null;
  emd2_p1: number;
  emd2_p2: number;
  sinkhorn2_log_sqeuclidean: Record<string, number>;
  scipy_w1d?: number;
}

export const pot = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/wasserstein_pot.json', import.meta.url)), 'utf8')) as {
  cases: PotCase[];
  oned: { u: number[]; v: number[]; wu: number[]; w1: number; w1_weighted: number };
};

export function clouds(c: PotCase): [PointCloud, PointCloud] {
  return [
    { n: c.n, d: c.d, data: Float64Array.from(c.X) },
    { n: c.m, d: c.d, data: Float64Array.from(c.Y) },
  ];
}
