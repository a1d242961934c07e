// Cholesky factorisation A = UᵀU (upper, in place) and the two triangular solves.
// see: Golub & Van Loan, "Matrix Computations" §4.2 (Cholesky; the blocked left-looking form);
// Spark's CholeskySolver (λ on the diagonal, factor in place).
import { tile4x4 } from './gram';
import { axpy, dot, roundUp4, scale } from './vec';

/**
 * Unblocked, row-oriented Cholesky of the k×k upper triangle of A (row stride s f64) in
 * place; any k and stride. Returns -1, or the first pivot index that was not positive.
 * Used by the `cholesky` export; the row solvers use {@link choleskyBlocked}.
 */
export function choleskyStrided(A: usize, k: i32, s: i32): i32 {
  const rowBytes = <usize>s << 3;
  for (let j = 0; j < k; j++) {
    const rj = A + <usize>j * rowBytes;
    const o = <usize>j << 3;
    const pivot = load<f64>(rj + o);
    if (!(pivot > 0)) return j; // also catches NaN
    const d = Math.sqrt(pivot);
    store<f64>(rj + o, d);
    scale(rj + o + 8, 1 / d, k - j - 1);
    // Right-looking update of the trailing upper triangle: row i (> j) −= U[j][i] · U[j][i..k).
    for (let i = j + 1; i < k; i++) {
      const oi = <usize>i << 3;
      axpy(A + <usize>i * rowBytes + oi, -load<f64>(rj + oi), rj + oi, k - i);
    }
  }
  return -1;
}

/**
 * Blocked Cholesky for the padded scratch matrices of the row solvers: A has at least
 * roundUp4(k) rows and columns (row stride s ≥ roundUp4(k), s a multiple of 4, 16-byte aligned
 * rows) and its padding columns k..roundUp4(k) are finite. Left-looking by block rows of 4:
 * each block row first receives Σ_{p<J} U[p][J..J+3]ᵀ U[p][C..C+3] through the same 4×4
 * register tile as the Gram (so ≈ all of the k³/6 multiply-adds run at Gram speed), then its
 * 4×4 diagonal block is factored and its row scaled. Returns -1 or the first bad pivot.
 */
export function choleskyBlocked(A: usize, k: i32, s: i32): i32 {
  const rowBytes = <usize>s << 3;
  const k4 = roundUp4(k);
  for (let J = 0; J < k; J += 4) {
    const rowJ = A + <usize>J * rowBytes;
    const oJ = <usize>J << 3;
    if (J > 0) {
      // Block row J, columns J..k4: A[J..J+3][C..C+3] −= Σ_{p<J} U[p][J..J+3]ᵀ U[p][C..C+3].
      tile4x4(rowJ + oJ, rowJ + oJ, rowBytes, A + oJ, A + oJ, rowBytes, J, false, true, true);
      for (let C = J + 4; C < k4; C += 4) {
        const oC = <usize>C << 3;
        tile4x4(rowJ + oC, rowJ + oC, rowBytes, A + oJ, A + oC, rowBytes, J, false, true);
      }
    }
    // Within the block: rows J..J+3 against each other, then the pivot and the row scaling.
    const jEnd = min(J + 4, k);
    for (let j = J; j < jEnd; j++) {
      const rj = A + <usize>j * rowBytes;
      const o = <usize>j << 3;
      for (let q = J; q < j; q++) {
        const rq = A + <usize>q * rowBytes;
        axpy(rj + o, -load<f64>(rq + o), rq + o, k - j);
      }
      const pivot = load<f64>(rj + o);
      if (!(pivot > 0)) return j; // also catches NaN
      const d = Math.sqrt(pivot);
      store<f64>(rj + o, d);
      scale(rj + o + 8, 1 / d, k - j - 1);
    }
  }
  return -1;
}

/** Solves UᵀU x = b in place in b (U from a Cholesky above, k×k, row stride s). */
export function solveStrided(U: usize, k: i32, s: i32, b: usize): void {
  const rowBytes = <usize>s << 3;
  // Forward, Uᵀ z = b: column-oriented, so each update is a contiguous row of U.
  for (let j = 0; j < k; j++) {
    const rj = U + <usize>j * rowBytes;
    const o = <usize>j << 3;
    const z = load<f64>(b + o) / load<f64>(rj + o);
    store<f64>(b + o, z);
    axpy(b + o + 8, -z, rj + o + 8, k - j - 1);
  }
  // Backward, U x = z: one contiguous dot product per row.
  for (let j = k - 1; j >= 0; j--) {
    const rj = U + <usize>j * rowBytes;
    const o = <usize>j << 3;
    const t = dot(rj + o + 8, b + o + 8, k - j - 1);
    store<f64>(b + o, (load<f64>(b + o) - t) / load<f64>(rj + o));
  }
}
