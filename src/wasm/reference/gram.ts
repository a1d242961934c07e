/**
 * The reference Gram kernels: YᵀY (whole, or by blocks of output rows) and the weighted
 * rank-1 accumulation of an upper triangle, in textbook loops.
 */
import type { KernelExports } from '../abi.js';
import type { MemoryViews } from './views.js';

/** The Gram family of the reference kernels. */
export function referenceGramKernels({ F, F32 }: MemoryViews): Pick<KernelExports, 'gramian' | 'gramianBlocks' | 'gramAccumulate'> {
  return {
    gramian(Y, n, k, out) {
      gramianRows(F(), Y, n, k, out, 0, k);
    },

    gramianBlocks(Y, n, k, out, b0, b1) {
      gramianRows(F(), Y, n, k, out, 4 * b0, Math.min(4 * b1, k));
    },

    gramAccumulate(A, k, rows, count, weights) {
      const M = F();
      const V = F32();
      const a0 = A >>> 3;
      const r0 = rows >>> 3;
      const w0 = weights >>> 3;
      for (let j = 0; j < count; j++) {
        const w = weights === 0 ? 1 : M[w0 + j];
        for (let a = 0; a < k; a++) {
          for (let b = a; b < k; b++) M[a0 + a * k + b] += w * M[r0 + j * k + a] * M[r0 + j * k + b];
        }
      }
    },
  };
}

/** Rows [a0, a1) of the full Gram YᵀY, in textbook loops. */
function gramianRows(M: Float64Array, Y: number, n: number, k: number, out: number, a0: number, a1: number): void {
  const y = Y >>> 3;
  const o = out >>> 3;
  for (let a = a0; a < a1; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += M[y + i * k + a] * M[y + i * k + b];
      M[o + a * k + b] = s;
    }
  }
}
