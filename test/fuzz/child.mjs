// Fuzz worker: runs cases [from, to) of one spec in this process and reports one JSON line per
// case on stdout ("start" before, "done" after), so that the parent can attribute a hang or a
// crash of this process to the case that caused it. Usage (from run.mjs):
//   node child.mjs <bundle> <variant> <seed> <spec> <count> <from> <to>
import fc from 'fast-check';
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { specs } from './specs.mjs';

const [bundle, variant, seedText, specName, countText, fromText, toText] = process.argv.slice(2);
const lib = await import(pathToFileURL(bundle).href);
await lib.init({ variant });
const spec = specs.find((s) => s.name === specName);
const seed = Number(seedText);
const count = Number(countText), from = Number(fromText), to = Number(toText);
const cases = fc.sample(spec.args, { seed: seed ^ hash(spec.name), numRuns: count });
const say = (o) => writeSync(1, JSON.stringify(o) + '\n');

// Results computed before any case: later cases must not change them (no call depends on what
// ran before it).
const canary = async () => {
  const C = lib.makeControls({ d: 2, width: 2, layers: [{ duration: 0.5, W: [1, -0.5, 0.25, 1], A: [1, 0.5, -0.3, 1], b: [0.1, -0.2] }] });
  const X = [[0.3, -0.2], [1, 1], [-0.7, 0.4]], Y = [[0, 0], [2, -1], [0.5, 0.5]];
  const parts = [
    Array.from(lib.flow(C, X, { method: 'rk4', stepsPerLayer: 7 }).data),
    Array.from(lib.flow(C, X, { method: 'exact' }).data),
    lib.wasserstein1(X, Y).value,
    lib.sinkhorn(X, Y, { epsilon: 0.1 }).value,
    Array.from(lib.hardmaxDynamics(X, { steps: 3 }).tokens.data),
    Array.from(lib.softmaxDynamics(X, { steps: 3 }).tokens.data),
  ];
  return JSON.stringify(parts);
};
const reference = await canary();

for (let i = from; i < to; i++) {
  say({ event: 'start', i, args: describeArgs(cases[i]) });
  const t0 = performance.now();
  let outcome, detail;
  try {
    let r = spec.call(lib, cases[i]);
    if (r && typeof r.then === 'function') r = await r;
    const bad = nonFinite(r, '', spec.exempt);
    if (bad) {
      outcome = 'nonfinite';
      detail = bad;
    } else {
      const wrong = spec.oracle ? spec.oracle(r, cases[i], lib) : null;
      outcome = wrong ? 'wrong' : 'ok';
      detail = wrong ?? undefined;
    }
  } catch (e) {
    if (e instanceof lib.FlowsteerError) {
      outcome = e.message && e.message.length > 10 ? 'typed' : 'unclear';
      detail = `${e.constructor.name}: ${String(e.message).slice(0, 200)}`;
    } else if (e instanceof WebAssembly.RuntimeError || /^abort/.test(String(e?.message))) {
      outcome = 'trap';
      detail = String(e?.message ?? e).slice(0, 300);
    } else {
      outcome = 'unclear';
      detail = `${e?.constructor?.name ?? typeof e}: ${String(e?.message ?? e).slice(0, 300)}`;
    }
  }
  let state;
  if ((i - from) % 10 === 9 || i === to - 1) {
    try {
      state = (await canary()) === reference ? undefined : 'the canary results changed after this case';
    } catch (e) {
      state = `the canary calls failed after this case: ${e?.message}`;
    }
  }
  say({ event: 'done', i, outcome: state ? 'state' : outcome, detail: state ?? detail, args: outcome === 'ok' || outcome === 'typed' ? undefined : describeArgs(cases[i]), ms: Math.round(performance.now() - t0) });
}
say({ event: 'end' });
process.exit(0);

function nonFinite(v, path, exempt, depth = 0) {
  if (depth > 6) return null;
  if (typeof v === 'number') return Number.isFinite(v) || (exempt && exempt.test(path)) ? null : `${path || 'result'} = ${v}`;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    if (exempt && exempt.test(path)) return null;
    for (let k = 0; k < v.length; k++) if (typeof v[k] === 'number' && !Number.isFinite(v[k])) return `${path}[${k}] = ${v[k]}`;
    return null;
  }
  if (Array.isArray(v)) {
    for (let k = 0; k < Math.min(v.length, 1000); k++) {
      const b = nonFinite(v[k], `${path}[${k}]`, exempt, depth + 1);
      if (b) return b;
    }
    return null;
  }
  if (v && typeof v === 'object') {
    for (const key of Object.keys(v)) {
      const b = nonFinite(v[key], path ? `${path}.${key}` : key, exempt, depth + 1);
      if (b) return b;
    }
  }
  return null;
}

function describeArgs(a) {
  try {
    const s = JSON.stringify(a, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'function' ? 'fn' : typeof v === 'bigint' ? `${v}n` : ArrayBuffer.isView(v) ? `${v.constructor.name}(${v.length})` : v));
    return s && s.length > 400 ? s.slice(0, 400) + '…' : s;
  } catch {
    return String(a);
  }
}

function hash(s) {
  let h = 2166136261;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 16777619);
  return h >>> 0;
}
