// Transportation-problem network simplex  min ⟨P, C⟩ s.t. P ≥ 0, P1 = a, Pᵀ1 = b  (C: n × m
// row-major, Σa = Σb): spanning-tree primal simplex with Cunningham's strongly feasible
// leaving rule and block-search pricing (Kelly & O'Neill 1991, as in LEMON / POT's emd).
// Algorithm, invariants and the order of every step: see the twin src/kernels/network_simplex.ts.
//
// Nodes: rows 0..n−1, columns n..n+m−1, the SIMD pad column n+m when m is odd (potential
// −Inf: never priced, never in the tree), root R = n + me (me = m rounded up to even).
// Pricing: one f64x2 pass per row, red_j = (C_ij + π_i) − π_{n+j}, first least index.
//
// Memory (all from the TypeScript arena), N = n + me + 1:
//   C        n·m + 2 f64 (two padding entries for the last v128 load)
//   a, b     n, m f64 — supplies / demands
//   parent, arc, up  N i32 each; flow, pi  N f64 — the basis tree (output)
//   scratch  nsScratchBytes(n, m): first child, next / previous sibling, stamp (N i32 each)
//   info     4 f64 in/out: [pivots, artificial cost A, next row of the block search, stamp counter]
// Returns 0 at optimality, 3 when the pivot count reached maxPivots without reaching it. With
// resume ≠ 0 the call continues from the tree, scratch and info of the previous call (the
// caller raises maxPivots and calls again: chunked solves that can check an AbortSignal).
import { checkRange } from './lib/memory';
import { lanesArgmin } from './lib/argmin';

export function nsScratchBytes(n: i32, m: i32): i32 {
  const N = n + ((m + 1) & ~1) + 1;
  return 4 * N * 4 + 16;
}

// @ts-ignore: decorator
@inline function f64p(base: usize, i: i32): usize { return base + (<usize>i << 3); }
// @ts-ignore: decorator
@inline function i32p(base: usize, i: i32): usize { return base + (<usize>i << 2); }
// @ts-ignore: decorator
@inline function ld(base: usize, i: i32): i32 { return load<i32>(i32p(base, i)); }
// @ts-ignore: decorator
@inline function st(base: usize, i: i32, v: i32): void { store<i32>(i32p(base, i), v); }

// @ts-ignore: decorator
@inline
function attach(first: usize, next: usize, prev: usize, w: i32, p: i32): void {
  const f = ld(first, p);
  st(next, w, f);
  st(prev, w, -1);
  if (f >= 0) st(prev, f, w);
  st(first, p, w);
}

// @ts-ignore: decorator
@inline
function detach(first: usize, next: usize, prev: usize, w: i32, p: i32): void {
  const pw = ld(prev, w), nw = ld(next, w);
  if (pw >= 0) st(next, pw, nw);
  else st(first, p, nw);
  if (nw >= 0) st(prev, nw, pw);
}

export function nsSolve(
  C: usize, n: i32, m: i32, a: usize, b: usize, tolR: f64, maxPivots: f64, resume: i32,
  parent: usize, arc: usize, up: usize, flow: usize, pi: usize,
  scratch: usize, info: usize,
): i32 {
  const me = (m + 1) & ~1;
  const R = n + me, N = R + 1;
  checkRange(C, (<usize>n * <usize>m + 2) << 3);
  checkRange(a, <usize>n << 3);
  checkRange(b, <usize>m << 3);
  checkRange(parent, <usize>N << 2);
  checkRange(arc, <usize>N << 2);
  checkRange(up, <usize>N << 2);
  checkRange(flow, <usize>N << 3);
  checkRange(pi, <usize>N << 3);
  checkRange(scratch, <usize>nsScratchBytes(n, m));
  checkRange(info, 32);
  const first = scratch;
  const next = first + (<usize>N << 2);
  const prev = next + (<usize>N << 2);
  const stamp = prev + (<usize>N << 2);
  const nm = n * m;
  let A: f64 = 1.0;
  const rowsPerBlock = max(1, <i32>Math.ceil(Math.sqrt(<f64>n * <f64>m) / <f64>m));
  const piCol = pi + (<usize>n << 3);
  let nextRow = 0, stampNo = 0, status = 0;
  let pivots: f64 = 0.0;
  if (resume != 0) {
    pivots = load<f64>(f64p(info, 0));
    A = load<f64>(f64p(info, 1));
    nextRow = <i32>load<f64>(f64p(info, 2));
    stampNo = <i32>load<f64>(f64p(info, 3));
  } else {
    let cmax: f64 = 0.0;
    for (let k = 0; k < nm; k++) {
      const c = load<f64>(f64p(C, k));
      if (c > cmax) cmax = c;
    }
    A = cmax > 0.0 ? cmax : 1.0;
    for (let w = 0; w < N; w++) {
      st(first, w, -1); st(next, w, -1); st(prev, w, -1); st(stamp, w, 0);
      st(arc, w, -1); st(up, w, 0);
      store<f64>(f64p(flow, w), 0.0);
      store<f64>(f64p(pi, w), 0.0);
    }
    st(parent, R, -1);
    for (let w = 0; w < N - 1; w++) {
      if (w >= n + m) {
        st(parent, w, -1);
        store<f64>(f64p(pi, w), -Infinity);
        continue;
      }
      st(parent, w, R);
      if (w < n) { st(up, w, 1); store<f64>(f64p(flow, w), load<f64>(f64p(a, w))); store<f64>(f64p(pi, w), -A); }
      else { st(up, w, 0); store<f64>(f64p(flow, w), load<f64>(f64p(b, w - n))); store<f64>(f64p(pi, w), A); }
    }
    for (let w = n + m - 1; w >= 0; w--) attach(first, next, prev, w, R);
  }
  for (;;) {
    // block search
    let best = -tolR * A;
    let bi = -1, bj = -1, scanned = 0, row = nextRow;
    while (scanned < n) {
      const end = min(scanned + rowsPerBlock, n);
      for (; scanned < end; scanned++) {
        const base = f64x2.splat(load<f64>(f64p(pi, row)));
        const rp = C + ((<usize>row * <usize>m) << 3);
        let bestV = f64x2.splat(Infinity);
        let bestI = f64x2.splat(-1.0);
        let idx = f64x2(0.0, 1.0);
        const two = f64x2.splat(2.0);
        for (let j = 0; j < me; j += 2) {
          const o = <usize>j << 3;
          const r = f64x2.sub(f64x2.add(v128.load(rp + o), base), v128.load(piCol + o));
          const lt = f64x2.lt(r, bestV);
          bestV = v128.bitselect(r, bestV, lt);
          bestI = v128.bitselect(idx, bestI, lt);
          idx = f64x2.add(idx, two);
        }
        const j0 = lanesArgmin(bestV, bestI);
        if (j0 >= 0) {
          const r0 = (load<f64>(f64p(rp, j0)) + load<f64>(f64p(pi, row))) - load<f64>(f64p(piCol, j0));
          if (r0 < best) { best = r0; bi = row; bj = j0; }
        }
        row = row + 1 == n ? 0 : row + 1;
      }
      if (bi >= 0) break;
    }
    if (bi < 0) break;
    if (pivots >= maxPivots) { status = 3; break; }
    nextRow = row;
    pivots += 1.0;
    const s = bi, t = n + bj, k = bi * m + bj;
    // join: first common ancestor
    stampNo++;
    for (let w = s; w >= 0; w = ld(parent, w)) st(stamp, w, stampNo);
    let join = t;
    while (ld(stamp, join) != stampNo) join = ld(parent, join);
    // leaving arc (strongly feasible rule)
    let delta: f64 = Infinity;
    let out = -1, side = 0;
    for (let w = s; w != join; w = ld(parent, w)) {
      const f = load<f64>(f64p(flow, w));
      if (ld(up, w) != 0 && f < delta) { delta = f; out = w; side = 0; }
    }
    for (let w = t; w != join; w = ld(parent, w)) {
      const f = load<f64>(f64p(flow, w));
      if (ld(up, w) == 0 && f <= delta) { delta = f; out = w; side = 1; }
    }
    if (delta > 0.0) {
      for (let w = s; w != join; w = ld(parent, w)) {
        const f = load<f64>(f64p(flow, w));
        store<f64>(f64p(flow, w), ld(up, w) != 0 ? f - delta : f + delta);
      }
      for (let w = t; w != join; w = ld(parent, w)) {
        const f = load<f64>(f64p(flow, w));
        store<f64>(f64p(flow, w), ld(up, w) != 0 ? f + delta : f - delta);
      }
    }
    // re-hang the cut subtree from the entering arc
    const aNode = side == 0 ? s : t;
    let w = aNode, np = side == 0 ? t : s, na = k, nu = side == 0 ? 1 : 0;
    let nf = delta;
    for (;;) {
      const op = ld(parent, w), oa = ld(arc, w), ou = ld(up, w);
      const oldF = load<f64>(f64p(flow, w));
      detach(first, next, prev, w, op);
      st(parent, w, np); st(arc, w, na); st(up, w, nu); store<f64>(f64p(flow, w), nf);
      attach(first, next, prev, w, np);
      if (w == out) break;
      np = w; na = oa; nu = ou != 0 ? 0 : 1; nf = oldF; w = op;
    }
    // shift the potentials of the subtree now hanging from aNode
    const sigma = side == 0 ? -best : best;
    let x = aNode;
    for (;;) {
      store<f64>(f64p(pi, x), load<f64>(f64p(pi, x)) + sigma);
      if (ld(first, x) >= 0) { x = ld(first, x); continue; }
      while (x != aNode && ld(next, x) < 0) x = ld(parent, x);
      if (x == aNode) break;
      x = ld(next, x);
    }
  }
  store<f64>(f64p(info, 0), pivots);
  store<f64>(f64p(info, 1), A);
  store<f64>(f64p(info, 2), <f64>nextRow);
  store<f64>(f64p(info, 3), <f64>stampNo);
  return status;
}
