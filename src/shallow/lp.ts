/**
 * The LP on a finite set of neurons (docs/algorithms/shallow.md, "The LP"), solved by HiGHS
 * (npm `highs`, WebAssembly). HiGHS is loaded lazily with a dynamic import the first time a
 * shallow-network function needs it, so the core bundle does not carry it (the bundles mark
 * `highs` external, scripts/build-js.mjs).
 *
 *   min Σ_j (w⁺_j + w⁻_j)   s.t.  lo_i ≤ Σ_j (w⁺_j − w⁻_j) relu(⟨z_j, x̂_i⟩) ≤ hi_i,   w± ≥ 0,
 *
 * with lo = hi = y for (P₀) and [y − ε, y + ε] for (P_ε). HiGHS reports row duals λ with reduced
 * costs c − Aᵀλ, so dual feasibility is |Σ_i λ_i relu(⟨z_j, x̂_i⟩)| ≤ 1 for every column pair and
 * the dual objective is Σ_i (λ_i > 0 ? λ_i lo_i : λ_i hi_i).
 */
import type { Highs, Model } from 'highs';
import { ConvergenceError, NotInitializedError } from '../errors.js';

let highs: Highs | null = null;
let loading: Promise<Highs> | null = null;

/** Loads the HiGHS WebAssembly solver once (dynamic import). Needed before the synchronous `shallowRepresent`. */
export async function initShallow(): Promise<void> {
  if (highs) return;
  loading ??= (async () => {
    const mod = (await import('highs')) as unknown as { default: (o?: object) => Promise<Highs> };
    return mod.default();
  })();
  try {
    highs = await loading;
  } catch (e) {
    loading = null;
    throw e;
  }
}

export function highsSolver(fn: string): Highs {
  if (!highs) {
    const e = new NotInitializedError(fn);
    e.message = `${fn}() needs the HiGHS LP solver, which is loaded lazily: call \`await initShallow()\` once first, or use ${fn}Async()`;
    throw e;
  }
  return highs;
}

const STATUS_NAMES: Record<number, string> = {
  0: 'notSet', 1: 'loadError', 2: 'modelError', 3: 'presolveError', 4: 'solveError', 5: 'postsolveError', 6: 'empty',
  7: 'optimal', 8: 'infeasible', 9: 'unboundedOrInfeasible', 10: 'unbounded', 11: 'objectiveBound', 12: 'objectiveTarget',
  13: 'timeLimit', 14: 'iterationLimit', 15: 'unknown', 16: 'solutionLimit', 17: 'interrupt', 18: 'memoryLimit',
};

export function lpStatusName(code: number): string {
  return STATUS_NAMES[code] ?? `status ${code}`;
}

/** A persistent LP whose columns are neuron pairs (w⁺, w⁻); columns can be appended (warm start). */
export class NeuronLP {
  readonly model: Model;
  readonly N: number;
  readonly D: number;
  private readonly xh: Float64Array;
  /** Column j is sign_j · relu(⟨z_j, x̂⟩): neurons z_j (unit or in the ball), D each, and signs ±1. */
  readonly neurons: Float64Array[] = [];
  readonly signs: number[] = [];

  constructor(h: Highs, xh: Float64Array, N: number, D: number, lo: Float64Array, hi: Float64Array) {
    this.N = N;
    this.D = D;
    this.xh = xh;
    this.model = h.createModel();
    this.model.options.set({
      output_flag: false,
      solver: 'simplex',
      simplex_strategy: 4, // primal simplex: adding columns keeps the basis primal feasible (warm start)
      presolve: 'off',
      primal_feasibility_tolerance: 1e-10,
      dual_feasibility_tolerance: 1e-10,
    } as never);
    this.model.passModel({
      numCols: 0, numRows: N, colCost: [], colLower: [], colUpper: [],
      rowLower: lo, rowUpper: hi,
      matrix: { format: 'csc', numRows: N, numCols: 0, starts: new Int32Array([0]), indices: new Int32Array(0), values: new Float64Array(0) },
    } as never);
  }

  /** Features relu(⟨z, x̂_i⟩) of one neuron. */
  features(z: ArrayLike<number>): Float64Array {
    const { N, D, xh } = this;
    const f = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += xh[i * D + k] * z[k];
      f[i] = s > 0 ? s : 0;
    }
    return f;
  }

  /**
   * Appends columns: each neuron z with sign +1 (the column of w⁺), −1 (w⁻) or 0 (both, two
   * entries). Column generation adds only the sign its pricing found violated (g > 1 → w⁺,
   * g < −1 → w⁻): the other column has reduced cost > 2 and would only slow the simplex.
   */
  addNeurons(zs: ArrayLike<number>[], signs?: number[]): void {
    if (zs.length === 0) return;
    const starts: number[] = [0];
    const indices: number[] = [];
    const values: number[] = [];
    zs.forEach((z, t) => {
      const f = this.features(z);
      const sg = signs ? signs[t] : 0;
      for (const sign of sg === 0 ? [1, -1] : [sg]) {
        for (let i = 0; i < this.N; i++) {
          if (f[i] !== 0) { indices.push(i); values.push(sign * f[i]); }
        }
        starts.push(indices.length);
        this.neurons.push(Float64Array.from(z));
        this.signs.push(sign);
      }
    });
    const n = starts.length - 1;
    const h = highs!;
    this.model.addCols({
      cost: new Float64Array(n).fill(1),
      lower: new Float64Array(n),
      upper: new Float64Array(n).fill(h.infinity),
      matrix: { format: 'csc', numRows: this.N, numCols: n, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    } as never);
  }

  /** Runs the simplex; returns HiGHS' model status code and name. */
  solve(): { code: number; name: string } {
    this.model.run();
    const code = this.model.getModelStatus() as number;
    return { code, name: lpStatusName(code) };
  }

  solution(): { w: Float64Array; lambda: Float64Array; objective: number; simplexIterations: number } {
    const s = this.model.getSolution();
    const P = this.neurons.length;
    const w = new Float64Array(P);
    for (let j = 0; j < P; j++) w[j] = this.signs[j] * s.colValue[j];
    let it = 0;
    try {
      it = Number(this.model.info.get('simplex_iteration_count' as never));
    } catch {
      it = 0;
    }
    return { w, lambda: Float64Array.from(s.rowDual), objective: this.model.getObjectiveValue(), simplexIterations: it };
  }

  /**
   * Deletes the columns j with drop[j]. Only non-basic neurons at 0
   * should be dropped; the basis of the others is kept by HiGHS (warm start).
   */
  dropNeurons(drop: Uint8Array): void {
    const idx: number[] = [];
    const kept: Float64Array[] = [];
    const keptSigns: number[] = [];
    for (let j = 0; j < this.neurons.length; j++) {
      if (drop[j]) idx.push(j);
      else { kept.push(this.neurons[j]); keptSigns.push(this.signs[j]); }
    }
    if (idx.length === 0) return;
    this.model.deleteCols({ kind: 'set', indices: Int32Array.from(idx) } as never);
    this.neurons.length = 0;
    this.neurons.push(...kept);
    this.signs.length = 0;
    this.signs.push(...keptSigns);
  }

  dispose(): void {
    this.model.dispose();
  }
}

export function lpFailure(name: string, where: string): ConvergenceError {
  return new ConvergenceError(
    `the HiGHS LP (${where})`,
    `HiGHS stopped with model status '${name}', not 'optimal'`,
    'no value is reported for a non-optimal LP; check the data scale (very large or tiny inputs/labels) or pass a larger tolerance',
  );
}
