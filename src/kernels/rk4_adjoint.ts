/**
 * Pure-TypeScript twin of assembly/rk4_adjoint.ts (and of the shared tile helpers in
 * assembly/lib/relu_tile.ts, assembly/lib/relu_vjp.ts): the discrete adjoint of one RK4 layer of
 * ẋ = W relu(A x + b), bit-identical to the kernel. It simulates the kernel's tiles of TILE = 8
 * points in structure-of-arrays order (coordinate k of lane t at k·8 + t), the zero-filled lanes
 * past the last point included, so that every lane sum is formed in the kernel's order
 * ((x0 + x2) + (x4 + x6)) + ((x1 + x3) + (x5 + x7)). See docs/algorithms/training.md.
 */
export const TILE = 8;

/** Twin of tileField: f ← W relu(A xs + b) on a tile (neurons inactive on every lane skipped). */
export function tileFieldTS(
  xs: Float64Array, xo: number, f: Float64Array, fo: number, d: number,
  W: Float64Array, A: Float64Array, b: Float64Array, p: number, act: Float64Array, list: Int32Array,
): void {
  let m = 0;
  for (let i = 0; i < p; i++) {
    const r = m * TILE;
    let any = false;
    for (let t = 0; t < TILE; t++) {
      let s = b[i];
      for (let k = 0; k < d; k++) s = s + A[i * d + k] * xs[xo + k * TILE + t];
      const v = fmax(s);
      act[r + t] = v;
      if (v !== 0 || Object.is(v, -0)) any = true;
    }
    if (!any) continue;
    list[m++] = i;
  }
  for (let k = 0; k < d; k++) {
    for (let t = 0; t < TILE; t++) {
      let acc = 0;
      for (let j = 0; j < m; j++) acc = acc + W[k * p + list[j]] * act[j * TILE + t];
      f[fo + k * TILE + t] = acc;
    }
  }
}

/** f64x2.max(s, 0): NaN propagates; max(−0, +0) = +0. */
function fmax(s: number): number {
  if (s !== s) return s;
  return s > 0 ? s : 0;
}

/** The kernel's lane sum of 8 values at v[o..o+8). */
export function hsum8(v: Float64Array, o: number): number {
  return ((v[o] + v[o + 2]) + (v[o + 4] + v[o + 6])) + ((v[o + 1] + v[o + 3]) + (v[o + 5] + v[o + 7]));
}

const lane = new Float64Array(TILE);

/** Twin of reluVjpTile (assembly/lib/relu_vjp.ts). */
export function reluVjpTileTS(
  y: Float64Array, yo: number, v: Float64Array, vo: number, out: Float64Array, oo: number, d: number,
  W: Float64Array, A: Float64Array, b: Float64Array, p: number,
  gW: Float64Array, gA: Float64Array, gb: Float64Array, sv: Float64Array, rv: Float64Array, wv: Float64Array, uv: Float64Array,
): void {
  for (let e = 0; e < d * TILE; e++) out[oo + e] = 0;
  for (let i = 0; i < p; i++) {
    let any = false;
    for (let t = 0; t < TILE; t++) {
      let s = b[i];
      for (let k = 0; k < d; k++) s = s + A[i * d + k] * y[yo + k * TILE + t];
      sv[t] = s;
      const r = fmax(s);
      rv[t] = r;
      if (r !== 0 || Object.is(r, -0)) any = true;
    }
    if (!any) continue;
    for (let t = 0; t < TILE; t++) wv[t] = 0;
    for (let k = 0; k < d; k++) {
      const wk = W[k * p + i];
      for (let t = 0; t < TILE; t++) {
        const vk = v[vo + k * TILE + t];
        wv[t] = wv[t] + wk * vk;
        lane[t] = vk * rv[t];
      }
      gW[k * p + i] = gW[k * p + i] + hsum8(lane, 0);
    }
    for (let t = 0; t < TILE; t++) uv[t] = sv[t] > 0 ? wv[t] : 0;
    gb[i] = gb[i] + hsum8(uv, 0);
    for (let k = 0; k < d; k++) {
      for (let t = 0; t < TILE; t++) lane[t] = uv[t] * y[yo + k * TILE + t];
      gA[i * d + k] = gA[i * d + k] + hsum8(lane, 0);
      const a = A[i * d + k];
      for (let t = 0; t < TILE; t++) out[oo + k * TILE + t] = out[oo + k * TILE + t] + a * uv[t];
    }
  }
}

/** acc[t] += c · Σ_k a_k b_k (lane-wise), sum from (0 + a_0 b_0) upwards. */
export function dotTileAccTS(acc: Float64Array, a: Float64Array, ao: number, bb: Float64Array, bo: number, d: number, c: number): void {
  for (let t = 0; t < TILE; t++) {
    let s = 0;
    for (let k = 0; k < d; k++) s = s + a[ao + k * TILE + t] * bb[bo + k * TILE + t];
    acc[t] = acc[t] + c * s;
  }
}

/** dst = x + c·y over d × TILE values (dst may alias x or y). */
export function axpyTileTS(dst: Float64Array, dO: number, x: Float64Array, xo: number, c: number, y: Float64Array, yo: number, d: number): void {
  for (let e = 0; e < d * TILE; e++) dst[dO + e] = x[xo + e] + c * y[yo + e];
}

export function loadTileTS(x: Float64Array, i0: number, count: number, d: number, t: Float64Array, to: number): void {
  for (let k = 0; k < d; k++) for (let q = 0; q < TILE; q++) t[to + k * TILE + q] = q < count ? x[(i0 + q) * d + k] : 0;
}

export function storeTileTS(t: Float64Array, to: number, x: Float64Array, i0: number, count: number, d: number): void {
  for (let k = 0; k < d; k++) for (let q = 0; q < count; q++) x[(i0 + q) * d + k] = t[to + k * TILE + q];
}

/** Per-call work arrays of the twins. */
export class TileWork {
  readonly act: Float64Array;
  readonly list: Int32Array;
  readonly sv = new Float64Array(TILE);
  readonly rv = new Float64Array(TILE);
  readonly wv = new Float64Array(TILE);
  readonly uv = new Float64Array(TILE);
  constructor(p: number) {
    this.act = new Float64Array(p * TILE);
    this.list = new Int32Array(p);
  }
}

/**
 * Twin of rk4AdjointLayer: x (n×d) the layer inputs, lam (n×d) in: cotangent of the outputs,
 * out: of the inputs; gW, gA, gb, gh (gh[0] = ∂/∂h) accumulate.
 */
export function rk4AdjointLayerJS(
  x: Float64Array, lam: Float64Array, n: number, d: number,
  W: Float64Array, A: Float64Array, b: Float64Array, p: number, h: number, steps: number,
  gW: Float64Array, gA: Float64Array, gb: Float64Array, gh: Float64Array,
): void {
  const B = d * TILE;
  const S = new Float64Array(5 * steps * B);
  const L = new Float64Array(B), C1 = new Float64Array(B), C2 = new Float64Array(B), C3 = new Float64Array(B), C4 = new Float64Array(B);
  const Y = new Float64Array(B), V = new Float64Array(B), XT = new Float64Array(B);
  const GH = new Float64Array(TILE);
  const w = new TileWork(p);
  const half = 0.5 * h, sixth = h / 6.0, third = h / 3.0;
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const count = Math.min(TILE, n - i0);
    loadTileTS(x, i0, count, d, XT, 0);
    for (let s = 0; s < steps; s++) {
      const X = 5 * s * B, K1 = X + B, K2 = K1 + B, K3 = K2 + B, K4 = K3 + B;
      S.set(XT, X);
      tileFieldTS(XT, 0, S, K1, d, W, A, b, p, w.act, w.list);
      axpyTileTS(V, 0, XT, 0, half, S, K1, d);
      tileFieldTS(V, 0, S, K2, d, W, A, b, p, w.act, w.list);
      axpyTileTS(Y, 0, S, K1, 2.0, S, K2, d);
      axpyTileTS(V, 0, XT, 0, half, S, K2, d);
      tileFieldTS(V, 0, S, K3, d, W, A, b, p, w.act, w.list);
      axpyTileTS(Y, 0, Y, 0, 2.0, S, K3, d);
      axpyTileTS(V, 0, XT, 0, h, S, K3, d);
      tileFieldTS(V, 0, S, K4, d, W, A, b, p, w.act, w.list);
      for (let e = 0; e < B; e++) XT[e] = XT[e] + sixth * (Y[e] + S[K4 + e]);
    }
    loadTileTS(lam, i0, count, d, L, 0);
    GH.fill(0);
    for (let s = steps - 1; s >= 0; s--) {
      const X = 5 * s * B, K1 = X + B, K2 = K1 + B, K3 = K2 + B, K4 = K3 + B;
      dotTileAccTS(GH, L, 0, S, K1, d, 1.0 / 6.0);
      dotTileAccTS(GH, L, 0, S, K2, d, 1.0 / 3.0);
      dotTileAccTS(GH, L, 0, S, K3, d, 1.0 / 3.0);
      dotTileAccTS(GH, L, 0, S, K4, d, 1.0 / 6.0);
      for (let e = 0; e < B; e++) {
        C1[e] = sixth * L[e];
        C2[e] = third * L[e];
        C3[e] = third * L[e];
        C4[e] = sixth * L[e];
      }
      axpyTileTS(Y, 0, S, X, h, S, K3, d);
      reluVjpTileTS(Y, 0, C4, 0, V, 0, d, W, A, b, p, gW, gA, gb, w.sv, w.rv, w.wv, w.uv);
      axpyTileTS(L, 0, L, 0, 1.0, V, 0, d);
      axpyTileTS(C3, 0, C3, 0, h, V, 0, d);
      dotTileAccTS(GH, V, 0, S, K3, d, 1.0);
      axpyTileTS(Y, 0, S, X, half, S, K2, d);
      reluVjpTileTS(Y, 0, C3, 0, V, 0, d, W, A, b, p, gW, gA, gb, w.sv, w.rv, w.wv, w.uv);
      axpyTileTS(L, 0, L, 0, 1.0, V, 0, d);
      axpyTileTS(C2, 0, C2, 0, half, V, 0, d);
      dotTileAccTS(GH, V, 0, S, K2, d, 0.5);
      axpyTileTS(Y, 0, S, X, half, S, K1, d);
      reluVjpTileTS(Y, 0, C2, 0, V, 0, d, W, A, b, p, gW, gA, gb, w.sv, w.rv, w.wv, w.uv);
      axpyTileTS(L, 0, L, 0, 1.0, V, 0, d);
      axpyTileTS(C1, 0, C1, 0, half, V, 0, d);
      dotTileAccTS(GH, V, 0, S, K1, d, 0.5);
      reluVjpTileTS(S, X, C1, 0, V, 0, d, W, A, b, p, gW, gA, gb, w.sv, w.rv, w.wv, w.uv);
      axpyTileTS(L, 0, L, 0, 1.0, V, 0, d);
    }
    gh[0] = gh[0] + hsum8(GH, 0);
    storeTileTS(L, 0, lam, i0, count, d);
  }
}
