/** The playground's data generators (web/data.ts): shapes, labels, supports, determinism. */
import { describe, expect, it } from 'vitest';
import { DATASETS, MAX_POINTS, generate } from '../../web/data.js';

describe('web/data generators', () => {
  it.each(DATASETS)('%s: n points, finite, same seed → same bits, other seed → other data', (name) => {
    const a = generate(name, { n: 501, seed: 7 });
    const b = generate(name, { n: 501, seed: 7 });
    const c = generate(name, { n: 501, seed: 8 });
    expect(a.points.length).toBe(1002);
    expect(a.points.every(Number.isFinite)).toBe(true);
    expect(Buffer.from(a.points.buffer).equals(Buffer.from(b.points.buffer))).toBe(true);
    expect(Buffer.from(a.points.buffer).equals(Buffer.from(c.points.buffer))).toBe(false);
    if (a.targets) expect(a.targets.length).toBe(1002);
    if (a.labels) {
      expect(a.labels.length).toBe(501);
      for (let k = 0; k < a.classes; k++) expect(a.labels.includes(k)).toBe(true);
      expect(a.labels.every((l) => l >= 0 && l < a.classes)).toBe(true);
    }
  });

  it('labels follow the geometry: XOR by the sign of x·y, circles by radius', () => {
    const x = generate('xor', { n: 2000, seed: 1 });
    for (let i = 0; i < 2000; i++) expect(x.labels![i]).toBe(x.points[2 * i] * x.points[2 * i + 1] > 0 ? 1 : 0);
    const c = generate('circles', { n: 2000, seed: 1, noise: 0 });
    for (let i = 0; i < 2000; i++) expect(Math.hypot(c.points[2 * i], c.points[2 * i + 1])).toBeCloseTo(c.labels![i] === 1 ? 0.45 : 1, 12);
  });

  it('the transport measures live in [0, 1]² (density, ring, density → ring)', () => {
    for (const name of ['density', 'ring', 'density-ring'] as const) {
      const d = generate(name, { n: 3000, seed: 2 });
      for (const arr of [d.points, d.targets ?? new Float64Array(0)]) expect(arr.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    expect(generate('density-ring', { n: 10, seed: 2 }).targets).not.toBeNull();
  });

  it('blobs: classes clamp to [2, 8]; N outside [1, 10^5] is refused', () => {
    expect(generate('blobs', { n: 100, classes: 20 }).classes).toBe(8);
    expect(generate('blobs', { n: 100, classes: 1 }).classes).toBe(2);
    expect(() => generate('pairs', { n: 0 })).toThrow(/N must be an integer/);
    expect(() => generate('pairs', { n: MAX_POINTS + 1 })).toThrow(/N must be an integer/);
    expect(() => generate('nope' as never, { n: 3 })).toThrow(/unknown data set/);
  });
});
