// The 4×4 micro-kernel of the Gram and Cholesky updates: register-blocked tiles over rows
// packed into panels of 4 columns, so the innermost loop reads 2 × 32 contiguous bytes per step
// and keeps 16 sums in 8 f64x2 registers (8 independent FMA chains: enough to hide the FMA
// latency); the scalar build splits each tile into two 4×2 halves.
// see: Goto & van de Geijn 2008, "Anatomy of high-performance matrix multiplication".
import { madd } from './vec';

/**
 * The 4×4 micro-kernel. For r, c < 4:
 *   dst[r][c] = init[r][c] ± Σ_{t<count} a_t[r]·b_t[c]     (init = 0 when `fromZero`)
 * where a_t = 4 f64 at pa + t·step and b_t = 4 f64 at pb + t·step; dst and init rows are
 * `rowBytes` apart. `fromZero`, `negate` and `diag` are compile-time constants at every call
 * site; `diag` (a tile on the diagonal, a = b) computes only the lanes that hold its upper
 * triangle (6 of the 8 f64x2 sums) and leaves the two lower 2×2 corners alone.
 */
// @ts-ignore: decorator
@inline export function tile4x4(
  dst: usize, init: usize, rowBytes: usize, pa: usize, pb: usize, step: usize, count: i32,
  fromZero: bool, negate: bool, diag: bool = false,
): void {
  if (ASC_FEATURE_SIMD) {
    if (diag) {
      tile4x4Upper(dst, init, rowBytes, pa, pb, step, count, fromZero, negate);
      return;
    }
    let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
    let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
    let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
    let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
    if (!fromZero && !negate) {
      // Start the chains from the initial values: saves a separate pass over dst.
      let r = init;
      c00 = v128.load(r); c01 = v128.load(r, 16); r += rowBytes;
      c10 = v128.load(r); c11 = v128.load(r, 16); r += rowBytes;
      c20 = v128.load(r); c21 = v128.load(r, 16); r += rowBytes;
      c30 = v128.load(r); c31 = v128.load(r, 16);
    }
    for (let t = 0; t < count; t++) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      let a = v128.load64_splat(pa);
      c00 = madd(a, b0, c00);
      c01 = madd(a, b1, c01);
      a = v128.load64_splat(pa, 8);
      c10 = madd(a, b0, c10);
      c11 = madd(a, b1, c11);
      a = v128.load64_splat(pa, 16);
      c20 = madd(a, b0, c20);
      c21 = madd(a, b1, c21);
      a = v128.load64_splat(pa, 24);
      c30 = madd(a, b0, c30);
      c31 = madd(a, b1, c31);
      pa += step;
      pb += step;
    }
    if (negate) {
      // dst = init − Σ (the Cholesky trailing update).
      let r = init;
      let d = dst;
      v128.store(d, f64x2.sub(v128.load(r), c00)); v128.store(d, f64x2.sub(v128.load(r, 16), c01), 16);
      r += rowBytes; d += rowBytes;
      v128.store(d, f64x2.sub(v128.load(r), c10)); v128.store(d, f64x2.sub(v128.load(r, 16), c11), 16);
      r += rowBytes; d += rowBytes;
      v128.store(d, f64x2.sub(v128.load(r), c20)); v128.store(d, f64x2.sub(v128.load(r, 16), c21), 16);
      r += rowBytes; d += rowBytes;
      v128.store(d, f64x2.sub(v128.load(r), c30)); v128.store(d, f64x2.sub(v128.load(r, 16), c31), 16);
    } else {
      let d = dst;
      v128.store(d, c00); v128.store(d, c01, 16); d += rowBytes;
      v128.store(d, c10); v128.store(d, c11, 16); d += rowBytes;
      v128.store(d, c20); v128.store(d, c21, 16); d += rowBytes;
      v128.store(d, c30); v128.store(d, c31, 16);
    }
  } else {
    // Scalar: two 4×2 halves, 8 sums each, so the sums stay in registers (16 would spill).
    tile4x2(dst, init, rowBytes, pa, pb, step, count, fromZero, negate);
    tile4x2(dst + 16, init + 16, rowBytes, pa, pb + 16, step, count, fromZero, negate);
  }
}

/** SIMD diagonal tile: like {@link tile4x4} with pa = pb, for the upper triangle only. */
// @ts-ignore: decorator
@inline function tile4x4Upper(
  dst: usize, init: usize, rowBytes: usize, pa: usize, pb: usize, step: usize, count: i32,
  fromZero: bool, negate: bool,
): void {
  // Row 0: columns 0..3; row 1: 0..3 (lane 0 of the first pair is below the diagonal but
  // costs nothing extra); rows 2 and 3: columns 2..3 only.
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c21 = f64x2.splat(0), c31 = f64x2.splat(0);
  if (!fromZero && !negate) {
    let r = init;
    c00 = v128.load(r); c01 = v128.load(r, 16); r += rowBytes;
    c10 = v128.load(r); c11 = v128.load(r, 16); r += rowBytes;
    c21 = v128.load(r, 16); r += rowBytes;
    c31 = v128.load(r, 16);
  }
  for (let t = 0; t < count; t++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load64_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load64_splat(pa, 8);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    c21 = madd(v128.load64_splat(pa, 16), b1, c21);
    c31 = madd(v128.load64_splat(pa, 24), b1, c31);
    pa += step;
    pb += step;
  }
  if (negate) {
    let r = init;
    let d = dst;
    v128.store(d, f64x2.sub(v128.load(r), c00)); v128.store(d, f64x2.sub(v128.load(r, 16), c01), 16);
    r += rowBytes; d += rowBytes;
    v128.store(d, f64x2.sub(v128.load(r), c10)); v128.store(d, f64x2.sub(v128.load(r, 16), c11), 16);
    r += rowBytes; d += rowBytes;
    v128.store(d, f64x2.sub(v128.load(r, 16), c21), 16);
    r += rowBytes; d += rowBytes;
    v128.store(d, f64x2.sub(v128.load(r, 16), c31), 16);
  } else {
    let d = dst;
    v128.store(d, c00); v128.store(d, c01, 16); d += rowBytes;
    v128.store(d, c10); v128.store(d, c11, 16); d += rowBytes;
    v128.store(d, c21, 16); d += rowBytes;
    v128.store(d, c31, 16);
  }
}

/** Scalar half-tile: columns 0..1 of the 4×4 micro-kernel (see {@link tile4x4}). */
// @ts-ignore: decorator
@inline function tile4x2(
  dst: usize, init: usize, rowBytes: usize, pa: usize, pb: usize, step: usize, count: i32,
  fromZero: bool, negate: bool,
): void {
  let c00: f64 = 0, c01: f64 = 0, c10: f64 = 0, c11: f64 = 0;
  let c20: f64 = 0, c21: f64 = 0, c30: f64 = 0, c31: f64 = 0;
  if (!fromZero && !negate) {
    let r = init;
    c00 = load<f64>(r); c01 = load<f64>(r, 8); r += rowBytes;
    c10 = load<f64>(r); c11 = load<f64>(r, 8); r += rowBytes;
    c20 = load<f64>(r); c21 = load<f64>(r, 8); r += rowBytes;
    c30 = load<f64>(r); c31 = load<f64>(r, 8);
  }
  for (let t = 0; t < count; t++) {
    const b0 = load<f64>(pb), b1 = load<f64>(pb, 8);
    let a = load<f64>(pa);
    c00 += a * b0; c01 += a * b1;
    a = load<f64>(pa, 8);
    c10 += a * b0; c11 += a * b1;
    a = load<f64>(pa, 16);
    c20 += a * b0; c21 += a * b1;
    a = load<f64>(pa, 24);
    c30 += a * b0; c31 += a * b1;
    pa += step;
    pb += step;
  }
  if (negate) {
    c00 = load<f64>(init) - c00; c01 = load<f64>(init, 8) - c01;
    c10 = load<f64>(init + rowBytes) - c10; c11 = load<f64>(init + rowBytes, 8) - c11;
    c20 = load<f64>(init + 2 * rowBytes) - c20; c21 = load<f64>(init + 2 * rowBytes, 8) - c21;
    c30 = load<f64>(init + 3 * rowBytes) - c30; c31 = load<f64>(init + 3 * rowBytes, 8) - c31;
  }
  let d = dst;
  store<f64>(d, c00); store<f64>(d, c01, 8); d += rowBytes;
  store<f64>(d, c10); store<f64>(d, c11, 8); d += rowBytes;
  store<f64>(d, c20); store<f64>(d, c21, 8); d += rowBytes;
  store<f64>(d, c30); store<f64>(d, c31, 8);
}
