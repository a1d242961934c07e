/**
 * The engine's serving face: the current model and the calls that only read it — recommend,
 * recommendMany (in slices that yield), usersForItem, similar items and users, popular, new
 * users by fold-in, predict, explain, the drawing view and a user's history. {@link Engine}
 * (engine.ts) extends it with datasets, training and model files.
 */
import type {
  AlsModel,
  Explanation,
  FoldInResult,
  HistoryEntry,
  HistoryRecommendations,
  PopularOptions,
  RecommendManyOptions,
  RecommendOptions,
  ScoredItem,
  SimilarItemsOptions,
  UserRecommendations,
  UsersForItemOptions,
} from '../model/model.js';
import type { Id } from '../data/types.js';
import { AlsError, badOption, checkOptions } from '../errors.js';
import { recommendForNewUserWithFeatures, type FeatureValue } from '../features/cold.js';
import type { ModelLabels } from '../model/labels.js';
import { modelView, userHistory, type ModelView } from './model-view.js';
import { RunSet } from './runs.js';
import { recommendManyInSlices } from './serve-slices.js';

/** The current model and every call that reads it (the base of {@link Engine}). */
export abstract class ServingFace {
  /** The current model: replaced only by a call that completed, null until the first. */
  protected model: AlsModel | null = null;
  /** The runs in progress, so that dispose() stops them. */
  protected readonly runs = new RunSet();

  /** Top-k items for a known user (see `AlsModel.recommend`). */
  async recommend(user: Id, k = 10, opts: RecommendOptions = {}): Promise<ScoredItem[]> {
    return this.current().recommend(user, k, opts);
  }

  /**
   * Top-k items for many known users (see `AlsModel.recommendMany`): blocks of users scored
   * against every item in WASM. Runs in slices of users with a yield between them (see
   * {@link recommendManyInSlices}), so a worker keeps answering and `signal` stops it.
   */
  async recommendMany(users: Id[], k = 10, opts: RecommendManyOptions & { signal?: AbortSignal } = {}): Promise<UserRecommendations[]> {
    const model = this.current();
    return this.runs.run(opts.signal, async (signal) => {
      const { signal: _s, ...rest } = opts;
      return recommendManyInSlices(model, users, k, rest, signal);
    });
  }

  /** The users most likely to want an item (see `AlsModel.usersForItem`). */
  async usersForItem(item: Id, k = 10, opts: UsersForItemOptions = {}): Promise<ScoredItem[]> {
    return this.current().usersForItem(item, k, opts);
  }

  /** Users most similar to a user (cosine on user factors; see `AlsModel.similarUsers`). */
  async similarUsers(user: Id, k = 10, opts: SimilarItemsOptions = {}): Promise<ScoredItem[]> {
    return this.current().similarUsers(user, k, opts);
  }

  /** The most popular training items, the cold-user fallback (see `AlsModel.popular`). */
  async popular(k = 10, opts: PopularOptions = {}): Promise<ScoredItem[]> {
    return this.current().popular(k, opts);
  }

  /**
   * Top-k items for a new user from their history, by fold-in; nothing is stored (the same
   * name and meaning as `AlsModel.recommendForHistory`). The array also carries `unknownItems`
   * and `fallback` (`'popular'` when no history item is known, or only dislikes are). A history entry may name its
   * `event` (`{ item, event: 'purchase' }`) for a model trained with `eventWeights`.
   * With `features` (a model trained with `userFeatures`), the user's attributes are folded in too.
   */
  async recommendForHistory(history: HistoryEntry[], k = 10, opts: RecommendOptions & { features?: FeatureValue[] } = {}): Promise<HistoryRecommendations & { unknownFeatures?: string[] }> {
    const { features, ...rest } = opts ?? {};
    // With user features (a model trained with userFeatures): fold in the history and the features together.
    if (features !== undefined) {
      if (!Array.isArray(features)) throw badOption('features', features, 'an array of { feature, value? }');
      return recommendForNewUserWithFeatures(this.current(), history, features, k, rest);
    }
    return this.current().recommendForHistory(history, k, rest);
  }

  /**
   * The former name of {@link ServingFace.recommendForHistory}, which the model and this face now share.
   * @deprecated Use `recommendForHistory` (same arguments, same result).
   */
  async recommendForNewUser(history: HistoryEntry[], k = 10, opts: RecommendOptions & { features?: FeatureValue[] } = {}): Promise<HistoryRecommendations & { unknownFeatures?: string[] }> {
    return this.recommendForHistory(history, k, opts);
  }

  /** The current model's names and attributes (titles, genres, user attributes, its name), or null. */
  async labels(): Promise<ModelLabels | null> {
    return this.current().labels ?? null;
  }

  /**
   * Replaces the current model's names and attributes (null: none): for a model trained or
   * imported without them. They are saved with it; scores do not change.
   * @throws AlsError `BAD_OPTION` for labels of the wrong shape, `NOT_TRAINED`
   */
  async setLabels(labels: ModelLabels | null): Promise<void> {
    this.current().setLabels(labels ?? undefined);
  }

  /** An item's title from the current model's labels, or undefined. */
  async itemName(item: Id): Promise<string | undefined> {
    return this.current().itemName(item);
  }

  /** The factors of a new user from their history (fold-in). */
  async foldIn(history: HistoryEntry[]): Promise<FoldInResult> {
    return this.current().foldIn(history);
  }

  /** Items most similar to an item (cosine on item factors; `exclude` / `candidates` filter them). */
  async similarItems(item: Id, k = 10, opts: SimilarItemsOptions = {}): Promise<ScoredItem[]> {
    return this.current().similarItems(item, k, opts);
  }

  /** What a page needs to draw the current model: ids, item factors (a copy the worker's dispatcher moves), popularity. */
  async modelView(): Promise<ModelView> {
    return modelView(this.current());
  }

  /** A known user's training interactions, largest value first. */
  async history(user: Id): Promise<{ item: Id; value: number }[]> {
    return userHistory(this.current(), user);
  }

  /** Predicted score of a (user, item) pair. */
  async predict(user: Id, item: Id): Promise<number> {
    return this.current().predict(user, item);
  }

  /** The score of `item` for `user` split into per-history-item contributions. */
  async explain(user: Id, item: Id, opts: { topN?: number } = {}): Promise<Explanation> {
    checkOptions(opts, EXPLAIN_OPTION_NAMES);
    return this.current().explain(user, item, opts.topN ?? 10);
  }

  /**
   * The current model.
   * @throws AlsError `NOT_TRAINED` when there is none
   */
  protected current(): AlsModel {
    if (!this.model) throw new AlsError('NOT_TRAINED', 'There is no model yet: train one, load a model file or import factors first.', {});
    return this.model;
  }
}

/** Every option of {@link ServingFace.explain} (typed: a new option fails to compile until listed). */
const EXPLAIN_OPTION_NAMES = Object.keys({ topN: 1 } satisfies Record<keyof NonNullable<Parameters<ServingFace['explain']>[2]>, 1>);
