// exp(x) for f64 and f64x2, within about 0.51 ulp of e^x on the normal range (measured against
// Math.exp on 10^6+ arguments by test/kernels/exp.test.ts; docs/algorithms/attention.md, "exp").
//
// Method (table-driven range reduction, Tang's scheme; J.-M. Muller, "Elementary Functions",
// ch. 11 — the formulas, not any code):
//   k = round(x · 64/ln 2)                   via the 1.5·2^52 "shifter": t = x·(64/ln2) + S, k = t − S
//                                            (exact), and j = k mod 64 = the low 6 bits of t
//   r = (x − k·C_hi) − k·C_lo                C = ln2/64 = C_hi + C_lo, C_hi with 36 significant bits,
//                                            so k·C_hi is exact for |k| < 2^17; |r| ≤ ln2/128 + tiny
//   e^r − 1 ≈ p(r) = r + r²·(a + r²·(b + r²·C6)),  a = C2 + r·C3,  b = C4 + r·C5   (Estrin order:
//                                            independent products, short dependency chain);
//                                            truncation r^7/7! ≤ 2.7e-20
//   e^x = 2^m · 2^(j/64) · e^r,  m = (k − j)/64,  2^(j/64) = T_hi[j] + T_lo[j] (table, T_hi the
//         nearest double, T_lo the nearest double to the rest):
//       y = (T_hi + (T_lo + T_hi·p)) · 2^m1 · 2^m2,   m1 = ⌊m/2⌋, m2 = m − m1
// Splitting 2^m into two factors keeps both exponents normal for every m in [−1077, 1025], so
// overflow gives +Inf and underflow a (gradually) subnormal result or 0 without special cases.
// The input is first clamped to [−746, 710]: e^−746 < 2^−1075 rounds to 0 and e^710 overflows.
// NaN propagates; −Inf → 0, +Inf → +Inf. The table index is masked to 6 bits, so no input can
// read outside the table.
//
// Every step is one IEEE operation in a fixed order (baseline SIMD has no FMA), so the scalar
// and the f64x2 version and the TypeScript twin src/kernels/exp.ts agree bit for bit. Cost per
// f64x2: ~30 SIMD operations on a dependency chain of ~12 (the former degree-13 Horner chain
// was ~30 long).

// @ts-ignore: decorator
@inline export const EXP_LO: f64 = -746.0;
// @ts-ignore: decorator
@inline export const EXP_HI: f64 = 710.0;
// @ts-ignore: decorator
@inline const INV_C: f64 = 92.33248261689366; // 64 / ln 2
// @ts-ignore: decorator
@inline const SHIFTER: f64 = 6755399441055744.0; // 1.5 · 2^52
// @ts-ignore: decorator
@inline const C_HI: f64 = 0.010830424696223417; // ln2/64, 36 significant bits
// @ts-ignore: decorator
@inline const C_LO: f64 = 2.572804622327669e-14; // ln2/64 − C_HI
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

/** (T_hi[j], T_lo[j]) interleaved for j = 0..63: 2^(j/64) = T_hi + T_lo to ~2^−106. */
const TABLE: usize = memory.data<f64>([
  1.0, 0.0, 1.0108892860517005, -1.5234778603368577e-17,
  1.0218971486541166, 5.109225028973444e-17, 1.0330248790212284, 7.600838874027088e-18,
  1.0442737824274138, 8.551889705537965e-17, 1.0556451783605572, 1.759325738772092e-18,
  1.0671404006768237, -7.899853966841582e-17, 1.0787607977571199, -6.656660436056593e-17,
  1.0905077326652577, -3.046782079812471e-17, 1.102382583307841, 5.2660368715706944e-17,
  1.1143867425958924, 1.0410278456845571e-16, 1.1265216186082418, 5.165856758795457e-17,
  1.1387886347566916, 8.912812676025408e-17, 1.1511892299529827, 3.250710218863827e-17,
  1.1637248587775775, 3.8292048369240935e-17, 1.1763969916502812, 5.554203254218079e-17,
  1.189207115002721, 3.982015231465646e-17, 1.202156731452703, 6.644981499252301e-17,
  1.215247359980469, -7.712630692681488e-17, 1.22848053610687, -1.89878163130253e-17,
  1.241857812073484, 4.658027591836937e-17, 1.255380757024691, -6.7113898212968784e-18,
  1.2690509571917332, 2.667932131342186e-18, 1.2828700160787783, 1.713594918243561e-17,
  1.2968395546510096, 2.5382502794888315e-17, 1.3109612115247644, -7.181536135519454e-17,
  1.3252366431597413, -2.8587312100388614e-17, 1.339667524053303, 8.927282594831732e-17,
  1.3542555469368927, 7.70094837980299e-17, 1.3690024229745905, 9.593797919118849e-17,
  1.383909881963832, -6.770511658794786e-17, 1.3989796725383112, -9.614213209051323e-17,
  1.4142135623730951, -9.667293313452913e-17, 1.42961333839197, -1.2031642489053655e-17,
  1.4451808069770467, -3.0237581349939873e-17, 1.460917794180647, -5.600377186075216e-17,
  1.4768261459394993, -3.483994556892796e-17, 1.4929077282912648, 1.4192920154284036e-17,
  1.5091644275934228, -1.016455327754295e-16, 1.5255981507445384, -1.1024941712342561e-16,
  1.5422108254079407, 7.949834809697621e-17, 1.559004400237837, 3.7812070533575275e-17,
  1.5759808451078865, -1.0136916471278304e-17, 1.593142151342267, -1.0094406542311964e-16,
  1.6104903319492543, 2.4707192569797888e-17, 1.6280274218573478, -6.712955084707084e-17,
  1.645755478153965, -1.0125679913674773e-16, 1.6636765803267364, 5.8909926967131e-17,
  1.681792830507429, 8.199010020581497e-17, 1.7001063537185235, -8.0237193703977e-18,
  1.718619298122478, -1.851380418263111e-17, 1.7373338352737062, 3.164389299292957e-17,
  1.7562521603732995, 2.960140695448873e-17, 1.7753764925265212, 6.429731796556572e-17,
  1.7947090750031072, 1.8227458427912087e-17, 1.8142521755003989, -9.969531538920349e-17,
  1.8340080864093424, 3.283107224245627e-17, 1.8539791250833855, 9.761887490727594e-17,
  1.8741676341103, -6.122763413004143e-17, 1.8945759815869656, 3.4034035352165297e-17,
  1.9152065613971474, -1.0619946056195963e-16, 1.9360617934922943, 1.0332385960676326e-16,
  1.9571441241754002, 8.960767791036668e-17, 1.978456026387951, 4.0388753109278167e-17,
]);

/** e^x, scalar; bit-identical to expF64x2 lane by lane and to the TS twin expTS. */
// @ts-ignore: decorator
@inline
export function expF64(x0: f64): f64 {
  const x = min(max(x0, EXP_LO), EXP_HI);
  const t = x * INV_C + SHIFTER;
  const kf = t - SHIFTER;
  const j = <usize>(reinterpret<i64>(t) & 63);
  const r = (x - kf * C_HI) - kf * C_LO;
  const r2 = r * r;
  const a = C2 + r * C3;
  const b = C4 + r * C5;
  const q = a + r2 * (b + r2 * C6);
  const p = r + r2 * q;
  const th = load<f64>(TABLE + (j << 4));
  const tl = load<f64>(TABLE + (j << 4), 8);
  const y = th + (tl + th * p);
  const mf = floor(kf * 0.015625);
  const m1 = floor(mf * 0.5);
  const m2 = mf - m1;
  const s1 = reinterpret<f64>((reinterpret<i64>(m1 + SHIFTER) + 1023) << 52);
  const s2 = reinterpret<f64>((reinterpret<i64>(m2 + SHIFTER) + 1023) << 52);
  return (y * s1) * s2;
}

/** e^x on both lanes of an f64x2. */
// @ts-ignore: decorator
@inline
export function expF64x2(x0: v128): v128 {
  // pmin/pmax are single SSE instructions (min/max need NaN and ±0 fix-ups); NaN still
  // propagates because both return their first operand when the comparison is false.
  const x = f64x2.pmax(f64x2.pmin(x0, f64x2.splat(EXP_HI)), f64x2.splat(EXP_LO));
  const shifter = f64x2.splat(SHIFTER);
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(INV_C)), shifter);
  const kf = f64x2.sub(t, shifter);
  // the table rows of both lanes: (T_hi, T_lo) pairs, one v128 load each
  const e0 = load<v128>(TABLE + (<usize>(i64x2.extract_lane(t, 0) & 63) << 4));
  const e1 = load<v128>(TABLE + (<usize>(i64x2.extract_lane(t, 1) & 63) << 4));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kf, f64x2.splat(C_HI))), f64x2.mul(kf, f64x2.splat(C_LO)));
  const r2 = f64x2.mul(r, r);
  const a = f64x2.add(f64x2.splat(C2), f64x2.mul(r, f64x2.splat(C3)));
  const b = f64x2.add(f64x2.splat(C4), f64x2.mul(r, f64x2.splat(C5)));
  const q = f64x2.add(a, f64x2.mul(r2, f64x2.add(b, f64x2.mul(r2, f64x2.splat(C6)))));
  const p = f64x2.add(r, f64x2.mul(r2, q));
  const th = v128.shuffle<f64>(e0, e1, 0, 2);
  const tl = v128.shuffle<f64>(e0, e1, 1, 3);
  const y = f64x2.add(th, f64x2.add(tl, f64x2.mul(th, p)));
  // Fast path, both lanes in [−708, 709] (e^x normal): y · 2^m by adding m to the exponent
  // bits. The low bits of t hold k, so (t & ~63) << 46 = (k − j) << 46 = m << 52 (mod 2^64,
  // which also handles m < 0). Exact, hence equal to the two-factor product below.
  if (i64x2.all_true(v128.and(f64x2.ge(x0, f64x2.splat(-708.0)), f64x2.le(x0, f64x2.splat(709.0))))) {
    return i64x2.add(y, i64x2.shl(v128.andnot(t, i64x2.splat(63)), 46));
  }
  // 2^m1, 2^m2 with m = (k − j)/64 = ⌊k/64⌋, m1 = ⌊m/2⌋, m2 = m − m1, from exponent bits: the
  // low mantissa bits of S + m1 (exact) hold m1; S has 12 zero low bits, so ((S + m1) + 1023)
  // << 52 is (m1 + 1023) << 52. (No i64x2.shr_s: it has no SSE instruction and V8 emulates it.)
  const mf = f64x2.floor(f64x2.mul(kf, f64x2.splat(0.015625)));
  const m1 = f64x2.floor(f64x2.mul(mf, f64x2.splat(0.5)));
  const m2 = f64x2.sub(mf, m1);
  const bias = i64x2.splat(1023);
  const s1 = i64x2.shl(i64x2.add(f64x2.add(m1, shifter), bias), 52);
  const s2 = i64x2.shl(i64x2.add(f64x2.add(m2, shifter), bias), 52);
  return f64x2.mul(f64x2.mul(y, s1), s2);
}
