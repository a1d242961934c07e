/**
 * The training loop: lay the run out, then for each restart initialise, iterate (see sweep.ts)
 * until `iterations` or the tolerance, hand each iteration's factor views to the observer, and
 * keep the best restart. The layout, the solver table and the sweeps live in their own modules.
 */
import { AlsError, throwIfAborted } from '../errors.js';
import type { IdMap, RatingMatrix } from '../data/types.js';
import type { KernelVariant } from '../wasm/abi.js';
import { loadKernels, type KernelRuntime } from '../wasm/kernels.js';
import { leaseWorkers, type PoolKeeper, type WorkersDecision } from '../parallel/lease.js';
import { now, Yielder } from '../util/yield.js';
import { factorViews, currentFactors } from './factor-view.js';
import type { Factors, IterationObserver } from './factors.js';
import { seededStart } from './init.js';
import { layOut } from './layout.js';
import type { ResolvedTrainOptions, TrainProgress } from './options.js';
import { RowErrors } from './row-errors.js';
import { solverFor } from './solvers.js';
import { Sweeper } from './sweep.js';

export type { Factors } from './factors.js';

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
   * Called after every iteration with read-only views of the current factors (valid only
   * during the call: `copy()` what you keep). Returning true stops this restart (early stopping).
   */
  observe?: IterationObserver;
  /** A restart's score, lower is better, used instead of its final loss to pick the restart kept. */
  restartScore?: (restart: number) => number;
  /** Where a run with `workers` > 1 borrows its worker pool (default: the process-wide pool). */
  pool?: PoolKeeper;
  /**
   * Warm start: every restart begins from these factors (caller numbering, m×f and n×f; absent
   * biases start at 0) instead of the seeded init. Built by `warmStartFactors` (model/warm-start.ts).
   */
  initialFactors?: Factors;
}

/**
 * Trains ALS factors on a rating matrix: alternates the user and the item half-steps, each
 * one kernel call per chunk of rows, until `iterations` or the relative loss change falls
 * below `tolerance`; repeats for `restarts` seeds and keeps the lowest final loss.
 *
 * @param matrix - the matrix in both orientations (values: ratings, or implicit strengths)
 * @param opts - resolved options
 * @param hooks - progress, cancellation, id maps for messages
 * @returns the best factors and the run's report (`report.regularization`: the λ used, also when measured)
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
async function trainOn(matrix: RatingMatrix, options: ResolvedTrainOptions, hooks: TrainHooks, workers: WorkersDecision): Promise<{ factors: Factors; report: TrainReport }> {
  const lease = workers.lease;
  const rt = lease?.pool.runtime ?? hooks.runtime ?? (await loadKernels({ variant: options.kernels }));
  const L = layOut(rt, matrix, options, lease?.threads ?? 1, hooks);
  const { m, n, f, opts } = L;
  const explicit = opts.feedback === 'explicit';
  const solver = solverFor(opts);
  const emit = hooks.onProgress ?? (() => {});
  const sweeper = new Sweeper(rt, L, solver, lease, new RowErrors(rt, L, hooks), new Yielder(), emit, hooks.signal);
  const views = hooks.observe && factorViews(rt, L);
  const flopsPerIteration =
    solver.flops(L.users.rows, L.users.nnz, L.k, explicit ? 0 : n, opts.cgSteps) + solver.flops(L.items.rows, L.items.nnz, L.k, explicit ? 0 : m, opts.cgSteps);

  let best: { factors: Factors; report: TrainReport } | undefined;
  let bestScore = Infinity;
  const restartLosses: number[] = [];
  for (let restart = 0; restart < opts.restarts; restart++) {
    emit({ stage: 'init', restart, users: m, items: n, interactions: matrix.nnz, factors: f, kernels: rt.variant });
    const start = hooks.initialFactors;
    if (start) {
      placeRows(rt.arena.f64(L.X, m * f), start.userFactors, L.userOrder, f);
      placeRows(rt.arena.f64(L.Y, n * f), start.itemFactors, L.itemOrder, f);
    } else {
      // Each caller's row gets the draws it would get unrenumbered, at its inside position.
      seededStart(opts.seed + restart, m, n, f, rt.arena.f64(L.X, m * f), rt.arena.f64(L.Y, n * f), L.userRank, L.itemRank);
    }
    if (L.biases) {
      if (start?.userBiases) placeRows(rt.arena.f64(L.bu, m), start.userBiases, L.userOrder, 1);
      else rt.arena.f64(L.bu, m).fill(0);
      if (start?.itemBiases) placeRows(rt.arena.f64(L.bi, n), start.itemBiases, L.itemOrder, 1);
      else rt.arena.f64(L.bi, n).fill(0);
    }
    const loss: number[] = [];
    const seconds: number[] = [];
    const gflops: number[] = [];
    let converged = false;
    if (solver.gram) await sweeper.gramian(L.Y, n);
    for (let it = 0; it < opts.iterations; it++) {
      const t0 = now();
      const value = await sweeper.iterate(restart, it);
      const dt = (now() - t0) / 1000;
      if (!Number.isFinite(value)) {
        throw new AlsError('NON_FINITE', `The loss became ${value} at iteration ${it + 1}. Lower alpha (or the values), or raise regularization.`, { iteration: it + 1 });
      }
      const prev = loss.length > 0 ? loss[loss.length - 1] : NaN;
      loss.push(value);
      seconds.push(dt);
      gflops.push(dt > 0 ? flopsPerIteration / dt / 1e9 : 0);
      emit({ stage: 'iteration', restart, iteration: it + 1, loss: value, seconds: dt, gflops: gflops[gflops.length - 1] });
      if (views && (await hooks.observe!(views(restart, it + 1)))) break;
      if (opts.tolerance > 0 && Number.isFinite(prev) && Math.abs(prev - value) / Math.max(Math.abs(value), 1e-300) < opts.tolerance) {
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
        factors: currentFactors(rt, L),
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
          ...(opts.solver === 'cg' && !explicit ? { precision: opts.precision } : {}),
          memoryBytes: L.bytes,
        },
      };
    }
  }
  rt.arena.reset();
  return best!;
}

/** Caller-numbered rows into the inside numbering: inside[i] = caller[order[i]] (`width` per row). */
function placeRows(inside: Float64Array, caller: Float64Array, order: Int32Array, width: number): void {
  for (let i = 0; i < order.length; i++) inside.set(caller.subarray(order[i] * width, (order[i] + 1) * width), i * width);
}
