/**
 * Theorem 2.2 (survey arXiv 2510.03303, eq. 2.11–2.13): r(Θ_ε) ≤ U(ε) on every row of the sweep,
 * U convex-ish shape (val(PR_ε) non-increasing), and the two regimes of the ε* = argmin U.
 */
import { describe, expect, it } from 'vitest';
import { generalizationSweep, init, initShallow, InvalidArgumentError, shallowUpperBound } from '../../src/index.js';
import { shallowData, shiftedTest, sweepGrid } from '../../src/cli/demo/shallow.js';
import { shallowRepresent } from '../../src/index.js';

describe('Theorem 2.2: U(ε) and the ε-sweep', () => {
  it('U(ε) = ε + d_KR·val; bad arguments are typed errors', () => {
    expect(shallowUpperBound(0.1, 0.5, 2)).toBeCloseTo(1.1, 15);
    expect(() => shallowUpperBound(-1, 0.5, 2)).toThrow(InvalidArgumentError);
    expect(() => shallowUpperBound(0, NaN, 2)).toThrow(InvalidArgumentError);
  });

  it('small shift: ε* = 0; large shift: ε* > 0; r(Θ_ε) ≤ U(ε) and val(PR_ε) non-increasing on every row', async () => {
    await init({ backend: 'js' });
    await initShallow();
    const { X, y } = shallowData(11, 16, 2);
    const r0 = shallowRepresent(X, y);
    const threshold = 1 / r0.diagnostics.dualNorm;
    const regimes: string[] = [];
    for (const shift of [0.3 * threshold, 5 * threshold]) {
      const test = shiftedTest(X, shift);
      const s = generalizationSweep({ x: X, y }, { x: test.X, y: test.y }, { epsilons: sweepGrid(y, 9) });
      expect(s.inputShift).toBeCloseTo(shift, 9); // W₁ of a translation is its length
      for (let k = 0; k < s.rows.length; k++) {
        const row = s.rows[k];
        expect(row.r).toBeLessThanOrEqual(row.U * (1 + 1e-9) + 1e-12);
        expect(row.status).toBe('optimal');
        if (k > 0) expect(row.value).toBeLessThanOrEqual(s.rows[k - 1].value * (1 + 1e-9));
      }
      expect(s.rows[0].value).toBeCloseTo(r0.value, 8);
      regimes.push(s.regime);
      if (shift < threshold) expect(s.epsilonStar).toBe(0);
      else expect(s.epsilonStar).toBeGreaterThan(0);
    }
    expect(regimes).toEqual(['smallShift', 'largeShift']);
  });
});
