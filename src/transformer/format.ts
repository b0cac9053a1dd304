/**
 * Transformers as data: format "flowsteer.transformer/1" (docs/algorithms/transformer.md).
 *
 *   { "format": "flowsteer.transformer/1", "d": 2, "blocks": [ block, … ], "meta": { … } }
 *
 * A block acts on every token of every sequence:
 *   resnet     { kind: 'resnet', width: p, W (d×p), A (p×d), b (p), residual }
 *              z ← z + W relu(A z + b)   (residual: true)   or   z ← W relu(A z + b)
 *   attention  { kind: 'attention', rule: 'hardmax' | 'softmax', A (d×d, symmetric PSD), step, temperature? }
 *              z_i ← z_i + step·(m_i − z_i), inside each sequence, with
 *              hardmax: m_i = mean of the z_l maximising ⟨A z_i, z_l⟩ (all maximisers, eq. 4.1 of
 *                       arXiv 2510.03303; ties within `tieTolerance`, default 1e-12 relative),
 *              softmax: m_i = Σ_l softmax_l(⟨A z_i, z_l⟩ / temperature) z_l (eq. 4.2).
 *              `step` = α/(1+α) in the notation of eq. 4.1 (the attention dynamics' step); step = 1
 *              (α = ∞) is the full step z_i ← m_i of the transformer constructions (arXiv 2502.02270).
 *              Input may give `alpha` (> 0, finite) instead of `step`.
 * Matrices are row-major; floats survive a JSON round trip bit for bit (−0 included).
 */
import { FlowsteerError, InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { pivotedCholesky } from '../linalg/cholesky.js';
import { asOptions, checkBoolean, checkCount, checkMeta, checkOneOf, checkPositive, checkTolerance } from '../validate.js';

export const TRANSFORMER_FORMAT = 'flowsteer.transformer/1';

export interface ResnetBlock {
  readonly kind: 'resnet';
  readonly width: number;
  readonly W: Float64Array;
  readonly A: Float64Array;
  readonly b: Float64Array;
  readonly residual: boolean;
}

export type AttentionRule = 'hardmax' | 'softmax';

export interface AttentionBlock {
  readonly kind: 'attention';
  readonly rule: AttentionRule;
  /** d×d, symmetric positive semidefinite (scores ⟨A z_i, z_l⟩). */
  readonly A: Float64Array;
  /** Fraction of the move toward the attention mean, in (0, 1]: α/(1+α) of eq. 4.1. */
  readonly step: number;
  /** Softmax temperature (> 0); required for rule 'softmax'. */
  readonly temperature?: number;
  /** Hardmax ties: l ∈ C_i when S_il ≥ max_l S_il − tieTolerance·max(1, |max|) (default 1e-12). */
  readonly tieTolerance?: number;
}

export type TransformerBlock = ResnetBlock | AttentionBlock;

export interface Transformer {
  readonly format: typeof TRANSFORMER_FORMAT;
  readonly d: number;
  readonly blocks: readonly TransformerBlock[];
  readonly meta?: Record<string, unknown>;
}

/** What makeTransformer accepts: arrays may be number[] or Float64Array; attention may give alpha. */
export interface TransformerSpec {
  d: number;
  blocks: readonly Record<string, unknown>[];
  meta?: Record<string, unknown>;
}

/** Limits of a transformer read from untrusted input. */
export const TRANSFORMER_LIMITS = { blocks: 1_000_000, parameters: 50_000_000, d: 4096 } as const;

/** Validates a transformer (shapes, finiteness, PSD attention, limits) and returns it with Float64Array storage. */
export function makeTransformer(spec: TransformerSpec, name = 'transformer'): Transformer {
  if (typeof spec !== 'object' || spec === null) throw new InvalidArgumentError(name, spec, 'an object { d, blocks }');
  const d = checkCount(`${name}.d`, spec.d, 1, TRANSFORMER_LIMITS.d);
  if (!Array.isArray(spec.blocks) || spec.blocks.length === 0) throw new InvalidArgumentError(`${name}.blocks`, spec.blocks, 'a non-empty array of blocks');
  if (spec.blocks.length > TRANSFORMER_LIMITS.blocks) throw new InvalidArgumentError(`${name}.blocks`, `${spec.blocks.length} blocks`, `at most ${TRANSFORMER_LIMITS.blocks} blocks`);
  let parameters = 0;
  const blocks = spec.blocks.map((raw, i) => {
    const at = `${name}.blocks[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new InvalidArgumentError(at, raw, "a block { kind: 'resnet' | 'attention', … }");
    const kind = checkOneOf(`${at}.kind`, raw.kind, ['resnet', 'attention'] as const);
    if (kind === 'resnet') {
      const b = vec(`${at}.b`, raw.b);
      const p = checkCount(`${at}.b.length`, b.length, 1, 1 << 20);
      if (raw.width !== undefined && raw.width !== p) throw new ShapeMismatchError(`${at}.width`, raw.width, `b.length = ${p}`);
      parameters += 2 * d * p + p;
      if (parameters > TRANSFORMER_LIMITS.parameters) throw new InvalidArgumentError(name, 'more parameters', `at most ${TRANSFORMER_LIMITS.parameters} parameters`);
      const W = vec(`${at}.W`, raw.W, d * p, `d×p = ${d}×${p}`);
      const A = vec(`${at}.A`, raw.A, p * d, `p×d = ${p}×${d}`);
      const residual = checkBoolean(`${at}.residual`, raw.residual, true);
      return Object.freeze({ kind, width: p, W, A, b, residual }) as ResnetBlock;
    }
    const rule = checkOneOf(`${at}.rule`, raw.rule, ['hardmax', 'softmax'] as const);
    parameters += d * d;
    if (parameters > TRANSFORMER_LIMITS.parameters) throw new InvalidArgumentError(name, 'more parameters', `at most ${TRANSFORMER_LIMITS.parameters} parameters`);
    const A = vec(`${at}.A`, raw.A, d * d, `d×d = ${d}×${d}`);
    checkPSD(A, d, `${at}.A`);
    let step: number;
    if (raw.step !== undefined) {
      step = checkPositive(`${at}.step`, raw.step);
      if (step > 1) throw new InvalidArgumentError(`${at}.step`, step, 'a number in (0, 1] (α/(1+α))');
      if (raw.alpha !== undefined) throw new InvalidArgumentError(`${at}.alpha`, raw.alpha, 'absent when step is given');
    } else {
      const alpha = checkPositive(`${at}.alpha`, raw.alpha, 'give step ∈ (0, 1] or alpha > 0 (step = α/(1+α))');
      step = alpha / (1 + alpha);
    }
    const out: { -readonly [K in keyof AttentionBlock]: AttentionBlock[K] } = { kind, rule, A, step };
    if (rule === 'softmax') out.temperature = checkPositive(`${at}.temperature`, raw.temperature, 'softmax attention needs a temperature > 0');
    else if (raw.temperature !== undefined) throw new InvalidArgumentError(`${at}.temperature`, raw.temperature, "absent for rule 'hardmax'");
    if (raw.tieTolerance !== undefined) out.tieTolerance = checkTolerance(`${at}.tieTolerance`, raw.tieTolerance, 1e-12, { max: 1 });
    return Object.freeze(out) as AttentionBlock;
  });
  const meta = spec.meta === undefined ? undefined : checkMeta(spec.meta, `${name}.meta`);
  return Object.freeze({ format: TRANSFORMER_FORMAT, d, blocks: Object.freeze(blocks), ...(meta ? { meta } : {}) });
}

/** Symmetric (1e-12 relative) and positive semidefinite; symmetrised exactly in place. */
function checkPSD(A: Float64Array, d: number, name: string): void {
  let scale = 0;
  for (const v of A) scale = Math.max(scale, Math.abs(v));
  for (let r = 0; r < d; r++) {
    for (let k = r + 1; k < d; k++) {
      const x = A[r * d + k], y = A[k * d + r];
      if (Math.abs(x - y) > 1e-12 * scale) throw new InvalidArgumentError(`${name}[${r}][${k}]`, x, `equal to ${name}[${k}][${r}] = ${y} (attention scores must be symmetric)`, 'pass (A + Aᵀ)/2');
      A[r * d + k] = A[k * d + r] = (x + y) / 2;
    }
  }
  try {
    pivotedCholesky(A, d);
  } catch {
    throw new InvalidArgumentError(name, 'a matrix with a negative eigenvalue', 'positive semidefinite (A = QᵀQ)', 'use A = QᵀQ for some Q');
  }
}

function vec(name: string, v: unknown, length?: number, what?: string): Float64Array {
  if (!(Array.isArray(v) || v instanceof Float64Array)) throw new InvalidArgumentError(name, v, `an array of numbers${what ? ` (${what})` : ''}`);
  const arr = v as ArrayLike<unknown>;
  if (length !== undefined && arr.length !== length) throw new ShapeMismatchError(name, `length ${arr.length}`, `length ${length}${what ? ` (${what})` : ''}`);
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new InvalidArgumentError(`${name}[${i}]`, x, 'a finite number');
    out[i] = x;
  }
  return out;
}

function num(x: number): string {
  return Object.is(x, -0) ? '-0' : JSON.stringify(x);
}
function arr(a: Float64Array): string {
  let s = '[';
  for (let i = 0; i < a.length; i++) s += (i ? ',' : '') + num(a[i]);
  return s + ']';
}

/** Serialises a transformer; every float round-trips bit for bit. */
export function transformerToJSON(t: Transformer, options?: { indent?: number }): string {
  const o = asOptions(options);
  const indent = o.indent === undefined ? 0 : checkCount('options.indent', o.indent, 0, 16);
  const tr = makeTransformer(t as unknown as TransformerSpec, 'transformer');
  const nl = indent ? '\n' : '';
  const pad = (k: number): string => (indent ? ' '.repeat(indent * k) : '');
  const blocks = tr.blocks.map((b) => {
    if (b.kind === 'resnet') return `${pad(2)}{"kind":"resnet","width":${b.width},"residual":${b.residual},"W":${arr(b.W)},"A":${arr(b.A)},"b":${arr(b.b)}}`;
    const extra = (b.temperature !== undefined ? `,"temperature":${num(b.temperature)}` : '') + (b.tieTolerance !== undefined ? `,"tieTolerance":${num(b.tieTolerance)}` : '');
    return `${pad(2)}{"kind":"attention","rule":"${b.rule}","step":${num(b.step)}${extra},"A":${arr(b.A)}}`;
  });
  const head = [`"format":"${TRANSFORMER_FORMAT}"`, `"d":${tr.d}`];
  if (tr.meta) head.push(`"meta":${JSON.stringify(tr.meta)}`);
  return `{${nl}${head.map((h) => pad(1) + h).join(`,${nl}`)},${nl}${pad(1)}"blocks":[${nl}${blocks.join(`,${nl}`)}${nl}${pad(1)}]${nl}}`;
}

/** Parses and validates a transformer written by transformerToJSON (size-limited for untrusted text). */
export function transformerFromJSON(text: string, options?: { maxLength?: number }): Transformer {
  const o = asOptions(options);
  const maxLength = o.maxLength === undefined ? 256 * 2 ** 20 : checkCount('options.maxLength', o.maxLength, 1);
  if (typeof text !== 'string') throw new InvalidArgumentError('text', text, 'a JSON string');
  if (text.length > maxLength) throw new InvalidArgumentError('text', `${text.length} characters`, `at most ${maxLength} characters`, 'raise options.maxLength if the file is trusted');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FlowsteerError('INVALID_ARGUMENT', `text is not valid JSON (${(e as Error).message}); pass the output of transformerToJSON`, { parameter: 'text' });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidArgumentError('text', raw, `a JSON object with "format": "${TRANSFORMER_FORMAT}"`);
  const r = raw as Record<string, unknown>;
  if (r.format !== TRANSFORMER_FORMAT) throw new InvalidArgumentError('format', r.format, `"${TRANSFORMER_FORMAT}"`, 'this file was not written by transformerToJSON (or by a newer version)');
  return makeTransformer(r as unknown as TransformerSpec, 'transformer');
}
