import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init } from '../../src/index.js';
import { attentionSection, hull2d } from '../../src/cli/demo/attention.js';
import { makeDemoContext } from '../../src/cli/demo/context.js';

describe('demo section "attention"', () => {
  beforeAll(() => init({ variant: 'debug' }));

  it('hull2d: corners of a square with interior, collinear and duplicate points', () => {
    const pts = [0, 0, 1, 0, 1, 1, 0, 1, 0.5, 0.5, 0.5, 0, 1, 1, 0.2, 0.7];
    const corners = hull2d(pts, [0, 1, 2, 3, 4, 5, 6, 7]).map((i) => `${pts[2 * i]},${pts[2 * i + 1]}`);
    expect(corners).toEqual(['0,0', '1,0', '1,1', '0,1']); // counter-clockwise from the lowest-leftmost
    expect(hull2d(pts, [0, 2])).toEqual([0, 2]);
  });

  it('runs (quick): every §D3 case and the random run satisfy Thm 4.1; writes the SVG with leaders and their hull', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-attn-'));
    const lines: string[] = [];
    const ctx = { ...makeDemoContext(dir, 1, true), log: (l = '') => void lines.push(l) };
    await attentionSection.run(ctx);
    const text = lines.join('\n');
    expect(text).toMatch(/emerging leader \(notebook\)\s+8\s+\{0,2\} → \{0,1,2\}\s+1\s+3/);
    const table = text.split('\n').filter((l) => /^(emerging|triangle|square|non-leader)/.test(l));
    expect(table.length).toBe(4);
    for (const row of table) expect(row.trim().endsWith('yes')).toBe(true);
    expect(text).toMatch(/Thm 4.1 check: max \|z − p\| = \S+ \(holds\)/);
    const svg = readFileSync(join(dir, 'attention-hardmax.svg'), 'utf8');
    expect(svg).toMatch(/<polygon points="[^"]+"/);
    expect((svg.match(/fill="#d62728"/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });
});
