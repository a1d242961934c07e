/**
 * The reference Cholesky factorisation A = UᵀU (upper triangle, in place) and the solve of
 * UᵀU x = b, in the textbook inner-product form; the Cholesky row solvers use them too.
 *
 * see: Golub & Van Loan §4.2 (Cholesky, the textbook inner-product form used here).
 */
import type { KernelExports } from '../abi.js';
import type { MemoryViews } from './views.js';

/** The Cholesky family of the reference kernels. */
export function referenceCholeskyKernels({ F }: MemoryViews): Pick<KernelExports, 'cholesky' | 'choleskySolve'> {
  return {
    cholesky(A, k) {
      return choleskyInPlace(F(), A >>> 3, k);
    },

    choleskySolve(U, k, b) {
      solveCholesky(F(), U >>> 3, k, b >>> 3);
    },
  };
}

/** Cholesky A = UᵀU on the upper triangle at element offset `a` (k×k); -1 or the first bad pivot. */
export function choleskyInPlace(M: Float64Array, a: number, k: number): number {
  for (let j = 0; j < k; j++) {
    let s = M[a + j * k + j];
    for (let p = 0; p < j; p++) s -= M[a + p * k + j] * M[a + p * k + j];
    if (!(s > 0)) return j;
    const d = Math.sqrt(s);
    M[a + j * k + j] = d;
    for (let i = j + 1; i < k; i++) {
      let t = M[a + j * k + i];
      for (let p = 0; p < j; p++) t -= M[a + p * k + j] * M[a + p * k + i];
      M[a + j * k + i] = t / d;
    }
  }
  return -1;
}

/** Solves UᵀU x = b in place (b at element offset `b`). */
export function solveCholesky(M: Float64Array, a: number, k: number, b: number): void {
  for (let j = 0; j < k; j++) {
    let s = M[b + j];
    for (let p = 0; p < j; p++) s -= M[a + p * k + j] * M[b + p];
    M[b + j] = s / M[a + j * k + j];
  }
  for (let j = k - 1; j >= 0; j--) {
    let s = M[b + j];
    for (let p = j + 1; p < k; p++) s -= M[a + j * k + p] * M[b + p];
    M[b + j] = s / M[a + j * k + j];
  }
}
