/**
 * Pricing for the column generation of (PR_ε) (survey arXiv 2510.03303, §2.4; Liu & Zuazua,
 * arXiv 2412.01619): given the row duals λ of the current LP, find the neuron z = (a, b) on the
 * unit sphere of R^{d+1} maximising
 *
 *   |g(z)|,   g(z) = Σ_i λ_i relu(⟨z, x̂_i⟩),   x̂_i = (x_i, 1).
 *
 * g is positively homogeneous and linear on every cone of the central arrangement of the N
 * hyperplanes ⟨z, x̂_i⟩ = 0 (on the face with positive set S it equals ⟨v_S, z⟩, v_S = Σ_{i∈S} λ_i x̂_i).
 * The exact method (docs/algorithms/shallow.md, "Exact pricing") enumerates a finite candidate set
 * that contains a maximiser of |g| on the sphere:
 *   - restrict to V = span{x̂_i} (g(z) = g(P_V z)), of dimension D';
 *   - every face of dimension ≥ 2 of the (essential) arrangement has a 2-face (an arc of a great
 *     circle L = ∩_{i∈I} H_i, |I| = D' − 2) in its closure;
 *   - sweep every such circle: on each arc g = ⟨v_S, z⟩ exactly, so the arc's endpoints
 *     (vertices) and its interior stationary points ±P_L v_S/‖P_L v_S‖ are candidates; every face F
 *     adjacent to the arc (a sign pattern on the hyperplanes J ⊇ I containing L) contributes its
 *     stationary points ±P_{flat F} v_F/‖·‖, which are evaluated directly (they count only if they
 *     lie in F, and a direct evaluation of g is a valid value wherever they land).
 * Cost: C(N, D'−2) circles × O(N log N) sweep + pruned O(N) evaluations — exact for d ≤ 3
 * (d = 3 is O(N³ log N)); in higher d, `priceLocalSearch` (multi-start fixed-point ascent).
 */
import type { Rng } from '../rng.js';

export interface PricingResult {
  /** max |g| found (on the sphere). */
  value: number;
  /** Its argument, a unit vector of R^D. */
  z: Float64Array;
  /** Up to `keep` distinct unit vectors with |g| above the threshold, best first (R^D). */
  columns: Float64Array[];
  /** True when `value` is the maximum over the whole sphere (exact method, not truncated). */
  exact: boolean;
  /** Number of direct evaluations of g (O(N·D) each). */
  evaluations: number;
  /** Why the method is not exact, when it is not. */
  note?: string;
}

/** g(z) = Σ λ_i relu(⟨z, x̂_i⟩), with x̂ row-major N × D. */
export function pricingObjective(xh: Float64Array, N: number, D: number, lam: Float64Array, z: ArrayLike<number>): number {
  let g = 0;
  for (let i = 0; i < N; i++) {
    let s = 0;
    const o = i * D;
    for (let k = 0; k < D; k++) s += xh[o + k] * z[k];
    if (s > 0) g += lam[i] * s;
  }
  return g;
}

/** Orthonormal basis (rows, D' × D) of span of the rows of xh, by Gram–Schmidt with pivoting. */
export function rowSpace(xh: Float64Array, N: number, D: number): Float64Array[] {
  const basis: Float64Array[] = [];
  const res: Float64Array[] = [];
  let scale = 0;
  for (let i = 0; i < N; i++) {
    const r = Float64Array.from(xh.subarray(i * D, (i + 1) * D));
    res.push(r);
    scale = Math.max(scale, norm(r));
  }
  const tol = 1e-10 * Math.max(scale, 1e-300);
  while (basis.length < D) {
    let best = -1, bn = tol;
    for (let i = 0; i < N; i++) {
      const n = norm(res[i]);
      if (n > bn) { bn = n; best = i; }
    }
    if (best < 0) break;
    const q = res[best].map((t) => t / bn);
    // re-orthogonalise for accuracy
    for (const b of basis) axpy(q, b, -dot(q, b));
    const qn = norm(q);
    for (let k = 0; k < D; k++) q[k] /= qn;
    basis.push(q);
    for (let i = 0; i < N; i++) axpy(res[i], q, -dot(res[i], q));
  }
  return basis;
}

interface Keeper {
  threshold: number;
  keep: number;
  vals: number[];
  zs: Float64Array[];
  best: number;
  bestZ: Float64Array | null;
  evaluations: number;
}

function newKeeper(threshold: number, keep: number): Keeper {
  return { threshold, keep, vals: [], zs: [], best: -1, bestZ: null, evaluations: 0 };
}

/** The value a candidate must beat to matter: the best so far, or the K-th best if above threshold. */
function bar(k: Keeper): number {
  const kth = k.vals.length >= k.keep ? k.vals[k.vals.length - 1] : k.threshold;
  return Math.min(k.best, Math.max(k.threshold, kth));
}

function offer(k: Keeper, val: number, z: Float64Array): void {
  if (val > k.best) { k.best = val; k.bestZ = z; }
  if (val <= k.threshold) return;
  if (k.vals.length >= k.keep && val <= k.vals[k.vals.length - 1]) return;
  for (let t = 0; t < k.zs.length; t++) {
    let d2 = 0;
    for (let c = 0; c < z.length; c++) d2 += (z[c] - k.zs[t][c]) ** 2;
    if (d2 < 1e-14) {
      if (val > k.vals[t]) { k.vals.splice(t, 1); k.zs.splice(t, 1); break; }
      return;
    }
  }
  let pos = k.vals.length;
  while (pos > 0 && k.vals[pos - 1] < val) pos--;
  k.vals.splice(pos, 0, val);
  k.zs.splice(pos, 0, z);
  if (k.vals.length > k.keep) { k.vals.pop(); k.zs.pop(); }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}
function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}
function axpy(y: Float64Array, x: ArrayLike<number>, s: number): void {
  for (let k = 0; k < y.length; k++) y[k] += s * x[k];
}

/** Orthonormal basis of the orthogonal complement of span(vs) in R^n (vs must be independent to be counted). */
function complement(vs: Float64Array[], n: number): { inSpan: Float64Array[]; comp: Float64Array[] } {
  const inSpan: Float64Array[] = [];
  for (const v of vs) {
    const q = Float64Array.from(v);
    for (let r = 0; r < 2; r++) for (const b of inSpan) axpy(q, b, -dot(q, b));
    const qn = norm(q);
    if (qn > 1e-9 * Math.max(norm(v), 1e-300)) {
      for (let k = 0; k < n; k++) q[k] /= qn;
      inSpan.push(q);
    }
  }
  const comp: Float64Array[] = [];
  for (let e = 0; e < n && inSpan.length + comp.length < n; e++) {
    const q = new Float64Array(n);
    q[e] = 1;
    for (let r = 0; r < 2; r++) for (const b of [...inSpan, ...comp]) axpy(q, b, -dot(q, b));
    const qn = norm(q);
    if (qn > 1e-6) {
      for (let k = 0; k < n; k++) q[k] /= qn;
      comp.push(q);
    }
  }
  return { inSpan, comp };
}

/** Largest |J| (hyperplanes through one circle) whose 3^|J| face patterns are enumerated. */
const MAX_DEGENERATE = 9;

/**
 * Exact pricing (see the module comment). `threshold`: columns are collected only above it;
 * `keep`: how many. `maxCircles` bounds the work (CapacityError is the caller's business).
 */
export function priceExact(xh: Float64Array, N: number, D: number, lam: Float64Array, threshold: number, keep: number): PricingResult {
  const Q = rowSpace(xh, N, D);
  const Dp = Q.length;
  // coordinates in V
  const xt = new Float64Array(N * Dp);
  for (let i = 0; i < N; i++) for (let c = 0; c < Dp; c++) xt[i * Dp + c] = dot(Q[c], xh.subarray(i * D, (i + 1) * D));
  const K = newKeeper(threshold, keep);
  let exact = true;
  let note: string | undefined;
  const gV = (u: Float64Array): number => {
    K.evaluations++;
    return pricingObjective(xt, N, Dp, lam, u);
  };
  const tryPoint = (u: Float64Array): void => {
    const g = gV(u);
    offer(K, Math.abs(g), u);
  };
  if (Dp === 1) {
    const u = new Float64Array([1]);
    tryPoint(u);
    tryPoint(new Float64Array([-1]));
  } else {
    const rowsT: Float64Array[] = [];
    for (let i = 0; i < N; i++) rowsT.push(xt.subarray(i * Dp, (i + 1) * Dp));
    const m = Dp - 2;
    const idx = new Int32Array(m);
    for (let t = 0; t < m; t++) idx[t] = t;
    const ang = new Float64Array(2 * N), ca = new Float64Array(N), cb = new Float64Array(N);
    const order = new Int32Array(2 * N);
    const who = new Int32Array(2 * N);
    const inS = new Uint8Array(N);
    const inJ = new Uint8Array(N);
    const v = new Float64Array(Dp);
    const rn = new Float64Array(N);
    for (let j = 0; j < N; j++) rn[j] = norm(rowsT[j]);
    for (;;) {
      // circle L = ∩_{i ∈ idx} H_i
      const { inSpan, comp } = complement(Array.from(idx, (i) => rowsT[i]), Dp);
      if (inSpan.length === m && comp.length === 2) {
        const e1 = comp[0], e2 = comp[1];
        const J: number[] = [];
        let ne = 0;
        for (let j = 0; j < N; j++) {
          const a = dot(rowsT[j], e1), b = dot(rowsT[j], e2);
          const nj = norm(rowsT[j]);
          if (Math.abs(a) <= 1e-11 * nj && Math.abs(b) <= 1e-11 * nj) {
            inJ[j] = 1;
            J.push(j);
            continue;
          }
          inJ[j] = 0;
          ca[j] = a; cb[j] = b;
          const phi = Math.atan2(b, a);
          ang[ne] = wrap(phi - Math.PI / 2); who[ne] = j + 1; ne++;
          ang[ne] = wrap(phi + Math.PI / 2); who[ne] = -(j + 1); ne++;
        }
        if (J.length > MAX_DEGENERATE) {
          exact = false;
          note = `a circle of the arrangement lies on ${J.length} > ${MAX_DEGENERATE} hyperplanes (degenerate data); its adjacent faces were not all enumerated`;
        }
        sweepCircle(ne, e1, e2, J.length <= MAX_DEGENERATE ? J : J.slice(0, MAX_DEGENERATE));
      }
      // next subset
      let t = m - 1;
      while (t >= 0 && idx[t] === N - m + t) t--;
      if (t < 0) break;
      idx[t]++;
      for (let s = t + 1; s < m; s++) idx[s] = idx[s - 1] + 1;
    }

    function sweepCircle(ne: number, e1: Float64Array, e2: Float64Array, J: number[]): void {
      const zAt = (th: number): Float64Array => {
        const c = Math.cos(th), s = Math.sin(th);
        const z = new Float64Array(Dp);
        for (let k = 0; k < Dp; k++) z[k] = c * e1[k] + s * e2[k];
        return z;
      };
      // face data for patterns over J: for each zero-set J0 ⊆ J, a basis of x̂_{J0}^⊥
      const nJ = J.length;
      const comps: Float64Array[][] = [];
      for (let mask = 0; mask < 1 << nJ; mask++) {
        const vs: Float64Array[] = [];
        for (let t = 0; t < nJ; t++) if (mask & (1 << t)) vs.push(rowsT[J[t]]);
        comps.push(complement(vs, Dp).comp);
      }
      const ord = order.subarray(0, ne);
      for (let k = 0; k < ne; k++) ord[k] = k;
      ord.sort((p, q) => ang[p] - ang[q]);
      inS.fill(0);
      v.fill(0);
      if (ne === 0) return;
      const last = ang[ord[ne - 1]], first = ang[ord[0]] + 2 * Math.PI;
      const mid = (last + first) / 2;
      const cm = Math.cos(mid), sm = Math.sin(mid);
      for (let j = 0; j < N; j++) {
        if (inJ[j]) continue;
        if (ca[j] * cm + cb[j] * sm > 0) {
          inS[j] = 1;
          axpy(v, rowsT[j], lam[j]);
        }
      }
      const w = new Float64Array(Dp);
      const pw = new Float64Array(Dp);
      for (let kk = 0; kk < ne; kk++) {
        const ev = ord[kk];
        const j = Math.abs(who[ev]) - 1;
        if (who[ev] > 0 && !inS[j]) { inS[j] = 1; axpy(v, rowsT[j], lam[j]); }
        else if (who[ev] < 0 && inS[j]) { inS[j] = 0; axpy(v, rowsT[j], -lam[j]); }
        const ta = ang[ev];
        const tb = kk + 1 < ne ? ang[ord[kk + 1]] : ang[ord[0]] + 2 * Math.PI;
        const A = dot(v, e1), B = dot(v, e2);
        // vertex
        const gv = A * Math.cos(ta) + B * Math.sin(ta);
        if (Math.abs(gv) > bar(K)) offer(K, Math.abs(gv), zAt(ta));
        // arc interior stationary points
        const R = Math.hypot(A, B);
        if (tb > ta && R > bar(K)) {
          const psi = Math.atan2(B, A);
          for (const p of [psi, psi + Math.PI]) {
            let q = p;
            while (q < ta) q += 2 * Math.PI;
            while (q >= ta + 2 * Math.PI) q -= 2 * Math.PI;
            if (q > ta && q < tb) offer(K, R, zAt(q));
          }
        }
        // faces adjacent to the arc: sign patterns on J (−, 0, +), not all 0
        if (nJ === 0 || !(tb > ta)) continue;
        const total = 3 ** nJ;
        for (let code = 1; code < total; code++) {
          let c = code, zeroMask = 0;
          w.set(v);
          for (let t = 0; t < nJ; t++) {
            const s = c % 3;
            c = (c - s) / 3;
            if (s === 0) zeroMask |= 1 << t; // 0 → on the hyperplane
            else if (s === 2) axpy(w, rowsT[J[t]], lam[J[t]]); // + side
          }
          if (zeroMask === (1 << nJ) - 1) continue;
          const basis = comps[zeroMask];
          // P w in the flat
          pw.fill(0);
          for (let t = 0; t < basis.length; t++) axpy(pw, basis[t], dot(w, basis[t]));
          const pn = norm(pw);
          if (!(pn > bar(K))) continue;
          for (let k = 0; k < Dp; k++) pw[k] /= pn;
          // the stationary points ±pw count only inside their face: check the signs off J
          // (early exit; members are rare), then evaluate g directly
          for (let sgi = 0; sgi < 2; sgi++) {
            const sg = sgi === 0 ? 1 : -1;
            let member = true;
            for (let j = 0; j < N && member; j++) {
              if (inJ[j]) continue;
              const o = j * Dp;
              let s = 0;
              for (let k = 0; k < Dp; k++) s += xt[o + k] * pw[k];
              s *= sg;
              const tolj = 1e-12 * rn[j];
              if (inS[j] ? s < -tolj : s > tolj) member = false;
            }
            if (!member) continue;
            const u = pw.map((t) => sg * t);
            tryPoint(u);
          }
        }
      }
    }
  }
  return finish(K, Q, D, exact, note);
}

function wrap(t: number): number {
  const tp = 2 * Math.PI;
  let r = t % tp;
  if (r < 0) r += tp;
  return r;
}

function finish(K: Keeper, Q: Float64Array[], D: number, exact: boolean, note: string | undefined): PricingResult {
  const lift = (u: Float64Array): Float64Array => {
    const z = new Float64Array(D);
    for (let c = 0; c < Q.length; c++) axpy(z, Q[c], u[c]);
    const n = norm(z);
    for (let k = 0; k < D; k++) z[k] /= n;
    return z;
  };
  const z = K.bestZ ? lift(K.bestZ) : new Float64Array(D);
  if (!K.bestZ) z[D - 1] = 1;
  return { value: Math.max(K.best, 0), z, columns: K.zs.map(lift), exact, evaluations: K.evaluations, ...(note ? { note } : {}) };
}

/**
 * Heuristic pricing (any d): multi-start fixed-point ascent z ← ±v_{S(z)}/‖v_{S(z)}‖ (the
 * maximiser of the linear form of the current cell), from `starts` random unit vectors plus the
 * given warm starts. Certifies only the points it visited.
 */
export function priceLocalSearch(
  xh: Float64Array, N: number, D: number, lam: Float64Array, threshold: number, keep: number,
  rng: Rng, starts: number, warm: Float64Array[] = [], maxSteps = 30,
): PricingResult {
  const Q = rowSpace(xh, N, D);
  const Dp = Q.length;
  const xt = new Float64Array(N * Dp);
  for (let i = 0; i < N; i++) for (let c = 0; c < Dp; c++) xt[i * Dp + c] = dot(Q[c], xh.subarray(i * D, (i + 1) * D));
  const K = newKeeper(threshold, keep);
  const v = new Float64Array(Dp);
  const initial: Float64Array[] = [];
  for (const w of warm) {
    const u = new Float64Array(Dp);
    for (let c = 0; c < Dp; c++) u[c] = dot(Q[c], w);
    if (norm(u) > 0) initial.push(u.map((t) => t / norm(u)));
  }
  // data-informed starts: the hyperplane through the origin's normal along each x̂ (one cell edge)
  for (let s = 0; s < starts; s++) {
    const u = new Float64Array(Dp);
    for (let c = 0; c < Dp; c++) u[c] = rng.normal();
    const n = norm(u);
    initial.push(u.map((t) => t / n));
  }
  for (const u0 of initial) {
    for (const sign of [1, -1]) {
      let u = Float64Array.from(u0);
      let prev = NaN;
      for (let step = 0; step < maxSteps; step++) {
        v.fill(0);
        let g = 0;
        for (let i = 0; i < N; i++) {
          let s = 0;
          const o = i * Dp;
          for (let k = 0; k < Dp; k++) s += xt[o + k] * u[k];
          if (s > 0) {
            g += lam[i] * s;
            for (let k = 0; k < Dp; k++) v[k] += lam[i] * xt[o + k];
          }
        }
        K.evaluations++;
        offer(K, Math.abs(g), u);
        if (g === prev) break;
        prev = g;
        const vn = norm(v);
        if (vn === 0) break;
        u = v.map((t) => (sign * t) / vn);
      }
    }
  }
  return finish(K, Q, D, false, 'heuristic pricing (multi-start local search): the dual bound is certified only on the points searched');
}
