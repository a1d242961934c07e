/**
 * The row solvers by their maths' positional signatures (`RowSolvers` in src/wasm/abi.ts), each
 * call described as a solve job record and run by the one `solveRows`: how the kernel tests
 * reach every kind of every build through the real entry point. The record is allocated in the
 * runtime's arena at each call (tests read their buffers through fresh views afterwards).
 */
import { SOLVE_JOB_BYTES, writeSolveJob, type SolveJob } from '../../src/kernels/solve-job.js';
import { solveRows } from '../../src/kernels/solve-rows.js';
import type { RowSolvers } from '../../src/wasm/abi.js';
import type { KernelRuntime } from '../../src/wasm/kernels.js';

const NONE = { gram: 0, weighted: false, mu: 0, biasOther: 0, biasOut: 0, steps: 0, precision: 0, other32: 0 } as const;

/** Writes `job` into `rt`'s memory and solves rows [r0, r1) of it; returns `solveRows`' result code. */
export function solveJob(rt: KernelRuntime, job: SolveJob, r0: number, r1: number, scratch: number, lossOut = 0): number {
  const at = rt.arena.alloc(SOLVE_JOB_BYTES);
  writeSolveJob(rt.memory, at, job);
  return solveRows(rt.exports, at, r0, r1, scratch, lossOut);
}

/** The four kinds of `rt` as positional functions (through the job record and `solveRows`). */
export function jobSolvers(rt: KernelRuntime): RowSolvers {
  return {
    solveImplicitRows: (X, Y, YtY, indptr, indices, conf, f, lambda, r0, r1, scratch, lossOut) =>
      solveJob(rt, { ...NONE, kind: 'implicit', out: X, other: Y, gram: YtY, indptr, indices, values: conf, f, lambda }, r0, r1, scratch, lossOut),
    solveImplicitRowsCG: (X, Y, YtY, indptr, indices, conf, f, lambda, steps, r0, r1, scratch, lossOut, precision, Y32) =>
      solveJob(rt, { ...NONE, kind: 'implicit-cg', out: X, other: Y, gram: YtY, indptr, indices, values: conf, f, lambda, steps, precision: precision as SolveJob['precision'], other32: Y32 }, r0, r1, scratch, lossOut),
    solveExplicitRows: (X, Y, indptr, indices, ratings, f, lambda, weighted, mu, biasOther, biasOut, r0, r1, scratch) =>
      solveJob(rt, { ...NONE, kind: 'explicit', out: X, other: Y, indptr, indices, values: ratings, f, lambda, weighted: weighted !== 0, mu, biasOther, biasOut }, r0, r1, scratch),
    solveExplicitRowsCG: (X, Y, indptr, indices, ratings, f, lambda, weighted, mu, biasOther, biasOut, steps, r0, r1, scratch) =>
      solveJob(rt, { ...NONE, kind: 'explicit-cg', out: X, other: Y, indptr, indices, values: ratings, f, lambda, weighted: weighted !== 0, mu, biasOther, biasOut, steps }, r0, r1, scratch),
  };
}
