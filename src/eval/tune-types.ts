/** The types of tuning (tune.ts): options, the report, a trial, the λ calibration — apart, so `train`'s types can name them. */
import type { ConfidenceForm, TrainProgress } from '../als/options.js';
import type { Weighting } from '../als/weighting.js';
import type { Interactions } from '../data/types.js';
import type { QualityMetric } from './evaluate.js';
import type { FitOptions, TrainResult } from './fit-types.js';

/** Options of automatic tuning (`train(data, { tune: { … } })`; `tune: true` takes every default). */
export interface TuneOptions {
  /** Wall-clock seconds for the search and the refit on all the data (the refit's share is estimated from the first run). Default 60. */
  budgetSeconds?: number;
  /** Metric to select on. Default `ndcg` (implicit) or `rmse` (explicit). */
  metric?: QualityMetric;
  /** Cut-off of the ranking metrics (integer ≥ 1). Default 10. */
  k?: number;
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
  /** Every run, in order. */
  trials: TuneTrial[];
  /** Seconds of the search (without the refit). */
  seconds: number;
  /** The budget it had. */
  budgetSeconds: number;
  /** The held-out part searched on: users and pairs scored, and whether the search used a sample of the users. */
  validation: { users: number; pairs: number; sampledUsers: boolean };
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
