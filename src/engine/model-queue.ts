/**
 * The engine's calls that change the current model (train, update, addItems, loadModel,
 * importFactors, a refitting cross-validation, restore) run one after another, in the order
 * they were made. Without it, `update` ‖ `update` both started from the same model and the
 * second result replaced the first (one update silently lost), and `train` ‖ `update` let
 * whichever finished last win.
 */
export class ModelQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * Runs `fn` after every change queued before it has settled (resolved or failed: a failed or
   * cancelled change does not block the ones after it).
   * @returns what `fn` returns, or its error
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
