// The ground-cost matrix of optimal transport between point clouds,
//   C[i·m + j] = ‖x_i − y_j‖₂^p,   x: n × d, y: m × d row-major, C: n × m row-major,
// vectorised with f64x2 across j: y is first transposed into `scratch` (d × m, structure of
// arrays, m rounded up to even) so one v128 load reads coordinate k of y_j and y_{j+1}.
// Operation order (mirrored by src/kernels/cost.ts): s = ((0 + δ_0²) + δ_1²) + …, then
// p = 2 → s, p = 1 → √s, else pow(√s, p).
import { checkRange } from './lib/memory';
import { cost1, costMode, costPair } from './lib/cost_pair';

export function costScratchBytes(m: i32, d: i32): i32 {
  return ((m + 1) & ~1) * d * 8;
}

/** C (n rows of stride ld ≥ m; columns m..ld−1 are set to 0). */
export function costMatrix(x: usize, n: i32, y: usize, m: i32, d: i32, p: f64, out: usize, ld: i32, scratch: usize): void {
  checkRange(x, <usize>(n * d) << 3);
  checkRange(y, <usize>(m * d) << 3);
  checkRange(out, (<usize>n * <usize>ld) << 3);
  checkRange(scratch, <usize>costScratchBytes(m, d));
  const me = (m + 1) & ~1;
  for (let k = 0; k < d; k++) {
    for (let j = 0; j < me; j++) {
      store<f64>(scratch + ((<usize>(k * me + j)) << 3), j < m ? load<f64>(y + ((<usize>(j * d + k)) << 3)) : 0.0);
    }
  }
  const mode = costMode(p);
  for (let i = 0; i < n; i++) {
    const row = out + ((<usize>i * <usize>ld) << 3);
    for (let j = m; j < ld; j++) store<f64>(row + (<usize>j << 3), 0.0);
    const xi = x + ((<usize>(i * d)) << 3);
    let j = 0;
    for (; j + 2 <= m; j += 2) v128.store(row + (<usize>j << 3), costPair(xi, scratch, me, j, d, mode, p));
    for (; j < m; j++) store<f64>(row + (<usize>j << 3), cost1(xi, scratch, me, j, d, mode, p));
  }
}

/** Certificate check of exact OT (the simplex and SSP solvers): out[0] = max_ij (u_i + v_j − C_ij) with u = −piRow, v = piCol (≤ 0 when
 *  the potentials are dual feasible), out[1] = max_ij C_ij. */
export function dualViolation(C: usize, n: i32, m: i32, piRow: usize, piCol: usize, out: usize): void {
  checkRange(C, (<usize>n * <usize>m) << 3);
  checkRange(piRow, <usize>n << 3);
  checkRange(piCol, <usize>m << 3);
  checkRange(out, 16);
  let worst = f64x2.splat(-Infinity), cmax = f64x2.splat(-Infinity);
  let worstS = -Infinity, cmaxS = -Infinity;
  for (let i = 0; i < n; i++) {
    const row = C + ((<usize>i * <usize>m) << 3);
    const ui = f64x2.splat(-load<f64>(piRow + (<usize>i << 3)));
    let j = 0;
    for (; j + 2 <= m; j += 2) {
      const c = v128.load(row + (<usize>j << 3));
      worst = f64x2.max(worst, f64x2.sub(f64x2.add(ui, v128.load(piCol + (<usize>j << 3))), c));
      cmax = f64x2.max(cmax, c);
    }
    for (; j < m; j++) {
      const c = load<f64>(row + (<usize>j << 3));
      worstS = max(worstS, (-load<f64>(piRow + (<usize>i << 3)) + load<f64>(piCol + (<usize>j << 3))) - c);
      cmaxS = max(cmaxS, c);
    }
  }
  store<f64>(out, max(worstS, max(f64x2.extract_lane(worst, 0), f64x2.extract_lane(worst, 1))));
  store<f64>(out + 8, max(cmaxS, max(f64x2.extract_lane(cmax, 0), f64x2.extract_lane(cmax, 1))));
}
