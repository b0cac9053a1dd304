// Ground costs ‖x_i − y_j‖₂^p from coordinates, shared by the cost-matrix kernel (cost.ts) and
// the auction (auction.ts, which computes costs on the fly). y is held transposed: yt is d × me
// (structure of arrays, me = m rounded up to even), so one v128 load reads coordinate k of y_j
// and y_{j+1}. mode: 2 for p = 2 (s), 1 for p = 1 (√s), 0 otherwise (pow(√s, p)); the sum is
// s = ((0 + δ_0²) + δ_1²) + … in every path (the TS twins mirror it).

// @ts-ignore: decorator
@inline
export function costMode(p: f64): i32 {
  return p == 2.0 ? 2 : p == 1.0 ? 1 : 0;
}

/** Costs of (x_i, y_j) and (x_i, y_{j+1}); yt is d × me (structure of arrays). */
// @ts-ignore: decorator
@inline
export function costPair(xi: usize, yt: usize, me: i32, j: i32, d: i32, mode: i32, p: f64): v128 {
  let s: v128;
  if (d == 2) {
    // (0 + δ₀²) + δ₁² = δ₀² + δ₁² exactly: the generic order, without the loop
    const t0 = f64x2.sub(v128.load64_splat(xi), v128.load(yt + (<usize>j << 3)));
    const t1 = f64x2.sub(v128.load64_splat(xi + 8), v128.load(yt + ((<usize>(me + j)) << 3)));
    s = f64x2.add(f64x2.mul(t0, t0), f64x2.mul(t1, t1));
  } else {
    s = f64x2.splat(0.0);
    for (let k = 0; k < d; k++) {
      const t = f64x2.sub(v128.load64_splat(xi + (<usize>k << 3)), v128.load(yt + ((<usize>(k * me + j)) << 3)));
      s = f64x2.add(s, f64x2.mul(t, t));
    }
  }
  if (mode == 1) s = f64x2.sqrt(s);
  else if (mode == 0) {
    s = f64x2.sqrt(s);
    s = f64x2.replace_lane(s, 0, Math.pow(f64x2.extract_lane(s, 0), p));
    s = f64x2.replace_lane(s, 1, Math.pow(f64x2.extract_lane(s, 1), p));
  }
  return s;
}

/** Scalar cost of (x_i, y_j): the same operations as one lane of costPair. */
// @ts-ignore: decorator
@inline
export function cost1(xi: usize, yt: usize, me: i32, j: i32, d: i32, mode: i32, p: f64): f64 {
  let s = 0.0;
  for (let k = 0; k < d; k++) {
    const t = load<f64>(xi + (<usize>k << 3)) - load<f64>(yt + ((<usize>(k * me + j)) << 3));
    s = s + t * t;
  }
  return mode == 2 ? s : mode == 1 ? Math.sqrt(s) : Math.pow(Math.sqrt(s), p);
}

