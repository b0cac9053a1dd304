/**
 * Pure-TypeScript twin of assembly/euler_adjoint.ts: the discrete adjoint of one explicit-Euler
 * layer of ẋ = W relu(A x + b), bit-identical to the kernel (tiles simulated as in
 * src/kernels/rk4_adjoint.ts). See docs/algorithms/training.md.
 */
import { TILE, TileWork, axpyTileTS, dotTileAccTS, hsum8, loadTileTS, reluVjpTileTS, storeTileTS, tileFieldTS } from './rk4_adjoint.js';

export function eulerAdjointLayerJS(
  x: Float64Array, lam: Float64Array, n: number, d: number,
  W: Float64Array, A: Float64Array, b: Float64Array, p: number, h: number, steps: number,
  gW: Float64Array, gA: Float64Array, gb: Float64Array, gh: Float64Array,
): void {
  const B = d * TILE;
  const S = new Float64Array(2 * steps * B);
  const L = new Float64Array(B), C = new Float64Array(B), V = new Float64Array(B), XT = new Float64Array(B);
  const GH = new Float64Array(TILE);
  const w = new TileWork(p);
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const count = Math.min(TILE, n - i0);
    loadTileTS(x, i0, count, d, XT, 0);
    for (let s = 0; s < steps; s++) {
      const X = 2 * s * B, F = X + B;
      S.set(XT, X);
      tileFieldTS(XT, 0, S, F, d, W, A, b, p, w.act, w.list);
      axpyTileTS(XT, 0, XT, 0, h, S, F, d);
    }
    loadTileTS(lam, i0, count, d, L, 0);
    GH.fill(0);
    for (let s = steps - 1; s >= 0; s--) {
      const X = 2 * s * B, F = X + B;
      dotTileAccTS(GH, L, 0, S, F, d, 1.0);
      for (let e = 0; e < B; e++) C[e] = h * L[e];
      reluVjpTileTS(S, X, C, 0, V, 0, d, W, A, b, p, gW, gA, gb, w.sv, w.rv, w.wv, w.uv);
      axpyTileTS(L, 0, L, 0, 1.0, V, 0, d);
    }
    gh[0] = gh[0] + hsum8(GH, 0);
    storeTileTS(L, 0, lam, i0, count, d);
  }
}
