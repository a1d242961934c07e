import { csrFromTriplets } from '../data/csr.js';
import type { Csr, Interactions } from '../data/types.js';
import type { AlsModel } from '../als/model.js';
import { AlsError, badOption, checkOptions } from '../errors.js';
import { rankingMetrics, ratingMetrics, type RankingMetrics, type RatingMetrics } from './metrics.js';

/** A quality metric: rating error (explicit) or ranking quality at k (implicit). */
export type QualityMetric = 'rmse' | 'mae' | 'precision' | 'recall' | 'map' | 'ndcg' | 'auc' | 'mpr';

const RATING_METRICS: readonly QualityMetric[] = ['rmse', 'mae'];
const RANKING_METRICS: readonly QualityMetric[] = ['precision', 'recall', 'map', 'ndcg', 'auc', 'mpr'];

/** The metrics a feedback type yields: rmse, mae (explicit); the ranking metrics (implicit). */
export function metricsFor(feedback: 'explicit' | 'implicit'): readonly QualityMetric[] {
  return feedback === 'explicit' ? RATING_METRICS : RANKING_METRICS;
}

/** Whether a lower value of the metric is better (rmse, mae, mpr). */
export function isLowerBetter(metric: QualityMetric): boolean {
  return metric === 'rmse' || metric === 'mae' || metric === 'mpr';
}

/** Explicit-feedback quality on held-out ratings (see `ratingMetrics`). */
export interface RatingEvaluation extends RatingMetrics {
  /** Test rows left out because their user or item is not in the model (reported, not hidden). */
  unknown: number;
}

/** Implicit-feedback quality on held-out interactions (see `rankingMetrics` for each definition). */
export interface RankingEvaluation extends RankingMetrics {
  /** Test rows left out because their user or item is not in the model (reported, not hidden). */
  unknown: number;
}

/**
 * Maps held-out interactions into the model's index space.
 * @returns the test matrix (users × items of the model, duplicates summed) and how many rows were unknown
 */
export function alignToModel(model: AlsModel, test: Interactions): { matrix: Csr; unknown: number } {
  const u = new Int32Array(test.length);
  const i = new Int32Array(test.length);
  const v = new Float64Array(test.length);
  let kept = 0;
  let unknown = 0;
  for (let j = 0; j < test.length; j++) {
    const uu = model.users.index(test.users.id(test.user[j]));
    const ii = model.items.index(test.items.id(test.item[j]));
    if (uu === undefined || ii === undefined) {
      unknown++;
      continue;
    }
    u[kept] = uu;
    i[kept] = ii;
    v[kept] = test.value[j];
    kept++;
  }
  const dup = model.options.feedback === 'explicit' ? 'last' : 'sum';
  const matrix = csrFromTriplets(model.users.size, model.items.size, u.subarray(0, kept), i.subarray(0, kept), v.subarray(0, kept), dup);
  return { matrix, unknown };
}

/**
 * Refuses held-out data without a value column for an explicit (rating) model: every row would
 * read as a rating of 1 and the RMSE would measure the distance to 1, not to the user's ratings.
 * @param what - the argument's name in the error (`test`, `validation.data` …)
 * @throws AlsError `BAD_OPTION` with `details: { option, source, reason: 'no-ratings' }`
 */
export function checkHasRatings(data: Pick<Interactions, 'hasValue' | 'source'>, feedback: 'explicit' | 'implicit', what: string): void {
  if (feedback !== 'explicit' || data.hasValue) return;
  const allowed = 'held-out data with a value column (ratings) for an explicit model';
  throw new AlsError(
    'BAD_OPTION',
    `${JSON.stringify(data.source)} (${what}) has no value column, so an explicit model's RMSE/MAE would be measured against implied ratings of 1. ` +
      `Option "${what}" must be ${allowed}: evaluate on a file with ratings, or use an implicit model for interactions without ratings.`,
    { option: what, value: data.source, allowed, reason: 'no-ratings' },
  );
}

/** Options of {@link evaluateModel}. */
export interface EvaluateOptions {
  /** Cut-off of the ranking metrics (integer ≥ 1). Default 10. */
  k?: number;
}

/** Every option of {@link EvaluateOptions} (typed: a new option fails to compile until listed): `{ K: 5 }` is refused, not ignored. */
const EVALUATE_OPTION_NAMES = Object.keys({ k: 1 } satisfies Record<keyof EvaluateOptions, 1>);

/**
 * Evaluates a model on held-out data: RMSE/MAE for explicit models, ranking metrics at `k`
 * (training items excluded from each user's ranking) for implicit ones.
 * @param model - the trained model
 * @param test - held-out interactions (ids as in the training data)
 * @param opts - `k` (default 10)
 */
export function evaluateModel(model: AlsModel, test: Interactions, opts: EvaluateOptions = {}): RatingEvaluation | RankingEvaluation {
  checkOptions(opts, EVALUATE_OPTION_NAMES);
  const k = opts.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw badOption('k', k, 'an integer ≥ 1');
  checkHasRatings(test, model.options.feedback, 'test');
  const { matrix, unknown } = alignToModel(model, test);
  if (model.options.feedback === 'explicit') {
    const r = ratingMetrics((uu, ii) => model.predictIndex(uu, ii), matrix);
    return { rmse: r.rmse, mae: r.mae, count: r.count, unknown };
  }
  const r = rankingMetrics({
    score: (uu, out) => {
      model.scoreUser(uu, out);
    },
    numItems: model.items.size,
    train: model.seen,
    test: matrix,
    k,
  });
  return { ...r, unknown };
}
