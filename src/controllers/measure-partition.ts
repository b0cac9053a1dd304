/**
 * Step 2 of the measure construction (arXiv 2401.09902; docs/algorithms/transport.md):
 * cutting one coordinate of one cell of an empirical measure into n slabs of (as nearly as
 * possible) equal mass. Applied level by level (x_1, then x_2 inside every x_1-slab, …) this
 * is the hierarchical, Knothe-like partition of μ into n^d rectangles of mass n^{−d}.
 *
 * For m particles, slab j (0-based) receives round((j+1)·m/n) − round(j·m/n) of them, so all
 * slab sizes are ⌊m/n⌋ or ⌈m/n⌉, and applied level by level every final cell holds ⌊M/n^d⌋ or
 * ⌈M/n^d⌉ particles (induction: a parent of size qn + r splits into parts of size q or q + 1).
 * Every cut lies strictly between two consecutive distinct values (at the midpoint of their
 * gap), so no particle sits on a cut. When particles share a value exactly at a wanted cut, the
 * cut moves to the nearest gap (counts then differ by more; the caller reports the actual counts).
 * Several cuts that fall into one gap (cells with fewer than n particles) split it evenly.
 */

export interface SlabCuts {
  /** n + 1 increasing positions: cuts[0] = lo, cuts[n] = hi. */
  cuts: Float64Array;
  /** Particles per slab. */
  counts: Int32Array;
}

/**
 * Equal-mass cuts of the sorted values xs (all strictly inside (lo, hi)) into n slabs.
 */
export function equalMassCuts(xs: Float64Array, n: number, lo: number, hi: number): SlabCuts {
  const m = xs.length;
  const idx = new Int32Array(n + 1);
  idx[n] = m;
  const valid = (c: number): boolean => c <= 0 || c >= m || xs[c - 1] < xs[c];
  for (let j = 1; j < n; j++) {
    const want = Math.round((j * m) / n);
    const floor = idx[j - 1];
    let best = m;
    for (let r = 0; ; r++) {
      const up = want + r, down = want - r;
      if (down >= floor && down <= m && valid(down)) { best = down; break; }
      if (up >= floor && up <= m && valid(up)) { best = up; break; }
      if (up > m && down < floor) break;
    }
    idx[j] = Math.max(best, floor);
  }
  const cuts = new Float64Array(n + 1);
  cuts[0] = lo;
  cuts[n] = hi;
  const counts = new Int32Array(n);
  for (let j = 0; j < n; j++) counts[j] = idx[j + 1] - idx[j];
  // Cuts 1..n-1, grouped by the gap they fall in.
  let j = 1;
  while (j < n) {
    let r = j;
    while (r + 1 < n && idx[r + 1] === idx[j]) r++;
    const c = idx[j];
    const low = c > 0 ? xs[c - 1] : lo;
    const high = c < m ? xs[c] : hi;
    const k = r - j + 1;
    for (let t = 1; t <= k; t++) cuts[j + t - 1] = low + (t * (high - low)) / (k + 1);
    j = r + 1;
  }
  return { cuts, counts };
}
