/**
 * Side information: attributes of items and users ("genre=Drama", "age" = 0.4) and how a
 * trained model keeps them. See features/augment.ts for the formulation.
 */
import type { Csr, Id, IdMap } from '../data/types.js';
import type { Factors } from '../als/factors.js';
import type { ResolvedTrainOptions } from '../als/options.js';

/** One attribute of an item or a user: categorical (`genre=Drama`, value 1) or numeric (value scaled to [0, 1]). */
export interface FeatureRecord {
  /** The item's (or user's) id. */
  id: Id;
  /** The feature's name, e.g. `genre=Drama`, `gender=F`, `age`. */
  feature: string;
  /** Strength in [0, 1] (numeric features are min–max scaled by the readers). Default 1. */
  value?: number;
}

/** Features as given to `train`: records, or what a reader returned. */
export type FeatureInput = Iterable<FeatureRecord> | { records: FeatureRecord[] };

/** The feature options of `train`. */
export interface FeatureOptions {
  /** Attributes of items: each feature becomes a pseudo-user interacting with the items that carry it. */
  itemFeatures?: FeatureInput;
  /** Attributes of users: each feature becomes a pseudo-item interacting with the users that carry it. */
  userFeatures?: FeatureInput;
  /**
   * How much a feature counts against real interactions (> 0). Implicit: a feature entry of
   * value v is an interaction of strength `featureWeight`·v·(the median real value), so 1 means "as
   * strong as a typical interaction". Explicit: the pseudo-rating's offset from the mean is
   * `featureWeight`·σ (σ = the ratings' standard deviation). Default 1.
   */
  featureWeight?: number;
}

/** One side's features in a trained model (item features: the pseudo-users' factors; user features: the pseudo-items'). */
export interface FeatureSide {
  /** Feature names, in row order of `factors`. */
  names: string[];
  /** p × f factors of the features (the pseudo rows' factors). */
  factors: Float64Array;
  /** Explicit with biases: the pseudo rows' biases. */
  biases?: Float64Array;
  /**
   * Which rows (items for item features, users for user features) carry which features, as
   * CSR over the model's rows: indices are feature rows, values the pseudo entries' values in
   * training (implicit: strengths; explicit: pseudo-ratings).
   */
  indptr: Int32Array;
  /** Feature row per entry. */
  indices: Int32Array;
  /** Pseudo value per entry. */
  values: Float64Array;
  /** The feature's strength (0–1) per entry, as given. */
  strengths: Float64Array;
  /**
   * The attribute-to-factor mapping fitted on the warm rows (see mapping.ts): (p + 1) × k,
   * k = f (+ 1 with biases), the last row the intercept. Rows without interactions get their factors from it.
   */
  mapping: Float64Array;
}

/** The features a model was trained with. */
export interface ModelFeatures {
  /** `featureWeight` of training. */
  weight: number;
  /** The unit of a pseudo value: implicit, the median real value; explicit, σ of the ratings. */
  unit: number;
  /** Item features, when trained with them. */
  item?: FeatureSide;
  /** User features, when trained with them. */
  user?: FeatureSide;
}

/** Prefix of pseudo-row ids during training (a NUL character: no parsed id has one). */
export const PSEUDO_PREFIX = '\u0000feature\u0000';

/**
 * What the feature computations read of a trained model — `AlsModel` is one. Named
 * structurally so that the model's module, which explains by features, is not imported back.
 */
export interface FeatureModel {
  /** User ids ↔ rows. */
  users: IdMap;
  /** Item ids ↔ rows. */
  items: IdMap;
  /** The learned factors (and biases, μ). */
  params: Factors;
  /** Training interactions by user row. */
  seen: Csr;
  /** The options it was trained with (feedback, λ, the confidence form). */
  options: ResolvedTrainOptions;
  /** Its features, when trained with them. */
  features?: ModelFeatures;
}
