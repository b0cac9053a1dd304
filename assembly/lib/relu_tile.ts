// The batched ReLU field  f(x) = W · relu(A x + b)  (seed 002, eq. 3.3–3.4) on a tile of
// TILE points held in structure-of-arrays order, vectorised with f64x2 across points.
//
// Tile layout (bytes from the tile base): coordinate k of point t is at (k*TILE + t)*8, so one
// v128 load at (k*TILE + 2j)*8 reads coordinate k of points 2j and 2j+1.
//
// Operation order is fixed and mirrored exactly by the TypeScript twin (src/kernels/relu.ts):
//   s_i = (((b_i + A_i0 x_0) + A_i1 x_1) + …),  r_i = max(s_i, 0),
//   f_k = (((0 + W_k0 r_0) + W_k1 r_1) + …)
// Baseline SIMD has no fused multiply-add, so every step is one IEEE operation and the two
// implementations agree bit for bit.

export const TILE: i32 = 8;
export const TILE_BYTES_PER_COORD: i32 = TILE * 8;

/** f ← W relu(A xs + b) for the tile at `xs` (d × TILE, SoA); `f` is d × TILE. */
@inline
export function tileField(xs: usize, f: usize, d: i32, W: usize, A: usize, b: usize, p: i32): void {
  const zero = f64x2.splat(0.0);
  for (let k = 0; k < d; k++) {
    const fk = f + <usize>(k * TILE_BYTES_PER_COORD);
    v128.store(fk, zero);
    v128.store(fk, zero, 16);
    v128.store(fk, zero, 32);
    v128.store(fk, zero, 48);
  }
  for (let i = 0; i < p; i++) {
    const bi = v128.load64_splat(b + (<usize>i << 3));
    let s0 = bi, s1 = bi, s2 = bi, s3 = bi;
    const arow = A + <usize>(i * d) * 8;
    for (let k = 0; k < d; k++) {
      const a = v128.load64_splat(arow + (<usize>k << 3));
      const xk = xs + <usize>(k * TILE_BYTES_PER_COORD);
      s0 = f64x2.add(s0, f64x2.mul(a, v128.load(xk)));
      s1 = f64x2.add(s1, f64x2.mul(a, v128.load(xk, 16)));
      s2 = f64x2.add(s2, f64x2.mul(a, v128.load(xk, 32)));
      s3 = f64x2.add(s3, f64x2.mul(a, v128.load(xk, 48)));
    }
    s0 = f64x2.max(s0, zero);
    s1 = f64x2.max(s1, zero);
    s2 = f64x2.max(s2, zero);
    s3 = f64x2.max(s3, zero);
    // A neuron inactive on the whole tile contributes exact zeros: skip it.
    if (!v128.any_true(v128.or(v128.or(s0, s1), v128.or(s2, s3)))) continue;
    const wcol = W + (<usize>i << 3);
    const wstride = <usize>p << 3;
    for (let k = 0; k < d; k++) {
      const w = v128.load64_splat(wcol + <usize>k * wstride);
      const fk = f + <usize>(k * TILE_BYTES_PER_COORD);
      v128.store(fk, f64x2.add(v128.load(fk), f64x2.mul(w, s0)));
      v128.store(fk, f64x2.add(v128.load(fk, 16), f64x2.mul(w, s1)), 16);
      v128.store(fk, f64x2.add(v128.load(fk, 32), f64x2.mul(w, s2)), 32);
      v128.store(fk, f64x2.add(v128.load(fk, 48), f64x2.mul(w, s3)), 48);
    }
  }
}

/** Copy `count` ≤ TILE points starting at point `i0` of the row-major cloud `x` (n × d) into
 *  the SoA tile `t`; missing lanes are zero. */
@inline
export function loadTile(x: usize, i0: i32, count: i32, d: i32, t: usize): void {
  for (let k = 0; k < d; k++) {
    const tk = t + <usize>(k * TILE_BYTES_PER_COORD);
    for (let q = 0; q < TILE; q++) {
      store<f64>(tk + (<usize>q << 3), q < count ? load<f64>(x + (<usize>((i0 + q) * d + k) << 3)) : 0.0);
    }
  }
}

/** Inverse of loadTile for the first `count` points. */
@inline
export function storeTile(t: usize, x: usize, i0: i32, count: i32, d: i32): void {
  for (let k = 0; k < d; k++) {
    const tk = t + <usize>(k * TILE_BYTES_PER_COORD);
    for (let q = 0; q < count; q++) {
      store<f64>(x + (<usize>((i0 + q) * d + k) << 3), load<f64>(tk + (<usize>q << 3)));
    }
  }
}
