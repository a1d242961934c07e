/**
 * Between ids and rows for the serving calls: `exclude` / `candidates` ids as rows, a score
 * vector ranked into scored ids, and a query's entries of a top-k batch as scored ids.
 */
import type { Id, IdMap } from '../data/types.js';
import { topK } from '../recommend/top-k.js';
import { sortedDistinct, type TopKBatch } from '../recommend/batch.js';
import type { RecommendOptions, ScoredItem } from './model-types.js';
import type { ScoringModel } from './scoring-model.js';
import { checkRecommendOptions } from './serving-options.js';

/**
 * The top-k items of `scores` as scored ids, leaving out the item rows `excluded` (which this
 * extends with `opts.exclude`) and ranking only `opts.candidates` when given.
 * @throws AlsError `UNKNOWN_ITEM` (a candidate), `BAD_OPTION`
 */
export function rankItems(model: ScoringModel, scores: Float64Array, k: number, excluded: Set<number>, opts: RecommendOptions): ScoredItem[] {
  checkRecommendOptions(opts);
  for (const id of opts.exclude ?? []) {
    const i = model.items.index(id);
    if (i !== undefined) excluded.add(i);
  }
  const candidates = opts.candidates ? Int32Array.from(opts.candidates, (id) => model.itemIndex(id)) : undefined;
  // A sorted exclusion list is merged with the scan (O(n + e)); a Set lookup per item costs more.
  const r = topK(scores, k, Int32Array.from(excluded).sort(), candidates);
  return Array.from(r.indices, (i, t) => ({ id: model.items.id(i), score: r.scores[t] }));
}

/** Query q's entries of a batch as scored ids. */
export function scoredIds(r: TopKBatch, q: number, ids: IdMap): ScoredItem[] {
  const out: ScoredItem[] = new Array(r.counts[q]);
  for (let j = 0; j < r.counts[q]; j++) out[j] = { id: ids.id(r.indices[q * r.k + j]), score: r.scores[q * r.k + j] };
  return out;
}

/** Item rows of `exclude` (unknown ids ignored), ascending. */
export function excludedRows(exclude: Id[] | undefined, items: IdMap): Int32Array | undefined {
  if (!exclude) return undefined;
  return sortedDistinct(exclude.map((id) => items.index(id)).filter((i): i is number => i !== undefined));
}

/** `exclude` / `candidates` ids as ascending rows of `ids` (unknown excluded ids ignored; unknown candidates throw through `index`). */
export function idFilter(opts: { exclude?: Id[]; candidates?: Id[] }, ids: IdMap, index: (id: Id) => number): { exclude?: Int32Array; candidates?: Int32Array } | undefined {
  if (!opts.exclude && !opts.candidates) return undefined;
  return {
    exclude: opts.exclude ? sortedDistinct(opts.exclude.map((id) => ids.index(id)).filter((i): i is number => i !== undefined)) : undefined,
    candidates: opts.candidates ? sortedDistinct(opts.candidates.map(index)) : undefined,
  };
}
