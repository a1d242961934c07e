// Cholesky factorisation A = UᵀU (upper, in place) and the two triangular solves, on a
// matrix with a row stride that may exceed its dimension (padded scratch matrices).
// see: Golub & Van Loan §4.2 (outer-product form, row-oriented so updates are contiguous);
// Spark's CholeskySolver (λ on the diagonal, factor in place).
import { axpy, dot } from './vec';

/** Factors the k×k upper triangle of A (row stride s) in place; -1 or the first bad pivot. */
export function choleskyStrided(A: usize, k: i32, s: i32): i32 {
  const rowBytes = <usize>s << 3;
  for (let j = 0; j < k; j++) {
    const rj = A + <usize>j * rowBytes;
    const pivot = load<f64>(rj + (<usize>j << 3));
    if (!(pivot > 0)) return j; // also catches NaN
    const d = Math.sqrt(pivot);
    store<f64>(rj + (<usize>j << 3), d);
    for (let i = j + 1; i < k; i++) {
      const o = <usize>i << 3;
      store<f64>(rj + o, load<f64>(rj + o) / d);
    }
    // Trailing update of the upper triangle: row i (i > j) -= U[j][i] · U[j][i..k).
    for (let i = j + 1; i < k; i++) {
      const o = <usize>i << 3;
      const uji = load<f64>(rj + o);
      if (uji != 0) axpy(A + <usize>i * rowBytes + o, -uji, rj + o, k - i);
    }
  }
  return -1;
}

/** Solves UᵀU x = b in place (U from choleskyStrided, row stride s). */
export function solveStrided(U: usize, k: i32, s: i32, b: usize): void {
  const rowBytes = <usize>s << 3;
  // Forward: Uᵀ z = b, column-oriented so the update is a contiguous row of U.
  for (let j = 0; j < k; j++) {
    const rj = U + <usize>j * rowBytes;
    const o = <usize>j << 3;
    const z = load<f64>(b + o) / load<f64>(rj + o);
    store<f64>(b + o, z);
    if (j + 1 < k) axpy(b + o + 8, -z, rj + o + 8, k - j - 1);
  }
  // Backward: U x = z, one dot product per row.
  for (let j = k - 1; j >= 0; j--) {
    const rj = U + <usize>j * rowBytes;
    const o = <usize>j << 3;
    const t = j + 1 < k ? dot(rj + o + 8, b + o + 8, k - j - 1) : 0;
    store<f64>(b + o, (load<f64>(b + o) - t) / load<f64>(rj + o));
  }
}

