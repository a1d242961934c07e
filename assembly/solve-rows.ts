// The one row-solve entry point: reads the solve job record (job-layout.ts) and runs its kind's
// half-step kernel over rows [r0, r1), then checks the rows it wrote. Every caller — the
// single-thread sweep, each pool thread, incremental update and fold-in — comes through here,
// so which kernel a job runs is decided by one field of one record, not by each caller.
import {
  JOB_BIAS_OTHER, JOB_BIAS_OUT, JOB_F, JOB_GRAM, JOB_INDICES, JOB_INDPTR, JOB_KIND, JOB_LAMBDA, JOB_MU,
  JOB_OTHER, JOB_OTHER32, JOB_OUT, JOB_PRECISION, JOB_STEPS, JOB_VALUES, JOB_WEIGHTED,
  KIND_EXPLICIT, KIND_EXPLICIT_CG, KIND_IMPLICIT, KIND_IMPLICIT_CG, NON_FINITE_BASE, ROWS_SOLVED,
} from './job-layout';
import { solveExplicitRows } from './solve-explicit';
import { solveExplicitRowsCG } from './solve-cg-explicit';
import { solveImplicitRows } from './solve-implicit';
import { solveImplicitRowsCG } from './solve-cg';

/**
 * Solves rows [r0, r1) of the half-step described by the record at `job`, in `scratch`
 * (scratchBytes / scratchBytesCG for the job's solve dimension and longest row). Implicit
 * kinds with `lossOut` ≠ 0 also store there (f64) the rows' observed share of the loss.
 * Returns ROWS_SOLVED (−1); a row r ≥ 0, the first whose system was not positive definite (rows
 * after it untouched); or NON_FINITE_BASE − r for the first row r whose factors (or bias) came
 * out non-finite. An unknown kind traps.
 */
export function solveRows(job: usize, r0: i32, r1: i32, scratch: usize, lossOut: usize): i32 {
  const kind = load<i32>(job + JOB_KIND);
  const f = load<i32>(job + JOB_F);
  const out = <usize>load<u32>(job + JOB_OUT);
  const other = <usize>load<u32>(job + JOB_OTHER);
  const indptr = <usize>load<u32>(job + JOB_INDPTR);
  const indices = <usize>load<u32>(job + JOB_INDICES);
  const values = <usize>load<u32>(job + JOB_VALUES);
  const lambda = load<f64>(job + JOB_LAMBDA);
  const biasOut = <usize>load<u32>(job + JOB_BIAS_OUT);
  let status: i32;
  if (kind == KIND_IMPLICIT) {
    status = solveImplicitRows(out, other, <usize>load<u32>(job + JOB_GRAM), indptr, indices, values, f, lambda, r0, r1, scratch, lossOut);
  } else if (kind == KIND_IMPLICIT_CG) {
    const precision = load<i32>(job + JOB_PRECISION);
    status = solveImplicitRowsCG(out, other, <usize>load<u32>(job + JOB_GRAM), indptr, indices, values, f, lambda, load<i32>(job + JOB_STEPS), r0, r1, scratch, lossOut, precision, <usize>load<u32>(job + JOB_OTHER32));
  } else if (kind == KIND_EXPLICIT) {
    status = solveExplicitRows(out, other, indptr, indices, values, f, lambda, load<i32>(job + JOB_WEIGHTED), load<f64>(job + JOB_MU), <usize>load<u32>(job + JOB_BIAS_OTHER), biasOut, r0, r1, scratch);
  } else if (kind == KIND_EXPLICIT_CG) {
    status = solveExplicitRowsCG(out, other, indptr, indices, values, f, lambda, load<i32>(job + JOB_WEIGHTED), load<f64>(job + JOB_MU), <usize>load<u32>(job + JOB_BIAS_OTHER), biasOut, load<i32>(job + JOB_STEPS), r0, r1, scratch);
  } else {
    unreachable();
    return ROWS_SOLVED;
  }
  if (status != ROWS_SOLVED) return status;
  // Every caller refuses non-finite factors: checked here, on the rows just written (in cache).
  const fBytes = <usize>f << 3;
  for (let u = r0; u < r1; u++) {
    const x = out + <usize>u * fBytes;
    for (let j = 0; j < f; j++) {
      if (!isFinite(load<f64>(x + (<usize>j << 3)))) return NON_FINITE_BASE - u;
    }
    if (biasOut != 0 && !isFinite(load<f64>(biasOut + (<usize>u << 3)))) return NON_FINITE_BASE - u;
  }
  return ROWS_SOLVED;
}
