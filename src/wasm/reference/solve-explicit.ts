/**
 * The reference explicit-feedback row solvers (ALS-WR, optional biases): the half-step by
 * Cholesky on the formed k×k system, and by warm-started conjugate gradient without forming it.
 *
 * see: Zhou et al. 2008 (ALS-WR).
 */
import type { RowSolvers } from '../abi.js';
import { conjugateGradient, dot } from './cg.js';
import { choleskyInPlace, solveCholesky } from './cholesky.js';
import type { MemoryViews } from './views.js';

/** The explicit solver family of the reference kernels. */
export function referenceExplicitSolvers({ F, F32, I }: MemoryViews): Pick<RowSolvers, 'solveExplicitRows' | 'solveExplicitRowsCG'> {
  return {
    solveExplicitRows(X, Y, indptr, indices, ratings, f, lambda, weighted, mu, biasOther, biasOut, r0, r1, scratch) {
      const M = F();
      const V = F32();
      const N = I();
      const k = biasOut !== 0 ? f + 1 : f;
      const A = scratch >>> 3;
      const b = A + k * k;
      const yv = b + k;
      for (let u = r0; u < r1; u++) {
        const lo = N[(indptr >>> 2) + u];
        const hi = N[(indptr >>> 2) + u + 1];
        if (hi === lo) {
          for (let a = 0; a < f; a++) M[(X >>> 3) + u * f + a] = 0;
          if (biasOut !== 0) M[(biasOut >>> 3) + u] = 0;
          continue;
        }
        for (let p = 0; p < k * k; p++) M[A + p] = 0;
        for (let p = 0; p < k; p++) M[b + p] = 0;
        for (let j = lo; j < hi; j++) {
          const i = N[(indices >>> 2) + j];
          for (let a = 0; a < f; a++) M[yv + a] = M[(Y >>> 3) + i * f + a];
          if (k > f) M[yv + f] = 1;
          const target = V[(ratings >>> 2) + j] - mu - (biasOther !== 0 ? M[(biasOther >>> 3) + i] : 0);
          for (let a = 0; a < k; a++) {
            for (let d = a; d < k; d++) M[A + a * k + d] += M[yv + a] * M[yv + d];
            M[b + a] += target * M[yv + a];
          }
        }
        const reg = lambda * (weighted !== 0 ? hi - lo : 1);
        for (let a = 0; a < k; a++) M[A + a * k + a] += reg;
        if (choleskyInPlace(M, A, k) >= 0) return u;
        solveCholesky(M, A, k, b);
        for (let a = 0; a < f; a++) M[(X >>> 3) + u * f + a] = M[b + a];
        if (biasOut !== 0) M[(biasOut >>> 3) + u] = M[b + f];
      }
      return -1;
    },

    solveExplicitRowsCG(X, Y, indptr, indices, ratings, f, lambda, weighted, mu, biasOther, biasOut, steps, r0, r1) {
      const M = F();
      const V = F32();
      const N = I();
      const k = biasOut !== 0 ? f + 1 : f;
      /** ỹ_i = [y_i; 1] with biases, else y_i. */
      const yTilde = (i: number) => Array.from({ length: k }, (_, a) => (a < f ? M[(Y >>> 3) + i * f + a] : 1));
      for (let u = r0; u < r1; u++) {
        const lo = N[(indptr >>> 2) + u];
        const hi = N[(indptr >>> 2) + u + 1];
        const xo = (X >>> 3) + u * f;
        if (hi === lo) {
          for (let a = 0; a < f; a++) M[xo + a] = 0;
          if (biasOut !== 0) M[(biasOut >>> 3) + u] = 0;
          continue;
        }
        const reg = lambda * (weighted !== 0 ? hi - lo : 1);
        const rows: number[][] = [];
        const targets: number[] = [];
        for (let j = lo; j < hi; j++) {
          const i = N[(indices >>> 2) + j];
          rows.push(yTilde(i));
          targets.push(V[(ratings >>> 2) + j] - mu - (biasOther !== 0 ? M[(biasOther >>> 3) + i] : 0));
        }
        /** A·v = Σ ỹ(ỹᵀv) + λ_u v, textbook loops. */
        const applyA = (v: number[]): number[] => {
          const out = v.map((e) => reg * e);
          for (const y of rows) {
            const s = dot(y, v);
            for (let a = 0; a < k; a++) out[a] += s * y[a];
          }
          return out;
        };
        const x = Array.from({ length: k }, (_, a) => (a < f ? M[xo + a] : M[(biasOut >>> 3) + u]));
        const Ax = applyA(x);
        const r = Ax.map((v) => -v);
        rows.forEach((y, j) => {
          for (let a = 0; a < k; a++) r[a] += targets[j] * y[a];
        });
        if (!conjugateGradient(applyA, x, r, steps)) return u;
        for (let a = 0; a < f; a++) M[xo + a] = x[a];
        if (biasOut !== 0) M[(biasOut >>> 3) + u] = x[f];
      }
      return -1;
    },
  };
}
