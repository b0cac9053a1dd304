// Where the TypeScript arena (src/runtime/arena.ts) may start: everything from here to the
// end of linear memory is managed from the TypeScript side; kernels never allocate.
export function heapBase(): usize {
  return __heap_base;
}
