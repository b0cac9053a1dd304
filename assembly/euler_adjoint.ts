// Discrete adjoint of one layer of explicit Euler on ẋ = W relu(A x + b) (survey arXiv
// 2510.03303, eq. 3.3–3.4): the exact gradient of the map of assembly/euler.ts,
// x_{s+1} = x_s + h f(x_s), by reverse mode (docs/algorithms/training.md). Same contract as
// rk4_adjoint.ts: lam ← cotangent of the layer input; gW, gA, gb, gh (∂/∂h) accumulate.
// Backward step: gh += λ·f(x_s); v = J(x_s)ᵀ (h λ); λ += v.
// Twin: src/kernels/euler_adjoint.ts (bit-identical).
import { checkRange } from './lib/memory';
import { TILE, TILE_BYTES_PER_COORD, loadTile, storeTile, tileField, tileFieldScratchBytes } from './lib/relu_tile';
import { axpyTileV, dotTileAcc, hsum4, reluVjpTile } from './lib/relu_vjp';

export function eulerAdjointScratchBytes(d: i32, p: i32, steps: i32): i32 {
  return (2 * steps + 4) * d * TILE_BYTES_PER_COORD + TILE_BYTES_PER_COORD + tileFieldScratchBytes(p);
}

export function eulerAdjointLayer(
  x: usize, lam: usize, n: i32, d: i32, W: usize, A: usize, b: usize, p: i32,
  h: f64, steps: i32, gW: usize, gA: usize, gb: usize, gh: usize, scratch: usize,
): void {
  checkRange(x, <usize>(n * d) << 3);
  checkRange(lam, <usize>(n * d) << 3);
  checkRange(W, <usize>(d * p) << 3);
  checkRange(A, <usize>(d * p) << 3);
  checkRange(b, <usize>p << 3);
  checkRange(gW, <usize>(d * p) << 3);
  checkRange(gA, <usize>(d * p) << 3);
  checkRange(gb, <usize>p << 3);
  checkRange(gh, 8);
  checkRange(scratch, <usize>eulerAdjointScratchBytes(d, p, steps));
  const block = <usize>(d * TILE_BYTES_PER_COORD);
  const store_ = scratch;
  const L = scratch + <usize>(2 * steps) * block;
  const C = L + block, V = C + block, XT = V + block;
  const GH = XT + block;
  const act = GH + <usize>TILE_BYTES_PER_COORD;
  const hv = f64x2.splat(h);
  const one = f64x2.splat(1.0);
  const zero = f64x2.splat(0.0);
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const count = min(TILE, n - i0);
    loadTile(x, i0, count, d, XT);
    for (let s = 0; s < steps; s++) {
      const X = store_ + <usize>(2 * s) * block;
      const F = X + block;
      memory.copy(X, XT, block);
      tileField(XT, F, d, W, A, b, p, act);
      axpyTileV(XT, XT, hv, F, d);
    }
    loadTile(lam, i0, count, d, L);
    v128.store(GH, zero);
    v128.store(GH, zero, 16);
    v128.store(GH, zero, 32);
    v128.store(GH, zero, 48);
    for (let s = steps - 1; s >= 0; s--) {
      const X = store_ + <usize>(2 * s) * block;
      const F = X + block;
      dotTileAcc(GH, L, F, d, one);
      for (let k = 0; k < d; k++) {
        const o = <usize>(k * TILE_BYTES_PER_COORD);
        for (let j: usize = 0; j < 64; j += 16) v128.store(C + o + j, f64x2.mul(hv, v128.load(L + o + j)));
      }
      reluVjpTile(X, C, V, d, W, A, b, p, gW, gA, gb);
      axpyTileV(L, L, one, V, d);
    }
    store<f64>(gh, load<f64>(gh) + hsum4(v128.load(GH), v128.load(GH, 16), v128.load(GH, 32), v128.load(GH, 48)));
    storeTile(L, lam, i0, count, d);
  }
}
