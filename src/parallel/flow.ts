/**
 * Flows on worker threads: the points are split into contiguous chunks, each chunk is flowed by
 * `flow` on a worker, and the results (and trajectories) are put back in place. A point's flow
 * does not depend on the other points, so the result is bit-identical to one thread.
 */
import { AbortError } from '../errors.js';
import type { FlowOptions, FlowResult, Trajectory } from '../flow/flow.js';
import type { Controls, PointCloud } from '../types.js';
import { runLimited, runOnWorker } from './pool.js';

/** Below this many points a call stays on the calling thread (starting workers costs more). */
export const MIN_POINTS_PER_THREAD = 4096;

export async function parallelFlow(controls: Controls, cloud: PointCloud, options: FlowOptions, threads: number): Promise<FlowResult> {
  const { n, d } = cloud;
  const chunks = Math.max(1, Math.min(threads * 4, Math.floor(n / 1024)));
  const size = Math.ceil(n / chunks);
  const { onProgress, signal, trajectory, ...rest } = options;
  const wantTraj = trajectory !== undefined && trajectory !== false;
  const every = typeof trajectory === 'object' ? trajectory.every : undefined;
  const workerOpts: FlowOptions = { ...rest, ...(wantTraj ? { trajectory: every !== undefined ? { every } : true } : {}) };
  const plain = { d: controls.d, width: controls.width, layers: controls.layers.map((l) => ({ duration: l.duration, W: l.W, A: l.A, b: l.b })), ...(controls.meta ? { meta: controls.meta } : {}) };
  const done = new Float64Array(chunks);
  const report = (): void => onProgress?.(done.reduce((a, b) => a + b, 0) / chunks);
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    if (signal?.aborted) throw new AbortError('flowAsync');
    const parts = await runLimited(chunks, threads, async (c) => {
        const from = c * size, to = Math.min(n, from + size);
        const data = cloud.data.slice(from * d, to * d);
        const r = (await runOnWorker('flow', [plain, { n: to - from, d, data }, workerOpts], {
          threads,
          transfer: [data.buffer],
          signal: controller.signal,
          onProgress: onProgress ? (f) => ((done[c] = f), report()) : undefined,
        })) as FlowResult;
        done[c] = 1;
        report();
        return { from, to, r };
    }).catch((e) => {
      controller.abort();
      throw signal?.aborted ? new AbortError('flowAsync') : e;
    });
    const out = new Float64Array(n * d);
    for (const { from, r } of parts) out.set(r.data, from * d);
    let traj: Trajectory | undefined;
    if (wantTraj) {
      const t0 = parts[0].r.trajectory!;
      const frames = t0.frames;
      const data = options.trajectory && typeof options.trajectory === 'object' && options.trajectory.buffer ? options.trajectory.buffer : new Float64Array(frames * n * d);
      for (const { from, to, r } of parts) {
        const m = to - from;
        for (let f = 0; f < frames; f++) data.set(r.trajectory!.data.subarray(f * m * d, (f + 1) * m * d), (f * n + from) * d);
      }
      traj = { frames, n, d, times: t0.times, data };
    }
    return { ...parts[0].r, n, d, data: out, ...(traj ? { trajectory: traj } : {}) };
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
