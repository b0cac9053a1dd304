/** Errors and results across the worker boundary (structured clone keeps data, not classes). */
import * as errors from '../errors.js';

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly parameter?: string;
  readonly fix?: string;
  readonly value?: unknown;
  readonly stack?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const f = e as errors.FlowsteerError;
    let value: unknown;
    try {
      value = structuredClone(f.value);
    } catch {
      value = String(f.value);
    }
    return { name: e.name, message: e.message, code: f.code, parameter: f.parameter, fix: f.fix, value, stack: e.stack };
  }
  return { name: 'Error', message: String(e) };
}

const CLASSES: Record<string, { prototype: object }> = {
  FlowsteerError: errors.FlowsteerError,
  InvalidArgumentError: errors.InvalidArgumentError,
  ShapeMismatchError: errors.ShapeMismatchError,
  NonFiniteError: errors.NonFiniteError,
  InconsistentDataError: errors.InconsistentDataError,
  CapacityError: errors.CapacityError,
  NotInitializedError: errors.NotInitializedError,
  ConvergenceError: errors.ConvergenceError,
  AbortError: errors.AbortError,
  WorkerError: errors.WorkerError,
};

/** The same error class on this side (instanceof works), with the worker's message and fields. */
export function reviveError(s: SerializedError): Error {
  const cls = CLASSES[s.name];
  const e = (cls ? Object.create(cls.prototype) : new Error(s.message)) as Error & Record<string, unknown>;
  Object.defineProperty(e, 'message', { value: s.message, writable: true, configurable: true });
  Object.defineProperty(e, 'name', { value: s.name, writable: true, configurable: true });
  if (s.stack) Object.defineProperty(e, 'stack', { value: s.stack, writable: true, configurable: true });
  if (cls) {
    e.code = s.code;
    e.parameter = s.parameter;
    e.value = s.value;
    e.fix = s.fix;
  }
  return e;
}

/** ArrayBuffers inside a value (typed arrays, nested objects), for transfer lists. */
export function buffersOf(v: unknown, out: Set<ArrayBuffer> = new Set(), depth = 0): ArrayBuffer[] {
  if (depth > 6 || v === null || typeof v !== 'object') return [...out];
  if (ArrayBuffer.isView(v)) {
    if (v.buffer instanceof ArrayBuffer && v.byteLength === v.buffer.byteLength) out.add(v.buffer);
  } else if (Array.isArray(v)) {
    for (const x of v) buffersOf(x, out, depth + 1);
  } else {
    for (const x of Object.values(v)) buffersOf(x, out, depth + 1);
  }
  return [...out];
}
