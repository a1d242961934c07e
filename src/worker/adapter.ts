/**
 * The engine as the worker exposes it: the same methods, except that a long call's `signal`
 * and `onProgress` — which cannot cross `postMessage` — arrive as a run id (the client sends
 * `abort(runId)` when its signal fires) and a Comlink-proxied callback. Plus the liveness `ping`.
 */
import type { Engine } from '../engine/engine.js';

/** The engine's long calls, whose options carry `signal` and `onProgress`. */
type LongCall = 'load' | 'train' | 'update' | 'crossValidate' | 'evaluate';

/** A long call as it crosses the wire: options without the signal and callback, plus a run id; the callback apart. */
type OnWire<F> = F extends (first: infer A, opts?: infer O) => infer R
  ? (first: A, opts: Omit<NonNullable<O>, 'signal' | 'onProgress'> & { runId: number }, onProgress?: NonNullable<O> extends { onProgress?: infer P } ? P : never) => R
  : never;

/** What the worker exposes, derived from the engine. */
export type WorkerApi = Omit<Engine, LongCall | 'recommendMany'> & { [K in LongCall]: OnWire<Engine[K]> } & {
  /** `recommendMany` with its signal as a run id. */
  recommendMany(users: Parameters<Engine['recommendMany']>[0], k: number | undefined, opts: Omit<NonNullable<Parameters<Engine['recommendMany']>[2]>, 'signal'> & { runId: number }): ReturnType<Engine['recommendMany']>;
  /** Cancels the run started with `runId` (its promise rejects with an AbortError). */
  abort(runId: number): void;
  /** Answers at once: the client's liveness check while calls are pending. */
  ping(): true;
};

/**
 * Wraps an engine for `Comlink.expose`.
 * @param engine - the engine every call goes to
 */
export function workerApi(engine: Engine): WorkerApi {
  const runs = new Map<number, AbortController>();
  /** Calls `method` with a signal tied to `runId` and the proxied callback. */
  const long =
    <K extends LongCall>(name: K) =>
    (first: unknown, opts: { runId: number }, onProgress?: unknown) => {
      const { runId, ...rest } = opts;
      const controller = new AbortController();
      runs.set(runId, controller);
      const method = engine[name] as (a: unknown, o: object) => Promise<unknown>;
      return method.call(engine, first, { ...rest, signal: controller.signal, onProgress }).finally(() => runs.delete(runId));
    };
  // Every other method is forwarded as it is (a Proxy: methods added to the engine need no line here).
  const extra = {
    load: long('load'),
    train: long('train'),
    update: long('update'),
    crossValidate: long('crossValidate'),
    evaluate: long('evaluate'),
    recommendMany: (users: unknown, k: number | undefined, opts: { runId: number }) => {
      const { runId, ...rest } = opts;
      const controller = new AbortController();
      runs.set(runId, controller);
      return engine.recommendMany(users as Parameters<Engine['recommendMany']>[0], k, { ...rest, signal: controller.signal }).finally(() => runs.delete(runId));
    },
    abort: (runId: number) => runs.get(runId)?.abort(),
    ping: () => true as const,
  };
  return new Proxy(extra, {
    get: (target, name) => (name in target ? target[name as keyof typeof target] : typeof (engine as unknown as Record<string | symbol, unknown>)[name] === 'function' ? (engine as unknown as Record<string | symbol, (...a: unknown[]) => unknown>)[name].bind(engine) : undefined),
  }) as unknown as WorkerApi;
}
