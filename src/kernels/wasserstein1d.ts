/**
 * Pure-TypeScript twin of assembly/wasserstein1d.ts: sort (stable, by value), then
 * W_p^p = Σ over common mass steps τ·|u_(i) − v_(j)|^p of the two quantile functions.
 * The equal-size sum uses the kernel's two-lane order (even i, odd i, then lane0 + lane1).
 */
function powCost(t: number, p: number): number {
  return p === 1 ? t : p === 2 ? t * t : Math.pow(t, p);
}

/** Stable sort of keys with an optional payload (indices). */
export function sortWithPayloadJS(keys: Float64Array, payload: Int32Array | null): void {
  if (!payload) {
    keys.sort();
    return;
  }
  const order = Array.from({ length: keys.length }, (_, i) => i);
  order.sort((x, y) => keys[x] - keys[y] || x - y);
  const k2 = Float64Array.from(order, (i) => keys[i]);
  const p2 = Int32Array.from(order, (i) => payload[i]);
  keys.set(k2);
  payload.set(p2);
}

export function w1dSortedEqualJS(u: Float64Array, v: Float64Array, n: number, p: number): number {
  let i = 0, s0 = 0, s1 = 0;
  if (p === 1 || p === 2) {
    for (; i + 2 <= n; i += 2) {
      let t0 = Math.abs(u[i] - v[i]), t1 = Math.abs(u[i + 1] - v[i + 1]);
      if (p === 2) {
        t0 = t0 * t0;
        t1 = t1 * t1;
      }
      s0 = s0 + t0;
      s1 = s1 + t1;
    }
  }
  let s = s0 + s1;
  for (; i < n; i++) s += powCost(Math.abs(u[i] - v[i]), p);
  return s;
}

export function w1dSortedMergeJS(u: Float64Array, wu: Float64Array, n: number, v: Float64Array, wv: Float64Array, m: number, p: number): number {
  let i = 0, j = 0, ra = n > 0 ? wu[0] : 0, rb = m > 0 ? wv[0] : 0, s = 0;
  while (i < n && j < m) {
    const tau = Math.min(ra, rb);
    s += tau * powCost(Math.abs(u[i] - v[j]), p);
    ra -= tau;
    rb -= tau;
    if (ra <= 0) {
      i++;
      if (i < n) ra = wu[i];
    }
    if (rb <= 0) {
      j++;
      if (j < m) rb = wv[j];
    }
  }
  return s;
}
