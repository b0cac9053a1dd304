/**
 * Exact integration of one layer of the ReLU neural ODE (survey arXiv 2510.03303, eq. 3.3–3.4)
 *
 *   ẋ = W relu(A x + b) = Σ_{i<p} w_i relu(s_i(x)),   s_i(x) = ⟨a_i, x⟩ + b_i,
 *
 * with constant (W, A, b) for a time τ, cell by cell of the hyperplane arrangement {s_i = 0}.
 *
 * ── The field is piecewise affine ─────────────────────────────────────────────────────────
 * In the cell with active set S = {i : s_i > 0} the field is ẋ = M x + c with
 *   M = Σ_{i∈S} w_i a_iᵀ = W_S A_S,   c = Σ_{i∈S} w_i b_i.
 * Along a solution, every preactivation obeys  ṡ_j = ⟨a_j, ẋ⟩ = Σ_{i∈S} G_ji s_i,
 * with the coupling matrix  G = A W  (G_ji = ⟨a_j, w_i⟩). Writing f₀ = ẋ(0) = M x₀ + c,
 *   x(t) = x₀ + Ψ(t) f₀,   Ψ(t) = ∫₀ᵗ e^{Mu} du = Σ_{k≥1} t^k/k! M^{k−1},          (1)
 *   s_j(t) = s_j(0) + Σ_{k≥1} t^k/k! ⟨a_j, M^{k−1} f₀⟩,  ṡ_j(t) = ⟨a_j, e^{Mt} f₀⟩.   (2)
 * (Ψ(t) f₀ is the top-right block of exp(t·[[M, c],[0, 0]]) applied to (x₀, 1), rewritten
 * around x₀ so that the displacement is computed directly, without cancellation.)
 *
 * Three evaluations of (1), from the cheapest:
 *   nilpotent / parallel cell, G_SS = A_S W_S = 0: then M f₀ = W_S G_SS s_S = 0, so
 *     x(t) = x₀ + t f₀ exactly, the active s_i are constant and every inactive s_j is affine
 *     in t: s_j(t) = s_j(0) + t·Σ_{i∈S} G_ji s_i. Crossing times are explicit. This is the case
 *     of the shear constructions (docs/algorithms/flow.md, primitive P1): there the solver is one multiply–add.
 *   one active neuron i, λ = G_ii = ⟨w_i, a_i⟩ ≠ 0 (primitive P2): s_i(t) = s_i(0) e^{λt} and
 *     x(t) = x₀ + w_i s_i(0) E(t),   E(t) = (e^{λt} − 1)/λ = expm1(λt)/λ,
 *     s_j(t) = s_j(0) + G_ji s_i(0) E(t), so s_j reaches 0 at E* = −s_j(0)/(G_ji s_i(0)),
 *     i.e. t* = log1p(λ E*)/λ when 1 + λE* > 0 (never otherwise).
 *   general cell: the action of the exponential by a truncated Taylor series on sub-steps of
 *     length h with ‖M‖_F h ≤ θ = 1 (the "scaling" of Al-Mohy & Higham, Computing the action
 *     of the matrix exponential, SIAM J. Sci. Comput. 33 (2011) 488–511). The Krylov vectors
 *     u_k = M^k f₀ are built once per sub-step; the series is cut after the first N terms with
 *       tail ≤ |f₀| h θ^N e^θ / (N+1)! ≤ 2⁻⁵⁴ |f₀| h,
 *     so (1) and (2) are exact to rounding on the whole sub-step, for any τ in it (Horner).
 *     ‖M‖_F ≥ ‖M‖₂ bounds the growth; no eigen-decomposition, so defective M are no issue.
 *
 * ── Events (hyperplane crossings) are never missed ────────────────────────────────────────
 * For neuron j, let ŝ(τ) = σ_j s_j(τ) with σ_j = +1 if active, −1 if inactive, so ŝ ≥ 0 on
 * the "right" side. Its second derivative is s̈_j = ⟨Mᵀa_j, ẋ⟩ with |ẋ(τ)| ≤ |f₀| e^{‖M‖τ}:
 *   |s̈_j| ≤ C_j = |Mᵀ a_j| · |f₀| · e^{‖M‖_F h}   on the sub-step.
 * From a point τ_a with value ŝ_a ≥ 0 and slope ŝ'_a, Taylor with this bound gives
 *   ŝ(τ_a + u) ≥ ŝ_a + ŝ'_a u − C_j u²/2 ≥ −η_j   for 0 ≤ u ≤ δ,
 *   δ = (ŝ'_a + √(ŝ'_a² + 2C_j(ŝ_a + η_j))) / C_j.
 * So the sweep τ_a → τ_a + δ cannot step over a crossing that goes deeper than η_j to the wrong
 * side; a sample with ŝ < 0 brackets a sign change, which safeguarded Newton (bisection when
 * Newton leaves the bracket) refines to machine precision. Dips shallower than
 * η_j = 1e−12·(|b_j| + Σ_k|a_jk x_k| + |a_j||f₀|h) may go unnoticed: ReLU is continuous, so such
 * a dip changes the field by at most |w_j|η_j — a relative 1e−12 perturbation (docs/algorithms/flow.md, "Degenerate points").
 * Most neurons are dismissed by the first δ alone (δ ≥ h), without building their series.
 *
 * ── Points on a hyperplane, tangencies, zero fields (docs/algorithms/flow.md, "Degenerate points") ─────────────────
 * A quantity g = Σ terms is treated as zero when |g| ≤ 1e−12·Σ|terms|.
 * A neuron with |s_j| ≤ η_j sits on its hyperplane. Because relu is continuous the field does not
 * depend on its activation there, but the next cell does: the neuron is active iff s_j will grow,
 * i.e. iff ṡ_j = ⟨a_j, f⟩ > 0, or, if ṡ_j is zero, iff s̈_j = Σ_{i∈S} G_ji ṡ_i > 0 (higher
 * derivatives tie: the neuron stays inactive, which is exact when s_j ≡ 0). Its series (2) starts
 * at exactly 0 so that it cannot "re-cross" at τ = 0. A zero field f is an equilibrium: the point
 * stays put for the rest of the layer.
 * Couplings with |G_ji| ≤ 64·ε·|a_j||w_i| are set to exactly 0 — a backward perturbation of w_i
 * by a relative 64ε — so that the round-off left by the shear constructions (w ⟂ a only to rounding) still
 * takes the exact, linear path.
 *
 * ── Guards ────────────────────────────────────────────────────────────────────────────────
 * More than MAX_EVENTS_PER_LAYER changes of the active set within one layer (chattering, or a
 * rotation far too fast for the duration), or MAX_STALLED consecutive cells that make no
 * progress in time, throw a ConvergenceError naming the layer.
 *
 * Per-layer data (G, the transposed W, norms) and per-activation-pattern data (M, ‖M‖_F,
 * |Mᵀa_j|) are cached in a WeakMap keyed by the layer object: mutate a layer's arrays in place
 * and the cache goes stale (flow() builds fresh layer objects on every call). The hot path
 * allocates nothing: all per-point work happens in module-level scratch arrays.
 */
import { ConvergenceError } from '../errors.js';
import type { Layer } from '../types.js';

const EPS = 2.220446049250313e-16;
/** docs/algorithms/flow.md, "Degenerate points": |g| ≤ ZERO_RTOL·Σ|terms| counts as zero. */
export const ZERO_RTOL = 1e-12;
/** Couplings ⟨a_j, w_i⟩ below this times |a_j||w_i| are exactly zero. */
const COUPLING_RTOL = 64 * EPS;
/** Taylor sub-steps satisfy ‖M‖_F h ≤ THETA. */
const THETA = 1;
const MAX_TERMS = 30;
/** Relative truncation error of the Taylor series. */
const TAYLOR_TOL = 2 ** -54;
export const MAX_EVENTS_PER_LAYER = 100_000;
const MAX_STALLED = 1000;
const MAX_SWEEP = 100_000;
const MAX_PATTERNS = 4096;

/** Cached data of one activation pattern S. */
interface Pattern {
  /** Active, non-silent neurons. */
  readonly idx: Int32Array;
  /** G_SS = 0: the cell is a parallel (shear) cell. */
  readonly nil: boolean;
  /** M = Σ_{i∈S} w_i a_iᵀ (d×d row-major) — general cells only. */
  readonly M: Float64Array | null;
  /** ‖M‖_F ≥ ‖M‖₂. */
  readonly normM: number;
  /** |Mᵀ a_j|₂ for every neuron j. */
  readonly rnorm: Float64Array | null;
}

/** Per-layer data, built once per layer object. */
interface LayerData {
  readonly d: number;
  readonly p: number;
  readonly W: Float64Array;
  readonly A: Float64Array;
  readonly b: Float64Array;
  /** W transposed: Wc[i*d + k] = component k of w_i. */
  readonly Wc: Float64Array;
  /** G[j*p + i] = ⟨a_j, w_i⟩, negligible couplings set to 0. */
  readonly G: Float64Array;
  /** 0 = ordinary, 1 = silent (w_j = 0: never matters), 2 = frozen (⟨a_j, w_i⟩ = 0 ∀i: s_j constant). */
  readonly kind: Uint8Array;
  /** |a_j|₂. */
  readonly anorm: Float64Array;
  readonly patterns: Map<number | string, Pattern>;
}

const KIND_SILENT = 1;
const KIND_FROZEN = 2;

/**
 * Optional observer of the cells a point passes through, called once per cell with the cell's
 * start time within the layer, its duration, its active (non-silent) neurons and the state at
 * its end (scratch: copy what you keep). Used by the exact gradient (docs/algorithms/training.md).
 */
export type CellObserver = (t: number, tau: number, active: Int32Array, x: Float64Array) => void;
let cellObserver: CellObserver | null = null;
export function setCellObserver(fn: CellObserver | null): void {
  cellObserver = fn;
}

const layerCache = new WeakMap<Layer, LayerData>();
let lastLayer: Layer | null = null;
let lastData: LayerData | null = null;

function layerData(layer: Layer, d: number, p: number): LayerData {
  if (layer === lastLayer && lastData && lastData.d === d && lastData.p === p) return lastData;
  let L = layerCache.get(layer);
  if (!L || L.d !== d || L.p !== p || L.W !== layer.W || L.A !== layer.A || L.b !== layer.b) {
    L = buildLayerData(layer, d, p);
    layerCache.set(layer, L);
  }
  lastLayer = layer;
  lastData = L;
  return L;
}

function buildLayerData(layer: Layer, d: number, p: number): LayerData {
  const { W, A, b } = layer;
  const Wc = new Float64Array(p * d);
  const wnorm = new Float64Array(p);
  const anorm = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let w2 = 0, a2 = 0;
    for (let k = 0; k < d; k++) {
      const w = W[k * p + i];
      Wc[i * d + k] = w;
      w2 += w * w;
      a2 += A[i * d + k] * A[i * d + k];
    }
    wnorm[i] = Math.sqrt(w2);
    anorm[i] = Math.sqrt(a2);
  }
  const G = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < p; i++) {
      let g = 0;
      for (let k = 0; k < d; k++) g += A[j * d + k] * Wc[i * d + k];
      G[j * p + i] = Math.abs(g) <= COUPLING_RTOL * anorm[j] * wnorm[i] ? 0 : g;
    }
  }
  const kind = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    if (wnorm[j] === 0) {
      kind[j] = KIND_SILENT;
      continue;
    }
    let frozen = true;
    for (let i = 0; i < p && frozen; i++) if (G[j * p + i] !== 0 && wnorm[i] !== 0) frozen = false;
    if (frozen) kind[j] = KIND_FROZEN;
  }
  return { d, p, W, A, b, Wc, G, kind, anorm, patterns: new Map() };
}

/** Builds the data of the pattern in `act` (the current scratch). */
function buildPattern(L: LayerData, act: Uint8Array): Pattern {
  const { d, p, Wc, A, G } = L;
  let q = 0;
  for (let j = 0; j < p; j++) if (act[j]) q++;
  const idx = new Int32Array(q);
  q = 0;
  for (let j = 0; j < p; j++) if (act[j]) idx[q++] = j;
  let nil = true;
  for (let r = 0; r < q && nil; r++) for (let c = 0; c < q; c++) if (G[idx[r] * p + idx[c]] !== 0) { nil = false; break; }
  if (nil || q <= 1) return { idx, nil, M: null, normM: 0, rnorm: null };
  const M = new Float64Array(d * d);
  for (let r = 0; r < q; r++) {
    const i = idx[r];
    for (let k = 0; k < d; k++) {
      const w = Wc[i * d + k];
      if (w === 0) continue;
      for (let l = 0; l < d; l++) M[k * d + l] += w * A[i * d + l];
    }
  }
  let f2 = 0;
  for (let e = 0; e < d * d; e++) f2 += M[e] * M[e];
  const rnorm = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    // (Mᵀ a_j)_l = Σ_k M[k,l] a_jk
    let r2 = 0;
    for (let l = 0; l < d; l++) {
      let v = 0;
      for (let k = 0; k < d; k++) v += M[k * d + l] * A[j * d + k];
      r2 += v * v;
    }
    rnorm[j] = Math.sqrt(r2) * (1 + 1e-12);
  }
  return { idx, nil, M, normM: Math.sqrt(f2) * (1 + 1e-12), rnorm };
}

const POW2: number[] = [];
for (let j = 0; j < 53; j++) POW2.push(2 ** j);

function patternFor(L: LayerData, act: Uint8Array): { key: number | string; pattern: Pattern } {
  const p = L.p;
  let key: number | string;
  if (p <= 52) {
    let k = 0;
    for (let j = 0; j < p; j++) if (act[j]) k += POW2[j];
    key = k;
  } else {
    let s = '';
    for (let j = 0; j < p; j++) s += act[j] ? '1' : '0';
    key = s;
  }
  let pattern = L.patterns.get(key);
  if (!pattern) {
    if (L.patterns.size >= MAX_PATTERNS) L.patterns.clear();
    pattern = buildPattern(L, act);
    L.patterns.set(key, pattern);
  }
  patternResult.key = key;
  patternResult.pattern = pattern;
  return patternResult;
}
const patternResult: { key: number | string; pattern: Pattern } = { key: 0, pattern: null as unknown as Pattern };

// ── Scratch (grown on demand; nothing is allocated per point) ─────────────────────────────
let cap = { d: 0, p: 0 };
let sX = new Float64Array(0); // current state
let sF = new Float64Array(0); // field / f₀
let sS = new Float64Array(0); // preactivations s_j
let sEta = new Float64Array(0); // boundary tolerance η_j (without the motion term)
let sDs = new Float64Array(0); // ṡ_j for the tangency rule
let sAct = new Uint8Array(0); // active flags
let sBnd = new Uint8Array(0); // on-the-hyperplane flags
let sU = new Float64Array(0); // Krylov vectors u_k = M^k f₀, MAX_TERMS × d
let sG = new Float64Array(MAX_TERMS); // ⟨a_j, u_k⟩ for one candidate j
let sAcc = new Float64Array(0); // Horner accumulator (d)

function ensureScratch(d: number, p: number): void {
  if (d > cap.d) {
    sX = new Float64Array(d);
    sF = new Float64Array(d);
    sU = new Float64Array(MAX_TERMS * d);
    sAcc = new Float64Array(d);
  }
  if (p > cap.p) {
    sS = new Float64Array(p);
    sEta = new Float64Array(p);
    sDs = new Float64Array(p);
    sAct = new Uint8Array(p);
    sBnd = new Uint8Array(p);
  }
  cap = { d: Math.max(d, cap.d), p: Math.max(p, cap.p) };
}

/**
 * Advances the point x[o..o+d) through one layer of duration layer.duration exactly, in place.
 * If `times` is given (ascending, in (0, duration]), the state at times[j] is written to
 * out[outOffset + j·outStride + k]. `layerIndex` only names the layer in error messages.
 * If `trace` is given, trace[0] += ∫ tr Df(x(t)) dt over the layer (Σ over the cells visited of
 * time in the cell × Σ_{i active} ⟨w_i, a_i⟩) = log det DΦ of the layer's flow map (src/density/).
 */
export function exactLayerPoint(
  x: Float64Array, o: number, d: number, layer: Layer, p: number,
  times: Float64Array | null, out: Float64Array | null, outOffset: number, outStride: number,
  layerIndex = -1, trace: Float64Array | null = null,
): void {
  const L = layerData(layer, d, p);
  ensureScratch(d, p);
  const X = sX, F = sF, S = sS, act = sAct, bnd = sBnd;
  const { A, b, Wc, G, kind } = L;
  for (let k = 0; k < d; k++) X[k] = x[o + k];
  const T = layer.duration;
  const ns = times && out ? times.length : 0;
  let si = 0;
  let t = 0;
  let events = 0, stalled = 0;
  let prevKey: number | string = -1;

  while (t < T) {
    // 1. Preactivations and the true field f = Σ_j w_j relu(s_j).
    for (let j = 0; j < p; j++) {
      let s = b[j], mag = Math.abs(b[j]);
      for (let k = 0; k < d; k++) {
        const v = A[j * d + k] * X[k];
        s += v;
        mag += Math.abs(v);
      }
      S[j] = s;
      sEta[j] = ZERO_RTOL * mag;
    }
    if (isZeroField(L, S, F)) { // equilibrium: x stays for the rest of the layer
      if (trace) trace[0] += (T - t) * cellTrace(L, null, S);
      break;
    }

    // 2. Active set; neurons on their hyperplane are decided by the direction of motion.
    decideActive(L, S, act, bnd);
    const { key, pattern } = patternFor(L, act);
    if (key !== prevKey) {
      if (prevKey !== -1 && ++events > MAX_EVENTS_PER_LAYER) throw zenoError(layer, layerIndex, events, t);
      prevKey = key;
    }
    const idx = pattern.idx, q = idx.length;
    if (q === 0) break; // no active neuron: ẋ = 0

    // f₀ = Σ_{i∈S} w_i s_i and |f₀|; a vanishing f₀ is an equilibrium, too.
    let fnorm2 = 0, allSmall = true;
    for (let k = 0; k < d; k++) {
      let f = 0, mag = 0;
      for (let r = 0; r < q; r++) {
        const i = idx[r];
        const v = Wc[i * d + k] * S[i];
        f += v;
        mag += Math.abs(v);
      }
      F[k] = f;
      fnorm2 += f * f;
      if (Math.abs(f) > ZERO_RTOL * mag) allSmall = false;
    }
    if (allSmall) {
      if (trace) trace[0] += (T - t) * cellTrace(L, idx, S);
      break;
    }

    const rem = T - t;
    let tau: number;
    if (pattern.nil) {
      tau = stepParallel(L, pattern, rem);
      si = sampleParallel(X, F, d, t, tau, times, out, outOffset, outStride, si, ns);
      for (let k = 0; k < d; k++) X[k] += tau * F[k];
    } else if (q === 1) {
      const i = idx[0];
      const lambda = G[i * p + i];
      tau = stepOneNeuron(L, i, lambda, rem);
      const y0 = S[i];
      while (si < ns && times![si] - t < tau) {
        const e = phiE(lambda, Math.max(0, times![si] - t)) * y0;
        const base = outOffset + si * outStride;
        for (let k = 0; k < d; k++) out![base + k] = X[k] + Wc[i * d + k] * e;
        si++;
      }
      const e = phiE(lambda, tau) * y0;
      for (let k = 0; k < d; k++) X[k] += Wc[i * d + k] * e;
    } else {
      const h = pattern.normM * rem > THETA ? THETA / pattern.normM : rem;
      const N = buildKrylov(pattern.M!, F, d, pattern.normM * h);
      tau = sweepEvents(L, pattern, N, h, Math.sqrt(fnorm2));
      while (si < ns && times![si] - t < tau) {
        taylorDisplacement(N, d, Math.max(0, times![si] - t));
        const base = outOffset + si * outStride;
        for (let k = 0; k < d; k++) out![base + k] = X[k] + sAcc[k];
        si++;
      }
      taylorDisplacement(N, d, tau);
      for (let k = 0; k < d; k++) X[k] += sAcc[k];
    }
    if (trace) trace[0] += Math.min(tau, rem) * cellTrace(L, idx, S);
    if (cellObserver !== null) cellObserver(t, tau < rem ? tau : rem, idx, X);
    if (tau >= rem) break;
    if (t + tau === t) {
      if (++stalled > MAX_STALLED) throw zenoError(layer, layerIndex, events, t);
    } else stalled = 0;
    t += tau;
  }

  // Samples at or after the end of the motion (the last one usually equals the duration).
  for (; si < ns; si++) {
    const base = outOffset + si * outStride;
    for (let k = 0; k < d; k++) out![base + k] = X[k];
  }
  for (let k = 0; k < d; k++) x[o + k] = X[k];
}

/** tr M = Σ_{i active} ⟨w_i, a_i⟩ of a cell (active set idx, or {s_j > 0} when idx is null):
 *  d/dt log det DΦ in the cell (docs/algorithms/density.md). */
function cellTrace(L: LayerData, idx: Int32Array | null, S: Float64Array): number {
  const { d, p, Wc, A } = L;
  let tr = 0;
  const q = idx ? idx.length : p;
  for (let r = 0; r < q; r++) {
    const i = idx ? idx[r] : r;
    if (!idx && !(S[i] > 0)) continue;
    for (let k = 0; k < d; k++) tr += Wc[i * d + k] * A[i * d + k];
  }
  return tr;
}

function zenoError(layer: Layer, layerIndex: number, events: number, t: number): ConvergenceError {
  const name = layerIndex >= 0 ? `layer ${layerIndex}` : 'a layer';
  return new ConvergenceError(
    `the exact flow of ${name} (duration ${layer.duration})`,
    `${events} activation switches, stuck near t = ${t} within the layer (chattering between hyperplanes, or a rotation far too fast for the duration)`,
    "integrate this layer with method 'rk4', or split it into shorter layers",
  );
}

/**
 * f = Σ_j w_j relu(s_j) into F; true when every component is zero (docs/algorithms/flow.md, "Degenerate points")
 * (|f_k| ≤ 1e−12·Σ_j |w_jk| relu(s_j)), which includes "no neuron active".
 */
function isZeroField(L: LayerData, S: Float64Array, F: Float64Array): boolean {
  const { d, p, Wc, kind } = L;
  let zero = true;
  for (let k = 0; k < d; k++) {
    let f = 0, mag = 0;
    for (let j = 0; j < p; j++) {
      const s = S[j];
      if (!(s > 0) || kind[j] === KIND_SILENT) continue;
      const v = Wc[j * d + k] * s;
      f += v;
      mag += Math.abs(v);
    }
    F[k] = f;
    if (Math.abs(f) > ZERO_RTOL * mag) zero = false;
  }
  return zero;
}

/**
 * The active set at the current point (docs/algorithms/flow.md, "Degenerate points"): by the sign of s_j off the
 * hyperplane, by ṡ_j = Σ_i G_ji relu(s_i) on it, and by s̈_j = Σ_{i∈S} G_ji ṡ_i when ṡ_j = 0.
 */
function decideActive(L: LayerData, S: Float64Array, act: Uint8Array, bnd: Uint8Array): void {
  const { p, G, kind } = L;
  let pending = 0;
  for (let j = 0; j < p; j++) {
    bnd[j] = 0;
    const s = S[j];
    if (kind[j] === KIND_SILENT) act[j] = 0;
    else if (kind[j] === KIND_FROZEN) act[j] = s > 0 ? 1 : 0;
    else if (s > sEta[j]) act[j] = 1;
    else if (s < -sEta[j]) act[j] = 0;
    else {
      bnd[j] = 1;
      act[j] = 0;
      pending++;
    }
  }
  if (pending === 0) return;
  let tangent = 0;
  for (let j = 0; j < p; j++) {
    if (!bnd[j]) continue;
    let ds = 0, mag = 0;
    for (let i = 0; i < p; i++) {
      const s = S[i];
      if (!(s > 0) || kind[i] === KIND_SILENT) continue;
      const v = G[j * p + i] * s;
      ds += v;
      mag += Math.abs(v);
    }
    if (ds > ZERO_RTOL * mag) act[j] = 1;
    else if (ds < -ZERO_RTOL * mag) act[j] = 0;
    else {
      bnd[j] = 2; // tangent: decided below
      tangent++;
    }
  }
  if (tangent === 0) return;
  // ṡ_i for every neuron (only the active ones are used).
  for (let i = 0; i < p; i++) {
    let ds = 0;
    for (let l = 0; l < p; l++) {
      const s = S[l];
      if (s > 0 && kind[l] !== KIND_SILENT) ds += G[i * p + l] * s;
    }
    sDs[i] = ds;
  }
  for (let j = 0; j < p; j++) {
    if (bnd[j] !== 2) continue;
    bnd[j] = 1;
    let dd = 0, mag = 0;
    for (let i = 0; i < p; i++) {
      if (!act[i]) continue;
      const v = G[j * p + i] * sDs[i];
      dd += v;
      mag += Math.abs(v);
    }
    act[j] = dd > ZERO_RTOL * mag ? 1 : 0;
  }
}

/**
 * Parallel cell (G_SS = 0): s_j(t) = s_j(0) + t·Σ_{i∈S} G_ji s_i. Only inactive neurons
 * strictly below their hyperplane and moving up can switch; returns the first switch time or rem.
 */
function stepParallel(L: LayerData, pattern: Pattern, rem: number): number {
  const { p, G, kind } = L;
  const idx = pattern.idx, q = idx.length;
  let best = rem;
  for (let j = 0; j < p; j++) {
    if (kind[j] !== 0 || sAct[j] || sBnd[j]) continue;
    let g = 0;
    for (let r = 0; r < q; r++) g += G[j * p + idx[r]] * sS[idx[r]];
    if (g > 0) {
      const tj = -sS[j] / g;
      if (tj < best) best = tj;
    }
  }
  return best;
}

function sampleParallel(
  X: Float64Array, F: Float64Array, d: number, t: number, tau: number,
  times: Float64Array | null, out: Float64Array | null, outOffset: number, outStride: number, si: number, ns: number,
): number {
  while (si < ns && times![si] - t < tau) {
    const u = Math.max(0, times![si] - t);
    const base = outOffset + si * outStride;
    for (let k = 0; k < d; k++) out![base + k] = X[k] + u * F[k];
    si++;
  }
  return si;
}

/** E(t) = ∫₀ᵗ e^{λu} du = expm1(λt)/λ (= t when λ = 0), accurate for tiny |λt|. */
export function phiE(lambda: number, t: number): number {
  if (lambda === 0) return t;
  const z = lambda * t;
  return Math.abs(z) < 1e-300 ? t : Math.expm1(z) / lambda;
}

/**
 * One active neuron i (λ = ⟨w_i, a_i⟩ ≠ 0): s_j(t) = s_j(0) + G_ji s_i(0) E(t). An inactive
 * neuron with s_j(0) < 0 and κ = G_ji s_i(0) > 0 switches on when E = E* = −s_j(0)/κ, i.e. at
 * t* = log1p(λE*)/λ, provided 1 + λE* > 0 (for λ < 0, E(t) < −1/λ never reaches larger E*).
 */
function stepOneNeuron(L: LayerData, i: number, lambda: number, rem: number): number {
  const { p, G, kind } = L;
  const y0 = sS[i];
  let best = rem;
  for (let j = 0; j < p; j++) {
    if (j === i || kind[j] !== 0 || sAct[j] || sBnd[j]) continue;
    const kappa = G[j * p + i] * y0;
    if (!(kappa > 0)) continue;
    const Estar = -sS[j] / kappa;
    const z = lambda * Estar;
    if (!(z > -1)) continue;
    const tj = Math.abs(z) < 1e-300 ? Estar : Math.log1p(z) / lambda;
    if (tj < best) best = tj;
  }
  return best;
}

/**
 * Krylov vectors u_k = M^k f₀ (k < N) into sU, with N the smallest count such that the Taylor
 * tail of (1) is below TAYLOR_TOL: θ^N e^θ / (N+1)! ≤ 2⁻⁵⁴ for θ = ‖M‖_F h.
 */
function buildKrylov(M: Float64Array, F: Float64Array, d: number, theta: number): number {
  let N = 1;
  let r = (theta * Math.exp(theta)) / 2;
  while (r > TAYLOR_TOL && N < MAX_TERMS) {
    N++;
    r *= theta / (N + 1);
  }
  const U = sU;
  for (let k = 0; k < d; k++) U[k] = F[k];
  for (let n = 1; n < N; n++) {
    const src = (n - 1) * d, dst = n * d;
    for (let k = 0; k < d; k++) {
      let v = 0;
      for (let l = 0; l < d; l++) v += M[k * d + l] * U[src + l];
      U[dst + k] = v;
    }
  }
  return N;
}

/** sAcc ← Ψ(τ) f₀ = Σ_{k=1}^N τ^k/k! u_{k−1} (Horner). */
function taylorDisplacement(N: number, d: number, tau: number): void {
  const U = sU, acc = sAcc;
  for (let k = 0; k < d; k++) acc[k] = U[(N - 1) * d + k];
  for (let n = N - 2; n >= 0; n--) {
    const c = tau / (n + 2);
    for (let k = 0; k < d; k++) acc[k] = U[n * d + k] + c * acc[k];
  }
  for (let k = 0; k < d; k++) acc[k] *= tau;
}

/** σ·s_j(τ) and σ·ṡ_j(τ) from the coefficients g_n = ⟨a_j, u_n⟩ in sG (series (2)). */
let polyV = 0, polyD = 0;
function evalPoly(N: number, s0: number, sigma: number, tau: number): void {
  const g = sG;
  let v = g[N - 1], dv = g[N - 1];
  for (let n = N - 2; n >= 0; n--) {
    v = g[n] + (tau / (n + 2)) * v;
    dv = g[n] + (tau / (n + 1)) * dv;
  }
  polyV = sigma * (s0 + tau * v);
  polyD = sigma * dv;
}

/**
 * Largest δ with ŝ_a + ŝ'_a u − C u²/2 ≥ −η for all u ∈ [0, δ] (ŝ_a ≥ 0): the positive root
 * of C u²/2 − ŝ'_a u − (ŝ_a + η), written without cancellation.
 */
function safeStep(sa: number, da: number, C: number, eta: number): number {
  const c0 = sa + eta;
  if (C === 0) return da >= 0 ? Infinity : c0 / -da;
  const disc = Math.sqrt(da * da + 2 * C * c0);
  return da >= 0 ? (da + disc) / C : (2 * c0) / (disc - da);
}

/**
 * General cell: the first time in (0, h] at which some neuron changes side (or h). Each
 * candidate neuron is swept with safe steps (module comment) and a sign change is refined by
 * safeguarded Newton on the series (2).
 */
function sweepEvents(L: LayerData, pattern: Pattern, N: number, h: number, fnorm: number): number {
  const { d, p, A, kind, anorm } = L;
  const rnorm = pattern.rnorm!;
  const growth = Math.exp(pattern.normM * h) * (1 + 1e-12);
  let best = h;
  for (let j = 0; j < p; j++) {
    if (kind[j] !== 0) continue;
    const sigma = sAct[j] ? 1 : -1;
    const s0 = sBnd[j] ? 0 : sS[j];
    let d0 = 0;
    for (let k = 0; k < d; k++) d0 += A[j * d + k] * sF[k];
    const C = rnorm[j] * fnorm * growth;
    const eta = sEta[j] + ZERO_RTOL * anorm[j] * fnorm * h + 1e-300;
    let sa = sigma * s0, da = sigma * d0;
    let delta = safeStep(sa, da, C, eta);
    if (delta >= best) continue;
    // Candidate: coefficients g_n = ⟨a_j, u_n⟩.
    for (let n = 0; n < N; n++) {
      let v = 0;
      for (let k = 0; k < d; k++) v += A[j * d + k] * sU[n * d + k];
      sG[n] = v;
    }
    let ta = 0;
    for (let it = 0; ; it++) {
      const tb = ta + delta;
      if (tb >= best) break;
      evalPoly(N, s0, sigma, tb);
      if (polyV < 0) {
        const root = refineRoot(N, s0, sigma, ta, tb);
        if (root < best) best = root;
        break;
      }
      ta = tb;
      sa = polyV;
      da = polyD;
      delta = safeStep(sa, da, C, eta);
      if (it > MAX_SWEEP) {
        throw new ConvergenceError('the exact flow event sweep', `no decision after ${MAX_SWEEP} safe sub-steps at a tangency`, "use method 'rk4'");
      }
    }
  }
  return best;
}

/** Root of σ·s_j(τ) in [lo, hi] with σs_j(lo) ≥ 0 > σs_j(hi): Newton inside the bracket, else bisection. */
function refineRoot(N: number, s0: number, sigma: number, lo: number, hi: number): number {
  evalPoly(N, s0, sigma, lo);
  const vlo = polyV;
  evalPoly(N, s0, sigma, hi);
  const vhi = polyV;
  let t = vlo - vhi > 0 ? lo + ((hi - lo) * vlo) / (vlo - vhi) : 0.5 * (lo + hi);
  if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
  for (let it = 0; it < 200; it++) {
    evalPoly(N, s0, sigma, t);
    const v = polyV, dv = polyD;
    if (v === 0) return t;
    if (v > 0) lo = t;
    else hi = t;
    let tn = t - v / dv;
    if (!(tn > lo && tn < hi)) tn = 0.5 * (lo + hi);
    if (Math.abs(tn - t) <= 2 * EPS * Math.abs(t) || hi - lo <= 2 * EPS * hi) {
      t = tn;
      break;
    }
    t = tn;
  }
  return Math.min(Math.max(t, lo), hi);
}

/**
 * True when every neuron of the layer is silent (w_i = 0) or frozen (⟨a_j, w_i⟩ = 0 for every
 * non-silent i, up to the coupling tolerance): then every activation is constant along every
 * trajectory and the exact flow is x(t) = x₀ + t·f(x₀) (docs/algorithms/flow.md, primitive P1).
 * The flow engine evaluates such layers for a whole chunk with the batched field kernel.
 */
export function isParallelLayer(layer: Layer, d: number, p: number): boolean {
  const L = layerData(layer, d, p);
  for (let j = 0; j < p; j++) if (L.kind[j] === 0) return false;
  return true;
}
