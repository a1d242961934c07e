import { buildMatrix } from '../data/csr.js';
import type { Interactions } from '../data/types.js';
import { AlsModel } from './model.js';
import { resolveTrainOptions, type Feedback, type TrainOptions } from './options.js';
import { trainFactors, type TrainReport } from './train.js';

/** A trained model and how training went. */
export interface TrainResult {
  /** The model, ready to recommend. */
  model: AlsModel;
  /** Loss per iteration, seconds per iteration, restarts, kernel build. */
  report: TrainReport;
}

/** Extra hooks of {@link train}. */
export interface TrainModelHooks {
  /** Called after each iteration with a model of the current factors (e.g. to plot a held-out metric per iteration). */
  afterIteration?: (iteration: number, model: AlsModel) => void | Promise<void>;
}

/**
 * The feedback a dataset suggests when the caller did not say: ratings (a value column, no
 * event column) are explicit; counts of events, or rows without values, are implicit.
 */
export function defaultFeedback(data: Pick<Interactions, 'hasValue' | 'event'>): Feedback {
  return data.hasValue && !data.event ? 'explicit' : 'implicit';
}

/**
 * Trains an ALS model on parsed interactions.
 * @param data - interactions from `loadInteractions` / `parseText` / `fromRecords`
 * @param options - see {@link TrainOptions}; validated here
 * @returns the model and the training report
 * @throws AlsError `BAD_OPTION`, `EMPTY_DATA`, `NOT_POSITIVE_DEFINITE`, `NON_FINITE`, `OUT_OF_MEMORY`; `AbortError`
 * @example
 * const data = parseText(await readFile('u.data', 'utf8'), { source: 'u.data' });
 * const { model, report } = await train(data, { feedback: 'implicit', factors: 32, alpha: 10 });
 * model.recommend('196', 10);
 */
export async function train(data: Interactions, options: TrainOptions = {}, hooks: TrainModelHooks = {}): Promise<TrainResult> {
  const opts = resolveTrainOptions(options, defaultFeedback(data));
  const matrix = buildMatrix(data, { duplicates: opts.duplicates, eventWeights: opts.eventWeights });
  const { factors, report } = await trainFactors(matrix, opts, {
    onProgress: options.onProgress,
    signal: options.signal,
    users: data.users,
    items: data.items,
    // A model of the current iterate (copied: the views die with the call), for held-out scores.
    afterIteration: hooks.afterIteration
      ? async (iteration, fx) => {
          const copy = { ...fx, userFactors: fx.userFactors.slice(), itemFactors: fx.itemFactors.slice(), userBiases: fx.userBiases?.slice(), itemBiases: fx.itemBiases?.slice() };
          await hooks.afterIteration!(iteration, await AlsModel.create({ options: opts, users: data.users, items: data.items, factors: copy, seen: matrix.byUser }, opts.kernels));
        }
      : undefined,
  });
  const model = await AlsModel.create({ options: opts, users: data.users, items: data.items, factors, seen: matrix.byUser, report }, opts.kernels);
  return { model, report };
}
