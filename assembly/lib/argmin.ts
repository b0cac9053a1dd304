// Finishing a two-lane argmin search: lane-wise best keys `bestV` and their indices `bestI`
// (as f64) → the index with the smallest key, the smaller index on ties, −1 when every key was
// +Infinity (nothing eligible). Shared by the shortest-path searches of ssp.ts and auction.ts.

// @ts-ignore: decorator
@inline
export function lanesArgmin(bestV: v128, bestI: v128): i32 {
  const v0 = f64x2.extract_lane(bestV, 0), v1 = f64x2.extract_lane(bestV, 1);
  const i0 = f64x2.extract_lane(bestI, 0), i1 = f64x2.extract_lane(bestI, 1);
  let bi: f64 = v0 < v1 ? i0 : v1 < v0 ? i1 : min(i0, i1);
  if (!(min(v0, v1) < Infinity)) bi = -1.0;
  return <i32>bi;
}
