import { describe, expect, it } from 'vitest';
import { createRng, InvalidArgumentError } from '../src/index.js';
import { portableLog } from '../src/rng.js';

describe('seeded RNG', () => {
  it('is reproducible bit for bit (golden values: these must never change)', () => {
    const r = createRng(42);
    const u = [r.uniform(), r.uniform(), r.uniform()];
    const z = [r.normal(), r.normal(), r.normal()];
    expect(u.map((x) => x.toString())).toEqual(GOLDEN_UNIFORM);
    expect(z.map((x) => x.toString())).toEqual(GOLDEN_NORMAL);
  });

  it('has the right first two moments and uniform integers', () => {
    const r = createRng(7);
    let s = 0, s2 = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 50_000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    const v = r.unitVector(7);
    expect(Math.hypot(...v)).toBeCloseTo(1, 14);
  });

  it('portableLog (basic IEEE operations only) is within 2 ulp of Math.log', () => {
    const r = createRng(1);
    let worst = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.uniform() * 10 ** (Math.floor(r.uniform() * 60) - 30) + 5e-324;
      const a = portableLog(x), b = Math.log(x);
      worst = Math.max(worst, Math.abs(a - b) / (Math.abs(b) * 2 ** -52 || 5e-324));
    }
    expect(worst).toBeLessThanOrEqual(2);
    for (const x of [1, 2, 0.5, Math.E, 5e-324, 1.7976931348623157e308]) expect(Math.abs(portableLog(x) - Math.log(x))).toBeLessThanOrEqual(Math.abs(Math.log(x)) * 2 ** -52);
  });

  it('rejects bad seeds', () => {
    expect(() => createRng(-1)).toThrow(InvalidArgumentError);
    expect(() => createRng(1.5)).toThrow(/seed must be an integer/);
  });
});

const GOLDEN_UNIFORM = ['0.6606157208001621','0.1117019639532224','0.0791056456144914'];
const GOLDEN_NORMAL = ['1.5576636023738426','-0.019829215651034723','0.12320105964170727'];
