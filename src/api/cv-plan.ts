/** The options of `crossValidate`, validated once before any training and resolved into a plan of trials. */
import { defaultFeedback } from './fit.js';
import { resolveTrainOptions, type TrainOptions } from '../train/options.js';
import type { Interactions } from '../data/types.js';
import { badOption, checkOptions, isAlsError } from '../errors.js';
import { checkHasRatings, metricsFor } from '../select/evaluate.js';
import type { CvMetric, CvParams, CrossValidateOptions } from './cv-types.js';
import { gridTrials, randomTrials } from './cv-search.js';

/** Every option of {@link CrossValidateOptions} (typed: a new option fails to compile until listed). */
const CV_OPTION_NAMES = Object.keys({
  folds: 1, foldMethod: 1, grid: 1, random: 1, metric: 1, k: 1, relevant: 1, base: 1, restarts: 1, seed: 1, patience: 1, refit: 1, compareDefaults: 1, onProgress: 1, signal: 1,
} satisfies Record<keyof CrossValidateOptions, 1>);

/** Everything `crossValidate` needs, validated. */
export interface CvPlan {
  folds: number;
  seed: number;
  k: number;
  /** A held-out pair is relevant to the ranking metrics when its value is ≥ this (undefined: the evaluation's default). */
  relevant?: number;
  metric: CvMetric;
  feedback: 'explicit' | 'implicit';
  base: TrainOptions;
  trials: CvParams[];
  /** Index of the defaults' reference trial in `trials` (added with `compareDefaults`), else -1. */
  reference: number;
  refit: boolean;
  patience: number;
}

/** Validates every option once, before any training, and expands the search into trials. */
export function planCrossValidation(data: Interactions, opts: CrossValidateOptions): CvPlan {
  if (typeof opts !== 'object' || opts === null) throw badOption('options', opts, 'an object');
  checkOptions(opts, CV_OPTION_NAMES);
  const folds = opts.folds ?? 5;
  if (typeof folds !== 'number' || !Number.isInteger(folds) || folds < 2 || folds > 100) throw badOption('folds', folds, 'an integer in [2, 100]');
  if (opts.foldMethod !== undefined && opts.foldMethod !== 'per-user' && opts.foldMethod !== 'random') throw badOption('foldMethod', opts.foldMethod, '"per-user" or "random"');
  const seed = opts.seed ?? 42;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || Math.abs(seed) > 2 ** 53 - 1) throw badOption('seed', seed, 'a safe integer');
  const k = opts.k ?? 10;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw badOption('k', k, 'an integer ≥ 1');
  const relevant = opts.relevant;
  if (relevant !== undefined && (typeof relevant !== 'number' || Number.isNaN(relevant))) throw badOption('relevant', relevant, 'a number: a held-out pair whose value is ≥ it is relevant');
  if (opts.restarts !== undefined && (typeof opts.restarts !== 'number' || !Number.isInteger(opts.restarts) || opts.restarts < 1 || opts.restarts > 1000)) {
    throw badOption('restarts', opts.restarts, 'an integer in [1, 1000]');
  }
  if (opts.patience !== undefined && (typeof opts.patience !== 'number' || !Number.isInteger(opts.patience) || opts.patience < 1 || opts.patience > 1_000_000)) {
    throw badOption('patience', opts.patience, 'an integer ≥ 1');
  }
  if (opts.refit !== undefined && typeof opts.refit !== 'boolean') throw badOption('refit', opts.refit, 'true or false');
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') throw badOption('onProgress', typeof opts.onProgress, 'a function');
  if (opts.base !== undefined && (typeof opts.base !== 'object' || opts.base === null)) throw badOption('base', opts.base, 'an object of training options');

  const base: TrainOptions = { ...opts.base };
  base.seed ??= seed;
  if (opts.restarts !== undefined) base.restarts = opts.restarts;
  // Validates the fixed options (and fixes the feedback, which decides the metrics).
  const resolved = resolveTrainOptions(base, defaultFeedback(data));
  const feedback = resolved.feedback;
  base.feedback = feedback;
  // Explicit folds of data without ratings would score RMSE against implied 1s.
  checkHasRatings(data, feedback, 'data');

  const allowedMetrics = metricsFor(feedback);
  const metric = opts.metric ?? (feedback === 'explicit' ? 'rmse' : 'ndcg');
  if (!(allowedMetrics as readonly unknown[]).includes(metric)) {
    throw badOption('metric', metric, `one of ${allowedMetrics.map((m) => `"${m}"`).join(', ')} for ${feedback} feedback`);
  }

  if (opts.grid !== undefined && opts.random !== undefined) throw badOption('random', 'given with grid', 'omitted when "grid" is given (choose one search)');
  let trials: CvParams[] = [{}];
  if (opts.grid !== undefined) trials = gridTrials(opts.grid);
  else if (opts.random !== undefined) trials = randomTrials(opts.random, seed);
  // Every trial's options are checked now, so a bad value fails before hours of training.
  for (const params of trials) {
    for (const [key, v] of Object.entries(params)) {
      try {
        resolveTrainOptions({ ...base, [key]: v }, feedback);
      } catch (e) {
        if (isAlsError(e) && e.code === 'BAD_OPTION' && e.details.option === key) {
          throw badOption(`${opts.grid ? 'grid' : 'random.ranges'}.${key}`, v, String(e.details.allowed));
        }
        throw e;
      }
    }
  }
  // The defaults are scored beside the search (unless a trial is them): a search whose best point loses to them should say so, not replace them.
  if (opts.compareDefaults !== undefined && typeof opts.compareDefaults !== 'boolean') throw badOption('compareDefaults', opts.compareDefaults, 'true or false');
  const withDefaults = (opts.compareDefaults ?? true) && !trials.some((t) => isDefaultsPoint(t, base, feedback));
  const reference = withDefaults ? trials.length : -1;
  if (withDefaults) trials = [...trials, {}];
  return { folds, seed, k, relevant, metric, feedback, base, trials, reference, refit: opts.refit ?? false, patience: opts.patience ?? 0 };
}

/** Whether a trial's options resolve to what the base options alone resolve to (the defaults' point). */
function isDefaultsPoint(params: CvParams, base: TrainOptions, feedback: 'explicit' | 'implicit'): boolean {
  const resolved = resolveTrainOptions({ ...base, ...params }, feedback) as unknown as Record<string, unknown>;
  const defaults = resolveTrainOptions(base, feedback) as unknown as Record<string, unknown>;
  return Object.keys(params).every((key) => Object.is(resolved[key], defaults[key]));
}
