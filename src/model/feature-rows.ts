/** The rows a cold item's or user's half-step reads, from a trained model and its features. */
import { gramOf, type OtherRows } from './feature-fold.js';
import type { FeatureModel, FeatureSide, ModelFeatures } from './feature-types.js';

const grams = new WeakMap<FeatureModel, { item?: Float64Array; user?: Float64Array }>();

/**
 * The rows an item's half-step reads (side `item`: real users, then the item features'
 * pseudo-users) or a user's (side `user`: real items, then the user features' pseudo-items).
 */
export function otherRows(model: FeatureModel, side: 'item' | 'user'): OtherRows & { real: number; gram: () => Float64Array } {
  const p = model.params;
  const f = p.factors;
  const real = side === 'item' ? model.users.size : model.items.size;
  const X = side === 'item' ? p.userFactors : p.itemFactors;
  const b = side === 'item' ? p.userBiases : p.itemBiases;
  const fs = model.features?.[side];
  return {
    f,
    real,
    row: (j) => (j < real ? X.subarray(j * f, j * f + f) : fs!.factors.subarray((j - real) * f, (j - real) * f + f)),
    bias: (j) => (j < real ? (b ? b[j] : 0) : fs?.biases ? fs.biases[j - real] : 0),
    gram: () => {
      const cache = grams.get(model) ?? {};
      grams.set(model, cache);
      return (cache[side] ??= fs ? gramOf(f, X, fs.factors) : gramOf(f, X));
    },
  };
}

/**
 * The features of a model whose rows grew (an incremental update added users or items): the
 * new rows carry no features; everything else is kept.
 */
export function featuresForRows(features: ModelFeatures | undefined, items: number, users: number): ModelFeatures | undefined {
  if (!features) return undefined;
  const grow = (s: FeatureSide | undefined, rows: number): FeatureSide | undefined => {
    if (!s || s.indptr.length - 1 >= rows) return s;
    const indptr = new Int32Array(rows + 1).fill(s.indptr[s.indptr.length - 1]);
    indptr.set(s.indptr);
    return { ...s, indptr };
  };
  return { ...features, item: grow(features.item, items), user: grow(features.user, users) };
}

/** The pseudo value of a feature of strength v, as training made it (see features/augment.ts). */
export function pseudoValue(model: FeatureModel, v: number): number {
  const fe = model.features!;
  return model.options.feedback === 'explicit' ? model.params.globalMean + fe.weight * fe.unit * (2 * v - 1) : fe.weight * v * fe.unit;
}

