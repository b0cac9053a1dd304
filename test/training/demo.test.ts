/**
 * The constructed-vs-trained comparison of the demo section 'train' (quick sizes): every row is
 * filled, the construction classifies / interpolates its training data, and the warm start can
 * only improve on the construction's J_α — so it must satisfy the a-priori bound (3.14).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { compareClassification, compareInterpolation, historySvg } from '../../src/cli/demo/train.js';

beforeAll(async () => {
  await init();
});

describe('demo: constructed vs trained', () => {
  it('(a) classification: rows, accuracies, bound holds for the warm start', () => {
    const { rows } = compareClassification(1, true);
    expect(rows.map((r) => r.row)).toEqual(['constructed (classify)', 'trained from random', 'trained from construction']);
    for (const r of rows) {
      expect(Number.isFinite(r.bv) && Number.isFinite(r.risk)).toBe(true);
      expect(r.fresh).toBeGreaterThan(0.5);
    }
    expect(rows[2].bound).toMatch(/^ok/);
    expect(rows[1].switches).toBe(19);
    expect(historySvg([{ name: 'x', values: rows[1].history! }], 't')).toMatch(/<polyline/);
  });
  it('(b) interpolation: the construction interpolates; the warm start keeps the bound', () => {
    const { rows } = compareInterpolation(1, true);
    expect(rows[0].risk).toBeLessThan(1e-3);
    expect(rows[2].bound).toMatch(/^ok/);
    expect(rows[2].risk).toBeLessThanOrEqual(rows[0].risk + 1e-12 + rows[0].bv ** 2 * 1e-4);
  });
});
