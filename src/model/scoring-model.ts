/**
 * What every model is made of and how it scores: its parts (options, ids, factors, training
 * interactions), ids ↔ rows, predict, score vectors over every item through the kernels' Y·x and
 * the k best items of many users at once (`topKRows`); and the check that parts fit together before a model is built. The base of
 * {@link AlsModel} (model.ts), which adds recommendations, fold-in and explain.
 */
import { AlsError, badOption } from '../errors.js';
import type { Csr, Id, IdMap } from '../data/types.js';
import { topKBatch, type TopKBatch } from '../recommend/batch.js';
import type { KernelVariant } from '../wasm/abi.js';
import type { KernelRuntime } from '../wasm/kernels.js';
import type { Bm25Statistics } from '../train/weighting.js';
import type { ResolvedTrainOptions } from '../train/options.js';
import type { Factors } from '../train/factors.js';
import type { TrainReport } from '../train/train.js';
import type { ModelFeatures } from './feature-types.js';
import type { ModelParts } from './model-types.js';
import { checkLabels, itemLabelOf, userLabelOf, type ItemLabel, type ModelLabels } from './labels.js';
import { ServingMemory } from './serving-memory.js';

/**
 * Checks that the parts of a model fit together and carry the numbers serving needs.
 * @throws AlsError `BAD_MODEL_FILE` (factor shapes), `BAD_OPTION` (λ, ε or BM25 statistics)
 */
export function checkModelParts(parts: ModelParts): void {
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
}

/** A model's parts, ids and scores, served from a memory of its own (see {@link AlsModel}). */
export abstract class ScoringModel {
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
  /** Explicit models: the training ratings' [lowest, highest]; `predict` stays within it. */
  readonly ratingScale?: readonly [number, number];
  /** A ranking head: the rating below which a pair is a dislike (see {@link ModelParts.dislikeBelow}). */
  readonly dislikeBelow?: number;

  /** Names and attributes (see {@link ScoringModel.labels}): the only part that may change after the model is built. */
  private currentLabels?: ModelLabels;
  /** The kernel runtime the model serves from. */
  protected readonly rt: KernelRuntime;
  private servingMemory?: ServingMemory;

  /**
   * Y, YᵀY and the buffers scoring and fold-in use, in the kernels' memory: written on first
   * use, so the many models of a search (`tune`, cross-validation), scored through their
   * factors and dropped, never pay for it (copying Y and forming YᵀY was ≈ 5 % of a `tune`).
   */
  protected get memory(): ServingMemory {
    return (this.servingMemory ??= new ServingMemory(this.rt, this.params, this.items.size));
  }

  protected constructor(parts: ModelParts, rt: KernelRuntime) {
    this.options = parts.options;
    this.users = parts.users;
    this.items = parts.items;
    this.params = parts.factors;
    this.seen = parts.seen;
    this.report = parts.report;
    this.bm25 = parts.bm25;
    this.interactionsStored = parts.interactionsStored ?? !!parts.report;
    this.features = parts.features;
    this.currentLabels = checkLabels(parts.labels);
    this.ratingScale = parts.ratingScale;
    this.dislikeBelow = parts.dislikeBelow;
    this.rt = rt;
  }

  /**
   * The names and attributes kept with the model (item titles and genres, user attributes, a
   * name), as trained with or set by {@link ScoringModel.setLabels}; saved in its model file.
   */
  get labels(): ModelLabels | undefined {
    return this.currentLabels;
  }

  /**
   * Replaces the model's labels (undefined: none). Labels never change a score, so this is the
   * one change a model takes in place.
   * @throws AlsError `BAD_OPTION` when `labels` is not a {@link ModelLabels}
   * @example
   * model.setLabels({ items: { '50': { title: 'Star Wars (1977)' } } });
   * model.itemName('50'); // 'Star Wars (1977)'
   */
  setLabels(labels: ModelLabels | undefined): void {
    this.currentLabels = checkLabels(labels);
  }

  /** An item's title, or undefined when the model has none for it. */
  itemName(item: Id): string | undefined {
    return itemLabelOf(this.currentLabels, item)?.title;
  }

  /** An item's title and genres, or undefined. */
  itemLabel(item: Id): ItemLabel | undefined {
    return itemLabelOf(this.currentLabels, item);
  }

  /** A user's attributes (e.g. `{ age: '25-34', gender: 'M', occupation: 'writer' }`), or undefined. */
  userAttributes(user: Id): Record<string, string> | undefined {
    return userLabelOf(this.currentLabels, user);
  }

  /** Bytes of the WebAssembly memory this model scores in (reported by the engine's `info()`). */
  get memoryBytes(): number {
    return this.memory.rt.memory.buffer.byteLength;
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
   * Predicted score of one (user, item) pair: μ + b_u + b_i + x_uᵀ y_i — a predicted rating
   * (explicit; kept within `ratingScale`) or preference (implicit). On a model with a ranking
   * head it is the rating head's predicted rating.
   * @throws AlsError `UNKNOWN_USER` / `UNKNOWN_ITEM`
   */
  predict(user: Id, item: Id): number {
    const u = this.userIndex(user);
    const i = this.itemIndex(item);
    return this.predictIndex(u, i);
  }

  /** {@link AlsModel.predict} on dense indices. */
  predictIndex(u: number, i: number): number {
    const s = this.scoreIndex(u, i);
    // A predicted rating stays on the file's scale (and clamping can only lower the squared error).
    const scale = this.ratingScale;
    return scale ? Math.min(scale[1], Math.max(scale[0], s)) : s;
  }

  /** The score the ranked lists use for user row u and item row i: μ + b_u + b_i + x_uᵀy_i, unclamped. */
  scoreIndex(u: number, i: number): number {
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
    out.set(this.memory.scores(x, bu));
    return out;
  }

  /** Scores of every item for the user at dense row `u`. */
  scoreUser(u: number, out?: Float64Array): Float64Array {
    const f = this.factors;
    const x = this.params.userFactors.subarray(u * f, (u + 1) * f);
    return this.scoreVector(x, this.params.userBiases ? this.params.userBiases[u] : 0, out);
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
    // The same constant ServingMemory.scores adds, computed the same way: the scores are the same bits.
    const qConst = itemBiases ? Float64Array.from(rows, (u) => globalMean + (userBiases ? userBiases[u] : 0)) : undefined;
    const target = { ptr: this.memory.Yp, rows: this.items.size, f, biasPtr: this.memory.biP };
    return topKBatch(this.memory.rt, target, queries, qConst, { k, exclude: sel.exclude && { matrix: sel.exclude, rows }, common: sel.common, candidates: sel.candidates, withScores: sel.withScores });
  }
}
