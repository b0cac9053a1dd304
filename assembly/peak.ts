// Measures the attainable f64x2 throughput of this machine's WebAssembly engine: 8
// independent multiply–add chains (baseline SIMD has no FMA, so each pair is 2 ops of 2
// lanes = 4 flops). Used by the benchmarks to report kernels as a fraction of peak.
export function simdPeak(iterations: i32, seed: f64): f64 {
  const c = f64x2.splat(0.999999);
  const e = f64x2.splat(1e-7);
  let a0 = f64x2.splat(seed), a1 = f64x2.splat(seed + 1), a2 = f64x2.splat(seed + 2), a3 = f64x2.splat(seed + 3);
  let a4 = f64x2.splat(seed + 4), a5 = f64x2.splat(seed + 5), a6 = f64x2.splat(seed + 6), a7 = f64x2.splat(seed + 7);
  for (let i = 0; i < iterations; i++) {
    a0 = f64x2.add(f64x2.mul(a0, c), e);
    a1 = f64x2.add(f64x2.mul(a1, c), e);
    a2 = f64x2.add(f64x2.mul(a2, c), e);
    a3 = f64x2.add(f64x2.mul(a3, c), e);
    a4 = f64x2.add(f64x2.mul(a4, c), e);
    a5 = f64x2.add(f64x2.mul(a5, c), e);
    a6 = f64x2.add(f64x2.mul(a6, c), e);
    a7 = f64x2.add(f64x2.mul(a7, c), e);
  }
  const s = f64x2.add(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)), f64x2.add(f64x2.add(a4, a5), f64x2.add(a6, a7)));
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** Flops performed by simdPeak(iterations): 8 chains × (mul + add) × 2 lanes. */
export function simdPeakFlops(iterations: i32): f64 {
  return <f64>iterations * 32.0;
}
