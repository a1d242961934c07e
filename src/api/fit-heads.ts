/**
 * Training on ratings with a ranking head (`ranking: 'implicit'`, the default for rating data):
 * the rating model as asked for, then an implicit model on the same pairs for top-N, joined into
 * one model (see model/ranking-head.ts for why and how they serve).
 */
import type { Interactions } from '../data/types.js';
import { badOption } from '../errors.js';
import { AlsModel } from '../model/model.js';
import { headRows } from '../model/ranking-head.js';
import { dislikeThreshold } from '../data/value-kind.js';
import type { FitOptions, TrainResult } from '../select/fit-types.js';
import { TUNE_DEFAULT_BUDGET_SECONDS, type TuneOptions } from '../select/tune.js';
import { isRankingMetric } from '../select/evaluate.js';

/** How a rating model ranks items for top-N. */
export type RankingMode = 'implicit' | 'rating';

/**
 * The ranking a run builds: `'implicit'` (a ranking head) for rating data unless the caller asks
 * for `'rating'`; implicit models rank by their own scores, so the option does not apply there.
 * @throws AlsError `BAD_OPTION`
 */
export function resolveRanking(given: unknown, feedback: 'explicit' | 'implicit'): RankingMode {
  if (given !== undefined && given !== 'implicit' && given !== 'rating') throw badOption('ranking', given, '"implicit" or "rating"');
  if (feedback === 'implicit') {
    if (given !== undefined) throw badOption('ranking', given, 'omitted with implicit feedback (it chooses how a rating model ranks; an implicit model ranks by its own scores)');
    return 'rating';
  }
  return given ?? 'implicit';
}

/** The options the rating model shares with the ranking head: size, length, seed, threads, side information (duplicates follow the rating model's resolved policy). */
const SHARED = ['factors', 'iterations', 'tolerance', 'seed', 'restarts', 'workers', 'kernels', 'itemFeatures', 'userFeatures', 'featureWeight', 'signal', 'onProgress'] as const;

/**
 * Trains the rating model and its ranking head on `data` and joins them.
 * @param trainOne - `train` for one head (same hooks)
 * @returns the model (ratings from the rating model, top-N from the head); the report of the
 *   rating run with the head's as `ranking`
 */
export async function trainWithRankingHead(data: Interactions, options: FitOptions, trainOne: (d: Interactions, o: FitOptions) => Promise<TrainResult>): Promise<TrainResult> {
  // A malformed onProgress is refused by the rating run's option check, as without a head.
  const emit = typeof options.onProgress === 'function' ? options.onProgress : () => {};
  // A ranking metric (validation or tune) is the head's to watch; the rating model keeps RMSE. A rating metric is the rating model's; the head watches NDCG@10.
  const validationRanks = isRankingMetric(options.validation?.metric ?? 'rmse');
  const tuneSpec: TuneOptions | undefined = options.tune === undefined || options.tune === false ? undefined : options.tune === true ? {} : options.tune;
  const tuneRanks = tuneSpec !== undefined && isRankingMetric(tuneSpec.metric ?? 'rmse');
  emit({ stage: 'head', head: 'rating' });
  const rating = await trainOne(data, {
    ...options,
    ranking: 'rating',
    validation: options.validation && (validationRanks ? { ...withoutRelevant(options.validation), metric: 'rmse' } : options.validation),
    tune: tuneSpec && halfBudget(tuneRanks ? { ...withoutRelevant(tuneSpec), metric: 'rmse' } : tuneSpec),
  });
  const head: FitOptions = { feedback: 'implicit', duplicates: rating.model.options.duplicates };
  for (const key of SHARED) if (options[key] !== undefined) (head as Record<string, unknown>)[key] = options[key];
  // Low ratings are dislikes for the head (rating − threshold; 1–5 stars: 1 and 2 push their kind
  // away). Summed repeats would not shift as their sum does: then every rating counts as interest.
  const dislikeBelow = head.duplicates === 'sum' ? undefined : dislikeThreshold(data.value, data.length);
  // A relevance threshold is a rating: the head's held-out values (and it) are shifted as its training values.
  const onHeadScale = <T extends { relevant?: number }>(o: T): T => (o.relevant === undefined || dislikeBelow === undefined ? o : { ...o, relevant: o.relevant - dislikeBelow });
  const validation = options.validation && { ...options.validation, data: headRows(dislikeBelow, options.validation.data) };
  if (validation) head.validation = validationRanks ? onHeadScale(validation) : { ...withoutRelevant(validation), metric: 'ndcg' };
  if (tuneSpec) head.tune = halfBudget(tuneRanks ? onHeadScale(tuneSpec) : withoutMetric(tuneSpec));
  if (options.warmStart?.ranking) head.warmStart = options.warmStart.ranking;
  emit({ stage: 'head', head: 'ranking' });
  const ranking = await trainOne(headRows(dislikeBelow, data), head);
  // Joined on the two trained models' memories: each new WebAssembly memory reserves ~10 GiB of address space.
  const model = AlsModel.joinHeads(rating.model, ranking.model, dislikeBelow);
  // The report of the rating run; what was asked for on a ranking metric is the head's.
  const report = { ...rating.report, ranking: ranking.report };
  if (validationRanks && ranking.report.validation) report.validation = ranking.report.validation;
  // Said in the caller's ratings, not the head's shifted ones.
  if (tuneRanks && ranking.report.tuned) report.tuned = { ...ranking.report.tuned, ...(tuneSpec!.relevant !== undefined ? { relevant: tuneSpec!.relevant } : {}) };
  return { model, report };
}

/** A rating search's options for the head: its own default metric (NDCG@10), no threshold. */
function withoutMetric(spec: TuneOptions): TuneOptions {
  const { metric: _m, relevant: _r, ...rest } = spec;
  return rest;
}

/** Options without a relevance threshold (it means something to ranking metrics only). */
function withoutRelevant<T extends { relevant?: number }>(o: T): Omit<T, 'relevant'> {
  const { relevant: _r, ...rest } = o;
  return rest;
}

/** Tuning of one head: half of the caller's budget (both heads search within the time asked for). */
function halfBudget(spec: TuneOptions): TuneOptions {
  return { ...spec, budgetSeconds: (spec.budgetSeconds ?? TUNE_DEFAULT_BUDGET_SECONDS) / 2 };
}
