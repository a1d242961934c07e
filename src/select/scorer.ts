/**
 * What evaluation needs of a model (a {@link Scorer}), and held-out data put in its rows once.
 */
import { csrFromTriplets } from '../data/csr.js';
import type { Csr, IdMap, Interactions } from '../data/types.js';
import type { AlsModel } from '../model/model.js';
import { AlsError } from '../errors.js';

/**
 * What scoring needs of a model: its ids, feedback, training pairs and scores by row. `AlsModel` is one.
 *
 * The two kinds of metric read two hooks: RMSE/MAE read {@link Scorer.predictIndex} (the
 * predicted rating), the ranking metrics read {@link Scorer.scoreUser} and, when present,
 * {@link Scorer.topKRows} — which must rank items exactly as `recommend` does. A model whose
 * `recommend` ranks by other scores than its predicted ratings (a ranking head beside a rating
 * head) is evaluated on each by implementing these with the matching head.
 */
export interface Scorer {
  /** User ids ↔ rows. */
  users: IdMap;
  /** Item ids ↔ rows. */
  items: IdMap;
  /** Its feedback (in `options`, as on a model). */
  options: { feedback: 'explicit' | 'implicit' };
  /** Training interactions by user row (excluded from rankings). */
  seen: Csr;
  /** Predicted score (a rating model's predicted rating) of user row `u` for item row `i`: what RMSE/MAE measure. */
  predictIndex(u: number, i: number): number;
  /** Scores of every item for user row `u`, into `out`, as `recommend` ranks them: what the ranking metrics rank by. */
  scoreUser(u: number, out: Float64Array): unknown;
  /** Blocks of users through the WASM top-k kernel, the same scores as `scoreUser` (a model has it; training's factor views score user by user). */
  topKRows?: AlsModel['topKRows'];
}

/** Held-out interactions in a scorer's rows, aligned once (see {@link alignToModel}). */
export interface AlignedTest {
  /** The test matrix: users × items of the model, repeated pairs merged. */
  matrix: Csr;
  /** Test rows left out because their user or item is not in the model. */
  unknown: number;
}

/**
 * Maps held-out interactions into the model's index space.
 * @returns the test matrix (users × items of the model, duplicates summed) and how many rows were unknown
 */
export function alignToModel(model: Pick<Scorer, 'users' | 'items' | 'options'>, test: Interactions): AlignedTest {
  const u = new Int32Array(test.length);
  const i = new Int32Array(test.length);
  const v = new Float64Array(test.length);
  let kept = 0;
  let unknown = 0;
  for (let j = 0; j < test.length; j++) {
    const uu = model.users.index(test.users.id(test.user[j]));
    const ii = model.items.index(test.items.id(test.item[j]));
    if (uu === undefined || ii === undefined) {
      unknown++;
      continue;
    }
    u[kept] = uu;
    i[kept] = ii;
    v[kept] = test.value[j];
    kept++;
  }
  const dup = model.options.feedback === 'explicit' ? 'last' : 'sum';
  const matrix = csrFromTriplets(model.users.size, model.items.size, u.subarray(0, kept), i.subarray(0, kept), v.subarray(0, kept), dup);
  return { matrix, unknown };
}

/**
 * Refuses held-out data without a value column for an explicit (rating) model: every row would
 * read as a rating of 1 and the RMSE would measure the distance to 1, not to the user's ratings.
 * @param what - the argument's name in the error (`test`, `validation.data` …)
 * @throws AlsError `BAD_OPTION` with `details: { option, source, reason: 'no-ratings' }`
 */
export function checkHasRatings(data: Pick<Interactions, 'hasValue' | 'source'>, feedback: 'explicit' | 'implicit', what: string): void {
  if (feedback !== 'explicit' || data.hasValue) return;
  const allowed = 'held-out data with a value column (ratings) for an explicit model';
  throw new AlsError(
    'BAD_OPTION',
    `${JSON.stringify(data.source)} (${what}) has no value column, so an explicit model's RMSE/MAE would be measured against implied ratings of 1. ` +
      `Option "${what}" must be ${allowed}: evaluate on a file with ratings, or use an implicit model for interactions without ratings.`,
    { option: what, value: data.source, allowed, reason: 'no-ratings' },
  );
}
