/**
 * The reference kernels' one row-solve entry: reads the solve job record and calls the
 * reference solver of its kind, then checks the rows it wrote — the same contract as
 * assembly/solve-rows.ts (see `KernelExports.solveRows`).
 */
import type { KernelExports, RowSolvers } from '../abi.js';
import { NON_FINITE_BASE, ROWS_SOLVED } from '../../kernels/job-layout.js';
import { readSolveJob } from '../../kernels/solve-job.js';
import type { MemoryViews } from './views.js';

/** `solveRows` over the reference solvers `S`, in `memory`. */
export function referenceSolveRows(memory: WebAssembly.Memory, { F }: MemoryViews, S: RowSolvers): Pick<KernelExports, 'solveRows'> {
  return {
    solveRows(job, r0, r1, scratch, lossOut) {
      const j = readSolveJob(memory, job);
      const status =
        j.kind === 'implicit'
          ? S.solveImplicitRows(j.out, j.other, j.gram, j.indptr, j.indices, j.values, j.f, j.lambda, r0, r1, scratch, lossOut)
          : j.kind === 'implicit-cg'
            ? S.solveImplicitRowsCG(j.out, j.other, j.gram, j.indptr, j.indices, j.values, j.f, j.lambda, j.steps, r0, r1, scratch, lossOut, j.precision, j.other32)
            : j.kind === 'explicit'
              ? S.solveExplicitRows(j.out, j.other, j.indptr, j.indices, j.values, j.f, j.lambda, j.weighted ? 1 : 0, j.mu, j.biasOther, j.biasOut, r0, r1, scratch)
              : S.solveExplicitRowsCG(j.out, j.other, j.indptr, j.indices, j.values, j.f, j.lambda, j.weighted ? 1 : 0, j.mu, j.biasOther, j.biasOut, j.steps, r0, r1, scratch);
      if (status !== ROWS_SOLVED) return status;
      const M = F();
      for (let u = r0; u < r1; u++) {
        for (let a = 0; a < j.f; a++) if (!Number.isFinite(M[(j.out >>> 3) + u * j.f + a])) return NON_FINITE_BASE - u;
        if (j.biasOut !== 0 && !Number.isFinite(M[(j.biasOut >>> 3) + u])) return NON_FINITE_BASE - u;
      }
      return ROWS_SOLVED;
    },
  };
}
