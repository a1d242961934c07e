// Gram (rank-k) accumulation: YᵀY for the half-steps, the upper block triangle of a row's
// normal equations from packed panels (tile.ts, pack.ts), and rank-1 updates.
// see: Goto & van de Geijn 2008 and BLIS (packing into micro-panels); Spark's NormalEquation
// (accumulate the upper triangle only).
import { tile4x4 } from './tile';

/** The micro-kernel and the row packing, importable from here as before the split. */
export { tile4x4 } from './tile';
export { packRow } from './pack';

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
