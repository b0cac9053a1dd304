/**
 * The rescaling that makes the Wasserstein family overflow-proof (docs/algorithms/wasserstein.md,
 * "Rescaling"): W_p is homogeneous of degree 1 in the coordinates and translation invariant, so
 * every solver runs on (x − c)/L with c the centre of the joint bounding box and L a length unit
 * (first the half-diagonal H of that box, then H·t with t the value estimate), and results are
 * scaled back: value = L·(cost in L-units)^{1/p}.
 */
import { InvalidArgumentError } from '../errors.js';
import type { PointCloud } from '../types.js';

export interface Frame {
  /** Centre of the joint bounding box (d). */
  readonly center: Float64Array;
  /** A power of two ≥ the half-diagonal of the joint bounding box: every distance is ≤ 2H. 0 when all points coincide. */
  readonly H: number;
  /** Largest |coordinate|. */
  readonly maxAbs: number;
}

/** The largest power of two ≤ x > 0 (division by it is exact, so rescaled differences keep every bit). */
export function pow2Below(x: number): number {
  return Math.pow(2, Math.floor(Math.log2(x)));
}

/** Centre and half-diagonal of the joint bounding box, computed without overflow. */
export function frameOf(clouds: readonly PointCloud[], d: number): Frame {
  const center = new Float64Array(d), half = new Float64Array(d);
  let hmax = 0, maxAbs = 0;
  for (let k = 0; k < d; k++) {
    let lo = Infinity, hi = -Infinity;
    for (const c of clouds) {
      for (let i = 0; i < c.n; i++) {
        const t = c.data[i * d + k];
        if (t < lo) lo = t;
        if (t > hi) hi = t;
        if (Math.abs(t) > maxAbs) maxAbs = Math.abs(t);
      }
    }
    center[k] = hi / 2 + lo / 2;
    half[k] = hi / 2 - lo / 2;
    if (half[k] > hmax) hmax = half[k];
  }
  if (hmax === 0) return { center, H: 0, maxAbs };
  let s = 0;
  for (let k = 0; k < d; k++) s += (half[k] / hmax) ** 2;
  const diag = hmax * Math.sqrt(s);
  const H = Math.pow(2, Math.ceil(Math.log2(diag)));
  return { center, H: Number.isFinite(H) && H >= diag ? H : diag, maxAbs };
}

/**
 * x/L, row-major, as a new cloud; (x − c)/L only when x/L would come near the double range.
 * With L a power of two x/L is exact, so rescaled differences x_i/L − y_j/L carry every bit of
 * x_i − y_j (centring would lose ulp(|x|)/|x − y| of them: points 1e-7 apart at 1e3).
 */
export function rescale(x: PointCloud, f: Frame, L: number): PointCloud {
  const d = x.d, data = new Float64Array(x.n * d);
  const centre = f.maxAbs / L > 2 ** 900;
  for (let i = 0; i < x.n; i++) for (let k = 0; k < d; k++) data[i * d + k] = centre ? (x.data[i * d + k] - f.center[k]) / L : x.data[i * d + k] / L;
  return { n: x.n, d, data };
}

/** ‖x_i − y_j‖^p on rescaled clouds (same operation order as the cost kernel). */
export function distP(x: PointCloud, i: number, y: PointCloud, j: number, p: number): number {
  let s = 0;
  for (let k = 0; k < x.d; k++) {
    const t = x.data[i * x.d + k] - y.data[j * y.d + k];
    s = s + t * t;
  }
  return p === 2 ? s : p === 1 ? Math.sqrt(s) : Math.pow(Math.sqrt(s), p);
}

/**
 * Values `v` (in units of L^p) expressed in the caller's cost units: v·L^p, when every one is
 * representable (finite, and not flushed to 0 / subnormal when v is not); else null (the caller
 * reports them in units of L^p and says so in `lengthUnit`).
 */
export function toUserUnits(values: readonly Float64Array[], L: number, p: number): Float64Array[] | null {
  const logLp = p * Math.log(L);
  const scalePow = Math.pow(L, p);
  const direct = Number.isFinite(scalePow) && scalePow >= 1e-290;
  const out: Float64Array[] = [];
  for (const v of values) {
    const w = new Float64Array(v.length);
    for (let k = 0; k < v.length; k++) {
      const x = v[k];
      if (x === 0 || !Number.isFinite(x)) {
        w[k] = x;
        continue;
      }
      const y = direct ? x * scalePow : Math.sign(x) * Math.exp(Math.log(Math.abs(x)) + logLp);
      if (!Number.isFinite(y) || Math.abs(y) < 2.2250738585072014e-308) return null;
      w[k] = y;
    }
    out.push(w);
  }
  return out;
}

/** value = L·c^{1/p}, or a typed error when it does not fit in a double. */
export function lengthFromCost(L: number, cost: number, p: number, name: string): number {
  const v = L * (p === 1 ? cost : Math.pow(cost, 1 / p));
  if (!Number.isFinite(v)) {
    throw new InvalidArgumentError(name, 'points whose W_p exceeds 1.8e308', 'points whose distance fits in a double', 'divide the coordinates by a common factor (W_p scales by the same factor)');
  }
  return v;
}
