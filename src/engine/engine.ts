import * as Comlink from 'comlink';
import { train as trainModel, type FitOptions, type FitReport } from '../als/fit.js';
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
import { nextMacrotask } from '../als/yield.js';
import type { TrainOptions, TrainProgress } from '../als/options.js';
import { loadInteractions, type InteractionSource, type ParseOptions, type ParseProgress } from '../data/parse.js';
import { splitInteractions, type SplitOptions } from '../data/split.js';
import type { Id, InteractionRecord, Interactions, SkippedRows } from '../data/types.js';
import { updateModel, type UpdateOptions, type UpdateReport } from '../als/update.js';
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
import { parallelSupport } from '../parallel/pool.js';
import { addItems, recommendForNewUserWithFeatures, type FeatureValue } from '../features/cold.js';
import type { FeatureInput, FeatureOptions } from '../features/types.js';

/** A dataset held by the engine, referred to by `id` (the data itself stays where the engine runs). */
export interface DatasetHandle {
  /** Engine-local id of the dataset. */
  id: number;
  /** Distinct users. */
  users: number;
  /** Distinct items. */
  items: number;
  /** Rows (before merging repeated pairs). */
  interactions: number;
  /** Whether there was a value column. */
  hasValue: boolean;
  /** Whether there was a timestamp column. */
  hasTimestamp: boolean;
  /** Event types, when there was an event column. */
  events: string[];
  /** Rows skipped while parsing (with `onBadRow: 'skip'`). */
  skipped: SkippedRows;
  /** Where the data came from. */
  source: string;
}

/** Options of {@link Engine.load}. */
export type LoadOptions = Omit<ParseOptions, 'onProgress' | 'signal'> & {
  /** Progress while parsing (`parse`) and indexing (`index`). */
  onProgress?: (p: ParseProgress | { stage: 'index'; rows: number; users: number; items: number }) => void;
  /** Cancels loading. */
  signal?: AbortSignal;
};

/** Options of a train call: the training options, `tune` (see `train`), plus held-out validation on a dataset the engine holds. */
export type EngineTrainOptions = TrainOptions & FeatureOptions & {
  /** Search the options on held-out pairs of the data first, then refit (progress: one `tune` event per run; `signal` cancels). */
  tune?: FitOptions['tune'];
  /** Score this held-out dataset during training (see `train`'s `validation`); `data` is a handle. */
  validation?: Omit<ValidationOptions, 'data'> & { data: DatasetHandle | number };
  /** `true`: continue from the current model's factors instead of the seeded init (see `train`'s `warmStart`). */
  warmStart?: boolean;
};

/** What {@link Engine.update} returns (the updated model becomes the engine's model). */
export interface UpdateSummary extends UpdateReport {
  /** Users in the model now. */
  users: number;
  /** Items in the model now. */
  items: number;
  /** Stored (user, item) pairs now. */
  interactions: number;
}

/** Options of {@link Engine.crossValidate}: those of `crossValidate`, progress and cancel working across the worker boundary. */
export type EngineCrossValidateOptions = Omit<CrossValidateOptions, 'onProgress' | 'signal' | 'base'> & {
  /** Fixed training options (minus callbacks); the searched ones override them. */
  base?: Omit<TrainOptions, 'onProgress' | 'signal'>;
  /** Progress per fold and per trial. */
  onProgress?: (p: CvProgress) => void;
  /** Cancels the search. */
  signal?: AbortSignal;
};

/** What {@link Engine.crossValidate} returns: the search's result; a refit model becomes the engine's model. */
export type CrossValidationSummary = Omit<CrossValidationResult, 'model'> & {
  /** With `refit`: the model now held by the engine. */
  model?: EngineInfo['model'];
};

/** What {@link Engine.train} returns (the model stays in the engine). */
export interface TrainSummary extends FitReport {
  /** Users in the model. */
  users: number;
  /** Items in the model. */
  items: number;
  /** Stored (user, item) pairs trained on. */
  interactions: number;
  /** The resolved options the model was trained with. */
  options: AlsModel['options'];
}

/** What {@link Engine.info} reports. */
export interface EngineInfo {
  /** Kernel builds this engine can run, best first. */
  kernelsAvailable: KernelVariant[];
  /** Whether a model is loaded, and its shape. */
  model: null | {
    users: number;
    items: number;
    factors: number;
    feedback: 'explicit' | 'implicit';
    kernels: KernelVariant;
    trainedHere: boolean;
    /** The feature names the model was trained with (item features, user features), when any. */
    features?: { item: string[]; user: string[] };
  };
  /** Datasets held. */
  datasets: DatasetHandle[];
  /** Threads a training run uses by default (the cores here, at most 8), or 1 where no worker pool can run. */
  workers: number;
  /** Why `workers` is 1 where the machine has more cores, e.g. "1 — page not cross-origin isolated (…)". */
  workersNote?: string;
  /** Whether the engine runs in a worker, and whether the page is cross-origin isolated. */
  environment: { worker: boolean; crossOriginIsolated: boolean };
  /**
   * Memory the engine holds: `wasmBytes`, the WebAssembly memories it keeps (the reused training
   * memory plus the current model's); `jsHeapBytes`, the JS heap in use where the platform
   * tells (Node; Chromium's `performance.memory`), else null.
   */
  memory: { wasmBytes: number; jsHeapBytes: number | null };
  /**
   * Set in a worker that replaced one that died: whether the last model was restored into it,
   * and the datasets lost with the old worker (calls naming them reject with `DATASET_LOST`).
   */
  restored?: { model: boolean; lostDatasets: number[] };
}

/**
 * The whole engine: datasets, training, the current model and everything that uses it. It
 * runs unchanged in-thread (Node, tests) and inside the Web Worker, where Comlink forwards
 * the same method names. Cancellation: a run given `runId` can be stopped by {@link abort}.
 */
export class Engine {
  private readonly datasets = new Map<number, { data: Interactions; handle: DatasetHandle }>();
  private nextDataset = 1;
  private model: AlsModel | null = null;
  private readonly runs = new Map<number, AbortController>();
  /** Keys of runs started without a `runId` (in-thread calls), so that dispose() stops them too. */
  private nextLocalRun = -1;
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
  async load(source: InteractionSource, opts: LoadOptions & { runId?: number } = {}, onProgress = opts.onProgress): Promise<DatasetHandle> {
    return this.withRun(opts, async (signal) => {
      const { runId: _r, ...rest } = opts;
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
  async train(data: DatasetHandle | number, opts: EngineTrainOptions & { runId?: number } = {}, onProgress = opts.onProgress): Promise<TrainSummary> {
    const interactions = this.dataset(data);
    const validation = opts.validation && { ...opts.validation, data: this.dataset(opts.validation.data) };
    return this.withRun(opts, async (signal) => {
      const { runId: _r, warmStart, ...rest } = opts;
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
  async update(data: DatasetHandle | number | InteractionRecord[], opts: UpdateOptions & { runId?: number } = {}, onProgress = opts.onProgress): Promise<UpdateSummary> {
    const model = this.current();
    const interactions = Array.isArray(data) ? data : this.dataset(data);
    return this.withRun(opts, async (signal) => {
      const { runId: _r, onProgress: _p, signal: _s, ...rest } = opts;
      // The kept training memory when it is free and of the model's build: repeated updates do not add memories.
      const reuse = !this.trainRuntimeBusy && this.trainRuntime?.variant === model.kernels;
      if (reuse) this.trainRuntimeBusy = true;
      let result: Awaited<ReturnType<typeof updateModel>>;
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
  async crossValidate(data: DatasetHandle | number, opts: EngineCrossValidateOptions & { runId?: number } = {}, onProgress = opts.onProgress): Promise<CrossValidationSummary> {
    const interactions = this.dataset(data);
    return this.withRun(opts, async (signal) => {
      const { runId: _r, ...rest } = opts;
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
   * between them, so a worker keeps answering and `signal` (or `abort(runId)`) stops it.
   */
  async recommendMany(users: Id[], k = 10, opts: RecommendManyOptions & { runId?: number; signal?: AbortSignal } = {}): Promise<UserRecommendations[]> {
    const model = this.current();
    return this.withRun(opts, async (signal) => {
      const { runId: _r, signal: _s, ...rest } = opts;
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
  async evaluate(test: DatasetHandle | number, opts: EvaluateOptions & { runId?: number } = {}, onProgress = opts.onProgress): Promise<RatingEvaluation | RankingEvaluation> {
    const data = this.dataset(test);
    const model = this.current();
    return this.withRun(opts, async (signal) => {
      const { runId: _r, signal: _s, onProgress: _p, ...rest } = opts;
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

  /** Answers at once: the client's liveness check while calls are pending. */
  ping(): true {
    return true;
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

  /** Cancels the run started with `runId` (its promise rejects with an AbortError). */
  abort(runId: number): void {
    this.runs.get(runId)?.abort();
  }

  /** Drops the model and every dataset; stops the worker pool's threads (a later run starts new ones). */
  async dispose(): Promise<void> {
    this.model = null;
    this.datasets.clear();
    this.trainRuntime = null;
    for (const c of this.runs.values()) c.abort();
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

  /** Runs `fn` with a signal that fires on `opts.signal` (in-thread) or on `abort(opts.runId)`. */
  private async withRun<T>(opts: { runId?: number; signal?: AbortSignal }, fn: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    // In-thread calls have no runId: they are registered too, so that dispose() stops them.
    const key = opts.runId ?? this.nextLocalRun--;
    const controller = new AbortController();
    this.runs.set(key, controller);
    const forward = () => controller.abort(opts.signal?.reason);
    if (opts.signal?.aborted) forward();
    opts.signal?.addEventListener('abort', forward);
    try {
      return await fn(controller.signal);
    } finally {
      this.runs.delete(key);
      opts.signal?.removeEventListener('abort', forward);
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
