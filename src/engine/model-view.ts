/**
 * What a page needs to draw a model without holding one: ids, the item factors (for a map of
 * the items), how many training users each item has, and a user's training history — copies
 * made where the model lives, sent once (the page never decodes a second model).
 */
import type { AlsModel } from '../model/model.js';
import type { Id } from '../data/types.js';
import type { ModelLabels } from '../model/labels.js';

/** A drawing view of the current model (see `Engine.modelView`). */
export interface ModelView {
  /** The model's feedback. */
  feedback: 'explicit' | 'implicit';
  /** Latent factors f. */
  factors: number;
  /** User ids, by row. */
  users: Id[];
  /** Item ids, by row. */
  items: Id[];
  /** n × f item factors, row-major (a copy). */
  itemFactors: Float64Array;
  /** Training users per item row (popularity). */
  itemCounts: Int32Array;
  /** The item features the model was trained with (empty without), e.g. for a form that adds items by them. */
  itemFeatures: string[];
  /** The user features (attributes such as `age=25-34`) the model was trained with (empty without). */
  userFeatures: string[];
  /** Training interactions the model keeps (0 for imported factors). */
  interactions: number;
  /** The event weights it was trained with (implicit feedback with events), else null. */
  eventWeights: Record<string, number> | null;
  /** Its names and attributes (titles, genres, user attributes, its name), or null: what a page restores from a loaded model. */
  labels: ModelLabels | null;
}

/** The drawing view of `model`. */
export function modelView(model: AlsModel): ModelView {
  const counts = new Int32Array(model.items.size);
  const { indices } = model.seen;
  for (let j = 0; j < model.seen.indptr[model.users.size]; j++) counts[indices[j]]++;
  return {
    feedback: model.options.feedback,
    factors: model.factors,
    users: model.users.ids(),
    items: model.items.ids(),
    itemFactors: model.params.itemFactors.slice(),
    itemCounts: counts,
    itemFeatures: model.features?.item?.names.slice() ?? [],
    userFeatures: model.features?.user?.names.slice() ?? [],
    interactions: model.seen.indptr[model.users.size],
    eventWeights: model.options.eventWeights ? { ...model.options.eventWeights } : null,
    labels: model.labels ?? null,
  };
}

/**
 * A known user's training interactions (aggregated values), largest value first.
 * @throws AlsError `UNKNOWN_USER`
 */
export function userHistory(model: AlsModel, user: Id): { item: Id; value: number }[] {
  const u = model.userIndex(user);
  const rows: { item: Id; value: number }[] = [];
  for (let j = model.seen.indptr[u]; j < model.seen.indptr[u + 1]; j++) rows.push({ item: model.items.id(model.seen.indices[j]), value: model.seen.values[j] });
  return rows.sort((a, b) => b.value - a.value);
}
