/**
 * The reference implicit-feedback row solvers: the half-step by Cholesky on the formed f×f
 * system, and by warm-started conjugate gradient without forming it (plain or mixed precision),
 * and the f32 copy of the other side's factors that the mixed form gathers from.
 *
 * see: Hu, Koren & Volinsky 2008, eq. 4.
 */
import { f32RowBytes, type KernelExports, type RowSolvers } from '../abi.js';
import { conjugateGradient } from './cg.js';
import { choleskyInPlace, solveCholesky } from './cholesky.js';
import { implicitLoss } from './loss.js';
import type { MemoryViews } from './views.js';

/** The implicit solver family of the reference kernels. */
export function referenceImplicitSolvers(views: MemoryViews): Pick<RowSolvers, 'solveImplicitRows' | 'solveImplicitRowsCG'> & Pick<KernelExports, 'scratchBytesCG' | 'toF32Rows'> {
  const { F, F32, I } = views;
  return {
    solveImplicitRows(X, Y, YtY, indptr, indices, conf, f, lambda, r0, r1, scratch, lossOut) {
      const M = F();
      const V = F32();
      const N = I();
      const A = scratch >>> 3;
      const b = A + f * f;
      for (let u = r0; u < r1; u++) {
        if (N[(indptr >>> 2) + u + 1] <= N[(indptr >>> 2) + u]) {
          // No observations: the right-hand side is 0, so x_u = 0 (no system to solve).
          for (let a = 0; a < f; a++) M[(X >>> 3) + u * f + a] = 0;
          continue;
        }
        for (let p = 0; p < f * f; p++) M[A + p] = M[(YtY >>> 3) + p];
        for (let p = 0; p < f; p++) M[b + p] = 0;
        for (let j = N[(indptr >>> 2) + u]; j < N[(indptr >>> 2) + u + 1]; j++) {
          const i = N[(indices >>> 2) + j];
          const c = V[(conf >>> 2) + j];
          const y = (Y >>> 3) + i * f;
          const w = Math.abs(c) - 1;
          for (let a = 0; a < f; a++) {
            for (let d = a; d < f; d++) M[A + a * f + d] += w * M[y + a] * M[y + d];
            if (c > 0) M[b + a] += c * M[y + a];
          }
        }
        for (let a = 0; a < f; a++) M[A + a * f + a] += lambda;
        if (choleskyInPlace(M, A, f) >= 0) return u;
        solveCholesky(M, A, f, b);
        for (let a = 0; a < f; a++) M[(X >>> 3) + u * f + a] = M[b + a];
      }
      if (lossOut) F()[lossOut >>> 3] = implicitLoss(views, X, Y, 0, indptr, indices, conf, f, r0, r1);
      return -1;
    },

    scratchBytesCG(f: number, maxRowNnz: number): number {
      return 8 * (3 * f + 2 * Math.max(1, maxRowNnz) + Math.max(1, maxRowNnz) * f) + 64;
    },

    solveImplicitRowsCG(X, Y, YtY, indptr, indices, conf, f, lambda, steps, r0, r1, _scratch, lossOut, precision, Y32) {
      const M = F();
      const V = F32();
      const N = I();
      // Mixed precision: the residual and the products see each y as its f32 copy in Y32 (the
      // kernels' f32 sums within a block are not modelled: they differ by f32 rounding).
      const f4 = f32RowBytes(f) >>> 2;
      const yv = precision ? (i: number, a: number) => V[(Y32 >>> 2) + i * f4 + a] : (i: number, a: number) => M[(Y >>> 3) + i * f + a];
      /** A·v = YtY·v + λv + Σ (|c|−1)(yᵀv) y, textbook loops. */
      const applyA = (v: number[], lo: number, hi: number): number[] => {
        const out = new Array<number>(f).fill(0);
        for (let a = 0; a < f; a++) {
          for (let d = 0; d < f; d++) out[a] += M[(YtY >>> 3) + a * f + d] * v[d];
          out[a] += lambda * v[a];
        }
        for (let j = lo; j < hi; j++) {
          const i = N[(indices >>> 2) + j];
          const w = Math.abs(V[(conf >>> 2) + j]) - 1;
          let s = 0;
          for (let a = 0; a < f; a++) s += yv(i, a) * v[a];
          for (let a = 0; a < f; a++) out[a] += w * s * yv(i, a);
        }
        return out;
      };
      for (let u = r0; u < r1; u++) {
        const lo = N[(indptr >>> 2) + u];
        const hi = N[(indptr >>> 2) + u + 1];
        const xo = (X >>> 3) + u * f;
        if (hi === lo) {
          for (let a = 0; a < f; a++) M[xo + a] = 0;
          continue;
        }
        const x = Array.from({ length: f }, (_, a) => M[xo + a]);
        const r = applyA(x, lo, hi).map((v) => -v);
        for (let j = lo; j < hi; j++) {
          const c = V[(conf >>> 2) + j];
          if (c > 0) for (let a = 0; a < f; a++) r[a] += c * yv(N[(indices >>> 2) + j], a);
        }
        if (!conjugateGradient((v) => applyA(v, lo, hi), x, r, steps)) return u;
        for (let a = 0; a < f; a++) M[xo + a] = x[a];
      }
      // The textbook loss at the new factors, from the f64 Y (the mixed kernels take s = y·x from the f32 copy).
      if (lossOut) F()[lossOut >>> 3] = implicitLoss(views, X, Y, 0, indptr, indices, conf, f, r0, r1);
      return -1;
    },

    toF32Rows(Y, n, f, Y32) {
      const M = F();
      const V = F32();
      const f4 = f32RowBytes(f) >>> 2;
      for (let i = 0; i < n; i++) for (let a = 0; a < f4; a++) V[(Y32 >>> 2) + i * f4 + a] = a < f ? M[(Y >>> 3) + i * f + a] : 0;
    },
  };
}
