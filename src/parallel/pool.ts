/**
 * A pool of threads sharing one `WebAssembly.Memory`: the engine thread (index 0) and
 * `helpers` worker threads (Web Workers in browsers, worker_threads in Node), each with its own
 * instance of the same compiled shared-memory build. A job is a list of chunks (row ranges,
 * balanced by work when the engine laid them out); threads claim chunks in order from a shared
 * atomic counter until none is left, so a slow thread never holds the others up for more than
 * one chunk. The engine thread computes too, yielding between its chunks for progress and
 * cancel, then waits for the helpers. Starting a helper is ./helper-threads.ts; the shared
 * control block a job is published in is ./control-block.ts.
 *
 * see: the design card's "Parallelism" paragraph; Emscripten's pthread pool (workers parked on
 * `Atomics.wait`, woken with `Atomics.notify`) for the wake-up path.
 */
import { AlsError, abortError } from '../errors.js';
import type { KernelVariant } from '../wasm/abi.js';
import { loadKernels, type KernelRuntime } from '../wasm/kernels.js';
import { nextMacrotask, type Yielder } from '../util/yield.js';
import { solveRows } from '../kernels/solve-rows.js';
import { runChunk, type ChunkKernels } from './helper.js';
import { PROTOCOL as C, type HelperInit } from './protocol.js';
import { isNode } from '../util/env.js';
import { closeJob, createControlBlock, failureText, openJob, signalExit, type PoolJob } from './control-block.js';
import { parallelSupport, spawnNodeThread, spawnWebWorker, type HelperThread, type SpawnHelper } from './helper-threads.js';

/** Where a shared-memory pool can run, and the job type: importable from here as before the split. */
export { parallelSupport } from './helper-threads.js';
export type { PoolJob } from './control-block.js';

/** How one {@link WorkerPool.run} call behaves. */
export interface PoolRunOptions {
  /** Threads to use, engine thread included (capped at the pool's size). */
  threads: number;
  /** Checked between the engine thread's chunks: on abort no more chunks start and the run rejects with an AbortError. */
  signal?: AbortSignal;
  /** Lets queued events run between the engine thread's chunks. */
  yielder?: Yielder;
  /** After each of the engine thread's chunks: rows finished so far by all threads. */
  onChunk?: (rowsDone: number) => void;
  /** Whether the engine thread claims chunks too (default true); false leaves them to the helpers. */
  engineComputes?: boolean;
}

/**
 * The pool. Create with {@link WorkerPool.create}; {@link WorkerPool.run} one job at a time;
 * {@link WorkerPool.terminate} when done. Its {@link WorkerPool.runtime} is the engine thread's
 * instance: lay out every buffer with its arena (per-thread scratch included).
 */
export class WorkerPool {
  /** The engine thread's kernels, memory (shared) and arena. */
  readonly runtime: KernelRuntime;
  private readonly block = createControlBlock();
  private readonly threadsRunning: HelperThread[] = [];
  private failure: Error | undefined;
  private busy = false;
  private terminated = false;
  private canBlock: boolean | undefined;

  private constructor(runtime: KernelRuntime, private readonly spawn: SpawnHelper) {
    this.runtime = runtime;
  }

  /**
   * Loads the shared-memory build and starts `helpers` helper threads.
   * @param variant - kernel build (`auto`: best available; not `reference`)
   * @param helpers - helper threads (threads = helpers + the engine thread)
   * @throws AlsError `WASM_UNAVAILABLE` (no shared memory or build here), `WORKER_FAILED` (a helper did not start)
   */
  static async create(variant: KernelVariant | 'auto', helpers: number): Promise<WorkerPool> {
    const support = parallelSupport();
    if (!support.ok) throw new AlsError('WASM_UNAVAILABLE', `Parallel training is unavailable: ${support.reason}.`, { reason: support.reason });
    const runtime = await loadKernels({ variant, shared: true });
    const pool = new WorkerPool(runtime, isNode ? spawnNodeThread : spawnWebWorker);
    try {
      await pool.grow(helpers);
    } catch (e) {
      pool.terminate();
      throw e;
    }
    return pool;
  }

  /** Threads of the pool, the engine thread included. */
  get threads(): number {
    return this.threadsRunning.length + 1;
  }

  /** Whether the pool can run jobs (not terminated, no helper lost). */
  get healthy(): boolean {
    return !this.terminated && !this.failure;
  }

  /** Starts helpers until there are `helpers` of them. */
  async grow(helpers: number): Promise<void> {
    const starting: Promise<void>[] = [];
    for (let index = this.threadsRunning.length + 1; index <= helpers; index++) {
      starting.push(
        new Promise<void>((resolve, reject) => {
          const init: HelperInit = { module: this.runtime.module!, memory: this.runtime.memory, control: this.block.control, protocol: C, index };
          let ready = false;
          const fail = (e: unknown) => {
            const err = new AlsError('WORKER_FAILED', `A training worker stopped: ${(e as Error)?.message ?? e}. Train again (a fresh pool is started) or use workers: 1.`, { worker: index });
            if (!ready) reject(err);
            else if (!this.terminated) this.failure ??= err;
          };
          this.spawn(init, (m) => {
            if (m.ready !== undefined) {
              ready = true;
              resolve();
            } else if (m.fatal !== undefined) fail(new Error(m.fatal));
          }, fail).then((t) => this.threadsRunning.push(t), reject);
        }),
      );
    }
    await Promise.all(starting);
  }

  /**
   * Runs one job on `threads` threads and resolves when every claimed chunk is done.
   * Chunk results are in the job's results array (see `RESULT_BYTES`), whichever thread ran them.
   * @throws an AbortError when cancelled; AlsError `WORKER_FAILED` when a thread threw or died
   */
  async run(job: PoolJob, opts: PoolRunOptions): Promise<void> {
    if (this.terminated) throw new AlsError('WORKER_FAILED', 'The worker pool was terminated.', {});
    if (this.failure) throw this.failure;
    if (this.busy) throw new AlsError('WORKER_FAILED', 'The worker pool is running another job.', {});
    this.busy = true;
    const { ctl, params } = this.block;
    const participants = Math.max(1, Math.min(opts.threads, this.threads));
    openJob(this.block, job, participants);
    let thrown: unknown;
    let aborted = false;
    const K: ChunkKernels = this.runtime.exports;
    try {
      for (; opts.engineComputes !== false || participants === 1; ) {
        if (Atomics.load(ctl, C.STOP) !== 0) break;
        const c = Atomics.add(ctl, C.NEXT, 1);
        if (c >= job.count) break;
        let failed: boolean;
        try {
          failed = runChunk(K, this.runtime.memory, ctl, params, C, c, 0, solveRows);
        } catch (e) {
          // A trap on the engine thread is the same kind of failure as one in a helper.
          throw new AlsError('WORKER_FAILED', `A kernel failed on the engine thread: ${(e as Error)?.message ?? e}. This is a bug; please report it.`, { worker: 0, message: String((e as Error)?.message ?? e) });
        }
        if (failed) Atomics.store(ctl, C.STOP, 1);
        opts.onChunk?.(Atomics.load(ctl, C.ROWS_DONE));
        if (opts.yielder) await opts.yielder.maybe();
        if (opts.signal?.aborted) {
          aborted = true;
          Atomics.store(ctl, C.STOP, 1);
          break;
        }
      }
    } catch (e) {
      // A trap, or a progress callback that threw: stop the job, let the helpers finish, rethrow.
      thrown = e;
      Atomics.store(ctl, C.STOP, 1);
    }
    if (opts.engineComputes === false && participants > 1) {
      // Leave every chunk to the helpers: keep the job open until they have claimed them all.
      while (Atomics.load(ctl, C.NEXT) < job.count && Atomics.load(ctl, C.STOP) === 0 && this.healthy) await nextMacrotask();
    }
    // Close the job: helpers that have not joined yet will not; wait only for those inside.
    closeJob(this.block);
    try {
      await this.waitForHelpers();
    } catch (e) {
      // Disposed because the run was cancelled: the caller asked for an AbortError.
      if (opts.signal?.aborted) throw abortError(opts.signal.reason);
      throw e;
    } finally {
      this.busy = false;
    }
    if (ctl[C.ERROR] !== 0) {
      const text = failureText(this.block);
      throw new AlsError('WORKER_FAILED', `A training worker failed: ${text}. This is a bug; please report it (workers: 1 avoids the pool).`, { worker: ctl[C.ERROR] - 1, message: text });
    }
    if (thrown !== undefined) throw thrown;
    if (aborted) throw abortError(opts.signal?.reason);
  }

  /** Stops every helper; the pool cannot be used afterwards. Idempotent. */
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    signalExit(this.block);
    for (const t of this.threadsRunning) t.terminate();
    this.threadsRunning.length = 0;
  }

  /**
   * Waits until no helper works on the job. Blocks in short `Atomics.wait` slices where the
   * thread may block (Node, workers: wakes within microseconds), else awaits `Atomics.waitAsync`
   * (a page's main thread); either way returns to the event loop now and then, so that a helper
   * that died is noticed instead of waited for.
   */
  private async waitForHelpers(): Promise<void> {
    const { ctl } = this.block;
    let slices = 0;
    for (;;) {
      const active = Atomics.load(ctl, C.ACTIVE);
      if (active === 0) return;
      if (this.failure) throw this.failure;
      if (this.terminated) throw new AlsError('WORKER_FAILED', 'The worker pool was terminated during a run (the engine was disposed).', {});
      if (this.canBlock !== false) {
        try {
          Atomics.wait(ctl, C.ACTIVE, active, 20);
          this.canBlock = true;
          if (++slices % 5 === 0) await nextMacrotask();
          continue;
        } catch {
          this.canBlock = false;
        }
      }
      const waitAsync = (Atomics as unknown as { waitAsync?: (a: Int32Array, i: number, v: number, t: number) => { async: boolean; value: Promise<unknown> | string } }).waitAsync;
      if (typeof waitAsync === 'function') {
        const r = waitAsync(ctl, C.ACTIVE, active, 100);
        if (r.async) await r.value;
      } else {
        await nextMacrotask();
      }
    }
  }
}
