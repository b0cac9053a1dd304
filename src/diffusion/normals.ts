/**
 * Standard normal variates by the ziggurat method (G. Marsaglia, W. W. Tsang, "The ziggurat
 * method for generating random variables", J. Stat. Softw. 5(8), 2000), 256 layers, on top of the
 * project's seeded uniform stream (src/rng.ts). About one uniform per normal (the polar method
 * needs ≈ 2.5 uniforms and a logarithm): the diffusion sampler draws samples·d·steps of them.
 *
 * Portable bit for bit: the tables are built with correctly rounded operations and the project's
 * own exp / log (expTS, portableLog), never Math.exp / Math.log, so every engine draws the same
 * numbers for the same seed.
 *
 * Layer j (0 ≤ j < 256) is the band between heights F[j] = f(X[j]) and F[j+1], f(x) = e^{−x²/2},
 * X[1] = R, X[256] = 0, X[j+1] = √(−2 ln(V/X[j] + f(X[j]))), every band of area V; the base band
 * j = 0 is [0, X[0] = V/f(R)] × [0, f(R)] (the rectangle under f up to R plus the tail). A
 * uniform u gives the band j = ⌊256u⌋ and, from its remaining 45 bits, x = (2(256u − j) − 1)·X[j]:
 * accepted at once if |x| < X[j+1] (≈ 99% of draws); otherwise a wedge test against f(x), or for
 * j = 0 Marsaglia's tail method beyond R.
 */
import { expTS } from '../kernels/exp.js';
import { portableLog, type Rng } from '../rng.js';

const N = 256;
const R = 3.6541528853610088;
const V = 4.92867323399e-3;
const f = (x: number): number => expTS(-0.5 * x * x);

const X = new Float64Array(N + 1);
const F = new Float64Array(N + 1);
X[0] = V / f(R);
X[1] = R;
for (let j = 1; j < N - 1; j++) X[j + 1] = Math.sqrt(-2 * portableLog(V / X[j] + f(X[j])));
X[N] = 0;
for (let j = 0; j < N; j++) F[j] = f(X[j]);
F[0] = f(R);
F[N] = 1;

/** One standard normal from the uniform stream of `rng`. */
export function zigguratNormal(rng: Rng): number {
  for (;;) {
    const u = rng.uniform() * N;
    const j = Math.floor(u);
    const U = 2 * (u - j) - 1;
    const x = U * X[j];
    if (Math.abs(x) < X[j + 1]) return x;
    if (j === 0) {
      let a: number, b: number;
      do {
        a = -portableLog(1 - rng.uniform()) / R;
        b = -portableLog(1 - rng.uniform());
      } while (b + b < a * a);
      return U > 0 ? R + a : -(R + a);
    }
    if (F[j] + rng.uniform() * (F[j + 1] - F[j]) < f(x)) return x;
  }
}

/** out[i] = standard normals, i < count. */
export function fillNormals(rng: Rng, out: Float64Array, count = out.length): void {
  for (let i = 0; i < count; i++) out[i] = zigguratNormal(rng);
}
