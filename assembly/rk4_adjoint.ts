// Discrete adjoint of one layer of classical RK4 on ẋ = W relu(A x + b) (survey arXiv 2510.03303,
// eq. 3.3–3.4): the exact gradient of the map computed by assembly/rk4.ts (`steps` steps of size
// h), by reverse-mode differentiation of its stages (docs/algorithms/training.md).
//
// In: x (n × d) the layer's input states (the checkpoint), lam (n × d) the cotangent of the layer's
// output. Out: lam ← cotangent of the input; gW (d×p), gA (p×d), gb (p) and gh (one f64, ∂/∂h)
// are accumulated (+=).
// Per tile of TILE points: the forward steps are recomputed from the checkpoint with exactly the
// operations of rk4.ts (so the stages are the forward's bits), x_s, k1..k4 of every step kept in
// scratch; then, step by step backwards, with λ the cotangent of x_{s+1} and
//   x_{s+1} = x_s + (h/6)(k1 + 2k2 + 2k3 + k4), k2 = f(x + (h/2)k1), k3 = f(x + (h/2)k2), k4 = f(x + h k3):
//   gh += λ·(k1 + 2k2 + 2k3 + k4)/6;  c1 = c4 = (h/6)λ, c2 = c3 = (h/3)λ;
//   v = J(x + h k3)ᵀ c4:     λ += v, c3 += h v,     gh += v·k3
//   v = J(x + (h/2)k2)ᵀ c3:  λ += v, c2 += (h/2) v, gh += ½ v·k2
//   v = J(x + (h/2)k1)ᵀ c2:  λ += v, c1 += (h/2) v, gh += ½ v·k1
//   v = J(x)ᵀ c1:            λ += v
// (J the field's Jacobian; each J(·)ᵀ also accumulates the parameter gradients, lib/relu_vjp.ts).
// Twin: src/kernels/rk4_adjoint.ts (bit-identical).
import { checkRange } from './lib/memory';
import { TILE, TILE_BYTES_PER_COORD, loadTile, storeTile, tileField, tileFieldScratchBytes } from './lib/relu_tile';
import { axpyTileV, dotTileAcc, hsum4, reluVjpTile } from './lib/relu_vjp';

export function rk4AdjointScratchBytes(d: i32, p: i32, steps: i32): i32 {
  return (5 * steps + 8) * d * TILE_BYTES_PER_COORD + TILE_BYTES_PER_COORD + tileFieldScratchBytes(p);
}

@inline
function scaleTile(dst: usize, c: v128, x: usize, d: i32): void {
  for (let k = 0; k < d; k++) {
    const o = <usize>(k * TILE_BYTES_PER_COORD);
    v128.store(dst + o, f64x2.mul(c, v128.load(x + o)));
    v128.store(dst + o, f64x2.mul(c, v128.load(x + o, 16)), 16);
    v128.store(dst + o, f64x2.mul(c, v128.load(x + o, 32)), 32);
    v128.store(dst + o, f64x2.mul(c, v128.load(x + o, 48)), 48);
  }
}

export function rk4AdjointLayer(
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
  checkRange(scratch, <usize>rk4AdjointScratchBytes(d, p, steps));
  const block = <usize>(d * TILE_BYTES_PER_COORD);
  const store_ = scratch;
  const L = scratch + <usize>(5 * steps) * block;
  const C1 = L + block, C2 = C1 + block, C3 = C2 + block, C4 = C3 + block;
  const Y = C4 + block, V = Y + block, XT = V + block;
  const GH = XT + block;
  const act = GH + <usize>TILE_BYTES_PER_COORD;
  const half = f64x2.splat(0.5 * h);
  const full = f64x2.splat(h);
  const sixth = f64x2.splat(h / 6.0);
  const third = f64x2.splat(h / 3.0);
  const two = f64x2.splat(2.0);
  const c6 = f64x2.splat(1.0 / 6.0);
  const c3 = f64x2.splat(1.0 / 3.0);
  const one = f64x2.splat(1.0);
  const halfOne = f64x2.splat(0.5);
  const zero = f64x2.splat(0.0);
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const count = min(TILE, n - i0);
    loadTile(x, i0, count, d, XT);
    // forward, keeping x_s and k1..k4 (ACC = Y as the stage sum, as in rk4.ts)
    for (let s = 0; s < steps; s++) {
      const X = store_ + <usize>(5 * s) * block;
      const K1 = X + block, K2 = K1 + block, K3 = K2 + block, K4 = K3 + block;
      memory.copy(X, XT, block);
      tileField(XT, K1, d, W, A, b, p, act);
      axpyTileV(V, XT, half, K1, d);
      tileField(V, K2, d, W, A, b, p, act);
      axpyTileV(Y, K1, two, K2, d);
      axpyTileV(V, XT, half, K2, d);
      tileField(V, K3, d, W, A, b, p, act);
      axpyTileV(Y, Y, two, K3, d);
      axpyTileV(V, XT, full, K3, d);
      tileField(V, K4, d, W, A, b, p, act);
      for (let k = 0; k < d; k++) {
        const o = <usize>(k * TILE_BYTES_PER_COORD);
        for (let j: usize = 0; j < 64; j += 16) {
          const sum = f64x2.add(v128.load(Y + o + j), v128.load(K4 + o + j));
          v128.store(XT + o + j, f64x2.add(v128.load(XT + o + j), f64x2.mul(sixth, sum)));
        }
      }
    }
    // backward
    loadTile(lam, i0, count, d, L);
    v128.store(GH, zero);
    v128.store(GH, zero, 16);
    v128.store(GH, zero, 32);
    v128.store(GH, zero, 48);
    for (let s = steps - 1; s >= 0; s--) {
      const X = store_ + <usize>(5 * s) * block;
      const K1 = X + block, K2 = K1 + block, K3 = K2 + block, K4 = K3 + block;
      dotTileAcc(GH, L, K1, d, c6);
      dotTileAcc(GH, L, K2, d, c3);
      dotTileAcc(GH, L, K3, d, c3);
      dotTileAcc(GH, L, K4, d, c6);
      scaleTile(C1, sixth, L, d);
      scaleTile(C2, third, L, d);
      scaleTile(C3, third, L, d);
      scaleTile(C4, sixth, L, d);
      axpyTileV(Y, X, full, K3, d);
      reluVjpTile(Y, C4, V, d, W, A, b, p, gW, gA, gb);
      axpyTileV(L, L, one, V, d);
      axpyTileV(C3, C3, full, V, d);
      dotTileAcc(GH, V, K3, d, one);
      axpyTileV(Y, X, half, K2, d);
      reluVjpTile(Y, C3, V, d, W, A, b, p, gW, gA, gb);
      axpyTileV(L, L, one, V, d);
      axpyTileV(C2, C2, half, V, d);
      dotTileAcc(GH, V, K2, d, halfOne);
      axpyTileV(Y, X, half, K1, d);
      reluVjpTile(Y, C2, V, d, W, A, b, p, gW, gA, gb);
      axpyTileV(L, L, one, V, d);
      axpyTileV(C1, C1, half, V, d);
      dotTileAcc(GH, V, K1, d, halfOne);
      reluVjpTile(X, C1, V, d, W, A, b, p, gW, gA, gb);
      axpyTileV(L, L, one, V, d);
    }
    store<f64>(gh, load<f64>(gh) + hsum4(v128.load(GH), v128.load(GH, 16), v128.load(GH, 32), v128.load(GH, 48)));
    storeTile(L, lam, i0, count, d);
  }
}
