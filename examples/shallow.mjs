// Shallow ReLU networks with the least Σ|w_j| that represent N data pairs (issue #10; survey
// arXiv 2510.03303 §2.4–2.5, Thm 2.1–2.2; Liu & Zuazua arXiv 2412.01619; docs/algorithms/shallow.md).
//
//   (PR_ε)  min ‖μ‖_TV over measures μ on Ω = unit ball of R^{d+1},
//           |∫ relu(⟨a, x_i⟩ + b) dμ(a, b) − y_i| ≤ ε  for every i
//
// solved by column generation over all of Ω with exact pricing (d ≤ 3): the result is a network
// with at most N neurons (Thm 2.1), its value, and a certified lower bound (the dual). Then the
// generalization bound of Thm 2.2, U(ε) = ε + d_KR(m_X, m_X′)·val(PR_ε), is swept over ε for a test
// set that is the training set shifted a little and a lot.
//
// Run (after `npm install`, which builds the package):
//   node examples/shallow.mjs
// A few seconds; prints two tables.
import { createRng, generalizationSweepAsync, init, shallowRepresentAsync } from '../build/node/index.js';

await init();
const rng = createRng(3);
const f = (x) => Math.sin(2 * x[0]) + 0.3 * (x[0] + x[1]);
const X = Array.from({ length: 30 }, () => [3 * rng.uniform() - 1.5, 3 * rng.uniform() - 1.5]);
const y = X.map(f);

const r = await shallowRepresentAsync(X, y, { epsilon: 0 });
console.log(`(P₀) on ${X.length} pairs: Σ|w| = ${r.value.toPrecision(10)}, certified ≥ ${r.dual.toPrecision(10)} (gap ${(r.gap / r.value).toExponential(1)}),`);
console.log(`  ${r.network.P} neurons (≤ N = ${X.length}), max |f(x_i) − y_i| = ${r.diagnostics.maxError.toExponential(1)}, ${r.status}: ${r.message}`);

// Thm 2.2: ε* = 0 below the shift 1/‖λ₀‖₁ read off the dual, ε* > 0 above it
const threshold = 1 / r.diagnostics.dualNorm;
const ymax = Math.max(...y.map(Math.abs));
const epsilons = Array.from({ length: 13 }, (_, k) => ymax * (k / 12) ** 2);
for (const shift of [0.3 * threshold, 5 * threshold]) {
  const Xt = X.map(([a, b]) => [a + shift, b]);
  const s = await generalizationSweepAsync({ x: X, y }, { x: Xt, y: Xt.map(f) }, { epsilons });
  console.log(`\nshift ${shift.toPrecision(3)} (threshold ${threshold.toPrecision(3)}): ε* = ${s.epsilonStar.toPrecision(3)} (${s.regime})`);
  console.log('      ε    val(PR_ε)       U(ε)   r(Θ_ε)  test error');
  for (const row of s.rows) {
    console.log(`${row.epsilon.toFixed(4).padStart(7)} ${row.value.toFixed(5).padStart(12)} ${row.U.toFixed(5).padStart(10)} ${row.r.toFixed(5).padStart(8)} ${row.testError.toFixed(5).padStart(11)}`);
  }
}
