/** The types of a model and of its calls: the parts it is made of, options, results (model.ts has the behaviour). */
import type { Csr, Id, IdMap } from '../data/types.js';
import type { Factors } from '../train/factors.js';
import type { ResolvedTrainOptions } from '../train/options.js';
import type { TrainReport } from '../train/train.js';
import type { Bm25Statistics } from '../train/weighting.js';
import type { FeatureExplanation } from './feature-explain.js';
import type { ModelFeatures } from './feature-types.js';
import type { ModelLabels } from './labels.js';

/** One recommended (or similar) item with its score. */
export interface ScoredItem {
  /** The item's id. */
  id: Id;
  /**
   * A ranking score (implicit models and the ranking head of a rating model: relative, higher
   * is a better match, not a rating), a predicted rating (rating models with `ranking:
   * 'rating'`; see `AlsModel.scoreKind`), a cosine similarity (similar items and users), or, in
   * a `fallback: 'popular'` result, how many training users interacted with the item.
   */
  score: number;
}

/**
 * What {@link AlsModel.recommendForHistory} returns: the items (an array, as before), plus what
 * fold-in could not use. Both fields survive the worker boundary (structured clone keeps them).
 */
export type HistoryRecommendations = ScoredItem[] & {
  /** Items of the history that the model does not know (left out of the fold-in), in history order. */
  unknownItems: Id[];
  /**
   * `'popular'` when the history has no item the model knows (empty, or only unknown items):
   * there is nothing to fold in, so the items are the training data's most popular ones
   * (most users; implicit: users with a positive value), `score` being that count. Else null.
   */
  fallback: 'popular' | null;
};

/** Options of {@link AlsModel.recommend}. */
export interface RecommendOptions {
  /** Leave out the items the user interacted with in training. Default true. */
  filterSeen?: boolean;
  /** Further items to leave out (unknown ids are ignored). */
  exclude?: Id[];
  /** Rank only these items (unknown ids are an `UNKNOWN_ITEM` error). */
  candidates?: Id[];
}

/** Options of {@link AlsModel.recommendMany}: those of {@link AlsModel.recommend}, for every user, plus what an unknown user gets. */
export interface RecommendManyOptions extends RecommendOptions {
  /**
   * A user the model does not know: `'error'` (default) throws `UNKNOWN_USER` naming the first
   * one, before any work; `'popular'` gives them the popularity fallback ({@link AlsModel.popular},
   * honouring `exclude` and `candidates`), marked `fallback: 'popular'`.
   */
  unknownUsers?: 'error' | 'popular';
}

/** One user's answer from {@link AlsModel.recommendMany}. */
export interface UserRecommendations {
  /** The user id, as given. */
  user: Id;
  /** The items by descending score (fewer than k when fewer items qualify). */
  items: ScoredItem[];
  /** `'popular'` when the user is unknown and `unknownUsers: 'popular'` answered; else null. */
  fallback: 'popular' | null;
}

/**
 * Options of {@link AlsModel.similarItems} and {@link AlsModel.similarUsers} (ids of items, or
 * of users, respectively). The query itself is always left out.
 */
export interface SimilarItemsOptions {
  /** Leave these out (unknown ids are ignored). */
  exclude?: Id[];
  /** Rank only these (unknown ids are an `UNKNOWN_ITEM` / `UNKNOWN_USER` error). */
  candidates?: Id[];
}

/** Options of {@link AlsModel.usersForItem}: the mirror of {@link RecommendOptions}, over users. */
export interface UsersForItemOptions {
  /** Leave out the users who interacted with the item in training. Default true. */
  filterSeen?: boolean;
  /** Further users to leave out (unknown ids are ignored). */
  exclude?: Id[];
  /** Rank only these users (unknown ids are an `UNKNOWN_USER` error). */
  candidates?: Id[];
}

/** Options of {@link AlsModel.popular}. */
export interface PopularOptions {
  /** Leave these items out (unknown ids are ignored). */
  exclude?: Id[];
  /** Rank only these items (unknown ids are an `UNKNOWN_ITEM` error). */
  candidates?: Id[];
}

/** One interaction of a user who is not in the model (or whose history changed). */
export interface HistoryEntry {
  /** Item id (must be known to the model, unknown ones are reported in `unknownItems`). */
  item: Id;
  /** Rating (explicit) or strength (implicit). Default 1 — or, with `event`, that event's weight. */
  value?: number;
  /**
   * The event, e.g. `'purchase'`, for a model trained with `eventWeights`: the entry's value is
   * that event's weight (times `value` when given), as training weighted events. An event the
   * model's `eventWeights` do not list, or any event for a model without them, is `BAD_OPTION`.
   */
  event?: string;
}

/** Result of {@link AlsModel.foldIn}. */
export interface FoldInResult {
  /** The user's factors (length f). */
  factors: Float64Array;
  /** The user's bias (explicit models with biases; else 0). */
  bias: number;
  /** Items of the history that the model does not know (not used). */
  unknownItems: Id[];
  /** History entries used, after merging repeated items. */
  used: number;
}

/** One item's share of a score, from {@link AlsModel.explain}. */
export interface Contribution {
  /** An item from the user's history. */
  item: Id;
  /** Its additive share of the score. */
  contribution: number;
}

/** Result of {@link AlsModel.explain}: contributions that add up to `score`. */
export interface Explanation {
  /** The score being explained: the one the user's ranked lists show for the item. */
  score: number;
  /** The `topN` largest contributions by absolute value, largest first. */
  contributions: Contribution[];
  /**
   * The part not owed to any history item: μ + b_u + b_i (explicit models with biases), plus the
   * difference between the list's score and a fresh solve's (small: x_u was solved against the
   * previous sweep's Y). `contributions` + `rest` + `baseline` = `score`.
   */
  baseline: number;
  /** Sum of the contributions not listed in `contributions`. */
  rest: number;
  /** Models trained with item features: the score split over the item's features ("because of genre=Thriller") and its users. */
  byFeatures?: FeatureExplanation;
}

/** Everything a model is made of. */
export interface ModelParts {
  /** The options it was trained with. */
  options: ResolvedTrainOptions;
  /** User ids. */
  users: IdMap;
  /** Item ids. */
  items: IdMap;
  /** Learned factors and biases. */
  factors: Factors;
  /** Training interactions by user (aggregated values), for filtering seen items and for explain. */
  seen: Csr;
  /** How training went (absent for imported factors). */
  report?: TrainReport;
  /** With `weighting: 'bm25'`: the training data's statistics, to weight a new user's history the same way. */
  bm25?: Bm25Statistics;
  /**
   * Whether `seen` holds every interaction the factors were trained on, so that `update` can
   * re-solve rows. Default: whether there is a `report` (trained here; imported factors are not).
   */
  interactionsStored?: boolean;
  /** The features' factors and which rows carry them (models trained with features). */
  features?: ModelFeatures;
  /** Names and attributes of items and users (titles, genres, age band…), kept with the model; never used in scoring. */
  labels?: ModelLabels;
  /**
   * Explicit models: the lowest and highest training rating. `predict` keeps its answer on
   * this scale (a predicted rating of 5.4 on a 1–5 file is 5). Absent: no clamping.
   */
  ratingScale?: readonly [number, number];
  /**
   * A ranking head: the rating below which a pair is a dislike. The head learns from and folds
   * in rating − `dislikeBelow` (1–5 stars: 2.5), so its `seen` values are shifted by it; absent:
   * every rating counts as interest. See `dislikeThreshold` (data/value-kind.ts).
   */
  dislikeBelow?: number;
  /**
   * A rating model's ranking head: the parts of an implicit model on the same users, items and
   * pairs, which answers the top-N calls (see `AlsModel.ranking`).
   */
  ranking?: ModelParts;
}
