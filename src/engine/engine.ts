/**
 * The engine face: datasets, training, update, cross-validation, evaluation, model files and
 * factor import/export around the current model, whose serving calls it inherits from
 * serving-face.ts; the worker and the CLI are thin twins of this class.
 */
import { train as trainModel } from '../api/fit.js';
import type { TrainProgress } from '../train/options.js';
import { loadInteractions, type InteractionSource, type ParseOptions } from '../data/parse.js';
import { splitInteractions, type SplitOptions } from '../data/split.js';
import type { Id, InteractionRecord } from '../data/types.js';
import { updateModel, type UpdateOptions } from '../model/update.js';
import { badOption } from '../errors.js';
import { evaluateModelAsync, type EvaluateOptions, type RankingEvaluation, type RatingEvaluation } from '../select/evaluate.js';
import { crossValidate } from '../api/cross-validate.js';
import { importFactors as importFactorFile, type ImportFactorsOptions, type FactorSource } from '../io/factors-import.js';
import { loadModel as decodeModelFile, saveModel } from '../io/model-file.js';
import { exportFactors as exportFactorFiles, type ExportFormat, type ExportedFactors } from '../io/factors-export.js';
import { kernelVariantsAvailable } from '../wasm/kernels.js';
import { PoolKeeper } from '../parallel/lease.js';
import { addItems } from '../features/cold.js';
import { checkLabels } from '../model/labels.js';
import type { FeatureInput } from '../features/types.js';
import { DatasetStore } from './dataset-store.js';
import { TrainingMemory } from './training-memory.js';
import { environmentInfo, jsHeapBytes, modelInfo, workersInfo } from './engine-info.js';
import { ServingFace } from './serving-face.js';
import { ModelQueue } from './model-queue.js';

export type { CrossValidationSummary, DatasetHandle, EngineCrossValidateOptions, EngineInfo, EngineTrainOptions, LoadOptions, TrainSummary, UpdateSummary } from './types.js';
import type { CrossValidationSummary, DatasetHandle, EngineCrossValidateOptions, EngineInfo, EngineTrainOptions, LoadOptions, TrainSummary, UpdateSummary } from './types.js';

/**
 * The whole engine: datasets, training, the current model and everything that uses it. It
 * runs unchanged in-thread (Node, tests) and inside the Web Worker, and knows nothing of the
 * transport: it returns plain values, and the worker's dispatcher (worker/adapter.ts, driven by
 * the CALLS table of worker/calls.ts) maps `signal` and `onProgress` onto messages and owns the transfers.
 * Long calls take `(data, options)` with `signal` and `onProgress` in the options. The calls
 * that only read the current model are in serving-face.ts, which this class extends.
 */
export class Engine extends ServingFace {
  /** The datasets held, by handle (and those lost with a worker that died; see {@link restore}). */
  private readonly datasets = new DatasetStore();
  private restoredState: EngineInfo['restored'];
  /** The training memory, reused run after run so repeated training does not grow memory. */
  private readonly trainingMemory = new TrainingMemory();
  /** The worker pool of parallel sweeps: started by the first run with workers > 1, kept until dispose(). */
  private readonly pool = new PoolKeeper();
  /** Calls that change the model, one at a time in call order: none is lost to another. */
  private readonly changes = new ModelQueue();

  /**
   * Parses and indexes interactions and keeps them in the engine.
   * @returns a handle to pass to `train`, `split` or `evaluate`
   */
  async load(source: InteractionSource, opts: LoadOptions = {}): Promise<DatasetHandle> {
    return this.runs.run(opts.signal, async (signal) => {
      const { onProgress, signal: _s, ...rest } = opts;
      const data = await loadInteractions(source, { ...rest, signal, onProgress: onProgress as ParseOptions['onProgress'] });
      onProgress?.({ stage: 'index', rows: data.length, users: data.users.size, items: data.items.size });
      return this.datasets.keep(data);
    });
  }

  /** Splits a dataset into train and test (both kept; see {@link splitInteractions}). */
  async split(data: DatasetHandle | number, opts: SplitOptions = {}): Promise<{ train: DatasetHandle; test: DatasetHandle; testPairs: number; testPairsUnknownUser: number; testPairsUnknownItem: number }> {
    const s = splitInteractions(this.datasets.get(data), opts);
    return { train: this.datasets.keep(s.train), test: this.datasets.keep(s.test), testPairs: s.testPairs, testPairsUnknownUser: s.testPairsUnknownUser, testPairsUnknownItem: s.testPairsUnknownItem };
  }

  /** Frees a dataset. */
  async releaseDataset(data: DatasetHandle | number): Promise<void> {
    this.datasets.release(data);
  }

  /**
   * Trains a model on a dataset. The previous model stays in place until the new one is
   * complete, so a cancelled or failed run leaves it usable.
   */
  async train(data: DatasetHandle | number, opts: EngineTrainOptions = {}): Promise<TrainSummary> {
    const interactions = this.datasets.get(data);
    const validation = opts.validation && { ...opts.validation, data: this.datasets.get(opts.validation.data) };
    return this.changes.run(() => this.runs.run(opts.signal, async (signal) => {
      const { onProgress, signal: _s, warmStart, labels: given, ...rest } = opts;
      if (warmStart !== undefined && typeof warmStart !== 'boolean') throw badOption('warmStart', warmStart, 'true (continue from the current model) or false');
      const labels = checkLabels(given); // before the run: a bad label fails at once
      const start = warmStart ? this.current() : undefined;
      // One run at a time uses the kept training memory; a concurrent run gets its own.
      const { model, report } = await this.trainingMemory.forTraining(rest.kernels ?? 'auto', (runtime) =>
        trainModel(interactions, { ...rest, validation, signal, onProgress, ...(start ? { warmStart: start } : {}) }, { runtime, pool: this.pool }),
      );
      if (labels) model.setLabels(labels);
      this.model = model;
      return { ...report, users: model.users.size, items: model.items.size, interactions: model.seen.indptr[model.users.size], options: model.options, scoreKind: model.scoreKind };
    }));
  }

  /**
   * Adds interactions to the current model and re-solves only the rows they touch (see
   * `updateModel`); new users and items get rows. The updated model replaces the current one
   * on success; a cancelled or failed update leaves it as it was.
   * @param data - a dataset handle, or records `{ user, item, value?, event? }`
   * @param opts - `users` / `items`: `'solve'` (default) or `'keep'`; progress (`update`) and cancel
   */
  async update(data: DatasetHandle | number | InteractionRecord[], opts: UpdateOptions = {}): Promise<UpdateSummary> {
    this.current(); // NOT_TRAINED at once, not after the queue
    const interactions = Array.isArray(data) ? data : this.datasets.get(data);
    return this.changes.run(() => this.runs.run(opts.signal, async (signal) => {
      // The model as the changes queued before this one left it (not the one current at call time).
      const model = this.current();
      const { onProgress, signal: _s, ...rest } = opts;
      // The kept training memory when it is free and of the model's build: repeated updates do not add memories.
      // A rating model with a ranking head updates both heads (model.update); else in the kept training memory.
      const { model: next, report } = model.ranking
        ? await model.update(interactions, { ...rest, signal, onProgress })
        : await this.trainingMemory.forUpdate(model.kernels, (runtime) => updateModel(model, interactions, { ...rest, signal, onProgress }, { runtime }));
      this.model = next;
      return { ...report, users: next.users.size, items: next.items.size, interactions: next.seen.indptr[next.users.size] };
    }));
  }

  /**
   * K-fold cross-validation and grid/random search over training options (see
   * `crossValidate`). With `refit`, the model trained on all the data with the best options
   * becomes the engine's model; otherwise the current model stays.
   */
  async crossValidate(data: DatasetHandle | number, opts: EngineCrossValidateOptions = {}): Promise<CrossValidationSummary> {
    const interactions = this.datasets.get(data);
    const cv = () => this.runs.run(opts.signal, async (signal) => {
      const { onProgress, signal: _s, ...rest } = opts;
      const { model, ...result } = await crossValidate(interactions, { ...rest, signal, onProgress }, { pool: this.pool });
      if (model) this.model = model;
      return { ...result, model: model ? modelInfo(this.model) : undefined };
    });
    // Only a refit changes the model; a plain cross-validation runs beside the queue.
    return opts.refit ? this.changes.run(cv) : cv();
  }

  /**
   * Adds items to the current model from their features, without retraining (the model must
   * have been trained with `itemFeatures`). The new items are recommended, scored, explained
   * and found by `similarItems` at once.
   * @param features - `{ id, feature, value? }` records of the new items
   * @returns the model's shape, the ids added and the features it did not know (ignored)
   */
  async addItems(features: FeatureInput): Promise<{ model: EngineInfo['model']; added: Id[]; unknownFeatures: string[] }> {
    return this.changes.run(async () => {
      const { model, added, unknownFeatures } = await addItems(this.current(), features);
      this.model = model;
      return { model: modelInfo(this.model), added, unknownFeatures };
    });
  }

  /** Quality on held-out data: ranking metrics at k for every model (`relevant`: the held-out values that count), RMSE/MAE too for rating models (see `evaluateModel`). */
  async evaluate(test: DatasetHandle | number, opts: EvaluateOptions = {}): Promise<RatingEvaluation | RankingEvaluation> {
    const data = this.datasets.get(test);
    const model = this.current();
    return this.runs.run(opts.signal, async (signal) => {
      const { signal: _s, onProgress, ...rest } = opts;
      // In chunks of users that yield: a worker keeps answering liveness pings and cancel.
      return evaluateModelAsync(model, data, { ...rest, signal, onProgress });
    });
  }

  /** The current model as model-file bytes. */
  async save(): Promise<Uint8Array> {
    return saveModel(this.current()); // fresh bytes: the worker's dispatcher moves them to the caller (worker/calls.ts)
  }

  /**
   * The current model's factors for another engine: implicit's `.npz` or Spark-style JSON lines
   * (see {@link exportFactorFiles}); the files' bytes are fresh (the worker's dispatcher moves them, not copies).
   * @throws AlsError `NOT_TRAINED`, `BAD_OPTION` for an unknown format
   */
  async exportFactors(format: ExportFormat, opts: { head?: 'ranking' | 'rating' } = {}): Promise<ExportedFactors> {
    return exportFactorFiles(this.current(), format, opts);
  }

  /**
   * Replaces the current model with one read from model-file bytes. A corrupt or foreign
   * file is refused and the current model stays.
   */
  async loadModel(bytes: Uint8Array | ArrayBuffer): Promise<EngineInfo['model']> {
    const model = await decodeModelFile(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
    return this.changes.run(async () => {
      this.model = model;
      return modelInfo(this.model);
    });
  }

  /**
   * Serves item factors trained elsewhere (benfred/implicit `.npz`/`.npy`, Spark MLlib ALS
   * exported as JSON or CSV): fold-in and similar items work on them at once.
   */
  async importFactors(source: FactorSource, opts: ImportFactorsOptions = {}): Promise<EngineInfo['model']> {
    const model = await importFactorFile(source, opts);
    return this.changes.run(async () => {
      this.model = model;
      return modelInfo(this.model);
    });
  }

  /** What the engine holds and can do. */
  async info(): Promise<EngineInfo> {
    return {
      kernelsAvailable: await kernelVariantsAvailable(),
      model: modelInfo(this.model),
      datasets: this.datasets.handles(),
      ...workersInfo(),
      environment: environmentInfo(),
      memory: { wasmBytes: this.trainingMemory.bytes + (this.model?.memoryBytes ?? 0), jsHeapBytes: jsHeapBytes() },
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
    const lostDatasets = this.datasets.restoreAfterLoss(state.nextDatasetId, state.lostDatasets);
    this.restoredState = { model: !!state.model, lostDatasets };
    return this.restoredState;
  }

  /** Drops the model and every dataset; stops the worker pool's threads (a later run starts new ones). */
  async dispose(): Promise<void> {
    this.model = null;
    this.datasets.clear();
    this.trainingMemory.drop();
    this.runs.abortAll();
    this.pool.terminate();
  }
}

/** Progress of a training run (re-exported for the client). */
export type { TrainProgress };
