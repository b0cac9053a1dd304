/** Reference values computed once with POT / SciPy (see test/fixtures/make_pot_fixtures.py). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { PointCloud, WassersteinResult } from '../../src/index.js';
import { costMatrixJS } from '../../src/kernels/cost.js';

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

/**
 * Checks an exact OT answer's certificate against an independently computed cost matrix:
 * a positive plan with the right marginals and cost, zero duality gap (≤ `gap` relative),
 * dual feasibility (u_i + v_j ≤ C_ij to 1e-12 relative), and the result's own reported gap and
 * infeasibility. `basic`: the plan is a basic solution (≤ n + m − 1 entries, as a simplex gives).
 */
export function expectCertified(
  r: WassersteinResult, x: PointCloud, y: PointCloud, a: ArrayLike<number>, b: ArrayLike<number>,
  options: { gap?: number; basic?: boolean } = {},
): void {
  const gap = options.gap ?? 1e-10;
  const C = costMatrixJS(x.data, x.n, y.data, y.n, x.d, r.p);
  let primal = 0, dual = 0, worst = -Infinity, cmax = 0;
  const rowSum = new Float64Array(x.n), colSum = new Float64Array(y.n);
  if (options.basic) expect(r.plan.mass.length).toBeLessThanOrEqual(x.n + y.n - 1);
  for (let k = 0; k < r.plan.mass.length; k++) {
    expect(r.plan.mass[k]).toBeGreaterThan(0);
    primal += r.plan.mass[k] * C[r.plan.rows[k] * y.n + r.plan.cols[k]];
    rowSum[r.plan.rows[k]] += r.plan.mass[k];
    colSum[r.plan.cols[k]] += r.plan.mass[k];
  }
  for (let i = 0; i < x.n; i++) dual += a[i] * r.potentials.f[i];
  for (let j = 0; j < y.n; j++) dual += b[j] * r.potentials.g[j];
  for (let i = 0; i < x.n; i++) for (let j = 0; j < y.n; j++) {
    worst = Math.max(worst, r.potentials.f[i] + r.potentials.g[j] - C[i * y.n + j]);
    cmax = Math.max(cmax, C[i * y.n + j]);
  }
  for (let i = 0; i < x.n; i++) expect(Math.abs(rowSum[i] - a[i])).toBeLessThan(1e-12);
  for (let j = 0; j < y.n; j++) expect(Math.abs(colSum[j] - b[j])).toBeLessThan(1e-12);
  expect(Math.abs(primal - r.transportCost) / Math.max(1, r.transportCost)).toBeLessThan(1e-12);
  expect(Math.abs(primal - dual) / Math.max(1, Math.abs(primal))).toBeLessThanOrEqual(gap); // zero duality gap
  expect(worst / Math.max(1, cmax)).toBeLessThanOrEqual(1e-12); // dual feasibility
  expect(r.dualityGap).toBeLessThanOrEqual(gap);
  expect(r.dualInfeasibility).toBeLessThanOrEqual(1e-12);
}
