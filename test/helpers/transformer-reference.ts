/**
 * An independent transformer runner for tests: plain loops, scores ⟨A z_i, z_l⟩ straight from A
 * (no Cholesky factor, no kernels, no code shared with src/transformer), softmax with Math.exp.
 * Used to verify constructions without trusting the library's own runner.
 */
export interface RefBlock {
  kind: string;
  width?: number;
  W?: ArrayLike<number>;
  A: ArrayLike<number>;
  b?: ArrayLike<number>;
  residual?: boolean;
  rule?: string;
  step?: number;
  temperature?: number;
}

export function referenceRun(blocks: readonly RefBlock[], d: number, Z: number[][]): number[][] {
  let z = Z.map((r) => r.slice());
  for (const B of blocks) {
    if (B.kind === 'resnet') {
      const p = B.b!.length;
      z = z.map((x) => {
        const out = B.residual === false ? new Array(d).fill(0) : x.slice();
        for (let i = 0; i < p; i++) {
          let s = B.b![i];
          for (let k = 0; k < d; k++) s += B.A[i * d + k] * x[k];
          if (s > 0) for (let k = 0; k < d; k++) out[k] += B.W![k * p + i] * s;
        }
        return out;
      });
    } else {
      const n = z.length;
      const S = z.map((x) => z.map((y) => {
        let s = 0;
        for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) s += x[r] * B.A[r * d + c] * y[c];
        return s;
      }));
      z = z.map((x, i) => {
        const mean = new Array(d).fill(0);
        if (B.rule === 'hardmax') {
          const mx = Math.max(...S[i]);
          const C = S[i].map((s, l) => (s >= mx - 1e-9 * Math.max(1, Math.abs(mx)) ? l : -1)).filter((l) => l >= 0);
          for (const l of C) for (let k = 0; k < d; k++) mean[k] += z[l][k] / C.length;
        } else {
          const mx = Math.max(...S[i]);
          const w = S[i].map((s) => Math.exp((s - mx) / B.temperature!));
          const tot = w.reduce((a, b) => a + b, 0);
          for (let l = 0; l < n; l++) for (let k = 0; k < d; k++) mean[k] += (w[l] / tot) * z[l][k];
        }
        return x.map((v, k) => v + B.step! * (mean[k] - v));
      });
    }
  }
  return z;
}

/** Deletes repeated tokens (relative tolerance), keeping first occurrences. */
export function referenceReadout(z: number[][], tol = 1e-7): number[][] {
  const keep: number[][] = [];
  for (const x of z) {
    if (!keep.some((q) => Math.hypot(...x.map((v, k) => v - q[k])) <= tol * Math.max(1, Math.hypot(...q)))) keep.push(x);
  }
  return keep;
}
