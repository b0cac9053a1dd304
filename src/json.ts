/**
 * Controls ⇄ JSON, format "flowsteer.controls/1":
 *   { "format": "flowsteer.controls/1", "d": 2, "width": 4, "T": 1, "switches": 3,
 *     "layers": [ { "duration": 0.25, "W": [...d*p], "A": [...p*d], "b": [...p] }, … ],
 *     "meta": { … } }
 * Numbers are written in the shortest form that parses back to the same double, and −0 is
 * written as `-0` (valid JSON), so every float survives the round trip bit for bit.
 * Loading validates format, shapes, sizes and finiteness, with a size limit for untrusted input.
 */
import { FlowsteerError, InvalidArgumentError, ShapeMismatchError } from './errors.js';
import type { Controls } from './types.js';
import { asControls, asOptions, checkCount, checkMeta, makeControls } from './validate.js';

export const CONTROLS_FORMAT = 'flowsteer.controls/1';

function num(x: number): string {
  return Object.is(x, -0) ? '-0' : JSON.stringify(x);
}

function arr(a: Float64Array): string {
  let s = '[';
  for (let i = 0; i < a.length; i++) s += (i ? ',' : '') + num(a[i]);
  return s + ']';
}

/** Serialises controls; `indent` pretty-prints the outer structure (arrays stay on one line). */
export function controlsToJSON(controls: Controls, options: { indent?: number } = {}): string {
  const o = asOptions(options);
  const indent = o.indent === undefined ? 0 : checkCount('options.indent', o.indent, 0, 16);
  const c = asControls(controls);
  if (c.meta !== undefined) checkMeta(c.meta, 'controls.meta');
  const nl = indent ? '\n' : '';
  const pad = (k: number) => (indent ? ' '.repeat(indent * k) : '');
  const layers = c.layers.map(
    (l) => `${pad(2)}{"duration":${num(l.duration)},"W":${arr(l.W)},"A":${arr(l.A)},"b":${arr(l.b)}}`,
  );
  const head = [
    `"format":${JSON.stringify(CONTROLS_FORMAT)}`,
    `"d":${c.d}`,
    `"width":${c.width}`,
    `"T":${num(c.T)}`,
    `"switches":${c.switches}`,
  ];
  if (c.meta) head.push(`"meta":${JSON.stringify(c.meta)}`);
  return `{${nl}${head.map((h) => pad(1) + h).join(`,${nl}`)},${nl}${pad(1)}"layers":[${nl}${layers.join(`,${nl}`)}${nl}${pad(1)}]${nl}}`;
}

export interface ControlsFromJSONOptions {
  /** Refuse text longer than this many characters (default 256 MiB of text). */
  maxLength?: number;
  /** Refuse more than this many parameters in total (default 5·10^7). */
  maxParameters?: number;
}

/** Parses and validates controls written by controlsToJSON (or by hand in the same format). */
export function controlsFromJSON(text: string, options: ControlsFromJSONOptions = {}): Controls {
  const opts = asOptions(options);
  const maxLength = opts.maxLength === undefined ? 256 * 2 ** 20 : checkCount('options.maxLength', opts.maxLength, 1);
  const maxParameters = opts.maxParameters === undefined ? 5e7 : checkCount('options.maxParameters', opts.maxParameters, 1);
  if (typeof text !== 'string') throw new InvalidArgumentError('text', text, 'a JSON string');
  if (text.length > maxLength) {
    throw new InvalidArgumentError('text', `${text.length} characters`, `at most ${maxLength} characters`, 'raise options.maxLength if the file is trusted');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FlowsteerError('INVALID_ARGUMENT', `text is not valid JSON (${(e as Error).message}); pass the output of controlsToJSON`, { parameter: 'text' });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidArgumentError('text', raw, `a JSON object with "format": "${CONTROLS_FORMAT}"`);
  }
  const o = raw as Record<string, unknown>;
  if (o.format !== CONTROLS_FORMAT) {
    throw new InvalidArgumentError('format', o.format, `"${CONTROLS_FORMAT}"`, 'this file was not written by controlsToJSON (or by a newer version)');
  }
  if (!Array.isArray(o.layers)) throw new InvalidArgumentError('layers', o.layers, 'an array of layers');
  const d = o.d as number;
  const width = o.width as number;
  if (typeof d === 'number' && typeof width === 'number' && Number.isFinite(d * width)) {
    const total = o.layers.length * (2 * d * width + width + 1);
    if (total > maxParameters) {
      throw new InvalidArgumentError('layers', `${total} parameters`, `at most ${maxParameters} parameters`, 'raise options.maxParameters if the file is trusted');
    }
  }
  if (o.meta !== undefined && !isRecord(o.meta)) throw new InvalidArgumentError('meta', o.meta, 'a JSON object (or absent)');
  const c = makeControls({ d, width, layers: o.layers as never, ...(o.meta !== undefined ? { meta: o.meta as Record<string, unknown> } : {}) }, 'controls');
  if (o.switches !== undefined && o.switches !== c.switches) {
    throw new ShapeMismatchError('switches', o.switches, `layers.length − 1 = ${c.switches}`, 'the file is inconsistent');
  }
  if (o.T !== undefined && (typeof o.T !== 'number' || Math.abs(o.T - c.T) > 1e-12 * Math.max(1, c.T))) {
    throw new ShapeMismatchError('T', o.T, `the sum of the layer durations (${c.T})`, 'the file is inconsistent');
  }
  return c;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
