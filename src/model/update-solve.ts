/**
 * A half-step restricted to some rows: the same kernels and the same maths as training's
 * half-step (explicit with biases, implicit with each confidence form, Cholesky and CG), on a
 * compact CSR of just those rows against the whole other side. Cost: O(Σ touched nnz·f² + t·f³),
 * plus the other side's Gram (n·f², implicit only).
 */
import { AlsError, throwIfAborted } from '../errors.js';
import type { Csr, IdMap } from '../data/types.js';
import type { KernelRuntime } from '../wasm/kernels.js';
import { align } from '../wasm/arena.js';
import { f32RowBytes } from '../wasm/abi.js';
import { toConfidence } from '../train/confidence.js';
import { SOLVE_JOB_BYTES, writeSolveJob } from '../kernels/solve-job.js';
import { rowsFailure, solveRows } from '../kernels/solve-rows.js';
import type { ResolvedTrainOptions } from '../train/options.js';
import { chunkRows, VALUE_BYTES } from '../train/budget.js';
import { solveJobOf, usesF32Copy } from '../train/solvers.js';
import { MAX_VALUE_MAGNITUDE, MIN_VALUE_MAGNITUDE, underflowsF32 } from '../train/values.js';
import { Yielder } from '../util/yield.js';

/** Progress of an update: rows solved on one side. */
export interface UpdateProgress {
  /** Always `'update'`. */
  stage: 'update';
  /** Which side is being solved. */
  side: 'users' | 'items';
  /** Rows of this side solved so far. */
  rowsDone: number;
  /** Rows of this side to solve. */
  rowsTotal: number;
}

/** One restricted half-step. */
export interface RowSolve {
  /** `users` (against the item factors) or `items` (against the user factors). */
  side: 'users' | 'items';
  /** The rows solved (caller numbering), for messages. */
  rows: Int32Array;
  /** Their interactions: row k is `rows[k]`, indices are rows of `other`, values raw (aggregated). */
  csr: Csr;
  /** The other side's factors (all its rows), row-major. */
  other: Float64Array;
  /** The other side's biases (explicit with biases). */
  otherBiases?: Float64Array;
  /** Start values of the solved rows (CG warms up from them; Cholesky ignores them). */
  start: Float64Array;
  /** Start biases of the solved rows (explicit with biases). */
  startBiases?: Float64Array;
  /** μ (explicit with biases; else 0). */
  globalMean: number;
  /** Ids of this side, for messages. */
  ids: IdMap;
}

/** Work per kernel call (flops): a chunk of a few ms keeps progress and cancel prompt. */
const CHUNK_FLOPS = 5e7;

/**
 * Solves `job.rows` with the other side fixed, in `rt`'s memory (its arena is reset): training's
 * half-step (the solve job `solveJobOf` makes, run by the one `solveRows`) on these rows only.
 * @param rt - the kernel runtime to run in
 * @param opts - the model's options (feedback, λ, confidence, solver, CG steps)
 * @param job - rows, their interactions and the other side
 * @param hooks - progress and cancellation
 * @returns the new factors (and biases) of the rows, row-major in `job.rows` order
 * @throws AlsError `NOT_POSITIVE_DEFINITE`, `NON_FINITE` naming the row's id; `AbortError`
 */
export async function solveSomeRows(
  rt: KernelRuntime,
  opts: ResolvedTrainOptions,
  job: RowSolve,
  hooks: { onProgress?: (p: UpdateProgress) => void; signal?: AbortSignal } = {},
): Promise<{ factors: Float64Array; biases?: Float64Array }> {
  const { csr, side } = job;
  const f = opts.factors;
  const explicit = opts.feedback === 'explicit';
  const biases = explicit && opts.biases;
  const k = biases ? f + 1 : f;
  const t = csr.rows;
  const nOther = job.other.length / f;
  const K = rt.exports;
  rt.arena.reset();
  const values = explicit ? Float64Array.from(csr.values) : toConfidence(csr.values, opts.confidence, opts.alpha, opts.epsilon);
  checkValues(values, job, explicit);
  let maxRow = 0;
  for (let r = 0; r < t; r++) maxRow = Math.max(maxRow, csr.indptr[r + 1] - csr.indptr[r]);
  const otherP = rt.arena.putF64(job.other);
  const Gp = explicit ? 0 : rt.arena.alloc(8 * f * f);
  if (!explicit) K.gramian(otherP, nOther, f, Gp);
  // Mixed CG gathers from an f32 copy of the other side, as training's half-steps do.
  const other32P = usesF32Copy(opts) ? rt.arena.alloc(f32RowBytes(f) * nOther) : 0;
  if (other32P !== 0) K.toF32Rows(otherP, nOther, f, other32P);
  const biasOtherP = biases ? rt.arena.putF64(job.otherBiases!) : 0;
  const indptrP = rt.arena.putI32(csr.indptr);
  const indicesP = rt.arena.putI32(csr.indices);
  const valuesP = rt.arena.alloc(VALUE_BYTES * values.length);
  rt.arena.f32(valuesP, values.length).set(values);
  const outP = rt.arena.putF64(job.start);
  const biasOutP = biases ? rt.arena.putF64(job.startBiases!) : 0;
  const scratch = rt.arena.alloc(align(Math.max(K.scratchBytes(k, maxRow), K.scratchBytesCG(k, maxRow)), 64), 64);
  // The same job as training's half-step, on these rows: the kind, λ, steps and precision from the options.
  const jobP = rt.arena.alloc(SOLVE_JOB_BYTES);
  writeSolveJob(rt.memory, jobP, solveJobOf(opts, { out: outP, other: otherP, gram: Gp, indptr: indptrP, indices: indicesP, values: valuesP, mu: job.globalMean, biasOther: biasOtherP, biasOut: biasOutP, other32: other32P }));
  const chunks = chunkRows(csr.indptr, k, CHUNK_FLOPS);
  const yielder = new Yielder();
  for (let c = 0; c + 1 < chunks.length; c++) {
    const r0 = chunks[c];
    const r1 = chunks[c + 1];
    const failure = rowsFailure(solveRows(K, jobP, r0, r1, scratch, 0));
    if (failure?.reason === 'not-positive-definite') throw notPositiveDefinite(job, failure.row, opts);
    if (failure) throw rowError('NON_FINITE', job, failure.row, 'has non-finite factors after the update. Lower alpha (or the values), or raise regularization.');
    hooks.onProgress?.({ stage: 'update', side, rowsDone: r1, rowsTotal: t });
    throwIfAborted(hooks.signal);
    await yielder.maybe();
    throwIfAborted(hooks.signal);
  }
  const factors = rt.arena.f64(outP, t * f).slice();
  const solvedBiases = biases ? rt.arena.f64(biasOutP, t).slice() : undefined;
  rt.arena.reset();
  return { factors, biases: solvedBiases };
}

/** Ratings or confidences the f32 kernels cannot hold are refused, as training refuses them. */
function checkValues(values: Float64Array, job: RowSolve, explicit: boolean): void {
  for (let r = 0; r < job.csr.rows; r++) {
    for (let j = job.csr.indptr[r]; j < job.csr.indptr[r + 1]; j++) {
      if (!(Math.abs(values[j]) <= MAX_VALUE_MAGNITUDE)) {
        throw rowError('NON_FINITE', job, r, `has the ${explicit ? 'rating' : 'confidence'} ${values[j]} (from the value ${job.csr.values[j]}); it must be finite and within ±${MAX_VALUE_MAGNITUDE}. Rescale the values.`);
      }
      // As training refuses it: a nonzero value f32 would store as 0 (issue 26).
      if (underflowsF32(values[j])) {
        throw rowError('NON_FINITE', job, r, `has the ${explicit ? 'rating' : 'confidence'} ${values[j]} (from the value ${job.csr.values[j]}): too small to store — the kernels hold values as 32-bit floats, where it would become 0. Nonzero ${explicit ? 'rating' : 'confidence'}s must have a magnitude of at least ${MIN_VALUE_MAGNITUDE}. Rescale the values (or write 0 where 0 is meant).`, 'underflow');
      }
    }
  }
}

function notPositiveDefinite(job: RowSolve, r: number, opts: ResolvedTrainOptions): AlsError {
  const nnz = job.csr.indptr[r + 1] - job.csr.indptr[r];
  return rowError('NOT_POSITIVE_DEFINITE', job, r, `(${nnz} interactions, ${opts.factors} factors) has a system that is not positive definite.${opts.regularization === 0 ? ' Regularization is 0: train with regularization > 0.' : ' Try increasing the regularization.'}`);
}

/** An error naming the solved row `r` (compact numbering) by its id. */
function rowError(code: 'NON_FINITE' | 'NOT_POSITIVE_DEFINITE', job: RowSolve, r: number, what: string, reason?: string): AlsError {
  const row = job.rows[r];
  const id = job.ids.id(row);
  return new AlsError(code, `While updating, ${job.side === 'users' ? 'user' : 'item'} ${JSON.stringify(id)} ${what}`, { side: job.side, row, id, ...(reason ? { reason } : {}) });
}
