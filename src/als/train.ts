import { AlsError, throwIfAborted } from '../errors.js';
import type { Csr, IdMap, RatingMatrix } from '../data/types.js';
import type { KernelVariant } from '../wasm/abi.js';
import { loadKernels, type KernelRuntime } from '../wasm/kernels.js';
import { formatBytes, MAX_PAGES, PAGE_BYTES } from '../wasm/arena.js';
import { toConfidence } from './confidence.js';
import { initFactors } from './init.js';
import type { ResolvedTrainOptions, TrainProgress } from './options.js';
import { Rng } from './rng.js';
import { now, Yielder } from './yield.js';

/** Learned parameters of a factorisation (plain arrays, independent of any WASM memory). */
export interface Factors {
  /** Factors per row. */
  factors: number;
  /** m × f user factors, row-major. */
  userFactors: Float64Array;
  /** n × f item factors, row-major. */
  itemFactors: Float64Array;
  /** Explicit with biases only: b_u per user. */
  userBiases?: Float64Array;
  /** Explicit with biases only: b_i per item. */
  itemBiases?: Float64Array;
  /** Explicit with biases only: μ, the mean training rating (0 otherwise). */
  globalMean: number;
}

/** What a training run produced, besides the factors. */
export interface TrainReport {
  /** Iterations run by the winning restart. */
  iterations: number;
  /** Loss after each iteration of the winning restart. */
  loss: number[];
  /** Wall-clock seconds of each iteration of the winning restart. */
  secondsPerIteration: number[];
  /** Estimated GFLOP/s of each iteration (kernel work / wall time). */
  gflops: number[];
  /** Whether the tolerance stopped the run before `iterations`. */
  converged: boolean;
  /** Final loss of every restart, in order. */
  restartLosses: number[];
  /** Index of the restart that was kept. */
  bestRestart: number;
  /** Kernel build that ran. */
  kernels: KernelVariant;
  /** Workers actually used (parallel sweeps are not built yet: always 1). */
  workersUsed: number;
}

/** Hooks of a run. */
export interface TrainHooks {
  /** Progress events. */
  onProgress?: (p: TrainProgress) => void;
  /** Cancels between chunks. */
  signal?: AbortSignal;
  /** Names for messages (dense index → id). */
  users?: IdMap;
  /** Names for messages (dense index → id). */
  items?: IdMap;
  /** Use this kernel runtime instead of loading a fresh one (its arena is reset first). */
  runtime?: KernelRuntime;
  /** Called after each iteration with views of the current factors (valid only during the call), e.g. to score held-out data. */
  afterIteration?: (iteration: number, factors: Factors) => void | Promise<void>;
}

/** One orientation of the matrix laid out in WASM memory. */
interface SideLayout {
  rows: number;
  indptr: Int32Array;
  indptrPtr: number;
  indicesPtr: number;
  valuesPtr: number;
  nnz: number;
  /** Chunk boundaries: rows [chunks[c], chunks[c+1]) form one kernel call. */
  chunks: Int32Array;
  /** Row counts as regularisation weights (ALS-WR), or null. */
  weights: Float64Array;
}

/** Work per kernel call, in flops, per kernel build: ~5–20 ms a chunk keeps progress and cancel prompt. */
const CHUNK_FLOPS: Record<KernelVariant, number> = { relaxed: 2e8, simd: 1.5e8, scalar: 5e7, reference: 5e6 };

/**
 * Estimates the WASM memory a run needs, in bytes.
 * @param m - users
 * @param n - items
 * @param nnz - stored interactions
 * @param k - solve dimension (f, or f+1 with biases)
 * @param maxRowNnz - longest row of either orientation
 * @param scratchBytes - the kernels' scratch for that row
 */
export function estimateTrainingBytes(m: number, n: number, nnz: number, k: number, scratchBytes: number): number {
  return PAGE_BYTES + 8 * (m + n) * (k + 1) + 2 * (4 * (m + n + 2) + 12 * nnz) + 8 * k * k + scratchBytes + 1024;
}

/**
 * Trains ALS factors on a rating matrix: alternates the user and the item half-steps, each
 * one kernel call per chunk of rows, until `iterations` or the relative loss change falls
 * below `tolerance`; repeats for `restarts` seeds and keeps the lowest final loss.
 *
 * @param matrix - the matrix in both orientations (values: ratings, or implicit strengths)
 * @param opts - resolved options
 * @param hooks - progress, cancellation, id maps for messages
 * @returns the best factors and the run's report
 * @throws AlsError `NOT_POSITIVE_DEFINITE` (names the row; raise regularization), `NON_FINITE`,
 *   `OUT_OF_MEMORY` (before allocating), `EMPTY_DATA`; an `AbortError` when cancelled
 */
export async function trainFactors(matrix: RatingMatrix, opts: ResolvedTrainOptions, hooks: TrainHooks = {}): Promise<{ factors: Factors; report: TrainReport }> {
  const { byUser, byItem } = matrix;
  const m = byUser.rows;
  const n = byItem.rows;
  if (matrix.nnz === 0 || m === 0 || n === 0) throw new AlsError('EMPTY_DATA', 'There are no interactions to train on.', {});
  throwIfAborted(hooks.signal);
  const f = opts.factors;
  const explicit = opts.feedback === 'explicit';
  const biases = explicit && opts.biases;
  const k = biases ? f + 1 : f;
  const cg = !explicit && opts.solver === 'cg';

  const rt = hooks.runtime ?? (await loadKernels({ variant: opts.kernels }));
  rt.arena.reset();
  const K = rt.exports;
  const maxRowNnz = Math.max(maxNnz(byUser), maxNnz(byItem));
  const scratchBytes = Math.max(K.scratchBytes(k, maxRowNnz), K.scratchBytesCG(f, maxRowNnz));
  const need = estimateTrainingBytes(m, n, matrix.nnz, k, scratchBytes);
  if (need > MAX_PAGES * PAGE_BYTES) {
    throw new AlsError(
      'OUT_OF_MEMORY',
      `Training ${m} users × ${n} items with ${matrix.nnz} interactions and ${f} factors needs about ${formatBytes(need)} of WebAssembly memory; wasm32 allows at most 4 GiB. Use fewer factors or less data.`,
      { neededBytes: need, limitBytes: MAX_PAGES * PAGE_BYTES, users: m, items: n, interactions: matrix.nnz, factors: f },
    );
  }

  // Values the kernels read: signed confidences (implicit) or ratings (explicit).
  const globalMean = biases ? mean(byUser.values) : 0;
  const chunkCost = cg ? (nnzRow: number) => (opts.cgSteps + 1) * (f * f + 2 * nnzRow * f) : undefined;
  const userSide = layoutSide(rt, byUser, explicit ? byUser.values : toConfidence(byUser.values, opts.confidence, opts.alpha, opts.epsilon), k, rt.variant, chunkCost);
  const itemSide = layoutSide(rt, byItem, explicit ? byItem.values : toConfidence(byItem.values, opts.confidence, opts.alpha, opts.epsilon), k, rt.variant, chunkCost);
  const Xp = rt.arena.alloc(8 * m * f);
  const Yp = rt.arena.alloc(8 * n * f);
  const Gp = rt.arena.alloc(8 * f * f);
  const buP = biases ? rt.arena.alloc(8 * m) : 0;
  const biP = biases ? rt.arena.alloc(8 * n) : 0;
  const scratch = rt.arena.alloc(scratchBytes);

  const flopsPerIteration = cg
    ? cgSideFlops(userSide, f, n, opts.cgSteps) + cgSideFlops(itemSide, f, m, opts.cgSteps)
    : sideFlops(userSide, k, explicit ? 0 : n) + sideFlops(itemSide, k, explicit ? 0 : m);
  const yielder = new Yielder();
  const emit = hooks.onProgress ?? (() => {});

  let best: { factors: Factors; report: TrainReport } | undefined;
  const restartLosses: number[] = [];
  for (let restart = 0; restart < opts.restarts; restart++) {
    emit({ stage: 'init', restart, users: m, items: n, interactions: matrix.nnz, factors: f, kernels: rt.variant });
    const rng = new Rng(opts.seed + restart);
    initFactors(rt.arena.f64(Xp, m * f), m, f, rng);
    initFactors(rt.arena.f64(Yp, n * f), n, f, rng);
    if (biases) {
      rt.arena.f64(buP, m).fill(0);
      rt.arena.f64(biP, n).fill(0);
    }

    const loss: number[] = [];
    const seconds: number[] = [];
    const gflops: number[] = [];
    let converged = false;
    if (!explicit) K.gramian(Yp, n, f, Gp);
    for (let it = 0; it < opts.iterations; it++) {
      const t0 = now();
      // User half-step with Y fixed, then item half-step with X fixed.
      await halfStep('users', restart, it, userSide, Xp, Yp, buP, biP);
      if (!explicit) K.gramian(Xp, m, f, Gp);
      await halfStep('items', restart, it, itemSide, Yp, Xp, biP, buP);
      if (!explicit) K.gramian(Yp, n, f, Gp); // reused by the loss and by the next user step
      const L = await computeLoss();
      const dt = (now() - t0) / 1000;
      if (!Number.isFinite(L)) {
        throw new AlsError('NON_FINITE', `The loss became ${L} at iteration ${it + 1}. Lower alpha (or the values), or raise regularization.`, { iteration: it + 1 });
      }
      const prev = loss.length > 0 ? loss[loss.length - 1] : NaN;
      loss.push(L);
      seconds.push(dt);
      gflops.push(dt > 0 ? flopsPerIteration / dt / 1e9 : 0);
      emit({ stage: 'iteration', restart, iteration: it + 1, loss: L, seconds: dt, gflops: gflops[gflops.length - 1] });
      if (hooks.afterIteration) {
        const views = { factors: f, userFactors: rt.arena.f64(Xp, m * f), itemFactors: rt.arena.f64(Yp, n * f), userBiases: biases ? rt.arena.f64(buP, m) : undefined, itemBiases: biases ? rt.arena.f64(biP, n) : undefined, globalMean };
        await hooks.afterIteration(it + 1, views);
      }
      if (opts.tolerance > 0 && Number.isFinite(prev) && Math.abs(prev - L) / Math.max(Math.abs(L), 1e-300) < opts.tolerance) {
        converged = true;
        break;
      }
    }
    const finalLoss = loss[loss.length - 1];
    restartLosses.push(finalLoss);
    emit({ stage: 'done', restart, iterations: loss.length, loss: finalLoss, converged });
    if (!best || finalLoss < best.report.loss[best.report.loss.length - 1]) {
      best = {
        factors: {
          factors: f,
          userFactors: rt.arena.f64(Xp, m * f).slice(),
          itemFactors: rt.arena.f64(Yp, n * f).slice(),
          userBiases: biases ? rt.arena.f64(buP, m).slice() : undefined,
          itemBiases: biases ? rt.arena.f64(biP, n).slice() : undefined,
          globalMean,
        },
        report: {
          iterations: loss.length,
          loss,
          secondsPerIteration: seconds,
          gflops,
          converged,
          restartLosses,
          bestRestart: restart,
          kernels: rt.variant,
          workersUsed: 1,
        },
      };
    }
  }
  rt.arena.reset();
  return best!;

  /** Solves every row of one side, one kernel call per chunk, checking the status and the output. */
  async function halfStep(side: 'users' | 'items', restart: number, it: number, s: SideLayout, out: number, other: number, biasOut: number, biasOther: number): Promise<void> {
    const { chunks } = s;
    for (let c = 0; c + 1 < chunks.length; c++) {
      const r0 = chunks[c];
      const r1 = chunks[c + 1];
      const status = explicit
        ? K.solveExplicitRows(out, other, s.indptrPtr, s.indicesPtr, s.valuesPtr, f, opts.regularization, opts.weightedRegularization ? 1 : 0, globalMean, biasOther, biasOut, r0, r1, scratch)
        : cg
          ? K.solveImplicitRowsCG(out, other, Gp, s.indptrPtr, s.indicesPtr, s.valuesPtr, f, opts.regularization, opts.cgSteps, r0, r1, scratch)
          : K.solveImplicitRows(out, other, Gp, s.indptrPtr, s.indicesPtr, s.valuesPtr, f, opts.regularization, r0, r1, scratch);
      if (status >= 0) throw notPositiveDefinite(side, status, it);
      const bad = firstNonFinite(rt.arena.f64(out + r0 * f * 8, (r1 - r0) * f));
      if (bad >= 0) {
        const row = r0 + Math.floor(bad / f);
        throw new AlsError('NON_FINITE', `Training produced non-finite factors for ${side === 'users' ? 'user' : 'item'} ${nameOf(side, row)} at iteration ${it + 1}. Lower alpha (or the values), or raise regularization.`, { side, row, id: nameOf(side, row), iteration: it + 1 });
      }
      emit({ stage: 'sweep', restart, iteration: it + 1, side, rowsDone: r1, rowsTotal: s.rows });
      throwIfAborted(hooks.signal);
      await yielder.maybe();
      throwIfAborted(hooks.signal);
    }
  }

  /** L = data term (observed-only squared error, or Hu et al.'s weighted loss without densifying) + regularisation. */
  async function computeLoss(): Promise<number> {
    let data = 0;
    const chunks = userSide.chunks;
    for (let c = 0; c + 1 < chunks.length; c++) {
      data += explicit
        ? K.explicitLossRows(Xp, Yp, userSide.indptrPtr, userSide.indicesPtr, userSide.valuesPtr, f, globalMean, buP, biP, chunks[c], chunks[c + 1])
        : K.implicitLossRows(Xp, Yp, Gp, userSide.indptrPtr, userSide.indicesPtr, userSide.valuesPtr, f, chunks[c], chunks[c + 1]);
      await yielder.maybe();
      throwIfAborted(hooks.signal);
    }
    const wu = explicit && opts.weightedRegularization ? userSide.weights : null;
    const wi = explicit && opts.weightedRegularization ? itemSide.weights : null;
    const reg =
      weightedSquares(rt.arena.f64(Xp, m * f), m, f, wu, biases ? rt.arena.f64(buP, m) : null) +
      weightedSquares(rt.arena.f64(Yp, n * f), n, f, wi, biases ? rt.arena.f64(biP, n) : null);
    return data + opts.regularization * reg;
  }

  function nameOf(side: 'users' | 'items', row: number): string {
    const map = side === 'users' ? hooks.users : hooks.items;
    return map ? JSON.stringify(map.id(row)) : `#${row}`;
  }

  function notPositiveDefinite(side: 'users' | 'items', row: number, it: number): AlsError {
    const what = side === 'users' ? 'user' : 'item';
    const count = (side === 'users' ? userSide : itemSide).indptr;
    const nnz = count[row + 1] - count[row];
    return new AlsError(
      'NOT_POSITIVE_DEFINITE',
      `The system for ${what} ${nameOf(side, row)} (${nnz} interactions, ${f} factors) is not positive definite at iteration ${it + 1}` +
        (opts.regularization === 0 ? ': regularization is 0 and this row has too few interactions to determine its factors. Set regularization > 0.' : '. Try increasing the regularization.'),
      { side, row, id: nameOf(side, row), iteration: it + 1, interactions: nnz, regularization: opts.regularization },
    );
  }
}

/** Copies one orientation into WASM memory and cuts it into chunks of similar work. */
function layoutSide(rt: KernelRuntime, csr: Csr, values: Float64Array, k: number, variant: KernelVariant, cost?: (nnzRow: number) => number): SideLayout {
  const indptrPtr = rt.arena.putI32(csr.indptr);
  const indicesPtr = rt.arena.putI32(csr.indices);
  const valuesPtr = rt.arena.putF64(values);
  const weights = new Float64Array(csr.rows);
  for (let r = 0; r < csr.rows; r++) weights[r] = csr.indptr[r + 1] - csr.indptr[r];
  return {
    rows: csr.rows,
    indptr: csr.indptr,
    indptrPtr,
    indicesPtr,
    valuesPtr,
    nnz: csr.indptr[csr.rows],
    chunks: chunkRows(csr.indptr, k, CHUNK_FLOPS[variant], cost),
    weights,
  };
}

/**
 * Splits rows into consecutive ranges of about `target` flops each, where a row costs
 * nnz·k² (Gram) + k³/3 (Cholesky).
 * @param indptr - CSR offsets
 * @param k - solve dimension
 * @param target - flops per chunk
 * @returns chunk boundaries, starting at 0 and ending at the row count
 */
export function chunkRows(indptr: Int32Array, k: number, target: number, cost?: (nnzRow: number) => number): Int32Array {
  const rows = indptr.length - 1;
  const bounds: number[] = [0];
  let acc = 0;
  const fixed = (k * k * k) / 3 + 2 * k * k;
  for (let r = 0; r < rows; r++) {
    acc += cost ? cost(indptr[r + 1] - indptr[r]) : (indptr[r + 1] - indptr[r]) * k * (k + 1) + fixed;
    if (acc >= target && r + 1 < rows) {
      bounds.push(r + 1);
      acc = 0;
    }
  }
  if (rows > 0) bounds.push(rows);
  return Int32Array.from(bounds);
}

/** Kernel flops of one conjugate-gradient half-step: (steps + 1) products A·v, each f² + 2·nnz_u·f multiply-adds, plus YᵀY. */
function cgSideFlops(s: SideLayout, f: number, gramRows: number, steps: number): number {
  return 2 * (steps + 1) * (s.rows * f * f + 2 * s.nnz * f) + gramRows * f * f;
}

/** Kernel flops of one half-step (Gram multiply-adds ×2, Cholesky, two triangular solves, plus YᵀY). */
function sideFlops(s: SideLayout, k: number, gramRows: number): number {
  return s.nnz * k * (k + 1) + s.rows * ((k * k * k) / 3 + 2 * k * k) + gramRows * k * k;
}

function maxNnz(csr: Csr): number {
  let best = 0;
  for (let r = 0; r < csr.rows; r++) best = Math.max(best, csr.indptr[r + 1] - csr.indptr[r]);
  return best;
}

function mean(v: Float64Array): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j];
  return v.length > 0 ? s / v.length : 0;
}

function firstNonFinite(v: Float64Array): number {
  for (let j = 0; j < v.length; j++) if (!Number.isFinite(v[j])) return j;
  return -1;
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
