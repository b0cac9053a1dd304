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
