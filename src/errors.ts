/**
 * Every error flowsteer throws on purpose. Messages live here, in one place, and each one
 * names the parameter, the offending value and what to do instead.
 *
 *   FlowsteerError            base class (`code`, `parameter`, `value`, `fix`)
 *   ├─ InvalidArgumentError   wrong type, range or value of one argument
 *   ├─ ShapeMismatchError     sizes that do not agree with each other
 *   ├─ NonFiniteError         NaN or ±Infinity inside numeric data
 *   ├─ InconsistentDataError  data a construction cannot serve (e.g. equal inputs, different targets)
 *   ├─ CapacityError          more memory than WebAssembly can hold
 *   ├─ NotInitializedError    a kernel was called before `await init()`
 *   ├─ ConvergenceError       an iterative method stopped without meeting its tolerance
 *   ├─ AbortError             the caller's AbortSignal fired
 *   └─ WorkerError            a worker thread died before answering (threads > 1)
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'NON_FINITE'
  | 'INCONSISTENT_DATA'
  | 'CAPACITY'
  | 'NOT_INITIALIZED'
  | 'CONVERGENCE'
  | 'ABORTED'
  | 'WORKER_FAILED';

export class FlowsteerError extends Error {
  readonly code: ErrorCode;
  readonly parameter: string | undefined;
  readonly value: unknown;
  readonly fix: string | undefined;
  constructor(code: ErrorCode, message: string, details: { parameter?: string; value?: unknown; fix?: string } = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.parameter = details.parameter;
    this.value = details.value;
    this.fix = details.fix;
  }
}

export class InvalidArgumentError extends FlowsteerError {
  constructor(parameter: string, value: unknown, expected: string, fix?: string) {
    super('INVALID_ARGUMENT', `${parameter} must be ${expected}, got ${show(value)}${fix ? `; ${fix}` : ''}`, { parameter, value, fix });
  }
}

export class ShapeMismatchError extends FlowsteerError {
  constructor(parameter: string, value: unknown, expected: string, fix?: string) {
    super('SHAPE_MISMATCH', `${parameter} has the wrong shape: expected ${expected}, got ${show(value)}${fix ? `; ${fix}` : ''}`, {
      parameter,
      value,
      fix,
    });
  }
}

export class NonFiniteError extends FlowsteerError {
  readonly index: number;
  constructor(parameter: string, index: number, value: number, where?: string) {
    const fix = 'remove or replace non-finite values before the call';
    super('NON_FINITE', `${parameter} contains ${show(value)} at ${where ?? `index ${index}`}; ${fix}`, { parameter, value, fix });
    this.index = index;
  }
}

export class InconsistentDataError extends FlowsteerError {
  readonly indices: number[];
  constructor(parameter: string, message: string, indices: number[], fix: string) {
    super('INCONSISTENT_DATA', `${parameter}: ${message}; ${fix}`, { parameter, value: indices, fix });
    this.indices = indices;
  }
}

export class CapacityError extends FlowsteerError {
  constructor(parameter: string, bytes: number, fix: string) {
    super('CAPACITY', `${parameter} needs ${formatBytes(bytes)} of WebAssembly memory, more than it can hold; ${fix}`, {
      parameter,
      value: bytes,
      fix,
    });
  }
}

export class NotInitializedError extends FlowsteerError {
  constructor(fn: string) {
    super('NOT_INITIALIZED', `${fn}() was called before flowsteer was initialised; call \`await init()\` once first`, {
      fix: 'call `await init()` once before using the library',
    });
  }
}

export class ConvergenceError extends FlowsteerError {
  constructor(what: string, detail: string, fix: string) {
    super('CONVERGENCE', `${what} did not converge: ${detail}; ${fix}`, { fix });
  }
}

/** A worker thread died (out of memory, killed) before it answered; the call's work is lost. */
export class WorkerError extends FlowsteerError {
  constructor(what: string, detail: string) {
    super('WORKER_FAILED', `${what}: a worker thread failed (${detail}); run with threads: 1 to see the error on the main thread`, { fix: 'threads: 1' });
  }
}

export class AbortError extends FlowsteerError {
  constructor(what: string) {
    super('ABORTED', `${what} was aborted by its AbortSignal`);
  }
}

export function show(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return value.length <= 6 ? `[${value.map(show).join(', ')}]` : `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as unknown as { length: number }).length}`;
  if (typeof value === 'object') return `an object with keys {${Object.keys(value as object).slice(0, 6).join(', ')}}`;
  return typeof value;
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}
