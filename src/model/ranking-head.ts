/**
 * A rating model's ranking head: an implicit model trained on the same pairs, which answers the
 * top-N calls while the rating model predicts ratings. Ranking by predicted rating puts items
 * that two people rated 5 above everything (Cremonesi, Koren & Turrin 2010); a model of what
 * people choose to rate ranks like an implicit one (BENCHMARKS.md, "Top-N from ratings").
 * Here: the checks that bind the two heads, and the calls that must change both.
 */
import type { InteractionRecord, Interactions } from '../data/types.js';
import { AlsError } from '../errors.js';
import type { Explanation, HistoryEntry, ModelParts } from './model-types.js';
import { updateModel, type UpdatableModel, type UpdateOptions, type UpdateResult } from './update.js';

/**
 * Refuses a ranking head that does not describe the same users, items and pairs as its rating
 * model (the head answers for the rating model's ids, so a mismatch would answer for others).
 * @throws AlsError `BAD_MODEL_FILE`
 */
export function checkRankingHead(rating: ModelParts, head: ModelParts): void {
  const same = (a: { size: number; id(i: number): unknown }, b: { size: number; id(i: number): unknown }) => {
    if (a.size !== b.size) return false;
    for (let i = 0; i < a.size; i++) if (a.id(i) !== b.id(i)) return false;
    return true;
  };
  const problem =
    rating.options.feedback !== 'explicit' ? 'only a rating (explicit) model has a ranking head'
    : head.options.feedback !== 'implicit' ? 'the ranking head is not an implicit model'
    : head.ranking ? 'the ranking head has a ranking head of its own'
    : !same(rating.users, head.users) || !same(rating.items, head.items) ? 'the ranking head has other users or items than the rating model'
    : head.seen.indices.length !== rating.seen.indices.length ? 'the ranking head was trained on other pairs than the rating model'
    : undefined;
  if (problem) throw new AlsError('BAD_MODEL_FILE', `The model's two factor sets do not belong together: ${problem}.`, { reason: 'ranking-head' });
  if (head.dislikeBelow !== undefined && !Number.isFinite(head.dislikeBelow)) throw new AlsError('BAD_MODEL_FILE', `The ranking head's dislike threshold is not a number (${head.dislikeBelow}).`, { reason: 'ranking-head' });
}

/** A rating as the head reads it: rating − `dislikeBelow` (a value that is not a number is left for the head's checks to refuse). */
function headValue(head: { dislikeBelow?: number }, value: unknown): unknown {
  return head.dislikeBelow !== undefined && typeof value === 'number' ? value - head.dislikeBelow : value;
}

/** A history of ratings as the head folds it in (an entry without a value stays a plain "liked"). */
export function headHistory(head: { dislikeBelow?: number }, history: HistoryEntry[]): HistoryEntry[] {
  if (head.dislikeBelow === undefined || !Array.isArray(history)) return history;
  return history.map((e) => (e !== null && typeof e === 'object' && e.value !== undefined ? { ...e, value: headValue(head, e.value) as number } : e));
}

/** Interactions (or records) of ratings as the head learns from them. */
export function headRows<T extends Interactions | InteractionRecord[]>(dislikeBelow: number | undefined, rows: T): T {
  if (dislikeBelow === undefined) return rows;
  if (Array.isArray(rows)) return rows.map((r) => (r !== null && typeof r === 'object' && r.value !== undefined ? { ...r, value: headValue({ dislikeBelow }, r.value) } : r)) as T;
  const data = rows as Interactions;
  // Anything else is left for the option checks to refuse with their own message.
  if (typeof data !== 'object' || data === null || !(data.value instanceof Float64Array)) return rows;
  return { ...data, value: shifted(data.value, dislikeBelow) } as T;
}

/** The rating model's stored pairs as the head holds them (a model file keeps the pairs once). */
export function headSeen<S extends { values: Float64Array }>(dislikeBelow: number | undefined, seen: S): S {
  return dislikeBelow === undefined ? seen : { ...seen, values: shifted(seen.values, dislikeBelow) };
}

/** A copy of `values`, each less `by`. */
function shifted(values: Float64Array, by: number): Float64Array {
  return Float64Array.from(values, (v) => v - by);
}

/** What `update` needs of a two-head model: the rating model as an updatable one, and a way to join two updated heads. */
export interface TwoHeadModel<M> extends UpdatableModel<M> {
  /** This model's parts with its ranking head's. */
  readonly parts: ModelParts;
}

/**
 * Updates both heads with the same interactions (each re-solves the rows they touch, as a
 * one-head model would) and joins them: the ratings and the ranking stay about the same pairs.
 * @returns the joined model; the report of the rating head, with the ranking head's as `ranking`
 */
export async function updateBothHeads<M extends { parts: ModelParts }>(
  model: TwoHeadModel<M>,
  head: UpdatableModel<M> & { parts: ModelParts; dislikeBelow?: number },
  data: Interactions | InteractionRecord[],
  options: UpdateOptions,
): Promise<UpdateResult<M>> {
  // The rating model alone (no head): update re-creates it through withParts, which keeps no head.
  const ratingOnly: UpdatableModel<M> = {
    interactionsStored: model.interactionsStored,
    options: model.options,
    users: model.users,
    items: model.items,
    params: model.params,
    seen: model.seen,
    report: model.report,
    kernels: model.kernels,
    features: model.features,
    labels: model.labels,
    withParts: (parts) => model.withParts({ ...parts, ranking: undefined }),
  };
  // Records are consumed once by a parser: both heads must see the same parsed rows.
  const rows = Array.isArray(data) ? data.slice() : data;
  const rating = await updateModel(ratingOnly, rows, options);
  const ranking = await updateModel(head, headRows(head.dislikeBelow, rows), { ...options, onProgress: undefined });
  const joined = await model.withParts({ ...rating.model.parts, ranking: ranking.model.parts });
  return { ...rating, model: joined };
}

/**
 * An explanation whose `score` is the score of the ranked list it explains (the trained x_u):
 * the contributions add up to a fresh solve's score, and the baseline takes the difference.
 */
export function withListScore(explanation: Explanation, listScore: number): Explanation {
  const drift = listScore - explanation.score;
  return { ...explanation, score: listScore, baseline: explanation.baseline + drift };
}
