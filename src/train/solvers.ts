/**
 * The solver table: one row per feedback × solver. A row names the kind of solve job its
 * half-steps are (which the one row-solve kernel, `solveRows`, dispatches on — for the training
 * sweep on one thread or on the pool, for incremental update and for fold-in alike: see
 * {@link solveJobOf}), what the half-step needs (YᵀY, an f32 copy), where the loss comes from,
 * what a row costs (for chunking) and the flops of a half-step (for GFLOP/s). A new solver is
 * one row here (and its kernel behind a new kind).
 * see: benfred/implicit picks its solver once (`functools.partial(solver, cg_steps=…)`).
 */
import { PRECISION_CODES, type SolveJob, type SolveKind } from '../kernels/solve-job.js';
import type { Feedback, ResolvedTrainOptions, Solver } from './options.js';

/** One feedback × solver. */
export interface SolverRow {
  /** The kind of solve job its half-steps are: selects the kernel, wherever rows are solved. */
  kind: SolveKind;
  /** With `precision` other than f64, the kernel gathers from an f32 copy of the other side's factors (`toF32Rows`, made before each half-step). */
  f32Copy: boolean;
  /** The system includes YᵀY (implicit feedback: every pair counts), recomputed after each half-step. */
  gram: boolean;
  /**
   * Where the loss's data term comes from: the item half-step's per-chunk results (implicit:
   * the kernels sum it while each item's vectors are in cache), or a pass over the observed
   * pairs after the sweep (explicit).
   */
  loss: 'item-sweep' | 'observed-pass';
  /** Flops of a row with `nnzRow` entries, for cutting chunks; undefined = the Cholesky cost `chunkRows` assumes. */
  chunkCost(f: number, k: number, steps: number): ((nnzRow: number) => number) | undefined;
  /** Kernel flops of one half-step over `rows` rows with `nnz` entries; `gramRows` rows of the other side make YᵀY. */
  flops(rows: number, nnz: number, k: number, gramRows: number, steps: number): number;
}

/** Gram multiply-adds ×2, Cholesky, two triangular solves, plus YᵀY. */
const choleskyFlops = (rows: number, nnz: number, k: number, gramRows: number) => nnz * k * (k + 1) + rows * ((k * k * k) / 3 + 2 * k * k) + gramRows * k * k;

/**
 * (steps + 1) products A·v, each 2·nnz_u·k multiply-adds over the row's panel plus, implicit
 * (gramRows > 0), YᵀY·v's k²; plus YᵀY.
 */
const cgFlops = (rows: number, nnz: number, k: number, gramRows: number, steps: number) => 2 * (steps + 1) * (rows * (gramRows > 0 ? k * k : k) + 2 * nnz * k) + gramRows * k * k;

/** The table. */
export const SOLVERS: Readonly<Record<Feedback, Readonly<Record<Solver, SolverRow>>>> = {
  implicit: {
    cholesky: { kind: 'implicit', f32Copy: false, gram: true, loss: 'item-sweep', chunkCost: () => undefined, flops: choleskyFlops },
    // CG rows cost (steps + 1) products: YᵀY·p and two passes over the row's panel.
    cg: { kind: 'implicit-cg', f32Copy: true, gram: true, loss: 'item-sweep', chunkCost: (f, k, steps) => (nnzRow) => (steps + 1) * (f * f + 2 * nnzRow * k), flops: cgFlops },
  },
  explicit: {
    cholesky: { kind: 'explicit', f32Copy: false, gram: false, loss: 'observed-pass', chunkCost: () => undefined, flops: choleskyFlops },
    cg: { kind: 'explicit-cg', f32Copy: false, gram: false, loss: 'observed-pass', chunkCost: (_f, k, steps) => (nnzRow) => (steps + 1) * (k + 2 * nnzRow * k), flops: cgFlops },
  },
};

/** The row of a run's options. */
export function solverFor(opts: Pick<ResolvedTrainOptions, 'feedback' | 'solver'>): SolverRow {
  return SOLVERS[opts.feedback][opts.solver];
}

/**
 * Whether a run's half-steps gather from an f32 copy of the other side's factors: a solver
 * that can (implicit CG) with a precision other than f64 (made by `toF32Rows` before each
 * half-step; see the kernel ABI).
 */
export function usesF32Copy(opts: Pick<ResolvedTrainOptions, 'feedback' | 'solver' | 'precision'>): boolean {
  return solverFor(opts).f32Copy && opts.precision !== 'f64';
}

/** Where a half-step's buffers are (byte pointers into the kernels' memory; 0 = none): the part of a {@link SolveJob} the options do not give. */
export type SolveBuffers = Pick<SolveJob, 'out' | 'other' | 'gram' | 'indptr' | 'indices' | 'values' | 'mu' | 'biasOther' | 'biasOut' | 'other32'>;

/**
 * The solve job of a half-step under `opts`: the kind from the solver table, λ, ALS-WR, the CG
 * steps and the precision code from the options, the buffers from the caller. The one place
 * options become a job — training's sweep, incremental update and fold-in all build theirs here.
 */
export function solveJobOf(
  opts: Pick<ResolvedTrainOptions, 'feedback' | 'solver' | 'factors' | 'regularization' | 'weightedRegularization' | 'cgSteps' | 'precision'>,
  buffers: SolveBuffers,
): SolveJob {
  return {
    ...buffers,
    kind: solverFor(opts).kind,
    f: opts.factors,
    lambda: opts.regularization,
    weighted: opts.feedback === 'explicit' && opts.weightedRegularization,
    steps: opts.cgSteps,
    precision: PRECISION_CODES[opts.precision],
  };
}
