import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { figure51, figure51Table, samplesSvg, trajectoriesSvg } from '../../src/cli/demo/diffusion.js';
import { gaussianLaw, l1PlotSvg, l1Row, l1Table } from '../../src/cli/demo/density.js';

beforeAll(() => init());

describe('demo helpers (small sizes)', () => {
  it('Figure 5.1: the distance to the nearest training point falls with τ like √τ; pictures are SVG', () => {
    const f = figure51({ n: 40, samples: 600, w1Points: 150, steps: 60, seed: 2 });
    expect(f.rows.map((r) => r.tau)).toEqual([0.1, 0.01, 0.001]);
    const d = f.rows.map((r) => r.meanNearest);
    expect(d[0]).toBeGreaterThan(d[1]);
    expect(d[1]).toBeGreaterThan(d[2]);
    // √τ law: from τ = 0.01 to 0.001 the distance shrinks by roughly √10 ≈ 3.2 (between 2 and 4.5)
    expect(d[1] / d[2]).toBeGreaterThan(2);
    expect(d[1] / d[2]).toBeLessThan(4.5);
    for (const r of f.rows) expect(r.liYauMinMargin).toBeGreaterThanOrEqual(0);
    expect(f.trajectories.n).toBe(3);
    for (const svg of [trajectoriesSvg(f), samplesSvg(f)]) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.endsWith('</svg>')).toBe(true);
      expect(svg).not.toMatch(/NaN|undefined/);
    }
    expect(figure51Table(f)).toContain('√(πτ)');
  });

  it('L¹ row for transportToUniform: finite, W₁ below the certificate scale, plot is SVG', () => {
    const r = l1Row(gaussianLaw(), 0.3, 300, 5);
    expect(r.switches).toBeGreaterThan(0);
    expect(r.l1).toBeGreaterThan(0);
    expect(r.l1).toBeLessThan(2);
    expect(r.w1).toBeLessThan(0.3);
    const svg = l1PlotSvg([r, { ...r, epsilon: 0.2, l1: r.l1 / 2, w1: r.w1 / 2 }]);
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    expect(l1Table([r])).toContain('switches');
  });
});
