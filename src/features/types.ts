/**
 * Side information: attributes of items and users ("genre=Drama", "age" = 0.4) as given to
 * training. How a trained model keeps them is the model's (model/feature-types.ts); see
 * features/augment.ts for the formulation.
 */
import type { Id } from '../data/types.js';

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

/** Prefix of pseudo-row ids during training (a NUL character: no parsed id has one). */
export const PSEUDO_PREFIX = '\u0000feature\u0000';
