/**
 * Pure-TypeScript twin of assembly/network_simplex.ts: the transportation problem
 *
 *   min_P ⟨P, C⟩  s.t.  P ≥ 0,  P 1 = a,  Pᵀ 1 = b          (C: n × m row-major, Σa = Σb)
 *
 * by the primal network simplex (Dantzig; spanning-tree form of Cunningham 1976, block-search
 * pricing of Kelly & O'Neill 1991 as used by LEMON and POT's `emd`).
 *
 * Network: rows 0..n−1 (supply a_i), columns n..n+m−1 (demand b_j), real arcs i → n+j of
 * cost C_ij, and a root R = n + me (me = m rounded up to even; node n+m is SIMD padding when
 * m is odd) with artificial arcs i → R and R → n+j of cost A = max C (A = 1 if C ≡ 0): any
 * unit sent i → R → j costs 2A > C_ij, so no optimal flow uses them. The start is the star
 * tree (all artificial arcs, flows a_i and b_j) — a strongly feasible basis.
 *
 * Basis tree: parent, the arc to the parent (real arc id i·m + j, −1 artificial), whether that
 * arc points up (node → parent), its flow, and child lists (first child / next / previous
 * sibling). Node potentials π with π_target = π_source + cost on tree arcs, π_R = 0; the
 * reduced cost of a real arc is (C_ij + π_i) − π_{n+j}; u_i = −π_i, v_j = π_{n+j}.
 *
 * Pivot: block search over whole rows (⌈√(n·m) / m⌉ rows a block, cyclic from where the last
 * search stopped) takes the most negative reduced cost in the first block that has one below
 * −tolR·A (first index on ties; tolR ≈ 1e-14 keeps rounding of tree arcs' zero reduced cost
 * from entering). The cycle closes through the join (first common ancestor,
 * found by stamping the path of i). Leaving arc (Cunningham's rule, keeps the tree strongly
 * feasible so degenerate pivots cannot cycle): the last blocking arc met when walking the
 * cycle in the direction of flow starting at the join — on the column side the one nearest
 * the join, else on the row side the one nearest i. The cut-off subtree is re-hung from the
 * entering arc (parent pointers reversed along the path) and its potentials shift by ±the
 * reduced cost.
 *
 * Returns status 0 (optimal: no reduced cost below −tolR·A), 3 (the pivot count reached
 * maxPivots), the tree arrays (parent, arc, flow) for the caller to read the plan and recompute
 * the potentials exactly, and the pivot count. Passing the returned tree back as `resume`
 * continues the same solve (chunked solves that check an AbortSignal between calls).
 */
export interface NsTree {
  parent: Int32Array;
  arc: Int32Array;
  up: Uint8Array;
  flow: Float64Array;
  pi: Float64Array;
  status: number;
  pivots: number;
  art: number;
  /** Resumable state: child lists, stamps, the block search's next row, the stamp counter. */
  first: Int32Array;
  next: Int32Array;
  prev: Int32Array;
  stamp: Int32Array;
  nextRow: number;
  stampNo: number;
}

export function nsSolveJS(C: Float64Array, n: number, m: number, a: Float64Array, b: Float64Array, tolR: number, maxPivots: number, resume?: NsTree): NsTree {
  const me = (m + 1) & ~1;
  const R = n + me, N = R + 1;
  let A = 1;
  let parent: Int32Array, arc: Int32Array, up: Uint8Array, flow: Float64Array, pi: Float64Array;
  let first: Int32Array, next: Int32Array, prev: Int32Array, stamp: Int32Array;
  let nextRow = 0, pivots = 0, st = 0, status = 0;
  if (resume) {
    ({ parent, arc, up, flow, pi, first, next, prev, stamp, nextRow, pivots, stampNo: st, art: A } = resume);
  } else {
    let cmax = 0;
    for (let k = 0; k < n * m; k++) if (C[k] > cmax) cmax = C[k];
    A = cmax > 0 ? cmax : 1;
    parent = new Int32Array(N); arc = new Int32Array(N); up = new Uint8Array(N); flow = new Float64Array(N); pi = new Float64Array(N);
    first = new Int32Array(N).fill(-1); next = new Int32Array(N).fill(-1); prev = new Int32Array(N).fill(-1); stamp = new Int32Array(N);
  }
  const attach = (w: number, p: number): void => {
    const f = first[p];
    next[w] = f;
    prev[w] = -1;
    if (f >= 0) prev[f] = w;
    first[p] = w;
  };
  const detach = (w: number, p: number): void => {
    if (prev[w] >= 0) next[prev[w]] = next[w];
    else first[p] = next[w];
    if (next[w] >= 0) prev[next[w]] = prev[w];
  };
  if (!resume) {
    parent[R] = -1;
    for (let w = 0; w < N - 1; w++) {
      if (w >= n + m) { // SIMD pad column: outside the tree, never priced
        parent[w] = -1;
        pi[w] = -Infinity;
        continue;
      }
      parent[w] = R;
      arc[w] = -1;
      if (w < n) { up[w] = 1; flow[w] = a[w]; pi[w] = -A; }
      else { up[w] = 0; flow[w] = b[w - n]; pi[w] = A; }
    }
    for (let w = n + m - 1; w >= 0; w--) attach(w, R);
  }
  const rowsPerBlock = Math.max(1, Math.ceil(Math.sqrt(n * m) / m));
  for (;;) {
    // block search
    let best = -tolR * A, bi = -1, bj = -1, scanned = 0, row = nextRow;
    while (scanned < n) {
      const end = Math.min(scanned + rowsPerBlock, n);
      for (; scanned < end; scanned++) {
        const pr = pi[row], base = row * m;
        for (let j = 0; j < m; j++) {
          const r = (C[base + j] + pr) - pi[n + j];
          if (r < best) { best = r; bi = row; bj = j; }
        }
        row = row + 1 === n ? 0 : row + 1;
      }
      if (bi >= 0) break;
    }
    if (bi < 0) break;
    if (pivots >= maxPivots) { status = 3; break; }
    nextRow = row;
    pivots++;
    const s = bi, t = n + bj, k = bi * m + bj;
    // join
    st++;
    for (let w = s; w >= 0; w = parent[w]) stamp[w] = st;
    let join = t;
    while (stamp[join] !== st) join = parent[join];
    // leaving arc
    let delta = Infinity, out = -1, side = 0;
    for (let w = s; w !== join; w = parent[w]) if (up[w] && flow[w] < delta) { delta = flow[w]; out = w; side = 0; }
    for (let w = t; w !== join; w = parent[w]) if (!up[w] && flow[w] <= delta) { delta = flow[w]; out = w; side = 1; }
    if (delta > 0) {
      for (let w = s; w !== join; w = parent[w]) flow[w] = up[w] ? flow[w] - delta : flow[w] + delta;
      for (let w = t; w !== join; w = parent[w]) flow[w] = up[w] ? flow[w] + delta : flow[w] - delta;
    }
    // re-hang the cut subtree from the entering arc
    const aNode = side === 0 ? s : t;
    let w = aNode, np = side === 0 ? t : s, na = k, nu = side === 0 ? 1 : 0, nf = delta;
    for (;;) {
      const op = parent[w], oa = arc[w], ou = up[w], oldF = flow[w];
      detach(w, op);
      parent[w] = np; arc[w] = na; up[w] = nu; flow[w] = nf;
      attach(w, np);
      if (w === out) break;
      np = w; na = oa; nu = ou ? 0 : 1; nf = oldF; w = op;
    }
    // shift the potentials of the subtree now hanging from aNode
    const sigma = side === 0 ? -best : best;
    let x = aNode;
    for (;;) {
      pi[x] += sigma;
      if (first[x] >= 0) { x = first[x]; continue; }
      while (x !== aNode && next[x] < 0) x = parent[x];
      if (x === aNode) break;
      x = next[x];
    }
  }
  return { parent, arc, up, flow, pi, status, pivots, art: A, first, next, prev, stamp, nextRow, stampNo: st };
}

export interface NsPlan {
  rows: Int32Array;
  cols: Int32Array;
  mass: Float64Array;
  /** u_i = −piRow[i] */
  piRow: Float64Array;
  /** v_j = piCol[j] */
  piCol: Float64Array;
}

/**
 * Reads the plan (real tree arcs with positive flow) off an optimal basis tree and recomputes
 * the potentials from the tree's arc costs, so they carry no rounding from the pivots' shifts:
 * within each subtree of the root (joined to it by an artificial arc of flow ≈ 0) π is summed
 * from the subtree's top (π = 0 there); the subtrees' offsets o_K then solve the difference
 * constraints o_K(j) − o_K(i) ≤ C_ij + l_i − l_j (dual feasibility across subtrees) by
 * Bellman–Ford from o = 0 — feasible because the simplex's own potentials satisfy them. Each
 * subtree is balanced (its artificial arc carries no flow), so the offsets leave
 * Σ a u + Σ b v unchanged. Shared by both backends (the WASM path passes a view of C).
 */
export function nsPlanFromTree(C: ArrayLike<number>, n: number, m: number, parent: Int32Array, arc: Int32Array, up: Uint8Array, flow: ArrayLike<number>, tol: number): NsPlan {
  const me = (m + 1) & ~1;
  const R = n + me, N = R + 1;
  const rows: number[] = [], cols: number[] = [], mass: number[] = [];
  for (let w = 0; w < N - 1; w++) {
    const k = arc[w];
    if (w >= n + m || k < 0 || !(flow[w] > tol)) continue;
    rows.push(Math.floor(k / m));
    cols.push(k % m);
    mass.push(flow[w]);
  }
  // children lists, then preorder from the root
  const first = new Int32Array(N).fill(-1), next = new Int32Array(N).fill(-1);
  for (let w = n + m - 1; w >= 0; w--) {
    const p = parent[w];
    next[w] = first[p];
    first[p] = w;
  }
  const l = new Float64Array(N), comp = new Int32Array(N).fill(-1);
  let K = 0;
  const stack: number[] = [];
  for (let c = first[R]; c >= 0; c = next[c]) {
    l[c] = 0;
    comp[c] = K;
    stack.push(c);
    while (stack.length) {
      const x = stack.pop()!;
      for (let y = first[x]; y >= 0; y = next[y]) {
        const cost = C[arc[y]];
        l[y] = up[y] ? l[x] - cost : l[x] + cost;
        comp[y] = K;
        stack.push(y);
      }
    }
    K++;
  }
  const o = new Float64Array(K);
  if (K > 1) {
    for (let pass = 0; pass <= K; pass++) {
      let changed = false;
      for (let i = 0; i < n; i++) {
        const ci = comp[i], li = l[i];
        for (let j = 0; j < m; j++) {
          const cj = comp[n + j];
          if (cj === ci) continue;
          const cand = o[ci] + ((C[i * m + j] + li) - l[n + j]);
          if (cand < o[cj]) {
            o[cj] = cand;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
  }
  const piRow = new Float64Array(n), piCol = new Float64Array(m);
  for (let i = 0; i < n; i++) piRow[i] = o[comp[i]] + l[i];
  for (let j = 0; j < m; j++) piCol[j] = o[comp[n + j]] + l[n + j];
  return { rows: Int32Array.from(rows), cols: Int32Array.from(cols), mass: Float64Array.from(mass), piRow, piCol };
}
