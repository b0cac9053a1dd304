/**
 * Pure-TypeScript twin of assembly/relu.ts: the ReLU field f(x) = W relu(A x + b)
 * (survey arXiv 2510.03303, eq. 3.3–3.4) for one point, in exactly the operation order of the WASM kernel
 * (assembly/lib/relu_tile.ts), so both give the same doubles.
 */

/** out[o..o+d) ← W relu(A x[xo..xo+d) + b). */
export function reluFieldPoint(
  x: Float64Array, xo: number, d: number,
  W: Float64Array, A: Float64Array, b: Float64Array, p: number,
  out: Float64Array, o: number,
): void {
  for (let k = 0; k < d; k++) out[o + k] = 0;
  for (let i = 0; i < p; i++) {
    let s = b[i];
    const ai = i * d;
    for (let k = 0; k < d; k++) s = s + A[ai + k] * x[xo + k];
    if (!(s > 0)) {
      if (s !== s) for (let k = 0; k < d; k++) out[o + k] = NaN;
      continue;
    }
    for (let k = 0; k < d; k++) out[o + k] = out[o + k] + W[k * p + i] * s;
  }
}

/** Twin of reluField: out (n × d) ← field at every point of x (n × d). */
export function reluFieldJS(
  x: Float64Array, n: number, d: number,
  W: Float64Array, A: Float64Array, b: Float64Array, p: number,
  out: Float64Array,
): void {
  for (let i = 0; i < n; i++) reluFieldPoint(x, i * d, d, W, A, b, p, out, i * d);
}
