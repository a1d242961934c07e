import { csrFromTriplets } from '../data/csr.js';
import type { Csr, Id, IdMap, Interactions } from '../data/types.js';
import type { AlsModel } from '../als/model.js';
import { nextMacrotask, now } from '../util/yield.js';
import { AlsError, badOption, checkOptions, throwIfAborted } from '../errors.js';
import type { RankingMetrics, RatingMetrics } from './metrics.js';
import { RankingAccumulator } from './ranking.js';
import { RatingAccumulator } from './rating.js';

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

/** What scoring needs of a model: its ids, feedback, training pairs and scores by row. `AlsModel` is one. */
export interface Scorer {
  /** User ids ↔ rows. */
  users: IdMap;
  /** Item ids ↔ rows. */
  items: IdMap;
  /** Its feedback (in `options`, as on a model). */
  options: { feedback: 'explicit' | 'implicit' };
  /** Training interactions by user row (excluded from rankings). */
  seen: Csr;
  /** Predicted score of user row `u` for item row `i`. */
  predictIndex(u: number, i: number): number;
  /** Scores of every item for user row `u`, into `out`. */
  scoreUser(u: number, out: Float64Array): unknown;
  /** Blocks of users through the WASM top-k kernel (a model has it; training's factor views score user by user). */
  topKRows?: AlsModel['topKRows'];
}

/** Held-out interactions in a scorer's rows, aligned once (see {@link alignToModel}). */
export interface AlignedTest {
  /** The test matrix: users × items of the model, repeated pairs merged. */
  matrix: Csr;
  /** Test rows left out because their user or item is not in the model. */
  unknown: number;
}

/**
 * Maps held-out interactions into the model's index space.
 * @returns the test matrix (users × items of the model, duplicates summed) and how many rows were unknown
 */
export function alignToModel(model: Pick<Scorer, 'users' | 'items' | 'options'>, test: Interactions): AlignedTest {
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
  /** Implicit: compute only the @k metrics (AUC and MPR are then NaN) — about half the cost per user, for validation and tuning on an @k metric. Default false. */
  atKOnly?: boolean;
  /** Implicit: rank only these items for every user (cold-start protocols: the held-out items); unknown ids are `UNKNOWN_ITEM`. Default every item. */
  candidates?: Id[];
}

/** One evaluation, user row by user row. */
interface EvaluationRun {
  count: number;
  add(t: number): void;
  result(): RatingEvaluation | RankingEvaluation;
}

/** Every option of {@link EvaluateOptions} (typed: a new option fails to compile until listed): `{ K: 5 }` is refused, not ignored. */
const EVALUATE_OPTION_NAMES = Object.keys({ k: 1, onProgress: 1, signal: 1, atKOnly: 1, candidates: 1 } satisfies Record<keyof EvaluateOptions, 1>);

function startEvaluation(model: Scorer, test: Interactions, opts: EvaluateOptions): EvaluationRun {
  const k = checkEvaluateOptions(opts);
  checkHasRatings(test, model.options.feedback, 'test');
  return scoreAligned(model, alignToModel(model, test), k, opts.atKOnly === true, opts.candidates);
}

/** Checks {@link EvaluateOptions}; returns k. */
function checkEvaluateOptions(opts: EvaluateOptions): number {
  checkOptions(opts, EVALUATE_OPTION_NAMES);
  const k = opts.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw badOption('k', k, 'an integer ≥ 1');
  return k;
}

/** An evaluation of a scorer on a test set already in its rows. */
function scoreAligned(model: Scorer, aligned: AlignedTest, k: number, atKOnly: boolean, candidates?: Id[]): EvaluationRun {
  const { matrix, unknown } = aligned;
  if (model.options.feedback === 'explicit') {
    const acc = new RatingAccumulator((uu, ii) => model.predictIndex(uu, ii), matrix);
    return { count: acc.count, add: (t) => acc.add(t), result: () => ({ ...acc.result(), unknown }) };
  }
  const acc = new RankingAccumulator({
    score: (uu, out) => {
      model.scoreUser(uu, out);
    },
    // Blocks of users through the WASM top-k kernel: the same scores and order as score + topK.
    scoreBlock: model.topKRows && ((rows, kk, withScores) => model.topKRows!(rows, kk, { exclude: model.seen, withScores })),
    numItems: model.items.size,
    train: model.seen,
    test: matrix,
    k,
    atKOnly,
    candidates: candidates && candidateMask(model, candidates),
  });
  return { count: acc.count, add: (t) => acc.add(t), result: () => ({ ...acc.result(), unknown }) };
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
 * Evaluates a model on held-out data: RMSE/MAE for explicit models, ranking metrics at `k`
 * (training items excluded from each user's ranking) for implicit ones. Runs in one
 * synchronous step: in a worker or a page use {@link evaluateModelAsync}, which yields.
 * @param model - the trained model (or any {@link Scorer})
 * @param test - held-out interactions (ids as in the training data)
 * @param opts - `k` (default 10)
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
  return runInSlices(scoreAligned(model, aligned, checkEvaluateOptions(opts), opts.atKOnly === true, opts.candidates), opts);
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
