/**
 * Test-only: watches the engine workers a page starts (the module Web Workers named `als-wasm`)
 * by wrapping the global `Worker` constructor, so a browser test can kill the live one as a
 * crash would and count how many were started — without any hook in the production client.
 * Each test uses one recommender at a time, so "the workers started during this test" are its.
 */

/** The engine workers started since {@link watchWorkers}, and a way to kill the newest. */
export interface WorkerWatch {
  /** How many engine workers were started. */
  started(): number;
  /**
   * `terminate` ends the newest worker without telling the client, as a crash or an
   * out-of-memory kill would (pending calls reject with `WORKER_DIED` after the liveness
   * timeout); `error` fires the `error` event a worker with an uncaught error gets (pending
   * calls reject at once). The next call starts a fresh worker.
   * @returns how many engine workers were started so far
   */
  kill(how?: 'terminate' | 'error'): number;
  /** Puts the real `Worker` back. */
  stop(): void;
}

/** Starts watching: every `new Worker(…, { name: 'als-wasm' })` from now on is recorded. */
export function watchWorkers(): WorkerWatch {
  const Real = globalThis.Worker;
  const started: Worker[] = [];
  class Watched extends Real {
    constructor(url: string | URL, opts?: WorkerOptions) {
      super(url, opts);
      if (opts?.name === 'als-wasm') started.push(this);
    }
  }
  globalThis.Worker = Watched;
  return {
    started: () => started.length,
    kill(how = 'terminate') {
      const w = started.at(-1);
      if (!w) throw new Error('no engine worker has been started');
      if (how === 'terminate') w.terminate();
      else w.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught RangeError: Out of memory (simulated)', cancelable: true }));
      return started.length;
    },
    stop() {
      globalThis.Worker = Real;
    },
  };
}
