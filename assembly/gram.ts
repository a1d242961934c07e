// Gram (rank-k) accumulation: register-blocked 4×4 tiles over panels of 4 columns.
// see: Goto & van de Geijn, "Anatomy of high-performance matrix multiplication" (BLIS-style
// packing); Spark's NormalEquation (upper triangle only).
import { madd, roundUp4 } from './vec';

/**
 * A[r][c] += Σ_t a_t[r]·b_t[c] for r, c < 4, where a_t = 4 f64 at pa + t·step and b_t = 4 f64
 * at pb + t·step; A rows are rowBytes apart.
 */
// @ts-ignore: decorator
@inline function tile4x4(A: usize, rowBytes: usize, pa: usize, pb: usize, step: usize, count: i32): void {
  if (ASC_FEATURE_SIMD) {
    let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
    let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
    let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
    let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
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
    let r = A;
    v128.store(r, f64x2.add(v128.load(r), c00));
    v128.store(r, f64x2.add(v128.load(r, 16), c01), 16);
    r += rowBytes;
    v128.store(r, f64x2.add(v128.load(r), c10));
    v128.store(r, f64x2.add(v128.load(r, 16), c11), 16);
    r += rowBytes;
    v128.store(r, f64x2.add(v128.load(r), c20));
    v128.store(r, f64x2.add(v128.load(r, 16), c21), 16);
    r += rowBytes;
    v128.store(r, f64x2.add(v128.load(r), c30));
    v128.store(r, f64x2.add(v128.load(r, 16), c31), 16);
  } else {
    let c00: f64 = 0, c01: f64 = 0, c02: f64 = 0, c03: f64 = 0;
    let c10: f64 = 0, c11: f64 = 0, c12: f64 = 0, c13: f64 = 0;
    let c20: f64 = 0, c21: f64 = 0, c22: f64 = 0, c23: f64 = 0;
    let c30: f64 = 0, c31: f64 = 0, c32: f64 = 0, c33: f64 = 0;
    for (let t = 0; t < count; t++) {
      const b0 = load<f64>(pb), b1 = load<f64>(pb, 8), b2 = load<f64>(pb, 16), b3 = load<f64>(pb, 24);
      let a = load<f64>(pa);
      c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
      a = load<f64>(pa, 8);
      c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
      a = load<f64>(pa, 16);
      c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
      a = load<f64>(pa, 24);
      c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
      pa += step;
      pb += step;
    }
    let r = A;
    store<f64>(r, load<f64>(r) + c00); store<f64>(r, load<f64>(r, 8) + c01, 8);
    store<f64>(r, load<f64>(r, 16) + c02, 16); store<f64>(r, load<f64>(r, 24) + c03, 24);
    r += rowBytes;
    store<f64>(r, load<f64>(r) + c10); store<f64>(r, load<f64>(r, 8) + c11, 8);
    store<f64>(r, load<f64>(r, 16) + c12, 16); store<f64>(r, load<f64>(r, 24) + c13, 24);
    r += rowBytes;
    store<f64>(r, load<f64>(r) + c20); store<f64>(r, load<f64>(r, 8) + c21, 8);
    store<f64>(r, load<f64>(r, 16) + c22, 16); store<f64>(r, load<f64>(r, 24) + c23, 24);
    r += rowBytes;
    store<f64>(r, load<f64>(r) + c30); store<f64>(r, load<f64>(r, 8) + c31, 8);
    store<f64>(r, load<f64>(r, 16) + c32, 16); store<f64>(r, load<f64>(r, 24) + c33, 24);
  }
}

/**
 * Upper triangle (4×4 tiles on and above the diagonal) of A (k4×k4, stride k4) +=
 * Σ_t WP_t P_tᵀ, where P and WP hold `count` packed rows as k4/4 panels of count×4 f64.
 */
export function gramPacked(A: usize, k4: i32, WP: usize, P: usize, count: i32): void {
  const rowBytes = <usize>k4 << 3;
  const panels = k4 >> 2;
  const panelBytes = <usize>count << 5;
  for (let ia = 0; ia < panels; ia++) {
    const pa = WP + <usize>ia * panelBytes;
    const rowA = A + <usize>(ia << 2) * rowBytes;
    for (let jb = ia; jb < panels; jb++) {
      tile4x4(rowA + (<usize>jb << 5), rowBytes, pa, P + <usize>jb * panelBytes, 32, count);
    }
  }
}

/**
 * Packs row `src` (k values, then `extraOne` ⇒ a trailing 1) as entry t of `count` into the
 * panels P, and w·row into WP (skipped when WP == P).
 */
export function packRow(P: usize, WP: usize, count: i32, t: i32, src: usize, f: i32, extraOne: bool, k4: i32, w: f64): void {
  const panelBytes = <usize>count << 5;
  const at = <usize>t << 5;
  const full = f >> 2;
  if (ASC_FEATURE_SIMD) {
    const vw = f64x2.splat(w);
    for (let p = 0; p < full; p++) {
      const s = src + (<usize>p << 5);
      const d = <usize>p * panelBytes + at;
      const v0 = v128.load(s);
      const v1 = v128.load(s, 16);
      v128.store(P + d, v0);
      v128.store(P + d, v1, 16);
      if (WP != P) {
        v128.store(WP + d, f64x2.mul(v0, vw));
        v128.store(WP + d, f64x2.mul(v1, vw), 16);
      }
    }
  } else {
    for (let p = 0; p < full; p++) {
      const s = src + (<usize>p << 5);
      const d = <usize>p * panelBytes + at;
      for (let q = 0; q < 4; q++) {
        const v = load<f64>(s + (<usize>q << 3));
        store<f64>(P + d + (<usize>q << 3), v);
        if (WP != P) store<f64>(WP + d + (<usize>q << 3), v * w);
      }
    }
  }
  // The last, partial panel: the rest of the row, the optional 1, zeros.
  for (let col = full << 2; col < k4; col++) {
    const v: f64 = col < f ? load<f64>(src + (<usize>col << 3)) : col == f && extraOne ? 1.0 : 0.0;
    const d = <usize>(col >> 2) * panelBytes + at + (<usize>(col & 3) << 3);
    store<f64>(P + d, v);
    if (WP != P) store<f64>(WP + d, v * w);
  }
}

/** out (k×k, full) = Σ_{i<n} y_i y_iᵀ over the rows of Y (stride k). */
export function gramian(Y: usize, n: i32, k: i32, out: usize): void {
  memory.fill(out, 0, <usize>k * k << 3);
  const rowBytes = <usize>k << 3;
  const kf = k & ~3;
  for (let a0 = 0; a0 < kf; a0 += 4) {
    for (let b0 = a0; b0 < kf; b0 += 4) {
      tile4x4(out + <usize>a0 * rowBytes + (<usize>b0 << 3), rowBytes, Y + (<usize>a0 << 3), Y + (<usize>b0 << 3), rowBytes, n);
    }
  }
  // Columns past the last full block of 4: plain dot products down the rows.
  for (let b = kf; b < k; b++) {
    for (let a = 0; a <= b; a++) {
      let s: f64 = 0;
      let p = Y;
      for (let i = 0; i < n; i++) {
        s += load<f64>(p + (<usize>a << 3)) * load<f64>(p + (<usize>b << 3));
        p += rowBytes;
      }
      store<f64>(out + <usize>a * rowBytes + (<usize>b << 3), s);
    }
  }
  // Mirror the upper triangle.
  for (let a = 1; a < k; a++) {
    for (let b = 0; b < a; b++) {
      store<f64>(out + <usize>a * rowBytes + (<usize>b << 3), load<f64>(out + <usize>b * rowBytes + (<usize>a << 3)));
    }
  }
}

/** Upper triangle of A (k×k) += Σ_j w_j r_j r_jᵀ over count rows of length k at `rows` (weights 0 ⇒ 1). */
export function gramAccumulate(A: usize, k: i32, rows: usize, count: i32, weights: usize): void {
  const rowBytes = <usize>k << 3;
  for (let j = 0; j < count; j++) {
    const w: f64 = weights == 0 ? 1.0 : load<f64>(weights + (<usize>j << 3));
    const r = rows + <usize>j * rowBytes;
    for (let a = 0; a < k; a++) {
      const s = w * load<f64>(r + (<usize>a << 3));
      if (s != 0) axpyRow(A + <usize>a * rowBytes + (<usize>a << 3), s, r + (<usize>a << 3), k - a);
    }
  }
}

// @ts-ignore: decorator
@inline function axpyRow(y: usize, a: f64, x: usize, n: i32): void {
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 3;
    store<f64>(y + o, load<f64>(y + o) + a * load<f64>(x + o));
  }
}

export { roundUp4 };
