import { AlsError, badOption, checkOptions } from '../errors.js';
import type { Csr, Id, IdMap, InteractionRecord, Interactions } from '../data/types.js';
import type { KernelVariant } from '../wasm/abi.js';
import { loadKernels, type KernelRuntime } from '../wasm/kernels.js';
import { transpose } from '../data/csr.js';
import { topK } from '../recommend/top-k.js';
import { rowNorms, similarItems } from '../recommend/similar.js';
import { sortedDistinct, topKBatch, type TargetRows, type TopKBatch } from '../recommend/batch.js';
import { toConfidence } from './confidence.js';
import { bm25Row, type Bm25Statistics } from './weighting.js';
import type { ResolvedTrainOptions } from './options.js';
import { updateModel, type UpdateOptions, type UpdateResult } from './update.js';
import type { Factors } from './factors.js';
import type { TrainReport } from './train.js';
import { MAX_VALUE_MAGNITUDE, MIN_VALUE_MAGNITUDE, underflowsF32 } from './values.js';
import { explainScore } from './explain.js';
import type { ModelFeatures } from '../features/types.js';
import { explainByFeatures } from '../features/explain.js';

export type { ScoredItem, HistoryRecommendations, RecommendOptions, RecommendManyOptions, UserRecommendations, SimilarItemsOptions, UsersForItemOptions, PopularOptions, HistoryEntry, FoldInResult, Contribution, Explanation, ModelParts } from './model-types.js';
import type { ScoredItem, HistoryRecommendations, RecommendOptions, RecommendManyOptions, UserRecommendations, SimilarItemsOptions, UsersForItemOptions, PopularOptions, HistoryEntry, FoldInResult, Contribution, Explanation, ModelParts } from './model-types.js';


/**
 * A trained model: scores, recommendations, similar items and fold-in of new users. Scoring
 * and fold-in run in WASM kernels on a memory of the model's own, holding Y (and YᵀY).
 */
export class AlsModel {
  /** Options the model was trained with. */
  readonly options: ResolvedTrainOptions;
  /** User ids ↔ rows of the user factors. */
  readonly users: IdMap;
  /** Item ids ↔ rows of the item factors. */
  readonly items: IdMap;
  /** Learned factors. */
  readonly params: Factors;
  /** Training interactions by user. */
  readonly seen: Csr;
  /** How training went, when trained here. */
  readonly report?: TrainReport;
  /** BM25 statistics of the training data (`weighting: 'bm25'` only). */
  readonly bm25?: Bm25Statistics;
  /** Whether {@link AlsModel.seen} holds all the training interactions (then {@link AlsModel.update} works). */
  readonly interactionsStored: boolean;
  /** Item and user features, when trained with them (see features/augment.ts). */
  readonly features?: ModelFeatures;

  private readonly rt: KernelRuntime;
  private readonly Yp: number;
  private readonly Gp: number;
  private readonly biP: number;
  private readonly xP: number;
  private readonly scoresP: number;
  /** The arena's mark above the model's own buffers: every call releases back to it. */
  private base: number;
  /** User factors (and biases) in the kernels' memory, for usersForItem (copied in on first use). */
  private userRowsInMemory?: TargetRows;
  /** Training users per item (the transpose of `seen`), for usersForItem's filterSeen. */
  private seenByItem?: Csr;
  private userNorms?: Float64Array;
  private norms?: Float64Array;
  /** Training users per item, for the popularity fallback of fold-in (computed on first use). */
  private popularity?: Float64Array;

  private constructor(parts: ModelParts, rt: KernelRuntime) {
    this.options = parts.options;
    this.users = parts.users;
    this.items = parts.items;
    this.params = parts.factors;
    this.seen = parts.seen;
    this.report = parts.report;
    this.bm25 = parts.bm25;
    this.interactionsStored = parts.interactionsStored ?? !!parts.report;
    this.features = parts.features;
    this.rt = rt;
    const { factors: f, itemFactors } = parts.factors;
    const n = this.items.size;
    this.Yp = rt.arena.putF64(itemFactors);
    this.Gp = rt.arena.alloc(8 * f * f);
    rt.exports.gramian(this.Yp, n, f, this.Gp);
    this.biP = parts.factors.itemBiases ? rt.arena.putF64(parts.factors.itemBiases) : 0;
    this.xP = rt.arena.alloc(8 * (f + 1));
    this.scoresP = rt.arena.alloc(8 * n);
    this.base = rt.arena.mark();
  }

  /**
   * Builds a model and its serving memory.
   * @param parts - options, ids, factors and training interactions
   * @param kernels - kernel build to serve with (default: the best available)
   * @param runtime - serve from this kernel runtime (its arena from its current mark) instead
   *   of a fresh memory; for short-lived models such as validation during training
   */
  static async create(parts: ModelParts, kernels: KernelVariant | 'auto' = 'auto', runtime?: KernelRuntime): Promise<AlsModel> {
    const f = parts.factors.factors;
    if (parts.factors.userFactors.length !== parts.users.size * f || parts.factors.itemFactors.length !== parts.items.size * f) {
      throw new AlsError('BAD_MODEL_FILE', 'Factor matrices do not match the number of users/items and factors.', {
        users: parts.users.size,
        items: parts.items.size,
        factors: f,
      });
    }
    // λ 'auto' is measured during training; a model needs the number (fold-in solves with it).
    if (!(Number.isFinite(parts.options.regularization) && parts.options.regularization >= 0)) {
      throw badOption('options.regularization', parts.options.regularization, 'a finite λ ≥ 0 (with "auto", use the λ training measured: report.regularization)');
    }
    if (parts.options.feedback === 'implicit' && parts.options.confidence === 'log' && !(Number.isFinite(parts.options.epsilon) && parts.options.epsilon > 0)) {
      throw badOption('options.epsilon', parts.options.epsilon, 'a finite ε > 0 (with "auto", use the ε training measured: report.confidence.epsilon)');
    }
    if (parts.options.feedback === 'implicit' && parts.options.weighting === 'bm25' && parts.bm25?.idf.length !== parts.items.size) {
      throw badOption('bm25', parts.bm25 ? `${parts.bm25.idf.length} idf values` : undefined, `the BM25 statistics of the training data, one idf per item (${parts.items.size}), for a model with weighting "bm25"`);
    }
    const rt = runtime ?? (await loadKernels({ variant: kernels }));
    return new AlsModel(parts, rt);
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
    return updateModel(this, data, options);
  }

  /** A model from new parts, served by this model's kernel build (what `update` makes its result with). */
  withParts(parts: ModelParts): Promise<AlsModel> {
    return AlsModel.create(parts, this.kernels);
  }

  /** Bytes of the WebAssembly memory this model scores in (reported by the engine's `info()`). */
  get memoryBytes(): number {
    return this.rt.memory.buffer.byteLength;
  }

  /** Number of latent factors. */
  get factors(): number {
    return this.params.factors;
  }

  /** Kernel build used for scoring and fold-in. */
  get kernels(): KernelVariant {
    return this.rt.variant;
  }

  /** Dense row of a user id; throws `UNKNOWN_USER`. */
  userIndex(user: Id): number {
    const u = this.users.index(user);
    if (u === undefined) throw new AlsError('UNKNOWN_USER', `Unknown user ${JSON.stringify(user)}: not in the training data. Use recommendForHistory to fold in a new user.`, { user });
    return u;
  }

  /** Dense row of an item id; throws `UNKNOWN_ITEM`. */
  itemIndex(item: Id): number {
    const i = this.items.index(item);
    if (i === undefined) throw new AlsError('UNKNOWN_ITEM', `Unknown item ${JSON.stringify(item)}: not in the training data.`, { item });
    return i;
  }

  /**
   * Predicted score of one (user, item) pair: μ + b_u + b_i + x_uᵀ y_i.
   * @throws AlsError `UNKNOWN_USER` / `UNKNOWN_ITEM`
   */
  predict(user: Id, item: Id): number {
    const u = this.userIndex(user);
    const i = this.itemIndex(item);
    return this.predictIndex(u, i);
  }

  /** {@link AlsModel.predict} on dense indices. */
  predictIndex(u: number, i: number): number {
    const { factors: f, userFactors: X, itemFactors: Y, userBiases, itemBiases, globalMean } = this.params;
    let s = globalMean + (userBiases ? userBiases[u] : 0) + (itemBiases ? itemBiases[i] : 0);
    for (let j = 0; j < f; j++) s += X[u * f + j] * Y[i * f + j];
    return s;
  }

  /**
   * Fills `out` with the scores of every item for the factors `x` (and bias `bu`), using the
   * kernels' Y·x. Returns `out`.
   */
  scoreVector(x: Float64Array, bu = 0, out: Float64Array = new Float64Array(this.items.size)): Float64Array {
    out.set(this.scoresInMemory(x, bu));
    return out;
  }

  /** Y·x (+ biases) as a view into the kernels' memory: valid until the next kernel call. */
  private scoresInMemory(x: Float64Array, bu: number): Float64Array {
    const n = this.items.size;
    this.rt.arena.f64(this.xP, this.factors).set(x.subarray(0, this.factors));
    this.rt.exports.scoreRows(this.Yp, n, this.factors, this.xP, this.scoresP);
    const scores = this.rt.arena.f64(this.scoresP, n);
    const { itemBiases, globalMean } = this.params;
    if (itemBiases) {
      const c = globalMean + bu;
      for (let i = 0; i < n; i++) scores[i] += c + itemBiases[i];
    }
    return scores;
  }

  /** Scores of every item for the user at dense row `u`. */
  scoreUser(u: number, out?: Float64Array): Float64Array {
    const f = this.factors;
    const x = this.params.userFactors.subarray(u * f, (u + 1) * f);
    return this.scoreVector(x, this.params.userBiases ? this.params.userBiases[u] : 0, out);
  }

  /**
   * The top-k items for a known user.
   * @param user - user id
   * @param k - how many (default 10)
   * @param opts - filtering of seen items, exclusions, candidate set
   * @returns items by descending score
   * @throws AlsError `UNKNOWN_USER`, `UNKNOWN_ITEM` (candidates), `BAD_OPTION` (k)
   * @example
   * model.recommend('196', 5) // → [{ id: '242', score: 0.93 }, …]
   */
  recommend(user: Id, k = 10, opts: RecommendOptions = {}): ScoredItem[] {
    checkK(k);
    checkRecommendOptions(opts);
    const u = this.userIndex(user);
    const f = this.factors;
    // Ranked in place in WASM memory: copying 100 000 scores out would cost more than ranking them.
    const scores = this.scoresInMemory(this.params.userFactors.subarray(u * f, (u + 1) * f), this.params.userBiases ? this.params.userBiases[u] : 0);
    const excluded = new Set<number>();
    if (opts.filterSeen ?? true) {
      for (let j = this.seen.indptr[u]; j < this.seen.indptr[u + 1]; j++) excluded.add(this.seen.indices[j]);
    }
    return this.rank(scores, k, excluded, opts);
  }

  /**
   * Fold-in: the factors of a user from their interactions with Y fixed — one f×f solve
   * (the same half-step equation as training), nothing stored, no retraining.
   * @param history - the user's interactions (repeated items are merged like in training)
   * @returns the factors, the bias, and the items that were not known
   */
  foldIn(history: Iterable<HistoryEntry>): FoldInResult {
    const { cols, vals, unknownItems } = this.mergeHistory(history);
    // Nothing known to fold in: the solution of the empty system is x = 0 (and b_u = 0); say so
    // with used = 0 rather than solve (with ALS-WR the empty system is singular).
    if (cols.length === 0) return { factors: new Float64Array(this.factors), bias: 0, unknownItems, used: 0 };
    return { ...this.solveHistory(cols, vals), unknownItems, used: cols.length };
  }

  /** Validates a fold-in history and merges repeated items like training does (sorted item rows and their values). */
  private mergeHistory(history: Iterable<HistoryEntry>): { cols: Int32Array; vals: Float64Array; unknownItems: Id[] } {
    const explicit = this.options.feedback === 'explicit';
    const merged = new Map<number, number>();
    const unknownItems: Id[] = [];
    let idx = 0;
    if (typeof history !== 'object' || history === null || typeof (history as Iterable<HistoryEntry>)[Symbol.iterator] !== 'function') {
      throw badOption('history', history, 'an array of { item, value? }');
    }
    for (const h of history) {
      if (typeof h !== 'object' || h === null) throw badOption(`history[${idx}]`, h, 'an object { item, value? }');
      checkOptions(h, HISTORY_ENTRY_NAMES, `history[${idx}]`);
      if (!((typeof h.item === 'string' && h.item !== '') || (typeof h.item === 'number' && Number.isFinite(h.item)))) {
        throw badOption(`history[${idx}].item`, h.item, 'a non-empty string or a finite number (an item id)');
      }
      const v = h.value ?? 1;
      if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > MAX_VALUE_MAGNITUDE) throw badOption(`history[${idx}].value`, v, `a finite number within ±${MAX_VALUE_MAGNITUDE}`);
      // Stored as f32 for the kernels (the rating, or the confidence it gives): a nonzero value that would become 0 is refused.
      if (underflowsF32(explicit ? v : toConfidence(Float64Array.of(v), this.options.confidence, this.options.alpha, this.options.epsilon)[0])) {
        throw badOption(`history[${idx}].value`, v, `0 or a magnitude of at least ${MIN_VALUE_MAGNITUDE} (values are stored as 32-bit floats, where ${v} would become 0)`);
      }
      idx++;
      const i = this.items.index(h.item);
      if (i === undefined) {
        unknownItems.push(h.item);
        continue;
      }
      const prev = merged.get(i);
      const policy = this.options.duplicates;
      merged.set(i, prev === undefined ? v : policy === 'sum' ? prev + v : policy === 'max' ? Math.max(prev, v) : v);
    }
    const cols = Int32Array.from([...merged.keys()].sort((a, b) => a - b));
    const vals = Float64Array.from(cols, (c) => merged.get(c)!);
    return { cols, vals, unknownItems };
  }

  /** λ of an implicit fold-in: λ, or λ·n₊ (at least λ) for imported Spark models (see `regularizationPerPositive`). */
  private implicitFoldInLambda(vals: Float64Array): number {
    if (!this.options.regularizationPerPositive) return this.options.regularization;
    return this.options.regularization * Math.max(1, vals.filter((v) => v > 0).length);
  }

  /** The one f×f fold-in solve for known item rows `cols` with values `vals`. */
  private solveHistory(cols: Int32Array, vals: Float64Array): { factors: Float64Array; bias: number } {
    const f = this.factors;
    const explicit = this.options.feedback === 'explicit';
    const { arena, exports: K } = this.rt;
    arena.release(this.base);
    const k = explicit && this.params.itemBiases ? f + 1 : f;
    const indptrP = arena.putI32([0, cols.length]);
    const indicesP = arena.putI32(cols);
    // A new user's counts are BM25-weighted with their own total and the training data's idf, as training weighted every row.
    const weighted = !explicit && this.bm25 && this.options.weighting === 'bm25' ? bm25Row(cols, vals, this.bm25) : vals;
    const valsP = arena.putF32(explicit ? vals : toConfidence(weighted, this.options.confidence, this.options.alpha, this.options.epsilon));
    const buP = arena.alloc(8);
    const scratch = arena.alloc(K.scratchBytes(k, Math.max(1, cols.length)));
    const status = explicit
      ? K.solveExplicitRows(this.xP, this.Yp, indptrP, indicesP, valsP, f, this.options.regularization, this.options.weightedRegularization ? 1 : 0, this.params.globalMean, this.biP, this.biP ? buP : 0, 0, 1, scratch)
      : K.solveImplicitRows(this.xP, this.Yp, this.Gp, indptrP, indicesP, valsP, f, this.implicitFoldInLambda(vals), 0, 1, scratch, 0);
    const factors = arena.f64(this.xP, f).slice();
    const bias = this.biP ? arena.f64(buP, 1)[0] : 0;
    arena.release(this.base);
    if (status >= 0) {
      throw new AlsError(
        'NOT_POSITIVE_DEFINITE',
        `The fold-in system for this history (${cols.length} known items) is not positive definite: ` +
          (this.options.regularization === 0 ? `the model's regularization is 0 and the history is too short to determine ${f} factors.` : 'its values are too large for the regularization; rescale them.'),
        { items: cols.length, factors: f },
      );
    }
    if (!factors.every(Number.isFinite) || !Number.isFinite(bias)) {
      throw new AlsError('NON_FINITE', 'Fold-in produced non-finite factors for this history: its values are too large; rescale them.', { items: cols.length });
    }
    return { factors, bias };
  }

  /**
   * Recommendations for a user who is not in the model, from their history, by fold-in.
   * Nothing is stored. Items of the history are left out unless `filterSeen` is false.
   * A history with no item the model knows (empty, or only unknown ids) has nothing to fold
   * in: the result is then the most popular items of the training data, marked
   * `fallback: 'popular'`. Unknown items are listed in `unknownItems` either way.
   * @returns the items by descending score, with `unknownItems` and `fallback`
   * @throws AlsError `EMPTY_DATA` when a popularity fallback is needed but the model has no
   *   training interactions (imported factors); `BAD_OPTION`; `UNKNOWN_ITEM` (candidates)
   * @example
   * const top = model.recommendForHistory([{ item: '242', value: 3 }], 10);
   * top.fallback;      // null: folded in ('popular' when no history item is known)
   * top.unknownItems;  // []
   */
  recommendForHistory(history: HistoryEntry[], k = 10, opts: RecommendOptions = {}): HistoryRecommendations {
    checkK(k);
    checkRecommendOptions(opts);
    const { cols, vals, unknownItems } = this.mergeHistory(history);
    const excluded = new Set<number>(opts.filterSeen ?? true ? cols : []);
    if (cols.length === 0) {
      const popular = this.rank(this.popularityScores(unknownItems), k, excluded, opts);
      return Object.assign(popular, { unknownItems, fallback: 'popular' as const });
    }
    const fold = this.solveHistory(cols, vals);
    const ranked = this.rank(this.scoresInMemory(fold.factors, fold.bias), k, excluded, opts);
    return Object.assign(ranked, { unknownItems, fallback: null });
  }

  /**
   * The top-k items for given user factors (and bias), e.g. folded in from a history and features.
   * @param excludeRows - item rows to leave out (besides `opts.exclude`)
   */
  recommendForFactors(x: Float64Array, bias: number, k = 10, opts: RecommendOptions = {}, excludeRows: Iterable<number> = []): ScoredItem[] {
    checkK(k);
    checkRecommendOptions(opts);
    return this.rank(this.scoresInMemory(x, bias), k, new Set(excludeRows), opts);
  }

  /**
   * Per item, how many training users interacted with it (implicit: with a positive value),
   * from the training interactions the model keeps (and its file stores), computed once.
   * @throws AlsError `EMPTY_DATA` when the model has none (imported factors)
   */
  private popularityScores(unknownItems: Id[]): Float64Array {
    if (!this.popularity) {
      const counts = new Float64Array(this.items.size);
      const positiveOnly = this.options.feedback === 'implicit';
      const { indices, values } = this.seen;
      for (let j = 0; j < indices.length; j++) if (!positiveOnly || values[j] > 0) counts[indices[j]]++;
      this.popularity = counts;
    }
    if (this.seen.indices.length === 0) {
      throw new AlsError(
        'EMPTY_DATA',
        `No item of this history is known to the model${unknownItems.length ? ` (unknown: ${unknownItems.slice(0, 5).map((i) => JSON.stringify(i)).join(', ')}${unknownItems.length > 5 ? ', …' : ''})` : ' (it is empty)'}, ` +
          'and the model has no training interactions to rank popular items by (its factors were imported). Give at least one item the model knows.',
        { unknownItems: unknownItems.slice(0, 100) },
      );
    }
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
    checkK(k);
    checkIdFilter(opts, SIMILAR_OPTION_NAMES);
    const i = this.itemIndex(item);
    const n = this.items.size;
    this.norms ??= rowNorms(this.params.itemFactors, n, this.factors);
    const r = similarItems(this.params.itemFactors, n, this.factors, i, k, this.norms, this.idFilter(opts, this.items, (id) => this.itemIndex(id)));
    return Array.from(r.indices, (j, t) => ({ id: this.items.id(j), score: r.scores[t] }));
  }

  /**
   * Users most similar to `user` by cosine similarity of user factors (the user left out):
   * "people with the same taste". Zero-norm rows have similarity 0, as in {@link AlsModel.similarItems}.
   * @param user - a known user
   * @param k - how many (default 10)
   * @param opts - `exclude` (user ids to leave out), `candidates` (rank only these)
   * @returns users by descending similarity in [−1, 1] (ties: the earlier user first)
   * @throws AlsError `UNKNOWN_USER` (the user, or a candidate), `BAD_OPTION`
   * @see implicit `similar_users`, disco `similarUsers`
   * @example
   * model.similarUsers('196', 5) // → [{ id: '71', score: 0.93 }, …]
   */
  similarUsers(user: Id, k = 10, opts: SimilarItemsOptions = {}): ScoredItem[] {
    checkK(k);
    checkIdFilter(opts, SIMILAR_OPTION_NAMES);
    const u = this.userIndex(user);
    const m = this.users.size;
    this.userNorms ??= rowNorms(this.params.userFactors, m, this.factors);
    const r = similarItems(this.params.userFactors, m, this.factors, u, k, this.userNorms, this.idFilter(opts, this.users, (id) => this.userIndex(id)));
    return Array.from(r.indices, (j, t) => ({ id: this.users.id(j), score: r.scores[t] }));
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
   * @see Spark ALSModel `recommendForUserSubset`, implicit `recommend(userids, …)`
   * @example
   * model.recommendMany(['196', '186'], 10, { exclude: ['242'] })
   * // → [{ user: '196', items: [{ id, score }…], fallback: null }, …]
   */
  recommendMany(users: Id[], k = 10, opts: RecommendManyOptions = {}): UserRecommendations[] {
    checkK(k);
    if (typeof opts !== 'object' || opts === null) throw badOption('options', opts, 'an object { filterSeen?, exclude?, candidates?, unknownUsers? }');
    checkOptions(opts, RECOMMEND_MANY_OPTION_NAMES);
    const { unknownUsers: policy = 'error', ...ropts } = opts;
    checkRecommendOptions(ropts);
    if (policy !== 'error' && policy !== 'popular') throw badOption('unknownUsers', policy, '"error" or "popular"');
    if (!Array.isArray(users)) throw badOption('users', typeof users, 'an array of user ids');
    const rows = Int32Array.from(users, (id) => (policy === 'error' ? this.userIndex(id) : (this.users.index(id) ?? -1)));
    const common = this.excludedItems(ropts.exclude);
    const candidates = ropts.candidates ? sortedDistinct(ropts.candidates.map((id) => this.itemIndex(id))) : undefined;
    const known = rows.filter((u) => u >= 0);
    const lists: ScoredItem[][] = [];
    for (let b0 = 0; b0 < known.length; b0 += BLOCK_USERS) {
      const block = known.subarray(b0, b0 + BLOCK_USERS);
      const r = this.topKRows(block, k, { exclude: ropts.filterSeen ?? true ? this.seen : undefined, common, candidates });
      for (let q = 0; q < block.length; q++) lists.push(this.scoredItems(r, q, this.items));
    }
    const popular = known.length < rows.length ? this.popular(k, { exclude: ropts.exclude, candidates: ropts.candidates }) : [];
    let next = 0;
    return Array.from(rows, (u, j): UserRecommendations =>
      u >= 0 ? { user: users[j], items: lists[next++], fallback: null } : { user: users[j], items: popular.map((it) => ({ ...it })), fallback: 'popular' },
    );
  }

  /**
   * The k best items for each user row of `rows`, in blocks through the `topKRows` kernel: the
   * building block of {@link AlsModel.recommendMany} and of the evaluator.
   * @param rows - dense user rows (each in [0, users))
   * @param k - per user (≥ 0)
   * @param sel - `exclude`: a users × items matrix whose row u lists the items to leave out for
   *   user u (e.g. `seen`); `common`: item rows (ascending) left out for all; `candidates`:
   *   item rows (ascending, distinct) to rank, else all; `withScores`: also return every score
   * @returns the indices, scores and counts per user (see {@link TopKBatch})
   */
  topKRows(rows: Int32Array, k: number, sel: { exclude?: Csr; common?: Int32Array; candidates?: Int32Array; withScores?: boolean } = {}): TopKBatch {
    const f = this.factors;
    const { userFactors: X, userBiases, itemBiases, globalMean } = this.params;
    const queries = new Float64Array(rows.length * f);
    for (let q = 0; q < rows.length; q++) queries.set(X.subarray(rows[q] * f, rows[q] * f + f), q * f);
    // The same constant scoresInMemory adds, computed the same way: the scores are the same bits.
    const qConst = itemBiases ? Float64Array.from(rows, (u) => globalMean + (userBiases ? userBiases[u] : 0)) : undefined;
    const target = { ptr: this.Yp, rows: this.items.size, f, biasPtr: this.biP };
    return topKBatch(this.rt, target, queries, qConst, { k, exclude: sel.exclude && { matrix: sel.exclude, rows }, common: sel.common, candidates: sel.candidates, withScores: sel.withScores });
  }

  /**
   * The users most likely to want `item`: the top-k of its column of X·Yᵀ (plus biases), by
   * the same kernel as {@link AlsModel.recommendMany} with the roles of users and items swapped.
   * Users who interacted with the item in training are left out unless `filterSeen` is false.
   * The first call copies the user factors into the kernels' memory (users × f × 8 bytes, kept
   * with the model).
   * @param item - a known item
   * @param k - how many (default 10)
   * @param opts - `filterSeen`, `exclude` / `candidates` (user ids)
   * @returns users by descending score (the predicted preference or rating, as {@link AlsModel.predict}
   *   up to rounding); fewer than k when fewer users qualify
   * @throws AlsError `UNKNOWN_ITEM`, `UNKNOWN_USER` (candidates), `BAD_OPTION`
   * @see Spark ALSModel `recommendForAllItems` / `recommendForItemSubset`
   * @example
   * model.usersForItem('242', 5) // → [{ id: '305', score: 0.97 }, …]
   */
  usersForItem(item: Id, k = 10, opts: UsersForItemOptions = {}): ScoredItem[] {
    checkK(k);
    checkIdFilter(opts, USERS_FOR_ITEM_OPTION_NAMES);
    if (opts.filterSeen !== undefined && typeof opts.filterSeen !== 'boolean') throw badOption('filterSeen', opts.filterSeen, 'true or false');
    const i = this.itemIndex(item);
    const f = this.factors;
    const { itemFactors: Y, itemBiases, globalMean } = this.params;
    const target = this.userRows();
    const filter = this.idFilter(opts, this.users, (id) => this.userIndex(id));
    if (opts.filterSeen ?? true) this.seenByItem ??= transpose(this.seen);
    const r = topKBatch(this.rt, target, Y.slice(i * f, i * f + f), target.biasPtr ? Float64Array.of(globalMean + (itemBiases ? itemBiases[i] : 0)) : undefined, {
      k,
      exclude: opts.filterSeen ?? true ? { matrix: this.seenByItem!, rows: Int32Array.of(i) } : undefined,
      common: filter?.exclude,
      candidates: filter?.candidates,
    });
    return this.scoredItems(r, 0, this.users);
  }

  /**
   * The most popular items of the training data: by how many users interacted with them
   * (implicit feedback: with a positive value), `score` being that count; ties by the earlier
   * item. The fallback for users the model cannot personalise (see `recommendForHistory` and
   * `recommendMany`'s `unknownUsers: 'popular'`).
   * @param k - how many (default 10)
   * @param opts - `exclude`, `candidates` (item ids)
   * @throws AlsError `EMPTY_DATA` when the model has no training interactions (imported factors)
   * @see disco `topItems`, Spark `coldStartStrategy`
   * @example
   * model.popular(3) // → [{ id: '50', score: 583 }, { id: '258', score: 509 }, …]
   */
  popular(k = 10, opts: PopularOptions = {}): ScoredItem[] {
    checkK(k);
    checkIdFilter(opts, POPULAR_OPTION_NAMES);
    return this.rank(this.popularityScores([]), k, new Set(), opts);
  }

  /** Query q's entries of a batch as scored ids. */
  private scoredItems(r: TopKBatch, q: number, ids: IdMap): ScoredItem[] {
    const out: ScoredItem[] = new Array(r.counts[q]);
    for (let j = 0; j < r.counts[q]; j++) out[j] = { id: ids.id(r.indices[q * r.k + j]), score: r.scores[q * r.k + j] };
    return out;
  }

  /** Item rows of `exclude` (unknown ids ignored), ascending. */
  private excludedItems(exclude: Id[] | undefined): Int32Array | undefined {
    if (!exclude) return undefined;
    return sortedDistinct(exclude.map((id) => this.items.index(id)).filter((i): i is number => i !== undefined));
  }

  /** `exclude` / `candidates` ids as ascending rows of `ids` (unknown excluded ids ignored; unknown candidates throw through `index`). */
  private idFilter(opts: { exclude?: Id[]; candidates?: Id[] }, ids: IdMap, index: (id: Id) => number): { exclude?: Int32Array; candidates?: Int32Array } | undefined {
    if (!opts.exclude && !opts.candidates) return undefined;
    return {
      exclude: opts.exclude ? sortedDistinct(opts.exclude.map((id) => ids.index(id)).filter((i): i is number => i !== undefined)) : undefined,
      candidates: opts.candidates ? sortedDistinct(opts.candidates.map(index)) : undefined,
    };
  }

  /** User factors and biases copied into the kernels' memory once, above the model's buffers. */
  private userRows(): TargetRows {
    if (!this.userRowsInMemory) {
      const { arena } = this.rt;
      arena.release(this.base);
      const ptr = arena.putF64(this.params.userFactors);
      const biasPtr = this.params.userBiases ? arena.putF64(this.params.userBiases) : 0;
      this.base = arena.mark();
      this.userRowsInMemory = { ptr, rows: this.users.size, f: this.factors, biasPtr };
    }
    return this.userRowsInMemory;
  }

  /**
   * Explains the score of `item` for `user` as a sum over the user's history, after Hu, Koren
   * & Volinsky 2008 §5: with W = (YᵀC^uY + λI)⁻¹ the score is Σ_j c_uj·p_uj·y_iᵀW y_j, so each
   * history item j contributes c_uj·p_uj·y_iᵀW y_j (explicit: (r_uj − μ − b_j)·ỹ_iᵀW ỹ_j with
   * W = (Σ ỹ_j ỹ_jᵀ + λw I)⁻¹, plus the bias baseline). The score explained is the fold-in score
   * of the user's training history with the final item factors, which is what a fresh solve
   * for the user gives (it can differ slightly from `predict`, whose x_u came from the
   * previous sweep's Y).
   * @param user - a known user
   * @param item - any known item
   * @param topN - how many contributions to list (default 10)
   * @see benfred/implicit `explain`
   */
  explain(user: Id, item: Id, topN = 10): Explanation {
    checkK(topN);
    const u = this.userIndex(user);
    const target = this.itemIndex(item);
    const explanation = explainScore({ rt: this.rt, base: this.base, gram: this.Gp, model: this }, user, u, target, topN);
    const byFeatures = explainByFeatures(this, u, target);
    return byFeatures ? { ...explanation, byFeatures } : explanation;
  }

  private rank(scores: Float64Array, k: number, excluded: Set<number>, opts: RecommendOptions): ScoredItem[] {
    checkRecommendOptions(opts);
    for (const id of opts.exclude ?? []) {
      const i = this.items.index(id);
      if (i !== undefined) excluded.add(i);
    }
    const candidates = opts.candidates ? Int32Array.from(opts.candidates, (id) => this.itemIndex(id)) : undefined;
    // A sorted exclusion list is merged with the scan (O(n + e)); a Set lookup per item costs more.
    const r = topK(scores, k, Int32Array.from(excluded).sort(), candidates);
    return Array.from(r.indices, (i, t) => ({ id: this.items.id(i), score: r.scores[t] }));
  }
}

/** Every option of {@link RecommendOptions} (typed: a new option fails to compile until listed). */
const RECOMMEND_OPTION_NAMES = Object.keys({ filterSeen: 1, exclude: 1, candidates: 1 } satisfies Record<keyof RecommendOptions, 1>);
/** Every option of {@link RecommendManyOptions} (typed: a new option fails to compile until listed). */
const RECOMMEND_MANY_OPTION_NAMES = Object.keys({ filterSeen: 1, exclude: 1, candidates: 1, unknownUsers: 1 } satisfies Record<keyof RecommendManyOptions, 1>);
/** Every option of {@link SimilarItemsOptions} (typed, so a new one fails to compile until listed). */
const SIMILAR_OPTION_NAMES = Object.keys({ exclude: 1, candidates: 1 } satisfies Record<keyof SimilarItemsOptions, 1>);
/** Every option of {@link UsersForItemOptions}. */
const USERS_FOR_ITEM_OPTION_NAMES = Object.keys({ filterSeen: 1, exclude: 1, candidates: 1 } satisfies Record<keyof UsersForItemOptions, 1>);
/** Every option of {@link PopularOptions}. */
const POPULAR_OPTION_NAMES = Object.keys({ exclude: 1, candidates: 1 } satisfies Record<keyof PopularOptions, 1>);
/** Users per `topKRows` call of recommendMany: their heaps and factors stay in L1/L2. */
const BLOCK_USERS = 256;

/** Validates an options object of id lists (`exclude`, `candidates`, and whatever else `names` allows). */
function checkIdFilter(opts: { exclude?: Id[]; candidates?: Id[] }, names: string[]): void {
  if (typeof opts !== 'object' || opts === null) throw badOption('options', opts, `an object { ${names.map((n) => `${n}?`).join(', ')} }`);
  checkOptions(opts, names);
  if (opts.exclude !== undefined && !Array.isArray(opts.exclude)) throw badOption('exclude', opts.exclude, 'an array of ids');
  if (opts.candidates !== undefined && !Array.isArray(opts.candidates)) throw badOption('candidates', opts.candidates, 'an array of ids');
}
/** The fields of a {@link HistoryEntry}: `{ item, rating }` would otherwise fold in the value 1 silently. */
const HISTORY_ENTRY_NAMES = Object.keys({ item: 1, value: 1 } satisfies Record<keyof HistoryEntry, 1>);

/** Validates {@link RecommendOptions}; unknown ids in `exclude` are ignored (nothing to leave out). */
function checkRecommendOptions(opts: RecommendOptions): void {
  if (typeof opts !== 'object' || opts === null) throw badOption('options', opts, 'an object { filterSeen?, exclude?, candidates? }');
  checkOptions(opts, RECOMMEND_OPTION_NAMES);
  if (opts.filterSeen !== undefined && typeof opts.filterSeen !== 'boolean') throw badOption('filterSeen', opts.filterSeen, 'true or false');
  if (opts.exclude !== undefined && !Array.isArray(opts.exclude)) throw badOption('exclude', opts.exclude, 'an array of item ids');
  if (opts.candidates !== undefined && !Array.isArray(opts.candidates)) throw badOption('candidates', opts.candidates, 'an array of item ids');
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw badOption('k', k, 'an integer ≥ 1');
}
