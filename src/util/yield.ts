/**
 * Lets queued events (progress messages, abort signals, Comlink calls) run between chunks of
 * work. A macrotask is needed: awaiting a resolved promise would not let an AbortSignal fire.
 */
const channel = typeof MessageChannel !== 'undefined' && typeof setImmediate === 'undefined' ? new MessageChannel() : undefined;
const waiting: (() => void)[] = [];
if (channel) {
  channel.port1.onmessage = () => waiting.shift()?.();
}

/** Resolves on the next macrotask (setImmediate in Node, a MessageChannel tick in browsers). */
export function nextMacrotask(): Promise<void> {
  if (typeof setImmediate !== 'undefined') return new Promise((r) => setImmediate(r));
  if (channel) {
    return new Promise((r) => {
      waiting.push(r);
      channel.port2.postMessage(0);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

/** Yields at most every `intervalMs`, so frequent calls stay cheap. */
export class Yielder {
  private last = now();
  /** @param intervalMs - minimum time between two yields */
  constructor(private readonly intervalMs = 25) {}
  /** Yields if `intervalMs` passed since the last yield. */
  async maybe(): Promise<void> {
    const t = now();
    if (t - this.last < this.intervalMs) return;
    await nextMacrotask();
    this.last = now();
  }
}

/** Milliseconds from a monotonic clock. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
