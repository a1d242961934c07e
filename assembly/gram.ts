// Gram (rank-k) accumulation: register-blocked 4×4 tiles over rows packed into panels of 4
// columns, so the innermost loop reads 2 × 32 contiguous bytes per step and keeps 16 sums in
// 8 f64x2 registers (8 independent FMA chains: enough to hide the FMA latency).
// see: Goto & van de Geijn 2008, "Anatomy of high-performance matrix multiplication" and BLIS
// (packing into micro-panels); Spark's NormalEquation (accumulate the upper triangle only).
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

/**
 * Upper block triangle of A (4×4 tiles on and above the diagonal; `panels` tiles a side, row
 * stride rowBytes): A = init + Σ_t WP_t P_tᵀ, where P and WP hold `count` packed rows as
 * `panels` panels of count×4 f64, `panelBytes` apart. init = 0 starts from zero; init = A adds.
 * Diagonal tiles also write their strictly lower half (never read: scratch only).
 */
export function gramPacked(A: usize, rowBytes: usize, panels: i32, WP: usize, P: usize, panelBytes: usize, count: i32, init: usize): void {
  if (init == 0) {
    for (let ia = 0; ia < panels; ia++) {
      const pa = WP + <usize>ia * panelBytes;
      const off = <usize>(ia << 2) * rowBytes + (<usize>ia << 5);
      let pb = P + <usize>(ia + 1) * panelBytes;
      if (WP == P) tile4x4(A + off, 0, rowBytes, pa, pa, 32, count, true, false, true);
      else tile4x4(A + off, 0, rowBytes, pa, pa - WP + P, 32, count, true, false);
      for (let d = A + off + 32, end = A + off + (<usize>(panels - ia) << 5); d < end; d += 32) {
        tile4x4(d, 0, rowBytes, pa, pb, 32, count, true, false);
        pb += panelBytes;
      }
    }
  } else {
    const delta = init - A;
    for (let ia = 0; ia < panels; ia++) {
      const pa = WP + <usize>ia * panelBytes;
      const off = <usize>(ia << 2) * rowBytes + (<usize>ia << 5);
      let pb = P + <usize>(ia + 1) * panelBytes;
      const d0 = A + off;
      // The diagonal tile: upper-only when both sides are the same panel (w·y on one side
      // makes it symmetric too, but then pa ≠ pb and the general tile is needed).
      if (WP == P) tile4x4(d0, d0 + delta, rowBytes, pa, pa, 32, count, false, false, true);
      else tile4x4(d0, d0 + delta, rowBytes, pa, pa - WP + P, 32, count, false, false);
      for (let d = d0 + 32, end = d0 + (<usize>(panels - ia) << 5); d < end; d += 32) {
        tile4x4(d, d + delta, rowBytes, pa, pb, 32, count, false, false);
        pb += panelBytes;
      }
    }
  }
}

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

/** out (k×k, full symmetric) = Σ_{i<n} y_i y_iᵀ over the n rows of Y (stride k). */
export function gramian(Y: usize, n: i32, k: i32, out: usize): void {
  gramianBlocks(Y, n, k, out, 0, (k + 3) >> 2);
}

/**
 * Block rows [b0, b1) of {@link gramian}: output rows 4·b0 … 4·b1 − 1 from the diagonal
 * rightwards, then mirrored into the lower triangle. Every entry is computed exactly as by the
 * whole call (same order of sums), so threads splitting the block rows get the same bits; no
 * two block rows write the same entry.
 */
export function gramianBlocks(Y: usize, n: i32, k: i32, out: usize, b0: i32, b1: i32): void {
  const rowBytes = <usize>k << 3;
  const kf = k & ~3;
  const aStart = b0 << 2;
  const aEnd = min(b1 << 2, k);
  // Full 4×4 blocks straight from Y (rows are k apart): only once per half-step, so no packing.
  for (let a0 = aStart; a0 < min(aEnd, kf); a0 += 4) {
    for (let c0 = a0; c0 < kf; c0 += 4) {
      tile4x4(out + <usize>a0 * rowBytes + (<usize>c0 << 3), 0, rowBytes, Y + (<usize>a0 << 3), Y + (<usize>c0 << 3), rowBytes, n, true, false);
    }
  }
  // Columns past the last full block of 4: plain dot products down the rows.
  for (let b = kf; b < k; b++) {
    for (let a = aStart; a < min(aEnd, b + 1); a++) {
      let s: f64 = 0;
      let p = Y;
      for (let i = 0; i < n; i++) {
        s += load<f64>(p + (<usize>a << 3)) * load<f64>(p + (<usize>b << 3));
        p += rowBytes;
      }
      store<f64>(out + <usize>a * rowBytes + (<usize>b << 3), s);
    }
  }
  // Mirror these rows' upper part into the lower triangle (the ABI promises the full matrix).
  for (let a = aStart; a < aEnd; a++) {
    for (let b = a + 1; b < k; b++) {
      store<f64>(out + <usize>b * rowBytes + (<usize>a << 3), load<f64>(out + <usize>a * rowBytes + (<usize>b << 3)));
    }
  }
}

/**
 * Upper triangle of A (k×k) += Σ_j w_j r_j r_jᵀ over `count` rows of length k at `rows`
 * (weights = 0 ⇒ all 1). Not on the hot path (the row solvers pack instead): rank-1 updates.
 */
export function gramAccumulate(A: usize, k: i32, rows: usize, count: i32, weights: usize): void {
  const rowBytes = <usize>k << 3;
  for (let j = 0; j < count; j++) {
    const w: f64 = weights == 0 ? 1.0 : load<f64>(weights + (<usize>j << 3));
    const r = rows + <usize>j * rowBytes;
    for (let a = 0; a < k; a++) {
      const s = w * load<f64>(r + (<usize>a << 3));
      const o = <usize>a << 3;
      const y = A + <usize>a * rowBytes + o;
      const x = r + o;
      for (let c = 0; c < k - a; c++) {
        const oc = <usize>c << 3;
        store<f64>(y + oc, load<f64>(y + oc) + s * load<f64>(x + oc));
      }
    }
  }
}

