/**
 * Who owns a worker pool, and how a training run borrows it. A {@link PoolKeeper} holds one
 * pool for its owner (an engine, or the process-wide default of the plain `train()` API):
 * started on first use, grown when a run asks for more threads, replaced after a failure or
 * for another kernel build, and lent to one run at a time (the pool's memory holds that run's
 * buffers). {@link leaseWorkers} decides whether a run goes parallel and, when not, says why.
 */
import type { KernelVariant } from '../wasm/abi.js';
import { kernelVariantsAvailable } from '../wasm/kernels.js';
import { threadsFor } from './cores.js';
import { parallelSupport, WorkerPool } from './pool.js';

/** A pool lent to one run: release it when the run ends (success or not). */
export interface PoolLease {
  /** The pool; lay out the run's buffers in `pool.runtime.arena`. */
  pool: WorkerPool;
  /** Threads the run uses (engine thread included, ≥ 2). */
  threads: number;
  /** Gives the pool back. */
  release(): void;
}

/** Keeps one pool between runs. */
export class PoolKeeper {
  private pool: WorkerPool | undefined;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  /**
   * Waits for the pool to be free, then returns it with at least `threads` threads and the
   * requested build, starting or replacing it as needed.
   * @throws AlsError `WASM_UNAVAILABLE` or `WORKER_FAILED` when no pool can be started
   */
  async acquire(threads: number, requested: KernelVariant | 'auto'): Promise<PoolLease> {
    // `auto` means the best build here, as for one thread: never a pool kept for another build.
    const variant = requested === 'auto' ? (await kernelVariantsAvailable())[0] : requested;
    const before = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((r) => (release = r));
    await before;
    try {
      let pool = this.pool;
      if (pool && (!pool.healthy || pool.runtime.variant !== variant)) {
        pool.terminate();
        pool = this.pool = undefined;
      }
      if (!pool) pool = this.pool = await WorkerPool.create(variant, threads - 1);
      else if (pool.threads < threads) await pool.grow(threads - 1);
      if (this.disposed) {
        // Disposed while this run waited or started: do not leave threads behind.
        this.terminate();
        throw new Error('the engine was disposed');
      }
      return { pool, threads, release };
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Threads of the kept pool (0 when none is running). */
  get threads(): number {
    return this.pool?.healthy ? this.pool.threads : 0;
  }

  /** Stops the kept pool's threads; a later {@link PoolKeeper.acquire} starts a new one. */
  terminate(): void {
    this.pool?.terminate();
    this.pool = undefined;
  }

  /** Stops the threads and refuses further use (an engine's `dispose()`). */
  dispose(): void {
    this.disposed = true;
    this.terminate();
  }
}

/** The pool of the plain `train()` / `trainFactors()` API: one per process (or page), kept between runs; its Node threads never keep the process alive. */
export const defaultPoolKeeper = new PoolKeeper();

/** What {@link leaseWorkers} decided. */
export interface WorkersDecision {
  /** The pool, when the run goes parallel. */
  lease?: PoolLease;
  /** Threads the run will use. */
  workersUsed: number;
  /** Why fewer workers than asked, e.g. "1 — page not cross-origin isolated …". */
  note?: string;
}

/**
 * Decides how many threads a run gets: `workers` > 1, a WebAssembly build and shared memory →
 * a pool of `workers` threads, clamped with a note by {@link threadsFor}; otherwise 1, with the reason.
 * @param workers - resolved `workers` option (refused unless valid: `checkWorkers`)
 * @param variant - resolved `kernels` option
 * @param keeper - whose pool to borrow
 */
export async function leaseWorkers(workers: number, variant: KernelVariant | 'auto', keeper: PoolKeeper = defaultPoolKeeper): Promise<WorkersDecision> {
  const { threads, note } = threadsFor(workers);
  const decision = await leaseUpTo(threads, variant, keeper);
  // The platform's reason (no shared memory, …) wins over the clamp's.
  if (note && !decision.note) decision.note = note;
  return decision;
}

/** {@link leaseWorkers} for a count already within `maxWorkers()`. */
async function leaseUpTo(workers: number, variant: KernelVariant | 'auto', keeper: PoolKeeper): Promise<WorkersDecision> {
  if (workers <= 1) return { workersUsed: 1 };
  if (variant === 'reference') return { workersUsed: 1, note: '1 — the reference kernels run on one thread' };
  const support = parallelSupport();
  if (!support.ok) return { workersUsed: 1, note: `1 — ${support.reason}` };
  try {
    const lease = await keeper.acquire(workers, variant);
    return { lease, workersUsed: workers };
  } catch (e) {
    return { workersUsed: 1, note: `1 — could not start worker threads (${(e as Error)?.message ?? e})` };
  }
}
