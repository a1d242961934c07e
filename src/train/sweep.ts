/**
 * The work of one iteration on a laid-out run: a half-step (every row of one side solved,
 * one `solveRows` call per chunk, on one thread or claimed by the pool's threads), YᵀY, and
 * the loss. Both paths read the same solve job record, use the same chunks and the same order
 * of partial sums, so factors and losses are bit-identical for any thread count.
 */
import { throwIfAborted } from '../errors.js';
import { SOLVE_JOB_BYTES, writeSolveJob, type SolveJob } from '../kernels/solve-job.js';
import { rowsFailure, solveRows, type RowsFailure } from '../kernels/solve-rows.js';
import type { PoolLease } from '../parallel/lease.js';
import { PROTOCOL } from '../parallel/protocol.js';
import type { Yielder } from '../util/yield.js';
import type { KernelRuntime } from '../wasm/kernels.js';
import type { Layout, SideLayout } from './layout.js';
import type { TrainProgress } from './options.js';
import type { RowErrors, Side } from './row-errors.js';
import { solveJobOf, type SolverRow } from './solvers.js';

/** f64 slots per chunk result. */
const RESULT_F64 = PROTOCOL.RESULT_BYTES / 8;

/** Runs the half-steps, YᵀY and the loss of one run. */
export class Sweeper {
  private readonly threads: number;
  /** XᵀX of the last user half-step (implicit), for the loss. */
  private readonly userGram: Float64Array;

  constructor(
    private readonly rt: KernelRuntime,
    private readonly L: Layout,
    private readonly solver: SolverRow,
    private readonly lease: PoolLease | undefined,
    private readonly errors: RowErrors,
    private readonly yielder: Yielder,
    private readonly emit: (p: TrainProgress) => void,
    private readonly signal?: AbortSignal,
  ) {
    this.threads = lease?.threads ?? 1;
    this.userGram = new Float64Array(solver.gram ? L.f * L.f : 0);
  }

  /** One iteration: users with Y fixed, then items with X fixed (YᵀY kept current for the next); returns the loss. */
  async iterate(restart: number, it: number): Promise<number> {
    const { L } = this;
    await this.halfStep('users', restart, it);
    if (this.solver.gram) {
      await this.gramian(L.X, L.m);
      this.userGram.set(this.rt.arena.f64(L.G, L.f * L.f)); // XᵀX, for the loss (G becomes YᵀY)
    }
    await this.halfStep('items', restart, it);
    if (this.solver.gram) await this.gramian(L.Y, L.n); // reused by the loss and by the next user step
    return this.loss();
  }

  /** YᵀY into G (one call, or the pool's threads over 4-row blocks: the same bits). */
  async gramian(Y: number, rows: number): Promise<void> {
    const { f, G } = this.L;
    if (!this.lease) return this.rt.exports.gramian(Y, rows, f, G);
    await this.lease.pool.run({ kind: 'gram', Y, n: rows, k: f, out: G, count: Math.ceil(f / 4) }, { threads: this.threads });
  }

  /** The solve job of a half-step: this side's rows against the other side, under the run's options. */
  private job(side: Side): SolveJob {
    const { L } = this;
    const s = side === 'users' ? L.users : L.items;
    const [out, other, biasOut, biasOther] = side === 'users' ? [L.X, L.Y, L.bu, L.bi] : [L.Y, L.X, L.bi, L.bu];
    const mu = L.opts.feedback === 'explicit' ? L.globalMean : 0;
    return solveJobOf(L.opts, { out, other, gram: this.solver.gram ? L.G : 0, indptr: s.indptrPtr, indices: s.indicesPtr, values: s.valuesPtr, mu, biasOther, biasOut, other32: L.other32 });
  }

  /** Solves every row of one side, checking each chunk's result. */
  private async halfStep(side: Side, restart: number, it: number): Promise<void> {
    const { L, rt } = this;
    const s = side === 'users' ? L.users : L.items;
    // Written at every half-step (a few stores): the record always says what this run's options say.
    const jobPtr = side === 'users' ? L.jobs : L.jobs + SOLVE_JOB_BYTES;
    const job = this.job(side);
    writeSolveJob(rt.memory, jobPtr, job);
    // Mixed CG gathers the other side's rows from their f32 copy, made once here (one pass over
    // them; deterministic, so every thread count sees the same bits).
    if (job.other32 !== 0) rt.exports.toF32Rows(job.other, side === 'users' ? L.n : L.m, L.f, job.other32);
    // The implicit item half-step also leaves each chunk's share of the loss in its result.
    const wantLoss = this.solver.loss === 'item-sweep' && side === 'items';
    if (this.lease) return this.halfStepPool(side, restart, it, s, jobPtr, wantLoss);
    const { chunks } = s;
    for (let c = 0; c + 1 < chunks.length; c++) {
      const r0 = chunks[c];
      const r1 = chunks[c + 1];
      const lossOut = wantLoss ? s.resultsPtr + c * PROTOCOL.RESULT_BYTES : 0;
      const failure = rowsFailure(solveRows(rt.exports, jobPtr, r0, r1, L.scratch, lossOut));
      if (failure) throw this.rowError(side, failure, it);
      this.emit({ stage: 'sweep', restart, iteration: it + 1, side, rowsDone: r1, rowsTotal: s.rows });
      throwIfAborted(this.signal);
      await this.yielder.maybe();
      throwIfAborted(this.signal);
    }
  }

  /**
   * The half-step on the pool: the same chunks, claimed by every thread; then the chunk
   * results in chunk order, so the error is the one a single thread would have raised first.
   */
  private async halfStepPool(side: Side, restart: number, it: number, s: SideLayout, job: number, wantLoss: boolean): Promise<void> {
    const { L } = this;
    const count = s.chunks.length - 1;
    const ran = PROTOCOL.RESULT_RAN;
    const res = this.rt.arena.i32(s.resultsPtr, 4 * count);
    for (let c = 0; c < count; c++) res[4 * c + ran] = 0;
    await this.lease!.pool.run({ kind: 'solve', job, bounds: s.boundsPtr, results: s.resultsPtr, scratch: L.scratch, scratchStride: L.scratchStride, wantLoss, count }, {
      threads: this.threads,
      signal: this.signal,
      yielder: this.yielder,
      onChunk: (rowsDone) => this.emit({ stage: 'sweep', restart, iteration: it + 1, side, rowsDone, rowsTotal: s.rows }),
    });
    const after = this.rt.arena.i32(s.resultsPtr, 4 * count);
    for (let c = 0; c < count; c++) {
      if (after[4 * c + ran] === 0) break; // the job stopped before this chunk (only after a failure)
      const failure = rowsFailure(after[4 * c + PROTOCOL.RESULT_CODE]);
      if (failure) throw this.rowError(side, failure, it);
    }
    this.emit({ stage: 'sweep', restart, iteration: it + 1, side, rowsDone: s.rows, rowsTotal: s.rows });
    throwIfAborted(this.signal);
  }

  /** The error of a failed row (inside numbering). */
  private rowError(side: Side, failure: RowsFailure, it: number): Error {
    return failure.reason === 'not-positive-definite' ? this.errors.notPositiveDefinite(side, failure.row, it) : this.errors.nonFinite(side, failure.row, it);
  }

  /** L = data term (observed-only squared error, or Hu et al.'s weighted loss without densifying) + regularisation. */
  private async loss(): Promise<number> {
    const { L, rt } = this;
    const { m, n, f } = L;
    let data = 0;
    if (this.solver.loss === 'item-sweep') {
      // Σ_u x_uᵀ·YᵀY·x_u = ⟨XᵀX, YᵀY⟩ (Frobenius), from the two Gram matrices: f² work.
      const itemGram = rt.arena.f64(L.G, f * f);
      for (let j = 0; j < f * f; j++) data += this.userGram[j] * itemGram[j];
      // The observed entries' part: the item half-step left each chunk's share in its results,
      // summed here in chunk order.
      const count = L.items.chunks.length - 1;
      const partial = rt.arena.f64(L.items.resultsPtr, RESULT_F64 * count);
      for (let c = 0; c < count; c++) data += partial[RESULT_F64 * c];
    } else if (this.lease) {
      data = await this.observedLossPool();
    } else {
      const s = L.users;
      const chunks = s.chunks;
      for (let c = 0; c + 1 < chunks.length; c++) {
        data += rt.exports.explicitLossRows(L.X, L.Y, s.indptrPtr, s.indicesPtr, s.valuesPtr, f, L.globalMean, L.bu, L.bi, chunks[c], chunks[c + 1]);
        await this.yielder.maybe();
        throwIfAborted(this.signal);
      }
    }
    const weighted = L.opts.feedback === 'explicit' && L.opts.weightedRegularization;
    const reg =
      weightedSquares(rt.arena.f64(L.X, m * f), m, f, weighted ? L.users.weights : null, L.biases ? rt.arena.f64(L.bu, m) : null) +
      weightedSquares(rt.arena.f64(L.Y, n * f), n, f, weighted ? L.items.weights : null, L.biases ? rt.arena.f64(L.bi, n) : null);
    return data + L.opts.regularization * reg;
  }

  /** The explicit loss's data term on the pool: one partial sum per chunk, added in chunk order (the single-thread order). */
  private async observedLossPool(): Promise<number> {
    const { L } = this;
    const s = L.users;
    const count = s.chunks.length - 1;
    const job = { kind: 'explicit-loss', X: L.X, Y: L.Y, indptr: s.indptrPtr, indices: s.indicesPtr, values: s.valuesPtr, f: L.f, mu: L.globalMean, biasRow: L.bu, biasCol: L.bi, bounds: s.boundsPtr, results: s.resultsPtr, count } as const;
    await this.lease!.pool.run(job, { threads: this.threads, signal: this.signal, yielder: this.yielder });
    const partial = this.rt.arena.f64(s.resultsPtr, RESULT_F64 * count);
    let data = 0;
    for (let c = 0; c < count; c++) data += partial[RESULT_F64 * c];
    return data;
  }
}

/** Σ_r w_r (‖row_r‖² + b_r²), w_r = 1 when `weights` is null. */
function weightedSquares(M: Float64Array, rows: number, f: number, weights: Float64Array | null, bias: Float64Array | null): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const o = r * f;
    for (let j = 0; j < f; j++) s += M[o + j] * M[o + j];
    if (bias) s += bias[r] * bias[r];
    total += weights ? weights[r] * s : s;
  }
  return total;
}
