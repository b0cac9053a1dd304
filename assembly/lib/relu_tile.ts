// The batched ReLU field  f(x) = W · relu(A x + b)  (survey arXiv 2510.03303, eq. 3.3–3.4) on a tile of
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

/** Bytes of scratch tileField needs besides xs and f: the activations of every neuron (p × TILE)
 *  and the list of neurons active somewhere in the tile. */
@inline
export function tileFieldScratchBytes(p: i32): i32 {
  return p * TILE_BYTES_PER_COORD + ((p * 4 + 15) & ~15);
}

/** f ← W relu(A xs + b) for the tile at `xs` (d × TILE, SoA); `f` is d × TILE; `act` is
 *  tileFieldScratchBytes(p) of scratch.
 *  Phase 1 computes every neuron's activations r_i (4 vectors) into `act` and lists the neurons
 *  active on at least one point of the tile; phase 2 accumulates f_k over that list with the
 *  accumulators in registers (no stores in the inner loop). A neuron inactive on the whole tile
 *  would only add exact zeros, so skipping it leaves every sum unchanged. */
@inline
export function tileField(xs: usize, f: usize, d: i32, W: usize, A: usize, b: usize, p: i32, act: usize): void {
  const zero = f64x2.splat(0.0);
  const list = act + <usize>(p * TILE_BYTES_PER_COORD);
  let m = 0;
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
    if (!v128.any_true(v128.or(v128.or(s0, s1), v128.or(s2, s3)))) continue;
    const r = act + <usize>(m * TILE_BYTES_PER_COORD);
    v128.store(r, s0);
    v128.store(r, s1, 16);
    v128.store(r, s2, 32);
    v128.store(r, s3, 48);
    store<i32>(list + (<usize>m << 2), i);
    m++;
  }
  const wstride = <usize>p << 3;
  for (let k = 0; k < d; k++) {
    let f0 = zero, f1 = zero, f2 = zero, f3 = zero;
    const wrow = W + <usize>k * wstride;
    for (let j = 0; j < m; j++) {
      const i = load<i32>(list + (<usize>j << 2));
      const w = v128.load64_splat(wrow + (<usize>i << 3));
      const r = act + <usize>(j * TILE_BYTES_PER_COORD);
      f0 = f64x2.add(f0, f64x2.mul(w, v128.load(r)));
      f1 = f64x2.add(f1, f64x2.mul(w, v128.load(r, 16)));
      f2 = f64x2.add(f2, f64x2.mul(w, v128.load(r, 32)));
      f3 = f64x2.add(f3, f64x2.mul(w, v128.load(r, 48)));
    }
    const fk = f + <usize>(k * TILE_BYTES_PER_COORD);
    v128.store(fk, f0);
    v128.store(fk, f1, 16);
    v128.store(fk, f2, 32);
    v128.store(fk, f3, 48);
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
