/**
 * Pure-TypeScript twin of assembly/rk4_cell.ts: cell-aware classical RK4 on one layer of
 * ẋ = W relu(Ax + b) (survey arXiv 2510.03303, eq. 3.3–3.4), `steps` steps of size h, in place on x (n × d).
 *
 * On the cell of activation pattern S the field is f(y) = M y + c (M = Σ_{j∈S} w_j a_jᵀ,
 * c = Σ_{j∈S} w_j b_j), and one RK4 step is exactly x ↦ x + (D x + r) with K = hM,
 * Φ = I + K/2 + K²/6 + K³/24, D = KΦ, r = hΦc. A point takes that affine step while the bound
 * κF + τ < ρ guarantees that all four RK4 stages stay in its cell (ρ = distance to the nearest
 * hyperplane, F ≥ |f(x)|, κ = h(1 + hm/2 + (hm)²/4), m = ‖M‖_F); otherwise it recomputes s(x)
 * (rebuilding the cell data if the pattern changed) and, if the fresh bound still fails, takes a
 * plain RK4 step in the dense kernel's operation order. The derivation and the rounding
 * allowances are in the kernel's header comment.
 *
 * Every floating-point operation, and its order, is the kernel's (the kernel's f64x2 lanes are
 * independent coordinates or neurons), so the two agree bit for bit; the tests check it.
 * Trajectory convention as in ./rk4.ts.
 */

/** 2^-52 */
const EPS = 2.220446049250313e-16;
/** 1 + 2^-20 */
const SAFE = 1.0 + 9.5367431640625e-7;
const MAX = Number.MAX_VALUE;

/** What one call did (the WASM kernel reports the same four numbers in its scratch). */
export interface Rk4CellStats {
  /** Steps taken with the cell's affine map. */
  affine: number;
  /** Plain RK4 steps (point on or near a hyperplane, or a step too long for its cell). */
  plain: number;
  /** Evaluations of s(x) = A x + b to refresh the distance bound. */
  recomputes: number;
  /** Cell rebuilds (M, c, D, r) after a change of activation pattern. */
  rebuilds: number;
}

export function rk4CellLayerJS(
  x: Float64Array, n: number, d: number,
  W: Float64Array, A: Float64Array, b: Float64Array, p: number,
  h: number, steps: number,
  traj: Float64Array | null = null, every = 1, stepOffset = 0,
): Rk4CellStats {
  const stats: Rk4CellStats = { affine: 0, plain: 0, recomputes: 0, rebuilds: 0 };
  // Layer preparation: 1/|a_j| (scaled, 0 for a_j = 0, capped at MAX) and e_j = (4d + 8)ε|b_j|.
  const inv = new Float64Array(p), err = new Float64Array(p);
  const errScale = (4 * d + 8) * EPS;
  for (let j = 0; j < p; j++) {
    err[j] = errScale * Math.abs(b[j]);
    let amax = 0;
    for (let k = 0; k < d; k++) {
      const aa = Math.abs(A[j * d + k]);
      if (aa > amax) amax = aa;
    }
    let iv = 0;
    if (amax > 0) {
      let ss = 0;
      for (let k = 0; k < d; k++) {
        const t = A[j * d + k] / amax;
        ss += t * t;
      }
      iv = 1.0 / amax / Math.sqrt(ss);
      if (!(iv <= MAX)) iv = MAX;
    }
    inv[j] = iv;
  }
  const dd = d * d;
  const s = new Float64Array(p);
  const pat = new Uint8Array(p), npat = new Uint8Array(p);
  const M = new Float64Array(dd), K = new Float64Array(dd), T = new Float64Array(dd), U = new Float64Array(dd), D = new Float64Array(dd);
  const c = new Float64Array(d), r = new Float64Array(d);
  const xv = new Float64Array(d), xs = new Float64Array(d), fv = new Float64Array(d), acc = new Float64Array(d);
  const half = 0.5 * h, sixth = h / 6.0;
  const frame = n * d;

  const inputs = (y: Float64Array): void => {
    for (let j = 0; j < p; j++) {
      let v = b[j];
      for (let k = 0; k < d; k++) v = v + A[j * d + k] * y[k];
      s[j] = v;
    }
  };
  const fieldFromInputs = (out: Float64Array): void => {
    out.fill(0);
    for (let j = 0; j < p; j++) {
      const rj = Math.max(s[j], 0);
      for (let k = 0; k < d; k++) out[k] = out[k] + W[k * p + j] * rj;
    }
  };
  /** dst = X Y, column-major (entry (i, l) at l·d + i). */
  const matmul = (dst: Float64Array, X: Float64Array, Y: Float64Array): void => {
    for (let l = 0; l < d; l++) {
      const y0 = Y[l * d];
      for (let i = 0; i < d; i++) dst[l * d + i] = X[i] * y0;
      for (let m = 1; m < d; m++) {
        const ym = Y[l * d + m];
        for (let i = 0; i < d; i++) dst[l * d + i] = dst[l * d + i] + X[m * d + i] * ym;
      }
    }
  };
  const addDiagonal = (X: Float64Array, v: number): void => {
    for (let l = 0; l < d; l++) X[l * d + l] = X[l * d + l] + v;
  };
  /** out = v0 + Σ_m X[:, m] y_m */
  const affine = (out: Float64Array, X: Float64Array, v0: Float64Array, y: Float64Array): void => {
    for (let i = 0; i < d; i++) {
      let a = v0[i];
      for (let m = 0; m < d; m++) a = a + X[m * d + i] * y[m];
      out[i] = a;
    }
  };
  const buildField = (): number => {
    M.fill(0);
    c.fill(0);
    for (let j = 0; j < p; j++) {
      if (!pat[j]) continue;
      for (let l = 0; l < d; l++) {
        const al = A[j * d + l];
        for (let i = 0; i < d; i++) M[l * d + i] = M[l * d + i] + W[i * p + j] * al;
      }
      const bj = b[j];
      for (let i = 0; i < d; i++) c[i] = c[i] + W[i * p + j] * bj;
    }
    let ss = 0;
    for (let l = 0; l < dd; l++) ss += M[l] * M[l];
    return Math.sqrt(ss) * SAFE;
  };
  const buildStep = (): void => {
    for (let e = 0; e < dd; e++) {
      const k = M[e] * h;
      K[e] = k;
      T[e] = k * (1.0 / 24.0);
    }
    addDiagonal(T, 1.0 / 6.0);
    matmul(U, K, T);
    addDiagonal(U, 0.5);
    matmul(T, K, U);
    addDiagonal(T, 1.0);
    matmul(D, K, T);
    for (let i = 0; i < d; i++) {
      let a = T[i] * c[0];
      for (let m = 1; m < d; m++) a = a + T[m * d + i] * c[m];
      r[i] = a * h;
    }
  };

  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let k = 0; k < d; k++) xv[k] = x[o + k];
    let hasCell = false, valid = false, stepReady = false;
    let rho = 0, F = 0, tau = 0, kappa = 0, pi = 0, grow = 1;
    for (let st = 0; st < steps; st++) {
      let useAffine = valid && F * kappa + tau < rho;
      if (!useAffine) {
        stats.recomputes++;
        inputs(xv);
        rho = Infinity;
        for (let j = 0; j < p; j++) {
          const sj = s[j];
          npat[j] = sj > 0 ? 1 : 0;
          const iv = inv[j];
          if (iv > 0) {
            const dist = (Math.abs(sj) - err[j]) * iv;
            if (dist < rho) rho = dist;
          }
        }
        let changed = !hasCell;
        for (let j = 0; j < p; j++) {
          if (npat[j] !== pat[j]) {
            changed = true;
            pat[j] = npat[j];
          }
        }
        if (changed) {
          const m = buildField();
          stepReady = false;
          const hm = h * m;
          kappa = h * (1.0 + hm * (0.5 + hm * 0.25)) * SAFE;
          pi = h * (1.0 + hm * (0.5 + hm * (1.0 / 6.0 + hm * (1.0 / 24.0)))) * SAFE;
          grow = 1.0 + m * pi;
          hasCell = true;
          stats.rebuilds++;
        }
        affine(fv, M, c, xv);
        let ff = 0, x1 = 0;
        for (let k = 0; k < d; k++) {
          ff += fv[k] * fv[k];
          x1 += Math.abs(xv[k]);
        }
        F = Math.sqrt(ff);
        tau = errScale * (x1 + kappa * F);
        valid = true;
        useAffine = F * kappa + tau < rho;
        if (!useAffine) {
          fieldFromInputs(acc);
          for (let k = 0; k < d; k++) xs[k] = xv[k] + half * acc[k];
          inputs(xs);
          fieldFromInputs(fv);
          for (let k = 0; k < d; k++) {
            acc[k] = acc[k] + 2.0 * fv[k];
            xs[k] = xv[k] + half * fv[k];
          }
          inputs(xs);
          fieldFromInputs(fv);
          for (let k = 0; k < d; k++) {
            acc[k] = acc[k] + 2.0 * fv[k];
            xs[k] = xv[k] + h * fv[k];
          }
          inputs(xs);
          fieldFromInputs(fv);
          for (let k = 0; k < d; k++) xv[k] = xv[k] + sixth * (acc[k] + fv[k]);
          valid = false;
          stats.plain++;
        }
      }
      if (useAffine) {
        stats.affine++;
        if (!stepReady) {
          buildStep();
          stepReady = true;
        }
        affine(acc, D, r, xv);
        for (let k = 0; k < d; k++) xv[k] = xv[k] + acc[k];
        rho -= pi * F;
        F *= grow;
      }
      if (traj) {
        const g = stepOffset + st + 1;
        if (g % every === 0) {
          const fo = (g / every) * frame + o;
          for (let k = 0; k < d; k++) traj[fo + k] = xv[k];
        }
      }
    }
    for (let k = 0; k < d; k++) x[o + k] = xv[k];
  }
  return stats;
}
