/**
 * The one solve routine: rows [r0, r1) of the half-step a solve job record describes
 * (./solve-job.ts), by whichever kernel its `kind` names, with the rows' output checked. The
 * single-thread sweep, every pool thread, incremental update and fold-in call {@link solveRows};
 * {@link rowsFailure} reads its result.
 */
import { NON_FINITE_BASE, ROWS_SOLVED } from './job-layout.js';

/** The kernel entry {@link solveRows} calls (every kernel build has it: see `KernelExports.solveRows`). */
export interface SolveRowsKernel {
  /** The kernel: see `KernelExports.solveRows` in src/wasm/abi.ts. */
  solveRows(job: number, r0: number, r1: number, scratch: number, lossOut: number): number;
}

/**
 * Solves rows [r0, r1) of the job whose record is at `job`, in `scratch` (per thread; sized by
 * `scratchBytes` / `scratchBytesCG` for the job's solve dimension and longest row).
 *
 * SELF-CONTAINED (no module-level names): pool helpers run it from its source text (see
 * src/parallel/helper-threads.ts), so this exact function is what every thread calls.
 * @param K - the kernels (any build)
 * @param lossOut - implicit kinds: where to store (f64) the rows' observed share of the loss; 0 = not asked
 * @returns the result code: −1 solved; ≥ 0 the first row not positive definite; ≤ −2 a row with
 *   non-finite output — read it with {@link rowsFailure}
 */
export function solveRows(K: SolveRowsKernel, job: number, r0: number, r1: number, scratch: number, lossOut: number): number {
  return K.solveRows(job, r0, r1, scratch, lossOut);
}

/** What went wrong in a call of {@link solveRows}: the row (in the job's CSR numbering) and why. */
export interface RowsFailure {
  /** `not-positive-definite`: the row's system could not be solved (rows after it were left untouched); `non-finite`: its factors or bias came out NaN or ±∞. */
  reason: 'not-positive-definite' | 'non-finite';
  /** The failing row. */
  row: number;
}

/**
 * The failure a {@link solveRows} result code reports, or undefined when every row was solved.
 * @example
 * const failure = rowsFailure(solveRows(rt.exports, jobPtr, 0, rows, scratch, 0));
 * if (failure) throw rowError(failure.reason, failure.row);
 */
export function rowsFailure(code: number): RowsFailure | undefined {
  if (code === ROWS_SOLVED) return undefined;
  return code >= 0 ? { reason: 'not-positive-definite', row: code } : { reason: 'non-finite', row: NON_FINITE_BASE - code };
}
