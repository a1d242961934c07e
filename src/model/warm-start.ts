/**
 * Warm starts: training that continues from a model's factors instead of the seeded random
 * init. Rows the model knows (matched by id) start from its factors (and biases); new rows get
 * the draws a fresh run would give them, so a warm start differs from a cold one only where the
 * model knows something.
 */
import type { Interactions } from '../data/types.js';
import { badOption } from '../errors.js';
import { initFactors } from '../train/init.js';
import type { AlsModel } from './model.js';
import type { ResolvedTrainOptions, TrainOptions } from '../train/options.js';
import { Rng } from '../util/rng.js';
import type { Factors } from '../train/factors.js';

/**
 * The caller's options with the model's factor count and feedback where the caller left them
 * out (a warm start needs the same f; the data might suggest another feedback).
 * @param options - the caller's training options
 * @param model - the model to start from
 */
export function withWarmStartDefaults<T extends TrainOptions>(options: T, model: AlsModel): T {
  return { ...options, factors: options.factors ?? model.factors, feedback: options.feedback ?? model.options.feedback };
}

/**
 * Initial factors for training on `data` from `model`: its rows for the users and items it
 * knows, the seeded init (`opts.seed`, as a cold run draws it) for the others; biases from the
 * model where it has them, else 0.
 * @param model - the model to continue from
 * @param data - the training data (its id maps number the rows)
 * @param opts - resolved options of the run
 * @returns factors in `data`'s numbering
 * @throws AlsError `BAD_OPTION` (`warmStart`) when the factor count or the feedback differ
 */
export function warmStartFactors(model: AlsModel, data: Interactions, opts: ResolvedTrainOptions): Factors {
  const f = opts.factors;
  if (model.factors !== f) throw badOption('warmStart', `a model with ${model.factors} factors`, `a model with the run's ${f} factors (leave factors out to use the model's)`);
  if (model.options.feedback !== opts.feedback) throw badOption('warmStart', `a model of ${model.options.feedback} feedback`, `a model of the run's ${opts.feedback} feedback`);
  const m = data.users.size;
  const n = data.items.size;
  const rng = new Rng(opts.seed);
  const userFactors = new Float64Array(m * f);
  const itemFactors = new Float64Array(n * f);
  initFactors(userFactors, m, f, rng);
  initFactors(itemFactors, n, f, rng);
  const p = model.params;
  const withBiases = opts.feedback === 'explicit' && opts.biases;
  const userBiases = withBiases ? new Float64Array(m) : undefined;
  const itemBiases = withBiases ? new Float64Array(n) : undefined;
  const copy = (ids: Interactions['users'], known: AlsModel['users'], to: Float64Array, from: Float64Array, toBias?: Float64Array, fromBias?: Float64Array) => {
    for (let r = 0; r < ids.size; r++) {
      const k = known.index(ids.id(r));
      if (k === undefined) continue;
      to.set(from.subarray(k * f, (k + 1) * f), r * f);
      if (toBias && fromBias) toBias[r] = fromBias[k];
    }
  };
  copy(data.users, model.users, userFactors, p.userFactors, userBiases, p.userBiases);
  copy(data.items, model.items, itemFactors, p.itemFactors, itemBiases, p.itemBiases);
  return { factors: f, userFactors, itemFactors, userBiases, itemBiases, globalMean: 0 };
}
