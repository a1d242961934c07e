import * as Comlink from 'comlink';
import { train as trainModel, type FitOptions, type FitReport } from '../eval/fit.js';
import type {
  AlsModel,
  Explanation,
  FoldInResult,
  HistoryEntry,
  HistoryRecommendations,
  PopularOptions,
  RecommendManyOptions,
  RecommendOptions,
  ScoredItem,
  SimilarItemsOptions,
  UserRecommendations,
  UsersForItemOptions,
} from '../als/model.js';
import { nextMacrotask } from '../util/yield.js';
import type { TrainOptions, TrainProgress } from '../als/options.js';
import { loadInteractions, type InteractionSource, type ParseOptions, type ParseProgress } from '../data/parse.js';
import { splitInteractions, type SplitOptions } from '../data/split.js';
import type { Id, InteractionRecord, Interactions, SkippedRows } from '../data/types.js';
import { updateModel, type UpdateOptions, type UpdateResult } from '../als/update.js';
import { AlsError, badOption, checkOptions, throwIfAborted } from '../errors.js';
import { evaluateModelAsync, type EvaluateOptions, type RankingEvaluation, type RatingEvaluation } from '../eval/evaluate.js';
import { crossValidate, type CrossValidateOptions, type CrossValidationResult, type CvProgress } from '../eval/cross-validate.js';
import type { ValidationOptions } from '../eval/validation.js';
import { importFactors as importFactorFile, type ImportFactorsOptions, type FactorSource } from '../io/factors-import.js';
import { loadModel as decodeModelFile, saveModel } from '../io/model-file.js';
import { exportFactors as exportFactorFiles, type ExportFormat, type ExportedFactors } from '../io/factors-export.js';
import type { KernelVariant } from '../wasm/abi.js';
import { kernelVariantsAvailable, loadKernels, type KernelRuntime } from '../wasm/kernels.js';
import { defaultWorkers } from '../parallel/cores.js';
import { PoolKeeper } from '../parallel/lease.js';
import { modelView, userHistory, type ModelView } from './model-view.js';
import { parallelSupport } from '../parallel/pool.js';
import { addItems, recommendForNewUserWithFeatures, type FeatureValue } from '../features/cold.js';
import type { FeatureInput } from '../features/types.js';

export type { CrossValidationSummary, DatasetHandle, EngineCrossValidateOptions, EngineInfo, EngineTrainOptions, LoadOptions, TrainSummary, UpdateSummary } from './types.js';
import type { CrossValidationSummary, DatasetHandle, EngineCrossValidateOptions, EngineInfo, EngineTrainOptions, LoadOptions, TrainSummary, UpdateSummary } from './types.js';

/**
 * The whole engine: datasets, training, the current model and everything that uses it. It
 * runs unchanged in-thread (Node, tests) and inside the Web Worker, where Comlink forwards
 * the same method names (worker/adapter.ts maps `signal` and `onProgress` onto messages).
 * Long calls take `(data, options)` with `signal` and `onProgress` in the options.
 */
export class Engine {
  private readonly datasets = new Map<number, { data: Interactions; handle: DatasetHandle }>();
  private nextDataset = 1;
  private model: AlsModel | null = null;
  /** The runs in progress, so that dispose() stops them. */
  private readonly runs = new Set<AbortController>();
  /** Datasets that lived in a worker that died (see {@link restore}). */
  private readonly lostDatasets = new Set<number>();
  private restoredState: EngineInfo['restored'];
  /** The training memory, reused run after run so repeated training does not grow memory; null while a run uses it. */
  private trainRuntime: KernelRuntime | null = null;
  private trainRuntimeBusy = false;
  /** The `kernels` option the kept runtime was loaded for. */
  private trainRuntimeFor: KernelVariant | 'auto' | null = null;
  /** The worker pool of parallel sweeps: started by the first run with workers > 1, kept until dispose(). */
  private readonly pool = new PoolKeeper();

  /**
   * Parses and indexes interactions and keeps them in the engine.
   * @returns a handle to pass to `train`, `split` or `evaluate`
   */
  async load(source: InteractionSource, opts: LoadOptions = {}): Promise<DatasetHandle> {
    return this.withRun(opts.signal, async (signal) => {
      const { onProgress, signal: _s, ...rest } = opts;
      const data = await loadInteractions(source, { ...rest, signal, onProgress: onProgress as ParseOptions['onProgress'] });
      onProgress?.({ stage: 'index', rows: data.length, users: data.users.size, items: data.items.size });
      return this.keep(data);
    });
  }

  /** Splits a dataset into train and test (both kept; see {@link splitInteractions}). */
  async split(data: DatasetHandle | number, opts: SplitOptions = {}): Promise<{ train: DatasetHandle; test: DatasetHandle; testPairs: number; testPairsUnknownUser: number; testPairsUnknownItem: number }> {
    const s = splitInteractions(this.dataset(data), opts);
    return { train: this.keep(s.train), test: this.keep(s.test), testPairs: s.testPairs, testPairsUnknownUser: s.testPairsUnknownUser, testPairsUnknownItem: s.testPairsUnknownItem };
  }

  /** Frees a dataset. */
  async releaseDataset(data: DatasetHandle | number): Promise<void> {
    this.datasets.delete(typeof data === 'number' ? data : data.id);
  }

  /**
   * Trains a model on a dataset. The previous model stays in place until the new one is
   * complete, so a cancelled or failed run leaves it usable.
   */
  async train(data: DatasetHandle | number, opts: EngineTrainOptions = {}): Promise<TrainSummary> {
    const interactions = this.dataset(data);
    const validation = opts.validation && { ...opts.validation, data: this.dataset(opts.validation.data) };
    return this.withRun(opts.signal, async (signal) => {
      const { onProgress, signal: _s, warmStart, ...rest } = opts;
      if (warmStart !== undefined && typeof warmStart !== 'boolean') throw badOption('warmStart', warmStart, 'true (continue from the current model) or false');
      const start = warmStart ? this.current() : undefined;
      // One run at a time uses the kept training memory; a concurrent run gets its own.
      const kernels = rest.kernels ?? 'auto';
      // An unknown `kernels` value is left to option validation (BAD_OPTION) inside train.
      const reuse = !this.trainRuntimeBusy && ['auto', 'relaxed', 'simd', 'scalar', 'reference'].includes(kernels);
      if (reuse) this.trainRuntimeBusy = true;
      let result: Awaited<ReturnType<typeof trainModel>>;
      try {
        const runtime = reuse ? await this.trainingRuntime(kernels) : undefined;
        result = await trainModel(interactions, { ...rest, validation, signal, onProgress, ...(start ? { warmStart: start } : {}) }, { runtime, pool: this.pool });
      } finally {
        if (reuse) this.trainRuntimeBusy = false;
      }
      const { model, report } = result;
      this.model = model;
      return { ...report, users: model.users.size, items: model.items.size, interactions: model.seen.indptr[model.users.size], options: model.options };
    });
  }

  /**
   * Adds interactions to the current model and re-solves only the rows they touch (see
   * `updateModel`); new users and items get rows. The updated model replaces the current one
   * on success; a cancelled or failed update leaves it as it was.
   * @param data - a dataset handle, or records `{ user, item, value?, event? }`
   * @param opts - `users` / `items`: `'solve'` (default) or `'keep'`; progress (`update`) and cancel
   */
  async update(data: DatasetHandle | number | InteractionRecord[], opts: UpdateOptions = {}): Promise<UpdateSummary> {
    const model = this.current();
    const interactions = Array.isArray(data) ? data : this.dataset(data);
    return this.withRun(opts.signal, async (signal) => {
      const { onProgress, signal: _s, ...rest } = opts;
      // The kept training memory when it is free and of the model's build: repeated updates do not add memories.
      const reuse = !this.trainRuntimeBusy && this.trainRuntime?.variant === model.kernels;
      if (reuse) this.trainRuntimeBusy = true;
      let result: UpdateResult<AlsModel>;
      try {
        result = await updateModel(model, interactions, { ...rest, signal, onProgress }, { runtime: reuse ? this.trainRuntime! : undefined });
      } finally {
        if (reuse) this.trainRuntimeBusy = false;
      }
      const { model: next, report } = result;
      this.model = next;
      return { ...report, users: next.users.size, items: next.items.size, interactions: next.seen.indptr[next.users.size] };
    });
  }

  /**
   * K-fold cross-validation and grid/random search over training options (see
   * `crossValidate`). With `refit`, the model trained on all the data with the best options
   * becomes the engine's model; otherwise the current model stays.
   */
  async crossValidate(data: DatasetHandle | number, opts: EngineCrossValidateOptions = {}): Promise<CrossValidationSummary> {
    const interactions = this.dataset(data);
    return this.withRun(opts.signal, async (signal) => {
      const { onProgress, signal: _s, ...rest } = opts;
      const { model, ...result } = await crossValidate(interactions, { ...rest, signal, onProgress }, { pool: this.pool });
      if (model) this.model = model;
      return { ...result, model: model ? this.modelInfo() : undefined };
    });
  }

  /** Top-k items for a known user (see `AlsModel.recommend`). */
  async recommend(user: Id, k = 10, opts: RecommendOptions = {}): Promise<ScoredItem[]> {
    return this.current().recommend(user, k, opts);
  }

  /**
   * Top-k items for many known users (see `AlsModel.recommendMany`): blocks of users scored
   * against every item in WASM. Runs in slices of {@link SERVE_SLICE_USERS} users with a yield
   * between them, so a worker keeps answering and `signal` stops it.
   */
  async recommendMany(users: Id[], k = 10, opts: RecommendManyOptions & { signal?: AbortSignal } = {}): Promise<UserRecommendations[]> {
    const model = this.current();
    return this.withRun(opts.signal, async (signal) => {
      const { signal: _s, ...rest } = opts;
      throwIfAborted(signal);
      if (!Array.isArray(users)) throw badOption('users', typeof users, 'an array of user ids');
      // Everything is checked before the first slice: a bad id or option fails at once, not half-way.
      model.recommendMany([], k, rest);
      if ((rest.unknownUsers ?? 'error') === 'error') for (const u of users) model.userIndex(u);
      const out: UserRecommendations[] = [];
      for (let s0 = 0; s0 < users.length; s0 += SERVE_SLICE_USERS) {
        if (s0 > 0) {
          await nextMacrotask();
          throwIfAborted(signal);
        }
        for (const r of model.recommendMany(users.slice(s0, s0 + SERVE_SLICE_USERS), k, rest)) out.push(r);
      }
      return out;
    });
  }

  /** The users most likely to want an item (see `AlsModel.usersForItem`). */
  async usersForItem(item: Id, k = 10, opts: UsersForItemOptions = {}): Promise<ScoredItem[]> {
    return this.current().usersForItem(item, k, opts);
  }

  /** Users most similar to a user (cosine on user factors; see `AlsModel.similarUsers`). */
  async similarUsers(user: Id, k = 10, opts: SimilarItemsOptions = {}): Promise<ScoredItem[]> {
    return this.current().similarUsers(user, k, opts);
  }

  /** The most popular training items, the cold-user fallback (see `AlsModel.popular`). */
  async popular(k = 10, opts: PopularOptions = {}): Promise<ScoredItem[]> {
    return this.current().popular(k, opts);
  }

  /**
   * Top-k items for a new user from their history, by fold-in; nothing is stored. The array
   * also carries `unknownItems` and `fallback` (`'popular'` when no history item is known).
   */
  async recommendForNewUser(history: HistoryEntry[], k = 10, opts: RecommendOptions & { features?: FeatureValue[] } = {}): Promise<HistoryRecommendations & { unknownFeatures?: string[] }> {
    const { features, ...rest } = opts ?? {};
    // With user features (a model trained with userFeatures): fold in the history and the features together.
    if (features !== undefined) {
      if (!Array.isArray(features)) throw badOption('features', features, 'an array of { feature, value? }');
      return recommendForNewUserWithFeatures(this.current(), history, features, k, rest);
    }
    return this.current().recommendForHistory(history, k, rest);
  }

  /**
   * Adds items to the current model from their features, without retraining (the model must
   * have been trained with `itemFeatures`). The new items are recommended, scored, explained
   * and found by `similarItems` at once.
   * @param features - `{ id, feature, value? }` records of the new items
   * @returns the model's shape, the ids added and the features it did not know (ignored)
   */
  async addItems(features: FeatureInput): Promise<{ model: EngineInfo['model']; added: Id[]; unknownFeatures: string[] }> {
    const { model, added, unknownFeatures } = await addItems(this.current(), features);
    this.model = model;
    return { model: this.modelInfo(), added, unknownFeatures };
  }

  /** The factors of a new user from their history (fold-in). */
  async foldIn(history: HistoryEntry[]): Promise<FoldInResult> {
    return this.current().foldIn(history);
  }

  /** Items most similar to an item (cosine on item factors; `exclude` / `candidates` filter them). */
  async similarItems(item: Id, k = 10, opts: SimilarItemsOptions = {}): Promise<ScoredItem[]> {
    return this.current().similarItems(item, k, opts);
  }

  /** What a page needs to draw the current model: ids, item factors (a copy, transferred), popularity. */
  async modelView(): Promise<ModelView> {
    const view = modelView(this.current());
    return Comlink.transfer(view, [view.itemFactors.buffer, view.itemCounts.buffer]);
  }

  /** A known user's training interactions, largest value first. */
  async history(user: Id): Promise<{ item: Id; value: number }[]> {
    return userHistory(this.current(), user);
  }

  /** Predicted score of a (user, item) pair. */
  async predict(user: Id, item: Id): Promise<number> {
    return this.current().predict(user, item);
  }

  /** The score of `item` for `user` split into per-history-item contributions. */
  async explain(user: Id, item: Id, opts: { topN?: number } = {}): Promise<Explanation> {
    checkOptions(opts, EXPLAIN_OPTION_NAMES);
    return this.current().explain(user, item, opts.topN ?? 10);
  }

  /** Quality on held-out data: RMSE/MAE (explicit) or ranking metrics at k (implicit). */
  async evaluate(test: DatasetHandle | number, opts: EvaluateOptions = {}): Promise<RatingEvaluation | RankingEvaluation> {
    const data = this.dataset(test);
    const model = this.current();
    return this.withRun(opts.signal, async (signal) => {
      const { signal: _s, onProgress, ...rest } = opts;
      // In chunks of users that yield: a worker keeps answering liveness pings and cancel.
      return evaluateModelAsync(model, data, { ...rest, signal, onProgress });
    });
  }


  /** The current model as model-file bytes. */
  async save(): Promise<Uint8Array> {
    const bytes = saveModel(this.current());
    return Comlink.transfer(bytes, [bytes.buffer]); // moved to the caller, not copied (a no-op in-thread)
  }

  /**
   * The current model's factors for another engine: implicit's `.npz` or Spark-style JSON lines
   * (see {@link exportFactorFiles}); the files' bytes are transferred, not copied.
   * @throws AlsError `NOT_TRAINED`, `BAD_OPTION` for an unknown format
   */
  async exportFactors(format: ExportFormat): Promise<ExportedFactors> {
    const out = exportFactorFiles(this.current(), format);
    return Comlink.transfer(out, Object.values(out.files).map((b) => b.buffer as ArrayBuffer));
  }

  /**
   * Replaces the current model with one read from model-file bytes. A corrupt or foreign
   * file is refused and the current model stays.
   */
  async loadModel(bytes: Uint8Array | ArrayBuffer): Promise<EngineInfo['model']> {
    const model = await decodeModelFile(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
    this.model = model;
    return this.modelInfo();
  }

  /**
   * Serves item factors trained elsewhere (benfred/implicit `.npz`/`.npy`, Spark MLlib ALS
   * exported as JSON or CSV): fold-in and similar items work on them at once.
   */
  async importFactors(source: FactorSource, opts: ImportFactorsOptions = {}): Promise<EngineInfo['model']> {
    this.model = await importFactorFile(source, opts);
    return this.modelInfo();
  }

  /** What the engine holds and can do. */
  async info(): Promise<EngineInfo> {
    const g = globalThis as { crossOriginIsolated?: boolean; WorkerGlobalScope?: unknown };
    return {
      kernelsAvailable: await kernelVariantsAvailable(),
      model: this.modelInfo(),
      datasets: [...this.datasets.values()].map((d) => d.handle),
      ...this.workersInfo(),
      environment: { worker: typeof g.WorkerGlobalScope !== 'undefined', crossOriginIsolated: g.crossOriginIsolated === true },
      memory: { wasmBytes: (this.trainRuntime?.memory.buffer.byteLength ?? 0) + (this.model?.memoryBytes ?? 0), jsHeapBytes: jsHeapBytes() },
      ...(this.restoredState ? { restored: this.restoredState } : {}),
    };
  }

  /**
   * Called by the worker client on a fresh worker that replaces one that died: loads the last
   * model's bytes (kept by the client), continues dataset ids after the dead worker's (so an
   * old handle never names a new dataset) and marks the dead worker's datasets as lost.
   * @returns what `info().restored` reports from now on
   */
  async restore(state: { model?: Uint8Array; nextDatasetId: number; lostDatasets: number[] }): Promise<NonNullable<EngineInfo['restored']>> {
    if (state.model) this.model = await decodeModelFile(state.model);
    this.nextDataset = Math.max(this.nextDataset, state.nextDatasetId);
    for (const id of state.lostDatasets) this.lostDatasets.add(id);
    this.restoredState = { model: !!state.model, lostDatasets: [...this.lostDatasets] };
    return this.restoredState;
  }

  /** Drops the model and every dataset; stops the worker pool's threads (a later run starts new ones). */
  async dispose(): Promise<void> {
    this.model = null;
    this.datasets.clear();
    this.trainRuntime = null;
    for (const c of this.runs) c.abort();
    this.runs.clear();
    this.pool.terminate();
  }

  private workersInfo(): Pick<EngineInfo, 'workers' | 'workersNote'> {
    const cores = defaultWorkers();
    const support = parallelSupport();
    if (cores > 1 && !support.ok) return { workers: 1, workersNote: `1 — ${support.reason}` };
    return { workers: cores };
  }

  /** The kept training runtime for `variant` (loaded on first use, or when another build is asked for). */
  private async trainingRuntime(variant: KernelVariant | 'auto'): Promise<KernelRuntime> {
    if (this.trainRuntime && this.trainRuntimeFor === variant) return this.trainRuntime;
    this.trainRuntime = await loadKernels({ variant });
    this.trainRuntimeFor = variant;
    return this.trainRuntime;
  }

  private modelInfo(): EngineInfo['model'] {
    const m = this.model;
    if (!m) return null;
    const fe = m.features && { features: { item: m.features.item?.names ?? [], user: m.features.user?.names ?? [] } };
    return { users: m.users.size, items: m.items.size, factors: m.factors, feedback: m.options.feedback, kernels: m.kernels, trainedHere: !!m.report, ...fe };
  }

  private current(): AlsModel {
    if (!this.model) throw new AlsError('NOT_TRAINED', 'There is no model yet: train one, load a model file or import factors first.', {});
    return this.model;
  }

  private dataset(d: DatasetHandle | number): Interactions {
    const id = typeof d === 'number' ? d : d?.id;
    const found = this.datasets.get(id);
    if (!found && this.lostDatasets.has(id)) {
      throw new AlsError('DATASET_LOST', `Dataset ${id} was lost with the engine's worker, which died; the model was restored into a fresh worker but datasets are not kept — load the data again.`, { dataset: id });
    }
    if (!found) throw badOption('data', id, 'a dataset handle returned by load() or split() that has not been released');
    return found.data;
  }

  private keep(data: Interactions): DatasetHandle {
    const handle: DatasetHandle = {
      id: this.nextDataset++,
      users: data.users.size,
      items: data.items.size,
      interactions: data.length,
      hasValue: data.hasValue,
      hasTimestamp: !!data.timestamp,
      events: data.events ? data.events.ids().map(String) : [],
      skipped: data.skipped,
      source: data.source,
    };
    this.datasets.set(handle.id, { data, handle });
    return handle;
  }

  /** Runs `fn` with a signal that fires on the caller's `signal` or on dispose(). */
  private async withRun<T>(callerSignal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
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
}

/** Users per slice of {@link Engine.recommendMany}: about 0.1 s of work at MovieLens-1M size, between two yields. */
const SERVE_SLICE_USERS = 2048;

/** Every option of {@link Engine.explain} (typed: a new option fails to compile until listed). */
const EXPLAIN_OPTION_NAMES = Object.keys({ topN: 1 } satisfies Record<keyof NonNullable<Parameters<Engine['explain']>[2]>, 1>);

/** The JS heap in use, where the platform reports it (Node; Chromium's non-standard `performance.memory`). */
function jsHeapBytes(): number | null {
  const g = globalThis as { process?: { memoryUsage?: () => { heapUsed: number } }; performance?: { memory?: { usedJSHeapSize?: number } } };
  if (typeof g.process?.memoryUsage === 'function') return g.process.memoryUsage().heapUsed;
  const used = g.performance?.memory?.usedJSHeapSize;
  return typeof used === 'number' ? used : null;
}

/** Progress of a training run (re-exported for the client). */
export type { TrainProgress };
