import * as Comlink from 'comlink';
import type { TrainProgress } from '../als/options.js';
import type { InteractionSource } from '../data/parse.js';
import { Engine, type DatasetHandle, type EngineCrossValidateOptions, type EngineCrossValidationResult, type EngineTrainOptions, type LoadOptions, type TrainSummary } from '../engine/engine.js';
import { throwIfAborted } from '../errors.js';
import type { WorkerApi } from './worker.js';
import './errors-transfer.js';

/** Options of {@link createRecommender}. */
export interface RecommenderOptions {
  /** Run the engine on the calling thread instead of a Web Worker (Node, tests). Default: in-thread where `Worker` is missing. */
  inThread?: boolean;
}

/**
 * The async recommender API: the engine's methods, with `onProgress` and `signal` options
 * that work across the worker boundary. Every method returns a promise.
 */
export interface Recommender {
  /** Parses and indexes interactions where the engine runs (progress: `parse`, `index`). */
  load(source: InteractionSource, opts?: LoadOptions): Promise<DatasetHandle>;
  /** Splits a dataset into train and test handles. */
  split: Engine['split'];
  /** Trains a model (progress: `init`, `sweep`, `iteration`, `done`); cancel with `signal`. */
  train(data: DatasetHandle | number, opts?: EngineTrainOptions): Promise<TrainSummary>;
  /** Top-k for a known user. */
  recommend: Engine['recommend'];
  /** Top-k for a new user's history by fold-in; nothing stored. */
  recommendForNewUser: Engine['recommendForNewUser'];
  /** A new user's factors by fold-in. */
  foldIn: Engine['foldIn'];
  /** Similar items by cosine. */
  similarItems: Engine['similarItems'];
  /** Score of one pair. */
  predict: Engine['predict'];
  /** Per-item contributions to a score. */
  explain: Engine['explain'];
  /** Held-out quality. */
  evaluate: Engine['evaluate'];
  /** The model file's bytes (transferred, not copied). */
  save: Engine['save'];
  /** Loads a model file; a bad file is refused and the current model stays. */
  loadModel(bytes: Uint8Array | ArrayBuffer): ReturnType<Engine['loadModel']>;
  /** Imports factors trained elsewhere (.npy/.npz/JSON/CSV). */
  importFactors: Engine['importFactors'];
  /** Frees a dataset. */
  releaseDataset: Engine['releaseDataset'];
  /** Engine facts: kernels, model, datasets, environment. */
  info: Engine['info'];
  /** Frees everything; terminates the worker. */
  dispose(): Promise<void>;
  /** K-fold cross-validation / search on a dataset (progress: `trial`, `trial-done`); cancel with `signal`. */
  crossValidate(data: DatasetHandle | number, opts?: EngineCrossValidateOptions): Promise<EngineCrossValidationResult>;
}

let nextRun = 1;

/**
 * Creates a recommender whose engine runs in a module Web Worker (via Comlink), or in-thread.
 * @example
 * const rec = await createRecommender();
 * const data = await rec.load(file, { onProgress: (p) => console.log(p.stage, p.rows) });
 * await rec.train(data, { feedback: 'implicit', factors: 32, signal: controller.signal });
 * const top = await rec.recommend('user-17', 10);
 */
export async function createRecommender(options: RecommenderOptions = {}): Promise<Recommender> {
  const inThread = options.inThread ?? typeof Worker === 'undefined';
  if (inThread) {
    const engine = new Engine();
    return bind(engine, async () => engine.dispose());
  }
  // The literal form lets Vite and other bundlers find and bundle the worker.
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'als-wasm' });
  const remote = Comlink.wrap<WorkerApi>(worker);
  const rec = bind(remote as unknown as Engine, async () => {
    remote[Comlink.releaseProxy]();
    worker.terminate();
  });
  return {
    ...rec,
    async load(source, opts = {}) {
      const { onProgress, signal, ...rest } = opts;
      const movable = typeof ReadableStream !== 'undefined' && source instanceof ReadableStream ? Comlink.transfer(source, [source as unknown as Transferable]) : isPlainIterable(source) ? Array.from(source as Iterable<unknown>) : source;
      return withAbort(signal, (runId) => remote.load(movable as InteractionSource, { ...rest, runId }, onProgress ? Comlink.proxy(onProgress) : undefined));
    },
    async train(data, opts = {}) {
      const { onProgress, onHoldout, signal, ...rest } = opts;
      return withAbort(signal, (runId) => remote.train(data, { ...rest, runId }, onProgress ? Comlink.proxy(onProgress as (p: TrainProgress) => void) : undefined, onHoldout ? Comlink.proxy(onHoldout) : undefined));
    },
    async loadModel(bytes) {
      const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
      return remote.loadModel(Comlink.transfer(u8, [u8.buffer]));
    },
    async crossValidate(data, opts = {}) {
      const { onProgress, signal, ...rest } = opts;
      return withAbort(signal, (runId) => remote.crossValidate(data, { ...rest, runId }, onProgress ? Comlink.proxy(onProgress) : undefined));
    },
  };

  /** Maps an AbortSignal to the engine's run id, so cancel reaches the worker between chunks. */
  async function withAbort<T>(signal: AbortSignal | undefined, call: (runId: number) => Promise<T>): Promise<T> {
    throwIfAborted(signal);
    const runId = nextRun++;
    const onAbort = () => void remote.abort(runId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await call(runId);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function isPlainIterable(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Symbol.iterator in x && !(x instanceof Blob);
}

/** The same method names on either an in-thread engine or a Comlink remote. */
function bind(e: Engine, dispose: () => Promise<void>): Recommender {
  return {
    load: (s, o) => e.load(s, o),
    split: (d, o) => e.split(d, o),
    train: (d, o) => e.train(d, o),
    recommend: (u, k, o) => e.recommend(u, k, o),
    recommendForNewUser: (h, k, o) => e.recommendForNewUser(h, k, o),
    foldIn: (h) => e.foldIn(h),
    similarItems: (i, k) => e.similarItems(i, k),
    predict: (u, i) => e.predict(u, i),
    explain: (u, i, o) => e.explain(u, i, o),
    evaluate: (t, o) => e.evaluate(t, o),
    save: () => e.save(),
    loadModel: (b) => e.loadModel(b),
    importFactors: (s, o) => e.importFactors(s, o),
    releaseDataset: (d) => e.releaseDataset(d),
    info: () => e.info(),
    dispose,
    crossValidate: (d, o) => e.crossValidate(d, o),
  };
}
