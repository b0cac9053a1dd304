/**
 * A stack allocator over the WebAssembly module's linear memory. The TypeScript side owns
 * all memory above the module's heap base; kernels only receive byte addresses.
 *
 * Usage (always LIFO, always released, also on errors):
 *   const mark = arena.mark();
 *   try { const px = arena.allocF64(n * d); arena.f64.set(data, px >> 3); … } finally { arena.release(mark); }
 *
 * Memory grows on demand (memory.grow) and never shrinks; after growth every typed-array view
 * is stale, so `f64`/`u8`/`i32` re-create their views whenever the buffer changed.
 */
import { CapacityError } from '../errors.js';

const PAGE = 65536;
/** wasm32 linear memory is at most 4 GiB (65536 pages). */
const MAX_BYTES = 65536 * PAGE;

export class Arena {
  private readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number;
  private buffer: ArrayBuffer | null = null;
  private f64View: Float64Array | null = null;
  private i32View: Int32Array | null = null;
  private u8View: Uint8Array | null = null;
  /** Largest `top` ever reached (for memory reports). */
  highWater: number;

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.base = align(heapBase, 16);
    this.top = this.base;
    this.highWater = this.base;
  }

  /** Current top of the stack; pass it to `release` to free everything allocated since. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** Allocates `bytes` (16-byte aligned, so v128 loads are aligned) and returns the address. */
  alloc(bytes: number, parameter = 'data'): number {
    const start = align(this.top, 16);
    const end = start + align(Math.max(0, bytes), 16);
    if (end > MAX_BYTES) {
      throw new CapacityError(parameter, end - this.base, 'split the points into batches (for example 10^6 at a time) or reduce the trajectory length');
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.memory.grow(pages);
      } catch {
        throw new CapacityError(parameter, end - this.base, 'the engine refused to grow WebAssembly memory; split the points into batches');
      }
    }
    this.top = end;
    if (end > this.highWater) this.highWater = end;
    return start;
  }

  allocF64(count: number, parameter?: string): number {
    return this.alloc(count * 8, parameter);
  }

  /** Copies `data` into fresh arena memory and returns its address. */
  pushF64(data: ArrayLike<number>, parameter?: string): number {
    const ptr = this.allocF64(data.length, parameter);
    this.f64.set(data, ptr >>> 3);
    return ptr;
  }

  /** Bytes of linear memory currently reserved by the engine. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  get f64(): Float64Array {
    this.refresh();
    return this.f64View!;
  }

  get i32(): Int32Array {
    this.refresh();
    return this.i32View!;
  }

  get u8(): Uint8Array {
    this.refresh();
    return this.u8View!;
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    if (buf !== this.buffer) {
      this.buffer = buf;
      this.f64View = new Float64Array(buf);
      this.i32View = new Int32Array(buf);
      this.u8View = new Uint8Array(buf);
    }
  }
}

function align(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
