/**
 * The gradient of the exact flow map of ẋ = W relu(A x + b) with piecewise-constant controls
 * (survey arXiv 2510.03303, eq. 3.3–3.4), switch times included (docs/algorithms/training.md).
 *
 * Forward: every point is flowed by the exact solver (src/flow/exact.ts), which reports the cells
 * of the hyperplane arrangement it passes (start, duration, active set S, end state). In a cell the
 * field is affine, ẋ = M x + c (M = W_S A_S, c = W_S b_S), i.e. ż = B z for z = (x, 1).
 * Backward: the field is continuous across every hyperplane, so the saltation matrix at a
 * transversal crossing is the identity and the adjoint λ (λ̇ = −Mᵀλ) is continuous. Over a cell
 * of length Δ with end adjoint λ₁ and start state z₀, Van Loan's block exponential
 *   exp(Δ [[Mᵀ, λ₁ z₀ᵀ], [0, Bᵀ]]) = [[e^{MᵀΔ}, P], [0, e^{BᵀΔ}]],  P = ∫₀^Δ λ(t) z(t)ᵀ dt,
 * gives the start adjoint λ₀ = e^{MᵀΔ} λ₁ and every parameter integral at once (i ∈ S):
 *   ∂/∂W_ki = Σ_j P_kj [A|b]_ij,   ∂/∂A_ij = Σ_k W_ki P_kj,   ∂/∂b_i = Σ_k W_ki P_kd.
 * A neuron with w_i = 0 ("silent": it never changes the motion) still has ∂/∂W_ki = ∫ λ_k relu(s_i);
 * its sign changes inside a cell are located by bisection and the cell is split there.
 * Switch times: ∂J/∂τ_k = λ(t_k)·f_k(x(t_k)) at the end t_k of layer k.
 * Not differentiable: at grazing contacts (a trajectory tangent to a hyperplane, where the crossing
 * time has a square-root dependence), where a point starts on a hyperplane moving along it, and
 * at the kinks of the losses (hinge).
 */
import { ConvergenceError } from '../errors.js';
import { exactLayerPoint, setCellObserver } from '../flow/exact.js';
import { reluFieldPoint } from '../kernels/relu.js';
import { expm } from '../linalg/expm.js';
import type { Controls, Layer } from '../types.js';
import type { LayerGradientArrays, RiskFn } from './loss.js';

interface Cell {
  tau: number;
  idx: Int32Array;
  /** State at the cell's end. */
  xEnd: Float64Array;
}

export interface ExactResult {
  risk: number;
  z: Float64Array;
}

export function* exactRiskGradient(
  c: Controls, x: Float64Array, n: number, rows: Int32Array | null, risk: RiskFn,
  grad: LayerGradientArrays[] | null, durations: boolean,
): Generator<number, ExactResult> {
  const d = c.d, p = c.width, Lc = c.layers.length;
  const z = new Float64Array(n * d);
  const records: Cell[][][] = [];
  const starts: Float64Array[][] = [];
  const buf = new Float64Array(d);
  let cells: Cell[] = [];
  setCellObserver((_t, tau, idx, xe) => {
    cells.push({ tau, idx: idx.slice(), xEnd: xe.slice(0, d) });
  });
  try {
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) buf[k] = x[i * d + k];
      const rec: Cell[][] = [];
      const st: Float64Array[] = [];
      for (let l = 0; l < Lc; l++) {
        const L = c.layers[l];
        st.push(buf.slice());
        cells = [];
        exactLayerPoint(buf, 0, d, L, p, null, null, 0, 0, l);
        let covered = 0;
        for (const cl of cells) covered += cl.tau;
        if (L.duration - covered > 4e-16 * L.duration * (cells.length + 1)) {
          // the motion stopped (zero field / equilibrium): the rest of the layer is one cell
          cells.push({ tau: L.duration - covered, idx: activeAt(L, buf, d, p), xEnd: buf.slice() });
        }
        rec.push(cells);
      }
      z.set(buf, i * d);
      if (grad) {
        records.push(rec);
        starts.push(st);
      }
    }
  } finally {
    setCellObserver(null);
  }
  const lam = new Float64Array(n * d);
  const r = risk.evaluate(z, n, grad ? lam : null, rows);
  if (!grad) return { risk: r, z };
  const f = new Float64Array(d);
  yield 0.3;
  for (let i = 0; i < n; i++) {
    if (i % 64 === 63) yield 0.3 + (0.7 * i) / n;
    let l1: Float64Array = lam.slice(i * d, (i + 1) * d);
    for (let l = Lc - 1; l >= 0; l--) {
      const L = c.layers[l], g = grad[l];
      const rec = records[i][l];
      const xEndLayer = rec.length ? rec[rec.length - 1].xEnd : starts[i][l];
      if (durations) {
        reluFieldPoint(xEndLayer, 0, d, L.W, L.A, L.b, p, f, 0);
        let s = 0;
        for (let k = 0; k < d; k++) s += l1[k] * f[k];
        g.duration[0] += s;
      }
      for (let q = rec.length - 1; q >= 0; q--) {
        const x0 = q > 0 ? rec[q - 1].xEnd : starts[i][l];
        l1 = cellBackward(L, d, p, rec[q], x0, l1, g);
      }
    }
  }
  return { risk: r, z };
}

/** Non-silent neurons with s_j(x) > 0. */
function activeAt(L: Layer, x: Float64Array, d: number, p: number): Int32Array {
  const out: number[] = [];
  for (let j = 0; j < p; j++) {
    let s = L.b[j], wn = 0;
    for (let k = 0; k < d; k++) {
      s += L.A[j * d + k] * x[k];
      wn += Math.abs(L.W[k * p + j]);
    }
    if (s > 0 && wn > 0) out.push(j);
  }
  return Int32Array.from(out);
}

/** B = [[M, c], [0, 0]] ((d+1)×(d+1)) of the cell with active set idx. */
function cellMatrix(L: Layer, d: number, p: number, idx: Int32Array): Float64Array {
  const m = d + 1;
  const B = new Float64Array(m * m);
  for (const i of idx) {
    for (let k = 0; k < d; k++) {
      const w = L.W[k * p + i];
      if (w === 0) continue;
      for (let j = 0; j < d; j++) B[k * m + j] += w * L.A[i * d + j];
      B[k * m + d] += w * L.b[i];
    }
  }
  return B;
}

/** λ₀ and P = ∫ λ zᵀ over a stretch of length delta with start state z0 and end adjoint lam1. */
function vanLoan(B: Float64Array, d: number, z0: Float64Array, lam1: Float64Array, delta: number): { lam0: Float64Array; P: Float64Array } {
  const m = d + 1, n2 = 2 * d + 1;
  const H = new Float64Array(n2 * n2);
  for (let r = 0; r < d; r++) for (let col = 0; col < d; col++) H[r * n2 + col] = delta * B[col * m + r];
  for (let r = 0; r < d; r++) for (let j = 0; j < m; j++) H[r * n2 + d + j] = delta * lam1[r] * z0[j];
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) H[(d + i) * n2 + d + j] = delta * B[j * m + i];
  const E = expm(H, n2);
  const lam0 = new Float64Array(d);
  for (let r = 0; r < d; r++) {
    let s = 0;
    for (let col = 0; col < d; col++) s += E[r * n2 + col] * lam1[col];
    lam0[r] = s;
  }
  const P = new Float64Array(d * m);
  for (let r = 0; r < d; r++) for (let j = 0; j < m; j++) P[r * m + j] = E[r * n2 + d + j];
  return { lam0, P };
}

/** e^{Bt} z0. */
function propagate(B: Float64Array, d: number, z0: Float64Array, t: number): Float64Array {
  const m = d + 1;
  const Bt = new Float64Array(m * m);
  for (let e = 0; e < m * m; e++) Bt[e] = t * B[e];
  const E = expm(Bt, m);
  const out = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += E[r * m + j] * z0[j];
    out[r] = s;
  }
  return out;
}

/** e^{Mᵀ t} λ. */
function propagateAdjoint(B: Float64Array, d: number, lam: Float64Array, t: number): Float64Array {
  const m = d + 1;
  const Mt = new Float64Array(d * d);
  for (let r = 0; r < d; r++) for (let col = 0; col < d; col++) Mt[r * d + col] = t * B[col * m + r];
  const E = expm(Mt, d);
  const out = new Float64Array(d);
  for (let r = 0; r < d; r++) {
    let s = 0;
    for (let col = 0; col < d; col++) s += E[r * d + col] * lam[col];
    out[r] = s;
  }
  return out;
}

function preact(L: Layer, d: number, i: number, z: Float64Array): number {
  let s = L.b[i];
  for (let k = 0; k < d; k++) s += L.A[i * d + k] * z[k];
  return s;
}

function addWGrad(L: Layer, d: number, p: number, i: number, P: Float64Array, g: LayerGradientArrays): void {
  const m = d + 1;
  for (let k = 0; k < d; k++) {
    let s = P[k * m + d] * L.b[i];
    for (let j = 0; j < d; j++) s += P[k * m + j] * L.A[i * d + j];
    g.W[k * p + i] += s;
  }
}

/** Back through one cell: accumulates the parameter gradients and returns λ at the cell's start. */
function cellBackward(L: Layer, d: number, p: number, cell: Cell, x0: Float64Array, lam1: Float64Array, g: LayerGradientArrays): Float64Array {
  const m = d + 1;
  const B = cellMatrix(L, d, p, cell.idx);
  const z0 = new Float64Array(m);
  z0.set(x0);
  z0[d] = 1;
  const { lam0, P } = vanLoan(B, d, z0, lam1, cell.tau);
  const inS = new Uint8Array(p);
  for (const i of cell.idx) {
    inS[i] = 1;
    addWGrad(L, d, p, i, P, g);
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += L.W[k * p + i] * P[k * m + j];
      if (j < d) g.A[i * d + j] += s;
      else g.b[i] += s;
    }
  }
  // silent neurons (w_i = 0): ∂/∂W_ki = ∫ λ_k relu(s_i), s_i possibly changing sign in the cell
  const zEnd = new Float64Array(m);
  zEnd.set(cell.xEnd);
  zEnd[d] = 1;
  for (let i = 0; i < p; i++) {
    if (inS[i]) continue;
    let silent = true;
    for (let k = 0; k < d && silent; k++) if (L.W[k * p + i] !== 0) silent = false;
    if (!silent) continue;
    const s0 = preact(L, d, i, z0), s1 = preact(L, d, i, zEnd);
    if (s0 > 0 && s1 > 0) addWGrad(L, d, p, i, P, g);
    else if ((s0 > 0) !== (s1 > 0)) {
      // one sign change (a dip and return inside one cell is not resolved; see the docs)
      let lo = 0, hi = cell.tau;
      for (let it = 0; it < 200 && hi - lo > 1e-15 * cell.tau; it++) {
        const mid = 0.5 * (lo + hi);
        const sm = preact(L, d, i, propagate(B, d, z0, mid));
        if ((sm > 0) === (s0 > 0)) lo = mid;
        else hi = mid;
      }
      const ts = 0.5 * (lo + hi);
      if (!Number.isFinite(ts)) throw new ConvergenceError('the exact gradient', `no switch time for a silent neuron ${i}`, "use method 'rk4'");
      // positive part: [0, ts] if s0 > 0, else [ts, tau]
      const [t1, t2] = s0 > 0 ? [0, ts] : [ts, cell.tau];
      const zs = t1 === 0 ? z0 : propagate(B, d, z0, t1);
      const ls = t2 === cell.tau ? lam1 : propagateAdjoint(B, d, lam1, cell.tau - t2);
      addWGrad(L, d, p, i, vanLoan(B, d, zs, ls, t2 - t1).P, g);
    }
  }
  return lam0;
}
