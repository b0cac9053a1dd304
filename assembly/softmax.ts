// One step of the softmax self-attention dynamics (seed 002, eq. 4.2):
//   P_il = e^{S_il/T} / Σ_j e^{S_ij/T},  S_il = ⟨A z_i, z_l⟩,
//   z_i ← z_i + c·(Σ_l P_il z_l − z_i),  c = α/(1+α)
// (the update of the anchors' softmax-numpy; T → 0 gives the hardmax step of eq. 4.1).
// Operation order (mirrored by src/kernels/softmax.ts, bit for bit):
//   w_i = A z_i (sequential sums); s_il = dot(w_i, z_l)·(1/T) with dot = (even-k lane + odd-k
//   lane) + odd tail; m_i = max_l s_il; e_il = exp(s_il − m_i) (assembly/lib/exp.ts);
//   terms with s_il − m_i < cut are dropped, cut = ln(2^−53 / n) chosen on the TS side, so the
//   dropped mass is below 2^−53 of the row sum (under the rounding of the sum itself);
//   Zs = Σ_l e_il, Y_k = Σ_l e_il z_lk (ascending l), z_ik ← z_ik + c·(Y_k/Zs − z_ik).
// Rows go two at a time with 2×2 register blocks for the scores.
import { checkRange } from './lib/memory';
import { expF64 } from './lib/exp';

export function softmaxScratchBytes(n: i32, d: i32): i32 {
  return 8 * (2 * n * d + 2 * n + d) + 64;
}

function rowsOut(i: i32, row: usize, z: usize, zn: usize, n: i32, d: i32, c: f64, cut: f64, acc: usize): void {
  let m = -Infinity;
  for (let l = 0; l < n; l++) m = max(m, load<f64>(row + (<usize>l << 3)));
  for (let k = 0; k < d; k++) store<f64>(acc + (<usize>k << 3), 0.0);
  let zs = 0.0;
  const rb = <usize>d << 3;
  for (let l = 0; l < n; l++) {
    const x = load<f64>(row + (<usize>l << 3)) - m;
    if (x < cut) continue;
    const e = expF64(x);
    zs = zs + e;
    const zl = z + <usize>l * rb;
    for (let k = 0; k < d; k++) {
      const o = <usize>k << 3;
      store<f64>(acc + o, load<f64>(acc + o) + e * load<f64>(zl + o));
    }
  }
  const zi = z + <usize>i * rb, zni = zn + <usize>i * rb;
  for (let k = 0; k < d; k++) {
    const o = <usize>k << 3;
    const x = load<f64>(zi + o);
    store<f64>(zni + o, x + c * (load<f64>(acc + o) / zs - x));
  }
}

export function softmaxStep(z: usize, n: i32, d: i32, A: usize, c: f64, invT: f64, cut: f64, scratch: usize): void {
  const nd = <usize>(n * d) << 3;
  checkRange(z, nd);
  checkRange(A, <usize>(d * d) << 3);
  checkRange(scratch, <usize>softmaxScratchBytes(n, d));
  const w = scratch, zn = w + nd, row0 = zn + nd, row1 = row0 + (<usize>n << 3), acc = row1 + (<usize>n << 3);
  const rb = <usize>d << 3;
  for (let a = 0; a < n; a++) {
    const za = z + <usize>a * rb, wa = w + <usize>a * rb;
    for (let k = 0; k < d; k++) {
      const ak = A + (<usize>(k * d) << 3);
      let s = 0.0;
      for (let j = 0; j < d; j++) s = s + load<f64>(ak + (<usize>j << 3)) * load<f64>(za + (<usize>j << 3));
      store<f64>(wa + (<usize>k << 3), s);
    }
  }
  const zero = f64x2.splat(0.0);
  const odd = d & 1;
  const tail = <usize>(d - 1) << 3;
  for (let i = 0; i < n; i += 2) {
    const two = i + 1 < n;
    const w0 = w + <usize>i * rb, w1 = two ? w0 + rb : w0;
    let l = 0;
    for (; l + 1 < n; l += 2) {
      const z0 = z + <usize>l * rb, z1 = z0 + rb;
      let a00 = zero, a01 = zero, a10 = zero, a11 = zero;
      for (let k = 0; k + 1 < d; k += 2) {
        const o = <usize>k << 3;
        const x0 = v128.load(w0 + o), x1 = v128.load(w1 + o);
        const y0 = v128.load(z0 + o), y1 = v128.load(z1 + o);
        a00 = f64x2.add(a00, f64x2.mul(x0, y0));
        a01 = f64x2.add(a01, f64x2.mul(x0, y1));
        a10 = f64x2.add(a10, f64x2.mul(x1, y0));
        a11 = f64x2.add(a11, f64x2.mul(x1, y1));
      }
      let r0 = f64x2.add(v128.shuffle<f64>(a00, a01, 0, 2), v128.shuffle<f64>(a00, a01, 1, 3));
      let r1 = f64x2.add(v128.shuffle<f64>(a10, a11, 0, 2), v128.shuffle<f64>(a10, a11, 1, 3));
      if (odd) {
        const y = f64x2.replace_lane(f64x2.splat(load<f64>(z0 + tail)), 1, load<f64>(z1 + tail));
        r0 = f64x2.add(r0, f64x2.mul(f64x2.splat(load<f64>(w0 + tail)), y));
        r1 = f64x2.add(r1, f64x2.mul(f64x2.splat(load<f64>(w1 + tail)), y));
      }
      const it = f64x2.splat(invT);
      v128.store(row0 + (<usize>l << 3), f64x2.mul(r0, it));
      v128.store(row1 + (<usize>l << 3), f64x2.mul(r1, it));
    }
    if (l < n) {
      const zl = z + <usize>l * rb;
      store<f64>(row0 + (<usize>l << 3), dotRow(w0, zl, d) * invT);
      store<f64>(row1 + (<usize>l << 3), dotRow(w1, zl, d) * invT);
    }
    rowsOut(i, row0, z, zn, n, d, c, cut, acc);
    if (two) rowsOut(i + 1, row1, z, zn, n, d, c, cut, acc);
  }
  memory.copy(z, zn, nd);
}

@inline
function dotRow(w: usize, z: usize, d: i32): f64 {
  let acc = f64x2.splat(0.0);
  for (let k = 0; k + 1 < d; k += 2) {
    const o = <usize>k << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(w + o), v128.load(z + o)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (d & 1) s = s + load<f64>(w + <usize>(d - 1) * 8) * load<f64>(z + <usize>(d - 1) * 8);
  return s;
}
