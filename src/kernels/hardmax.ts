/**
 * Pure-TypeScript twin of assembly/hardmax.ts (brute force): one step of the hardmax
 * dynamics (seed 002, eq. 4.1a–b)
 *   C_i = { l : S_il ≥ m_i − tol·max(1, |m_i|) },  m_i = max_l S_il,
 *   z_i ← z_i + c·(mean_{l∈C_i} z_l − z_i),  c = α/(1+α),
 * with the kernel's canonical scores: w_a = A z_a (sequential sums), S_il = dot(w_a, z_b),
 * a = min(i,l), b = max(i,l), dot = (even-k partial sum + odd-k partial sum) + odd tail.
 * Results (tokens, leader flags, first members, counts) are bit-identical to every kernel mode.
 */

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

export function scoreJS(w: Float64Array, z: Float64Array, d: number, i: number, l: number): number {
  const a = Math.min(i, l), b = Math.max(i, l);
  return dotCanonJS(w, a * d, z, b * d, d);
}

export function tieThreshold(m: number, tol: number): number {
  return m - tol * Math.max(1, Math.abs(m));
}

/**
 * One step in place on z (n × d). leader[i] = 1 when C_i = {i}, first[i] = min C_i,
 * count[i] = |C_i|. With update = false only the sets are computed.
 */
export function hardmaxStepJS(
  z: Float64Array, n: number, d: number, A: Float64Array, c: number, tol: number, update: boolean,
  leader: Int32Array, first: Int32Array, count: Int32Array,
): void {
  const w = new Float64Array(n * d);
  computeWJS(z, n, d, A, w);
  const zn = new Float64Array(n * d);
  const row = new Float64Array(n);
  const mask: number[] = [];
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let l = 0; l < n; l++) {
      const s = scoreJS(w, z, d, i, l);
      row[l] = s;
      if (s > m) m = s;
    }
    const thr = tieThreshold(m, tol);
    mask.length = 0;
    for (let l = 0; l < n; l++) if (row[l] >= thr) mask.push(l);
    const cnt = mask.length;
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let q = 0; q < cnt; q++) s = s + z[mask[q] * d + k];
      const mean = s / cnt;
      const x = z[i * d + k];
      zn[i * d + k] = x + c * (mean - x);
    }
    leader[i] = cnt === 1 && mask[0] === i ? 1 : 0;
    first[i] = mask[0];
    count[i] = cnt;
  }
  if (update) z.set(zn);
}
