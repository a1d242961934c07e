import { AlsError, throwIfAborted } from '../errors.js';
import type { Csr, IdMap, RatingMatrix } from '../data/types.js';
import type { KernelVariant } from '../wasm/abi.js';
import { loadKernels, type KernelRuntime } from '../wasm/kernels.js';
import { align, formatBytes, MAX_PAGES, PAGE_BYTES } from '../wasm/arena.js';
import { leaseWorkers, type PoolKeeper, type WorkersDecision } from '../parallel/lease.js';
import { PROTOCOL } from '../parallel/protocol.js';
import { medianPositive, toConfidence } from './confidence.js';
import { autoRegularization } from './auto-regularization.js';
import { initFactors } from './init.js';
import { heavyFirstOrder, inversePermutation, permutedIndptr, unpermuteRows } from './locality.js';
import { PRECISION_CODES, type ResolvedTrainOptions, type TrainProgress } from './options.js';
import { Rng } from './rng.js';
import { now, Yielder } from './yield.js';
import type { ValidationReport } from '../eval/validation.js';

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
  /** Threads that ran the sweeps (the engine thread included). */
  workersUsed: number;
  /** The λ trained with (computed from the data when `regularization` was `'auto'`). */
  regularization: number;
  /** Implicit feedback: the confidence trained with (ε measured from the data when `epsilon` was `'auto'`). */
  confidence?: { form: ResolvedTrainOptions['confidence']; alpha: number; epsilon: number };
  /** Implicit CG: the number format of the steps' products (`precision`). */
  precision?: ResolvedTrainOptions['precision'];
  /** WASM memory the run laid out (= the arena's high-water mark; see `estimateTrainingBytes`). */
  memoryBytes: number;
  /** Held-out validation during training, when asked for (see `train`'s `validation`). */
  validation?: ValidationReport;
  /** Why fewer workers than asked ran, e.g. "1 — page not cross-origin isolated …". */
  workersNote?: string;
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
  /** Use this kernel runtime instead of loading a fresh one (its arena is reset first); single-thread runs only. */
  runtime?: KernelRuntime;
  /**
   * Called after every iteration with views of the current factors (valid only during the
   * call: copy what you keep). Returning true stops this restart (early stopping).
   */
  afterIteration?: (s: { restart: number; iteration: number; factors: Factors }) => boolean | Promise<boolean>;
  /** A restart's score, lower is better, used instead of its final loss to pick the restart kept. */
  restartScore?: (restart: number) => number;
  /** Where a run with `workers` > 1 borrows its worker pool (default: the process-wide pool). */
  pool?: PoolKeeper;
  /**
   * Warm start: every restart begins from these factors (caller numbering, m×f and n×f; absent
   * biases start at 0) instead of the seeded init. Built by `warmStartFactors` (warm-start.ts).
   */
  initialFactors?: Factors;
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
  /** `chunks` in WASM memory (i32), for pool threads. */
  boundsPtr: number;
  /** Per-chunk results of pool jobs (PROTOCOL.RESULT_BYTES each). */
  resultsPtr: number;
}

/** Work per kernel call, in flops, per kernel build: ~5–20 ms a chunk keeps progress and cancel prompt. */
const CHUNK_FLOPS: Record<KernelVariant, number> = { relaxed: 2e8, simd: 1.5e8, scalar: 5e7, reference: 5e6 };
/**
 * Chunks a half-step is cut into at least (down to {@link MIN_CHUNK_FLOPS}): pool threads claim
 * chunks one by one, so many small ones balance the threads. The cut depends on the data only,
 * never on the thread count: the loss's partial sums, and so its bits, are the same for any count.
 */
const MIN_CHUNKS = 64;
/** Smallest chunk worth a kernel call and a progress event (flops; ≈ 0.2 ms): small problems are not cut finer. */
const MIN_CHUNK_FLOPS = 4e6;

/** Bytes per stored interaction value in WASM memory: f32 (see the kernel ABI). */
export const VALUE_BYTES = 4;

/**
 * The WASM memory a run needs, in bytes: the end address of the arena after laying out both
 * orientations (indptr, indices, f32 values, chunk bounds and results), X, Y, YᵀY, the biases
 * and one scratch per thread, in the order and with the alignment {@link trainFactors}
 * allocates them. Given the run's chunk and thread counts (`layout`) it equals the arena's
 * high-water mark (tested; `report.memoryBytes`); without them it assumes one chunk per row
 * and one thread, an upper bound for planning.
 * @param m - users
 * @param n - items
 * @param nnz - stored interactions
 * @param k - solve dimension (f, or f+1 with biases)
 * @param scratchBytes - the kernels' scratch for the longest row
 * @param biases - explicit feedback with biases (then f = k − 1 and b_u, b_i are allocated)
 * @param base - the arena's first byte (above the module's static data)
 * @param layout - chunks per side and threads of the run, when known
 * @returns bytes of linear memory from address 0
 * @example
 * estimateTrainingBytes(138_493, 26_744, 20_000_263, 64, 1 << 20); // ≈ 0.4 GiB (MovieLens-20M, f = 64)
 */
export function estimateTrainingBytes(
  m: number,
  n: number,
  nnz: number,
  k: number,
  scratchBytes: number,
  biases = false,
  base = PAGE_BYTES,
  layout: { userChunks?: number; itemChunks?: number; threads?: number } = {},
): number {
  const f = biases ? k - 1 : k;
  // Per side: indptr, indices, values, chunk bounds, per-chunk results (at most one chunk per row).
  const side = (rows: number, chunks: number): [number, number][] => [
    [4 * (rows + 1), 16],
    [4 * nnz, 16],
    [VALUE_BYTES * nnz, 16],
    [4 * (chunks + 1), 16],
    [PROTOCOL.RESULT_BYTES * (chunks + 1), 16],
  ];
  const sizes: [number, number][] = [
    ...side(m, layout.userChunks ?? m),
    ...side(n, layout.itemChunks ?? n),
    [8 * m * f, 16],
    [8 * n * f, 16],
    [8 * f * f, 16],
    ...(biases ? ([[8 * m, 16], [8 * n, 16]] as [number, number][]) : []),
    // One scratch region per thread, each a whole number of cache lines.
    [align(scratchBytes, 64) * (layout.threads ?? 1), 64],
  ];
  let top = align(base, 16);
  for (const [size, alignment] of sizes) top = align(top, alignment) + size;
  return top;
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
  if (matrix.nnz === 0 || matrix.byUser.rows === 0 || matrix.byUser.cols === 0) throw new AlsError('EMPTY_DATA', 'There are no interactions to train on.', {});
  throwIfAborted(hooks.signal);
  // workers > 1 and shared memory here → borrow the pool for the whole run; else one thread.
  const workers = await leaseWorkers(opts.workers, opts.kernels, hooks.pool);
  try {
    return await trainOn(matrix, opts, hooks, workers);
  } finally {
    workers.lease?.release();
  }
}

/** {@link trainFactors} on one thread, or on the lent pool (same chunks, same sums, same bits). */
async function trainOn(matrix: RatingMatrix, opts: ResolvedTrainOptions, hooks: TrainHooks, workers: WorkersDecision): Promise<{ factors: Factors; report: TrainReport }> {
  // Only the user orientation is read: the item side is transposed from its WASM copy below
  // (matrix.byItem, built lazily by buildMatrix, is never needed for training).
  const { byUser } = matrix;
  const m = byUser.rows;
  const n = byUser.cols;
  const itemCounts = columnOffsets(byUser);
  if (matrix.nnz === 0 || m === 0 || n === 0) throw new AlsError('EMPTY_DATA', 'There are no interactions to train on.', {});
  throwIfAborted(hooks.signal);
  const f = opts.factors;
  const explicit = opts.feedback === 'explicit';
  const biases = explicit && opts.biases;
  const k = biases ? f + 1 : f;
  const cg = opts.solver === 'cg';
  // The implicit CG kernel's panel: f64, or f32 with f64 partial sums (assembly/pack32.ts, panel32.ts).
  const precisionCode = PRECISION_CODES[opts.precision];

  const lease = workers.lease;
  const rt = lease?.pool.runtime ?? hooks.runtime ?? (await loadKernels({ variant: opts.kernels }));
  rt.arena.reset();
  const K = rt.exports;
  const maxRowNnz = Math.max(maxNnz(byUser.indptr, m), maxNnz(itemCounts, n));
  // Explicit CG solves in dimension k (the bias lane), implicit CG in f ≤ k: one size serves both.
  const scratchBytes = Math.max(K.scratchBytes(k, maxRowNnz), K.scratchBytesCG(k, maxRowNnz));
  // One scratch region per thread, cache-line aligned so threads never share a line.
  const threads = lease?.threads ?? 1;
  const scratchStride = align(scratchBytes, 64);
  // Inside, rows are numbered by descending interaction count (see locality.ts).
  const userOrder = heavyFirstOrder(byUser.indptr, m);
  const itemOrder = heavyFirstOrder(itemCounts, n);
  const userRank = inversePermutation(userOrder);
  const itemRank = inversePermutation(itemOrder);
  const userIndptr = permutedIndptr(byUser.indptr, userOrder);
  const itemIndptr = permutedIndptr(itemCounts, itemOrder);
  // CG rows cost (steps + 1) products: YᵀY·p (implicit only) and two passes over the row's panel.
  const chunkCost = cg ? (nnzRow: number) => (opts.cgSteps + 1) * ((explicit ? k : f * f) + 2 * nnzRow * k) : undefined;
  const userChunks = chunkRows(userIndptr, k, CHUNK_FLOPS[rt.variant], chunkCost, MIN_CHUNKS);
  const itemChunks = chunkRows(itemIndptr, k, CHUNK_FLOPS[rt.variant], chunkCost, MIN_CHUNKS);
  const layout = { userChunks: userChunks.length - 1, itemChunks: itemChunks.length - 1, threads };
  const need = estimateTrainingBytes(m, n, matrix.nnz, k, scratchBytes, biases, rt.arena.start, layout);
  if (need > MAX_PAGES * PAGE_BYTES) {
    // Largest f that would fit, so the message can say what to do.
    let fits = f - 1;
    while (fits >= 1 && estimateTrainingBytes(m, n, matrix.nnz, biases ? fits + 1 : fits, scratchBytes, biases, rt.arena.start, layout) > MAX_PAGES * PAGE_BYTES) fits--;
    throw new AlsError(
      'OUT_OF_MEMORY',
      `Training ${m} users × ${n} items with ${matrix.nnz} interactions and ${f} factors needs ${formatBytes(need)} of WebAssembly memory ` +
        `(factors ${formatBytes(8 * (m + n) * f)}, interactions ${formatBytes(2 * (4 + VALUE_BYTES) * matrix.nnz)}); wasm32 allows at most ${formatBytes(MAX_PAGES * PAGE_BYTES)}. ` +
        (fits >= 1 ? `Use at most ${fits} factors, or less data.` : 'Use less data: even 1 factor does not fit.'),
      { neededBytes: need, limitBytes: MAX_PAGES * PAGE_BYTES, users: m, items: n, interactions: matrix.nnz, factors: f, maxFactorsThatFit: Math.max(0, fits) },
    );
  }

  // ε: 'auto' is the median of the positive values, so a typical pair gets c = 1 + α·ln 2 whatever the unit.
  if (!explicit && opts.autoEpsilon && !(opts.epsilon > 0)) opts = { ...opts, epsilon: medianPositive(byUser.values) };
  // Values the kernels read: signed confidences (implicit) or ratings (explicit).
  const globalMean = biases ? mean(byUser.values) : 0;
  // Written straight into WASM memory as f32, row by row: no JS-side copy of the confidences.
  const toValues = (raw: Float64Array, out: Float32Array) => (explicit ? out.set(raw) : toConfidence(raw, opts.confidence, opts.alpha, opts.epsilon, out));
  const userSide = layoutSide(rt, byUser, toValues, userOrder, itemRank, userIndptr, userChunks);
  {
    // Checked (and λ measured) on the values as the kernels will read them; the views are
    // used before the next allocation can grow (and detach) the memory.
    const userValues = rt.arena.f32(userSide.valuesPtr, userSide.nnz);
    checkValues(userSide, userValues, byUser, userOrder, explicit, hooks, (r) => (explicit ? r : toConfidence(Float64Array.of(r), opts.confidence, opts.alpha, opts.epsilon)[0]));
    // 'auto' λ is measured on this training matrix (see auto-regularization.ts); σ₁ does not
    // depend on the numbering, so the renumbered layout serves as it is.
    const inside = { rows: m, indptr: userIndptr, indices: rt.arena.i32(userSide.indicesPtr, userSide.nnz) };
    // (`train` measures it on held-out pairs first: then it arrives as a number.)
    if (opts.autoRegularization && !Number.isFinite(opts.regularization)) opts = { ...opts, regularization: autoRegularization(inside, n, userValues) };
  }
  const itemSide = transposeSide(rt, userSide, n, itemIndptr, itemChunks);
  const Xp = rt.arena.alloc(8 * m * f);
  const Yp = rt.arena.alloc(8 * n * f);
  const Gp = rt.arena.alloc(8 * f * f);
  const buP = biases ? rt.arena.alloc(8 * m) : 0;
  const biP = biases ? rt.arena.alloc(8 * n) : 0;
  const scratch = rt.arena.alloc(scratchStride * threads, 64);

  const flopsPerIteration = cg
    ? cgSideFlops(userSide, k, explicit ? 0 : n, opts.cgSteps) + cgSideFlops(itemSide, k, explicit ? 0 : m, opts.cgSteps)
    : sideFlops(userSide, k, explicit ? 0 : n) + sideFlops(itemSide, k, explicit ? 0 : m);
  const yielder = new Yielder();
  const emit = hooks.onProgress ?? (() => {});
  const userGram = new Float64Array(explicit ? 0 : f * f);

  let best: { factors: Factors; report: TrainReport } | undefined;
  let bestScore = Infinity;
  const restartLosses: number[] = [];
  for (let restart = 0; restart < opts.restarts; restart++) {
    emit({ stage: 'init', restart, users: m, items: n, interactions: matrix.nnz, factors: f, kernels: rt.variant });
    const rng = new Rng(opts.seed + restart);
    const start = hooks.initialFactors;
    if (start) {
      placeRows(rt.arena.f64(Xp, m * f), start.userFactors, userOrder, f);
      placeRows(rt.arena.f64(Yp, n * f), start.itemFactors, itemOrder, f);
    } else {
      // Each caller's row gets the draws it would get unrenumbered, at its inside position.
      initFactors(rt.arena.f64(Xp, m * f), m, f, rng, userRank);
      initFactors(rt.arena.f64(Yp, n * f), n, f, rng, itemRank);
    }
    if (biases) {
      if (start?.userBiases) placeRows(rt.arena.f64(buP, m), start.userBiases, userOrder, 1);
      else rt.arena.f64(buP, m).fill(0);
      if (start?.itemBiases) placeRows(rt.arena.f64(biP, n), start.itemBiases, itemOrder, 1);
      else rt.arena.f64(biP, n).fill(0);
    }

    const loss: number[] = [];
    const seconds: number[] = [];
    const gflops: number[] = [];
    let converged = false;
    if (!explicit) await gramian(Yp, n);
    for (let it = 0; it < opts.iterations; it++) {
      const t0 = now();
      // User half-step with Y fixed, then item half-step with X fixed.
      await halfStep('users', restart, it, userSide, Xp, Yp, buP, biP);
      if (!explicit) {
        await gramian(Xp, m);
        userGram.set(rt.arena.f64(Gp, f * f)); // XᵀX, for the loss (Gp becomes YᵀY)
      }
      await halfStep('items', restart, it, itemSide, Yp, Xp, biP, buP);
      if (!explicit) await gramian(Yp, n); // reused by the loss and by the next user step
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
      if (hooks.afterIteration && (await hooks.afterIteration({ restart, iteration: it + 1, factors: currentFactors() }))) break;
      if (opts.tolerance > 0 && Number.isFinite(prev) && Math.abs(prev - L) / Math.max(Math.abs(L), 1e-300) < opts.tolerance) {
        converged = true;
        break;
      }
    }
    const finalLoss = loss[loss.length - 1];
    restartLosses.push(finalLoss);
    emit({ stage: 'done', restart, iterations: loss.length, loss: finalLoss, converged });
    const score = hooks.restartScore ? hooks.restartScore(restart) : finalLoss;
    if (!best || score < bestScore) {
      bestScore = score;
      best = {
        factors: currentFactors(),
        report: {
          iterations: loss.length,
          loss,
          secondsPerIteration: seconds,
          gflops,
          converged,
          restartLosses,
          bestRestart: restart,
          kernels: rt.variant,
          workersUsed: workers.workersUsed,
          ...(workers.note ? { workersNote: workers.note } : {}),
          regularization: opts.regularization,
          ...(explicit ? {} : { confidence: { form: opts.confidence, alpha: opts.alpha, epsilon: opts.epsilon } }),
          ...(cg && !explicit ? { precision: opts.precision } : {}),
          memoryBytes: need,
        },
      };
    }
  }
  rt.arena.reset();
  return best!;

  /** Copies of the current factors, in the caller's row numbering. */
  function currentFactors(): Factors {
    return {
      factors: f,
      userFactors: unpermuteRows(rt.arena.f64(Xp, m * f), userOrder, f),
      itemFactors: unpermuteRows(rt.arena.f64(Yp, n * f), itemOrder, f),
      userBiases: biases ? unpermuteRows(rt.arena.f64(buP, m), userOrder, 1) : undefined,
      itemBiases: biases ? unpermuteRows(rt.arena.f64(biP, n), itemOrder, 1) : undefined,
      globalMean,
    };
  }

  /** Solves every row of one side, one kernel call per chunk, checking the status and the output. */
  async function halfStep(side: 'users' | 'items', restart: number, it: number, s: SideLayout, out: number, other: number, biasOut: number, biasOther: number): Promise<void> {
    if (lease) return halfStepPool(side, restart, it, s, out, other, biasOut, biasOther);
    const { chunks } = s;
    const weighted = opts.weightedRegularization ? 1 : 0;
    for (let c = 0; c + 1 < chunks.length; c++) {
      const r0 = chunks[c];
      const r1 = chunks[c + 1];
      // The implicit item side leaves each chunk's share of the loss in its result slot.
      const lossOut = side === 'items' ? s.resultsPtr + c * PROTOCOL.RESULT_BYTES : 0;
      const status = explicit
        ? cg
          ? K.solveExplicitRowsCG(out, other, s.indptrPtr, s.indicesPtr, s.valuesPtr, f, opts.regularization, weighted, globalMean, biasOther, biasOut, opts.cgSteps, r0, r1, scratch)
          : K.solveExplicitRows(out, other, s.indptrPtr, s.indicesPtr, s.valuesPtr, f, opts.regularization, weighted, globalMean, biasOther, biasOut, r0, r1, scratch)
        : cg
          ? K.solveImplicitRowsCG(out, other, Gp, s.indptrPtr, s.indicesPtr, s.valuesPtr, f, opts.regularization, opts.cgSteps, r0, r1, scratch, lossOut, precisionCode)
          : K.solveImplicitRows(out, other, Gp, s.indptrPtr, s.indicesPtr, s.valuesPtr, f, opts.regularization, r0, r1, scratch, lossOut);
      if (status >= 0) throw notPositiveDefinite(side, status, it);
      const bad = firstNonFinite(rt.arena.f64(out + r0 * f * 8, (r1 - r0) * f));
      if (bad >= 0) throw nonFinite(side, r0 + Math.floor(bad / f), it);
      emit({ stage: 'sweep', restart, iteration: it + 1, side, rowsDone: r1, rowsTotal: s.rows });
      throwIfAborted(hooks.signal);
      await yielder.maybe();
      throwIfAborted(hooks.signal);
    }
  }

  /** L = data term (observed-only squared error, or Hu et al.'s weighted loss without densifying) + regularisation. */
  async function computeLoss(): Promise<number> {
    let data = 0;
    if (!explicit) {
      // Σ_u x_uᵀ·YᵀY·x_u = ⟨XᵀX, YᵀY⟩ (Frobenius), from the two Gram matrices: f² work.
      const itemGram = rt.arena.f64(Gp, f * f);
      for (let j = 0; j < f * f; j++) data += userGram[j] * itemGram[j];
      // The observed entries' part: the item half-step left each chunk's share in its results,
      // summed here in chunk order.
      const count = itemSide.chunks.length - 1;
      const partial = rt.arena.f64(itemSide.resultsPtr, (PROTOCOL.RESULT_BYTES / 8) * count);
      for (let c = 0; c < count; c++) data += partial[(PROTOCOL.RESULT_BYTES / 8) * c];
    } else if (lease) {
      data = await lossPool();
    } else {
      const chunks = userSide.chunks;
      for (let c = 0; c + 1 < chunks.length; c++) {
        data += K.explicitLossRows(Xp, Yp, userSide.indptrPtr, userSide.indicesPtr, userSide.valuesPtr, f, globalMean, buP, biP, chunks[c], chunks[c + 1]);
        await yielder.maybe();
        throwIfAborted(hooks.signal);
      }
    }
    const wu = explicit && opts.weightedRegularization ? userSide.weights : null;
    const wi = explicit && opts.weightedRegularization ? itemSide.weights : null;
    const reg =
      weightedSquares(rt.arena.f64(Xp, m * f), m, f, wu, biases ? rt.arena.f64(buP, m) : null) +
      weightedSquares(rt.arena.f64(Yp, n * f), n, f, wi, biases ? rt.arena.f64(biP, n) : null);
    return data + opts.regularization * reg;
  }

  /**
   * {@link halfStep} on the pool: the same chunks, claimed by every thread; then the chunk
   * results in chunk order, so the error is the one a single thread would have raised first.
   */
  async function halfStepPool(side: 'users' | 'items', restart: number, it: number, s: SideLayout, out: number, other: number, biasOut: number, biasOther: number): Promise<void> {
    const count = s.chunks.length - 1;
    const res = rt.arena.i32(s.resultsPtr, 4 * count);
    for (let c = 0; c < count; c++) res[4 * c + 3] = -2; // "not run"
    const kind = explicit ? (cg ? PROTOCOL.JOB_EXPLICIT_CG : PROTOCOL.JOB_EXPLICIT) : cg ? PROTOCOL.JOB_CG : PROTOCOL.JOB_IMPLICIT;
    const weighted = explicit && opts.weightedRegularization ? 1 : 0;
    // The implicit item side also leaves each chunk's share of the loss in the results (μ = 1 asks for it).
    const mu = explicit ? globalMean : side === 'items' ? 1 : 0;
    const params = [out, other, Gp, s.indptrPtr, s.indicesPtr, s.valuesPtr, f, opts.regularization, weighted, mu, biasOther, biasOut, s.boundsPtr, s.resultsPtr, scratch, scratchStride, opts.cgSteps, precisionCode];
    await lease!.pool.run({ kind, params, count }, {
      threads,
      signal: hooks.signal,
      yielder,
      onChunk: (rowsDone) => emit({ stage: 'sweep', restart, iteration: it + 1, side, rowsDone, rowsTotal: s.rows }),
    });
    const after = rt.arena.i32(s.resultsPtr, 4 * count);
    for (let c = 0; c < count; c++) {
      if (after[4 * c + 3] === -2) break; // the job stopped before this chunk (only after a failure)
      if (after[4 * c + 2] >= 0) throw notPositiveDefinite(side, after[4 * c + 2], it);
      if (after[4 * c + 3] >= 0) throw nonFinite(side, s.chunks[c] + Math.floor(after[4 * c + 3] / f), it);
    }
    emit({ stage: 'sweep', restart, iteration: it + 1, side, rowsDone: s.rows, rowsTotal: s.rows });
    throwIfAborted(hooks.signal);
  }

  /** The explicit loss's data term on the pool: one partial sum per chunk, added in chunk order (the single-thread order). */
  async function lossPool(): Promise<number> {
    const s = userSide;
    const count = s.chunks.length - 1;
    const kind = PROTOCOL.JOB_EXPLICIT_LOSS;
    const params = [Xp, Yp, Gp, s.indptrPtr, s.indicesPtr, s.valuesPtr, f, 0, 0, globalMean, buP, biP, s.boundsPtr, s.resultsPtr, scratch, scratchStride];
    await lease!.pool.run({ kind, params, count }, { threads, signal: hooks.signal, yielder });
    const partial = rt.arena.f64(s.resultsPtr, 2 * count);
    let data = 0;
    for (let c = 0; c < count; c++) data += partial[2 * c];
    return data;
  }

  /** YᵀY into Gp (one call, or the pool's threads over 4-row blocks: the same bits). */
  async function gramian(Y: number, rows: number): Promise<void> {
    if (!lease) return K.gramian(Y, rows, f, Gp);
    await lease.pool.run({ kind: PROTOCOL.JOB_GRAM, params: [Y, rows, f, Gp], count: Math.ceil(f / 4) }, { threads });
  }

  /** `inside` is a row of the renumbered layout; messages and details name the caller's row. */
  function nonFinite(side: 'users' | 'items', inside: number, it: number): AlsError {
    const row = callerRow(side, inside);
    return new AlsError('NON_FINITE', `Training produced non-finite factors for ${side === 'users' ? 'user' : 'item'} ${nameOf(side, row)} at iteration ${it + 1}. Lower alpha (or the values), or raise regularization.`, { side, row, id: nameOf(side, row), iteration: it + 1 });
  }

  function callerRow(side: 'users' | 'items', inside: number): number {
    return (side === 'users' ? userOrder : itemOrder)[inside];
  }

  function nameOf(side: 'users' | 'items', row: number): string {
    const map = side === 'users' ? hooks.users : hooks.items;
    return map ? JSON.stringify(map.id(row)) : `#${row}`;
  }

  function notPositiveDefinite(side: 'users' | 'items', inside: number, it: number): AlsError {
    const row = callerRow(side, inside);
    const what = side === 'users' ? 'user' : 'item';
    const count = (side === 'users' ? userSide : itemSide).indptr; // renumbered, as the values
    const nnz = count[inside + 1] - count[inside];
    // Huge values dwarf λ and round the system to singular: say so rather than only "raise λ".
    const s = side === 'users' ? userSide : itemSide;
    const values = rt.arena.f32(s.valuesPtr, s.nnz);
    let largest = 0;
    for (let j = count[inside]; j < count[inside + 1]; j++) largest = Math.max(largest, Math.abs(values[j]));
    const hint = largest >= LARGE_VALUE ? ` Its ${explicit ? 'ratings' : 'confidences'} reach ${largest.toPrecision(3)}, which swamps the regularization: rescale the values${explicit ? '' : ", lower alpha or use confidence: 'log'"}.` : '';
    return new AlsError(
      'NOT_POSITIVE_DEFINITE',
      `The system for ${what} ${nameOf(side, row)} (${nnz} interactions, ${f} factors) is not positive definite at iteration ${it + 1}` +
        (opts.regularization === 0 ? ': regularization is 0 and this row has too few interactions to determine its factors. Set regularization > 0.' : '. Try increasing the regularization.') +
        hint,
      { side, row, id: nameOf(side, row), iteration: it + 1, interactions: nnz, regularization: opts.regularization, largestValue: largest },
    );
  }

}

/** Largest rating or confidence magnitude: values are stored as f32 (max ≈ 3.4e38) for the kernels. */
export const MAX_VALUE_MAGNITUDE = 1e38;
/**
 * Smallest nonzero rating or confidence magnitude: below it f32 storage loses the value (1e-300
 * becomes 0, silently changing a rating or dropping an interaction), so it is refused instead.
 */
export const MIN_VALUE_MAGNITUDE = 1e-38;

/** Whether a nonzero rating or confidence is too small to survive f32 storage (see {@link MIN_VALUE_MAGNITUDE}). */
export function underflowsF32(value: number): boolean {
  return value !== 0 && Math.abs(value) < MIN_VALUE_MAGNITUDE;
}
/** From this magnitude on, a not-positive-definite row is blamed on the values' scale as well. */
const LARGE_VALUE = 1e8;

/**
 * Refuses data the kernels cannot handle before any work: a rating or confidence that is not
 * finite or beyond ±{@link MAX_VALUE_MAGNITUDE}, or nonzero below {@link MIN_VALUE_MAGNITUDE} (f32 would
 * store 0; `NON_FINITE` with `reason: 'underflow'`), naming the pair, and implicit
 * feedback without a single positive value (`EMPTY_DATA`: p = 0 everywhere, so the only
 * solution is all-zero factors). Scans the renumbered user side (`inside`, its f32 `values`);
 * a bad entry is reported as the caller's user, item and raw value (`byUser`, `userOrder`).
 */
function checkValues(inside: SideLayout, values: Float32Array, byUser: Csr, userOrder: Int32Array, explicit: boolean, hooks: TrainHooks, exact: (raw: number) => number): void {
  let positive = false;
  for (let i = 0; i < inside.rows; i++) {
    for (let k = inside.indptr[i]; k < inside.indptr[i + 1]; k++) {
      if (values[k] > 0) positive = true;
      const overflow = !(Math.abs(values[k]) <= MAX_VALUE_MAGNITUDE);
      // A stored 0 (or f32 subnormal) may be a nonzero value that f32 could not hold: compare with the exact one.
      if (overflow || Math.abs(values[k]) < MIN_VALUE_MAGNITUDE) {
        // The same entry in the caller's numbering: same user, same position in its row.
        const u = userOrder[i];
        const j = byUser.indptr[u] + (k - inside.indptr[i]);
        const v = exact(byUser.values[j]); // the value before f32 rounding, for the message
        if (!overflow && !underflowsF32(v)) continue;
        const user = hooks.users ? JSON.stringify(hooks.users.id(u)) : `#${u}`;
        const item = hooks.items ? JSON.stringify(hooks.items.id(byUser.indices[j])) : `#${byUser.indices[j]}`;
        const what = explicit ? 'rating' : 'confidence';
        if (!overflow) {
          throw new AlsError(
            'NON_FINITE',
            `The ${what} of user ${user} for item ${item} is ${v} (from the value ${byUser.values[j]}${explicit ? '' : ' after alpha and summing repeated pairs'}): too small to store — the kernels hold values as 32-bit floats, where it would become ${values[k]}. ` +
              `Nonzero ${what}s must have a magnitude of at least ${MIN_VALUE_MAGNITUDE}. Rescale the values (or write 0 where 0 is meant).`,
            { user: hooks.users?.id(u) ?? u, item: hooks.items?.id(byUser.indices[j]) ?? byUser.indices[j], value: byUser.values[j], [what]: v, limit: MIN_VALUE_MAGNITUDE, reason: 'underflow' },
          );
        }
        throw new AlsError(
          'NON_FINITE',
          `The ${what} of user ${user} for item ${item} is ${v} (from the value ${byUser.values[j]}${explicit ? '' : ' after alpha and summing repeated pairs'}); ${what}s must be finite and within ±${MAX_VALUE_MAGNITUDE}. Rescale the values${explicit ? '' : ", lower alpha or use confidence: 'log'"}.`,
          { user: hooks.users?.id(u) ?? u, item: hooks.items?.id(byUser.indices[j]) ?? byUser.indices[j], value: byUser.values[j], [what]: v, limit: MAX_VALUE_MAGNITUDE },
        );
      }
    }
  }
  if (!explicit && !positive) {
    throw new AlsError('EMPTY_DATA', 'Implicit feedback needs at least one positive value (r > 0 means "interacted"); every value here is 0 or negative, so every factor would be 0. Check the value column, or use feedback: "explicit".', {});
  }
}

/**
 * Copies one orientation into WASM memory renumbered: row i is the caller's row order[i], and
 * column c becomes colRank[c] (see locality.ts); `toValues` writes each row's f32 values (its
 * entries keep their order), `indptr` are the renumbered offsets, `chunks` cut from them.
 */
function layoutSide(rt: KernelRuntime, csr: Csr, toValues: (raw: Float64Array, out: Float32Array) => void, order: Int32Array, colRank: Int32Array, indptr: Int32Array, chunks: Int32Array): SideLayout {
  const nnz = indptr[csr.rows];
  const indptrPtr = rt.arena.putI32(indptr);
  const indicesPtr = rt.arena.alloc(4 * nnz);
  const valuesPtr = rt.arena.alloc(VALUE_BYTES * nnz);
  // Views after both allocations (a growing memory detaches earlier views).
  const idx = rt.arena.i32(indicesPtr, nnz);
  const val = rt.arena.f32(valuesPtr, nnz);
  const { indptr: from, indices, values } = csr;
  for (let i = 0; i < csr.rows; i++) {
    const a = from[order[i]];
    const b = from[order[i] + 1];
    const shift = indptr[i] - a;
    for (let j = a; j < b; j++) idx[j + shift] = colRank[indices[j]];
    toValues(values.subarray(a, b), val.subarray(a + shift, b + shift));
  }
  return finishSide(rt, csr.rows, indptr, indptrPtr, indicesPtr, valuesPtr, chunks);
}

/** The rest of a {@link SideLayout} once its arrays are in WASM memory: row weights, chunk bounds, results. */
function finishSide(rt: KernelRuntime, rows: number, indptr: Int32Array, indptrPtr: number, indicesPtr: number, valuesPtr: number, chunks: Int32Array): SideLayout {
  const weights = new Float64Array(rows);
  for (let r = 0; r < rows; r++) weights[r] = indptr[r + 1] - indptr[r];
  return {
    rows,
    indptr,
    indptrPtr,
    indicesPtr,
    valuesPtr,
    nnz: indptr[rows],
    chunks,
    weights,
    boundsPtr: rt.arena.putI32(chunks),
    resultsPtr: rt.arena.alloc(PROTOCOL.RESULT_BYTES * chunks.length, 16),
  };
}

/**
 * Splits rows into consecutive ranges of about `target` flops each, where a row costs
 * nnz·k² (Gram) + k³/3 (Cholesky).
 * @param indptr - CSR offsets
 * @param k - solve dimension
 * @param target - flops per chunk
 * @param cost - flops of a row with `nnzRow` entries (default: the Cholesky solve's)
 * @param minChunks - cut smaller chunks (not below {@link MIN_CHUNK_FLOPS}) to reach this many
 * @returns chunk boundaries, starting at 0 and ending at the row count
 */
export function chunkRows(indptr: Int32Array, k: number, target: number, cost?: (nnzRow: number) => number, minChunks = 1): Int32Array {
  const rows = indptr.length - 1;
  const bounds: number[] = [0];
  let acc = 0;
  const fixed = (k * k * k) / 3 + 2 * k * k;
  if (minChunks > 1) {
    let total = 0;
    for (let r = 0; r < rows; r++) total += cost ? cost(indptr[r + 1] - indptr[r]) : (indptr[r + 1] - indptr[r]) * k * (k + 1) + fixed;
    target = Math.max(Math.min(target, MIN_CHUNK_FLOPS), Math.min(target, total / minChunks));
  }
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

/**
 * Kernel flops of one conjugate-gradient half-step: (steps + 1) products A·v, each 2·nnz_u·k
 * multiply-adds over the row's panel plus, implicit (gramRows > 0), YᵀY·v's k²; plus YᵀY.
 */
function cgSideFlops(s: SideLayout, k: number, gramRows: number, steps: number): number {
  return 2 * (steps + 1) * (s.rows * (gramRows > 0 ? k * k : k) + 2 * s.nnz * k) + gramRows * k * k;
}

/** Kernel flops of one half-step (Gram multiply-adds ×2, Cholesky, two triangular solves, plus YᵀY). */
function sideFlops(s: SideLayout, k: number, gramRows: number): number {
  return s.nnz * k * (k + 1) + s.rows * ((k * k * k) / 3 + 2 * k * k) + gramRows * k * k;
}

/** Caller-numbered rows into the inside numbering: inside[i] = caller[order[i]] (`width` per row). */
function placeRows(inside: Float64Array, caller: Float64Array, order: Int32Array, width: number): void {
  for (let i = 0; i < order.length; i++) inside.set(caller.subarray(order[i] * width, (order[i] + 1) * width), i * width);
}

function maxNnz(indptr: Int32Array, rows: number): number {
  let best = 0;
  for (let r = 0; r < rows; r++) best = Math.max(best, indptr[r + 1] - indptr[r]);
  return best;
}

/** CSR offsets of the transpose of `csr` (entries per column, as prefix sums). */
function columnOffsets(csr: Csr): Int32Array {
  const out = new Int32Array(csr.cols + 1);
  const nnz = csr.indptr[csr.rows];
  for (let j = 0; j < nnz; j++) out[csr.indices[j] + 1]++;
  for (let c = 0; c < csr.cols; c++) out[c + 1] += out[c];
  return out;
}

/**
 * The other orientation, transposed from a side already in WASM memory (inside numbering both
 * ways): row c lists the rows of `side` that have column c, in their order, with the same f32
 * values. One counting-sort pass; no JS copy of the transpose. `indptr` are its offsets.
 */
function transposeSide(rt: KernelRuntime, side: SideLayout, rows: number, indptr: Int32Array, chunks: Int32Array): SideLayout {
  const nnz = indptr[rows];
  const indptrPtr = rt.arena.putI32(indptr);
  const indicesPtr = rt.arena.alloc(4 * nnz);
  const valuesPtr = rt.arena.alloc(VALUE_BYTES * nnz);
  // Views after the allocations (a growing memory detaches earlier views).
  const fromIdx = rt.arena.i32(side.indicesPtr, side.nnz);
  const fromVal = rt.arena.f32(side.valuesPtr, side.nnz);
  const idx = rt.arena.i32(indicesPtr, nnz);
  const val = rt.arena.f32(valuesPtr, nnz);
  const next = indptr.slice(0, rows);
  for (let r = 0; r < side.rows; r++) {
    for (let k = side.indptr[r]; k < side.indptr[r + 1]; k++) {
      const d = next[fromIdx[k]]++;
      idx[d] = r;
      val[d] = fromVal[k];
    }
  }
  return finishSide(rt, rows, indptr, indptrPtr, indicesPtr, valuesPtr, chunks);
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
