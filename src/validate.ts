/**
 * Input checks at the TypeScript edge. Kernels trust their inputs; everything public goes
 * through here first (STYLE.md, habit 5).
 */
import { InvalidArgumentError, NonFiniteError, ShapeMismatchError } from './errors.js';
import { points, type Controls, type Layer, type LayerLike, type PointCloud, type PointsLike } from './types.js';

export function isPointCloud(x: unknown): x is PointCloud {
  return typeof x === 'object' && x !== null && 'data' in x && (x as PointCloud).data instanceof Float64Array && 'n' in x && 'd' in x;
}

/** Accepts a PointCloud or number[][]; checks shape, sizes and finiteness. Does not copy a PointCloud. */
export function asCloud(x: PointsLike, name: string, opts: { d?: number; minPoints?: number } = {}): PointCloud {
  let cloud: PointCloud;
  if (Array.isArray(x)) {
    cloud = points(x, name);
  } else if (isPointCloud(x)) {
    checkCount(`${name}.n`, x.n, 0);
    checkCount(`${name}.d`, x.d, 1);
    if (x.data.length !== x.n * x.d) {
      throw new ShapeMismatchError(`${name}.data`, x.data, `length n·d = ${x.n}·${x.d} = ${x.n * x.d}`, 'make data.length equal n*d');
    }
    checkFinite(x.data, `${name}.data`, x.d);
    cloud = x;
  } else {
    throw new InvalidArgumentError(name, x, 'a PointCloud {n, d, data: Float64Array} or an array of rows number[][]');
  }
  if (opts.d !== undefined && cloud.d !== opts.d) {
    throw new ShapeMismatchError(name, `points of dimension ${cloud.d}`, `dimension ${opts.d}`, 'use points of the same dimension as the controls / the other cloud');
  }
  if (opts.minPoints !== undefined && cloud.n < opts.minPoints) {
    throw new InvalidArgumentError(`${name}.n`, cloud.n, `at least ${opts.minPoints}`, 'pass more points');
  }
  return cloud;
}

export function checkFinite(a: ArrayLike<number>, name: string, rowLength?: number): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Number.isFinite(v)) {
      const where = rowLength ? `row ${Math.floor(i / rowLength)}, coordinate ${i % rowLength}` : undefined;
      throw new NonFiniteError(name, i, v, where);
    }
  }
}

export function checkCount(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new InvalidArgumentError(name, v, range);
  }
  return v;
}

export function checkPositive(name: string, v: unknown, fix?: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(name, v, 'a finite number > 0', fix);
  return v;
}

export function checkNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(name, v, 'a finite number');
  return v;
}

export function checkOneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw new InvalidArgumentError(name, v, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return v as T;
}

/**
 * Options objects: undefined → {} ; anything but a plain object (null, arrays, numbers) is an
 * InvalidArgumentError naming `name`. Every public function with options starts with this.
 */
export function asOptions<T extends object>(v: T | undefined | null, name = 'options'): T {
  if (v === undefined) return {} as T;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidArgumentError(name, v, 'an options object (or nothing)');
  return v;
}

/** A tolerance: a finite number ≥ 0 (> 0 with `{ positive: true }`); `fallback` when undefined. */
export function checkTolerance(name: string, v: unknown, fallback: number, opts: { positive?: boolean; max?: number } = {}): number {
  if (v === undefined) return fallback;
  const max = opts.max ?? Number.MAX_VALUE;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (opts.positive && v === 0) || v > max) {
    throw new InvalidArgumentError(name, v, `a finite number ${opts.positive ? '> 0' : '≥ 0'}${opts.max !== undefined ? ` and ≤ ${opts.max}` : ''}`);
  }
  return v;
}

/** An optional callback: undefined or a function. */
export function checkFunction<F extends (...args: never[]) => unknown>(name: string, v: unknown): F | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'function') throw new InvalidArgumentError(name, v, 'a function (or nothing)');
  return v as F;
}

/** An optional AbortSignal. */
export function checkSignal(name: string, v: unknown): AbortSignal | undefined {
  if (v === undefined) return undefined;
  const ok = typeof v === 'object' && v !== null && typeof (v as AbortSignal).aborted === 'boolean' && typeof (v as AbortSignal).addEventListener === 'function';
  if (!ok) throw new InvalidArgumentError(name, v, 'an AbortSignal (for example AbortSignal.timeout(1000)) or nothing');
  return v as AbortSignal;
}

/** A boolean option with a default. */
export function checkBoolean(name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new InvalidArgumentError(name, v, 'true or false');
  return v;
}

/** onProgress and signal of a long call, validated (see src/flow/progress.ts). */
export function checkProgressOptions(o: { onProgress?: unknown; signal?: unknown }, prefix = 'options'): void {
  checkFunction(`${prefix}.onProgress`, o.onProgress);
  checkSignal(`${prefix}.signal`, o.signal);
}

function toF64(name: string, a: unknown, length: number, what: string): Float64Array {
  if (!(Array.isArray(a) || ArrayBuffer.isView(a)) || typeof (a as ArrayLike<number>).length !== 'number') {
    throw new InvalidArgumentError(name, a, `an array of ${length} numbers (${what})`);
  }
  const arr = a as ArrayLike<number>;
  if (arr.length !== length) throw new ShapeMismatchError(name, `length ${arr.length}`, `length ${length} (${what})`);
  const out = a instanceof Float64Array ? a : Float64Array.from(arr);
  for (let i = 0; i < length; i++) {
    if (typeof arr[i] !== 'number') throw new InvalidArgumentError(`${name}[${i}]`, arr[i], 'a number');
  }
  checkFinite(out, name);
  return out;
}

/** Validates one layer against (d, p) and returns it with Float64Array storage. */
export function checkLayer(l: LayerLike, d: number, p: number, name: string): Layer {
  if (typeof l !== 'object' || l === null) throw new InvalidArgumentError(name, l, 'a layer {duration, W, A, b}');
  const duration = l.duration;
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0) {
    throw new InvalidArgumentError(`${name}.duration`, duration, 'a finite number > 0', 'every layer must last a positive time');
  }
  return {
    duration,
    W: toF64(`${name}.W`, l.W, d * p, `d×p = ${d}×${p}, row-major`),
    A: toF64(`${name}.A`, l.A, p * d, `p×d = ${p}×${d}, row-major`),
    b: toF64(`${name}.b`, l.b, p, `p = ${p}`),
  };
}

/**
 * Builds validated Controls. `d` and `width` are checked against every layer; `T` and
 * `switches` are derived (Σ durations, layers − 1).
 */
export function makeControls(spec: { d: number; width: number; layers: readonly LayerLike[]; meta?: Record<string, unknown> }, name = 'controls'): Controls {
  if (typeof spec !== 'object' || spec === null) throw new InvalidArgumentError(name, spec, 'an object {d, width, layers}');
  const d = checkCount(`${name}.d`, spec.d, 1);
  const width = checkCount(`${name}.width`, spec.width, 1, 1 << 20);
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) {
    throw new InvalidArgumentError(`${name}.layers`, spec.layers, 'a non-empty array of layers', 'controls need at least one layer');
  }
  const layers = spec.layers.map((l, k) => checkLayer(l, d, width, `${name}.layers[${k}]`));
  let T = 0;
  for (const l of layers) T += l.duration;
  if (spec.meta !== undefined) checkMeta(spec.meta, `${name}.meta`);
  const out: Controls = { d, width, T, layers, switches: layers.length - 1, ...(spec.meta ? { meta: spec.meta } : {}) };
  return out;
}

/** Re-validates something the caller passes as Controls (it may be hand-made). */
export function asControls(c: Controls, name = 'controls'): Controls {
  if (typeof c !== 'object' || c === null) throw new InvalidArgumentError(name, c, 'Controls {d, width, T, layers}');
  const checked = makeControls(c, name);
  if (typeof c.T === 'number' && Math.abs(c.T - checked.T) > 1e-9 * Math.max(1, checked.T)) {
    throw new ShapeMismatchError(`${name}.T`, c.T, `the sum of the layer durations (${checked.T})`, 'omit T or make it equal Σ durations');
  }
  return checked;
}

/** Limits of free-form `meta` (provenance carried through JSON): nesting depth and size. */
export const META_LIMITS = { depth: 32, entries: 100_000, stringLength: 1 << 20 } as const;

/**
 * `meta` must be plain JSON data (objects, arrays, strings, finite numbers, booleans, null) nested
 * at most META_LIMITS.depth deep with at most META_LIMITS.entries values in all, so that it can be
 * written and read back without exhausting the stack or memory. Checked iteratively.
 */
export function checkMeta(meta: unknown, name = 'meta'): Record<string, unknown> {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw new InvalidArgumentError(name, meta, 'a plain object of JSON data');
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: meta, depth: 1, path: name }];
  let entries = 0;
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (++entries > META_LIMITS.entries) throw new InvalidArgumentError(name, `more than ${META_LIMITS.entries} values`, `at most ${META_LIMITS.entries} values`, 'keep provenance small; store large data elsewhere');
    if (v === null || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new InvalidArgumentError(path, v, 'a finite number (JSON has no NaN or Infinity)');
      continue;
    }
    if (typeof v === 'string') {
      if (v.length > META_LIMITS.stringLength) throw new InvalidArgumentError(path, `a string of ${v.length} characters`, `at most ${META_LIMITS.stringLength} characters`);
      continue;
    }
    if (typeof v !== 'object') throw new InvalidArgumentError(path, v, 'JSON data (object, array, string, number, boolean or null)');
    if (depth > META_LIMITS.depth) throw new InvalidArgumentError(path, 'nested deeper', `nested at most ${META_LIMITS.depth} deep`, 'flatten the provenance object');
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], depth: depth + 1, path: `${path}[${i}]` });
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw new InvalidArgumentError(path, v, 'a plain object');
      for (const k of Object.keys(v)) stack.push({ v: (v as Record<string, unknown>)[k], depth: depth + 1, path: `${path}.${k}` });
    }
  }
  return meta as Record<string, unknown>;
}
