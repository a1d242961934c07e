/**
 * Similar items and similar users: the rows of one side of the model nearest to a row by cosine
 * similarity of their factors (recommend/similar.ts), with the call's checks and ids.
 * see: benfred/implicit `similar_items` / `similar_users`
 */
import type { Id, IdMap } from '../data/types.js';
import { similarItems } from '../recommend/similar.js';
import type { ScoredItem, SimilarItemsOptions } from './model-types.js';
import { idFilter } from './ranked-ids.js';
import { checkIdFilter, checkK, SIMILAR_OPTION_NAMES } from './serving-options.js';

/** One side of a model (items or users) for {@link mostSimilar}. */
export interface FactorSide {
  /** The side's factors, rows × f, row-major. */
  factors: Float64Array;
  /** Latent factors f. */
  f: number;
  /** The side's ids ↔ rows. */
  ids: IdMap;
  /** Row of a known id; throws `UNKNOWN_ITEM` / `UNKNOWN_USER`. */
  index: (id: Id) => number;
  /** The rows' norms (computed on first use and kept by the model). */
  norms: () => Float64Array;
}

/**
 * The k rows of `side` most similar to the row of `id` (itself left out), as scored ids.
 * @throws AlsError `UNKNOWN_ITEM` / `UNKNOWN_USER` (the id, or a candidate), `BAD_OPTION`
 */
export function mostSimilar(side: FactorSide, id: Id, k: number, opts: SimilarItemsOptions): ScoredItem[] {
  checkK(k);
  checkIdFilter(opts, SIMILAR_OPTION_NAMES);
  const row = side.index(id);
  const n = side.ids.size;
  const norms = side.norms();
  const r = similarItems(side.factors, n, side.f, row, k, norms, idFilter(opts, side.ids, side.index));
  return Array.from(r.indices, (j, t) => ({ id: side.ids.id(j), score: r.scores[t] }));
}
