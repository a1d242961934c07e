/**
 * The trained model users hold: recommendations, fold-in, similar items and users, popularity, explain, update. Parts, ids
 * and scoring: scoring-model.ts; the calls delegate to fold-in, batch-serving, similar-rows, ranked-ids and popularity.
 */
import type { Csr, Id, InteractionRecord, Interactions } from '../data/types.js';
import type { KernelVariant } from '../wasm/abi.js';
import { loadKernels, type KernelRuntime } from '../wasm/kernels.js';
import { transpose } from '../data/csr.js';
import { rowNorms } from '../recommend/similar.js';
import { updateModel, type UpdateOptions, type UpdateResult } from './update.js';
import { explainScore } from './explain.js';
import { explainByFeatures } from './feature-explain.js';
import { checkModelParts, ScoringModel } from './scoring-model.js';
import { mergeHistory, solveHistory } from './fold-in.js';
import { recommendManyUsers, topUsersForItem } from './batch-serving.js';
import { rankItems } from './ranked-ids.js';
import { checkRankingHead, headHistory, updateBothHeads, withListScore } from './ranking-head.js';
import { mostSimilar } from './similar-rows.js';
import { noPopularityData, popularityCounts } from './popularity.js';
import { checkIdFilter, checkK, checkRecommendOptions, POPULAR_OPTION_NAMES } from './serving-options.js';

export type { ScoredItem, HistoryRecommendations, RecommendOptions, RecommendManyOptions, UserRecommendations, SimilarItemsOptions, UsersForItemOptions, PopularOptions, HistoryEntry, FoldInResult, Contribution, Explanation, ModelParts } from './model-types.js';
import type { ScoredItem, HistoryRecommendations, RecommendOptions, RecommendManyOptions, UserRecommendations, SimilarItemsOptions, UsersForItemOptions, PopularOptions, HistoryEntry, FoldInResult, Explanation, ModelParts } from './model-types.js';

/**
 * A trained model: scores, recommendations, similar items and fold-in of new users. Scoring
 * and fold-in run in WASM kernels on a memory of the model's own, holding Y (and YᵀY).
 */
export class AlsModel extends ScoringModel {
  /** Training users per item (the transpose of `seen`), for usersForItem's filterSeen. */
  private seenByItem?: Csr;
  /** Norms of the user factor rows, for similarUsers (computed on first use). */
  private userNorms?: Float64Array;
  /** Norms of the item factor rows, for similarItems (computed on first use). */
  private norms?: Float64Array;
  /** Training users per item, for the popularity fallback of fold-in (computed on first use). */
  private popularity?: Float64Array;
  /** A ranking head counts popularity as its rating model does (every rater: a rating of 0 is a rating). */
  private popularityOf?: AlsModel;

  /** A rating model's ranking head (`ranking: 'implicit'`, the default): an implicit model of the same pairs that answers every top-N call while this one predicts ratings. */
  readonly ranking?: AlsModel;

  private constructor(parts: ModelParts, rt: KernelRuntime, ranking?: AlsModel) {
    super(parts, rt);
    this.ranking = ranking;
    if (ranking) ranking.popularityOf = this;
  }

  /**
   * Builds a model and its serving memory.
   * @param parts - options, ids, factors and training interactions
   * @param kernels - kernel build to serve with (default: the best available)
   * @param runtime - serve from this kernel runtime (from its arena's mark) instead of a fresh memory (short-lived models)
   */
  static async create(parts: ModelParts, kernels: KernelVariant | 'auto' = 'auto', runtime?: KernelRuntime): Promise<AlsModel> {
    checkModelParts(parts);
    if (parts.ranking) checkRankingHead(parts, parts.ranking);
    const rt = runtime ?? (await loadKernels({ variant: kernels }));
    const ranking = parts.ranking && (await AlsModel.create(parts.ranking, kernels));
    return new AlsModel(parts, rt, ranking);
  }

  /** `rating` with `head` as its ranking head (rating below `dislikeBelow`: a dislike), serving from both models' memories: no new ones. */
  static joinHeads(rating: AlsModel, head: AlsModel, dislikeBelow?: number): AlsModel {
    const headParts = { ...head.parts, dislikeBelow };
    checkRankingHead(rating.parts, headParts);
    return new AlsModel({ ...rating.parts, ranking: headParts }, rating.rt, new AlsModel(headParts, head.rt));
  }

  /**
   * What the scores of its ranked lists are: `'ranking'` — relative match scores (an implicit
   * model, or a rating model's ranking head), higher is better, not ratings — or `'rating'`:
   * predicted ratings (a rating model trained with `ranking: 'rating'`).
   */
  get scoreKind(): 'ranking' | 'rating' {
    return this.options.feedback === 'explicit' && !this.ranking ? 'rating' : 'ranking';
  }

  /** Every item's score for user row u, as the lists rank them (a rating model with a head: the head's): what evaluation ranks by. */
  override scoreUser(u: number, out?: Float64Array): Float64Array {
    return this.ranking ? this.ranking.scoreUser(u, out) : super.scoreUser(u, out);
  }

  /** The top-k of many user rows as the lists rank them (the head's, when there is one): see ScoringModel.topKRows. */
  override topKRows(...args: Parameters<ScoringModel['topKRows']>): ReturnType<ScoringModel['topKRows']> {
    return this.ranking ? this.ranking.topKRows(...args) : super.topKRows(...args);
  }

  /** This model's parts (with the ranking head's, when it has one): what `saveModel`, `update` and `addItems` rebuild from. */
  get parts(): ModelParts {
    const { options, users, items, params: factors, seen, report, bm25, interactionsStored, features, ratingScale, dislikeBelow, labels } = this;
    return { options, users, items, factors, seen, report, bm25, interactionsStored, features, ratingScale, dislikeBelow, labels, ranking: this.ranking?.parts };
  }

  /**
   * Adds interactions and re-solves only the rows they touch (see {@link updateModel}): new
   * users and items get rows; this model is left unchanged.
   * @param data - parsed interactions, or records `{ user, item, value?, event? }`
   * @param options - `users` / `items`: `'solve'` (default) or `'keep'`; `onProgress`, `signal`
   * @returns the updated model and a report
   * @throws AlsError `NO_INTERACTIONS` (imported factors), `BAD_OPTION`, `EMPTY_DATA`, `NOT_POSITIVE_DEFINITE`, `NON_FINITE`
   * @example
   * const { model: next, report } = await model.update([{ user: 'ann', item: 'tea', value: 4 }]);
   */
  update(data: Interactions | InteractionRecord[], options: UpdateOptions = {}): Promise<UpdateResult<AlsModel>> {
    return this.ranking ? updateBothHeads(this, this.ranking, data, options) : updateModel(this, data, options);
  }

  /** A model from new parts, served by this model's kernel build (what `update` makes its result with). */
  withParts(parts: ModelParts): Promise<AlsModel> {
    return AlsModel.create({ ...parts, ratingScale: parts.ratingScale ?? this.ratingScale, dislikeBelow: parts.dislikeBelow ?? this.dislikeBelow }, this.kernels);
  }

  /**
   * The top-k items for a known user.
   * @param opts - filtering of seen items, exclusions, candidate set
   * @returns items by descending score
   * @throws AlsError `UNKNOWN_USER`, `UNKNOWN_ITEM` (candidates), `BAD_OPTION` (k)
   */
  recommend(user: Id, k = 10, opts: RecommendOptions = {}): ScoredItem[] {
    if (this.ranking) return this.ranking.recommend(user, k, opts);
    checkK(k);
    checkRecommendOptions(opts);
    const u = this.userIndex(user);
    const f = this.factors;
    // Ranked in place in WASM memory: copying 100 000 scores out would cost more than ranking them.
    const scores = this.memory.scores(this.params.userFactors.subarray(u * f, (u + 1) * f), this.params.userBiases ? this.params.userBiases[u] : 0);
    const excluded = new Set<number>();
    if (opts.filterSeen ?? true) {
      for (let j = this.seen.indptr[u]; j < this.seen.indptr[u + 1]; j++) excluded.add(this.seen.indices[j]);
    }
    return rankItems(this, scores, k, excluded, opts);
  }

  /**
   * Fold-in: the factors of a user from their interactions with Y fixed — one f×f solve
   * (the same half-step equation as training), nothing stored, no retraining.
   * @param history - the user's interactions (repeated items are merged like in training)
   * @returns the factors, the bias, and the items that were not known
   */
  foldIn(history: Iterable<HistoryEntry>): FoldInResult {
    const { cols, vals, unknownItems } = mergeHistory(this, history);
    // Nothing known to fold in: the solution of the empty system is x = 0 (and b_u = 0); say so
    // with used = 0 rather than solve (with ALS-WR the empty system is singular).
    if (cols.length === 0) return { factors: new Float64Array(this.factors), bias: 0, unknownItems, used: 0 };
    return { ...solveHistory(this, this.memory, cols, vals), unknownItems, used: cols.length };
  }

  /**
   * Recommendations for a user who is not in the model, from their history, by fold-in.
   * Nothing is stored. Items of the history are left out unless `filterSeen` is false.
   * A history with no item the model knows (empty, or only unknown ids), or no liked one (implicit: only dislikes), has nothing
   * to fold in: the result is then the most popular items of the training data, marked
   * `fallback: 'popular'`. Unknown items are listed in `unknownItems` either way.
   * @returns the items by descending score, with `unknownItems` and `fallback`
   * @throws AlsError `EMPTY_DATA` when a popularity fallback is needed but the model has no
   *   training interactions (imported factors); `BAD_OPTION`; `UNKNOWN_ITEM` (candidates)
   * @example
   * const top = model.recommendForHistory([{ item: '242', value: 3 }], 10);
   * top.fallback;      // null: folded in ('popular' when no history item is known or liked)
   * top.unknownItems;  // []
   */
  recommendForHistory(history: HistoryEntry[], k = 10, opts: RecommendOptions = {}): HistoryRecommendations {
    if (this.ranking) return this.ranking.recommendForHistory(headHistory(this.ranking, history), k, opts);
    checkK(k);
    checkRecommendOptions(opts);
    const { cols, vals, unknownItems } = mergeHistory(this, history);
    const excluded = new Set<number>(opts.filterSeen ?? true ? cols : []);
    if (cols.length === 0 || (this.options.feedback === 'implicit' && !vals.some((v) => v > 0))) {
      const popular = rankItems(this, this.popularityScores(unknownItems), k, excluded, opts);
      return Object.assign(popular, { unknownItems, fallback: 'popular' as const });
    }
    const fold = solveHistory(this, this.memory, cols, vals);
    const ranked = rankItems(this, this.memory.scores(fold.factors, fold.bias), k, excluded, opts);
    return Object.assign(ranked, { unknownItems, fallback: null });
  }

  /** The top-k items for given user factors (and bias); `excludeRows`: item rows to leave out (besides `opts.exclude`). */
  recommendForFactors(x: Float64Array, bias: number, k = 10, opts: RecommendOptions = {}, excludeRows: Iterable<number> = []): ScoredItem[] {
    checkK(k);
    checkRecommendOptions(opts);
    return rankItems(this, this.memory.scores(x, bias), k, new Set(excludeRows), opts);
  }

  /**
   * Per item, how many training users interacted with it (implicit: with a positive value),
   * from the training interactions the model keeps (and its file stores), computed once.
   * @throws AlsError `EMPTY_DATA` when the model has none (imported factors)
   */
  private popularityScores(unknownItems: Id[]): Float64Array {
    this.popularity ??= popularityCounts(this.popularityOf ?? this);
    if (this.seen.indices.length === 0) throw noPopularityData(unknownItems);
    return this.popularity;
  }

  /**
   * Items most similar to `item` by cosine similarity of item factors (the item itself left out).
   * @param item - a known item
   * @param k - how many (default 10)
   * @param opts - `exclude` (item ids to leave out), `candidates` (rank only these)
   * @returns items by descending similarity in [−1, 1] (ties: the earlier item first)
   * @throws AlsError `UNKNOWN_ITEM` (the item, or a candidate), `BAD_OPTION`
   * @example
   * model.similarItems('242', 5, { exclude: ['302'] }) // → [{ id: '1', score: 0.81 }, …]
   */
  similarItems(item: Id, k = 10, opts: SimilarItemsOptions = {}): ScoredItem[] {
    if (this.ranking) return this.ranking.similarItems(item, k, opts);
    const norms = () => (this.norms ??= rowNorms(this.params.itemFactors, this.items.size, this.factors));
    return mostSimilar({ factors: this.params.itemFactors, f: this.factors, ids: this.items, index: (id) => this.itemIndex(id), norms }, item, k, opts);
  }

  /**
   * Users most similar to `user` by cosine similarity of user factors (the user left out):
   * "people with the same taste". Zero-norm rows have similarity 0, as in {@link AlsModel.similarItems}.
   * @param opts - `exclude` (user ids to leave out), `candidates` (rank only these)
   * @returns users by descending similarity in [−1, 1] (ties: the earlier user first)
   * @throws AlsError `UNKNOWN_USER` (the user, or a candidate), `BAD_OPTION`
   */
  similarUsers(user: Id, k = 10, opts: SimilarItemsOptions = {}): ScoredItem[] {
    if (this.ranking) return this.ranking.similarUsers(user, k, opts);
    const norms = () => (this.userNorms ??= rowNorms(this.params.userFactors, this.users.size, this.factors));
    return mostSimilar({ factors: this.params.userFactors, f: this.factors, ids: this.users, index: (id) => this.userIndex(id), norms }, user, k, opts);
  }

  /**
   * Top-k for many known users in one call: blocks of users are scored against every item in
   * WASM (a blocked Q·Yᵀ kernel that keeps each user's k best in a heap as it goes), so the
   * cost is about that of the multiply-adds, not of one call per user. Each user's list is
   * what {@link AlsModel.recommend} returns for them with the same options (same scores, same
   * ties: the lower item row first).
   * @param users - user ids (repeats are answered again)
   * @param k - how many per user (default 10)
   * @param opts - as {@link AlsModel.recommend} (`filterSeen`, `exclude`, `candidates`, for
   *   every user), and `unknownUsers`: `'error'` (default) or `'popular'`
   * @returns one entry per user, in the order given
   * @throws AlsError `UNKNOWN_USER` (with `unknownUsers: 'error'`), `UNKNOWN_ITEM` (candidates),
   *   `BAD_OPTION`, `EMPTY_DATA` (a popularity fallback on a model without training interactions)
   * @example
   * model.recommendMany(['196', '186'], 10, { exclude: ['242'] })
   * // → [{ user: '196', items: [{ id, score }…], fallback: null }, …]
   */
  recommendMany(users: Id[], k = 10, opts: RecommendManyOptions = {}): UserRecommendations[] {
    if (this.ranking) return this.ranking.recommendMany(users, k, opts);
    return recommendManyUsers(this, users, k, opts, (n, popularOpts) => this.popular(n, popularOpts));
  }

  /**
   * The users most likely to want `item`: the top-k of its column of X·Yᵀ (plus biases), by
   * the same kernel as {@link AlsModel.recommendMany} with the roles of users and items swapped.
   * Users who interacted with the item in training are left out unless `filterSeen` is false.
   * The first call copies the user factors into the kernels' memory (users × f × 8 bytes, kept
   * with the model).
   * @param item - a known item
   * @param opts - `filterSeen`, `exclude` / `candidates` (user ids)
   * @returns users by descending score (the predicted preference or rating, as {@link AlsModel.predict}
   *   up to rounding); fewer than k when fewer users qualify
   * @throws AlsError `UNKNOWN_ITEM`, `UNKNOWN_USER` (candidates), `BAD_OPTION`
   */
  usersForItem(item: Id, k = 10, opts: UsersForItemOptions = {}): ScoredItem[] {
    if (this.ranking) return this.ranking.usersForItem(item, k, opts);
    return topUsersForItem(this, this.memory, item, k, opts, () => (this.seenByItem ??= transpose(this.seen)));
  }

  /**
   * The most popular items of the training data: by how many users interacted with them
   * (implicit: with a positive value), `score` being that count; ties by the earlier item.
   * The fallback for users the model cannot personalise.
   * @param opts - `exclude`, `candidates` (item ids)
   * @throws AlsError `EMPTY_DATA` when the model has no training interactions (imported factors)
   */
  popular(k = 10, opts: PopularOptions = {}): ScoredItem[] {
    checkK(k);
    checkIdFilter(opts, POPULAR_OPTION_NAMES);
    return rankItems(this, this.popularityScores([]), k, new Set(), opts);
  }

  /**
   * Explains the score of `item` for `user` as a sum over the user's history, after Hu, Koren
   * & Volinsky 2008 §5: with W = (YᵀC^uY + λI)⁻¹ the score is Σ_j c_uj·p_uj·y_iᵀW y_j, so each
   * history item j contributes c_uj·p_uj·y_iᵀW y_j (explicit: (r_uj − μ − b_j)·ỹ_iᵀW ỹ_j with
   * W = (Σ ỹ_j ỹ_jᵀ + λw I)⁻¹). `score` is the score of the user's ranked lists; the
   * contributions add up to a fresh solve's score, and `baseline` holds the rest (the biases,
   * and the small drift of x_u, solved against the previous sweep's Y). A model with a
   * ranking head explains the head's score, the one its lists show.
   * @param user - a known user
   * @param item - any known item
   * @param topN - how many contributions to list (default 10)
   * @see benfred/implicit `explain`
   */
  explain(user: Id, item: Id, topN = 10): Explanation {
    if (this.ranking) return this.ranking.explain(user, item, topN);
    checkK(topN);
    const u = this.userIndex(user);
    const target = this.itemIndex(item);
    const explanation = withListScore(explainScore({ rt: this.memory.rt, base: this.memory.base, gram: this.memory.Gp, model: this }, user, u, target, topN), this.scoreIndex(u, target));
    const byFeatures = explainByFeatures(this, u, target);
    return byFeatures ? { ...explanation, byFeatures } : explanation;
  }
}
