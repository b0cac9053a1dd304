/**
 * Benchmark reports: a table on stdout and a JSON record in out/bench/<name>.json, so that
 * figures quoted in notes can be traced to one run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { table } from '../../src/cli/table.js';

export interface Row {
  workload: string;
  contender: string;
  seconds?: number;
  note?: string;
  [k: string]: unknown;
}

export function ratio(slow: number | undefined, fast: number | undefined): string {
  if (slow === undefined || fast === undefined || !(fast > 0)) return 'n/a';
  return `${(slow / fast).toFixed(2)}×`;
}

export function printRows(rows: Row[], extraColumns: string[] = []): void {
  console.log(
    table(
      ['workload', 'contender', 'seconds', ...extraColumns, 'note'],
      rows.map((r) => [r.workload, r.contender, r.seconds === undefined ? '—' : r.seconds.toPrecision(4), ...extraColumns.map((c) => String(r[c] ?? '')), r.note ?? '']),
    ),
  );
}

export function saveReport(name: string, data: unknown): string {
  const dir = join(process.cwd(), 'out', 'bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ date: new Date().toISOString(), node: process.version, ...(data as object) }, null, 2));
  return path;
}
