/**
 * Data sets of the playground, all seeded (createRng) so that a page, a test and a screenshot
 * see the same points. Every generator returns 2-D points (row-major, n × 2), and where the
 * task has them, paired targets (n × 2) or class labels (0 … classes−1).
 *
 *   pairs    N points and N targets, both uniform in [−1, 1]² — interpolation (arXiv 2510.03303, Thm 3.x:
 *            the neural ODE maps each x_i exactly onto its y_i)
 *   nearby   points on a jittered grid in [−1, 1]², each target a short step (0.3 × spacing) in a
 *            random direction: the segments [x_i, y_i] are pairwise disjoint, as the autonomous
 *            (L = 0) construction of Thm 3.4 requires
 *   moons    two interleaved half-circles with Gaussian noise, labels 0/1 — classification
 *   circles  two concentric rings (radii 1 and 0.45), labels 0 (outer) / 1 (inner)
 *   xor      uniform in [−1, 1]², label 1 where x·y > 0 — not linearly separable
 *   blobs    `classes` Gaussian blobs (σ = 0.18) on a circle of radius 1, labels = blob index
 *   density  samples of a non-uniform density on [0, 1]²: a mixture of two anisotropic
 *            Gaussians, rejected outside the square — the source measure μ₀ of transport
 *   ring     samples of a thick annulus inside [0, 1]² — a second measure to transport to
 *   density-ring  points from `density`, targets (unpaired samples of μ₁) from `ring`
 */
import { createRng } from '../src/index.js';

export type DatasetName = 'pairs' | 'nearby' | 'moons' | 'circles' | 'xor' | 'blobs' | 'density' | 'ring' | 'density-ring';
export const DATASETS: readonly DatasetName[] = ['pairs', 'nearby', 'moons', 'circles', 'xor', 'blobs', 'density', 'ring', 'density-ring'];
/** The playground's limit on N (issue 6: up to 10^5 points). */
export const MAX_POINTS = 100_000;

export interface Dataset {
  n: number;
  /** n × 2 row-major. */
  points: Float64Array;
  /** n × 2 row-major targets paired with points, or null. */
  targets: Float64Array | null;
  /** n labels in [0, classes), or null. */
  labels: Int32Array | null;
  classes: number;
}

export interface GenerateOptions {
  n: number;
  seed?: number;
  /** Number of classes for `blobs` (2 … 8, default 3). */
  classes?: number;
  /** Standard deviation of the noise added to moons / circles (default 0.08). */
  noise?: number;
}

export function generate(name: DatasetName, options: GenerateOptions): Dataset {
  const n = Math.floor(options.n);
  if (!Number.isInteger(n) || n < 1 || n > MAX_POINTS) throw new RangeError(`N must be an integer in [1, ${MAX_POINTS}], got ${options.n}`);
  const rng = createRng(options.seed ?? 1);
  const noise = options.noise ?? 0.08;
  const points = new Float64Array(2 * n);
  let targets: Float64Array | null = null;
  let labels: Int32Array | null = null;
  let classes = 0;
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  switch (name) {
    case 'pairs': {
      targets = new Float64Array(2 * n);
      for (let j = 0; j < 2 * n; j++) points[j] = u(-1, 1);
      for (let j = 0; j < 2 * n; j++) targets[j] = u(-1, 1);
      break;
    }
    case 'nearby': {
      targets = new Float64Array(2 * n);
      const k = Math.ceil(Math.sqrt(n));
      const h = 2 / k;
      for (let i = 0; i < n; i++) {
        const cx = -1 + h * ((i % k) + 0.5), cy = -1 + h * (Math.floor(i / k) + 0.5);
        // Jitter ≤ 0.1 h and steps of 0.3 h keep every segment inside its own cell's inner disc.
        const x = cx + 0.1 * h * (2 * rng.uniform() - 1), y = cy + 0.1 * h * (2 * rng.uniform() - 1);
        const a = 2 * Math.PI * rng.uniform();
        points[2 * i] = x;
        points[2 * i + 1] = y;
        targets[2 * i] = x + 0.3 * h * Math.cos(a);
        targets[2 * i + 1] = y + 0.3 * h * Math.sin(a);
      }
      break;
    }
    case 'moons': {
      labels = new Int32Array(n);
      classes = 2;
      for (let i = 0; i < n; i++) {
        const c = i & 1;
        const t = Math.PI * rng.uniform();
        const x = c === 0 ? Math.cos(t) : 1 - Math.cos(t);
        const y = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
        points[2 * i] = x - 0.5 + noise * rng.normal();
        points[2 * i + 1] = y - 0.25 + noise * rng.normal();
        labels[i] = c;
      }
      break;
    }
    case 'circles': {
      labels = new Int32Array(n);
      classes = 2;
      for (let i = 0; i < n; i++) {
        const c = i & 1;
        const r = c === 0 ? 1 : 0.45;
        const t = 2 * Math.PI * rng.uniform();
        points[2 * i] = r * Math.cos(t) + noise * rng.normal();
        points[2 * i + 1] = r * Math.sin(t) + noise * rng.normal();
        labels[i] = c;
      }
      break;
    }
    case 'xor': {
      labels = new Int32Array(n);
      classes = 2;
      for (let i = 0; i < n; i++) {
        let x = 0, y = 0;
        // Keep a small margin around the axes so the classes are separated.
        do {
          x = u(-1, 1);
          y = u(-1, 1);
        } while (Math.abs(x) < 0.05 || Math.abs(y) < 0.05);
        points[2 * i] = x;
        points[2 * i + 1] = y;
        labels[i] = x * y > 0 ? 1 : 0;
      }
      break;
    }
    case 'blobs': {
      classes = Math.min(8, Math.max(2, Math.floor(options.classes ?? 3)));
      labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const c = i % classes;
        const a = (2 * Math.PI * c) / classes + 0.3;
        points[2 * i] = Math.cos(a) + 0.18 * rng.normal();
        points[2 * i + 1] = Math.sin(a) + 0.18 * rng.normal();
        labels[i] = c;
      }
      break;
    }
    case 'density': {
      for (let i = 0; i < n; i++) {
        let x = 0, y = 0;
        do {
          if (rng.uniform() < 0.6) {
            x = 0.3 + 0.12 * rng.normal();
            y = 0.35 + 0.07 * rng.normal();
          } else {
            x = 0.68 + 0.08 * rng.normal();
            y = 0.68 + 0.14 * rng.normal();
          }
        } while (x < 0 || x > 1 || y < 0 || y > 1);
        points[2 * i] = x;
        points[2 * i + 1] = y;
      }
      break;
    }
    case 'ring': {
      for (let i = 0; i < n; i++) {
        const t = 2 * Math.PI * rng.uniform();
        // Area-uniform radius in [0.25, 0.45].
        const r = Math.sqrt(0.25 ** 2 + (0.45 ** 2 - 0.25 ** 2) * rng.uniform());
        points[2 * i] = 0.5 + r * Math.cos(t);
        points[2 * i + 1] = 0.5 + r * Math.sin(t);
      }
      break;
    }
    case 'density-ring': {
      const a = generate('density', { n, seed: options.seed ?? 1 });
      const b = generate('ring', { n, seed: (options.seed ?? 1) + 1 });
      return { n, points: a.points, targets: b.points, labels: null, classes: 0 };
    }
    default:
      throw new RangeError(`unknown data set ${String(name)}; use one of ${DATASETS.join(', ')}`);
  }
  return { n, points, targets, labels, classes };
}
