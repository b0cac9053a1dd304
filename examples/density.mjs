// Densities along a neural ODE (survey arXiv 2510.03303 §3.4, Thm 3.5; docs/algorithms/density.md).
//
// In each cell of the hyperplane arrangement the field W relu(Ax + b) is affine with matrix
// M = Σ_active w_i a_iᵀ, so d/dt log det DΦ = tr M = Σ_active ⟨w_i, a_i⟩: logDetJacobian integrates
// it exactly, cell by cell, and pushforwardDensity gives ρ(T)(y) = ρ₀(Φ⁻¹y)·det DΦ⁻¹(y).
// We (1) check the one-neuron closed form, (2) check mass conservation on a grid for random
// controls, (3) transport a Gaussian to the unit square with transportToUniform and measure
// ‖ρ(T) − 1_{[0,1]²}‖_L¹ (Thm 3.5's error) next to W₁ for two values of ε.
//
// Run (after `npm install`, which builds the package):
//   node examples/density.mjs
// A few seconds.
import { createRng, densityError, init, logDetJacobian, makeControls, pushforwardDensity, transportToUniform, wasserstein1 } from '../build/node/index.js';

await init();
const gauss = (m, s) => (x) => Math.exp(-((x[0] - m[0]) ** 2 + (x[1] - m[1]) ** 2) / (2 * s * s)) / (2 * Math.PI * s * s);

// (1) one neuron: on {⟨a,x⟩ + b > 0} the flow is x₀ + w s₀ (e^{λt} − 1)/λ with λ = ⟨w,a⟩
const w = [0.9, 0.4], a = [0.8, 0.6], b = 0.2, T = 1.5, lam = w[0] * a[0] + w[1] * a[1];
const one = makeControls({ d: 2, width: 1, layers: [{ duration: T, W: w, A: a, b: [b] }] });
const ld = logDetJacobian(one, [[0.5, 0.5], [-2, -2]]).logDet;
console.log(`one neuron: log det DΦ = ${ld[0].toFixed(15)} (λT = ${(lam * T).toFixed(15)}) in the active half-space, ${ld[1]} outside`);
const rho0 = gauss([0, 0], 0.7);
const y = [1.2, -0.3], sy = a[0] * y[0] + a[1] * y[1] + b, e = (1 - Math.exp(-lam * T)) / lam;
const closed = rho0([y[0] - w[0] * sy * e, y[1] - w[1] * sy * e]) * Math.exp(-lam * T);
console.log(`  ρ_T(${y}) = ${pushforwardDensity(one, rho0, [y]).density[0].toExponential(15)} vs closed form ${closed.toExponential(15)}`);

// (2) random controls: mass of ρ(T) on a grid
const rng = createRng(4);
const layers = [0, 1, 2].map(() => ({
  duration: 0.4,
  W: Array.from({ length: 8 }, () => rng.normal() / 2), A: Array.from({ length: 8 }, () => rng.normal()), b: Array.from({ length: 4 }, () => 0.3 * rng.normal()),
}));
const c = makeControls({ d: 2, width: 4, layers });
for (const cells of [40, 80, 160]) {
  const r = densityError(c, gauss([0, 0], 0.5), gauss([0, 0], 0.5), { grid: { min: [-5, -5], max: [5, 5], cells } });
  console.log(`random controls, ${cells}² grid: ∫ρ(T) = ${r.mass.toFixed(6)},  ‖ρ(T) − ρ₀‖_L¹ = ${r.l1.toFixed(4)}`);
}

// (3) transportToUniform from a Gaussian: L¹ vs W₁
const square = (x) => (x[0] >= 0 && x[0] <= 1 && x[1] >= 0 && x[1] <= 1 ? 1 : 0);
const sample = (k) => ({ n: k, d: 2, data: Float64Array.from({ length: 2 * k }, (_, j) => (j % 2 ? 0.6 : 0.3) + 0.35 * rng.normal()) });
for (const epsilon of [0.3, 0.15]) {
  const n = Math.ceil(Math.SQRT2 / epsilon);
  const built = transportToUniform(sample(4 * n * n), { width: 6, epsilon });
  const controls = built.controls ?? built;
  const fresh = sample(3000);
  const err = densityError(controls, gauss([0.3, 0.6], 0.35), square, { samples: fresh });
  const g = 2 * n, G = { n: g * g, d: 2, data: Float64Array.from({ length: 2 * g * g }, (_, j) => ((j % 2 ? Math.floor(j / 2 / g) : (j / 2) % g) + 0.5) / g) };
  const pts = logDetJacobian(controls, fresh).points;
  console.log(`transportToUniform ε = ${epsilon} (${controls.switches} switches): ‖ρ(T) − 1‖_L¹ ≈ ${err.l1.toFixed(3)} ± ${err.standardError.l1.toFixed(3)},  W₁ = ${wasserstein1(pts, G).value.toFixed(4)}`);
}
