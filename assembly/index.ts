// The kernel ABI (see src/wasm/abi.ts): plain functions over byte pointers into an imported
// linear memory. Kernels never allocate and hold no static data; JavaScript lays out every
// buffer. One source, three builds: scalar, SIMD (f64x2), relaxed SIMD (fused multiply-add).
import { choleskyStrided, solveStrided } from './cholesky';

/** Bytes of scratch one row-solver call needs (solve dimension k, rows of ≤ maxRowNnz entries). */
export { scratchBytes } from './scratch';
/** YᵀY (full k×k) of n rows (gramianBlocks: a range of its 4-row blocks); gramAccumulate: upper triangle += Σ w_j r_j r_jᵀ. */
export { gramian, gramianBlocks, gramAccumulate } from './gram';
/**
 * Solves rows [r0, r1) of the half-step a solve job record describes (job-layout.ts): the one
 * entry of every row solver (implicit or explicit, Cholesky or conjugate gradient).
 */
export { solveRows } from './solve-rows';
/** Bytes of scratch a conjugate-gradient kind needs (scratchBytes: the Cholesky kinds). */
export { scratchBytesCG } from './solve-cg';
/** The f32 copy of a factor matrix that the mixed-precision CG steps gather from. */
export { toF32Rows } from './pack32';
/** Partial implicit / explicit losses over rows [r0, r1). */
export { implicitLossRows, explicitLossRows } from './loss';
/** out[i] = y_iᵀ x. */
export { scoreRows } from './score';
/** Per query vector, the k best rows of T by qᵀt (exclusions, candidates, NaN skipped; ties: lower row). */
export { topKRows } from './top-k';
/** Peak multiply-add rate probe (outside the ABI, for the benchmarks). */
export { fmaPeak } from './peak';

/** In-place Cholesky A = UᵀU of the k×k upper triangle; -1 or the first bad pivot. */
export function cholesky(A: usize, k: i32): i32 {
  return choleskyStrided(A, k, k);
}

/** Solves UᵀU x = b in place in b. */
export function choleskySolve(U: usize, k: i32, b: usize): void {
  solveStrided(U, k, k, b);
}
