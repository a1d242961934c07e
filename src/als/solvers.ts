/**
 * The solver table: one row per feedback × solver, read by the single-thread sweep and by the
 * pool alike. A row names the kernel (as its pool job code: both paths dispatch through
 * `solveChunk`), what the half-step needs (YᵀY), where the loss comes from, what a row costs
 * (for chunking) and the flops of a half-step (for GFLOP/s). A new solver is one row.
 * see: benfred/implicit picks its solver once (`functools.partial(solver, cg_steps=…)`).
 */
import { PROTOCOL } from '../parallel/protocol.js';
import { PRECISION_CODES, type Feedback, type ResolvedTrainOptions, type Solver } from './options.js';

/** One feedback × solver. */
export interface SolverRow {
  /** The pool job code, which also selects the kernel on one thread (see `solveChunk`). */
  job: number;
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
    cholesky: { job: PROTOCOL.JOB_IMPLICIT, gram: true, loss: 'item-sweep', chunkCost: () => undefined, flops: choleskyFlops },
    // CG rows cost (steps + 1) products: YᵀY·p and two passes over the row's panel.
    cg: { job: PROTOCOL.JOB_CG, gram: true, loss: 'item-sweep', chunkCost: (f, k, steps) => (nnzRow) => (steps + 1) * (f * f + 2 * nnzRow * k), flops: cgFlops },
  },
  explicit: {
    cholesky: { job: PROTOCOL.JOB_EXPLICIT, gram: false, loss: 'observed-pass', chunkCost: () => undefined, flops: choleskyFlops },
    cg: { job: PROTOCOL.JOB_EXPLICIT_CG, gram: false, loss: 'observed-pass', chunkCost: (_f, k, steps) => (nnzRow) => (steps + 1) * (k + 2 * nnzRow * k), flops: cgFlops },
  },
};

/** The row of a run's options. */
export function solverFor(opts: Pick<ResolvedTrainOptions, 'feedback' | 'solver'>): SolverRow {
  return SOLVERS[opts.feedback][opts.solver];
}

/**
 * Whether a run's half-steps gather from an f32 copy of the other side's factors: implicit CG
 * with `precision: 'mixed'` (made by `toF32Rows` before each half-step; see the kernel ABI).
 */
export function usesF32Copy(opts: Pick<ResolvedTrainOptions, 'feedback' | 'solver' | 'precision'>): boolean {
  return solverFor(opts).job === PROTOCOL.JOB_CG && PRECISION_CODES[opts.precision] !== 0;
}
