/**
 * What a trained model keeps of its side information: per side, the features' factors, which
 * rows carry which feature, and the attribute-to-factor mapping. The model serves from these
 * (explain by features, fold-in, update); reading and augmenting feature files is features/'s.
 */
import type { Csr, IdMap } from '../data/types.js';
import type { Factors } from '../train/factors.js';
import type { ResolvedTrainOptions } from '../train/options.js';

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
   * The attribute-to-factor mapping fitted on the warm rows (see features/mapping.ts): (p + 1) × k,
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

/**
 * What the feature computations read of a trained model — `AlsModel` is one. Named
 * structurally so that the feature computations need not import the model's module, which imports them.
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
