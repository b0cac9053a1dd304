// Shared helpers for kernels. Kernels take raw byte addresses into linear memory that
// the TypeScript arena (src/runtime/arena.ts) owns; they never allocate.

/** Debug builds (asserts on) check that [ptr, ptr + bytes) lies inside linear memory, so a
 *  wrong size from the TypeScript side fails loudly instead of reading stray memory. */
@inline
export function checkRange(ptr: usize, bytes: usize): void {
  assert(ptr + bytes <= (<usize>memory.size() << 16), 'kernel argument out of memory bounds');
}

@inline
export function f64At(base: usize, index: i32): f64 {
  return load<f64>(base + (<usize>index << 3));
}

@inline
export function setF64At(base: usize, index: i32, value: f64): void {
  store<f64>(base + (<usize>index << 3), value);
}

/** Debug-build range checks shared by the layer integrators (rk4, rk4_cell, euler): the points,
 *  the layer's W (d×p), A (p×d), b (p), the scratch, and the trajectory frames the call may write. */
@inline
export function checkLayerArgs(
  x: usize, n: i32, d: i32, W: usize, A: usize, b: usize, p: i32,
  scratch: usize, scratchBytes: i32, steps: i32, traj: usize, every: i32, stepOffset: i32,
): void {
  checkRange(x, <usize>(n * d) << 3);
  checkRange(W, <usize>(d * p) << 3);
  checkRange(A, <usize>(d * p) << 3);
  checkRange(b, <usize>p << 3);
  checkRange(scratch, <usize>scratchBytes);
  if (traj != 0) checkRange(traj, (<usize>((stepOffset + steps) / every + 1) * <usize>(n * d)) << 3);
}
