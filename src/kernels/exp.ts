/**
 * Pure-TypeScript twin of assembly/lib/exp.ts: e^x by Cody–Waite range reduction and a
 * degree-13 Taylor polynomial, in exactly the kernel's operation order, so expTS(x) equals the
 * WASM expF64 / expF64x2 bit for bit (and Math.exp to about 1 ulp on the normal range).
 *
 *   k = round(x·log2 e) (shifter 1.5·2^52),  r = (x − k·ln2_hi) − k·ln2_lo,
 *   e^r = 1 + (r + r²·Σ_{j=0}^{11} r^j/(j+2)!),   e^x = e^r · 2^⌊k/2⌋ · 2^(k−⌊k/2⌋)
 *
 * Input clamped to [−746, 710] (below: 0, above: +Inf); NaN → NaN.
 */
const EXP_LO = -746.0;
const EXP_HI = 710.0;
const LOG2E = 1.4426950408889634;
const SHIFTER = 6755399441055744.0;
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const C2 = 0.5;
const C3 = 0.16666666666666666;
const C4 = 0.041666666666666664;
const C5 = 0.008333333333333333;
const C6 = 0.001388888888888889;
const C7 = 0.0001984126984126984;
const C8 = 0.0000248015873015873;
const C9 = 0.0000027557319223985893;
const C10 = 2.755731922398589e-7;
const C11 = 2.505210838544172e-8;
const C12 = 2.08767569878681e-9;
const C13 = 1.6059043836821613e-10;

/** 2^j for j in [POW2_MIN, POW2_MAX], built by exact doubling/halving. */
const POW2_MIN = -540;
const POW2_MAX = 515;
const POW2 = (() => {
  const t = new Float64Array(POW2_MAX - POW2_MIN + 1);
  let v = 1;
  for (let j = 0; j <= POW2_MAX; j++, v *= 2) t[j - POW2_MIN] = v;
  v = 1;
  for (let j = 0; j >= POW2_MIN; j--, v *= 0.5) t[j - POW2_MIN] = v;
  return t;
})();

/** e^x, bit-identical to the WASM kernels' expF64. */
export function expTS(x0: number): number {
  if (x0 !== x0) return NaN;
  const x = Math.min(Math.max(x0, EXP_LO), EXP_HI);
  const t = x * LOG2E + SHIFTER;
  const kf = t - SHIFTER;
  const r = x - kf * LN2_HI - kf * LN2_LO;
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
  const er = 1.0 + (r + r * r * q);
  const k1 = Math.floor(kf / 2); // = k >> 1 (arithmetic shift rounds toward −∞)
  const k2 = kf - k1;
  return er * POW2[k1 - POW2_MIN] * POW2[k2 - POW2_MIN];
}

/** dst[i] = e^{src[i]} (twin of the kernel expArray). */
export function expArrayJS(src: Float64Array, dst: Float64Array = new Float64Array(src.length)): Float64Array {
  for (let i = 0; i < src.length; i++) dst[i] = expTS(src[i]);
  return dst;
}
