/**
 * Timing with benchmark.js: each workload is sampled until the relative margin of error is
 * small or `maxTime` runs out; we report the mean seconds per call and the ± margin.
 */
import Benchmark from 'benchmark';

export interface Timing {
  name: string;
  seconds: number;
  /** Relative margin of error (percent) at 95 % confidence. */
  rme: number;
  samples: number;
}

export function time(name: string, fn: () => unknown, options: { maxTime?: number; minSamples?: number } = {}): Timing {
  let sink: unknown;
  const bench = new Benchmark(name, () => {
    sink = fn();
  }, {
    maxTime: options.maxTime ?? 3,
    minSamples: options.minSamples ?? 5,
    initCount: 1,
  });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  void sink;
  return { name, seconds: bench.stats.mean, rme: bench.stats.rme, samples: bench.stats.sample.length };
}
