/**
 * Trajectories and scale for the attention dynamics.
 *
 * Trajectory: the one `Trajectory` type of the library (src/flow/flow.ts; docs/conventions.md),
 * requested by `trajectory: boolean | { every, buffer }`. Frame f holds the state after f·every
 * steps (frame 0 the input), `times[f]` its time (the step count for the discrete dynamics,
 * f·every·dt for the sphere). Its size is checked before anything is allocated.
 *
 * Scale: the hardmax dynamics are homogeneous (z ↦ s·z maps trajectories onto trajectories,
 * A ↦ a·A leaves them unchanged) and the softmax dynamics are too once the temperature absorbs
 * the scale (T ↦ s²·a·T). The wrappers therefore run the kernels on z / 2^e and A / 2^k, with
 * 2^e ≤ max|z| < 2^(e+1) and 2^k ≤ max|A| < 2^(k+1): powers of two, so the scaled arithmetic is
 * the unscaled arithmetic bit for bit wherever the latter neither overflows nor underflows, and
 * no score can overflow (docs/algorithms/attention.md, "Scale").
 */
import { CapacityError, InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import type { Trajectory, TrajectoryOptions } from '../flow/flow.js';
import { asOptions, checkCount } from '../validate.js';

export type { Trajectory, TrajectoryOptions } from '../flow/flow.js';

/** Largest trajectory the library allocates itself: 2^26 values (512 MiB). */
export const MAX_TRAJECTORY_VALUES = 2 ** 26;

export interface TrajectoryRecorder {
  readonly every: number;
  readonly frames: number;
  readonly data: Float64Array;
  readonly times: Float64Array;
  /** True when the state after `step` steps is a frame. */
  wants(step: number): boolean;
  /** The frame slot of the state after `step` steps (n·d values). */
  slot(step: number): Float64Array;
  result(n: number, d: number): Trajectory;
}

/**
 * Validates options.trajectory for `steps` steps of n × d states and reserves its storage;
 * null when no trajectory is asked for. `time(k)` is the time after k steps.
 */
export function planTrajectory(option: unknown, steps: number, n: number, d: number, time: (k: number) => number, name = 'options.trajectory'): TrajectoryRecorder | null {
  if (option === undefined || option === false) return null;
  let t: TrajectoryOptions;
  if (option === true) t = {};
  else if (typeof option === 'object' && option !== null && !Array.isArray(option)) t = asOptions(option as TrajectoryOptions, name);
  else throw new InvalidArgumentError(name, option, 'true, false or { every, buffer }');
  const every = checkCount(`${name}.every`, t.every ?? 1, 1);
  const frames = Math.floor(steps / every) + 1;
  const need = frames * n * d;
  let data: Float64Array;
  if (t.buffer !== undefined) {
    if (!(t.buffer instanceof Float64Array) || t.buffer.length < need) {
      throw new ShapeMismatchError(`${name}.buffer`, t.buffer, `a Float64Array of at least frames·n·d = ${frames}·${n}·${d} = ${need} entries`);
    }
    data = t.buffer;
  } else {
    if (need > MAX_TRAJECTORY_VALUES) {
      throw new CapacityError(`${name} (${frames} frames for options.steps = ${steps})`, need * 8, `record fewer frames (a larger ${name}.every, fewer options.steps) or pass ${name}.buffer`);
    }
    data = new Float64Array(need);
  }
  const times = new Float64Array(frames);
  for (let f = 0; f < frames; f++) times[f] = time(f * every);
  const stride = n * d;
  return {
    every,
    frames,
    data,
    times,
    wants: (step) => step % every === 0,
    slot: (step) => data.subarray((step / every) * stride, (step / every + 1) * stride),
    result: (nn, dd) => ({ frames, n: nn, d: dd, times, data: data.length === need ? data : data.subarray(0, need) }),
  };
}

/** The exponent e with 2^e ≤ x < 2^(e+1), for x > 0 finite (subnormals included). */
export function exponentOf(x: number): number {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  const hi = b.getUint32(0);
  const be = (hi >>> 20) & 0x7ff;
  if (be > 0) return be - 1023;
  // subnormal: scale up exactly by 2^64 and retry
  return exponentOf(x * 2 ** 64) - 64;
}

/** 2^e for integer e in [−1074, 1023], exactly. */
export function pow2(e: number): number {
  if (e > 1023) return Infinity;
  if (e >= -1022) {
    const b = new DataView(new ArrayBuffer(8));
    b.setUint32(0, (e + 1023) << 20);
    b.setUint32(4, 0);
    return b.getFloat64(0);
  }
  return pow2(e + 600) * pow2(-600);
}

/** x ← x · 2^k in place (k may be outside [−1022, 1023]; applied in exact steps). */
export function scalePow2(x: Float64Array, k: number): Float64Array {
  while (k !== 0) {
    const s = Math.max(-1000, Math.min(1000, k));
    const f = pow2(s);
    for (let j = 0; j < x.length; j++) x[j] *= f;
    k -= s;
  }
  return x;
}

/** e with 2^e ≤ max|x| < 2^(e+1); 0 when x is all zeros. */
export function scaleExponent(x: ArrayLike<number>): number {
  let mx = 0;
  for (let j = 0; j < x.length; j++) mx = Math.max(mx, Math.abs(x[j]));
  return mx > 0 ? exponentOf(mx) : 0;
}

/** Frame f of a trajectory as a PointCloud (a view into trajectory.data, no copy). */
export function trajectoryFrame(t: Trajectory, f: number): { n: number; d: number; data: Float64Array } {
  if (!t || typeof t !== 'object' || !(t.data instanceof Float64Array)) throw new InvalidArgumentError('trajectory', t, 'a Trajectory { frames, n, d, times, data }');
  checkCount('frame', f, 0, t.frames - 1);
  const s = t.n * t.d;
  return { n: t.n, d: t.d, data: t.data.subarray(f * s, (f + 1) * s) };
}
