/**
 * The engine's runs in progress, each with its own AbortController: a run stops when the caller's
 * signal fires or when the engine is disposed of.
 */

/** The runs in progress, so that dispose() stops them. */
export class RunSet {
  private readonly runs = new Set<AbortController>();

  /** Runs `fn` with a signal that fires on the caller's `signal` or on {@link RunSet.abortAll}. */
  async run<T>(callerSignal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.runs.add(controller);
    const forward = () => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) forward();
    callerSignal?.addEventListener('abort', forward);
    try {
      return await fn(controller.signal);
    } finally {
      this.runs.delete(controller);
      callerSignal?.removeEventListener('abort', forward);
    }
  }

  /** Aborts every run in progress and forgets them. */
  abortAll(): void {
    for (const c of this.runs) c.abort();
    this.runs.clear();
  }
}
