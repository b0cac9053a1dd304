/**
 * Exact sequence-to-sequence interpolation with a transformer (arXiv 2502.02270, survey arXiv
 * 2510.03303 §4.2), as implemented here: docs/algorithms/transformer.md.
 *
 * Given N input sequences Zʲ (nʲ pairwise distinct tokens in R^d, d ≥ 2) and targets Yʲ (mʲ ≤ nʲ
 * pairwise distinct tokens), build T with R(T(Zʲ)) = Yʲ, where R deletes repeated tokens. Token k
 * of sequence j ends at yʲ_k for k ≤ mʲ − 2 ("singletons") and every token from position mʲ − 1 on
 * ends at yʲ_{mʲ−1} (the "big cluster", collapsed by attention). Blocks, in order:
 *   1. tag (attention with A = 0, step s: z ← (1 − s) z + s·mean of its sequence) — tokens of
 *      different sequences become distinct; then a stretch along a direction u (one ReLU, always
 *      active: ⟨u, z⟩ ↦ K(⟨u, z⟩ + β) − β), so that every token lies far out on the +u side;
 *   2. one hat per singleton (a 4-ReLU trapezoid along u whose plateau holds exactly that token)
 *      sending it to its own angle on an arc on the −u side of the (u, e) plane;
 *   3. collapse: attention with A = uuᵀ + eeᵀ and step 1 — singletons attend only to themselves,
 *      every big-cluster token only to its cluster's leader (the token with the largest ⟨u, z⟩);
 *   4. one hat per distinct point (singletons and leaders) moving it onto its target; targets lie
 *      in |⟨u, ·⟩| ≤ ρ_B, unplaced points beyond ρ_B + 2S, so placed points are never touched again.
 * Counting a ResNet block and the attention block before it as one block (as the papers do):
 * 2Σmʲ − N + 1 blocks, against 2Σmʲ + 2N + 1 (hardmax) and 2Σmʲ + 3N (softmax) published. Parameters:
 * O(d) per block (rank-2 attention, 4 ReLUs), independent of the lengths nʲ.
 * Softmax: the same blocks with softmax attention; the collapse temperature is chosen so that the
 * weight of every non-maximiser is below 2^−53/n of the row (the kernel then drops it exactly);
 * the exact-arithmetic error bound n·e^{−Δ/T}·diam is reported as `promisedError`.
 * Every block is applied with `applyBlock`, the runner's own code, so the construction tracks the
 * tokens the runner will produce; the result is re-run from the inputs and measured.
 */
import { ConvergenceError, InconsistentDataError, InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import { checkSeed, createRng, type Rng } from '../rng.js';
import type { PointsLike } from '../types.js';
import { asOptions, checkCount, checkOneOf, checkPositive, checkProgressOptions } from '../validate.js';
import { makeTransformer, type AttentionBlock, type AttentionRule, type Transformer, type TransformerSpec } from './format.js';
import { applyBlock, asSequences, readout, runTransformer } from './run.js';

export interface InterpolateSequencesOptions extends ProgressOptions {
  /** Attention rule of every attention block (default 'hardmax'). */
  attention?: AttentionRule;
  /** Softmax only: temperature of the collapse block (default: small enough that the collapse is exact in floating point). */
  temperature?: number;
  /** Seed of the random directions and the tag step (default 0). */
  seed?: number;
  /** Random directions u tried; the one with the largest (smallest gap)/(range) of the projections wins (default 32). */
  candidates?: number;
}

export interface SequenceInterpolationDiagnostics {
  /** Blocks counted as the papers do (a ResNet block with the attention block before it is one): 2Σmʲ − N + 1. */
  readonly blocks: number;
  /** Entries of transformer.blocks (attention and ResNet separately): 2Σmʲ − N + 3. */
  readonly layers: number;
  /** Trainable numbers: ResNet W, A, b plus rank(A)·d for each attention matrix. Independent of the lengths nʲ. */
  readonly parameters: number;
  /** Published block counts for the same data: 2Σmʲ + 2N + 1 (hardmax), 2Σmʲ + 3N (softmax). */
  readonly published: { readonly hardmax: number; readonly softmax: number };
  /** max_j max_k |R(T(Zʲ))_k − Yʲ_k| / max(1e-300, max |Y|), measured by running the transformer from the inputs. */
  readonly maxError: number;
  /** Smallest hat half-width relative to the largest |token| seen: how far every other token stays from a hat's support. */
  readonly clearance: number;
  /** Largest |token| along the blocks relative to the data scale (max |input|, |target|). */
  readonly excursion: number;
  /**
   * First-order rounding sensitivity of the output, relative to the target scale: how far another
   * correct floating-point evaluation of the same transformer (other summation orders) may land from
   * the targets. It grows as (move length)/(hat width): many tokens crowd the projections.
   */
  readonly roundingSensitivity: number;
  /** Stretch factor K of the first ResNet block. */
  readonly stretch: number;
  /** Softmax: temperature of the collapse and the bound n·e^{−Δ/T}·diam on its deviation from the hardmax collapse in exact arithmetic. */
  readonly temperature?: number;
  readonly promisedError?: number;
}

export interface SequenceInterpolation {
  readonly transformer: Transformer;
  readonly diagnostics: SequenceInterpolationDiagnostics;
}

export function interpolateSequences(inputs: readonly PointsLike[], targets: readonly PointsLike[], options?: InterpolateSequencesOptions): SequenceInterpolation {
  const o = asOptions(options);
  checkProgressOptions(o);
  return runSync(build(inputs, targets, o), o, 'interpolateSequences');
}

export function interpolateSequencesAsync(inputs: readonly PointsLike[], targets: readonly PointsLike[], options?: InterpolateSequencesOptions): Promise<SequenceInterpolation> {
  const o = asOptions(options);
  checkProgressOptions(o);
  return runAsync(build(inputs, targets, o), o, 'interpolateSequencesAsync');
}

const dot = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, d: number): number => {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[ao + k] * b[k];
  return s;
};

function* build(inputs: readonly PointsLike[], targets: readonly PointsLike[], o: InterpolateSequencesOptions): Generator<number, SequenceInterpolation> {
  const rule = checkOneOf('options.attention', o.attention ?? 'hardmax', ['hardmax', 'softmax'] as const);
  const seed = checkSeed(o.seed ?? 0, 'options.seed');
  const candidates = checkCount('options.candidates', o.candidates ?? 32, 1, 4096);
  const userT = o.temperature === undefined ? undefined : checkPositive('options.temperature', o.temperature);
  if (userT !== undefined && rule !== 'softmax') throw new InvalidArgumentError('options.temperature', userT, "absent unless attention is 'softmax'");
  if (!Array.isArray(inputs) || inputs.length === 0) throw new InvalidArgumentError('inputs', inputs, 'a non-empty array of sequences (each number[][] or a PointCloud)');
  if (!Array.isArray(targets) || targets.length !== inputs.length) throw new ShapeMismatchError('targets', Array.isArray(targets) ? `${targets.length} sequences` : targets, `${inputs.length} sequences, one per input`);
  const { seqs: Z, d } = asSequences(inputs, undefined, 'inputs');
  const { seqs: Y } = asSequences(targets, d, 'targets');
  if (d < 2) throw new InvalidArgumentError('inputs', `tokens in R^${d}`, 'tokens in R^d with d ≥ 2', 'the construction separates sequences in a plane (u, e); embed the tokens in R^2');
  const N = Z.length;
  const n = Z.map((z) => z.length / d), m = Y.map((y) => y.length / d);
  for (let j = 0; j < N; j++) {
    if (m[j] > n[j]) throw new ShapeMismatchError(`targets[${j}]`, `${m[j]} tokens`, `at most ${n[j]} tokens (the length of inputs[${j}])`, 'a transformer maps a sequence to a sequence of the same length; R can only shorten it');
  }
  checkDistinctTokens(Z, d, 'inputs', 0);
  checkDistinctSequences(Z, d);
  // S: the largest Euclidean norm of an input or target token (the data's scale)
  let S = 0;
  for (const a of [...Z, ...Y]) for (let i = 0; i < a.length / d; i++) S = Math.max(S, Math.sqrt(dot(a, i * d, a.subarray(i * d, (i + 1) * d), d)));
  if (S === 0) S = 1;
  checkDistinctTokens(Y, d, 'targets', 1e-6 * S);
  const M = m.reduce((a, b) => a + b, 0);
  const totalBlocks = 2 * M - N + 3;
  const rng = createRng(seed);
  const cur = Z.map((z) => Float64Array.from(z));
  const blocks: Record<string, unknown>[] = [];
  const cache = new Map<AttentionBlock, Float64Array>();
  let excursion = S, clearance = Infinity;
  const sens = { max: 0 };
  const apply = (spec: Record<string, unknown>): void => {
    const t = makeTransformer({ d, blocks: [spec] } as TransformerSpec, 'block');
    applyBlock(t.blocks[0], cur, d, cache, 'interpolateSequences');
    blocks.push(spec);
    for (const z of cur) for (const v of z) excursion = Math.max(excursion, Math.abs(v));
  };
  const zeros = new Float64Array(d * d);
  const attention = (A: Float64Array, step: number, T?: number): Record<string, unknown> =>
    rule === 'hardmax' ? { kind: 'attention', rule, A, step } : { kind: 'attention', rule, A, step, temperature: T ?? 1 };

  // 1. tag + direction u (largest relative gap of the projections of all tagged tokens)
  let u: Float64Array | null = null, tagStep = 0, tagged: Float64Array[] = Z;
  let worst: { gap: number; a: [number, number]; b: [number, number] } | null = null;
  for (let attempt = 0; attempt < 4 && !u; attempt++) {
    tagStep = 0.25 + 0.5 * rng.uniform();
    const trial = Z.map((z) => Float64Array.from(z));
    const tblock = makeTransformer({ d, blocks: [attention(zeros, tagStep)] } as TransformerSpec, 'block').blocks[0];
    applyBlock(tblock, trial, d, new Map(), 'interpolateSequences');
    // Among directions that keep every token distinct, the one with the widest gap between the two
    // largest projections of every big cluster: the stretch K needed for the collapse, and with it
    // the distances the target hats move points (their rounding), grow as 1/gap.
    let best = -Infinity, bestRel = -1;
    for (let c = 0; c < candidates; c++) {
      const v = rng.unitVector(d);
      const g = projectionGap(trial, d, v);
      if (g.rel > bestRel) {
        bestRel = g.rel;
        worst = g;
      }
      if (!(g.rel > 1e-12)) continue;
      const score = clusterGap(trial, d, v, n, m);
      if (score > best) {
        best = score;
        u = v;
        tagged = trial;
      }
    }
  }
  if (!u) {
    const [ja, ka] = worst!.a, [jb, kb] = worst!.b;
    if (ja === jb) throw new InconsistentDataError('inputs', `tokens ${ka} and ${kb} of sequence ${ja} are too close to be separated (relative gap < 1e-12)`, [ja, ka, kb], 'merge or perturb nearly equal tokens');
    throw new InconsistentDataError(
      'inputs',
      `sequences ${ja} and ${jb} cannot be told apart by attention: token ${ka} of one and token ${kb} of the other stay equal after averaging (equal means and a shared token, or one sequence is a permutation of the other — attention without positions is permutation-equivariant)`,
      [ja, jb],
      'remove one of the two sequences or make their token sets differ',
    );
  }
  // e ⟂ u with the smallest spread max|⟨e, z⟩| (the collapse needs K ∝ that spread squared)
  let e: Float64Array = new Float64Array(d), rBest = Infinity;
  for (let c = 0; c < candidates; c++) {
    const v = orthonormalTo(rng.unitVector(d), u, d);
    if (!v) continue;
    let r = 0;
    for (const z of tagged) for (let i = 0; i < z.length / d; i++) r = Math.max(r, Math.abs(dot(z, i * d, v, d)));
    if (r < rBest) {
      rBest = r;
      e = v;
    }
  }
  if (!(rBest < Infinity)) e = orthonormalTo(Float64Array.from({ length: d }, (_, k) => (k === (Math.abs(u[0]) < 0.9 ? 0 : 1) ? 1 : 0)), u, d)!;
  apply(attention(zeros, tagStep));
  yield blocks.length / totalBlocks;

  // 2. singletons to an arc on the −u side, before the stretch (the tokens are still O(S), so the
  // hats' rounding, relative d·ulp(|z|)/h, acts on short distances). ⟨u, dest⟩ ≤ −S_r/2 < −β keeps
  // them out of the stretch's ReLU (β ≤ 2S).
  // radius: ⟨u, dest⟩ ≤ −S_r cos(π/4) = −2.5S < −β. Every hat's width comes from the gaps to all
  // tokens and targets, so the arc need not clear the targets' band; a short arc keeps moves short.
  const Sr = (2.5 * S) / Math.cos(Math.PI / 4);
  const nsing = M - N;
  let g = 0;
  for (let j = 0; j < N; j++) {
    for (let k = 0; k < m[j] - 1; k++) {
      const phi = 0.05 + ((Math.PI / 4 - 0.05) * g) / Math.max(1, nsing - 1);
      g++;
      const dest = new Float64Array(d);
      for (let q = 0; q < d; q++) dest[q] = Sr * (-Math.cos(phi) * u[q] + Math.sin(phi) * e[q]);
      const { v, h } = hatDirection(cur, d, u, j, [k], [dest], rng, candidates);
      clearance = Math.min(clearance, h / excursion);
      apply(hat(cur[j], k, d, v, h, dest, sens));
      checkPlaced(cur[j], k, d, dest, Sr, 'singleton');
      yield blocks.length / totalBlocks;
    }
  }

  // stretch along u: ⟨u, z⟩ ↦ K(⟨u, z⟩ + β) − β with ⟨u, z⟩ + β ≥ S for every big-cluster token
  // (big-cluster tokens only: the singletons already sit on the −u arc, where this ReLU is off)
  let sMin = Infinity, rE = 0, delta = Infinity;
  for (let j = 0; j < N; j++) for (let i = m[j] - 1; i < n[j]; i++) {
    sMin = Math.min(sMin, dot(cur[j], i * d, u, d));
    rE = Math.max(rE, Math.abs(dot(cur[j], i * d, e, d)));
  }
  for (let j = 0; j < N; j++) {
    if (n[j] - m[j] + 1 < 2) continue;
    let a = -Infinity, b = -Infinity;
    for (let i = m[j] - 1; i < n[j]; i++) {
      const s = dot(cur[j], i * d, u, d);
      if (s > a) [a, b] = [s, a];
      else if (s > b) b = s;
    }
    delta = Math.min(delta, a - b);
  }
  const beta = S - sMin;
  // after it every big-cluster token has ⟨u, z⟩ ≥ KS − β ≥ 2rₑ + S: a singleton at angle φ ≤ π/4 scores
  // S_r(−cos φ⟨u, z⟩ + sin φ⟨e, z⟩) < 0 with it, below its own S_r²
  let K = (2 * rE + S + beta) / S;
  for (let it = 0; Number.isFinite(delta) && (K * S - beta) * K * delta <= 4 * rE * rE * (1 + 1e-12); it++) {
    K *= 2;
    if (it > 200 || !Number.isFinite(K)) throw new InconsistentDataError('inputs', 'the big clusters cannot be made to collapse onto one leader (their two largest projections coincide)', [], 'perturb the inputs');
  }
  apply({ kind: 'resnet', width: 1, residual: true, A: Float64Array.from(u), b: Float64Array.of(beta), W: Float64Array.from(u, (x) => (K - 1) * x) });
  yield blocks.length / totalBlocks;

  // 3. collapse (rank-2 attention, full step)
  const A2 = new Float64Array(d * d);
  for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) A2[r * d + c] = u[r] * u[c] + e[r] * e[c];
  let T: number | undefined, promised: number | undefined;
  if (rule === 'softmax') {
    const { gap, diam, nMax } = scoreGap(cur, d, A2);
    T = userT ?? gap / (Math.log(nMax) + 53 * Math.LN2 + 2);
    promised = nMax * Math.exp(-gap / T) * diam;
  }
  const before = cur.map((z) => Float64Array.from(z));
  apply(attention(A2, 1, T));
  const leaders: number[] = [];
  for (let j = 0; j < N; j++) {
    let L = m[j] - 1;
    for (let i = m[j]; i < n[j]; i++) if (dot(before[j], i * d, u, d) > dot(before[j], L * d, u, d)) L = i;
    leaders.push(L);
    if (userT === undefined) {
      const tol = 1e-12 * excursion;
      for (let i = 0; i < n[j]; i++) {
        const want = i < m[j] - 1 ? i : L;
        for (let q = 0; q < d; q++) {
          if (Math.abs(cur[j][i * d + q] - before[j][want * d + q]) > tol) {
            throw new ConvergenceError('interpolateSequences', `the collapse block did not send token ${i} of sequence ${j} to ${i < m[j] - 1 ? 'itself' : `its leader ${L}`}`, 'report this data set; try another options.seed');
          }
        }
      }
    }
  }

  // 4. target hats
  for (let j = 0; j < N; j++) {
    for (let k = 0; k < m[j]; k++) {
      const rep = k < m[j] - 1 ? k : leaders[j];
      const members = k < m[j] - 1 ? [k] : Array.from({ length: n[j] - m[j] + 1 }, (_, q) => m[j] - 1 + q);
      const y = Y[j].subarray(k * d, (k + 1) * d);
      const { v, h } = hatDirection(cur, d, u, j, members, Y, rng, candidates);
      clearance = Math.min(clearance, h / excursion);
      apply(hat(cur[j], rep, d, v, h, y, sens));
      yield blocks.length / totalBlocks;
    }
  }

  const meta = { construction: 'interpolateSequences', attention: rule, seed, reference: 'arXiv 2502.02270; docs/algorithms/transformer.md' };
  const transformer = makeTransformer({ d, blocks, meta } as TransformerSpec, 'transformer');
  // measure: run from the inputs, read out, compare with the targets
  const { outputs } = runTransformer(transformer, Z.map((z, j) => ({ n: n[j], d, data: Float64Array.from(z) })));
  let err = 0, yScale = 0;
  for (const y of Y) for (const v of y) yScale = Math.max(yScale, Math.abs(v));
  for (let j = 0; j < N; j++) {
    const R = readout(outputs[j]);
    if (R.n !== m[j]) {
      throw new ConvergenceError('interpolateSequences', `the readout of sequence ${j} has ${R.n} tokens, not ${m[j]}`, 'report this data set; try another options.seed');
    }
    for (let q = 0; q < R.data.length; q++) err = Math.max(err, Math.abs(R.data[q] - Y[j][q]));
  }
  let parameters = 0;
  for (const b of transformer.blocks) {
    if (b.kind === 'resnet') parameters += 2 * d * b.width + b.width;
    else parameters += (b.A === zeros || b.A.every((v) => v === 0) ? 0 : 2) * d;
  }
  const diagnostics: SequenceInterpolationDiagnostics = {
    blocks: 2 * M - N + 1,
    layers: transformer.blocks.length,
    parameters,
    published: { hardmax: 2 * M + 2 * N + 1, softmax: 2 * M + 3 * N },
    maxError: err / Math.max(yScale, 1e-300),
    clearance,
    excursion: excursion / S,
    roundingSensitivity: sens.max / Math.max(yScale, 1e-300),
    stretch: K,
    ...(T !== undefined ? { temperature: T, promisedError: promised } : {}),
  };
  return { transformer, diagnostics };
}

/** v − ⟨v, u⟩u normalised (twice, for orthogonality to rounding), or null when v ∥ u. */
function orthonormalTo(v: Float64Array, u: Float64Array, d: number): Float64Array | null {
  for (let pass = 0; pass < 2; pass++) {
    const c = dot(v, 0, u, d);
    for (let k = 0; k < d; k++) v[k] -= c * u[k];
    let nrm = 0;
    for (let k = 0; k < d; k++) nrm += v[k] * v[k];
    nrm = Math.sqrt(nrm);
    if (!(nrm > 1e-8)) return null;
    for (let k = 0; k < d; k++) v[k] /= nrm;
  }
  return v;
}

/** min over sequences with a big cluster of ≥ 2 tokens of (largest − second largest ⟨v, z⟩) / scale. */
function clusterGap(seqs: Float64Array[], d: number, v: Float64Array, n: number[], m: number[]): number {
  let gap = Infinity, scale = 1e-300;
  seqs.forEach((z, j) => {
    let a = -Infinity, b = -Infinity;
    for (let i = 0; i < n[j]; i++) {
      const s = dot(z, i * d, v, d);
      scale = Math.max(scale, Math.abs(s));
      if (i < m[j] - 1) continue;
      if (s > a) [a, b] = [s, a];
      else if (s > b) b = s;
    }
    if (b > -Infinity) gap = Math.min(gap, a - b);
  });
  return Number.isFinite(gap) ? gap / scale : 1;
}

/** Smallest gap between sorted projections ⟨v, z⟩ of all tokens, relative to their range + scale, and the pair. */
function projectionGap(seqs: Float64Array[], d: number, v: Float64Array): { rel: number; gap: number; a: [number, number]; b: [number, number] } {
  const all: { s: number; j: number; i: number }[] = [];
  let scale = 0;
  seqs.forEach((z, j) => {
    for (let i = 0; i < z.length / d; i++) {
      const s = dot(z, i * d, v, d);
      all.push({ s, j, i });
      scale = Math.max(scale, Math.abs(s));
    }
  });
  all.sort((p, q) => p.s - q.s);
  let gap = Infinity, a: [number, number] = [0, 0], b: [number, number] = [0, 0];
  for (let q = 1; q < all.length; q++) {
    const g = all[q].s - all[q - 1].s;
    if (g < gap) {
      gap = g;
      a = [all[q - 1].j, all[q - 1].i];
      b = [all[q].j, all[q].i];
    }
  }
  const range = all.length ? all[all.length - 1].s - all[0].s : 0;
  return { rel: all.length < 2 ? 1 : gap / Math.max(range, scale, 1e-300), gap, a, b };
}

/**
 * The direction of a hat and its half-width h: among u and `candidates` random unit vectors, the
 * one along which the representative's projection t is farthest from the projections of every
 * other token (its own cluster's members excluded by index) and of the `avoid` points (targets,
 * destinations); h is a quarter of that distance. A wide hat keeps the move insensitive to
 * rounding: its plateau value loses about d·ulp(|z|) to cancellation, relative d·ulp(|z|)/h.
 */
function hatDirection(seqs: Float64Array[], d: number, u: Float64Array, j: number, members: number[], avoid: ArrayLike<number>[] | Float64Array[], rng: Rng, candidates: number): { v: Float64Array; h: number } {
  const z0 = seqs[j].subarray(members[0] * d, (members[0] + 1) * d);
  const skip = new Set(members);
  let best: { v: Float64Array; h: number } | null = null;
  for (let c = 0; c <= candidates; c++) {
    const v = c === 0 ? u : rng.unitVector(d);
    const t = dot(z0, 0, v, d);
    let gap = Infinity;
    seqs.forEach((z, jj) => {
      for (let i = 0; i < z.length / d; i++) if (!(jj === j && skip.has(i))) gap = Math.min(gap, Math.abs(dot(z, i * d, v, d) - t));
    });
    for (const y of avoid) for (let i = 0; i < y.length / d; i++) gap = Math.min(gap, Math.abs(dot(y, i * d, v, d) - t));
    if (!Number.isFinite(gap)) gap = Math.max(1, Math.abs(t));
    // the rounding of ⟨v, z⟩ is about d·ulp(|z|) whatever v is: the widest gap wins
    if (!best || gap / 4 > best.h) best = { v, h: gap / 4 };
  }
  const t = dot(z0, 0, best!.v, d);
  if (!(best!.h > 1e-12 * Math.max(1, Math.abs(t)))) {
    throw new InconsistentDataError('inputs', `token ${members[0]} of sequence ${j} cannot be isolated from the other tokens (gap ${4 * best!.h})`, [j, members[0]], 'perturb nearly equal tokens or try another options.seed');
  }
  return best!;
}

/**
 * A trapezoid hat along u centred at the token's projection t: relu(s − t + 2h) − relu(s − t + h)
 * − relu(s − t − h) + relu(s − t − 2h) equals h on [t − h, t + h] and 0 outside (t − 2h, t + 2h);
 * W = (dest − z)/v ⊗ (1, −1, −1, 1) moves the plateau by dest − z. v is the plateau value the ReLU
 * field computes for this very token (same operations as src/kernels/relu.ts), not h: s − t loses
 * about ulp(t)·d to cancellation, and dividing by the computed v removes that error from the move.
 */
function hat(z: Float64Array, i: number, d: number, u: Float64Array, h: number, dest: ArrayLike<number>, sens?: { max: number }): Record<string, unknown> {
  const t = dot(z, i * d, u, d);
  const A = new Float64Array(4 * d);
  for (let r = 0; r < 4; r++) A.set(u, r * d);
  const b = Float64Array.of(-t + 2 * h, -t + h, -t - h, -t - 2 * h);
  const sign = [1, -1, -1, 1];
  let v = 0;
  for (let r = 0; r < 4; r++) {
    let s = b[r];
    for (let k = 0; k < d; k++) s = s + A[r * d + k] * z[i * d + k];
    if (s > 0) v += sign[r] * s;
  }
  const W = new Float64Array(d * 4);
  for (let k = 0; k < d; k++) for (let r = 0; r < 4; r++) W[k * 4 + r] = (sign[r] * (dest[k] - z[i * d + k])) / v;
  if (sens) {
    // first-order rounding sensitivity of the move: the plateau value is known to about
    // (d + 2)·ε·(|t| + Σ|u_k z_k| + 2h); the move is (dest − z) times value / v
    let terms = Math.abs(t) + 2 * h, move = 0;
    for (let k = 0; k < d; k++) {
      terms += Math.abs(u[k] * z[i * d + k]);
      move = Math.max(move, Math.abs(dest[k] - z[i * d + k]));
    }
    sens.max = Math.max(sens.max, ((d + 2) * Number.EPSILON * terms * move) / v);
  }
  return { kind: 'resnet', width: 4, residual: true, W, A, b };
}

function checkPlaced(z: Float64Array, i: number, d: number, dest: Float64Array, scale: number, what: string): void {
  for (let k = 0; k < d; k++) {
    if (!(Math.abs(z[i * d + k] - dest[k]) <= 1e-9 * scale)) {
      throw new ConvergenceError('interpolateSequences', `a ${what} hat missed its destination by ${Math.abs(z[i * d + k] - dest[k])}`, 'report this data set; try another options.seed');
    }
  }
}

/** Smallest margin between the best and second-best score of every token (collapse pattern), the diameter, the longest sequence. */
function scoreGap(seqs: Float64Array[], d: number, A: Float64Array): { gap: number; diam: number; nMax: number } {
  let gap = Infinity, diam = 0, nMax = 1;
  const w = new Float64Array(d);
  for (const z of seqs) {
    const n = z.length / d;
    nMax = Math.max(nMax, n);
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < d; r++) w[r] = dot(A, r * d, z.subarray(i * d, (i + 1) * d), d);
      let a = -Infinity, b = -Infinity;
      for (let l = 0; l < n; l++) {
        const s = dot(z, l * d, w, d);
        if (s > a) [a, b] = [s, a];
        else if (s > b) b = s;
        let dd = 0;
        for (let k = 0; k < d; k++) dd += (z[i * d + k] - z[l * d + k]) ** 2;
        diam = Math.max(diam, Math.sqrt(dd));
      }
      if (n > 1) gap = Math.min(gap, a - b);
    }
  }
  return { gap: Number.isFinite(gap) && gap > 0 ? gap : 1, diam, nMax };
}

/** Tokens of each sequence pairwise distinct (targets: farther apart than `minDist`). */
function checkDistinctTokens(seqs: Float64Array[], d: number, name: string, minDist: number): void {
  seqs.forEach((z, j) => {
    const n = z.length / d;
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        let dd = 0;
        for (let k = 0; k < d; k++) dd += (z[a * d + k] - z[b * d + k]) ** 2;
        if (Math.sqrt(dd) <= minDist) {
          throw new InconsistentDataError(name, `tokens ${a} and ${b} of ${name}[${j}] are equal${minDist ? ' (closer than 1e-6 of the data scale)' : ''}`, [j, a, b], name === 'targets' ? 'the readout merges equal tokens: make the target tokens distinct' : 'remove repeated tokens from the input sequence');
        }
      }
    }
  });
}

function checkDistinctSequences(seqs: Float64Array[], d: number): void {
  for (let a = 0; a < seqs.length; a++) {
    for (let b = a + 1; b < seqs.length; b++) {
      const x = seqs[a], y = seqs[b];
      if (x.length === y.length && x.every((v, q) => v === y[q])) {
        throw new InconsistentDataError('inputs', `sequences ${a} and ${b} are equal (${x.length / d} tokens each)`, [a, b], 'pass every input sequence once');
      }
    }
  }
}

