// Element-wise e^x over an array, with the f64x2 exp of ./lib/exp.ts. Exists so the tests can
// check the vectorised exp (and its scalar tail) against Math.exp and the TS twin; kernels that
// need exp (Sinkhorn, softmax) inline expF64x2 / expF64 directly.
import { checkRange } from './lib/memory';
import { expF64, expF64x2 } from './lib/exp';

/** dst[i] = e^{src[i]} for i < n (src and dst may be the same address). */
export function expArray(src: usize, n: i32, dst: usize): void {
  checkRange(src, <usize>n << 3);
  checkRange(dst, <usize>n << 3);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(dst + o, expF64x2(v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(dst + o, expF64(load<f64>(src + o)));
  }
}
