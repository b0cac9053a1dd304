// Classical fourth-order Runge–Kutta for one layer of the neural ODE
//   ẋ = W relu(A x + b)          (survey arXiv 2510.03303, eq. 3.3–3.4)
// with `steps` steps of size h, applied in place to n points (row-major n × d).
//
// Every point evolves independently, so the kernel takes a tile of TILE points through all
// `steps` steps while it sits in L1 (structure of arrays, f64x2 across points), then moves on.
// Stage order (mirrored by the TypeScript twin src/kernels/rk4.ts):
//   k1 = f(x), k2 = f(x + (h/2)k1), k3 = f(x + (h/2)k2), k4 = f(x + h k3),
//   x ← x + (h/6)·(((k1 + 2k2) + 2k3) + k4)
// Trajectory: if traj ≠ 0, after global step g = stepOffset + s + 1 with g % every == 0 the
// tile is written to frame g / every of traj (frames of n × d, frame 0 = initial state,
// written by the caller).
import { checkLayerArgs } from './lib/memory';
import { TILE, TILE_BYTES_PER_COORD, loadTile, storeTile, tileField, tileFieldScratchBytes } from './lib/relu_tile';

export function rk4ScratchBytes(d: i32, p: i32): i32 {
  return 4 * d * TILE_BYTES_PER_COORD + tileFieldScratchBytes(p);
}

@inline
function axpyTile(dst: usize, x: usize, c: v128, y: usize, d: i32): void {
  // dst = x + c*y over d × TILE values
  for (let k = 0; k < d; k++) {
    const o = <usize>(k * TILE_BYTES_PER_COORD);
    v128.store(dst + o, f64x2.add(v128.load(x + o), f64x2.mul(c, v128.load(y + o))));
    v128.store(dst + o, f64x2.add(v128.load(x + o, 16), f64x2.mul(c, v128.load(y + o, 16))), 16);
    v128.store(dst + o, f64x2.add(v128.load(x + o, 32), f64x2.mul(c, v128.load(y + o, 32))), 32);
    v128.store(dst + o, f64x2.add(v128.load(x + o, 48), f64x2.mul(c, v128.load(y + o, 48))), 48);
  }
}

export function rk4Layer(
  x: usize, n: i32, d: i32, W: usize, A: usize, b: usize, p: i32,
  h: f64, steps: i32, scratch: usize,
  traj: usize, every: i32, stepOffset: i32,
): void {
  checkLayerArgs(x, n, d, W, A, b, p, scratch, rk4ScratchBytes(d, p), steps, traj, every, stepOffset);
  const block = <usize>(d * TILE_BYTES_PER_COORD);
  const xt = scratch;
  const xs = scratch + block;
  const f = scratch + 2 * block;
  const acc = scratch + 3 * block;
  const act = scratch + 4 * block;
  const half = f64x2.splat(0.5 * h);
  const full = f64x2.splat(h);
  const sixth = f64x2.splat(h / 6.0);
  const two = f64x2.splat(2.0);
  const frameBytes = <usize>(n * d) << 3;
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const count = min(TILE, n - i0);
    loadTile(x, i0, count, d, xt);
    for (let s = 0; s < steps; s++) {
      // k1
      tileField(xt, acc, d, W, A, b, p, act);
      axpyTile(xs, xt, half, acc, d);
      // k2
      tileField(xs, f, d, W, A, b, p, act);
      axpyTile(acc, acc, two, f, d);
      axpyTile(xs, xt, half, f, d);
      // k3
      tileField(xs, f, d, W, A, b, p, act);
      axpyTile(acc, acc, two, f, d);
      axpyTile(xs, xt, full, f, d);
      // k4
      tileField(xs, f, d, W, A, b, p, act);
      for (let k = 0; k < d; k++) {
        const o = <usize>(k * TILE_BYTES_PER_COORD);
        for (let j: usize = 0; j < 64; j += 16) {
          const sum = f64x2.add(v128.load(acc + o + j), v128.load(f + o + j));
          v128.store(xt + o + j, f64x2.add(v128.load(xt + o + j), f64x2.mul(sixth, sum)));
        }
      }
      if (traj != 0) {
        const g = stepOffset + s + 1;
        if (g % every == 0) storeTile(xt, traj + <usize>(g / every) * frameBytes, i0, count, d);
      }
    }
    storeTile(xt, x, i0, count, d);
  }
}
