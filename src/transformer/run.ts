/**
 * Running a transformer (format.ts) on sequences of tokens, and the readout R that removes
 * repeated tokens (docs/algorithms/transformer.md).
 *
 * ResNet blocks act on all tokens of all sequences at once through the ReLU-field pair
 * (src/backend/relu.ts: kernel assembly/relu.ts or its twin); attention blocks act inside each
 * sequence through the attention kernels (hardmax: scores ⟨G z_i, G z_l⟩ with A = GᵀG from a
 * pivoted Cholesky factor, so low-rank A are exact and scores are symmetric bit for bit;
 * softmax: the softmax step of eq. 4.2). The construction (interpolate-sequences.ts) tracks its
 * tokens with `applyBlock`, the same function runTransformer uses.
 */
import { InvalidArgumentError, NonFiniteError } from '../errors.js';
import type { Trajectory } from '../flow/flow.js';
import { runAsync, runSync, type ProgressOptions } from '../flow/progress.js';
import { pivotedCholesky } from '../linalg/cholesky.js';
import type { PointCloud, PointsLike } from '../types.js';
import { asCloud, asOptions, checkBoolean, checkProgressOptions, checkTolerance } from '../validate.js';
import { attentionStep } from './attention.js';
import { reluBlock } from './resnet.js';
import { makeTransformer, type AttentionBlock, type Transformer, type TransformerBlock, type TransformerSpec } from './format.js';

export interface RunTransformerOptions extends ProgressOptions {
  /** Record the tokens before the first block and after every block (one frame each). */
  trajectory?: boolean;
}

export interface RunTransformerResult {
  /** The output sequences, one PointCloud per input sequence. */
  readonly outputs: PointCloud[];
  /** Frames: all tokens of all sequences (sequence j's tokens at offsets[j] … offsets[j+1]), frame k after k blocks. */
  readonly trajectory?: Trajectory & { readonly offsets: Int32Array };
}

/** Sequences of tokens: one PointsLike per sequence (or a single PointsLike for one sequence). */
export type SequencesLike = PointsLike | readonly PointsLike[];

/** Runs every block on every sequence; see the module doc. */
export function runTransformer(t: Transformer, sequences: SequencesLike, options?: RunTransformerOptions): RunTransformerResult {
  const o = asOptions(options);
  checkProgressOptions(o);
  return runSync(runGen(t, sequences, o, 'runTransformer'), o, 'runTransformer');
}

/** Like runTransformer, but yields to the event loop between blocks. */
export function runTransformerAsync(t: Transformer, sequences: SequencesLike, options?: RunTransformerOptions): Promise<RunTransformerResult> {
  const o = asOptions(options);
  checkProgressOptions(o);
  return runAsync(runGen(t, sequences, o, 'runTransformerAsync'), o, 'runTransformerAsync');
}

/** Sequences as arrays of token coordinates (row-major copies) and their common dimension. */
export function asSequences(sequences: SequencesLike, d: number | undefined, name: string): { seqs: Float64Array[]; d: number } {
  const list = isSingle(sequences) ? [sequences as PointsLike] : (sequences as readonly PointsLike[]);
  if (!Array.isArray(list) || list.length === 0) throw new InvalidArgumentError(name, sequences, 'a non-empty array of sequences (each a PointCloud or number[][])');
  let dim = d;
  const seqs = list.map((s, j) => {
    const c = asCloud(s, `${name}[${j}]`, { minPoints: 1, ...(dim !== undefined ? { d: dim } : {}) });
    dim = c.d;
    return Float64Array.from(c.data);
  });
  return { seqs, d: dim! };
}

function isSingle(s: SequencesLike): boolean {
  if (!Array.isArray(s)) return true; // a PointCloud
  return s.length > 0 && Array.isArray(s[0]) && (s[0] as unknown[]).length > 0 && typeof (s[0] as unknown[])[0] === 'number';
}

function* runGen(tIn: Transformer, sequences: SequencesLike, o: RunTransformerOptions, fn: string): Generator<number, RunTransformerResult> {
  const t = makeTransformer(tIn as unknown as TransformerSpec, 'transformer');
  const { seqs } = asSequences(sequences, t.d, 'sequences');
  const d = t.d;
  const record = checkBoolean('options.trajectory', o.trajectory, false);
  const total = seqs.reduce((s, z) => s + z.length / d, 0);
  const offsets = new Int32Array(seqs.length + 1);
  for (let j = 0; j < seqs.length; j++) offsets[j + 1] = offsets[j] + seqs[j].length / d;
  const frames = t.blocks.length + 1;
  if (record && frames * total * d > 2 ** 28) throw new InvalidArgumentError('options.trajectory', true, `at most 2^28 recorded values (here ${frames}·${total}·${d})`, 'run without a trajectory or on fewer tokens');
  const data = record ? new Float64Array(frames * total * d) : null;
  const snap = (f: number): void => {
    if (data) for (let j = 0; j < seqs.length; j++) data.set(seqs[j], (f * total + offsets[j]) * d);
  };
  snap(0);
  const cache = new Map<AttentionBlock, Float64Array>();
  for (let k = 0; k < t.blocks.length; k++) {
    applyBlock(t.blocks[k], seqs, d, cache, fn);
    for (let j = 0; j < seqs.length; j++) {
      const z = seqs[j];
      for (let q = 0; q < z.length; q++) {
        if (!Number.isFinite(z[q])) throw new NonFiniteError('transformer', q, z[q], `sequence ${j}, token ${Math.floor(q / d)} after block ${k}: the blocks overflow these tokens`);
      }
    }
    snap(k + 1);
    yield (k + 1) / t.blocks.length;
  }
  const outputs = seqs.map((z) => ({ n: z.length / d, d, data: z }));
  if (!data) return { outputs };
  const times = Float64Array.from({ length: frames }, (_, f) => f);
  return { outputs, trajectory: { frames, n: total, d, times, data, offsets } };
}

/** Applies one block in place to every sequence (the construction uses this too). */
export function applyBlock(block: TransformerBlock, seqs: Float64Array[], d: number, cache: Map<AttentionBlock, Float64Array>, fn: string): void {
  if (block.kind === 'resnet') {
    reluBlock(block, seqs, d, fn);
    return;
  }
  let G = cache.get(block);
  if (!G) {
    G = pivotedCholesky(block.A, d).G;
    cache.set(block, G);
  }
  for (const z of seqs) attentionStep(block, G, z, z.length / d, d, fn);
}

export interface ReadoutOptions {
  /** Tokens within tolerance·max(1, |q|) (Euclidean) of an earlier kept token q are repeats (default 1e-7). */
  tolerance?: number;
}

/**
 * The readout R: deletes repeated tokens, keeping first occurrences in order. Tokens collapsed
 * by attention coincide up to rounding, hence the relative tolerance.
 */
export function readout(Z: PointsLike, options?: ReadoutOptions): PointCloud {
  const o = asOptions(options);
  const tol = checkTolerance('options.tolerance', o.tolerance, 1e-7);
  const z = asCloud(Z, 'Z', { minPoints: 1 });
  const { n, d } = z;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let repeat = false;
    for (const q of keep) {
      let dist2 = 0, norm2 = 0;
      for (let k = 0; k < d; k++) {
        dist2 += (z.data[i * d + k] - z.data[q * d + k]) ** 2;
        norm2 += z.data[q * d + k] ** 2;
      }
      if (Math.sqrt(dist2) <= tol * Math.max(1, Math.sqrt(norm2))) {
        repeat = true;
        break;
      }
    }
    if (!repeat) keep.push(i);
  }
  const data = new Float64Array(keep.length * d);
  keep.forEach((q, r) => data.set(z.data.subarray(q * d, (q + 1) * d), r * d));
  return { n: keep.length, d, data };
}

