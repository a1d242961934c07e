/** The types of cross-validation (cross-validate.ts has the behaviour): options, progress, trials, the result. */
import type { AlsModel } from '../model/model.js';
import type { TrainOptions } from '../train/options.js';
import type { KFoldMethod } from '../data/kfold.js';
import type { QualityMetric } from '../select/evaluate.js';

/** Metrics cross-validation can select on: rating error (explicit) or ranking quality at k (any feedback). */
export type CvMetric = QualityMetric;

/** Training options a search may vary (numeric or string-valued {@link TrainOptions} fields). */
export type TunableOption = 'factors' | 'regularization' | 'alpha' | 'confidence' | 'weighting' | 'epsilon' | 'iterations' | 'cgSteps';

/** One point of the search space: values of some tunable training options. */
export type CvParams = Pick<TrainOptions, TunableOption>;

/** Progress of {@link crossValidate}, keyed on `stage`: a fold starts training, or a trial is scored. */
export type CvProgress =
  | { stage: 'trial'; trial: number; trials: number; fold: number; folds: number; params: CvParams }
  | { stage: 'trial-done'; trial: number; params: CvParams; mean: number; std: number };

/** Options of {@link crossValidate}. Every field is optional. */
export interface CrossValidateOptions {
  /** Number of folds (integer in [2, 100]). Default 5. */
  folds?: number;
  /** How pairs are dealt into folds (see `kFoldSplits`). Default `per-user`. */
  foldMethod?: KFoldMethod;
  /** Grid search: every combination of these values, e.g. `{ factors: [16, 32], regularization: [0.01, 0.1] }`. */
  grid?: { [K in TunableOption]?: NonNullable<TrainOptions[K]>[] };
  /**
   * Random search: `trials` draws from `ranges`. A `[min, max]` range is log-uniform for
   * `regularization`, `alpha` and `epsilon` (min > 0), a uniform integer for `factors`,
   * `iterations` and `cgSteps`; a list of strings is a uniform choice. Not with `grid`.
   */
  random?: { trials: number; ranges: { [K in TunableOption]?: TrainOptions[K] extends number | undefined ? [number, number] : NonNullable<TrainOptions[K]>[] } };
  /** Metric to select on: a ranking metric for any feedback, rmse/mae for ratings. Default `rmse` for explicit feedback, `ndcg` for implicit. */
  metric?: CvMetric;
  /** Cut-off of the ranking metrics (integer ≥ 1). Default 10. */
  k?: number;
  /**
   * Ranking metrics: a held-out pair of a fold is relevant when its value is ≥ this (e.g. 4: the
   * films rated 4 or 5). Default: every held-out rating (explicit), every held-out interaction
   * with a value > 0 (implicit). See `EvaluateOptions.relevant`.
   */
  relevant?: number;
  /** Fixed training options (feedback, iterations, biases …); the searched ones override them. */
  base?: TrainOptions;
  /** Independent starts per training run (overrides `base.restarts`). Default 1. */
  restarts?: number;
  /** Seed of the folds and the random draws (and of training, unless `base.seed` is given). Default 42. */
  seed?: number;
  /**
   * Early stopping: score each fold's model on its held-out part after every iteration, keep
   * the best iteration's factors, and stop after this many iterations without improvement
   * (integer ≥ 1; omitted = train every iteration). The best iteration counts of the winner
   * are reported, and the refit (if any) runs for their median.
   */
  patience?: number;
  /** Train a final model on all the data with the best parameters. Default false. */
  refit?: boolean;
  /**
   * Also score the defaults (the `base` options alone) as a reference trial, marked
   * `reference: 'defaults'`, unless a searched point is them. When it scores best, it is the
   * pick: a grid that does not beat the defaults does not replace them. Default true.
   */
  compareDefaults?: boolean;
  /** Called when each fold of each trial starts and when each trial is scored. */
  onProgress?: (p: CvProgress) => void;
  /** Cancels between folds (and inside training) with an `AbortError`. */
  signal?: AbortSignal;
}

/** One evaluated point of the search space. */
export interface CvTrial {
  /** The searched options of this trial. */
  params: CvParams;
  /** Mean over folds of the metrics computed: rmse, mae when selecting on one of them; else every metric the feedback yields. */
  mean: Partial<Record<CvMetric, number>>;
  /** Population standard deviation over folds of the same metrics. */
  std: Partial<Record<CvMetric, number>>;
  /** The selected metric on each fold, in fold order. */
  scores: number[];
  /** Wall-clock seconds for all folds of this trial. */
  seconds: number;
  /** With `patience`: the best iteration of each fold's model, in fold order. */
  bestIterations?: number[];
  /** Why training failed on some fold (the trial then scores NaN and cannot win). */
  error?: string;
  /** `'defaults'` on the reference trial of the defaults (see `compareDefaults`); its `params` are empty. */
  reference?: 'defaults';
}

/** Per-fold facts: held-out pairs and how many of them the fold's model could not score. */
export interface CvFoldSummary {
  /** Distinct (user, item) pairs held out. */
  testPairs: number;
  /** Held-out pairs whose user has no training pair in the fold (left out of the metrics). */
  testPairsUnknownUser: number;
  /** Held-out pairs whose item has no training pair in the fold (left out of the metrics). */
  testPairsUnknownItem: number;
}

/** Result of {@link crossValidate}. */
export interface CrossValidationResult {
  /** The winning trial: its params, mean and std of the selected metric. */
  best: { params: CvParams; score: number; std: number; /** `'defaults'` when the defaults' reference trial won (no searched point beat them). */ reference?: 'defaults' };
  /** Every trial, in search order. */
  trials: CvTrial[];
  /** The selected metric. */
  metric: CvMetric;
  /** Number of folds. */
  folds: number;
  /** Per fold, the held-out pairs and the unscorable ones (counted, never hidden). */
  foldSummary: CvFoldSummary[];
  /** The model trained on all the data with the best params (only with `refit`). */
  model?: AlsModel;
}

