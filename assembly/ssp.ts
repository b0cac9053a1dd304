// Exact discrete optimal transport  min ⟨P, C⟩ s.t. P ≥ 0, P1 = a, Pᵀ1 = b  (C: n × m,
// row-major) by successive shortest augmenting paths with Dijkstra on reduced costs — the
// primal–dual min-cost-flow method; with a = b = 1 (integers, tol = 0.5) it is the
// shortest-augmenting-path assignment algorithm (Jonker & Volgenant 1987; Crouse 2016).
// Algorithm, invariants and the order of every step: see the twin src/kernels/ssp.ts.
//
// Dense Dijkstra: one fused f64x2 pass per scanned row relaxes every column
//   w_j ← min(w_j, (δ_i + πrow_i + C_ij) − πcol_j)
// and finds the unscanned column of least w (scanned columns carry mask = +Inf).
// Scanned columns are excluded from relaxation (their label is final; rounding must not
// rewire their predecessor into a cycle).
//
// Memory (all from the TypeScript arena):
//   C        n·m + 2 f64 (two padding entries for the last v128 load)
//   resA, resB  n, m f64 — residual supply / demand, consumed in place
//   piRow, piCol  n, me f64 — potentials (output; u = −piRow, v = piCol); me = m rounded up to even
//   edges    eRow, eCol, eNext: cap i32 each; eFlow: cap f64 — the plan, per-column lists
//   scratch  sspScratchBytes(n, m)
//   info     4 f64 out: [edges used, augmentations, status, 0]
// Returns 0 on success, 1 if supply was left over with no column to take it (inconsistent
// totals), 2 if the edge pool (cap) is exhausted (the caller retries with a larger pool).
import { checkRange } from './lib/memory';
import { lanesArgmin } from './lib/argmin';

export function sspScratchBytes(n: i32, m: i32): i32 {
  const me = (m + 1) & ~1;
  // f64: w, predCol, mask (me each), drow (n); i32: colHead, scannedCols (m), scannedRows,
  // rowStamp, predRowCol, predRowEdge (n)
  return (3 * me + n) * 8 + (2 * m + 4 * n) * 4 + 16;
}

// @ts-ignore: decorator
@inline function f64p(base: usize, i: i32): usize { return base + (<usize>i << 3); }
// @ts-ignore: decorator
@inline function i32p(base: usize, i: i32): usize { return base + (<usize>i << 2); }

let gHead: usize = 0, gERow: usize = 0, gECol: usize = 0, gENext: usize = 0, gEFlow: usize = 0;
let gUsed: i32 = 0, gCap: i32 = 0;

/** Adds t to the flow on (i, j); false when the edge pool is full. */
function addFlow(i: i32, j: i32, t: f64): bool {
  for (let e = load<i32>(i32p(gHead, j)); e >= 0; e = load<i32>(i32p(gENext, e))) {
    if (load<i32>(i32p(gERow, e)) == i) {
      store<f64>(f64p(gEFlow, e), load<f64>(f64p(gEFlow, e)) + t);
      return true;
    }
  }
  if (gUsed >= gCap) return false;
  const e = gUsed++;
  store<i32>(i32p(gERow, e), i);
  store<i32>(i32p(gECol, e), j);
  store<f64>(f64p(gEFlow, e), t);
  store<i32>(i32p(gENext, e), load<i32>(i32p(gHead, j)));
  store<i32>(i32p(gHead, j), e);
  return true;
}

/** Fused relax-and-argmin pass from row i at distance di (relax = false: argmin only).
 *  Returns the first unscanned column of least w, or −1 if none is finite. */
// @ts-ignore: decorator
@inline
function pass(C: usize, m: i32, me: i32, i: i32, di: f64, piRow: usize, piCol: usize, w: usize, pred: usize, mask: usize, relax: bool): i32 {
  let bestV = f64x2.splat(Infinity);
  let bestI = f64x2.splat(-1.0);
  let idx = f64x2(0.0, 1.0);
  const two = f64x2.splat(2.0);
  if (relax) {
    const base = f64x2.splat(di + load<f64>(f64p(piRow, i)));
    const iv = f64x2.splat(<f64>i);
    const row = C + ((<usize>i * <usize>m) << 3);
    for (let j = 0; j < me; j += 2) {
      const o = <usize>j << 3;
      const nd = f64x2.sub(f64x2.add(base, v128.load(row + o)), v128.load(piCol + o));
      const wo = v128.load(w + o);
      const mk = v128.load(mask + o);
      // scanned columns (mask = +Inf) keep their final label and predecessor
      const lt = f64x2.lt(f64x2.add(nd, mk), wo);
      const wn = v128.bitselect(nd, wo, lt);
      v128.store(w + o, wn);
      v128.store(pred + o, v128.bitselect(iv, v128.load(pred + o), lt));
      const key = f64x2.add(wn, mk);
      const kl = f64x2.lt(key, bestV);
      bestV = v128.bitselect(key, bestV, kl);
      bestI = v128.bitselect(idx, bestI, kl);
      idx = f64x2.add(idx, two);
    }
  } else {
    for (let j = 0; j < me; j += 2) {
      const o = <usize>j << 3;
      const key = f64x2.add(v128.load(w + o), v128.load(mask + o));
      const kl = f64x2.lt(key, bestV);
      bestV = v128.bitselect(key, bestV, kl);
      bestI = v128.bitselect(idx, bestI, kl);
      idx = f64x2.add(idx, two);
    }
  }
  return lanesArgmin(bestV, bestI);
}

export function sspSolve(
  C: usize, n: i32, m: i32, resA: usize, resB: usize, tol: f64,
  piRow: usize, piCol: usize,
  eRow: usize, eCol: usize, eNext: usize, eFlow: usize, cap: i32,
  scratch: usize, info: usize,
): i32 {
  const me = (m + 1) & ~1;
  checkRange(C, (<usize>n * <usize>m + 2) << 3);
  checkRange(resA, <usize>n << 3);
  checkRange(resB, <usize>m << 3);
  checkRange(piRow, <usize>n << 3);
  checkRange(piCol, <usize>me << 3);
  checkRange(eRow, <usize>cap << 2);
  checkRange(eCol, <usize>cap << 2);
  checkRange(eNext, <usize>cap << 2);
  checkRange(eFlow, <usize>cap << 3);
  checkRange(scratch, <usize>sspScratchBytes(n, m));
  checkRange(info, 32);
  const w = scratch;
  const pred = w + (<usize>me << 3);
  const mask = pred + (<usize>me << 3);
  const drow = mask + (<usize>me << 3);
  const colHead = drow + (<usize>n << 3);
  const scannedCols = colHead + (<usize>m << 2);
  const scannedRows = scannedCols + (<usize>m << 2);
  const rowStamp = scannedRows + (<usize>n << 2);
  const predRowCol = rowStamp + (<usize>n << 2);
  const predRowEdge = predRowCol + (<usize>n << 2);
  gHead = colHead; gERow = eRow; gECol = eCol; gENext = eNext; gEFlow = eFlow; gUsed = 0; gCap = cap;
  for (let j = 0; j < m; j++) store<i32>(i32p(colHead, j), -1);
  for (let i = 0; i < n; i++) { store<i32>(i32p(rowStamp, i), -1); store<f64>(f64p(piRow, i), 0.0); }
  for (let j = m; j < me; j++) store<f64>(f64p(piCol, j), 0.0);

  // Column reduction: v_j = min_i C_ij (first minimiser), u = 0.
  for (let j = 0; j < me; j += 2) { v128.store(w + (<usize>j << 3), f64x2.splat(Infinity)); v128.store(pred + (<usize>j << 3), f64x2.splat(0.0)); }
  for (let i = 0; i < n; i++) {
    const row = C + ((<usize>i * <usize>m) << 3);
    const iv = f64x2.splat(<f64>i);
    for (let j = 0; j < me; j += 2) {
      const o = <usize>j << 3;
      const c = v128.load(row + o);
      const cm = v128.load(w + o);
      const lt = f64x2.lt(c, cm);
      v128.store(w + o, v128.bitselect(c, cm, lt));
      v128.store(pred + o, v128.bitselect(iv, v128.load(pred + o), lt));
    }
  }
  for (let j = 0; j < m; j++) {
    store<f64>(f64p(piCol, j), load<f64>(f64p(w, j)));
    const bi = <i32>load<f64>(f64p(pred, j));
    const t = min(load<f64>(f64p(resA, bi)), load<f64>(f64p(resB, j)));
    if (t > tol) {
      if (!addFlow(bi, j, t)) { store<f64>(info, <f64>gUsed); return 2; }
      store<f64>(f64p(resA, bi), load<f64>(f64p(resA, bi)) - t);
      store<f64>(f64p(resB, j), load<f64>(f64p(resB, j)) - t);
    }
  }

  let stamp = 0, status = 0, augmentations = 0;
  for (let s = 0; s < n && status == 0; s++) {
    while (load<f64>(f64p(resA, s)) > tol) {
      stamp++;
      for (let j = 0; j < me; j += 2) {
        v128.store(w + (<usize>j << 3), f64x2.splat(Infinity));
        v128.store(mask + (<usize>j << 3), f64x2.splat(0.0));
      }
      if (m < me) store<f64>(f64p(mask, m), Infinity);
      let nCols = 0, nRows = 0;
      store<i32>(i32p(rowStamp, s), stamp);
      store<f64>(f64p(drow, s), 0.0);
      store<i32>(i32p(scannedRows, nRows++), s);
      let j = pass(C, m, me, s, 0.0, piRow, piCol, w, pred, mask, true);
      let sink = -1;
      let dSink = 0.0;
      while (j >= 0) {
        const best = load<f64>(f64p(w, j));
        store<f64>(f64p(mask, j), Infinity);
        store<i32>(i32p(scannedCols, nCols++), j);
        if (load<f64>(f64p(resB, j)) > tol) { sink = j; dSink = best; break; }
        let next = -1;
        let relaxed = false;
        const pj = load<f64>(f64p(piCol, j));
        for (let e = load<i32>(i32p(colHead, j)); e >= 0; e = load<i32>(i32p(eNext, e))) {
          const i = load<i32>(i32p(eRow, e));
          if (load<f64>(f64p(eFlow, e)) <= 0.0 || load<i32>(i32p(rowStamp, i)) == stamp) continue;
          store<i32>(i32p(rowStamp, i), stamp);
          const di = best + ((pj - load<f64>(f64p(piRow, i))) - load<f64>(C + ((<usize>i * <usize>m + <usize>j) << 3)));
          store<f64>(f64p(drow, i), di);
          store<i32>(i32p(predRowCol, i), j);
          store<i32>(i32p(predRowEdge, i), e);
          store<i32>(i32p(scannedRows, nRows++), i);
          next = pass(C, m, me, i, di, piRow, piCol, w, pred, mask, true);
          relaxed = true;
        }
        if (!relaxed) next = pass(C, m, me, 0, 0.0, piRow, piCol, w, pred, mask, false);
        j = next;
      }
      if (sink < 0) {
        if (load<f64>(f64p(resA, s)) > 1e3 * tol + 1e-12) status = 1;
        store<f64>(f64p(resA, s), 0.0);
        break;
      }
      // Bottleneck θ along the path sink ← … ← s.
      let theta = min(load<f64>(f64p(resA, s)), load<f64>(f64p(resB, sink)));
      let i = <i32>load<f64>(f64p(pred, sink));
      while (i != s) {
        theta = min(theta, load<f64>(f64p(eFlow, load<i32>(i32p(predRowEdge, i)))));
        i = <i32>load<f64>(f64p(pred, load<i32>(i32p(predRowCol, i))));
      }
      let jj = sink;
      for (;;) {
        const ii = <i32>load<f64>(f64p(pred, jj));
        if (!addFlow(ii, jj, theta)) { store<f64>(info, <f64>gUsed); return 2; }
        if (ii == s) break;
        const e = load<i32>(i32p(predRowEdge, ii));
        store<f64>(f64p(eFlow, e), load<f64>(f64p(eFlow, e)) - theta);
        jj = load<i32>(i32p(predRowCol, ii));
      }
      store<f64>(f64p(resA, s), load<f64>(f64p(resA, s)) - theta);
      store<f64>(f64p(resB, sink), load<f64>(f64p(resB, sink)) - theta);
      for (let q = 0; q < nCols; q++) {
        const jq = load<i32>(i32p(scannedCols, q));
        store<f64>(f64p(piCol, jq), load<f64>(f64p(piCol, jq)) + (load<f64>(f64p(w, jq)) - dSink));
      }
      for (let q = 0; q < nRows; q++) {
        const iq = load<i32>(i32p(scannedRows, q));
        store<f64>(f64p(piRow, iq), load<f64>(f64p(piRow, iq)) + (load<f64>(f64p(drow, iq)) - dSink));
      }
      augmentations++;
    }
  }
  store<f64>(info, <f64>gUsed);
  store<f64>(info + 8, <f64>augmentations);
  store<f64>(info + 16, <f64>status);
  return status;
}
