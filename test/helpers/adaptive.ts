/**
 * An independent integrator for tests: Dormand–Prince 5(4) (Dormand & Prince 1980, the
 * coefficients of Hairer–Nørsett–Wanner, Solving ODEs I, Table II.5.2) with embedded error
 * control, integrating ẋ = W relu(A x + b) layer by layer, point by point, and stopping at
 * every hyperplane crossing ⟨a_i, x⟩ + b_i = 0 (the field is only Lipschitz there, so a step
 * that straddles a kink is shortened to end just past it, located by bisection on the step).
 *
 * Shares no code with the flow engine: it reads the controls from the JSON text itself
 * (format "flowsteer.controls/1": d, width, layers[{duration, W (d×p), A (p×d), b}]) or from a
 * Controls object, and uses nothing else of src/.
 *
 *   adaptiveFlow(controls, X, n, d, { rtol, atol }) → Float64Array (n × d, row-major)
 */
export interface AdaptiveOptions {
  /** Relative tolerance per step (default 1e-10). */
  rtol?: number;
  /** Absolute tolerance per step (default 1e-12). */
  atol?: number;
  /** Step limit per point and layer (default 10^6). */
  maxSteps?: number;
}

interface RawLayer {
  duration: number;
  W: ArrayLike<number>;
  A: ArrayLike<number>;
  b: ArrayLike<number>;
}

interface RawControls {
  d: number;
  width: number;
  layers: readonly RawLayer[];
}

// Dormand–Prince 5(4) tableau.
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const AT = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const B5 = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
const B4 = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];
void C;

export function adaptiveFlow(controls: string | RawControls, X: Float64Array, n: number, d: number, options: AdaptiveOptions = {}): Float64Array {
  const c: RawControls = typeof controls === 'string' ? (JSON.parse(controls) as RawControls) : controls;
  if (c.d !== d) throw new Error(`adaptiveFlow: controls have d = ${c.d}, points have d = ${d}`);
  const p = c.width;
  const rtol = options.rtol ?? 1e-10, atol = options.atol ?? 1e-12;
  const maxSteps = options.maxSteps ?? 1e6;
  const out = Float64Array.from(X.subarray(0, n * d));
  const x = new Float64Array(d), xn = new Float64Array(d), xe = new Float64Array(d), tmp = new Float64Array(d);
  const K = Array.from({ length: 7 }, () => new Float64Array(d));
  const sgn = new Int8Array(p), sgn2 = new Int8Array(p);
  for (const L of c.layers) {
    const W = L.W, A = L.A, b = L.b;
    const field = (y: Float64Array, f: Float64Array): void => {
      f.fill(0);
      for (let i = 0; i < p; i++) {
        let s = b[i];
        for (let k = 0; k < d; k++) s += A[i * d + k] * y[k];
        if (s > 0) for (let k = 0; k < d; k++) f[k] += W[k * p + i] * s;
      }
    };
    const signs = (y: Float64Array, out8: Int8Array): void => {
      for (let i = 0; i < p; i++) {
        let wz = true;
        for (let k = 0; k < d; k++) if (W[k * p + i] !== 0) wz = false;
        if (wz) {
          out8[i] = 0; // a neuron with w = 0 never changes the field
          continue;
        }
        let s = b[i];
        for (let k = 0; k < d; k++) s += A[i * d + k] * y[k];
        out8[i] = s > 0 ? 1 : -1;
      }
    };
    /** One DP step of size h from x; result in xn, error estimate returned (scaled RMS). */
    const step = (h: number): number => {
      field(x, K[0]);
      for (let st = 1; st < 7; st++) {
        for (let k = 0; k < d; k++) {
          let acc = x[k];
          for (let j = 0; j < st; j++) acc += h * AT[st][j] * K[j][k];
          tmp[k] = acc;
        }
        field(tmp, K[st]);
      }
      let err = 0;
      for (let k = 0; k < d; k++) {
        let y5 = x[k], e = 0;
        for (let j = 0; j < 7; j++) {
          y5 += h * B5[j] * K[j][k];
          e += h * (B5[j] - B4[j]) * K[j][k];
        }
        xn[k] = y5;
        xe[k] = e;
        const sc = atol + rtol * Math.max(Math.abs(x[k]), Math.abs(y5));
        err += (e / sc) ** 2;
      }
      return Math.sqrt(err / d);
    };
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) x[k] = out[i * d + k];
      let t = 0;
      const T = L.duration;
      let h = T;
      let steps = 0;
      while (t < T) {
        if (++steps > maxSteps) throw new Error(`adaptiveFlow: more than ${maxSteps} steps for point ${i}`);
        h = Math.min(h, T - t);
        const err = step(h);
        if (!(err <= 1)) {
          h *= Math.max(0.1, 0.9 * Math.pow(err, -0.2));
          if (!(h > 1e-300)) throw new Error(`adaptiveFlow: step size underflow at point ${i}`);
          continue;
        }
        // Hyperplane crossing inside the step? Then shorten the step to end just past the
        // first crossing (bisection on the step length; the kink is then at most ~1e-13·h
        // inside the step, which costs nothing at this order).
        signs(x, sgn);
        signs(xn, sgn2);
        let crossed = false;
        for (let j = 0; j < p; j++) if (sgn[j] !== sgn2[j]) crossed = true;
        let hUsed = h;
        if (crossed) {
          let lo = 0, hi = h;
          for (let it = 0; it < 60 && hi - lo > 1e-14 * h; it++) {
            const mid = 0.5 * (lo + hi);
            step(mid);
            signs(xn, sgn2);
            let same = true;
            for (let j = 0; j < p; j++) if (sgn[j] !== sgn2[j]) same = false;
            if (same) lo = mid;
            else hi = mid;
          }
          hUsed = hi;
          step(hUsed);
        }
        x.set(xn);
        t = hUsed === T - t ? T : t + hUsed;
        const grow = err > 0 ? Math.min(5, 0.9 * Math.pow(err, -0.2)) : 5;
        h = crossed ? Math.max(h, hUsed) : h * grow;
      }
      for (let k = 0; k < d; k++) out[i * d + k] = x[k];
    }
  }
  return out;
}
