/**
 * The async recommender API and its options. `Recommender` is derived from the engine's
 * class (types only: importing this module loads no engine code), so a method added to the
 * engine is a method of the recommender, in worker mode and in-thread alike (worker mode once
 * it has its row in the CALLS table of calls.ts, which the compiler asks for).
 */
import type { Engine } from '../engine/engine.js';

/** A method as the recommender offers it: the same parameters, always a promise. */
type Async<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;

/** The engine's calls that the recommender forwards as they are (restore is the client's own business). */
type Calls = Omit<Engine, 'restore' | 'dispose' | 'loadModel'>;

/**
 * The async recommender API: the engine's methods, with `onProgress` and `signal` options
 * that work across the worker boundary. Every method returns a promise.
 */
export type Recommender = { [K in keyof Calls]: Async<Calls[K]> } & {
  /**
   * Loads a model file; a bad file is refused and the current model stays. The bytes are
   * copied (the caller's buffer stays usable; a SharedArrayBuffer view works) unless
   * `{ transfer: true }`, which moves a buffer the bytes span whole to the worker (it is then
   * detached) instead of copying it.
   */
  loadModel(bytes: Uint8Array | ArrayBuffer, opts?: { transfer?: boolean }): ReturnType<Engine['loadModel']>;
  /** Frees everything; terminates the worker. Later calls reject with `DISPOSED`. */
  dispose(): Promise<void>;
};

/** Options of `createRecommender`. */
export interface RecommenderOptions {
  /** Run the engine on the calling thread instead of a Web Worker (Node, tests). Default: in-thread where `Worker` is missing. */
  inThread?: boolean;
  /**
   * Worker mode: how long the worker may miss heartbeats before it is declared dead — pending
   * calls reject with `WORKER_DIED` and the next call starts a fresh worker (and restores the
   * model, see {@link RecommenderOptions.onRestore}). Catches a worker that vanished without an
   * error event (killed, crashed out of memory). While calls are pending the client pings the
   * worker every `heartbeatMs`; the engine answers between chunks of work (training, parsing,
   * evaluation and validation all yield every ~25 ms), so a busy worker keeps answering.
   * Death = `ceil(livenessTimeoutMs / heartbeatMs)` consecutive heartbeats without an answer.
   * 0 turns the check off. Default 30 000.
   */
  livenessTimeoutMs?: number;
  /** Worker mode: interval of the liveness pings, in ms. Default min(1000, livenessTimeoutMs / 4). */
  heartbeatMs?: number;
  /**
   * Worker mode: keep the current model's bytes on the calling thread (fetched with `save()`
   * after each successful `train`, `update`, `loadModel`, `importFactors`, `addItems` and `crossValidate` refit), so
   * that after a worker death the next call restores the model into the fresh worker. Costs a
   * copy of the model file in memory and one `save()` per new model. Default true.
   */
  keepModel?: boolean;
  /**
   * Worker mode: called when a fresh worker replaced one that died — whether the model was
   * restored, and the dataset ids that were lost (calls naming them reject with
   * `DATASET_LOST`). Default: a `console.warn`. `info().restored` reports the same.
   */
  onRestore?: (r: { model: boolean; lostDatasets: number[] }) => void;
}

/** Every option of {@link RecommenderOptions} (typed: a new option fails to compile until listed). */
export const RECOMMENDER_OPTION_NAMES = Object.keys({ inThread: 1, livenessTimeoutMs: 1, heartbeatMs: 1, keepModel: 1, onRestore: 1 } satisfies Record<keyof RecommenderOptions, 1>);

/** Default of {@link RecommenderOptions.livenessTimeoutMs}. */
export const LIVENESS_TIMEOUT_MS = 30_000;

/**
 * A recommender whose every method name is forwarded to `call(name, args)`, except those in
 * `own`. `then` and symbols are not methods (a recommender is not a promise).
 */
export function forwardingRecommender(own: Partial<Recommender>, call: (name: string, args: unknown[]) => Promise<unknown>): Recommender {
  return new Proxy(own, {
    get(target, name) {
      if (typeof name !== 'string' || name === 'then') return undefined;
      if (name in target) return target[name as keyof Recommender];
      return (...args: unknown[]) => call(name, args);
    },
  }) as Recommender;
}
