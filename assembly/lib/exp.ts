// exp(x) for f64 and f64x2, accurate to about 1 ulp on the normal range, without tables
// (WebAssembly SIMD has no gather and no exp instruction).
//
// Method (Cody–Waite range reduction + Taylor polynomial; see e.g. J.-M. Muller,
// "Elementary Functions", ch. 11):
//   k = round(x / ln 2)                      via the 1.5·2^52 "shifter": t = x·log2(e) + S,
//                                            k = t − S (exact: the sum rounds to an integer)
//   r = (x − k·ln2_hi) − k·ln2_lo            ln2_hi has 32 trailing zero bits, so k·ln2_hi is
//                                            exact for |k| < 2^20; |r| ≤ ln2/2 + tiny
//   e^r = 1 + (r + r²·q(r)),  q(r) = Σ_{j=0}^{11} r^j/(j+2)!   (Horner)
//                                            truncation error r^14/14! ≤ 4.2e-18 for |r| ≤ 0.3466
//   e^x = e^r · 2^k1 · 2^k2,  k1 = k >> 1, k2 = k − k1
// Splitting 2^k into two factors keeps both exponents normal for every k in [−1076, 1025], so
// overflow gives +Inf and underflow gives a (gradually) subnormal result or 0 without special
// cases. The input is first clamped to [−746, 710]: e^−746 < 2^−1075 rounds to 0 and e^710
// overflows. NaN propagates (min/max propagate NaN). −Inf → 0, +Inf → +Inf.
//
// Every step is one IEEE operation in a fixed order (baseline SIMD has no FMA), so the scalar
// and the f64x2 version and the TypeScript twin src/kernels/exp.ts agree bit for bit.

// @ts-ignore: decorator
@inline export const EXP_LO: f64 = -746.0;
// @ts-ignore: decorator
@inline export const EXP_HI: f64 = 710.0;
// @ts-ignore: decorator
@inline const LOG2E: f64 = 1.4426950408889634;
// @ts-ignore: decorator
@inline const SHIFTER: f64 = 6755399441055744.0; // 1.5 · 2^52
// @ts-ignore: decorator
@inline const LN2_HI: f64 = 6.93147180369123816490e-01; // 0x3FE62E42FEE00000
// @ts-ignore: decorator
@inline const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3DEA39EF35793C76
// 1/(j+2)! for j = 0..11
// @ts-ignore: decorator
@inline const C2: f64 = 0.5;
// @ts-ignore: decorator
@inline const C3: f64 = 0.16666666666666666;
// @ts-ignore: decorator
@inline const C4: f64 = 0.041666666666666664;
// @ts-ignore: decorator
@inline const C5: f64 = 0.008333333333333333;
// @ts-ignore: decorator
@inline const C6: f64 = 0.001388888888888889;
// @ts-ignore: decorator
@inline const C7: f64 = 0.0001984126984126984;
// @ts-ignore: decorator
@inline const C8: f64 = 0.0000248015873015873;
// @ts-ignore: decorator
@inline const C9: f64 = 0.0000027557319223985893;
// @ts-ignore: decorator
@inline const C10: f64 = 2.755731922398589e-7;
// @ts-ignore: decorator
@inline const C11: f64 = 2.505210838544172e-8;
// @ts-ignore: decorator
@inline const C12: f64 = 2.08767569878681e-9;
// @ts-ignore: decorator
@inline const C13: f64 = 1.6059043836821613e-10;

/** e^x, scalar; bit-identical to expF64x2 lane by lane and to the TS twin expTS. */
// @ts-ignore: decorator
@inline
export function expF64(x0: f64): f64 {
  const x = min(max(x0, EXP_LO), EXP_HI);
  const t = x * LOG2E + SHIFTER;
  const kf = t - SHIFTER;
  const r = (x - kf * LN2_HI) - kf * LN2_LO;
  let q = C13;
  q = q * r + C12;
  q = q * r + C11;
  q = q * r + C10;
  q = q * r + C9;
  q = q * r + C8;
  q = q * r + C7;
  q = q * r + C6;
  q = q * r + C5;
  q = q * r + C4;
  q = q * r + C3;
  q = q * r + C2;
  const er = 1.0 + (r + (r * r) * q);
  const k = <i64>kf;
  const k1 = k >> 1;
  const k2 = k - k1;
  const s1 = reinterpret<f64>((k1 + 1023) << 52);
  const s2 = reinterpret<f64>((k2 + 1023) << 52);
  return (er * s1) * s2;
}

/** e^x on both lanes of an f64x2. */
// @ts-ignore: decorator
@inline
export function expF64x2(x0: v128): v128 {
  // pmin/pmax are single SSE instructions (min/max need NaN and ±0 fix-ups); NaN still
  // propagates because both return their first operand when the comparison is false.
  const x = f64x2.pmax(f64x2.pmin(x0, f64x2.splat(EXP_HI)), f64x2.splat(EXP_LO));
  const shifter = f64x2.splat(SHIFTER);
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), shifter);
  const kf = f64x2.sub(t, shifter);
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kf, f64x2.splat(LN2_HI))), f64x2.mul(kf, f64x2.splat(LN2_LO)));
  let q = f64x2.splat(C13);
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(C12));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(C11));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(C10));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(C9));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(C8));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(C7));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(C6));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(C5));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(C4));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(C3));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(C2));
  const er = f64x2.add(f64x2.splat(1.0), f64x2.add(r, f64x2.mul(f64x2.mul(r, r), q)));
  // 2^k1, 2^k2 with k1 = ⌊k/2⌋, k2 = k − k1, built from exponent bits. The low mantissa bits
  // of S + k1 (exact) hold k1; S has 12 zero low bits, so ((S + k1) + 1023) << 52 is
  // (k1 + 1023) << 52. (No i64x2.shr_s: it has no SSE instruction and V8 emulates it.)
  const k1 = f64x2.floor(f64x2.mul(kf, f64x2.splat(0.5)));
  const k2 = f64x2.sub(kf, k1);
  const bias = i64x2.splat(1023);
  const s1 = i64x2.shl(i64x2.add(f64x2.add(k1, shifter), bias), 52);
  const s2 = i64x2.shl(i64x2.add(f64x2.add(k2, shifter), bias), 52);
  return f64x2.mul(f64x2.mul(er, s1), s2);
}
