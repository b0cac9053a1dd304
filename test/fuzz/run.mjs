// Fuzz driver: spreads every spec's cases over child processes (two at a time on this 2-core
// machine), restarts a child after a crash or a hang and attributes it to the case it was running.
// CLI: node test/fuzz/run.mjs [--cases 40] [--seed 1] [--only flow,sinkhorn] [--variant debug]
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { specs, notFuzzed } from './specs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');

/** Functions exported by the bundle that have no spec (each export must be fuzzed). */
export async function unfuzzedExports(bundle = join(root, 'build', 'node', 'index.js')) {
  const lib = await import(pathToFileURL(bundle).href);
  const names = new Set(specs.flatMap((s) => [s.name, ...(s.aliases ?? [])]));
  return Object.keys(lib).filter((k) => !notFuzzed.has(k) && !names.has(k) && typeof lib[k] === 'function');
}

export async function runFuzz({ casesPerSpec = 40, seed = 1, only, variants = ['debug', 'release'], timeoutMs = 20000, concurrency = 2, bundle = join(root, 'build', 'node', 'index.js'), chunk = 100 } = {}) {
  const lib = await import(pathToFileURL(bundle).href);
  const jobs = [];
  for (const spec of specs) {
    if (only && !only.includes(spec.name)) continue;
    if (typeof lib[spec.name] !== 'function' && !(spec.aliases ?? []).some((a) => typeof lib[a] === 'function')) continue;
    for (let from = 0; from < casesPerSpec; from += chunk) {
      const variant = variants[(from / chunk) % variants.length];
      jobs.push({ spec: spec.name, variant, from, to: Math.min(casesPerSpec, from + chunk) });
    }
  }
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      let from = job.from;
      while (from < job.to) {
        const got = await runChild(bundle, job.variant, seed, job.spec, casesPerSpec, from, job.to, timeoutMs);
        results.push(...got.done.map((r) => ({ spec: job.spec, variant: job.variant, ...r })));
        if (got.failed) {
          results.push({ spec: job.spec, variant: job.variant, ...got.failed });
          from = got.failed.i + 1;
        } else {
          from = job.to;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const counts = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return { counts, results, cases: results.length };
}

function runChild(bundle, variant, seed, spec, count, from, to, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=3072', join(here, 'child.mjs'), bundle, variant, String(seed), spec, String(count), String(from), String(to)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const done = [];
    let current = null, currentArgs, buffer = '', stderr = '', ended = false, timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish({ i: current ?? from, outcome: 'hang', detail: `no answer within ${timeoutMs} ms`, args: currentArgs });
      }, timeoutMs);
    };
    let settled = false;
    const finish = (failed) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ done, failed });
    };
    arm();
    child.stdout.on('data', (b) => {
      buffer += b;
      let k;
      while ((k = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, k);
        buffer = buffer.slice(k + 1);
        let m;
        try {
          m = JSON.parse(line);
        } catch {
          continue;
        }
        if (m.event === 'start') {
          current = m.i;
          currentArgs = m.args;
          arm();
        } else if (m.event === 'done') {
          current = null;
          delete m.event;
          done.push(m);
        } else if (m.event === 'end') ended = true;
      }
    });
    child.stderr.on('data', (b) => {
      stderr = (stderr + b).slice(-2000);
    });
    child.on('exit', (code, signal) => {
      if (ended && code === 0) return finish(null);
      if (settled) return;
      const i = current ?? (done.length ? done[done.length - 1].i + 1 : from);
      finish({ i, args: currentArgs, outcome: 'crash', detail: `child exited (code ${code}, signal ${signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (k, d) => {
    const j = process.argv.indexOf(`--${k}`);
    return j >= 0 ? process.argv[j + 1] : d;
  };
  const only = arg('only')?.split(',');
  const r = await runFuzz({ casesPerSpec: Number(arg('cases', 40)), seed: Number(arg('seed', 1)), only, variants: arg('variant') ? [arg('variant')] : undefined });
  console.log(`cases: ${r.cases}`, r.counts);
  const missing = await unfuzzedExports();
  if (missing.length) console.log('exports without a fuzz spec:', missing.join(', '));
  const bad = r.results.filter((x) => !['ok', 'typed'].includes(x.outcome));
  const bySpec = {};
  for (const b of bad) (bySpec[`${b.spec} ${b.outcome}`] ??= []).push(b);
  for (const [k, list] of Object.entries(bySpec)) {
    console.log(`\n## ${k}: ${list.length}`);
    for (const b of list.slice(0, 3)) console.log(`  [${b.variant} #${b.i}] ${b.detail}\n     args: ${b.args ?? ''}`);
  }
}
