/**
 * The peers (POT, SciPy, NumPy, PyTorch) timed by ../shared/anchors/anchors.py on exactly our
 * inputs: points are handed over as raw little-endian float64 files, parameters as JSON.
 * When the system Python or a peer package is missing, the result says so instead of a time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PeerResult {
  workload: string;
  seconds?: number;
  value?: number;
  /** Why there is no time (peer not installed, script missing, error). */
  absent?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
/** build/bench/<name>.js → repository root is two levels up. */
const repoRoot = resolve(here, '..', '..');

export function anchorsScript(): string | null {
  const candidates = [process.env.FLOWSTEER_ANCHORS, join(repoRoot, '..', 'shared', 'anchors', 'anchors.py')].filter(Boolean) as string[];
  return candidates.find((p) => existsSync(p)) ?? null;
}

const python = '/usr/bin/python3';

export interface PeerInput {
  x: Float64Array;
  n: number;
  d: number;
  y?: Float64Array;
  m?: number;
  params?: unknown;
  repeat?: number;
  extra?: string[];
}

export function runPeer(workload: string, input: PeerInput): PeerResult {
  const script = anchorsScript();
  if (!script) return { workload, absent: 'anchors.py not found (expected ../shared/anchors/anchors.py)' };
  if (!existsSync(python)) return { workload, absent: `${python} not found` };
  const dir = mkdtempSync(join(tmpdir(), 'flowsteer-peer-'));
  const args = [script, workload, '--n', String(input.n), '--d', String(input.d), '--repeat', String(input.repeat ?? 3)];
  const xf = join(dir, 'x.f64');
  writeFileSync(xf, new Uint8Array(input.x.buffer, input.x.byteOffset, input.x.byteLength));
  args.push('--x', xf);
  if (input.y) {
    const yf = join(dir, 'y.f64');
    writeFileSync(yf, new Uint8Array(input.y.buffer, input.y.byteOffset, input.y.byteLength));
    args.push('--y', yf, '--m', String(input.m ?? input.y.length / input.d));
  }
  if (input.params !== undefined) {
    const pf = join(dir, 'params.json');
    writeFileSync(pf, JSON.stringify(input.params));
    args.push('--params', pf);
  }
  if (input.extra) args.push(...input.extra);
  const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) {
    const msg = (r.stderr || r.stdout || '').trim().split('\n').pop() ?? 'failed';
    if (/ModuleNotFoundError|No module named/.test(msg)) return { workload, absent: `peer not installed (${msg.replace(/.*No module named /, '')}); apt-get install -y python3-pot python3-scipy python3-numpy python3-torch` };
    return { workload, absent: `peer failed: ${msg}` };
  }
  const line = r.stdout.trim().split('\n').pop()!;
  const j = JSON.parse(line) as { seconds: number; value: number };
  return { workload, seconds: j.seconds, value: j.value };
}
