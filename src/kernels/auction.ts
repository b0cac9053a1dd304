/**
 * Pure-TypeScript twin of assembly/auction.ts: the exact assignment problem between two clouds
 * of n points each (uniform weights 1/n — the equal-size case of exact W_p),
 *
 *   min_σ Σ_i C(i, σ(i)),   C(i, j) = ‖x_i − y_j‖₂^p   (computed on the fly; no n × n matrix).
 *
 * 1. Forward auction with ε-scaling (D. P. Bertsekas, "The auction algorithm: a distributed
 *    relaxation method for the assignment problem", Ann. Oper. Res. 14, 1988; ε-scaling:
 *    Bertsekas & Eckstein 1988). Minimisation form with column prices: an unassigned row i
 *    finds the best j₁ and second-best values of t_j = C(i, j) + price_j (t₁ ≤ t₂) and bids
 *    price_{j₁} ← price_{j₁} + ((t₂ − t₁) + ε), taking j₁ from its previous owner. This keeps
 *    ε-complementary slackness C(i, σ(i)) + price_σ(i) ≤ min_j (C(i, j) + price_j) + ε, so a
 *    phase ends with an assignment within n·ε of optimal. ε runs eps0, eps0/factor, … down to
 *    `epsFinal` (the caller: eps0 = max C / 4, factor 5); each phase restarts from an empty assignment with the prices
 *    of the previous one, which bounds price wars (duplicated points, ties).
 * 2. Exact polish warm-started at the prices: v_j = −price_j, u_i = min_j (C(i, j) − v_j) — a
 *    dual-feasible pair by construction. Rows whose auctioned column is not a minimiser of
 *    C(i, ·) − v are freed, and each is re-inserted by a shortest augmenting path (Dijkstra on
 *    reduced costs C − u − v ≥ 0, stopping at the first free column; Jonker & Volgenant 1987,
 *    the potential update of Crouse 2016): scanned rows u_i += δ − d_i, scanned columns
 *    v_j −= δ − d_j (δ: the sink's distance). Complementary slackness and dual feasibility are
 *    kept, so the final σ is exactly optimal: Σ C(i, σ(i)) = Σ u_i + Σ v_j up to rounding.
 *
 * Bit-identical to the kernel: every cost and t = C + price is computed with the same operations;
 * the bid search's result does not depend on how columns are split into lanes (b1 = min t,
 * j1 = smallest index attaining it, b2 = second smallest t with multiplicity), so this twin runs
 * two lanes (even / odd columns) where the kernel interleaves four. The Dijkstra argmin uses the
 * kernel's two lanes exactly (smaller value; ties → smaller index). For p ∉ {1, 2}, Math.pow may differ from the kernel's by an ulp.
 */
export interface AuctionSolution {
  /** σ: row i is assigned to column col4row[i]. */
  col4row: Int32Array;
  /** Potentials for the cost C: u_i + v_j ≤ C(i, j), equality on (i, σ(i)). */
  u: Float64Array;
  v: Float64Array;
  bids: number;
  phases: number;
  /** Rows freed after the auction and re-inserted by shortest augmenting paths. */
  polishAugmentations: number;
  polishScannedRows: number;
}

function costFn(p: number): (x: Float64Array, xo: number, yt: Float64Array, me: number, j: number, d: number) => number {
  const mode = p === 2 ? 2 : p === 1 ? 1 : 0;
  return (x, xo, yt, me, j, d) => {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const t = x[xo + k] - yt[k * me + j];
      s = s + t * t;
    }
    return mode === 2 ? s : mode === 1 ? Math.sqrt(s) : Math.pow(Math.sqrt(s), p);
  };
}

export function auctionJS(x: Float64Array, y: Float64Array, n: number, d: number, p: number, eps0: number, epsFinal: number, factor: number): AuctionSolution {
  const me = (n + 1) & ~1;
  const cost = costFn(p);
  const yt = new Float64Array(d * me);
  for (let k = 0; k < d; k++) for (let j = 0; j < n; j++) yt[k * me + j] = y[j * d + k];
  const price = new Float64Array(me);
  if (me > n) price[n] = Infinity;
  const col4row = new Int32Array(n), row4col = new Int32Array(me);
  const queue = new Int32Array(n);

  let b1 = 0, b2 = 0, j1 = 0;
  /** Best / second best of C(i, j) + price_j: lanes of even and odd columns, then combined. */
  const search = (xo: number): void => {
    const B1 = [Infinity, Infinity], B2 = [Infinity, Infinity], I1 = [-1, -1];
    for (let l = 0; l < 2; l++) {
      let a = Infinity, s = Infinity, ia = -1;
      for (let j = l; j < me; j += 2) {
        const t = cost(x, xo, yt, me, j, d) + price[j];
        if (t < a) {
          s = a;
          a = t;
          ia = j;
        } else s = Math.min(s, t);
      }
      B1[l] = a;
      B2[l] = s;
      I1[l] = ia;
    }
    if (B1[0] < B1[1]) [b1, b2, j1] = [B1[0], Math.min(B2[0], B1[1]), I1[0]];
    else if (B1[1] < B1[0]) [b1, b2, j1] = [B1[1], Math.min(B2[1], B1[0]), I1[1]];
    else [b1, b2, j1] = [B1[0], B1[0], Math.min(I1[0], I1[1])];
  };

  let bids = 0, phases = 0;
  let eps = eps0;
  for (;;) {
    if (eps < epsFinal) eps = epsFinal;
    phases++;
    for (let i = 0; i < n; i++) queue[i] = i;
    col4row.fill(-1);
    row4col.fill(-1);
    let head = 0, count = n;
    while (count > 0) {
      const i = queue[head];
      head = head + 1 === n ? 0 : head + 1;
      count--;
      search(i * d);
      const old = price[j1];
      let np = old + ((b2 - b1) + eps);
      if (!(np < Infinity) || !(np > old)) np = old + Math.max(eps, Math.abs(old) * 2.220446049250313e-16);
      price[j1] = np;
      const prev = row4col[j1];
      if (prev >= 0) {
        col4row[prev] = -1;
        let tail = head + count;
        if (tail >= n) tail -= n;
        queue[tail] = prev;
        count++;
      }
      row4col[j1] = i;
      col4row[i] = j1;
      bids++;
    }
    if (eps <= epsFinal) break;
    eps = eps / factor;
  }

  // polish
  const u = new Float64Array(n), v = new Float64Array(me);
  for (let j = 0; j < n; j++) v[j] = -price[j];
  let nFree = 0;
  for (let i = 0; i < n; i++) {
    search(i * d);
    u[i] = b1;
    const j = col4row[i];
    if (cost(x, i * d, yt, me, j, d) + price[j] !== b1) {
      col4row[i] = -1;
      row4col[j] = -1;
      queue[nFree++] = i;
    }
  }
  const spc = new Float64Array(me), path = new Float64Array(me), mask = new Float64Array(me);
  const scannedRows = new Int32Array(n);
  let scanned = 0;
  for (let q = 0; q < nFree; q++) {
    const s = queue[q];
    spc.fill(Infinity);
    mask.fill(0);
    if (n < me) mask[n] = Infinity;
    let nRows = 0, i = s, mv = 0, sink = -1;
    for (;;) {
      scannedRows[nRows++] = i;
      const base = mv - u[i];
      const bestV = [Infinity, Infinity], bestI = [-1, -1];
      for (let j = 0; j < me; j++) {
        const l = j & 1;
        const r = (base + cost(x, i * d, yt, me, j, d)) - v[j];
        if (r + mask[j] < spc[j]) {
          spc[j] = r;
          path[j] = i;
        }
        const key = spc[j] + mask[j];
        if (key < bestV[l]) {
          bestV[l] = key;
          bestI[l] = j;
        }
      }
      const j = bestV[0] < bestV[1] ? bestI[0] : bestV[1] < bestV[0] ? bestI[1] : Math.min(bestI[0], bestI[1]);
      mv = spc[j];
      mask[j] = Infinity;
      const owner = row4col[j];
      if (owner < 0) {
        sink = j;
        break;
      }
      i = owner;
    }
    scanned += nRows;
    u[s] = u[s] + mv;
    for (let r = 1; r < nRows; r++) {
      const ir = scannedRows[r];
      u[ir] = u[ir] + (mv - spc[col4row[ir]]);
    }
    for (let r = 1; r < nRows; r++) {
      const jr = col4row[scannedRows[r]];
      v[jr] = v[jr] - (mv - spc[jr]);
    }
    let jj = sink;
    for (;;) {
      const ii = path[jj];
      row4col[jj] = ii;
      const nxt = col4row[ii];
      col4row[ii] = jj;
      if (ii === s) break;
      jj = nxt;
    }
  }
  return { col4row, u, v: v.subarray(0, n), bids, phases, polishAugmentations: nFree, polishScannedRows: scanned };
}

/** [max_ij (u_i + v_j − C(i, j)), max_ij C(i, j)]: the twin of auctionDualViolation. */
export function auctionDualViolationJS(x: Float64Array, n: number, y: Float64Array, m: number, d: number, p: number, u: Float64Array, v: Float64Array): [number, number] {
  const me = (m + 1) & ~1;
  const cost = costFn(p);
  const yt = new Float64Array(d * me);
  for (let k = 0; k < d; k++) for (let j = 0; j < m; j++) yt[k * me + j] = y[j * d + k];
  let worst = -Infinity, cmax = -Infinity;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const c = cost(x, i * d, yt, me, j, d);
      worst = Math.max(worst, (u[i] + v[j]) - c);
      cmax = Math.max(cmax, c);
    }
  }
  return [worst, cmax];
}
