/**
 * The browser benchmark page (web/bench.html): runs web/bench-workloads.ts on the main thread
 * (like Node runs it: one thread, no worker hand-off in the timings) and shows the ratio to the
 * Node timings of the same workloads when node-results.json is available.
 * `?auto` starts at once; the results are left on `window.benchResults` for scripts/bench-browser.mjs.
 */
import * as lib from '../src/index.js';
import { runWorkloads, type WorkloadTiming } from './bench-workloads.js';

const body = document.querySelector('#results tbody')!;
const status = document.getElementById('status')!;
const button = document.getElementById('run') as HTMLButtonElement;

async function nodeResults(): Promise<WorkloadTiming[] | null> {
  try {
    const r = await fetch('node-results.json', { cache: 'no-store' });
    return r.ok ? ((await r.json()) as WorkloadTiming[]) : null;
  } catch {
    return null;
  }
}

async function go(): Promise<void> {
  button.disabled = true;
  body.textContent = '';
  status.textContent = 'running…';
  const node = await nodeResults();
  const ms = (s: number) => (s * 1000).toPrecision(4);
  const results = await runWorkloads(lib, {
    onEach(t) {
      const ref = node?.find((x) => x.name === t.name && x.backend === t.backend);
      const tr = document.createElement('tr');
      for (const v of [t.name, t.backend, ms(t.seconds), ref ? ms(ref.seconds) : '—', ref ? (t.seconds / ref.seconds).toFixed(2) : '—']) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      body.append(tr);
    },
    yieldTo: () => new Promise((r) => setTimeout(r, 0)),
  });
  status.textContent = `done (${navigator.userAgent.match(/Chrom\S+/)?.[0] ?? navigator.userAgent})`;
  (globalThis as unknown as { benchResults: WorkloadTiming[] }).benchResults = results;
  button.disabled = false;
}

button.addEventListener('click', () => void go());
if (new URLSearchParams(location.search).has('auto')) void go();
