/**
 * The work of one iteration on a laid-out run: a half-step (every row of one side solved,
 * one kernel call per chunk, on one thread or claimed by the pool's threads), YᵀY, and the
 * loss. Both paths use the same chunks, the same kernel dispatch (`solveChunk`) and the same
 * order of partial sums, so factors and losses are bit-identical for any thread count.
 */
import { throwIfAborted } from '../errors.js';
import type { PoolLease } from '../parallel/lease.js';
import { firstNonFinite, solveChunk, type ChunkKernels } from '../parallel/helper.js';
import { PROTOCOL } from '../parallel/protocol.js';
import type { Yielder } from '../util/yield.js';
import type { KernelRuntime } from '../wasm/kernels.js';
import type { Layout, SideLayout } from './layout.js';
import { PRECISION_CODES, type TrainProgress } from './options.js';
import type { RowErrors, Side } from './row-errors.js';
import type { SolverRow } from './solvers.js';

/** f64 slots per chunk result. */
const RESULT_F64 = PROTOCOL.RESULT_BYTES / 8;

/** Runs the half-steps, YᵀY and the loss of one run. */
export class Sweeper {
  private readonly K: ChunkKernels;
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
    this.K = rt.exports as unknown as ChunkKernels;
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
    await this.lease.pool.run({ kind: PROTOCOL.JOB_GRAM, params: [Y, rows, f, G], count: Math.ceil(f / 4) }, { threads: this.threads });
  }

  /** The job parameters of a half-step (see PROTOCOL.PARAMS). */
  private params(side: Side): number[] {
    const { L } = this;
    const s = side === 'users' ? L.users : L.items;
    const [out, other, biasOut, biasOther] = side === 'users' ? [L.X, L.Y, L.bu, L.bi] : [L.Y, L.X, L.bi, L.bu];
    const explicit = L.opts.feedback === 'explicit';
    const weighted = explicit && L.opts.weightedRegularization ? 1 : 0;
    // The implicit item half-step also leaves each chunk's share of the loss in its result.
    const wantLoss = this.solver.loss === 'item-sweep' && side === 'items' ? 1 : 0;
    return [out, other, L.G, s.indptrPtr, s.indicesPtr, s.valuesPtr, L.f, L.opts.regularization, weighted, explicit ? L.globalMean : 0, biasOther, biasOut, s.boundsPtr, s.resultsPtr, L.scratch, L.scratchStride, L.opts.cgSteps, wantLoss, PRECISION_CODES[L.opts.precision], L.other32];
  }

  /** Solves every row of one side, checking each chunk's status and output. */
  private async halfStep(side: Side, restart: number, it: number): Promise<void> {
    const s = side === 'users' ? this.L.users : this.L.items;
    const params = this.params(side);
    // Mixed CG gathers the other side's rows from their f32 copy, made once here (one pass over
    // them; deterministic, so every thread count sees the same bits).
    if (this.L.other32 !== 0) this.rt.exports.toF32Rows(params[1], side === 'users' ? this.L.n : this.L.m, this.L.f, this.L.other32);
    if (this.lease) return this.halfStepPool(side, restart, it, s, params);
    const { chunks } = s;
    const f = this.L.f;
    const out = params[0];
    for (let c = 0; c + 1 < chunks.length; c++) {
      const r0 = chunks[c];
      const r1 = chunks[c + 1];
      const lossOut = params[17] !== 0 ? s.resultsPtr + c * PROTOCOL.RESULT_BYTES : 0;
      const status = solveChunk(this.K, PROTOCOL, this.solver.job, params, r0, r1, this.L.scratch, lossOut);
      if (status >= 0) throw this.errors.notPositiveDefinite(side, status, it);
      const bad = firstNonFinite(this.rt.arena.f64(out + r0 * f * 8, (r1 - r0) * f));
      if (bad >= 0) throw this.errors.nonFinite(side, r0 + Math.floor(bad / f), it);
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
  private async halfStepPool(side: Side, restart: number, it: number, s: SideLayout, params: number[]): Promise<void> {
    const count = s.chunks.length - 1;
    const res = this.rt.arena.i32(s.resultsPtr, 4 * count);
    for (let c = 0; c < count; c++) res[4 * c + 3] = -2; // "not run"
    await this.lease!.pool.run({ kind: this.solver.job, params, count }, {
      threads: this.threads,
      signal: this.signal,
      yielder: this.yielder,
      onChunk: (rowsDone) => this.emit({ stage: 'sweep', restart, iteration: it + 1, side, rowsDone, rowsTotal: s.rows }),
    });
    const after = this.rt.arena.i32(s.resultsPtr, 4 * count);
    for (let c = 0; c < count; c++) {
      if (after[4 * c + 3] === -2) break; // the job stopped before this chunk (only after a failure)
      if (after[4 * c + 2] >= 0) throw this.errors.notPositiveDefinite(side, after[4 * c + 2], it);
      if (after[4 * c + 3] >= 0) throw this.errors.nonFinite(side, s.chunks[c] + Math.floor(after[4 * c + 3] / this.L.f), it);
    }
    this.emit({ stage: 'sweep', restart, iteration: it + 1, side, rowsDone: s.rows, rowsTotal: s.rows });
    throwIfAborted(this.signal);
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
    const params = [L.X, L.Y, L.G, s.indptrPtr, s.indicesPtr, s.valuesPtr, L.f, 0, 0, L.globalMean, L.bu, L.bi, s.boundsPtr, s.resultsPtr, L.scratch, L.scratchStride];
    await this.lease!.pool.run({ kind: PROTOCOL.JOB_EXPLICIT_LOSS, params, count }, { threads: this.threads, signal: this.signal, yielder: this.yielder });
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
