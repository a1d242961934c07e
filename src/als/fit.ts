import { buildMatrix } from '../data/csr.js';
import { weightMatrix } from './weighting.js';
import type { Interactions } from '../data/types.js';
import { badOption } from '../errors.js';
import { AlsModel } from './model.js';
import { resolveTrainOptions, type Feedback, type TrainOptions } from './options.js';
import { trainFactors, type TrainHooks, type TrainReport } from './train.js';
import { resolveValidation, Validator, type ValidationOptions } from '../eval/validation.js';
import { calibrateRegularization, resolveTuneOptions, tuneOptions, type RegularizationCalibration, type TuneOptions, type TuneReport } from '../eval/tune.js';
import { medianPositive } from './confidence.js';
import { warmStartFactors, withWarmStartDefaults } from './warm-start.js';
import { trainWithFeatures } from '../features/fit.js';
import type { FeatureOptions } from '../features/types.js';

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
}

/** The training report, plus how `train` chose options that were left to it. */
export type FitReport = TrainReport & {
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

/**
 * The feedback a dataset suggests when the caller did not say: ratings (a value column, no
 * event column) are explicit; counts of events, or rows without values, are implicit.
 */
export function defaultFeedback(data: Pick<Interactions, 'hasValue' | 'event'>): Feedback {
  return data.hasValue && !data.event ? 'explicit' : 'implicit';
}

/**
 * Trains an ALS model on parsed interactions.
 * @param data - interactions from `loadInteractions` / `parseText` / `fromRecords`
 * @param options - see {@link TrainOptions} and {@link FitOptions}; validated here
 * @param hooks - `runtime`: a kernel runtime to train in (reused across runs so WASM memory stays flat; one run at a time);
 *   `pool`: the worker pool to borrow when `workers` > 1 (default: the process-wide one)
 * @returns the model and the training report
 * @throws AlsError `BAD_OPTION`, `EMPTY_DATA`, `NOT_POSITIVE_DEFINITE`, `NON_FINITE`, `OUT_OF_MEMORY`; `AbortError`
 * @example
 * const data = parseText(await readFile('u.data', 'utf8'), { source: 'u.data' });
 * const { model, report } = await train(data, { feedback: 'implicit', factors: 32, alpha: 10 });
 * model.recommend('196', 10);
 */
export async function train(data: Interactions, options: FitOptions = {}, hooks: Pick<TrainHooks, 'runtime' | 'pool'> = {}): Promise<TrainResult> {
  if (typeof options !== 'object' || options === null) throw badOption('options', options, 'an object of training options');
  if (options.itemFeatures !== undefined || options.userFeatures !== undefined || options.featureWeight !== undefined) {
    // Side information: the data gains the features' pseudo rows, then trains as below (features/fit.ts).
    return trainWithFeatures(data, options, defaultFeedback(data), (d, o) => train(d, o, hooks));
  }
  const { validation: validationOptions, tune, warmStart, itemFeatures: _i, userFeatures: _u, featureWeight: _w, ...given } = options;
  if (warmStart !== undefined && !(warmStart instanceof AlsModel)) throw badOption('warmStart', warmStart, 'a trained model (AlsModel)');
  if (warmStart && tune !== undefined && tune !== false) throw badOption('warmStart', 'with tune', 'not combined with tune (the search starts from the seeded init; warm-start the refit instead)');
  const trainOptions = warmStart ? withWarmStartDefaults(given, warmStart) : given;
  const opts = resolveTrainOptions(trainOptions, defaultFeedback(data));
  const validation = validationOptions === undefined ? undefined : resolveValidation(validationOptions, opts.feedback);
  const again = (d: Interactions, o: FitOptions) => train(d, o, hooks);
  if (tune !== undefined && tune !== false) {
    const spec = resolveTuneOptions(tune as true | TuneOptions, opts.feedback);
    const tuned = await tuneOptions(data, { ...trainOptions, feedback: opts.feedback }, opts.feedback, spec, again, { onProgress: options.onProgress, signal: options.signal });
    const result = await train(data, { ...options, tune: undefined, ...tuned.params }, hooks);
    result.report.tuned = tuned;
    return result;
  }
  // BM25 (implicit, `weighting: 'bm25'`) weights the summed values once; everything after sees the weighted matrix.
  const { matrix, bm25 } = weightMatrix(buildMatrix(data, { duplicates: opts.duplicates, eventWeights: opts.eventWeights }), opts.feedback === 'implicit' ? opts.weighting : 'none');
  // ε 'auto' (the default of the log form) is the median of the positive values: measured once, here, so validation, calibration and the model see it.
  if (opts.feedback === 'implicit' && opts.autoEpsilon && !(opts.epsilon > 0)) opts.epsilon = medianPositive(matrix.byUser.values);
  let calibration: RegularizationCalibration | undefined;
  if (opts.feedback === 'implicit' && opts.autoRegularization) {
    const c = await calibrateRegularization(data, { ...trainOptions, feedback: 'implicit', confidence: opts.confidence, alpha: opts.alpha, epsilon: opts.epsilon }, matrix, again, options.signal);
    if (c) {
      opts.regularization = c.regularization;
      calibration = c.calibration;
    }
  }
  const emit = options.onProgress ?? (() => {});
  const validator = validation && new Validator(validation, { options: opts, users: data.users, items: data.items, seen: matrix.byUser }, emit, options.signal);
  const run = await trainFactors(matrix, opts, {
    onProgress: options.onProgress,
    signal: options.signal,
    users: data.users,
    items: data.items,
    afterIteration: validator && ((s) => validator.afterIteration(s)),
    restartScore: validator && ((r) => validator.restartScore(r)),
    runtime: hooks.runtime,
    pool: hooks.pool,
    initialFactors: warmStart && warmStartFactors(warmStart, data, opts),
  });
  const report: FitReport = run.report;
  if (calibration) report.regularizationCalibration = calibration;
  // The model serves (fold-in) with the λ it was trained with, also when it was measured.
  opts.regularization = report.regularization;
  // With validation the model holds the factors of the best held-out score, not the last iteration's.
  const factors = validator?.bestSnapshot ?? run.factors;
  if (validator) report.validation = validator.report();
  const model = await AlsModel.create({ options: opts, users: data.users, items: data.items, factors, seen: matrix.byUser, report, bm25 }, opts.kernels);
  return { model, report };
}
