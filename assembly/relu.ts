// Batched evaluation of one layer's ReLU field  out_i = W relu(A x_i + b)
// (survey arXiv 2510.03303, eq. 3.3–3.4; docs/algorithms/flow.md) for n points of dimension d,
// p neurons. Twin: src/kernels/relu.ts (bit-identical); Pair: src/backend/relu.ts.
// Layout: x, out row-major n × d; W d × p; A p × d; b p; scratch ≥ fieldScratchBytes(d).
import { checkRange } from './lib/memory';
import { TILE, TILE_BYTES_PER_COORD, loadTile, storeTile, tileField, tileFieldScratchBytes } from './lib/relu_tile';

export function fieldScratchBytes(d: i32, p: i32): i32 {
  return 2 * d * TILE_BYTES_PER_COORD + tileFieldScratchBytes(p);
}

export function reluField(x: usize, n: i32, d: i32, W: usize, A: usize, b: usize, p: i32, out: usize, scratch: usize): void {
  checkRange(x, <usize>(n * d) << 3);
  checkRange(out, <usize>(n * d) << 3);
  checkRange(W, <usize>(d * p) << 3);
  checkRange(A, <usize>(d * p) << 3);
  checkRange(b, <usize>p << 3);
  checkRange(scratch, <usize>fieldScratchBytes(d, p));
  const xs = scratch;
  const f = scratch + <usize>(d * TILE_BYTES_PER_COORD);
  const act = scratch + <usize>(2 * d * TILE_BYTES_PER_COORD);
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const count = min(TILE, n - i0);
    loadTile(x, i0, count, d, xs);
    tileField(xs, f, d, W, A, b, p, act);
    storeTile(f, out, i0, count, d);
  }
}
