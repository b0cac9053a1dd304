// Explicit Euler for one layer of ẋ = W relu(A x + b) (survey arXiv 2510.03303, eq. 3.3–3.4):
//   x ← x + h f(x), `steps` times, in place on n points (row-major n × d).
// Same tiling, trajectory convention and twin discipline as rk4.ts (twin: src/kernels/euler.ts).
import { checkLayerArgs } from './lib/memory';
import { TILE, TILE_BYTES_PER_COORD, loadTile, storeTile, tileField, tileFieldScratchBytes } from './lib/relu_tile';

export function eulerScratchBytes(d: i32, p: i32): i32 {
  return 2 * d * TILE_BYTES_PER_COORD + tileFieldScratchBytes(p);
}

export function eulerLayer(
  x: usize, n: i32, d: i32, W: usize, A: usize, b: usize, p: i32,
  h: f64, steps: i32, scratch: usize,
  traj: usize, every: i32, stepOffset: i32,
): void {
  checkLayerArgs(x, n, d, W, A, b, p, scratch, eulerScratchBytes(d, p), steps, traj, every, stepOffset);
  const block = <usize>(d * TILE_BYTES_PER_COORD);
  const xt = scratch;
  const f = scratch + block;
  const act = scratch + 2 * block;
  const hv = f64x2.splat(h);
  const frameBytes = <usize>(n * d) << 3;
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const count = min(TILE, n - i0);
    loadTile(x, i0, count, d, xt);
    for (let s = 0; s < steps; s++) {
      tileField(xt, f, d, W, A, b, p, act);
      for (let k = 0; k < d; k++) {
        const o = <usize>(k * TILE_BYTES_PER_COORD);
        for (let j: usize = 0; j < 64; j += 16) {
          v128.store(xt + o + j, f64x2.add(v128.load(xt + o + j), f64x2.mul(hv, v128.load(f + o + j))));
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
