/** The types of `train` (fit.ts): its options, report and result — apart, so tuning can name them without importing it. */
import type { AlsModel } from '../als/model.js';
import type { TrainOptions } from '../als/options.js';
import type { TrainReport } from '../als/train.js';
import type { RegularizationCalibration, TuneOptions, TuneReport } from './tune-types.js';
import type { ValidationOptions, ValidationReport } from './validation.js';

/** Options of {@link train}: the training options, plus held-out validation (in-process only). */
export interface FitOptions extends TrainOptions {
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
}

/** The training report, plus how `train` chose options that were left to it. */
export type FitReport = TrainReport & {
  /** Held-out validation during training, when asked for (see `validation`). */
  validation?: ValidationReport;
  /** With `tune`: the search and its winner. */
  tuned?: TuneReport;
  /** Implicit feedback with the default λ: how it was measured on held-out pairs. */
  regularizationCalibration?: RegularizationCalibration;
};

/** A trained model and how training went. */
export interface TrainResult {
  /** The model, ready to recommend. */
  model: AlsModel;
  /** Loss per iteration, seconds per iteration, restarts, kernel build; the tuning or λ calibration done. */
  report: FitReport;
}

