/**
 * The worker's dispatcher: the engine as the worker exposes it, driven by the CALLS table. A
 * long call's `signal` and `onProgress` — which cannot cross `postMessage` — arrive as a run id
 * (the client sends `abort(runId)` when its signal fires) and a Comlink-proxied callback; the
 * buffers a row names are transferred, not copied. Plus the liveness `ping`. The engine itself
 * returns plain values and knows nothing of Comlink (duckdb-wasm's split: a blocking core, a
 * dispatcher that owns the transfers).
 */
import * as Comlink from 'comlink';
import type { Engine } from '../engine/engine.js';
import { CALLS, type CallName, type CallSpec } from './calls.js';

/** The names of the long calls (a `long` index in their row). */
type LongCall = { [K in CallName]: (typeof CALLS)[K] extends { long: number } ? K : never }[CallName];

/** The first `N` parameters of a parameter list (optional ones become `| undefined`). */
type Take<A extends unknown[], N extends number, Acc extends unknown[] = []> = Acc['length'] extends N
  ? Acc
  : A extends [infer H, ...infer T]
    ? Take<T, N, [...Acc, H]>
    : A extends [(infer H)?, ...infer T]
      ? Take<T, N, [...Acc, H | undefined]>
      : Acc;

/** A long call's options (the parameter its row's `long` names). */
type OptionsOf<K extends LongCall> = NonNullable<Parameters<Engine[K]>[(typeof CALLS)[K]['long']]>;

/** A long call as it crosses the wire: options without the signal and callback, plus a run id; the callback apart, last. */
type OnWire<K extends LongCall> = (
  ...args: [...Take<Parameters<Engine[K]>, (typeof CALLS)[K]['long']>, opts: Omit<OptionsOf<K>, 'signal' | 'onProgress'> & { runId: number }, onProgress?: OptionsOf<K> extends { onProgress?: infer P } ? P : never]
) => ReturnType<Engine[K]>;

/** What the worker exposes, derived from the engine and the CALLS table. */
export type WorkerApi = Omit<Pick<Engine, CallName>, LongCall> & { [K in LongCall]: OnWire<K> } & {
  /** Cancels the run started with `runId` (its promise rejects with an AbortError). */
  abort(runId: number): void;
  /** Answers at once: the client's liveness check while calls are pending. */
  ping(): true;
};

/**
 * Wraps an engine for `Comlink.expose`: one dispatcher per row of the CALLS table.
 * @param engine - the engine every call goes to
 */
export function workerApi(engine: Engine): WorkerApi {
  const runs = new Map<number, AbortController>();
  const api: Record<string, unknown> = {
    abort: (runId: number) => runs.get(runId)?.abort(),
    ping: () => true as const,
  };
  for (const [name, spec] of Object.entries(CALLS) as [CallName, CallSpec][]) {
    const method = engine[name] as (...a: unknown[]) => Promise<unknown>;
    api[name] = async (...args: unknown[]) => {
      const result = spec.long === undefined ? await method.apply(engine, args) : await runLong(method, args, spec.long);
      return spec.transfer ? Comlink.transfer(result, (spec.transfer as (r: unknown) => ArrayBuffer[])(result)) : result;
    };
  }

  /** Calls a long method with a signal tied to the run id at `at` and the proxied callback after it. */
  async function runLong(method: (...a: unknown[]) => Promise<unknown>, args: unknown[], at: number): Promise<unknown> {
    const { runId, ...rest } = args[at] as { runId: number };
    const onProgress = args[at + 1];
    const controller = new AbortController();
    runs.set(runId, controller);
    try {
      return await method.apply(engine, [...args.slice(0, at), { ...rest, signal: controller.signal, ...(onProgress === undefined ? {} : { onProgress }) }]);
    } finally {
      runs.delete(runId);
    }
  }
  return api as unknown as WorkerApi;
}
