/**
 * The TypeScript reference kernels, assembled from their families in ./reference/ (Gram,
 * Cholesky, implicit and explicit row solvers, losses, scoring).
 */
import type { KernelExports } from './abi.js';
import { referenceCholeskyKernels } from './reference/cholesky.js';
import { referenceGramKernels } from './reference/gram.js';
import { referenceLossKernels } from './reference/loss.js';
import { referenceScoringKernels } from './reference/scoring.js';
import { referenceExplicitSolvers } from './reference/solve-explicit.js';
import { referenceImplicitSolvers } from './reference/solve-implicit.js';
import { referenceSolveRows } from './reference/solve-rows.js';
import { memoryViews } from './reference/views.js';

// see: Hu, Koren & Volinsky 2008, eq. 4 (implicit); Zhou et al. 2008 (ALS-WR, explicit);
// Golub & Van Loan §4.2 (Cholesky, the textbook inner-product form used here).

/**
 * The kernels in plain TypeScript: textbook loops in f64, no blocking, no SIMD, the same ABI
 * (byte pointers into `memory`) and status codes as the WASM builds. It is the correctness
 * oracle for the kernel tests, the baseline of the benchmarks, and a fallback where
 * WebAssembly is unavailable.
 *
 * @param memory - the memory holding every buffer the kernels are given
 */
export function createReferenceKernels(memory: WebAssembly.Memory): KernelExports {
  const views = memoryViews(memory);
  const implicit = referenceImplicitSolvers(views);
  const explicit = referenceExplicitSolvers(views);
  return {
    scratchBytes(k: number): number {
      // A (k×k), b (k), one augmented row ỹ (k).
      return 8 * (k * k + 2 * k);
    },
    ...referenceGramKernels(views),
    ...referenceCholeskyKernels(views),
    scratchBytesCG: implicit.scratchBytesCG,
    toF32Rows: implicit.toF32Rows,
    // Every row solve comes through the job record, as in the WebAssembly builds.
    ...referenceSolveRows(memory, views, { ...implicit, ...explicit }),
    ...referenceLossKernels(views),
    ...referenceScoringKernels(views),
  };
}
