/**
 * `train`: the public training call — options checked, the matrix built, tuning or the λ
 * calibration when asked for, held-out validation watching the run, and the model built.
 */
import { matrixOf } from '../data/matrix-cache.js';
import { weightMatrix } from '../train/weighting.js';
import type { Interactions } from '../data/types.js';
import { valueKind } from '../data/value-kind.js';
import { AlsError, badOption } from '../errors.js';
import { AlsModel } from '../model/model.js';
import { resolveTrainOptions, type Feedback, type ResolvedTrainOptions } from '../train/options.js';
import { trainFactors, type TrainHooks } from '../train/train.js';
import { medianPositive } from '../train/confidence.js';
import type { FitOptions, FitReport, TrainResult } from '../select/fit-types.js';
import { resolveValidation, Validator } from '../select/validation.js';
import { calibrateRegularization, resolveTuneOptions, tuneOptions, type RegularizationCalibration, type TuneOptions } from '../select/tune.js';

export type { FitOptions, FitReport, TrainResult } from '../select/fit-types.js';
import { warmStartFactors, withWarmStartDefaults } from '../model/warm-start.js';
import { trainWithFeatures } from './fit-features.js';
import { resolveRanking, trainWithRankingHead } from './fit-heads.js';

/**
 * The feedback a dataset suggests when the caller did not say: ratings (a value column of
 * ratings, no event column) are explicit; counts (whole numbers piled at their lowest value:
 * plays, quantities), one constant value (`user,item,1`), events, or rows without values are
 * implicit (data/value-kind.ts says which is which).
 */
export function defaultFeedback(data: Pick<Interactions, 'hasValue' | 'event' | 'value' | 'length'>): Feedback {
  return data.hasValue && !data.event && valueKind(data.value, data.length) === 'ratings' ? 'explicit' : 'implicit';
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
  // Rating data: a rating model and a ranking head, each trained by the steps below (fit-heads.ts).
  if (resolveRanking(options.ranking, options.feedback ?? options.warmStart?.options?.feedback ?? defaultFeedback(data)) === 'implicit') return trainWithRankingHead(data, options, (d, o) => train(d, o, hooks));
  if (options.itemFeatures !== undefined || options.userFeatures !== undefined || options.featureWeight !== undefined) {
    // Side information: the data gains the features' pseudo rows, then trains as below (fit-features.ts).
    return trainWithFeatures(data, options, defaultFeedback(data), oneHead(hooks));
  }
  const { validation: validationOptions, tune, warmStart, itemFeatures: _i, userFeatures: _u, featureWeight: _w, ranking: _r, ...given } = options;
  if (warmStart !== undefined && !(warmStart instanceof AlsModel)) throw badOption('warmStart', warmStart, 'a trained model (AlsModel)');
  if (warmStart && tune !== undefined && tune !== false) throw badOption('warmStart', 'with tune', 'not combined with tune (the search starts from the seeded init; warm-start the refit instead)');
  const trainOptions = warmStart ? withWarmStartDefaults(given, warmStart) : given;
  const opts = resolveTrainOptions(trainOptions, defaultFeedback(data));
  // Ratings without a value column would all be 1: a constant model (loss 0), as cv, evaluate and update refuse (issue 26).
  if (opts.feedback === 'explicit' && !data.hasValue) {
    throw new AlsError('BAD_OPTION', `Option "feedback" is explicit, but ${JSON.stringify(data.source)} has no value column: every row would be a rating of 1 and the model would be constant. Use implicit feedback for interactions without ratings, or give a file with a rating column.`, { option: 'feedback', value: 'explicit', source: data.source, reason: 'no-ratings' });
  }
  const validation = validationOptions === undefined ? undefined : resolveValidation(validationOptions, opts.feedback);
  const again = oneHead(hooks);
  if (tune !== undefined && tune !== false) {
    const spec = resolveTuneOptions(tune as true | TuneOptions, opts.feedback);
    const tuned = await tuneOptions(data, { ...trainOptions, feedback: opts.feedback }, opts.feedback, spec, again, { onProgress: options.onProgress, signal: options.signal });
    const result = await train(data, { ...options, tune: undefined, ...tuned.params }, hooks);
    result.report.tuned = tuned;
    return result;
  }
  // BM25 (implicit, `weighting: 'bm25'`) weights the summed values once; everything after sees the weighted matrix.
  const { matrix, bm25 } = weightMatrix(matrixOf(data, { duplicates: opts.duplicates, eventWeights: opts.eventWeights }), opts.feedback === 'implicit' ? opts.weighting : 'none');
  // ε 'auto' (the default of the log form) is the median of the positive values: measured once, here, so validation, calibration and the model see it.
  const epsilon = opts.feedback === 'implicit' && opts.autoEpsilon && !(opts.epsilon > 0) ? medianPositive(matrix.byUser.values) : opts.epsilon;
  const c = opts.feedback === 'implicit' && opts.autoRegularization ? await calibrateRegularization(data, { ...trainOptions, feedback: 'implicit', confidence: opts.confidence, alpha: opts.alpha, epsilon }, matrix, again, options.signal) : undefined;
  const calibration: RegularizationCalibration | undefined = c?.calibration;
  // The run's plan: every option decided (λ may still be the closed form's to compute, when no calibration ran); nothing changes it after.
  const plan: ResolvedTrainOptions = Object.freeze({ ...opts, epsilon, regularization: c ? c.regularization : opts.regularization });
  const emit = options.onProgress ?? (() => {});
  const ratingScale = plan.feedback === 'explicit' ? valueRange(matrix.byUser.values) : undefined;
  const validator = validation && new Validator(validation, { feedback: plan.feedback, users: data.users, items: data.items, seen: matrix.byUser, ratingScale }, emit, options.signal);
  const run = await trainFactors(matrix, plan, {
    onProgress: options.onProgress,
    signal: options.signal,
    users: data.users,
    items: data.items,
    observe: validator && ((view) => validator.observe(view)),
    restartScore: validator && ((r) => validator.restartScore(r)),
    runtime: hooks.runtime,
    pool: hooks.pool,
    initialFactors: warmStart && warmStartFactors(warmStart, data, plan),
  });
  const report: FitReport = run.report;
  if (calibration) report.regularizationCalibration = calibration;
  // With validation the model holds the factors of the best held-out score, not the last iteration's.
  const factors = validator?.bestSnapshot ?? run.factors;
  if (validator) report.validation = validator.report();
  // The model serves (fold-in) with the λ it was trained with, also when training computed it.
  const model = await AlsModel.create({ options: Object.freeze({ ...plan, regularization: report.regularization }), users: data.users, items: data.items, factors, seen: matrix.byUser, report, bm25, ratingScale }, plan.kernels);
  return { model, report };
}

/** [lowest, highest] of the training ratings: the scale predicted ratings stay on. */
function valueRange(values: Float64Array): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < values.length; j++) {
    if (values[j] < lo) lo = values[j];
    if (values[j] > hi) hi = values[j];
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * `train` for the runs inside one training (tune's trials, the λ calibration, the features'
 * run): one factor set each — a rating run among them needs no ranking head of its own.
 */
function oneHead(hooks: Pick<TrainHooks, 'runtime' | 'pool'>): (d: Interactions, o: FitOptions) => Promise<TrainResult> {
  return (d, o) => train(d, (o.feedback ?? defaultFeedback(d)) === 'explicit' && o.ranking === undefined ? { ...o, ranking: 'rating' } : o, hooks);
}
