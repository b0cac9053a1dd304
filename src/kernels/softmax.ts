/**
 * Pure-TypeScript twin of assembly/softmax.ts: one step of the softmax attention dynamics
 * (survey arXiv 2510.03303, eq. 4.2)  z_i ← z_i + c·(Σ_l P_il z_l − z_i),  P_il ∝ e^{⟨A z_i, z_l⟩/T},
 * in the kernel's operation order, so both agree bit for bit (in either kernel mode):
 *   scores S_il = dot(w_a, z_b)·(1/T), a = min(i,l), b = max(i,l), w = A z (the canonical,
 *   exactly symmetric scores of ./hardmax.ts); m_i = max_l S_il; e_il = exp(S_il − m_i) from
 *   ./exp.ts, dropped (a +0 term) when S_il − m_i < cut; Zs and Y_k summed in ascending l;
 *   z_ik ← z_ik + c·(Y_k/Zs − z_ik).
 */
import { expTS } from './exp.js';
import { computeWJS, scoreJS } from './hardmax.js';

/** The drop threshold for n terms: e^{cut} = 2^−53 / n, so the dropped mass is < 2^−53 of the row sum. */
export function softmaxCut(n: number): number {
  return Math.log(2 ** -53 / n);
}

export function softmaxStepJS(z: Float64Array, n: number, d: number, A: Float64Array, c: number, invT: number, cut: number): void {
  const w = new Float64Array(n * d);
  computeWJS(z, n, d, A, w);
  const zn = new Float64Array(n * d);
  const row = new Float64Array(n);
  const acc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let l = 0; l < n; l++) {
      row[l] = scoreJS(w, z, d, i, l) * invT;
      m = Math.max(m, row[l]);
    }
    acc.fill(0);
    let zs = 0;
    for (let l = 0; l < n; l++) {
      const x = row[l] - m;
      if (!(x >= cut)) continue;
      const e = expTS(x);
      zs = zs + e;
      for (let k = 0; k < d; k++) acc[k] = acc[k] + e * z[l * d + k];
    }
    for (let k = 0; k < d; k++) {
      const x = z[i * d + k];
      zn[i * d + k] = x + c * (acc[k] / zs - x);
    }
  }
  z.set(zn);
}
