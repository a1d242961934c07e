/**
 * K-fold cross-validation and hyper-parameter search (grid or random) over ALS options.
 * see: scikit-learn `GridSearchCV` / `RandomizedSearchCV` (mean and std of the score over
 * folds, best by mean, optional refit on all data); Bergstra & Bengio 2012 for random search
 * with log-uniform ranges.
 */
import { defaultFeedback, train } from './fit.js';
import type { AlsModel } from '../als/model.js';
import type { TrainHooks } from '../als/train.js';
import { resolveTrainOptions, type TrainOptions } from '../als/options.js';
import { Rng } from '../util/rng.js';
import { kFoldSplits, type Fold, type KFoldMethod } from '../data/kfold.js';
import type { Interactions } from '../data/types.js';
import { AlsError, badOption, checkOptions, isAlsError, throwIfAborted } from '../errors.js';
import { checkHasRatings, evaluateModelAsync, isLowerBetter, metricsFor, type QualityMetric } from './evaluate.js';

export type { CvMetric, TunableOption, CvParams, CvProgress, CrossValidateOptions, CvTrial, CvFoldSummary, CrossValidationResult } from './cv-types.js';
import type { CvMetric, TunableOption, CvParams, CvProgress, CrossValidateOptions, CvTrial, CvFoldSummary, CrossValidationResult } from './cv-types.js';

/** Options a search may vary, and how random search draws each from a `[min, max]` range. */
const TUNABLE: Record<TunableOption, 'int' | 'log' | 'choice'> = {
  factors: 'int',
  regularization: 'log',
  alpha: 'log',
  epsilon: 'log',
  iterations: 'int',
  cgSteps: 'int',
  confidence: 'choice',
  weighting: 'choice',
};
/** Every option of {@link CrossValidateOptions} (typed: a new option fails to compile until listed). */
const CV_OPTION_NAMES = Object.keys({
  folds: 1, foldMethod: 1, grid: 1, random: 1, metric: 1, k: 1, base: 1, restarts: 1, seed: 1, patience: 1, refit: 1, onProgress: 1, signal: 1,
} satisfies Record<keyof CrossValidateOptions, 1>);
/** The fields of {@link CrossValidateOptions.random}. */
const RANDOM_SEARCH_NAMES = Object.keys({ trials: 1, ranges: 1 } satisfies Record<keyof NonNullable<CrossValidateOptions['random']>, 1>);
/** Largest search: a guard against a grid that would run for days by mistake. */
const MAX_TRIALS = 10_000;

/**
 * Estimates the quality of ALS options by k-fold cross-validation and searches a grid or
 * random sample of them for the best.
 *
 * Every trial trains one model per fold on the fold's training pairs and scores it on the
 * held-out pairs with `evaluateModel`; held-out pairs whose user or item has no training pair
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
  const plan = validate(data, opts);
  throwIfAborted(opts.signal);
  const splits = kFoldSplits(data, { folds: plan.folds, seed: plan.seed, method: opts.foldMethod });
  // Scoring a pair whose user or item never appeared in training measures only the cold
  // start (zero factors), so it is left out of the metrics, and counted in foldSummary.
  const scored = splits.map(warmTest);
  const metricNames = metricsFor(plan.feedback);

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
        const validation = plan.patience ? { data: scored[fold.index], metric: plan.metric, k: plan.k, patience: plan.patience } : undefined;
        const { model, report } = await train(fold.train, { ...plan.base, ...params, validation, signal: opts.signal ?? plan.base.signal }, hooks);
        if (report.validation?.best) bestIterations.push(report.validation.best.iteration);
        // Yields between chunks of users, so a worker stays responsive on big folds.
        const r = (await evaluateModelAsync(model, scored[fold.index], { k: plan.k, signal: opts.signal ?? plan.base.signal })) as unknown as Record<string, number>;
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
    best: { params: winner.params, score: winner.mean[plan.metric]!, std: winner.std[plan.metric]! },
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

/** Everything {@link crossValidate} needs, validated. */
interface Plan {
  folds: number;
  seed: number;
  k: number;
  metric: CvMetric;
  feedback: 'explicit' | 'implicit';
  base: TrainOptions;
  trials: CvParams[];
  refit: boolean;
  patience: number;
}

/** Validates every option once, before any training, and expands the search into trials. */
function validate(data: Interactions, opts: CrossValidateOptions): Plan {
  if (typeof opts !== 'object' || opts === null) throw badOption('options', opts, 'an object');
  checkOptions(opts, CV_OPTION_NAMES);
  const folds = opts.folds ?? 5;
  if (typeof folds !== 'number' || !Number.isInteger(folds) || folds < 2 || folds > 100) throw badOption('folds', folds, 'an integer in [2, 100]');
  if (opts.foldMethod !== undefined && opts.foldMethod !== 'per-user' && opts.foldMethod !== 'random') throw badOption('foldMethod', opts.foldMethod, '"per-user" or "random"');
  const seed = opts.seed ?? 42;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || Math.abs(seed) > 2 ** 53 - 1) throw badOption('seed', seed, 'a safe integer');
  const k = opts.k ?? 10;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw badOption('k', k, 'an integer ≥ 1');
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
  return { folds, seed, k, metric, feedback, base, trials, refit: opts.refit ?? false, patience: opts.patience ?? 0 };
}

function checkKey(where: string, key: string): asserts key is TunableOption {
  if (!Object.hasOwn(TUNABLE, key)) {
    throw badOption(`${where}.${key}`, key, `a tunable training option: one of ${Object.keys(TUNABLE).map((t) => `"${t}"`).join(', ')}`);
  }
}

/** Every combination of the grid's values, the first key varying slowest. */
function gridTrials(grid: CrossValidateOptions['grid']): CvParams[] {
  if (typeof grid !== 'object' || grid === null || Array.isArray(grid)) throw badOption('grid', grid, 'an object mapping training options to lists of values');
  let trials: CvParams[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    checkKey('grid', key);
    if (!Array.isArray(values) || values.length === 0) throw badOption(`grid.${key}`, values, 'a non-empty list of values');
    const want = TUNABLE[key] === 'choice' ? 'string' : 'number';
    for (const v of values) if (typeof v !== want) throw badOption(`grid.${key}`, v, `a list of ${want}s`);
    trials = trials.flatMap((t) => (values as unknown[]).map((v) => ({ ...t, [key]: v })));
    if (trials.length > MAX_TRIALS) throw badOption('grid', `${trials.length}+ combinations`, `at most ${MAX_TRIALS} combinations`);
  }
  return trials;
}

/** `trials` seeded draws from the ranges (see {@link CrossValidateOptions.random}). */
function randomTrials(random: NonNullable<CrossValidateOptions['random']>, seed: number): CvParams[] {
  if (typeof random !== 'object' || random === null) throw badOption('random', random, 'an object { trials, ranges }');
  checkOptions(random, RANDOM_SEARCH_NAMES, 'random');
  const n = random.trials;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_TRIALS) throw badOption('random.trials', n, `an integer in [1, ${MAX_TRIALS}]`);
  const ranges = random.ranges;
  if (typeof ranges !== 'object' || ranges === null || Array.isArray(ranges)) throw badOption('random.ranges', ranges, 'an object mapping training options to [min, max] or a list of strings');
  const entries = Object.entries(ranges);
  for (const [key, r] of entries) {
    checkKey('random.ranges', key);
    const kind = TUNABLE[key];
    if (kind === 'choice') {
      if (!Array.isArray(r) || r.length === 0 || r.some((v) => typeof v !== 'string')) throw badOption(`random.ranges.${key}`, r, 'a non-empty list of strings');
      continue;
    }
    const ok = Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'number' && Number.isFinite(v)) && (r[0] as number) <= (r[1] as number);
    if (!ok) throw badOption(`random.ranges.${key}`, r, '[min, max] with finite min ≤ max');
    if (kind === 'log' && !((r[0] as number) > 0)) throw badOption(`random.ranges.${key}`, r, '[min, max] with 0 < min ≤ max (drawn log-uniformly)');
    if (kind === 'int' && !(Number.isInteger(r[0]) && Number.isInteger(r[1]))) throw badOption(`random.ranges.${key}`, r, '[min, max] of integers');
  }
  // Seeded apart from the folds (seed + 1), so changing the trial count leaves the folds alone.
  const rng = new Rng(seed + 1);
  const trials: CvParams[] = [];
  for (let t = 0; t < n; t++) {
    const params: Record<string, number | string> = {};
    for (const [key, r] of entries) {
      const kind = TUNABLE[key as TunableOption];
      if (kind === 'choice') {
        const list = r as string[];
        params[key] = list[rng.int(list.length)];
      } else {
        const [lo, hi] = r as [number, number];
        // Log-uniform draws are rounded to 3 significant digits: readable, and they hide
        // last-bit differences of Math.exp/Math.log between engines.
        params[key] = kind === 'int' ? lo + rng.int(hi - lo + 1) : Number(Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo))).toPrecision(3));
      }
    }
    trials.push(params as CvParams);
  }
  return trials;
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
