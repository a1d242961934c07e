/**
 * The popularity of the training items — per item, how many training users interacted with it
 * (implicit feedback: with a positive value) — the fallback for users a model cannot personalise.
 * see: disco `topItems`, Spark `coldStartStrategy`
 */
import { AlsError } from '../errors.js';
import type { Id } from '../data/types.js';
import type { ScoringModel } from './scoring-model.js';

/**
 * Per item, how many training users interacted with it (implicit: with a positive value), from
 * the training interactions the model keeps (and its file stores).
 */
export function popularityCounts(model: ScoringModel): Float64Array {
  const counts = new Float64Array(model.items.size);
  const positiveOnly = model.options.feedback === 'implicit';
  const { indices, values } = model.seen;
  for (let j = 0; j < indices.length; j++) if (!positiveOnly || values[j] > 0) counts[indices[j]]++;
  return counts;
}

/**
 * The error of a popularity fallback on a model without training interactions (imported factors),
 * naming the first unknown items of the history that needed it.
 */
export function noPopularityData(unknownItems: Id[]): AlsError {
  return new AlsError(
    'EMPTY_DATA',
    `No item of this history is known to the model${unknownItems.length ? ` (unknown: ${unknownItems.slice(0, 5).map((i) => JSON.stringify(i)).join(', ')}${unknownItems.length > 5 ? ', …' : ''})` : ' (it is empty)'}, ` +
      'and the model has no training interactions to rank popular items by (its factors were imported). Give at least one item the model knows.',
    { unknownItems: unknownItems.slice(0, 100) },
  );
}
