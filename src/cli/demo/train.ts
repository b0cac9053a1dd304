/**
 * Demo section "train" (issue 9; survey arXiv 2510.03303 §3.3, eq. 3.12–3.15): constructed vs
 * trained controls, in two settings:
 *   (a) the ClassifNODEs setting (arXiv 2312.13807): N = 40 points in the plane, width 1,
 *       20 layers, hinge loss with margin 0.1 and the construction's half-space readout;
 *   (b) interpolation of N = 100 pairs (x_i, g(x_i)) in R², width 4.
 * Rows: constructed (classify / interpolate), trained from random, trained from the construction
 * (warm start). Columns: switches, ‖θ‖_BV, risk, accuracy / error on fresh samples, wall time,
 * and the a-priori bound (3.14) ‖θ*‖²_BV ≤ K + risk_c/α (K = ‖θ_c‖²_BV of the construction, risk_c
 * its risk): a trained result above it is a local minimiser with J_α larger than the
 * construction's — reported as a violation. Writes train-history.svg (loss per epoch).
 * See docs/algorithms/training.md.
 */
import { classify, createRng, dropoutErrorRate, fitSaNode, flow, interpolate, lossAndGradient, pendulumData, train, type Controls, type PointCloud, type TrainResult } from '../../index.js';
import type { LossOptions } from '../../training/gradient.js';
import { makeControls } from '../../validate.js';
import { escapeXml } from '../svg.js';
import { table } from '../table.js';
import type { DemoContext, DemoSection } from './context.js';

export interface CompareRow {
  row: string;
  switches: number;
  bv: number;
  risk: number;
  fresh: number;
  seconds: number;
  bound: string;
  history?: number[];
}

function timed<T>(fn: () => T): { value: T; seconds: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

function boundCheck(bv: number, K: number, riskC: number, alpha: number): string {
  const B = K + riskC / alpha;
  return bv * bv <= B ? `ok (${(bv * bv).toPrecision(3)} ≤ ${B.toPrecision(3)})` : `VIOLATED (${(bv * bv).toPrecision(3)} > ${B.toPrecision(3)})`;
}

function uniform(seed: number, n: number): PointCloud {
  const rng = createRng(seed);
  const data = new Float64Array(2 * n);
  for (let j = 0; j < data.length; j++) data[j] = 2 * rng.uniform() - 1;
  return { n, d: 2, data };
}

/** (a): classification, labels by a disc. */
export function compareClassification(seed: number, quick: boolean): { rows: CompareRow[]; alpha: number } {
  const N = 40, alpha = 1e-3, steps = 20;
  const X = uniform(seed, N), Xf = uniform(seed + 1, quick ? 500 : 2000);
  const lab = (P: PointCloud): number[] => Array.from({ length: P.n }, (_, i) => (P.data[2 * i] ** 2 + P.data[2 * i + 1] ** 2 < 0.45 ? 1 : 0));
  const y = lab(X), yf = lab(Xf);
  const con = timed(() => classify(X, y));
  type Readout = { axis: number; offset: number };
  const cr = con.value as unknown as { controls?: Controls; readout?: Readout; diagnostics?: { readout?: Readout } };
  const c0 = (cr.controls ?? (cr as unknown as Controls)) as Controls;
  // constructions may return { controls, diagnostics }: read the readout defensively
  const readout = (cr.readout ?? cr.diagnostics?.readout ?? (c0.meta?.readout as Readout | undefined))!;
  const lossOpts: LossOptions = { method: 'rk4', stepsPerLayer: steps, alpha, loss: { kind: 'hinge', margin: 0.1, readout } };
  const accuracy = (c: Controls, method: 'exact' | 'rk4'): number => {
    const z = flow(c, Xf, method === 'exact' ? { method } : { method, stepsPerLayer: steps }).data;
    let ok = 0;
    for (let i = 0; i < Xf.n; i++) if ((z[2 * i + readout.axis] - readout.offset > 0 ? 1 : 0) === yf[i]) ok++;
    return ok / Xf.n;
  };
  const jc = lossAndGradient(c0, X, y, lossOpts);
  const K = jc.bv * jc.bv;
  const epochs = quick ? 150 : 1500;
  const rows: CompareRow[] = [{ row: 'constructed (classify)', switches: c0.switches, bv: jc.bv, risk: jc.risk, fresh: accuracy(c0, 'exact'), seconds: con.seconds, bound: `K = ${K.toPrecision(3)}` }];
  const add = (name: string, r: { value: TrainResult; seconds: number }): void => {
    rows.push({ row: name, switches: r.value.controls.switches, bv: r.value.bv, risk: r.value.risk, fresh: accuracy(r.value.controls, 'rk4'), seconds: r.seconds, bound: boundCheck(r.value.bv, K, jc.risk, alpha), history: r.value.history.map((h) => h.loss) });
  };
  add('trained from random', timed(() => train(X, y, { ...lossOpts, width: 1, layers: 20, T: c0.T, epochs, learningRate: 0.02, seed })));
  add('trained from construction', timed(() => train(X, y, { ...lossOpts, controls: c0, epochs, learningRate: 0.002, seed })));
  return { rows, alpha };
}

/** (b): interpolation of x ↦ g(x), g a smooth diffeomorphism of the plane. */
export function compareInterpolation(seed: number, quick: boolean): { rows: CompareRow[]; alpha: number } {
  const N = 100, p = 4, alpha = 1e-4, steps = 10;
  const g = (P: PointCloud): PointCloud => {
    const data = new Float64Array(P.data.length);
    for (let i = 0; i < P.n; i++) {
      const x = P.data[2 * i], y = P.data[2 * i + 1];
      data[2 * i] = x + 0.3 * Math.sin(2 * y);
      data[2 * i + 1] = y + 0.3 * Math.sin(2 * x);
    }
    return { n: P.n, d: 2, data };
  };
  const X = uniform(seed + 2, N), Y = g(X), Xf = uniform(seed + 3, quick ? 500 : 2000), Yf = g(Xf);
  const con = timed(() => interpolate(X, Y, { width: p }));
  const cr = con.value as unknown as { controls?: Controls };
  const c0 = (cr.controls ?? (cr as unknown as Controls)) as Controls;
  const lossOpts: LossOptions = { method: 'rk4', stepsPerLayer: steps, alpha };
  const freshError = (c: Controls, method: 'exact' | 'rk4'): number => {
    const z = flow(c, Xf, method === 'exact' ? { method } : { method, stepsPerLayer: steps }).data;
    let s = 0;
    for (let i = 0; i < Xf.n; i++) s += Math.hypot(z[2 * i] - Yf.data[2 * i], z[2 * i + 1] - Yf.data[2 * i + 1]);
    return s / Xf.n;
  };
  const jc = lossAndGradient(c0, X, Y, lossOpts);
  const K = jc.bv * jc.bv;
  const epochs = quick ? 100 : 800;
  const rows: CompareRow[] = [{ row: 'constructed (interpolate)', switches: c0.switches, bv: jc.bv, risk: jc.risk, fresh: freshError(c0, 'exact'), seconds: con.seconds, bound: `K = ${K.toPrecision(3)}` }];
  const add = (name: string, r: { value: TrainResult; seconds: number }): void => {
    rows.push({ row: name, switches: r.value.controls.switches, bv: r.value.bv, risk: r.value.risk, fresh: freshError(r.value.controls, 'rk4'), seconds: r.seconds, bound: boundCheck(r.value.bv, K, jc.risk, alpha), history: r.value.history.map((h) => h.loss) });
  };
  add('trained from random', timed(() => train(X, Y, { ...lossOpts, width: p, layers: 8, T: c0.T, epochs, learningRate: 0.01, seed })));
  add('trained from construction', timed(() => train(X, Y, { ...lossOpts, controls: c0, epochs, learningRate: 1e-3, seed })));
  return { rows, alpha };
}

/** Loss per epoch of several runs, log scale. */
export function historySvg(series: { name: string; values: number[] }[], title: string, xLabel: (i: number) => string = (i) => `epoch ${i}`): string {
  const Wd = 800, H = 420, m = 60;
  const all = series.flatMap((s) => s.values).filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.log10(Math.min(...all)), hi = Math.log10(Math.max(...all));
  const maxLen = Math.max(...series.map((s) => s.values.length));
  const X = (i: number): number => m + ((Wd - 2 * m) * i) / Math.max(1, maxLen - 1);
  const Y = (v: number): number => H - m - ((H - 2 * m) * (Math.log10(v) - lo)) / Math.max(1e-12, hi - lo);
  const colours = ['#c0392b', '#2c6fbb', '#27ae60', '#8e44ad'];
  const body: string[] = [`<rect width="${Wd}" height="${H}" fill="white"/>`, `<text x="${m}" y="30" font-family="sans-serif" font-size="14">${escapeXml(title)}</text>`];
  body.push(`<line x1="${m}" y1="${H - m}" x2="${Wd - m}" y2="${H - m}" stroke="black"/><line x1="${m}" y1="${m}" x2="${m}" y2="${H - m}" stroke="black"/>`);
  body.push(`<text x="${m}" y="${H - m + 20}" font-family="sans-serif" font-size="11">${escapeXml(xLabel(0))}</text><text x="${Wd - m - 60}" y="${H - m + 20}" font-family="sans-serif" font-size="11">${escapeXml(xLabel(maxLen - 1))}</text>`);
  body.push(`<text x="5" y="${m + 4}" font-family="sans-serif" font-size="11">${(10 ** hi).toPrecision(2)}</text><text x="5" y="${H - m}" font-family="sans-serif" font-size="11">${(10 ** lo).toPrecision(2)}</text>`);
  series.forEach((s, j) => {
    const pts = s.values.map((v, i) => (v > 0 && Number.isFinite(v) ? `${X(i).toFixed(1)},${Y(v).toFixed(1)}` : null)).filter(Boolean);
    body.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${colours[j % 4]}" stroke-width="1.5"/>`);
    body.push(`<text x="${Wd - m - 250}" y="${m + 18 * j}" font-family="sans-serif" font-size="12" fill="${colours[j % 4]}">${escapeXml(s.name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Wd}" height="${H}" viewBox="0 0 ${Wd} ${H}">${body.join('')}</svg>\n`;
}

function printRows(ctx: DemoContext, rows: CompareRow[], freshName: string): void {
  ctx.log(
    table(
      ['', 'switches', '‖θ‖_BV', 'risk', freshName, 'wall s', 'bound (3.14)'],
      rows.map((r) => [r.row, r.switches, r.bv.toPrecision(4), r.risk.toPrecision(3), r.fresh.toPrecision(3), r.seconds.toFixed(2), r.bound]),
    ),
  );
}

export const trainSection: DemoSection = {
  name: 'train',
  async run(ctx) {
    ctx.log('== train: constructed vs trained controls, J_α = α‖θ‖²_BV + risk (arXiv 2510.03303 §3.3, eq. 3.13; docs/algorithms/training.md)');
    const a = compareClassification(ctx.seed, ctx.quick);
    ctx.log(`(a) N = 40 in the plane, width 1, 20 layers (random start), hinge loss margin 0.1, α = ${a.alpha}, RK4 20 steps/layer, Adam`);
    printRows(ctx, a.rows, 'fresh accuracy');
    const b = compareInterpolation(ctx.seed, ctx.quick);
    ctx.log(`(b) interpolation N = 100, d = 2, p = 4, x ↦ (x + 0.3 sin 2y, y + 0.3 sin 2x), α = ${b.alpha}, RK4 10 steps/layer, Adam; random start: 8 layers`);
    printRows(ctx, b.rows, 'fresh mean error');
    const violations = [...a.rows, ...b.rows].filter((r) => r.bound.startsWith('VIOLATED')).length;
    ctx.log(`a-priori bound (3.14) ‖θ*‖²_BV ≤ K + risk_c/α: ${violations} violation(s) among the trained results (a violation = training stopped at a local minimiser with J_α above the construction's)`);
    const svg = historySvg(
      [...a.rows, ...b.rows].filter((r) => r.history).map((r, j) => ({ name: `${j < 2 ? '(a)' : '(b)'} ${r.row}`, values: r.history! })),
      'J_α per epoch (log scale)',
    );
    ctx.log(`wrote ${ctx.write('train-history.svg', svg)}`);

    // SA-NODE (eq. 5.2) fitted to the pendulum θ̈ = −sin θ, 21×21 grid on [−2, 2]², T = 5
    const pd = pendulumData(ctx.quick ? 11 : 21, 2, 5, 26);
    const widths = ctx.quick ? [4, 8] : [4, 8, 16];
    const epochs = ctx.quick ? 40 : 150;
    const srows: (string | number)[][] = [];
    for (const w of widths) {
      const t = timed(() => fitSaNode(pd.X, pd.target, pd.frames, { width: w, T: 5, steps: 25, epochs, learningRate: 0.02, seed: ctx.seed }));
      srows.push([w, t.value.history[0].toPrecision(3), t.value.rmse.toPrecision(3), t.seconds.toFixed(1)]);
    }
    ctx.log(`SA-NODE ẋ = W relu(Ax + βt + b) (arXiv 2510.03303 eq. 5.2) fitted to the pendulum from a ${ctx.quick ? 11 : 21}² grid on [−2, 2]², T = 5, 25 sampled times, RK4 h = 0.2, Adam ${epochs} epochs`);
    ctx.log(table(['width P', 'initial MSE', 'final RMSE', 'wall s'], srows));

    // continuous-time dropout (random batch method): expected uniform error against h
    const rng = createRng(ctx.seed + 40);
    const p = 16, layers = [];
    for (let l = 0; l < 4; l++) {
      const A = new Float64Array(2 * p), W = new Float64Array(2 * p), b = new Float64Array(p);
      for (let i = 0; i < p; i++) {
        A.set(rng.unitVector(2), 2 * i);
        b[i] = 0.3 * rng.normal();
      }
      for (let j = 0; j < 2 * p; j++) W[j] = (1.5 * rng.normal()) / Math.sqrt(p);
      layers.push({ duration: 0.25, W, A, b });
    }
    const dc = makeControls({ d: 2, width: p, layers });
    const Xd = uniform(ctx.seed + 41, 100);
    const hs = [1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64];
    const draws = ctx.quick ? 40 : 200;
    const schemes = [
      { name: 'uniform 4 of 16', scheme: { kind: 'uniform', r: 4 } },
      { name: 'partition into 4', scheme: { kind: 'partition', groups: 4 } },
      { name: 'Bernoulli q = 0.25', scheme: { kind: 'bernoulli', q: 0.25 } },
    ] as const;
    const res = schemes.map((sc) => ({ ...sc, ...dropoutErrorRate(dc, Xd, { hs, draws, scheme: sc.scheme, seed: ctx.seed }) }));
    ctx.log(`continuous-time dropout (random batch method), d = 2, p = 16, 4 layers, T = 1, N = 100, RK4 one step per interval, ${draws} draws: E[max_i |Φ_drop(x_i) − Φ(x_i)|]`);
    ctx.log(table(['h', ...res.map((r) => r.name)], hs.map((h, j) => [`1/${Math.round(1 / h)}`, ...res.map((r) => `${r.rows[j].meanError.toPrecision(3)} ± ${r.rows[j].stderr.toPrecision(2)}`)])));
    ctx.log(`fitted rate of E[max_i |·|] (slope of log error against log h): ${res.map((r) => `${r.name} ${r.rate.toFixed(2)}`).join(', ')}`);
    ctx.log(table(['h', ...res.map((r) => `weak: ${r.name}`)], hs.map((h, j) => [`1/${Math.round(1 / h)}`, ...res.map((r) => r.rows[j].weakError.toPrecision(3))])));
    ctx.log(`fitted rate of the weak error max_i |E Φ_drop(x_i) − Φ(x_i)|: ${res.map((r) => `${r.name} ${r.weakRate.toFixed(2)}`).join(', ')} (Monte Carlo noise ≈ σ/√${draws} floors it at small h)`);
    ctx.log(`wrote ${ctx.write('dropout-rate.svg', historySvg(res.map((r) => ({ name: r.name, values: r.rows.map((q) => q.meanError) })), 'dropout: E max_i |Φ_drop − Φ| against h = 1/2 … 1/64 (h halves to the right; log y)', (i) => `h = 1/${2 ** (i + 1)}`))}`);
  },
};
