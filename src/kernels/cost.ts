/**
 * Pure-TypeScript twin of assembly/cost.ts: the ground-cost matrix
 *   C[i·m + j] = ‖x_i − y_j‖₂^p      (x: n × d, y: m × d, row-major; C: n × m, row-major)
 * with s = ((0 + δ_0²) + δ_1²) + …, then p = 2: s; p = 1: √s; otherwise √s ** p.
 * Same operation order as the kernel: bit-identical for p = 1 and 2 (√ is correctly rounded);
 * for other p, Math.pow may differ from the kernel's pow by an ulp.
 */
export function costMatrixJS(x: Float64Array, n: number, y: Float64Array, m: number, d: number, p: number, out: Float64Array = new Float64Array(n * m)): Float64Array {
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    for (let j = 0; j < m; j++) {
      const yo = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = x[xo + k] - y[yo + k];
        s = s + t * t;
      }
      out[i * m + j] = p === 2 ? s : p === 1 ? Math.sqrt(s) : Math.pow(Math.sqrt(s), p);
    }
  }
  return out;
}

/** Twin of assembly/cost.ts `dualViolation`: [max_ij (−piRow_i + piCol_j − C_ij), max_ij C_ij]. */
export function dualViolationJS(C: Float64Array, n: number, m: number, piRow: Float64Array, piCol: Float64Array): [number, number] {
  let worst = -Infinity, cmax = -Infinity;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const c = C[i * m + j];
      worst = Math.max(worst, -piRow[i] + piCol[j] - c);
      cmax = Math.max(cmax, c);
    }
  }
  return [worst, cmax];
}
