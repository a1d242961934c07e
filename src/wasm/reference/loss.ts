/**
 * The reference loss kernels: the data terms of the implicit and explicit objectives over a
 * range of rows, in textbook loops; the implicit row solvers report their share with it too.
 */
import type { KernelExports } from '../abi.js';
import type { MemoryViews } from './views.js';

/** The loss family of the reference kernels. */
export function referenceLossKernels(views: MemoryViews): Pick<KernelExports, 'implicitLossRows' | 'explicitLossRows'> {
  const { F, F32, I } = views;
  return {
    implicitLossRows(X, Y, YtY, indptr, indices, conf, f, r0, r1) {
      return implicitLoss(views, X, Y, YtY, indptr, indices, conf, f, r0, r1);
    },

    explicitLossRows(X, Y, indptr, indices, ratings, f, mu, biasRow, biasCol, r0, r1) {
      const M = F();
      const V = F32();
      const N = I();
      let total = 0;
      for (let u = r0; u < r1; u++) {
        for (let j = N[(indptr >>> 2) + u]; j < N[(indptr >>> 2) + u + 1]; j++) {
          const i = N[(indices >>> 2) + j];
          let s = mu + (biasRow !== 0 ? M[(biasRow >>> 3) + u] : 0) + (biasCol !== 0 ? M[(biasCol >>> 3) + i] : 0);
          for (let a = 0; a < f; a++) s += M[(X >>> 3) + u * f + a] * M[(Y >>> 3) + i * f + a];
          const e = V[(ratings >>> 2) + j] - s;
          total += e * e;
        }
      }
      return total;
    },
  };
}

/**
 * Σ_u [x_uᵀ·YtY·x_u + Σ_{i∈Ω_u} (|c|(p − s)² − s²)] over rows [r0, r1): the implicit loss's
 * data term; without YtY (0), only its observed part (the sums after x_uᵀ·YtY·x_u).
 */
export function implicitLoss({ F, F32, I }: MemoryViews, X: number, Y: number, YtY: number, indptr: number, indices: number, conf: number, f: number, r0: number, r1: number): number {
  const M = F();
  const V = F32();
  const N = I();
  let total = 0;
  for (let u = r0; u < r1; u++) {
    const x = (X >>> 3) + u * f;
    for (let a = 0; YtY && a < f; a++) {
      for (let d = 0; d < f; d++) total += M[x + a] * M[(YtY >>> 3) + a * f + d] * M[x + d];
    }
    for (let j = N[(indptr >>> 2) + u]; j < N[(indptr >>> 2) + u + 1]; j++) {
      const i = N[(indices >>> 2) + j];
      const c = V[(conf >>> 2) + j];
      let s = 0;
      for (let a = 0; a < f; a++) s += M[x + a] * M[(Y >>> 3) + i * f + a];
      const p = c > 0 ? 1 : 0;
      total += Math.abs(c) * (p - s) * (p - s) - s * s;
    }
  }
  return total;
}
