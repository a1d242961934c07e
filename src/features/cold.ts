/**
 * Cold items and users at serving time: factors from features by the attribute-to-factor
 * mapping (mapping.ts), or, for a new user with a history and attributes, by the half-step
 * solve over the real items and the attributes' pseudo-items; and new items added to a
 * trained model without retraining.
 */
import { headHistory } from '../model/ranking-head.js';
import { AlsModel, type HistoryEntry, type HistoryRecommendations, type RecommendOptions } from '../model/model.js';
import { idMapFromIds } from '../data/id-map.js';
import type { Id } from '../data/types.js';
import { AlsError, badOption } from '../errors.js';
import { normalizeFeatures } from './augment.js';
import { rowSystem, solveRow } from '../model/feature-fold.js';
import { applyMapping } from './mapping.js';
import { otherRows, pseudoValue } from '../model/feature-rows.js';
import type { FeatureSide } from '../model/feature-types.js';
import type { FeatureInput } from './types.js';

/** A feature of one item or user, for fold-in: `{ feature: 'genre=Drama' }` (value default 1, in [0, 1]). */
export interface FeatureValue {
  /** The feature's name, as in training. */
  feature: string;
  /** Strength in [0, 1]. Default 1. */
  value?: number;
}

/** What {@link addItems} did. */
export interface AddItemsResult {
  /** The model with the new items (the old one is unchanged). */
  model: AlsModel;
  /** Ids added, in order. */
  added: Id[];
  /** Features the model was not trained with (ignored), in first-seen order. */
  unknownFeatures: string[];
}

/** Feature rows (offset by `offset`) and pseudo values for a list of features; unknown names collected. */
function featureEntries(model: AlsModel, side: FeatureSide, list: readonly FeatureValue[], offset: number, unknown: string[]): { cols: number[]; vals: number[]; strengths: number[] } {
  const index = new Map(side.names.map((name, g) => [name, g]));
  const merged = new Map<number, number>();
  const strength = new Map<number, number>();
  list.forEach((e, t) => {
    if (typeof e !== 'object' || e === null || typeof e.feature !== 'string') throw badOption(`features[${t}]`, e, 'an object { feature, value? }');
    const v = e.value ?? 1;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw badOption(`features[${t}].value`, v, 'a number in [0, 1] (scale numeric features like training did)');
    const g = index.get(e.feature);
    if (g === undefined) {
      if (!unknown.includes(e.feature)) unknown.push(e.feature);
    } else {
      merged.set(offset + g, pseudoValue(model, v));
      strength.set(offset + g, v);
    }
  });
  const cols = [...merged.keys()].sort((a, b) => a - b);
  return { cols, vals: cols.map((c) => merged.get(c)!), strengths: cols.map((c) => strength.get(c)!) };
}

function requireSide(model: AlsModel, side: 'item' | 'user'): FeatureSide {
  const s = model.features?.[side];
  if (!s) throw new AlsError('BAD_OPTION', `This model was trained without ${side} features: pass ${side}Features to train first.`, { option: `${side}Features`, value: undefined, allowed: `a model trained with ${side}Features` });
  return s;
}

/**
 * Factors of an item from its features alone (a cold item): the attribute-to-factor mapping
 * fitted on the warm items after training (mapping.ts), w₀ + Σ v_g·w_g.
 * @returns the factors, the bias (explicit with biases) and the features the model does not know
 */
export function itemFromFeatures(model: AlsModel, features: readonly FeatureValue[]): { factors: Float64Array; bias: number; unknownFeatures: string[] } {
  const side = requireSide(model, 'item');
  const unknownFeatures: string[] = [];
  const { cols, strengths } = featureEntries(model, side, features, 0, unknownFeatures);
  const k = side.mapping.length / (side.names.length + 1);
  const y = applyMapping({ k, weights: side.mapping }, cols, strengths);
  return { factors: y.slice(0, model.factors), bias: k > model.factors ? y[model.factors] : 0, unknownFeatures };
}

/**
 * Adds items to a trained model from their features, without retraining: each new item's
 * factors come from the attribute-to-factor mapping (as the cold items' of training do).
 * @param model - a model trained with `itemFeatures`
 * @param features - records `{ id, feature, value? }` of the new items (or `parseFeatures`' result)
 * @returns a new model with the items appended (recommendable, scorable, explainable, similar)
 * @throws AlsError `BAD_OPTION` for a model without item features, an id it already has, or malformed records
 * @example
 * const { model: m2 } = await addItems(model, [{ id: 'new-film', feature: 'genre=Thriller' }]);
 * m2.recommend('196', 10); // may now include 'new-film'
 */
export async function addItems(model: AlsModel, features: FeatureInput): Promise<AddItemsResult> {
  // A rating model with a ranking head: the same items join both, each placed by its own mapping.
  if (model.ranking) {
    const rating = await addItems(await model.withParts({ ...model.parts, ranking: undefined }), features);
    const head = await addItems(model.ranking, features);
    return { ...rating, model: await model.withParts({ ...rating.model.parts, ranking: head.model.parts }) };
  }
  const side = requireSide(model, 'item');
  const records = normalizeFeatures(features, 'features');
  const byId = new Map<Id, FeatureValue[]>();
  for (const r of records) {
    if (model.items.index(r.id) !== undefined) throw badOption('features', r.id, 'ids of items the model does not have yet (this one it has)');
    const key = typeof r.id === 'number' ? String(r.id) : r.id;
    if (!byId.has(key)) byId.set(key, []);
    byId.get(key)!.push({ feature: r.feature, value: r.value });
  }
  const f = model.factors;
  const n = model.items.size;
  const added = [...byId.keys()];
  const Y = new Float64Array((n + added.length) * f);
  Y.set(model.params.itemFactors);
  const bi = model.params.itemBiases && new Float64Array(n + added.length);
  bi?.set(model.params.itemBiases!);
  const unknownFeatures: string[] = [];
  const rows: { cols: number[]; vals: number[]; strengths: number[] }[] = [];
  added.forEach((id, t) => {
    const fold = itemFromFeatures(model, byId.get(id)!);
    for (const u of fold.unknownFeatures) if (!unknownFeatures.includes(u)) unknownFeatures.push(u);
    Y.set(fold.factors, (n + t) * f);
    if (bi) bi[n + t] = fold.bias;
    rows.push(featureEntries(model, side, byId.get(id)!, 0, []));
  });
  const indptr = new Int32Array(n + added.length + 1);
  indptr.set(side.indptr);
  rows.forEach((r, t) => (indptr[n + t + 1] = indptr[n + t] + r.cols.length));
  const indices = new Int32Array(indptr[n + added.length]);
  const values = new Float64Array(indices.length);
  const strengths = new Float64Array(indices.length);
  indices.set(side.indices);
  values.set(side.values);
  strengths.set(side.strengths);
  rows.forEach((r, t) => (indices.set(r.cols, indptr[n + t]), values.set(r.vals, indptr[n + t]), strengths.set(r.strengths, indptr[n + t])));
  const next = await AlsModel.create(
    {
      options: model.options,
      users: model.users,
      items: idMapFromIds([...model.items.ids(), ...added]),
      factors: { ...model.params, itemFactors: Y, itemBiases: bi },
      seen: { ...model.seen, cols: n + added.length },
      report: model.report,
      interactionsStored: model.interactionsStored,
      // BM25: a new item has no users, the rarest document frequency: the largest idf.
      bm25: model.bm25 && { ...model.bm25, idf: Float64Array.from([...model.bm25.idf, ...added.map(() => model.bm25!.idf.reduce((a, b) => Math.max(a, b), 0))]) },
      features: { ...model.features!, item: { ...side, indptr, indices, values, strengths } },
      labels: model.labels,
      ratingScale: model.ratingScale,
    },
    model.kernels,
  );
  return { model: next, added, unknownFeatures };
}

/**
 * Recommendations for a new user from a history and/or user features (fold-in over the real
 * items and the user features' pseudo-items). Without features it is `recommendForHistory`.
 * @returns as `recommendForHistory`, plus `unknownFeatures`
 */
export function recommendForNewUserWithFeatures(model: AlsModel, history: HistoryEntry[], features: readonly FeatureValue[], k = 10, opts: RecommendOptions = {}): HistoryRecommendations & { unknownFeatures: string[] } {
  // Top-N of a rating model comes from its ranking head.
  if (model.ranking) return recommendForNewUserWithFeatures(model.ranking, headHistory(model.ranking, history), features, k, opts);
  if (features.length === 0) return Object.assign(model.recommendForHistory(history, k, opts), { unknownFeatures: [] });
  const side = requireSide(model, 'user');
  const other = otherRows(model, 'user');
  const unknownFeatures: string[] = [];
  const { cols: fcols, vals: fvals, strengths: fstrengths } = featureEntries(model, side, features, other.real, unknownFeatures);
  const unknownItems: Id[] = [];
  const hist = new Map<number, number>();
  for (const h of history) {
    const i = model.items.index(h.item);
    if (i === undefined) unknownItems.push(h.item);
    else hist.set(i, h.value ?? 1);
  }
  const hcols = [...hist.keys()].sort((a, b) => a - b);
  if (hcols.length === 0 && fcols.length > 0) {
    // Features only: a cold user, placed by the user mapping like the cold users of training.
    const lanes = side.mapping.length / (side.names.length + 1);
    const x = applyMapping({ k: lanes, weights: side.mapping }, fcols.map((c) => c - other.real), fstrengths);
    const ranked = model.recommendForFactors(x.subarray(0, model.factors), lanes > model.factors ? x[model.factors] : 0, k, opts);
    return Object.assign(ranked, { unknownItems, fallback: null, unknownFeatures });
  }
  const cols = [...hcols, ...fcols];
  const vals = Float64Array.from([...hcols.map((c) => hist.get(c)!), ...fvals]);
  if (cols.length === 0) return Object.assign(model.recommendForHistory(history, k, opts), { unknownFeatures });
  const sys = rowSystem(other, cols, vals, model.options, !!model.params.itemBiases, model.options.feedback === 'implicit' ? other.gram() : null, model.params.globalMean);
  const { x, bias } = solveRow(other, cols, sys);
  const ranked = model.recommendForFactors(x, bias, k, opts, opts.filterSeen ?? true ? hcols : []);
  return Object.assign(ranked, { unknownItems, fallback: null, unknownFeatures });
}
