/** Minimal argument parsing for the CLI: `cmd --key value --flag positional`. */
import { InvalidArgumentError } from '../errors.js';

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) options.set(a.slice(2, eq), a.slice(eq + 1));
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options.set(a.slice(2), argv[++i]);
      else options.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, options };
}

export function optString(args: ParsedArgs, key: string, fallback?: string): string | undefined {
  const v = args.options.get(key);
  if (v === undefined) return fallback;
  if (v === true) throw new InvalidArgumentError(`--${key}`, v, 'a value');
  return v;
}

export function optNumber(args: ParsedArgs, key: string, fallback: number, opts: { integer?: boolean; min?: number } = {}): number {
  const v = args.options.get(key);
  if (v === undefined) return fallback;
  const x = Number(v);
  if (v === true || !Number.isFinite(x) || (opts.integer && !Number.isInteger(x)) || (opts.min !== undefined && x < opts.min)) {
    throw new InvalidArgumentError(`--${key}`, v, `${opts.integer ? 'an integer' : 'a number'}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}`);
  }
  return x;
}

export function optFlag(args: ParsedArgs, key: string): boolean {
  return args.options.get(key) === true || args.options.get(key) === 'true';
}
