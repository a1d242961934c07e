/**
 * K-fold cross-validation and hyper-parameter search (grid or random) over ALS options: the
 * folds run per trial, the per-fold scores summed up (mean, std), the best trial and the refit.
 * The options are checked in cv-plan.ts, the trials drawn in cv-search.ts.
 * see: scikit-learn `GridSearchCV` / `RandomizedSearchCV` (mean and std of the score over
 * folds, best by mean, optional refit on all data); Bergstra & Bengio 2012 for random search
 * with log-uniform ranges.
 */
import { train } from './fit.js';
import type { TrainHooks } from '../train/train.js';
import { kFoldSplits, type Fold } from '../data/kfold.js';
import { markReusable } from '../data/matrix-cache.js';
import type { Interactions } from '../data/types.js';
import { AlsError, isAlsError, throwIfAborted } from '../errors.js';
import { evaluateModelAsync, isLowerBetter, isRankingMetric, RATING_METRICS, metricsFor } from '../select/evaluate.js';
import { planCrossValidation } from './cv-plan.js';
import { explicitLambdaOnPart } from '../select/explicit-lambda-transfer.js';
import { TRAIN_DEFAULTS, type TrainOptions } from '../train/options.js';

export type { CvMetric, TunableOption, CvParams, CvProgress, CrossValidateOptions, CvTrial, CvFoldSummary, CrossValidationResult } from './cv-types.js';
import type { CvMetric, CrossValidateOptions, CvTrial, CrossValidationResult } from './cv-types.js';

/**
 * Estimates the quality of ALS options by k-fold cross-validation and searches a grid or
 * random sample of them for the best.
 *
 * Every trial trains one model per fold on the fold's training pairs and scores it on the
 * held-out pairs with `evaluateModel` (an explicit trial's λ is λ on all the data: each fold
 * trains with its equivalent on the fold's share, see select/explicit-lambda-transfer.ts); held-out pairs whose user or item has no training pair
 * in the fold cannot be scored and are left out (counted in `foldSummary`). The best trial
 * has the lowest mean (rmse, mae, mpr) or the highest mean (the others); ties go to the
 * earlier trial. Without `grid` or `random` there is one trial: a plain CV estimate of `base`.
 *
 * @param data - interactions from `loadInteractions` / `parseText` / `fromRecords`
 * @param opts - see {@link CrossValidateOptions}; every option is validated before training
 * @param hooks - the worker pool (and training memory) to train in, e.g. an engine's own
 * @returns the best params and score, every trial, and the refit model when asked
 * @throws AlsError `BAD_OPTION` naming the option and its allowed range; `EMPTY_DATA`;
 *   a training error when every trial fails; `AbortError`
 * @example
 * const cv = await crossValidate(data, {
 *   base: { feedback: 'implicit', iterations: 10 },
 *   grid: { factors: [16, 32, 64], regularization: [0.01, 0.1], alpha: [1, 10, 40] },
 *   metric: 'ndcg', k: 10, folds: 5, seed: 1, refit: true,
 * });
 * console.log(cv.best.params, cv.best.score, '±', cv.best.std);
 * cv.model!.recommend('196', 10);
 */
export async function crossValidate(data: Interactions, opts: CrossValidateOptions = {}, hooks: Pick<TrainHooks, 'pool' | 'runtime'> = {}): Promise<CrossValidationResult> {
  const plan = planCrossValidation(data, opts);
  throwIfAborted(opts.signal);
  // Each fold's training part trains once per trial: its matrix is built once (the parts are the library's own, never changed).
  const splits = kFoldSplits(data, { folds: plan.folds, seed: plan.seed, method: opts.foldMethod }).map((s) => ({ ...s, train: markReusable(s.train) }));
  // Scoring a pair whose user or item never appeared in training measures only the cold
  // start (zero factors), so it is left out of the metrics, and counted in foldSummary.
  const scored = splits.map(warmTest);
  // Ratings selected on RMSE/MAE are not ranked (a full ranking per user would double a fold's cost).
  const ranked = isRankingMetric(plan.metric);
  const metricNames = ranked ? metricsFor(plan.feedback) : RATING_METRICS;
  const scoring = { k: plan.k, relevant: plan.relevant, ranking: ranked };

  const trials: CvTrial[] = [];
  let firstError: unknown;
  for (const [t, params] of plan.trials.entries()) {
    const t0 = performance.now();
    const perFold: Record<string, number>[] = [];
    const bestIterations: number[] = [];
    let error: string | undefined;
    for (const fold of splits) {
      throwIfAborted(opts.signal);
      opts.onProgress?.({ stage: 'trial', trial: t, trials: plan.trials.length, fold: fold.index, folds: plan.folds, params });
      try {
        const validation = plan.patience ? { data: scored[fold.index], metric: plan.metric, k: plan.k, relevant: plan.relevant, patience: plan.patience } : undefined;
        // Selecting on RMSE/MAE scores the rating model alone: a fold needs no ranking head.
        const options = { ...onFold({ ...plan.base, ...params }, fold.train.length, data.length), ...(plan.feedback === 'explicit' && !ranked ? { ranking: 'rating' as const } : {}) };
        const { model, report } = await train(fold.train, { ...options, validation, signal: opts.signal ?? plan.base.signal }, hooks);
        if (report.validation?.best) bestIterations.push(report.validation.best.iteration);
        // Yields between chunks of users, so a worker stays responsive on big folds.
        const r = (await evaluateModelAsync(model, scored[fold.index], { ...scoring, signal: opts.signal ?? plan.base.signal })) as unknown as Record<string, number>;
        perFold.push(Object.fromEntries(metricNames.map((m) => [m, r[m]])));
      } catch (e) {
        // A numerical failure (e.g. λ = 0 on a sparse fold) disqualifies the trial, not the search.
        if (!isAlsError(e) || e.code === 'BAD_OPTION') throw e;
        firstError ??= e;
        error = e.message;
        break;
      }
    }
    const mean: Partial<Record<CvMetric, number>> = {};
    const std: Partial<Record<CvMetric, number>> = {};
    for (const m of metricNames) {
      const xs = error === undefined ? perFold.map((r) => r[m]) : [NaN];
      [mean[m], std[m]] = meanStd(xs);
    }
    const trial: CvTrial = { params, mean, std, scores: perFold.map((r) => r[plan.metric]), seconds: (performance.now() - t0) / 1000 };
    if (error !== undefined) trial.error = error;
    if (plan.patience) trial.bestIterations = bestIterations;
    if (t === plan.reference) trial.reference = 'defaults';
    trials.push(trial);
    opts.onProgress?.({ stage: 'trial-done', trial: t, params, mean: mean[plan.metric]!, std: std[plan.metric]! });
  }

  let best = -1;
  const sign = isLowerBetter(plan.metric) ? 1 : -1;
  for (const [t, trial] of trials.entries()) {
    const s = trial.mean[plan.metric]!;
    if (Number.isNaN(s)) continue;
    if (best < 0 || sign * s < sign * trials[best].mean[plan.metric]!) best = t;
  }
  if (best < 0) {
    if (firstError) throw firstError;
    throw new AlsError('EMPTY_DATA', `No trial could be scored on "${plan.metric}": no fold has a held-out pair whose user and item are both in its training part. Use fewer folds or more data.`, {
      metric: plan.metric,
    });
  }
  const winner = trials[best];
  const result: CrossValidationResult = {
    best: { params: winner.params, score: winner.mean[plan.metric]!, std: winner.std[plan.metric]!, ...(winner.reference ? { reference: winner.reference } : {}) },
    trials,
    metric: plan.metric,
    folds: plan.folds,
    foldSummary: splits.map((s) => ({ testPairs: s.testPairs, testPairsUnknownUser: s.testPairsUnknownUser, testPairsUnknownItem: s.testPairsUnknownItem })),
  };
  if (plan.refit) {
    throwIfAborted(opts.signal);
    // Early-stopped folds say how long to train: the median of their best iterations.
    const its = winner.bestIterations?.length ? { iterations: median(winner.bestIterations) } : {};
    result.model = (await train(data, { ...plan.base, ...winner.params, ...its, signal: opts.signal ?? plan.base.signal }, hooks)).model;
  }
  return result;
}

/**
 * A trial's options as a fold trains them. An explicit λ means λ on all the data (what the
 * refit, and `train` on the same file, use); a fold holds (k − 1)/k of the data, where the
 * same λ regularises relatively less than on all of it, so the fold trains with the
 * equivalent λ (see select/explicit-lambda-transfer.ts). Everything else is exactly the trial's.
 */
function onFold(options: TrainOptions, partRows: number, fullRows: number): TrainOptions {
  if (options.feedback !== 'explicit' || options.regularization === 'auto') return options;
  const lambda = options.regularization ?? TRAIN_DEFAULTS.regularization;
  const weighted = options.weightedRegularization ?? TRAIN_DEFAULTS.weightedRegularization;
  return { ...options, regularization: explicitLambdaOnPart(lambda, partRows, fullRows, weighted) };
}

/** The fold's test rows whose user and item both have a training pair in the fold. */
function warmTest(fold: Fold): Interactions {
  const { train: tr, test } = fold;
  if (fold.testPairsUnknownUser === 0 && fold.testPairsUnknownItem === 0) return test;
  const userIn = new Uint8Array(tr.users.size);
  const itemIn = new Uint8Array(tr.items.size);
  for (let j = 0; j < tr.length; j++) {
    userIn[tr.user[j]] = 1;
    itemIn[tr.item[j]] = 1;
  }
  const keep: number[] = [];
  for (let j = 0; j < test.length; j++) if (userIn[test.user[j]] && itemIn[test.item[j]]) keep.push(j);
  const ints = (a: Int32Array) => Int32Array.from(keep, (j) => a[j]);
  const reals = (a: Float64Array) => Float64Array.from(keep, (j) => a[j]);
  return {
    ...test,
    length: keep.length,
    user: ints(test.user),
    item: ints(test.item),
    value: reals(test.value),
    timestamp: test.timestamp && reals(test.timestamp),
    event: test.event && ints(test.event),
  };
}

/** The median (the lower middle value of an even count). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1];
}

/** Mean and population standard deviation (NaN when empty or any value is NaN). */
function meanStd(xs: number[]): [number, number] {
  if (xs.length === 0) return [NaN, NaN];
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  return [mean, Math.sqrt(variance)];
}
