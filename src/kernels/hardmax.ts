/**
 * Pure-TypeScript twins of assembly/hardmax.ts: one step of the hardmax dynamics
 * (survey arXiv 2510.03303, eq. 4.1a–b; docs/algorithms/attention.md)
 *   C_i = { l : S_il ≥ m_i − tol·max(1, |m_i|) },  m_i = max_l S_il,
 *   z_i ← z_i + c·(mean_{l∈C_i} z_l − z_i),  c = α/(1+α).
 *
 * Canonical scores (every path, both backends): A = GᵀG with G = L̃ᵀ the transposed Cholesky
 * factor computed once on the TS side (choleskyFactorT); u_a = G z_a (u_ak = Σ_j G_kj z_aj,
 * j ascending, from 0) and
 *   S_il = dot(u_i, u_l),  dot = (Σ_{k even} + Σ_{k odd, k < d−d%2}) + [d odd] last term
 * (the two partial sums are the two lanes of an f64x2 accumulator). The products commute, so
 * S_il = S_li bit for bit, and tokens with bit-identical coordinates have bit-identical scores
 * against everyone: they have the same C_i and stay identical forever (atoms, below).
 * The mean sums the members of C_i in ascending token index, then divides by |C_i|.
 *
 * Two twins:
 *   hardmaxStepJS      token by token, brute force: the reference every fast path must equal.
 *   hardmaxAtomStepJS  the kernel's computation on atoms (groups of bit-identical tokens), brute
 *                      force over atoms; bit-identical to hardmaxStepJS (tests check it).
 */
import { choleskyLower } from '../linalg/cholesky.js';


/** G = L̃ᵀ (row-major d×d, upper triangular) with A = L̃L̃ᵀ up to rounding; A must be SPD. */
export function choleskyFactorT(A: Float64Array, d: number): Float64Array {
  const L = choleskyLower(A, d);
  const G = new Float64Array(d * d);
  for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) G[k * d + j] = L[j * d + k];
  return G;
}

/** w_a = M z_a for a = 0..n−1 (sequential sums over j from 0). Also used by the softmax twin. */
export function computeWJS(z: Float64Array, n: number, d: number, A: Float64Array, w: Float64Array): void {
  for (let a = 0; a < n; a++) {
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s = s + A[k * d + j] * z[a * d + j];
      w[a * d + k] = s;
    }
  }
}

/** dot(w[wo..], z[zo..]) in the kernel's lane order. */
export function dotCanonJS(w: Float64Array, wo: number, z: Float64Array, zo: number, d: number): number {
  let e = 0, o = 0, k = 0;
  for (; k + 1 < d; k += 2) {
    e = e + w[wo + k] * z[zo + k];
    o = o + w[wo + k + 1] * z[zo + k + 1];
  }
  let s = e + o;
  if (d & 1) s = s + w[wo + d - 1] * z[zo + d - 1];
  return s;
}

/** The softmax kernel's canonical score dot(w_min(i,l), z_max(i,l)) (see src/kernels/softmax.ts). */
export function scoreJS(w: Float64Array, z: Float64Array, d: number, i: number, l: number): number {
  const a = Math.min(i, l), b = Math.max(i, l);
  return dotCanonJS(w, a * d, z, b * d, d);
}

export function tieThreshold(m: number, tol: number): number {
  return m - tol * Math.max(1, Math.abs(m));
}

/**
 * Reference step, token by token (brute force), in place on z (n × d); G from choleskyFactorT.
 * first[i] = min C_i, count[i] = |C_i|, leader[i] = 1 when i leads a group (see leaderFlagsJS).
 * With update = false only the sets are computed.
 */
export function hardmaxStepJS(
  z: Float64Array, n: number, d: number, G: Float64Array, c: number, tol: number, update: boolean,
  leader: Int32Array, first: Int32Array, count: Int32Array,
): void {
  const u = new Float64Array(n * d);
  computeWJS(z, n, d, G, u);
  const zn = new Float64Array(n * d);
  const row = new Float64Array(n);
  const sets: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let l = 0; l < n; l++) {
      const s = dotCanonJS(u, i * d, u, l * d, d);
      row[l] = s;
      if (s > m) m = s;
    }
    const thr = tieThreshold(m, tol);
    const mask: number[] = [];
    for (let l = 0; l < n; l++) if (row[l] >= thr) mask.push(l);
    const cnt = mask.length;
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let q = 0; q < cnt; q++) s = s + z[mask[q] * d + k];
      const mean = s / cnt;
      const x = z[i * d + k];
      zn[i * d + k] = x + c * (mean - x);
    }
    first[i] = mask[0];
    count[i] = cnt;
    sets.push(Int32Array.from(mask));
  }
  leaderFlagsJS(sets, leader);
  if (update) z.set(zn);
}

/**
 * Leader groups from the attention sets C_0..C_{n−1} (of tokens or of atoms): flag[i] = 1 when
 * i = min C_i and every l ∈ C_i has C_l = C_i — the group C_i attends to itself and to nothing
 * else, represented by its smallest member. A strict leader (C_i = {i}) is the case |C_i| = 1;
 * tokens that coincide, or sit within the tie tolerance of each other, count as one leader.
 */
export function leaderFlagsJS(sets: Int32Array[], flag: Int32Array): void {
  for (let i = 0; i < sets.length; i++) {
    const C = sets[i];
    let ok = C[0] === i;
    for (let q = 0; ok && q < C.length; q++) {
      const D = sets[C[q]];
      if (D.length !== C.length) ok = false;
      else for (let r = 0; r < C.length; r++) if (D[r] !== C[r]) { ok = false; break; }
    }
    flag[i] = ok ? 1 : 0;
  }
}

/**
 * Atoms: tokens with bit-identical coordinates, simulated once. Atom a (a = 0..m−1, ordered by
 * its smallest token) has mult[a] members perm[off[a]..off[a+1]) in ascending order;
 * atomOf[i] is token i's atom.
 */
export interface AtomLayout {
  /** Number of tokens. */
  readonly n: number;
  m: number;
  mult: Int32Array;
  perm: Int32Array;
  off: Int32Array;
  atomOf: Int32Array;
}

/**
 * Per-step state of the row phase, kept by the caller across the row blocks of one step
 * (twin of the kernel's output arrays): zn (m × d) new atom coordinates, rthr the row
 * thresholds, first/count (token-level min C_i and |C_i|), cntA/firstA (atom-level |C_a|, min C_a).
 */
export interface HardmaxRowState {
  zn: Float64Array;
  rthr: Float64Array;
  first: Int32Array;
  count: Int32Array;
  cntA: Int32Array;
  firstA: Int32Array;
}

export function hardmaxRowState(m: number, d: number): HardmaxRowState {
  return { zn: new Float64Array(m * d), rthr: new Float64Array(m), first: new Int32Array(m), count: new Int32Array(m), cntA: new Int32Array(m), firstA: new Int32Array(m) };
}

/** Brute-force row a over atoms: C_a (ascending atoms) and the threshold. */
function atomRow(u: Float64Array, m: number, d: number, a: number, tol: number, row: Float64Array): { mask: number[]; thr: number } {
  let mx = -Infinity;
  for (let b = 0; b < m; b++) {
    const s = dotCanonJS(u, Math.min(a, b) * d, u, Math.max(a, b) * d, d);
    row[b] = s;
    if (s > mx) mx = s;
  }
  const thr = tieThreshold(mx, tol);
  const mask: number[] = [];
  for (let b = 0; b < m; b++) if (row[b] >= thr) mask.push(b);
  return { mask, thr };
}

/**
 * Twin of the kernel's hardmaxRows (brute force over atoms, any mode): rows [r0, r1) of one
 * step on the atoms za (m × d) into `st`. Bit-identical to hardmaxStepJS on the expanded
 * tokens: the scores of two tokens depend only on their coordinates, and the mean visits the
 * tokens of C_i in ascending index order. Returns the work (score evaluations), or −1 when a
 * row's argmax set is empty (a non-finite score; that row is left unset, like the kernel).
 */
export function hardmaxAtomRowsJS(
  za: Float64Array, d: number, G: Float64Array, c: number, tol: number, atoms: AtomLayout, r0: number, r1: number, st: HardmaxRowState,
): number {
  const { m, perm, off, atomOf } = atoms;
  const u = new Float64Array(m * d);
  computeWJS(za, m, d, G, u);
  const row = new Float64Array(m);
  let bad = false;
  for (let a = r0; a < r1; a++) {
    const { mask, thr } = atomRow(u, m, d, a, tol, row);
    st.rthr[a] = thr;
    if (mask.length === 0) { bad = true; continue; }
    // the tokens of C_i in ascending order, each carrying its atom's coordinates
    const inC = new Uint8Array(m);
    for (const b of mask) inC[b] = 1;
    const seq: number[] = [];
    for (let t = 0; t < atomOf.length; t++) if (inC[atomOf[t]]) seq.push(atomOf[t]);
    const cnt = seq.length;
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let q = 0; q < cnt; q++) s = s + za[seq[q] * d + k];
      const mean = s / cnt;
      const x = za[a * d + k];
      st.zn[a * d + k] = x + c * (mean - x);
    }
    st.first[a] = perm[off[mask[0]]];
    st.count[a] = cnt;
    st.cntA[a] = mask.length;
    st.firstA[a] = mask[0];
  }
  return bad ? -1 : (r1 - r0) * m;
}

/**
 * Twin of the kernel's hardmaxLeaders: leader[a] for rows [r0, r1) from a complete row phase
 * (rthr, cntA, firstA of every atom): a = min C_a and C_b = C_a for every b ∈ C_a (checked as
 * |C_b| = |C_a|, min C_b = a and S_bx ≥ thr_b for every x ∈ C_a). Same flags as leaderFlagsJS.
 */
export function hardmaxAtomLeadersJS(za: Float64Array, m: number, d: number, G: Float64Array, tol: number, r0: number, r1: number, st: HardmaxRowState, leader: Int32Array): void {
  const u = new Float64Array(m * d);
  computeWJS(za, m, d, G, u);
  const row = new Float64Array(m);
  for (let a = r0; a < r1; a++) {
    let flag = 0;
    if (st.firstA[a] === a) {
      const g = st.cntA[a];
      if (g === 1) flag = 1;
      else {
        const { mask } = atomRow(u, m, d, a, tol, row);
        flag = mask.length === g ? 1 : 0;
        for (let q = 0; q < mask.length && flag; q++) {
          const b = mask[q];
          if (b === a) continue;
          if (st.cntA[b] !== g || st.firstA[b] !== a) { flag = 0; break; }
          for (const r of mask) {
            if (!(dotCanonJS(u, Math.min(b, r) * d, u, Math.max(b, r) * d, d) >= st.rthr[b])) { flag = 0; break; }
          }
        }
      }
    }
    leader[a] = flag;
  }
}

/** One whole step on atoms with the twins (rows then leaders); za is updated when `update`. */
export function hardmaxAtomStepJS(
  za: Float64Array, d: number, G: Float64Array, c: number, tol: number, update: boolean, atoms: AtomLayout,
  leader: Int32Array, first: Int32Array, count: Int32Array,
): void {
  const m = atoms.m;
  const st = hardmaxRowState(m, d);
  hardmaxAtomRowsJS(za, d, G, c, tol, atoms, 0, m, st);
  hardmaxAtomLeadersJS(za, m, d, G, tol, 0, m, st, leader);
  first.set(st.first);
  count.set(st.count);
  if (update) za.set(st.zn);
}
