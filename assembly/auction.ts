// Exact assignment between two equal-size point clouds (n = m, uniform weights)
//   min_σ Σ_i C(i, σ(i)),   C(i, j) = ‖x_i − y_j‖₂^p,
// with costs computed on the fly from the coordinates (no n × n matrix: memory O(n·d)).
// Algorithm, invariants and the order of every step: see the twin src/kernels/auction.ts.
//
//  1. Forward auction with ε-scaling (Bertsekas 1988; Bertsekas & Castañon 1991), minimisation
//     form: bidder i looks for the best j₁ and second best values t = C(i, j) + price_j and
//     raises price_{j₁} by (t₂ − t₁) + ε. ε starts at `eps0` and is divided by `factor` per
//     phase down to `epsFinal`; assignments are cleared at each phase, prices kept.
//  2. Exact polish (shortest augmenting paths, Jonker–Volgenant / Crouse 2016) warm-started at
//     the auction's prices: v_j = −price_j, u_i = min_j (C(i, j) − v_j) (dual feasible by
//     construction); rows whose auctioned column is not a minimiser of that row are freed and
//     re-inserted by Dijkstra on reduced costs C − u − v, so the result is exactly optimal with
//     zero duality gap and dual feasibility up to rounding.
//
// SIMD: f64x2 across candidate columns j, j+1 (costs from the transposed y, like assembly/cost.ts).
//
// Memory (all from the TypeScript arena):
//   x, y       n·d f64 each (row-major)
//   col4row    n i32 (output: σ)
//   u, v       n, me f64 (output potentials, me = n rounded up to even)
//   scratch    auctionScratchBytes(n, d)
//   info       4 f64 out: [bids, phases, polish augmentations, rows scanned by the polish]
// Returns 0.
import { checkRange } from './lib/memory';
import { lanesArgmin } from './lib/argmin';
import { cost1, costMode, costPair } from './lib/cost_pair';

export function auctionScratchBytes(n: i32, d: i32): i32 {
  const me = (n + 1) & ~1;
  // f64: yt (d·me), price, spc, path, mask (me each); i32: row4col (me), queue, scannedRows (n)
  return (d * me + 4 * me) * 8 + (me + 2 * n) * 4 + 16;
}

// @ts-ignore: decorator
@inline function f64p(base: usize, i: i32): usize { return base + (<usize>i << 3); }
// @ts-ignore: decorator
@inline function i32p(base: usize, i: i32): usize { return base + (<usize>i << 2); }

// Results of the last best/second-best search.
let gB1: f64 = 0.0, gB2: f64 = 0.0, gJ1: i32 = 0;

/** Best and second-best of t_j = C(i, j) + price_j over all j (price of the padding column is
 *  +Inf). Four interleaved lanes (two f64x2 accumulators over j ≡ 0,1 and 2,3 mod 4, so the
 *  compare/select chains overlap); per lane: strict < replaces the best (old best becomes second),
 *  else second = min. Lanes are merged by (smaller best; ties → smaller index), so the result is
 *  the partition-free one: b1 = min t, j1 = the smallest index attaining it, b2 = the second
 *  smallest t counted with multiplicity — what the twin computes with two lanes. */
// @ts-ignore: decorator
@inline
function search(xi: usize, yt: usize, me: i32, d: i32, mode: i32, p: f64, price: usize): void {
  let b1 = f64x2.splat(Infinity), b2 = f64x2.splat(Infinity), i1 = f64x2.splat(-1.0);
  let c1 = f64x2.splat(Infinity), c2 = f64x2.splat(Infinity), k1 = f64x2.splat(-1.0);
  let idx = f64x2(0.0, 1.0);
  const two = f64x2.splat(2.0), four = f64x2.splat(4.0);
  let j = 0;
  for (; j + 4 <= me; j += 4) {
    const t = f64x2.add(costPair(xi, yt, me, j, d, mode, p), v128.load(price + (<usize>j << 3)));
    const u = f64x2.add(costPair(xi, yt, me, j + 2, d, mode, p), v128.load(price + (<usize>(j + 2) << 3)));
    const lt = f64x2.lt(t, b1);
    const lu = f64x2.lt(u, c1);
    // second = min(b2, max(b1, t)), best = min(b1, t): single-instruction pmin/pmax (no NaNs here)
    b2 = f64x2.pmin(b2, f64x2.pmax(b1, t));
    c2 = f64x2.pmin(c2, f64x2.pmax(c1, u));
    b1 = f64x2.pmin(b1, t);
    c1 = f64x2.pmin(c1, u);
    i1 = v128.bitselect(idx, i1, lt);
    k1 = v128.bitselect(f64x2.add(idx, two), k1, lu);
    idx = f64x2.add(idx, four);
  }
  if (j < me) {
    const t = f64x2.add(costPair(xi, yt, me, j, d, mode, p), v128.load(price + (<usize>j << 3)));
    const lt = f64x2.lt(t, b1);
    b2 = v128.bitselect(b1, f64x2.pmin(b2, t), lt);
    b1 = v128.bitselect(t, b1, lt);
    i1 = v128.bitselect(idx, i1, lt);
  }
  // merge the accumulators lane by lane
  const ltA = f64x2.lt(b1, c1), ltB = f64x2.lt(c1, b1);
  const m2 = v128.bitselect(f64x2.min(b2, c1), v128.bitselect(f64x2.min(c2, b1), b1, ltB), ltA);
  const mi = v128.bitselect(i1, v128.bitselect(k1, f64x2.min(i1, k1), ltB), ltA);
  const m1 = v128.bitselect(b1, c1, ltA);
  const a0 = f64x2.extract_lane(m1, 0), a1 = f64x2.extract_lane(m1, 1);
  const s0 = f64x2.extract_lane(m2, 0), s1 = f64x2.extract_lane(m2, 1);
  const j0 = f64x2.extract_lane(mi, 0), j1 = f64x2.extract_lane(mi, 1);
  if (a0 < a1) { gB1 = a0; gB2 = min(s0, a1); gJ1 = <i32>j0; }
  else if (a1 < a0) { gB1 = a1; gB2 = min(s1, a0); gJ1 = <i32>j1; }
  else { gB1 = a0; gB2 = a0; gJ1 = <i32>min(j0, j1); }
}

/** One Dijkstra relaxation from row i at distance mv over unscanned columns, fused with the
 *  argmin of spc + mask. Returns the first unscanned column of least label. */
// @ts-ignore: decorator
@inline
function relax(xi: usize, yt: usize, me: i32, d: i32, mode: i32, p: f64, base: f64, v: usize, spc: usize, path: usize, mask: usize, iv: f64): i32 {
  let bestV = f64x2.splat(Infinity), bestI = f64x2.splat(-1.0);
  let idx = f64x2(0.0, 1.0);
  const two = f64x2.splat(2.0);
  const bs = f64x2.splat(base);
  const ivs = f64x2.splat(iv);
  for (let j = 0; j < me; j += 2) {
    const o = <usize>j << 3;
    const r = f64x2.sub(f64x2.add(bs, costPair(xi, yt, me, j, d, mode, p)), v128.load(v + o));
    const so = v128.load(spc + o);
    const mk = v128.load(mask + o);
    const lt = f64x2.lt(f64x2.add(r, mk), so);
    const sn = v128.bitselect(r, so, lt);
    v128.store(spc + o, sn);
    v128.store(path + o, v128.bitselect(ivs, v128.load(path + o), lt));
    const key = f64x2.add(sn, mk);
    const kl = f64x2.lt(key, bestV);
    bestV = v128.bitselect(key, bestV, kl);
    bestI = v128.bitselect(idx, bestI, kl);
    idx = f64x2.add(idx, two);
  }
  return lanesArgmin(bestV, bestI);
}

export function auctionAssign(
  x: usize, y: usize, n: i32, d: i32, p: f64, eps0: f64, epsFinal: f64, factor: f64,
  col4row: usize, u: usize, v: usize, scratch: usize, info: usize,
): i32 {
  const me = (n + 1) & ~1;
  checkRange(x, <usize>(n * d) << 3);
  checkRange(y, <usize>(n * d) << 3);
  checkRange(col4row, <usize>n << 2);
  checkRange(u, <usize>n << 3);
  checkRange(v, <usize>me << 3);
  checkRange(scratch, <usize>auctionScratchBytes(n, d));
  checkRange(info, 32);
  const mode = costMode(p);
  const yt = scratch;
  const price = yt + (<usize>(d * me) << 3);
  const spc = price + (<usize>me << 3);
  const path = spc + (<usize>me << 3);
  const mask = path + (<usize>me << 3);
  const row4col = mask + (<usize>me << 3);
  const queue = row4col + (<usize>me << 2);
  const scannedRows = queue + (<usize>n << 2);
  for (let k = 0; k < d; k++) {
    for (let j = 0; j < me; j++) {
      store<f64>(f64p(yt, k * me + j), j < n ? load<f64>(f64p(y, j * d + k)) : 0.0);
    }
  }
  for (let j = 0; j < me; j++) store<f64>(f64p(price, j), j < n ? 0.0 : Infinity);

  // 1. auction with ε-scaling
  let bids = 0, phases = 0;
  let eps = eps0;
  for (;;) {
    if (eps < epsFinal) eps = epsFinal;
    phases++;
    for (let i = 0; i < n; i++) { store<i32>(i32p(col4row, i), -1); store<i32>(i32p(queue, i), i); }
    for (let j = 0; j < me; j++) store<i32>(i32p(row4col, j), -1);
    let head = 0, count = n;
    while (count > 0) {
      const i = load<i32>(i32p(queue, head));
      head = head + 1 == n ? 0 : head + 1;
      count--;
      search(x + (<usize>(i * d) << 3), yt, me, d, mode, p, price);
      const j1 = gJ1;
      const old = load<f64>(f64p(price, j1));
      let np = old + ((gB2 - gB1) + eps);
      // second best +Inf (n = 1) or an increment lost to rounding: step by at least ε / an ulp
      if (!(np < Infinity) || !(np > old)) np = old + max(eps, abs(old) * 2.220446049250313e-16);
      store<f64>(f64p(price, j1), np);
      const prev = load<i32>(i32p(row4col, j1));
      if (prev >= 0) {
        store<i32>(i32p(col4row, prev), -1);
        let tail = head + count;
        if (tail >= n) tail -= n;
        store<i32>(i32p(queue, tail), prev);
        count++;
      }
      store<i32>(i32p(row4col, j1), i);
      store<i32>(i32p(col4row, i), j1);
      bids++;
    }
    if (eps <= epsFinal) break;
    eps = eps / factor;
  }

  // 2. polish: v = −price, u_i = min_j (C(i, j) − v_j); free rows whose column is not a minimiser
  for (let j = 0; j < me; j++) store<f64>(f64p(v, j), j < n ? -load<f64>(f64p(price, j)) : 0.0);
  let nFree = 0;
  for (let i = 0; i < n; i++) {
    const xi = x + (<usize>(i * d) << 3);
    search(xi, yt, me, d, mode, p, price);
    store<f64>(f64p(u, i), gB1);
    const j = load<i32>(i32p(col4row, i));
    if (cost1(xi, yt, me, j, d, mode, p) + load<f64>(f64p(price, j)) != gB1) {
      store<i32>(i32p(col4row, i), -1);
      store<i32>(i32p(row4col, j), -1);
      store<i32>(i32p(queue, nFree++), i);
    }
  }
  let scanned = 0;
  for (let q = 0; q < nFree; q++) {
    const s = load<i32>(i32p(queue, q));
    for (let j = 0; j < me; j += 2) {
      v128.store(spc + (<usize>j << 3), f64x2.splat(Infinity));
      v128.store(mask + (<usize>j << 3), f64x2.splat(0.0));
    }
    if (n < me) store<f64>(f64p(mask, n), Infinity);
    let nRows = 0;
    let i = s;
    let mv = 0.0;
    let sink = -1;
    for (;;) {
      store<i32>(i32p(scannedRows, nRows++), i);
      const xi = x + (<usize>(i * d) << 3);
      const j = relax(xi, yt, me, d, mode, p, mv - load<f64>(f64p(u, i)), v, spc, path, mask, <f64>i);
      mv = load<f64>(f64p(spc, j));
      store<f64>(f64p(mask, j), Infinity);
      const owner = load<i32>(i32p(row4col, j));
      if (owner < 0) { sink = j; break; }
      i = owner;
    }
    scanned += nRows;
    // potentials: scanned rows u += mv − d_i, scanned columns v −= mv − spc_j (the sink: 0)
    store<f64>(f64p(u, s), load<f64>(f64p(u, s)) + mv);
    for (let r = 1; r < nRows; r++) {
      const ir = load<i32>(i32p(scannedRows, r));
      const jr = load<i32>(i32p(col4row, ir));
      store<f64>(f64p(u, ir), load<f64>(f64p(u, ir)) + (mv - load<f64>(f64p(spc, jr))));
    }
    for (let r = 1; r < nRows; r++) {
      const jr = load<i32>(i32p(col4row, load<i32>(i32p(scannedRows, r))));
      store<f64>(f64p(v, jr), load<f64>(f64p(v, jr)) - (mv - load<f64>(f64p(spc, jr))));
    }
    // augment along path: sink ← … ← s
    let jj = sink;
    for (;;) {
      const ii = <i32>load<f64>(f64p(path, jj));
      store<i32>(i32p(row4col, jj), ii);
      const nxt = load<i32>(i32p(col4row, ii));
      store<i32>(i32p(col4row, ii), jj);
      if (ii == s) break;
      jj = nxt;
    }
  }
  store<f64>(info, <f64>bids);
  store<f64>(info + 8, <f64>phases);
  store<f64>(info + 16, <f64>nFree);
  store<f64>(info + 24, <f64>scanned);
  return 0;
}

/** Certificate on the fly: out[0] = max_ij (u_i + v_j − C(i, j)) (≤ 0 when dual feasible),
 *  out[1] = max_ij C(i, j). x: n × d, y: m × d; scratch: auctionScratchBytes(m, d) or more. */
export function auctionDualViolation(x: usize, n: i32, y: usize, m: i32, d: i32, p: f64, u: usize, v: usize, scratch: usize, out: usize): void {
  const me = (m + 1) & ~1;
  checkRange(x, <usize>(n * d) << 3);
  checkRange(y, <usize>(m * d) << 3);
  checkRange(u, <usize>n << 3);
  checkRange(v, <usize>me << 3);
  checkRange(scratch, <usize>(d * me) << 3);
  checkRange(out, 16);
  const mode = costMode(p);
  const yt = scratch;
  for (let k = 0; k < d; k++) {
    for (let j = 0; j < me; j++) store<f64>(f64p(yt, k * me + j), j < m ? load<f64>(f64p(y, j * d + k)) : 0.0);
  }
  let worst = f64x2.splat(-Infinity), cmax = f64x2.splat(-Infinity);
  let worstS = -Infinity, cmaxS = -Infinity;
  for (let i = 0; i < n; i++) {
    const xi = x + (<usize>(i * d) << 3);
    const ui = load<f64>(f64p(u, i));
    const us = f64x2.splat(ui);
      let j = 0;
    for (; j + 2 <= m; j += 2) {
      const c = costPair(xi, yt, me, j, d, mode, p);
      worst = f64x2.max(worst, f64x2.sub(f64x2.add(us, v128.load(v + (<usize>j << 3))), c));
      cmax = f64x2.max(cmax, c);
    }
    for (; j < m; j++) {
      const c = cost1(xi, yt, me, j, d, mode, p);
      worstS = max(worstS, (ui + load<f64>(f64p(v, j))) - c);
      cmaxS = max(cmaxS, c);
    }
  }
  store<f64>(out, max(worstS, max(f64x2.extract_lane(worst, 0), f64x2.extract_lane(worst, 1))));
  store<f64>(out + 8, max(cmaxS, max(f64x2.extract_lane(cmax, 0), f64x2.extract_lane(cmax, 1))));
}
