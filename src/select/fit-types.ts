/** The types of `train` (api/fit.ts) and of tuning (tune.ts): options, reports, results — apart, so each can name the other's without importing it. */
import type { AlsModel } from '../model/model.js';
import type { ConfidenceForm, TrainOptions, TrainProgress } from '../train/options.js';
import type { Weighting } from '../train/weighting.js';
import type { Interactions } from '../data/types.js';
import type { FeatureOptions } from '../features/types.js';
import type { QualityMetric } from './evaluate.js';
import type { TrainReport } from '../train/train.js';
import type { ValidationOptions, ValidationReport } from './validation.js';

/** Options of {@link train}: the training options, plus held-out validation (in-process only). */
export interface FitOptions extends TrainOptions, FeatureOptions {
  /**
   * Score held-out data after each iteration (progress `validation` events), keep the factors
   * of the best score, and optionally stop a restart early when it stops improving.
   */
  validation?: ValidationOptions;
  /**
   * Choose the options first: search λ, α, the confidence form, the factor count (biases for
   * ratings) and the iteration count on a held-out part of `data` (successive halving, within
   * `budgetSeconds`, default 60), then train on all of `data` with the winner. Options you set
   * are kept fixed. `report.tuned` lists the chosen options and every run of the search.
   */
  tune?: boolean | TuneOptions;
  /**
   * Continue from this model's factors instead of the seeded random init: users and items it
   * knows (by id) start from its rows (and biases), new ones from the usual init. `factors` and
   * `feedback` default to the model's and must match it. Not combined with `tune`.
   */
  warmStart?: AlsModel;
  /**
   * How a model trained on ratings ranks items for top-N. `'implicit'` (default for explicit
   * feedback): a ranking head — an implicit model trained on the same pairs — answers
   * recommend, similar items and users, users for an item and explain, while the rating model
   * predicts ratings (`predict`, RMSE). `'rating'`: one factor set, ranked by predicted
   * rating, which favours items that a few people rated highly (BENCHMARKS.md, "Top-N from
   * ratings"). Not with implicit feedback.
   */
  ranking?: 'implicit' | 'rating';
}

/** The training report, plus how `train` chose options that were left to it. */
export type FitReport = TrainReport & {
  /** Held-out validation during training, when asked for (see `validation`). */
  validation?: ValidationReport;
  /** With `tune`: the search and its winner. */
  tuned?: TuneReport;
  /** Implicit feedback with the default λ: how it was measured on held-out pairs. */
  regularizationCalibration?: RegularizationCalibration;
  /** A rating model's ranking head (`ranking: 'implicit'`): how its training went. */
  ranking?: FitReport;
};

/** A trained model and how training went. */
export interface TrainResult {
  /** The model, ready to recommend. */
  model: AlsModel;
  /** Loss per iteration, seconds per iteration, restarts, kernel build; the tuning or λ calibration done. */
  report: FitReport;
}


/** Options of automatic tuning (`train(data, { tune: { … } })`; `tune: true` takes every default). */
export interface TuneOptions {
  /** Wall-clock seconds for the search and the refit on all the data (the refit's share is estimated from the first run). Default 60. */
  budgetSeconds?: number;
  /** Metric to select on: a ranking metric for any feedback (e.g. `ndcg` for ratings, ranked as `recommend` ranks), rmse/mae for ratings. Default `ndcg` (implicit) or `rmse` (explicit). */
  metric?: QualityMetric;
  /** Cut-off of the ranking metrics (integer ≥ 1). Default 10. */
  k?: number;
  /** Ranking metrics: a held-out pair of the search is relevant when its value is ≥ this (e.g. 4 for ratings of 4 and 5). Default: every held-out rating (explicit), every value > 0 (implicit). */
  relevant?: number;
}

/** The options a search chose (those it searched, plus the iteration count from early stopping). */
export interface TunedParams {
  /** Latent factors. */
  factors: number;
  /** λ, absolute (as the refit on all the data uses it). */
  regularization: number;
  /** Iterations of the refit: the best iteration of the chosen candidate. */
  iterations: number;
  /** Implicit: confidence form. */
  confidence?: ConfidenceForm;
  /** Implicit: weighting of the counts before the confidence form. */
  weighting?: Weighting;
  /** Implicit: confidence scale α. */
  alpha?: number;
  /** Implicit, log form: ε. */
  epsilon?: number;
  /** Explicit: global mean and user/item biases. */
  biases?: boolean;
}

/** One training run of the search. */
export interface TuneTrial {
  /** The candidate (λ as trained on the search's part of the data). */
  params: TunedParams;
  /** λ as a multiple of the closed-form λ for the candidate's confidence (implicit), or of 0.1 (explicit). */
  regularizationScale: number;
  /** Rung of successive halving (0 = shortest runs). */
  rung: number;
  /** Solver of the run. */
  solver: 'cholesky' | 'cg';
  /** Best held-out score of the run (NaN when it failed). */
  score: number;
  /** Seconds the run took, scoring included. */
  seconds: number;
  /** Why the run failed (e.g. out of memory for this factor count). */
  error?: string;
}

/** What `tune` reports (`report.tuned`). */
export interface TuneReport {
  /** The chosen options; the model was refit on all the data with them. */
  params: TunedParams;
  /** Held-out score of the chosen candidate. */
  score: number;
  /** Metric selected on. */
  metric: QualityMetric;
  /** Cut-off of the ranking metrics. */
  k: number;
  /** The relevance threshold of the ranking metrics, when one was given. */
  relevant?: number;
  /** Every run, in order. */
  trials: TuneTrial[];
  /** Seconds of the search (without the refit). */
  seconds: number;
  /** The budget it had. */
  budgetSeconds: number;
  /** The held-out part searched on: users and pairs scored, and whether the search used a sample of the users. */
  validation: { users: number; pairs: number; sampledUsers: boolean };
  /**
   * `defaults` when the budget ran out before any candidate ran at full length: the defaults
   * were kept (λ calibrated as training without `tune` does), `score` is theirs at the longest
   * runs made. Give a larger `budgetSeconds` for a real search.
   */
  fallback?: 'defaults';
  /** Implicit with λ not given: the defaults' λ calibration the search started from (the defaults candidate has that λ). */
  regularizationCalibration?: RegularizationCalibration;
}

/** How {@link calibrateRegularization} chose the default λ (`report.regularizationCalibration`). */
export interface RegularizationCalibration {
  /** The closed-form λ on all the data (robust σ₁ rule). */
  closedForm: number;
  /** The multiple chosen on held-out pairs (of the closed form on the part searched, as in `trials`). */
  scale: number;
  /** The closed-form λ on the part searched (80 % of each user's pairs, a user sample on big data). */
  partClosedForm: number;
  /** Exponent x of the carry-over to all the data: λ = scale · partClosedForm · (closedForm / partClosedForm)^x (see `regularizationTransferExponent`). */
  transferExponent: number;
  /** Metric and cut-off scored. */
  metric: QualityMetric;
  /** Each multiple tried (of the closed form on the part searched) with its held-out score, in order. */
  trials: { scale: number; score: number }[];
  /** Seconds spent. */
  seconds: number;
}

/** Trains once (the caller's `train`, passed in so this module does not import it back). */
export type TrainOnce = (data: Interactions, options: FitOptions) => Promise<TrainResult>;

/** Progress of a search, as the `tune` stage of training progress. */
export type TuneProgress = Extract<TrainProgress, { stage: 'tune' }>;
