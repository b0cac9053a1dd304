// One spec per exported function: argument generators (valid and hostile mixed) and, where one
// exists, an oracle for the value. `exempt` lists result paths allowed to hold ±Infinity (documented
// sentinels such as the potential of a zero-mass point). Exports without a spec fail the suite.
import fc from 'fast-check';
import { anyCloud, badCloud, badControls, cloudArb, controlsSpecArb, hostileNumber, hostileScalar, optionsArb, aborted } from './arbitraries.mjs';

const small = (max = 6) => fc.integer({ min: 1, max });
const int = fc.oneof(small(12), hostileNumber, hostileScalar);
const num = fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), hostileNumber, hostileScalar);
const pos = fc.oneof(fc.double({ min: 1e-3, max: 3, noNaN: true }), hostileNumber);

/** Valid controls built with the library (or hostile specs passed through raw). */
const controlsArg = (d) =>
  fc.oneof({ weight: 5, arbitrary: controlsSpecArb(d).map((s) => ({ make: s })) }, { weight: 1, arbitrary: badControls.map((raw) => ({ raw })) });
const realize = (lib, c) => (c && 'make' in c ? lib.makeControls(c.make) : c?.raw);

/** Pairs of same-dimension clouds (n ≠ m allowed when `equal` is false). */
const cloudPair = (o = {}) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }).chain((d) => fc.tuple(cloudArb({ d, ...o }), cloudArb({ d, ...o }))) },
    { weight: 1, arbitrary: fc.tuple(anyCloud(o), anyCloud(o)) },
  );
const equalPair = (maxN) =>
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: maxN }), fc.constantFrom(1, 1, 1e-150, 1e150, 1e154, 1e-8)).chain(([d, n, s]) =>
    fc.tuple(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 2 * n * d, maxLength: 2 * n * d })).map(([v]) => {
      const rows = (o) => Array.from({ length: n }, (_, i) => v.slice(o + i * d, o + (i + 1) * d).map((x) => x * s));
      return [rows(0), rows(n * d)];
    }),
  );

const dist = (x, y, p) => {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += (x[k] - y[k]) ** 2;
  return Math.sqrt(s) ** p;
};
/** W_p between equal-size uniform clouds by enumerating assignments (n ≤ 6), on rescaled data. */
function bruteW(X, Y, p) {
  let M = 0;
  for (const r of [...X, ...Y]) for (const v of r) M = Math.max(M, Math.abs(v));
  if (M === 0) return 0;
  const x = X.map((r) => r.map((v) => v / M)), y = Y.map((r) => r.map((v) => v / M));
  const n = x.length;
  let dmax = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) dmax = Math.max(dmax, Math.sqrt(dist(x[i], y[j], 2)));
  if (dmax === 0) return 0;
  const perm = [...Array(n).keys()];
  let best = Infinity;
  const rec = (k) => {
    if (k === n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (Math.sqrt(dist(x[i], y[perm[i]], 2)) / dmax) ** p;
      best = Math.min(best, s);
      return;
    }
    for (let i = k; i < n; i++) {
      [perm[k], perm[i]] = [perm[i], perm[k]];
      rec(k + 1);
      [perm[k], perm[i]] = [perm[i], perm[k]];
    }
  };
  rec(0);
  return M * dmax * (best / n) ** (1 / p);
}
const close = (a, b, rel) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE);

/** Every coordinate of `out` within the coordinate range of `X` (convex-hull dynamics). */
function inHull(out, X) {
  const d = X[0].length;
  for (let k = 0; k < d; k++) {
    let lo = Infinity, hi = -Infinity;
    for (const r of X) { lo = Math.min(lo, r[k]); hi = Math.max(hi, r[k]); }
    const slack = 1e-9 * Math.max(Math.abs(lo), Math.abs(hi), hi - lo);
    for (let i = 0; i < out.n; i++) {
      const v = out.data[i * d + k];
      if (v < lo - slack || v > hi + slack) return `token ${i} coordinate ${k} = ${v} left [${lo}, ${hi}]`;
    }
  }
  return null;
}
const isRows = (X) => Array.isArray(X) && X.length > 0 && Array.isArray(X[0]) && X.every((r) => Array.isArray(r) && r.length === X[0].length);

const trajOpt = fc.oneof(fc.constant(undefined), fc.boolean(), fc.record({ every: int }), hostileScalar);
const progressFields = ['onProgress', 'signal'];

export const specs = [
  { name: 'init', args: fc.tuple(fc.record({ backend: hostileScalar, variant: hostileScalar }, { requiredKeys: [] }).map((o) => (Object.keys(o).length ? o : { backend: 'nope' }))), call: (lib, [o]) => lib.init(o) },
  { name: 'backend', args: fc.constant([]), call: (lib) => lib.backend() },
  { name: 'simdSupported', args: fc.constant([]), call: (lib) => lib.simdSupported() },
  { name: 'show', args: fc.tuple(hostileScalar), call: (lib, [v]) => lib.show(v) },
  { name: 'points', args: fc.tuple(anyCloud()), call: (lib, [X]) => lib.points(X) },
  { name: 'toRows', args: fc.tuple(fc.oneof(cloudArb().map((r) => ({ rows: r })), badCloud.map((raw) => ({ raw })))), call: (lib, [c]) => lib.toRows(c.rows ? lib.points(c.rows) : c.raw) },
  { name: 'makeControls', args: fc.tuple(fc.oneof(controlsSpecArb(2), badControls)), call: (lib, [s]) => lib.makeControls(s) },
  { name: 'controlsToJSON', args: fc.tuple(controlsArg(2), optionsArb(fc.record({ indent: fc.integer({ min: 0, max: 4 }) }), ['indent'])), call: (lib, [c, o]) => lib.controlsToJSON(realize(lib, c), o) },
  {
    name: 'controlsFromJSON',
    args: fc.tuple(fc.oneof(controlsArg(2), fc.constantFrom('{', '[]', '{"format":"flowsteer.controls/1","d":2,"width":1,"layers":[{"duration":1,"W":[1e999,0],"A":[0,1],"b":[0]}]}', 5, null)), optionsArb(fc.record({ maxLength: small(1e6) }), ['maxLength', 'maxParameters'])),
    call: (lib, [c, o]) => lib.controlsFromJSON(typeof c === 'object' && c !== null && ('make' in c || 'raw' in c) ? (c.make ? lib.controlsToJSON(lib.makeControls(c.make)) : JSON.stringify(c.raw ?? null)) : c, o),
    oracle: (r, [c], lib) => (c && c.make ? (lib.controlsToJSON(r) === lib.controlsToJSON(lib.makeControls(c.make)) ? null : 'JSON round trip changed the controls') : null),
  },
  { name: 'createRng', args: fc.tuple(fc.oneof(small(1000), hostileNumber, hostileScalar), fc.oneof(small(5), hostileNumber)), call: (lib, [s, k]) => { const r = lib.createRng(s); return [r.uniform(), r.normal(), r.int(k), Array.from(r.unitVector(k))]; } },
  {
    name: 'flow',
    args: fc.tuple(controlsArg(2), anyCloud({ d: 2 }), optionsArb(fc.record({ method: fc.constantFrom('rk4', 'euler', 'exact'), stepsPerLayer: small(20), trajectory: trajOpt }, { requiredKeys: [] }), ['method', 'stepsPerLayer', 'trajectory', 'rk4Kernel', ...progressFields])),
    call: (lib, [c, X, o]) => lib.flow(realize(lib, c), X, o),
  },
  {
    name: 'flowAsync',
    args: fc.tuple(controlsArg(2), anyCloud({ d: 2 }), optionsArb(fc.record({ method: fc.constantFrom('rk4', 'exact'), stepsPerLayer: small(10), signal: fc.constantFrom(undefined, 'aborted') }, { requiredKeys: [] }), ['method', 'signal', 'onProgress'])),
    call: (lib, [c, X, o]) => lib.flowAsync(realize(lib, c), X, o && o.signal === 'aborted' ? { ...o, signal: aborted() } : o),
  },
  {
    name: 'field',
    args: fc.tuple(controlsArg(2), anyCloud({ d: 2 })),
    call: (lib, [c, X]) => { const C = realize(lib, c); return lib.field(C?.layers?.[0] ?? C, X, undefined, C && C.d ? { d: C.d, width: C.width } : undefined); },
  },
  { name: 'trajectoryFrames', args: fc.tuple(int, int, int), call: (lib, a) => lib.trajectoryFrames(...a) },
  { name: 'rk4KernelFor', args: fc.tuple(int, int, int), call: (lib, a) => lib.rk4KernelFor(...a) },
  {
    name: 'interpolate',
    args: fc.tuple(fc.integer({ min: 1, max: 3 }).chain((d) => fc.tuple(cloudArb({ d, maxN: 10 }), cloudArb({ d, maxN: 10 }))), optionsArb(fc.record({ width: small(4), seed: small(100) }, { requiredKeys: [] }), ['width', 'seed', 'autonomy', ...progressFields])),
    call: (lib, [[X, Y], o]) => lib.interpolate(X, Y.slice(0, X.length).concat(X.slice(Y.length)), o),
    oracle: (r, [[X, Y]], lib) => {
      const c = r.controls ?? r;
      const T = Y.slice(0, X.length).concat(X.slice(Y.length));
      const out = lib.flow(c, X, { method: 'rk4', stepsPerLayer: 200 });
      let scale = 0, err = 0;
      for (const row of [...X, ...T]) for (const v of row) scale = Math.max(scale, Math.abs(v));
      T.forEach((row, i) => row.forEach((v, k) => { err = Math.max(err, Math.abs(out.data[i * row.length + k] - v)); }));
      return err <= 1e-5 * Math.max(scale, 1e-300) ? null : `rk4 (200 steps/layer) misses the targets by ${err} (scale ${scale})`;
    },
  },
  { name: 'interpolationSwitches', args: fc.tuple(int, int, int, fc.constantFrom(undefined, 'full', 'semi', 'x')), call: (lib, a) => lib.interpolationSwitches(...a) },
  {
    name: 'classify',
    args: fc.tuple(cloudArb({ maxN: 12 }), fc.array(fc.constantFrom(0, 1), { minLength: 1, maxLength: 12 }), optionsArb(fc.record({ method: fc.constantFrom('cluster', 'hat', 'collinear') }, { requiredKeys: [] }), ['method', 'seed', ...progressFields])),
    call: (lib, [X, labels, o]) => lib.classify(X, labels.slice(0, X.length).concat(Array(Math.max(0, X.length - labels.length)).fill(0)), o),
  },
  { name: 'classifySwitchBounds', args: fc.tuple(int, int), call: (lib, a) => lib.classifySwitchBounds(...a) },
  { name: 'collinearSwitchProbability', args: fc.tuple(int, int, int), call: (lib, a) => lib.collinearSwitchProbability(...a) },
  { name: 'runsDistribution', args: fc.tuple(fc.oneof(small(40), hostileNumber)), call: (lib, [n]) => lib.runsDistribution(n) },
  {
    name: 'approximateAutonomous',
    args: fc.tuple(fc.integer({ min: 1, max: 2 }).chain((d) => fc.tuple(cloudArb({ d, maxN: 5 }), cloudArb({ d, maxN: 5 }))), optionsArb(fc.record({ width: small(16), seed: small(10) }), ['width', 'seed'])),
    call: (lib, [[X, Y], o]) => lib.approximateAutonomous(X, Y.slice(0, X.length).concat(X.slice(Y.length)), o),
  },
  { name: 'tubeField', args: fc.tuple(cloudPair({ maxN: 5 }), fc.oneof(pos, fc.constant(undefined))), call: (lib, [[X, Y], T]) => { const f = lib.tubeField(X, Y, T); return Array.from(f.field(Array.isArray(X) && Array.isArray(X[0]) ? X[0] : [0])); } },
  {
    name: 'transportToUniform',
    args: fc.tuple(cloudArb({ d: 2, maxN: 20 }), optionsArb(fc.record({ width: fc.integer({ min: 3, max: 6 }), epsilon: fc.double({ min: 0.3, max: 1, noNaN: true }) }), ['width', 'epsilon', 'q', ...progressFields])),
    call: (lib, [X, o]) => lib.transportToUniform(X, o),
  },
  {
    name: 'transport',
    args: fc.tuple(cloudArb({ d: 2, maxN: 10 }), cloudArb({ d: 2, maxN: 10 }), optionsArb(fc.record({ width: fc.integer({ min: 3, max: 6 }), epsilon: fc.double({ min: 0.4, max: 1, noNaN: true }) }), ['width', 'epsilon', ...progressFields])),
    call: (lib, [X, Y, o]) => lib.transport(X, Y, o),
  },
  { name: 'uniformTransportLayers', args: fc.tuple(int, int, int), call: (lib, a) => lib.uniformTransportLayers(...a) },
  { name: 'uniformTransportResolution', args: fc.tuple(int, num), call: (lib, a) => lib.uniformTransportResolution(...a) },
  {
    name: 'hardmaxDynamics',
    args: fc.tuple(anyCloud({ maxN: 10 }), optionsArb(fc.record({ alpha: fc.double({ min: 0.1, max: 2, noNaN: true }), steps: small(20) }, { requiredKeys: [] }), ['alpha', 'steps', 'A', 'trajectory', 'record', 'tieTolerance', ...progressFields])),
    call: (lib, [X, o]) => lib.hardmaxDynamics(X, o),
    oracle: (r, [X]) => (isRows(X) ? inHull(r.tokens, X) : null),
  },
  {
    name: 'hardmaxDynamicsAsync',
    args: fc.tuple(cloudArb({ maxN: 8 }), optionsArb(fc.record({ steps: small(10), signal: fc.constantFrom(undefined, 'aborted') }, { requiredKeys: [] }), ['steps', 'signal'])),
    call: (lib, [X, o]) => lib.hardmaxDynamicsAsync(X, o && o.signal === 'aborted' ? { ...o, signal: aborted() } : o),
  },
  {
    name: 'softmaxDynamics',
    args: fc.tuple(anyCloud({ maxN: 10 }), optionsArb(fc.record({ steps: small(20), temperature: pos }, { requiredKeys: [] }), ['alpha', 'steps', 'A', 'temperature', 'trajectory', 'record', ...progressFields])),
    call: (lib, [X, o]) => lib.softmaxDynamics(X, o),
    oracle: (r, [X]) => (isRows(X) && r.tokens ? inHull(r.tokens, X) : null),
  },
  { name: 'softmaxDynamicsAsync', args: fc.tuple(cloudArb({ maxN: 8 }), optionsArb(fc.record({ steps: small(10) }), ['steps', 'signal'])), call: (lib, [X, o]) => lib.softmaxDynamicsAsync(X, o) },
  {
    name: 'sphereDynamics',
    args: fc.tuple(anyCloud({ maxN: 10 }), optionsArb(fc.record({ steps: small(20), beta: pos, dt: pos }, { requiredKeys: [] }), ['beta', 'steps', 'dt', 'Q', 'K', 'V', 'trajectory', ...progressFields])),
    call: (lib, [X, o]) => lib.sphereDynamics(X, o),
  },
  { name: 'sphereDynamicsAsync', args: fc.tuple(cloudArb({ maxN: 8, d: 3 }), optionsArb(fc.record({ steps: small(10) }), ['steps', 'signal'])), call: (lib, [X, o]) => lib.sphereDynamicsAsync(X, o) },
  { name: 'countClusters', args: fc.tuple(anyCloud(), fc.oneof(fc.constant(undefined), pos)), call: (lib, [X, t]) => lib.countClusters(X, t) },
  {
    name: 'checkEquilibrium',
    args: fc.tuple(cloudArb({ maxN: 8 }), optionsArb(fc.record({ tolerance: fc.double({ min: 1e-12, max: 1e-3, noNaN: true }) }, { requiredKeys: [] }), ['tolerance', 'faceTolerance'])),
    call: (lib, [X, o]) => lib.checkEquilibrium(lib.hardmaxDynamics(X, { steps: 5 }), o),
  },
  {
    name: 'summarizeControls',
    aliases: ['describe'],
    args: fc.tuple(controlsArg(2)),
    call: (lib, [c]) => (lib.summarizeControls ?? lib.describe)(realize(lib, c)),
  },
  { name: 'aprioriBound', args: fc.tuple(controlsArg(2), num, fc.oneof(fc.constant(undefined), num)), call: (lib, [c, a, r]) => lib.aprioriBound(realize(lib, c), a, r), exempt: /^$/ },
  {
    name: 'verify',
    args: fc.tuple(controlsArg(2), anyCloud({ d: 2, maxN: 5 }), anyCloud({ d: 2, maxN: 5 }), optionsArb(fc.record({ method: fc.constantFrom('rk4', 'exact') }, { requiredKeys: [] }), ['method', 'stepsPerLayer', 'tolerance'])),
    call: (lib, [c, X, Y, o]) => lib.verify(realize(lib, c), X, Array.isArray(X) && Array.isArray(Y) && Y.length !== X.length ? X : Y, o),
  },
  {
    name: 'wasserstein',
    args: fc.tuple(equalPair(6), optionsArb(fc.record({ p: fc.constantFrom(1, 2, 3, 50, 100) }), ['p', 'a', 'b', 'solver', 'plan', ...progressFields])),
    call: (lib, [[X, Y], o]) => lib.wasserstein(X, Y, o),
    oracle: (r, [[X, Y], o]) => {
      if (!o || typeof o !== 'object' || Object.keys(o).some((k) => k !== 'p')) return null;
      const want = bruteW(X, Y, o.p);
      return close(r.value, want, 1e-9) ? null : `W_${o.p} = ${r.value}, brute force ${want}`;
    },
    exempt: /potentials/,
  },
  {
    name: 'wasserstein1',
    args: fc.tuple(fc.oneof(equalPair(6), cloudPair({ maxN: 6 })), optionsArb(fc.record({}), ['a', 'b', 'solver', ...progressFields])),
    call: (lib, [[X, Y], o]) => lib.wasserstein1(X, Y, o),
    oracle: (r, [[X, Y], o]) => (o && typeof o === 'object' && Object.keys(o).length === 0 && isRows(X) && isRows(Y) && X.length === Y.length && X[0].length === Y[0].length ? (close(r.value, bruteW(X, Y, 1), 1e-9) ? null : `W1 = ${r.value}, brute force ${bruteW(X, Y, 1)}`) : null),
    exempt: /potentials/,
  },
  {
    name: 'sinkhorn',
    args: fc.tuple(cloudPair({ maxN: 8 }), optionsArb(fc.record({ epsilon: fc.oneof(fc.double({ min: 1e-3, max: 10, noNaN: true }), fc.constantFrom(1e308, 1e-300)), maxIterations: fc.oneof(small(200), fc.constant(2 ** 31)) }), ['epsilon', 'maxIterations', 'tolerance', 'cost', 'a', 'b', 'truncation', ...progressFields])),
    call: (lib, [[X, Y], o]) => lib.sinkhorn(X, Y, o),
    exempt: /potentials/,
  },
  {
    name: 'sinkhornDivergence',
    args: fc.tuple(cloudPair({ maxN: 6 }), optionsArb(fc.record({ epsilon: fc.oneof(fc.double({ min: 1e-2, max: 10, noNaN: true }), fc.constant(1e308)), maxIterations: fc.oneof(small(100), fc.constant(2 ** 31)) }), ['epsilon', 'maxIterations', 'cost'])),
    call: (lib, [[X, Y], o]) => lib.sinkhornDivergence(X, Y, o),
    oracle: (r, [, o]) => {
      const scale = Math.max(...(r.terms ?? []).map((t) => Math.abs(t.objective)), Math.abs(o.epsilon));
      return r.value >= -1e-12 * scale ? null : `negative divergence ${r.value} (terms of size ${scale})`;
    },
    exempt: /potentials/,
  },
  {
    name: 'wasserstein1d',
    args: fc.tuple(fc.oneof(fc.array(fc.double({ min: -1e150, max: 1e150, noNaN: true }), { minLength: 1, maxLength: 20 }), hostileScalar, fc.constant([NaN])), fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }), optionsArb(fc.record({ p: fc.constantFrom(1, 2, 3, 100) }), ['p', 'weights', 'a', 'b'])),
    call: (lib, [u, v, o]) => lib.wasserstein1d(u, v, o),
    oracle: (r, [u, v, o]) => {
      if (!Array.isArray(u) || !o || Object.keys(o).some((k) => k !== 'p') || u.length !== v.length) return null;
      const a = [...u].sort((x, y) => x - y), b = [...v].sort((x, y) => x - y);
      let M = 0;
      for (const x of [...a, ...b]) M = Math.max(M, Math.abs(x));
      if (M === 0) return r.value === 0 ? null : `expected 0, got ${r.value}`;
      let dm = 0;
      for (let i = 0; i < a.length; i++) dm = Math.max(dm, Math.abs(a[i] / M - b[i] / M));
      if (dm === 0) return r.value === 0 ? null : `expected 0, got ${r.value}`;
      let s = 0;
      for (let i = 0; i < a.length; i++) s += (Math.abs(a[i] / M - b[i] / M) / dm) ** o.p;
      const want = M * dm * (s / a.length) ** (1 / o.p);
      return close(r.value, want, 1e-9) ? null : `W_${o.p} = ${r.value}, sorted formula ${want}`;
    },
  },
  {
    name: 'slicedWasserstein',
    args: fc.tuple(cloudPair({ maxN: 8 }), optionsArb(fc.record({ projections: small(32), p: fc.constantFrom(1, 2, 100) }, { requiredKeys: [] }), ['projections', 'p', 'seed', 'a', 'b'])),
    call: (lib, [[X, Y], o]) => lib.slicedWasserstein(X, Y, o),
  },
  {
    name: 'generalizationBound',
    args: fc.tuple(cloudArb({ d: 2, maxN: 6 }), cloudArb({ d: 2, maxN: 6 }), fc.oneof(fc.constant('net'), hostileScalar)),
    call: (lib, [X, Z, net]) => {
      const lab = (P) => ({ X: P, y: P.map((r) => r[0]) });
      const network = net === 'net' ? { a: [[1, 0]], b: [0], w: [1] } : net;
      return lib.generalizationBound(lab(X), lab(Z), network);
    },
  },
  // ---- async twins of the distances (same oracles as the sync calls where they apply)
  { name: 'wassersteinAsync', args: fc.tuple(equalPair(5), optionsArb(fc.record({ p: fc.constantFrom(1, 2, 3) }), ['p', 'signal', 'onProgress'])), call: (lib, [[X, Y], o]) => lib.wassersteinAsync(X, Y, o), exempt: /potentials/ },
  { name: 'wasserstein1Async', args: fc.tuple(cloudPair({ maxN: 5 }), optionsArb(fc.record({}), ['a', 'b', 'signal'])), call: (lib, [[X, Y], o]) => lib.wasserstein1Async(X, Y, o), exempt: /potentials/ },
  { name: 'sinkhornAsync', args: fc.tuple(cloudPair({ maxN: 6 }), optionsArb(fc.record({ epsilon: fc.double({ min: 1e-2, max: 10, noNaN: true }) }), ['epsilon', 'maxIterations', 'signal'])), call: (lib, [[X, Y], o]) => lib.sinkhornAsync(X, Y, o), exempt: /potentials/ },
  { name: 'sinkhornDivergenceAsync', args: fc.tuple(cloudPair({ maxN: 5 }), optionsArb(fc.record({ epsilon: fc.double({ min: 1e-2, max: 10, noNaN: true }) }), ['epsilon', 'signal'])), call: (lib, [[X, Y], o]) => lib.sinkhornDivergenceAsync(X, Y, o), exempt: /potentials/ },
  // ---- transformers
  {
    name: 'interpolateSequences',
    args: fc.tuple(fc.integer({ min: 2, max: 3 }).chain((d) => fc.tuple(fc.array(cloudArb({ d, maxN: 6 }), { minLength: 1, maxLength: 4 }), fc.array(cloudArb({ d, maxN: 3 }), { minLength: 1, maxLength: 4 }))), optionsArb(fc.record({ attention: fc.constantFrom('hardmax', 'softmax'), seed: small(50) }, { requiredKeys: [] }), ['attention', 'temperature', 'seed', 'candidates', ...progressFields])),
    call: (lib, [[Z, Y], o]) => lib.interpolateSequences(Z, Z.map((z, j) => (Y[j % Y.length] ?? []).slice(0, z.length)), o),
    oracle: (r, [[Z, Y]], lib) => {
      const T = Z.map((z, j) => (Y[j % Y.length] ?? []).slice(0, z.length));
      const out = lib.runTransformer(r.transformer, Z).outputs;
      let err = 0, scale = 0;
      for (let j = 0; j < Z.length; j++) {
        const R = lib.readout(out[j]);
        if (R.n !== T[j].length) return `sequence ${j}: readout has ${R.n} tokens, want ${T[j].length}`;
        T[j].forEach((y, k) => y.forEach((v, q) => { err = Math.max(err, Math.abs(R.data[k * y.length + q] - v)); scale = Math.max(scale, Math.abs(v)); }));
      }
      return err <= 1e-9 * Math.max(scale, 1e-300) ? null : `outputs miss the targets by ${err} (scale ${scale})`;
    },
  },
  { name: 'interpolateSequencesAsync', args: fc.tuple(fc.array(cloudArb({ d: 2, maxN: 4 }), { minLength: 1, maxLength: 3 })), call: (lib, [Z]) => lib.interpolateSequencesAsync(Z, Z.map((z) => z.slice(0, 1).map((r) => r.map((v) => v + 1)))) },
  {
    name: 'makeTransformer',
    args: fc.tuple(fc.oneof(fc.constant({ d: 2, blocks: [{ kind: 'resnet', W: [1, 0], A: [0, 1], b: [0] }, { kind: 'attention', rule: 'hardmax', A: [1, 0, 0, 1], alpha: 1 }] }), fc.record({ d: int, blocks: fc.oneof(fc.constant([]), fc.array(fc.record({ kind: fc.constantFrom('resnet', 'attention', 'x'), rule: fc.constantFrom('hardmax', 'softmax'), A: fc.array(num, { maxLength: 4 }), W: fc.array(num, { maxLength: 4 }), b: fc.array(num, { maxLength: 2 }), step: num, alpha: num, temperature: num }, { requiredKeys: ['kind'] }), { maxLength: 3 })) }), hostileScalar)),
    call: (lib, [s]) => lib.makeTransformer(s),
  },
  { name: 'transformerToJSON', args: fc.tuple(fc.oneof(fc.constant('ok'), hostileScalar), optionsArb(fc.record({ indent: fc.integer({ min: 0, max: 3 }) }), ['indent'])), call: (lib, [t, o]) => lib.transformerToJSON(t === 'ok' ? lib.makeTransformer({ d: 2, blocks: [{ kind: 'resnet', W: [1, -0], A: [0, 1], b: [0] }] }) : t, o) },
  { name: 'transformerFromJSON', args: fc.tuple(fc.oneof(fc.constant('ok'), fc.string(), fc.constantFrom('{"format":"flowsteer.transformer/1","d":2,"blocks":[{"kind":"attention","rule":"softmax","A":[1,0,0,1],"step":1}]}', '{"format":"flowsteer.transformer/1","d":1e9,"blocks":[]}'), hostileScalar)), call: (lib, [t]) => lib.transformerFromJSON(t === 'ok' ? lib.transformerToJSON(lib.makeTransformer({ d: 2, blocks: [{ kind: 'resnet', W: [1, 0], A: [0, 1], b: [0] }] })) : t) },
  { name: 'runTransformer', args: fc.tuple(fc.oneof(anyCloud({ d: 2 }), fc.array(cloudArb({ d: 2, maxN: 5 }), { maxLength: 3 })), fc.oneof(fc.constant(undefined), fc.record({ trajectory: fc.oneof(fc.boolean(), hostileScalar) }), hostileScalar)), call: (lib, [Z, o]) => lib.runTransformer(lib.makeTransformer({ d: 2, blocks: [{ kind: 'resnet', W: [1, 0], A: [0, 1], b: [0] }, { kind: 'attention', rule: 'softmax', A: [1, 0, 0, 1], step: 0.5, temperature: 0.1 }] }), Z, o) },
  { name: 'runTransformerAsync', args: fc.tuple(fc.array(cloudArb({ d: 2, maxN: 5 }), { minLength: 1, maxLength: 3 })), call: (lib, [Z]) => lib.runTransformerAsync(lib.makeTransformer({ d: 2, blocks: [{ kind: 'attention', rule: 'hardmax', A: [1, 0, 0, 1], step: 1 }] }), Z) },
  { name: 'readout', args: fc.tuple(anyCloud(), optionsArb(fc.record({ tolerance: fc.double({ min: 0, max: 1e-3, noNaN: true }) }), ['tolerance'])), call: (lib, [Z, o]) => lib.readout(Z, o) },
  // ---- diffusion and densities
  {
    name: 'diffusionSample',
    args: fc.tuple(anyCloud({ maxN: 6 }), optionsArb(fc.record({ T: fc.constantFrom(1, 2), tau: fc.constantFrom(0.01, 0.1), steps: small(20), samples: small(50), scheme: fc.constantFrom('euler-maruyama', 'heun'), seed: small(9) }, { requiredKeys: [] }), ['T', 'tau', 'steps', 'samples', 'scheme', 'diffusivity', 'grid', 'start', 'trajectory', ...progressFields])),
    call: (lib, [X, o]) => lib.diffusionSample(X, o),
  },
  { name: 'diffusionSampleAsync', args: fc.tuple(cloudArb({ maxN: 5 }), optionsArb(fc.record({ steps: small(10), samples: small(20) }), ['steps', 'samples', 'signal'])), call: (lib, [X, o]) => lib.diffusionSampleAsync(X, o) },
  { name: 'diffusionTimes', args: fc.tuple(num, num, int, fc.constantFrom('geometric', 'uniform', 'x', undefined)), call: (lib, a) => lib.diffusionTimes(...a) },
  { name: 'lemniscate', args: fc.tuple(fc.oneof(small(100), hostileNumber), fc.oneof(fc.constant(undefined), fc.record({ seed: small(9), scale: num, noise: num }, { requiredKeys: [] }), hostileScalar)), call: (lib, [n, o]) => lib.lemniscate(n, o) },
  { name: 'score', args: fc.tuple(cloudPair({ maxN: 6 }), fc.oneof(pos, num)), call: (lib, [[D, X], t]) => lib.score(D, X, t) },
  { name: 'scoreAsync', args: fc.tuple(cloudPair({ maxN: 5 }), pos), call: (lib, [[D, X], t]) => lib.scoreAsync(D, X, t) },
  { name: 'liYauCheck', args: fc.tuple(cloudPair({ maxN: 6 }), fc.oneof(pos, num)), call: (lib, [[D, X], t]) => lib.liYauCheck(D, X, t), oracle: (r) => (r.ok === false ? `Li–Yau violated: ${JSON.stringify(r).slice(0, 120)}` : null) },
  { name: 'liYauCheckAsync', args: fc.tuple(cloudPair({ maxN: 5 }), pos), call: (lib, [[D, X], t]) => lib.liYauCheckAsync(D, X, t) },
  { name: 'logDetJacobian', args: fc.tuple(controlsArg(2), anyCloud({ d: 2, maxN: 6 }), optionsArb(fc.record({ method: fc.constantFrom('exact', 'rk4', 'euler'), stepsPerLayer: small(20) }, { requiredKeys: [] }), ['method', 'stepsPerLayer', ...progressFields])), call: (lib, [c, X, o]) => lib.logDetJacobian(realize(lib, c), X, o) },
  { name: 'logDetJacobianAsync', args: fc.tuple(controlsArg(2), cloudArb({ d: 2, maxN: 5 })), call: (lib, [c, X]) => lib.logDetJacobianAsync(realize(lib, c), X) },
  { name: 'reverseControls', args: fc.tuple(controlsArg(2)), call: (lib, [c]) => lib.reverseControls(realize(lib, c)) },
  { name: 'pushforwardDensity', exempt: /^logDensity/, args: fc.tuple(controlsArg(2), anyCloud({ d: 2, maxN: 6 }), fc.oneof(fc.constant('gauss'), hostileScalar)), call: (lib, [c, Y, f]) => lib.pushforwardDensity(realize(lib, c), f === 'gauss' ? (x) => Math.exp(-(x[0] ** 2 + x[1] ** 2) / 2) / (2 * Math.PI) : f, Y) },
  { name: 'pushforwardDensityAsync', exempt: /^logDensity/, args: fc.tuple(controlsArg(2), cloudArb({ d: 2, maxN: 5 })), call: (lib, [c, Y]) => lib.pushforwardDensityAsync(realize(lib, c), (x) => Math.exp(-(x[0] ** 2 + x[1] ** 2) / 2) / (2 * Math.PI), Y) },
  {
    name: 'densityError',
    exempt: /^(standardError\.)?kl$/,
    args: fc.tuple(controlsArg(2), fc.oneof(fc.record({ grid: fc.record({ min: fc.constant([-3, -3]), max: fc.constant([3, 3]), cells: fc.oneof(small(30), hostileNumber) }) }), fc.record({ samples: anyCloud({ d: 2, maxN: 30 }) }), hostileScalar)),
    call: (lib, [c, o]) => lib.densityError(realize(lib, c), (x) => Math.exp(-(x[0] ** 2 + x[1] ** 2) / 2) / (2 * Math.PI), (x) => Math.exp(-(x[0] ** 2 + x[1] ** 2) / 2) / (2 * Math.PI), o),
  },
  { name: 'densityErrorAsync', exempt: /^(standardError\.)?kl$/, args: fc.tuple(controlsArg(2)), call: (lib, [c]) => lib.densityErrorAsync(realize(lib, c), () => 1 / 36, () => 1 / 36, { grid: { min: [-3, -3], max: [3, 3], cells: 10 } }) },
  // ---- worker threads
  { name: 'sweep', args: fc.tuple(fc.oneof(fc.constantFrom('interpolationSwitches', 'nope'), hostileScalar), fc.oneof(fc.constant([[10, 2, 1], [10, 2, 3]]), hostileScalar), fc.oneof(fc.constant(undefined), fc.record({ threads: fc.oneof(fc.integer({ min: 1, max: 2 }), hostileNumber) }), hostileScalar)), call: (lib, [fn, a, o]) => lib.sweep(fn, a, o) },
  { name: 'defaultThreads', args: fc.constant([]), call: (lib) => lib.defaultThreads() },
  { name: 'liveWorkers', args: fc.constant([]), call: (lib) => lib.liveWorkers() },
];

/** Names exported as values that are not functions to fuzz (classes, constants). */
export const notFuzzed = new Set(['FlowsteerError', 'InvalidArgumentError', 'ShapeMismatchError', 'NonFiniteError', 'InconsistentDataError', 'CapacityError', 'NotInitializedError', 'ConvergenceError', 'AbortError', 'CLASSIFY_METHODS', 'CONTROLS_FORMAT', 'DEFAULT_STEPS_PER_LAYER', 'WorkerError', 'TRANSFORMER_FORMAT', 'DIFFUSION_SCHEMES', 'DIFFUSION_GRIDS', 'LOGDET_METHODS', 'MAX_DENSITY_GRID_CELLS',
  // process-wide side effects, tested in test/parallel: not fuzzed with hostile input
  'setWorkerUrl', 'terminateWorkers']);
