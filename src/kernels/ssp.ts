/**
 * Pure-TypeScript twin of assembly/ssp.ts: exact discrete optimal transport
 *
 *   min_P ⟨P, C⟩  s.t.  P ≥ 0,  P 1 = a,  Pᵀ 1 = b          (C: n × m row-major)
 *
 * by successive shortest augmenting paths with Dijkstra on reduced costs (the primal–dual
 * min-cost-flow method; for a = b = 1 it is the shortest-augmenting-path assignment algorithm
 * of Jonker & Volgenant 1987 / Crouse 2016, without their heuristics except column reduction).
 *
 * Invariants (kept in floating point up to rounding):
 *   dual feasibility  C_ij − u_i − v_j ≥ 0 for all (i, j),   u_i = −πrow_i,  v_j = πcol_j
 *   complementary slackness  C_ij − u_i − v_j = 0 wherever P_ij > 0
 * so at the end ⟨P, C⟩ = Σ a_i u_i + Σ b_j v_j (zero duality gap) certifies optimality.
 *
 * Start: v_j = min_i C_ij, u = 0, and column j sends min(a_i*, b_j) to its cheapest row i*.
 * Then for every row s with supply left: Dijkstra from s over the residual graph (forward
 * arcs i → j always, backward arcs j → i where P_ij > 0), stopping at the first column with
 * demand left; augment θ = min(supply, demand, backward flows on the path); update the
 * potentials π ← π + (δ − δ_sink) on the scanned nodes.
 *
 * Masses below `tol` count as zero (rounding residue); pass integer masses with tol = 0.5
 * for the assignment case (then every augmentation moves exactly 1).
 *
 * Returns the plan as parallel arrays (row, col, mass), and πrow / πcol; `status` is 0 on
 * success, 1 when supply was left with no column to take it (inconsistent totals).
 */
export interface SspSolution {
  rows: Int32Array;
  cols: Int32Array;
  mass: Float64Array;
  /** u_i = −piRow[i] */
  piRow: Float64Array;
  /** v_j = piCol[j] */
  piCol: Float64Array;
  status: number;
  augmentations: number;
}

export function sspJS(C: Float64Array, n: number, m: number, a0: Float64Array, b0: Float64Array, tol: number): SspSolution {
  const resA = Float64Array.from(a0), resB = Float64Array.from(b0);
  const piRow = new Float64Array(n), piCol = new Float64Array(m);
  // The plan: edges (row, col, flow) in singly linked lists per column, newest first; an edge
  // whose flow drops to 0 stays in its list (and is revived if (i, j) is used again), exactly
  // as in the kernel, so both visit rows in the same order.
  const colHead = new Int32Array(m).fill(-1);
  const eRow: number[] = [], eCol: number[] = [], eNext: number[] = [], eFlow: number[] = [];
  const addFlow = (i: number, j: number, t: number): void => {
    for (let e = colHead[j]; e >= 0; e = eNext[e]) {
      if (eRow[e] === i) {
        eFlow[e] += t;
        return;
      }
    }
    eRow.push(i);
    eCol.push(j);
    eFlow.push(t);
    eNext.push(colHead[j]);
    colHead[j] = eRow.length - 1;
  };
  // column reduction
  for (let j = 0; j < m; j++) {
    let best = Infinity, bi = 0;
    for (let i = 0; i < n; i++) {
      const c = C[i * m + j];
      if (c < best) {
        best = c;
        bi = i;
      }
    }
    piCol[j] = best;
    const t = Math.min(resA[bi], resB[j]);
    if (t > tol) {
      addFlow(bi, j, t);
      resA[bi] -= t;
      resB[j] -= t;
    }
  }
  const w = new Float64Array(m), scanned = new Uint8Array(m), predCol = new Int32Array(m);
  const drow = new Float64Array(n), rowStamp = new Int32Array(n).fill(-1), predRowCol = new Int32Array(n), predRowEdge = new Int32Array(n);
  const scannedCols: number[] = [], scannedRows: number[] = [];
  let stamp = 0, status = 0, augmentations = 0;
  for (let s = 0; s < n && status === 0; s++) {
    while (resA[s] > tol) {
      stamp++;
      w.fill(Infinity);
      scanned.fill(0);
      scannedCols.length = 0;
      scannedRows.length = 0;
      const relax = (i: number, di: number): void => {
        const base = di + piRow[i];
        const o = i * m;
        // Scanned columns keep their final label: rounding could otherwise "improve" them by
        // an ulp through the row they just labelled and close a cycle of predecessors.
        for (let j = 0; j < m; j++) {
          const nd = base + C[o + j] - piCol[j];
          if (!scanned[j] && nd < w[j]) {
            w[j] = nd;
            predCol[j] = i;
          }
        }
      };
      rowStamp[s] = stamp;
      drow[s] = 0;
      scannedRows.push(s);
      relax(s, 0);
      let sink = -1, dSink = 0;
      for (;;) {
        let best = Infinity, j = -1;
        for (let q = 0; q < m; q++) {
          if (!scanned[q] && w[q] < best) {
            best = w[q];
            j = q;
          }
        }
        if (j < 0) break;
        scanned[j] = 1;
        scannedCols.push(j);
        if (resB[j] > tol) {
          sink = j;
          dSink = best;
          break;
        }
        for (let e = colHead[j]; e >= 0; e = eNext[e]) {
          const i = eRow[e];
          if (eFlow[e] <= 0 || rowStamp[i] === stamp) continue;
          rowStamp[i] = stamp;
          const di = best + (piCol[j] - piRow[i] - C[i * m + j]);
          drow[i] = di;
          predRowCol[i] = j;
          predRowEdge[i] = e;
          scannedRows.push(i);
          relax(i, di);
        }
      }
      if (sink < 0) {
        // No column can take the rest: only rounding residue may be left.
        if (resA[s] > 1e3 * tol + 1e-12) status = 1;
        resA[s] = 0;
        break;
      }
      // bottleneck
      let theta = Math.min(resA[s], resB[sink]);
      for (let j = sink, i = predCol[j]; i !== s; ) {
        theta = Math.min(theta, eFlow[predRowEdge[i]]);
        j = predRowCol[i];
        i = predCol[j];
      }
      for (let j = sink; ; ) {
        const i = predCol[j];
        addFlow(i, j, theta);
        if (i === s) break;
        eFlow[predRowEdge[i]] -= theta;
        j = predRowCol[i];
      }
      resA[s] -= theta;
      resB[sink] -= theta;
      for (const j of scannedCols) piCol[j] += w[j] - dSink;
      for (const i of scannedRows) piRow[i] += drow[i] - dSink;
      augmentations++;
    }
  }
  const R: number[] = [], Cc: number[] = [], M: number[] = [];
  for (let e = 0; e < eRow.length; e++) {
    if (eFlow[e] > 0) {
      R.push(eRow[e]);
      Cc.push(eCol[e]);
      M.push(eFlow[e]);
    }
  }
  return { rows: Int32Array.from(R), cols: Int32Array.from(Cc), mass: Float64Array.from(M), piRow, piCol, status, augmentations };
}
