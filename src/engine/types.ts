/** The engine's types: dataset handles, the options of its long calls, what it returns (engine.ts has the behaviour). */
import type { FitOptions, FitReport } from '../api/fit.js';
import type { AlsModel } from '../model/model.js';
import type { ResolvedTrainOptions, TrainOptions } from '../train/options.js';
import type { ParseOptions, ParseProgress } from '../data/parse.js';
import type { Id, SkippedRows } from '../data/types.js';
import type { CrossValidateOptions, CrossValidationResult, CvProgress } from '../api/cross-validate.js';
import type { ValidationOptions } from '../select/validation.js';
import type { KernelVariant } from '../wasm/abi.js';
import type { FeatureOptions } from '../features/types.js';
import type { UpdateReport } from '../model/update.js';
import type { ModelLabels } from '../model/labels.js';

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
  /** The feedback `train` takes for this data when none is given: `'explicit'` for ratings, `'implicit'` for counts, events or bare pairs. */
  feedback: 'explicit' | 'implicit';
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
  /** Names and attributes to keep with the trained model (titles, genres, user attributes, a name): saved in its model file, never used in scoring. */
  labels?: ModelLabels;
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
  /** What the scores of its lists are (`'ranking'`: an implicit model or a rating model's ranking head; `'rating'`: predicted ratings). */
  scoreKind: AlsModel['scoreKind'];
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
    /** What its lists' scores are: `'ranking'` (implicit, or a rating model's ranking head) or `'rating'` (predicted ratings). */
    scoreKind: 'ranking' | 'rating';
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

