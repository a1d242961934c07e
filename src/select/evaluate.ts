/**
 * `evaluate`: a model's quality on held-out data — ranking metrics for every model (the scores
 * `recommend` ranks by), and RMSE/MAE for rating (explicit) models — in one pass over the users,
 * synchronously or in slices that yield.
 */
import type { Id, Interactions } from '../data/types.js';
import { nextMacrotask, now } from '../util/yield.js';
import { AlsError, badOption, checkOptions, throwIfAborted } from '../errors.js';
import type { RankingMetrics, RatingMetrics } from './metrics.js';
import { RankingAccumulator } from './ranking.js';
import { RatingAccumulator } from './rating.js';
import { alignToModel, checkHasRatings, type AlignedTest, type Scorer } from './scorer.js';

export { isAtKMetric, isLowerBetter, isRankingMetric, metricsFor, RANKING_METRICS, RATING_METRICS, type QualityMetric } from './quality-metric.js';
export { alignToModel, checkHasRatings, type AlignedTest, type Scorer } from './scorer.js';

/**
 * A rating (explicit) model's quality on held-out ratings: RMSE/MAE of its predicted ratings
 * (see `ratingMetrics`) and, unless `ranking: false`, the ranking metrics of its `recommend`
 * scores (see `rankingMetrics`; by default every held-out pair counts as relevant).
 */
export interface RatingEvaluation extends RatingMetrics, Partial<RankingMetrics> {
  /** Test rows left out because their user or item is not in the model (reported, not hidden). */
  unknown: number;
  /** The relevance threshold used, when one was given. */
  relevant?: number;
}

/** Implicit-feedback quality on held-out interactions (see `rankingMetrics` for each definition). */
export interface RankingEvaluation extends RankingMetrics {
  /** Test rows left out because their user or item is not in the model (reported, not hidden). */
  unknown: number;
  /** The relevance threshold used, when one was given. */
  relevant?: number;
}

/** Progress of an evaluation: users scored so far, emitted about every 25 ms while it yields. */
export interface EvaluateProgress {
  /** Always `evaluate`. */
  stage: 'evaluate';
  /** User rows visited so far. */
  usersDone: number;
  /** User rows to visit. */
  usersTotal: number;
}

/** Options of {@link evaluateModel} and {@link evaluateModelAsync} (progress and cancel: the async one only). */
export interface EvaluateOptions {
  /** Cut-off of the ranking metrics (an integer ≥ 1). Default 10. */
  k?: number;
  /** Progress per chunk of users (stage `evaluate`). */
  onProgress?: (p: EvaluateProgress) => void;
  /** Cancels the evaluation between chunks of users (AbortError). */
  signal?: AbortSignal;
  /** Compute only the @k ranking metrics (AUC and MPR are then NaN) — about half the cost per user, for validation and tuning on an @k metric. Default false. */
  atKOnly?: boolean;
  /** Rank only these items for every user (cold-start protocols: the held-out items); unknown ids are `UNKNOWN_ITEM`. Default every item. */
  candidates?: Id[];
  /**
   * A held-out pair is relevant (a positive of the ranking metrics) when its value is ≥ this,
   * e.g. 4 for "rated 4 or 5 stars"; relevance is then binary (MPR weighs each positive 1).
   * Default: every held-out pair of a rating model; an implicit model's pairs with a value > 0,
   * weighted by it in MPR.
   */
  relevant?: number;
  /** Rating (explicit) models: also compute the ranking metrics (a full ranking per user, the cost of an implicit evaluation). Default true; false gives RMSE/MAE alone. */
  ranking?: boolean;
}

/** One evaluation, user row by user row. */
interface EvaluationRun {
  count: number;
  add(t: number): void;
  result(): RatingEvaluation | RankingEvaluation;
}

/** Every option of {@link EvaluateOptions} (typed: a new option fails to compile until listed): `{ K: 5 }` is refused, not ignored. */
const EVALUATE_OPTION_NAMES = Object.keys({ k: 1, onProgress: 1, signal: 1, atKOnly: 1, candidates: 1, relevant: 1, ranking: 1 } satisfies Record<keyof EvaluateOptions, 1>);

function startEvaluation(model: Scorer, test: Interactions, opts: EvaluateOptions): EvaluationRun {
  const checked = checkEvaluateOptions(opts);
  checkHasRatings(test, model.options.feedback, 'test');
  return scoreAligned(model, alignToModel(model, test), checked);
}

/** {@link EvaluateOptions} checked, with their defaults. */
interface CheckedOptions {
  k: number;
  atKOnly: boolean;
  candidates?: Id[];
  relevant?: number;
  ranking: boolean;
}

/** Checks {@link EvaluateOptions}. */
function checkEvaluateOptions(opts: EvaluateOptions): CheckedOptions {
  checkOptions(opts, EVALUATE_OPTION_NAMES);
  const k = opts.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw badOption('k', k, 'an integer ≥ 1');
  const { relevant, ranking } = opts;
  if (relevant !== undefined && (typeof relevant !== 'number' || Number.isNaN(relevant))) throw badOption('relevant', relevant, 'a number: a held-out pair whose value is ≥ it is relevant');
  if (ranking !== undefined && typeof ranking !== 'boolean') throw badOption('ranking', ranking, 'true or false');
  return { k, atKOnly: opts.atKOnly === true, candidates: opts.candidates, relevant, ranking: ranking ?? true };
}

/**
 * An evaluation of a scorer on a test set already in its rows: rating error from
 * `predictIndex` (rating models), ranking metrics from `scoreUser` / `topKRows` — the scores
 * `recommend` ranks by, so a model that ranks by other scores than it predicts ratings with
 * is ranked by the ones it recommends with.
 */
function scoreAligned(model: Scorer, aligned: AlignedTest, o: CheckedOptions): EvaluationRun {
  const { matrix, unknown } = aligned;
  const explicit = model.options.feedback === 'explicit';
  const rating = explicit ? new RatingAccumulator((uu, ii) => model.predictIndex(uu, ii), matrix) : undefined;
  const ranking = !explicit || o.ranking
    ? new RankingAccumulator({
        score: (uu, out) => {
          model.scoreUser(uu, out);
        },
        // Blocks of users through the WASM top-k kernel: the same scores and order as score + topK.
        scoreBlock: model.topKRows && ((rows, kk, withScores) => model.topKRows!(rows, kk, { exclude: model.seen, withScores })),
        numItems: model.items.size,
        train: model.seen,
        test: matrix,
        k: o.k,
        atKOnly: o.atKOnly,
        candidates: o.candidates && candidateMask(model, o.candidates),
        // A rating of any value is a held-out pair the user chose to rate: all count unless told.
        relevant: o.relevant ?? (explicit ? -Infinity : undefined),
      })
    : undefined;
  const threshold = o.relevant === undefined ? {} : { relevant: o.relevant };
  return {
    // Both visit every user row of the test matrix.
    count: matrix.rows,
    add: (t) => {
      rating?.add(t);
      ranking?.add(t);
    },
    result: () => ({ ...rating?.result(), ...ranking?.result(), unknown, ...threshold }) as RatingEvaluation | RankingEvaluation,
  };
}

/** A mask over the model's items of the candidate ids. */
function candidateMask(model: Pick<Scorer, 'items'>, ids: Id[]): Uint8Array {
  if (!Array.isArray(ids)) throw badOption('candidates', ids, 'an array of item ids');
  const mask = new Uint8Array(model.items.size);
  for (const id of ids) {
    const i = model.items.index(id);
    if (i === undefined) throw new AlsError('UNKNOWN_ITEM', `Unknown item ${JSON.stringify(id)}: not in the training data.`, { item: id });
    mask[i] = 1;
  }
  return mask;
}

/**
 * Evaluates a model on held-out data: ranking metrics at `k` for every model (its `recommend`
 * scores, training items excluded from each user's ranking; a held-out pair is relevant when
 * its value is ≥ `relevant`, by default every rating of a rating model and every interaction
 * of an implicit one), and RMSE/MAE for rating (explicit) models. Runs in one synchronous
 * step: in a worker or a page use {@link evaluateModelAsync}, which yields.
 * @param model - the trained model (or any {@link Scorer})
 * @param test - held-out interactions (ids as in the training data)
 * @param opts - `k` (default 10), `relevant`, `ranking` …
 * @example
 * evaluateModel(model, test, { k: 10, relevant: 4 }) // { rmse, mae, count, ndcg, precision, …, users, unknown, relevant: 4 }
 */
export function evaluateModel(model: Scorer, test: Interactions, opts: EvaluateOptions = {}): RatingEvaluation | RankingEvaluation {
  const run = startEvaluation(model, test, opts);
  for (let t = 0; t < run.count; t++) run.add(t);
  return run.result();
}

/**
 * {@link evaluateModel} in chunks of users that yield to the event loop about every 25 ms, so
 * a worker keeps answering (liveness pings, cancel) and progress gets through; the result is
 * the same bits as {@link evaluateModel}.
 * @throws AbortError when `signal` fires (checked between chunks)
 */
export async function evaluateModelAsync(model: Scorer, test: Interactions, opts: EvaluateOptions = {}): Promise<RatingEvaluation | RankingEvaluation> {
  throwIfAborted(opts.signal);
  return runInSlices(startEvaluation(model, test, opts), opts);
}

/**
 * {@link evaluateModelAsync} of a test set already aligned to the scorer's rows (validation
 * aligns once and scores every iteration).
 */
export async function evaluateAligned(model: Scorer, aligned: AlignedTest, opts: EvaluateOptions = {}): Promise<RatingEvaluation | RankingEvaluation> {
  throwIfAborted(opts.signal);
  return runInSlices(scoreAligned(model, aligned, checkEvaluateOptions(opts)), opts);
}

/** Runs an evaluation user by user, yielding about every {@link YIELD_MS} with progress; the same bits as one synchronous pass. */
async function runInSlices(run: EvaluationRun, opts: EvaluateOptions): Promise<RatingEvaluation | RankingEvaluation> {
  const { signal, onProgress } = opts;
  let last = now();
  for (let t = 0; t < run.count; t++) {
    run.add(t);
    // Reading the clock every 16 rows keeps its cost out of the loop.
    if ((t & 15) === 15 && now() - last >= YIELD_MS) {
      onProgress?.({ stage: 'evaluate', usersDone: t + 1, usersTotal: run.count });
      await nextMacrotask();
      throwIfAborted(signal);
      last = now();
    }
  }
  onProgress?.({ stage: 'evaluate', usersDone: run.count, usersTotal: run.count });
  return run.result();
}

/** Longest stretch of evaluation between two yields. */
const YIELD_MS = 25;
