// Packing one row into the micro-panels the Gram tiles read (tile.ts): entry t of each panel of
// 4 columns, optionally weighted, with the right-hand side accumulated on the way.
// see: BLIS (packing into micro-panels).
import { madd } from './vec';

/**
 * Packs ỹ = (f values at `src`, then 1 if `extraOne`, then zeros up to k4) as entry t of the
 * panels P (panelBytes apart) and, when `weighted`, w·ỹ into WP; if cb ≠ 0 also b += cb·y
 * (the f values only). With `scaleP`, P gets w·ỹ instead (and WP nothing): the implicit
 * solver's √w form. `weighted` and `scaleP` are compile-time constants at every call site.
 */
// @ts-ignore: decorator
@inline export function packRow(
  P: usize, WP: usize, panelBytes: usize, t: i32, src: usize, f: i32, k4: i32, extraOne: bool,
  w: f64, weighted: bool, b: usize, cb: f64, scaleP: bool = false,
): void {
  const at = <usize>t << 5;
  const full = f >> 2;
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    const vw = f64x2.splat(w);
    const vc = f64x2.splat(cb);
    // Moving pointers, not p·panelBytes: V8 does not strength-reduce the multiply, and this
    // loop runs once per interaction (packing was 18 % of an implicit Cholesky iteration).
    const withB = cb != 0;
    let s = src;
    let dp = P + at;
    let dw = WP + at;
    let bp = b;
    for (const end = src + (<usize>full << 5); s < end; s += 32) {
      const v0 = v128.load(s);
      const v1 = v128.load(s, 16);
      if (scaleP) {
        v128.store(dp, f64x2.mul(v0, vw));
        v128.store(dp, f64x2.mul(v1, vw), 16);
      } else {
        v128.store(dp, v0);
        v128.store(dp, v1, 16);
      }
      if (weighted) {
        v128.store(dw, f64x2.mul(v0, vw));
        v128.store(dw, f64x2.mul(v1, vw), 16);
        dw += panelBytes;
      }
      if (withB) {
        v128.store(bp, madd(vc, v0, v128.load(bp)));
        v128.store(bp, madd(vc, v1, v128.load(bp, 16)), 16);
      }
      bp += 32;
      dp += panelBytes;
    }
    p = full;
  } else {
    for (; p < full; p++) {
      const s = src + (<usize>p << 5);
      const d = <usize>p * panelBytes + at;
      const bp = b + (<usize>p << 5);
      for (let q: usize = 0; q < 32; q += 8) {
        const v = load<f64>(s + q);
        store<f64>(P + d + q, scaleP ? v * w : v);
        if (weighted) store<f64>(WP + d + q, v * w);
        if (cb != 0) store<f64>(bp + q, load<f64>(bp + q) + cb * v);
      }
    }
  }
  // The last, partial panel: the rest of the row, the optional 1, zeros.
  for (let col = full << 2; col < k4; col++) {
    let v: f64 = 0;
    if (col < f) {
      v = load<f64>(src + (<usize>col << 3));
      if (cb != 0) store<f64>(b + (<usize>col << 3), load<f64>(b + (<usize>col << 3)) + cb * v);
    } else if (col == f && extraOne) {
      v = 1;
    }
    const d = <usize>(col >> 2) * panelBytes + at + (<usize>(col & 3) << 3);
    store<f64>(P + d, scaleP ? v * w : v);
    if (weighted) store<f64>(WP + d, v * w);
  }
}
