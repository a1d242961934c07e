/**
 * Incremental updates (implicit's `partial_fit_users` / `partial_fit_items`): new interactions
 * appended to a model, and only the touched rows re-solved against the current factors.
 */
import { fromRecords } from '../data/records.js';
import type { InteractionRecord, Interactions } from '../data/types.js';
import { AlsError, badOption, checkOptions, throwIfAborted } from '../errors.js';
import { loadKernels, type KernelRuntime } from '../wasm/kernels.js';
import type { Csr, IdMap } from '../data/types.js';
import type { KernelVariant } from '../wasm/abi.js';
import type { Factors } from '../train/factors.js';
import type { ModelParts } from './model-types.js';
import type { ModelLabels } from './labels.js';
import type { ModelFeatures } from './feature-types.js';
import type { ResolvedTrainOptions } from '../train/options.js';
import type { TrainReport } from '../train/train.js';
import { mergeInteractions, takeColumns, takeRows } from './update-data.js';
import { solveSomeRows, type UpdateProgress } from './update-solve.js';
import { featuresForRows } from './feature-rows.js';
import { now } from '../util/yield.js';

export type { UpdateProgress } from './update-solve.js';

/**
 * What an update reads of a model, and how it makes the next one — `AlsModel` is one. Named
 * structurally so that this module does not import the model's (which offers `update`).
 */
export interface UpdatableModel<M> {
  interactionsStored: boolean;
  options: ResolvedTrainOptions;
  users: IdMap;
  items: IdMap;
  params: Factors;
  seen: Csr;
  report?: TrainReport;
  kernels: KernelVariant;
  /** Side information, when trained with it. */
  features?: ModelFeatures;
  /** Names and attributes, carried to the updated model. */
  labels?: ModelLabels;
  /** A model of the same kind from new parts, served by the same kernel build. */
  withParts(parts: ModelParts): Promise<M>;
}

/** Options of {@link updateModel} (and `AlsModel.update`). */
export interface UpdateOptions {
  /**
   * `solve` (default): re-solve every user with a new interaction against the item factors;
   * `keep`: solve only the users that are new to the model, leaving known users' factors as they are.
   */
  users?: 'solve' | 'keep';
  /**
   * `solve` (default): then re-solve every item with a new interaction against the updated user
   * factors; `keep`: solve only the items that are new to the model (they have no factors yet).
   */
  items?: 'solve' | 'keep';
  /** Progress per chunk of rows solved. */
  onProgress?: (p: UpdateProgress) => void;
  /** Cancels between chunks (an `AbortError`; the model is unchanged). */
  signal?: AbortSignal;
}

/** What an update did. */
export interface UpdateReport {
  /** Input rows (before merging repeated pairs). */
  rows: number;
  /** (user, item) pairs not stored before. */
  pairsAdded: number;
  /** New pairs combined with a stored one by the model's duplicate policy. */
  pairsMerged: number;
  /** Users new to the model (they got rows). */
  newUsers: number;
  /** Items new to the model (they got rows). */
  newItems: number;
  /** User rows re-solved. */
  usersSolved: number;
  /** Item rows re-solved. */
  itemsSolved: number;
  /** Wall-clock seconds. */
  seconds: number;
}

/** The updated model and what the update did. */
export interface UpdateResult<M> {
  /** A new model; the one updated is left as it was. */
  model: M;
  /** Counts and time. */
  report: UpdateReport;
}

/** Every option of {@link UpdateOptions} (typed: a new option fails to compile until listed). */
const UPDATE_OPTION_NAMES = Object.keys({ users: 1, items: 1, onProgress: 1, signal: 1 } satisfies Record<keyof UpdateOptions, 1>);

/**
 * Adds interactions to a model and re-solves only the rows they touch: one user half-step
 * restricted to the touched users (against the current item factors; new items count as 0),
 * then one item half-step restricted to the touched items (against the updated user factors) —
 * the equations, kernels and options training used (μ stays the model's). Users and items the
 * model does not know get rows. Cost: the touched rows' solves plus one Gram of the other side
 * (implicit), and a copy of the stored interactions; never a sweep over every row.
 *
 * @param model - a model that stores its training interactions (trained here, or loaded from a file of one)
 * @param data - the new interactions (parsed, or records `{ user, item, value?, event? }`)
 * @param options - which sides to re-solve, progress, cancellation
 * @param hooks - `runtime`: the kernel runtime to solve in (its arena is reset; default a fresh one)
 * @returns a new model (the given one is unchanged) and a report
 * @throws AlsError `NO_INTERACTIONS` for a model without stored interactions (imported factors)
 *   or with BM25-weighted ones (`details.reason: 'bm25'`),
 *   `BAD_OPTION`, `EMPTY_DATA`, `NOT_POSITIVE_DEFINITE`, `NON_FINITE`; `AbortError`
 * @example
 * const { model: next } = await model.update(await fromRecords([{ user: 'ann', item: 'tea', value: 4 }]));
 * next.recommend('ann', 10);
 */
export async function updateModel<M>(model: UpdatableModel<M>, data: Interactions | InteractionRecord[], options: UpdateOptions = {}, hooks: { runtime?: KernelRuntime } = {}): Promise<UpdateResult<M>> {
  checkOptions(options, UPDATE_OPTION_NAMES);
  for (const side of ['users', 'items'] as const) {
    const v = options[side];
    if (v !== undefined && v !== 'solve' && v !== 'keep') throw badOption(side, v, '"solve" or "keep"');
  }
  if (!model.interactionsStored) {
    throw new AlsError(
      'NO_INTERACTIONS',
      'This model does not store the interactions it was trained on (imported factors, or a file without them), so its rows cannot be re-solved. Train a model here (train(data, { warmStart: model }) keeps its factors as the start), then update that one.',
      {},
    );
  }
  if (model.options.feedback === 'implicit' && model.options.weighting === 'bm25') {
    // The model stores the BM25-weighted values (what training saw), not the counts they came from.
    throw new AlsError(
      'NO_INTERACTIONS',
      'This model was trained with weighting "bm25" and stores the weighted values, not the counts, so new counts cannot be combined with them (BM25 weighs each value by its whole row). Retrain on all the data: train(data, { warmStart: model }) starts from its factors.',
      { reason: 'bm25' },
    );
  }
  const t0 = now();
  const batch = Array.isArray(data) ? await fromRecords(data, { source: 'update', signal: options.signal }) : data;
  if (batch.length === 0) throw new AlsError('EMPTY_DATA', 'There are no interactions to add.', {});
  if (model.options.feedback === 'explicit' && !batch.hasValue) {
    // Every row would read as a rating of 1.
    throw new AlsError('BAD_OPTION', `${JSON.stringify(batch.source)} has no value column, so an explicit (rating) model would read every row as a rating of 1. Option "data" must be interactions with ratings for this model.`, {
      option: 'data',
      value: batch.source,
      allowed: 'interactions with a value column (ratings) for an explicit model',
      reason: 'no-ratings',
    });
  }
  throwIfAborted(options.signal);
  const opts = model.options;
  const f = opts.factors;
  const m0 = model.users.size;
  const n0 = model.items.size;
  const merged = mergeInteractions(model, batch);
  const m = merged.users.size;
  const n = merged.items.size;
  const p = model.params;
  const biases = !!p.userBiases && !!p.itemBiases;
  // New rows start at 0: they add nothing to the other side's systems until solved.
  const X = grow(p.userFactors, m * f);
  const Y = grow(p.itemFactors, n * f);
  const bu = biases ? grow(p.userBiases!, m) : undefined;
  const bi = biases ? grow(p.itemBiases!, n) : undefined;
  const rt = hooks.runtime ?? (await loadKernels({ variant: model.kernels }));
  const hookArgs = { onProgress: options.onProgress, signal: options.signal };

  const users = options.users === 'keep' ? merged.touchedUsers.filter((u) => u >= m0) : merged.touchedUsers;
  if (users.length > 0) {
    const solved = await solveSomeRows(rt, opts, { side: 'users', rows: users, csr: takeRows(merged.seen, users), other: Y, otherBiases: bi, start: gather(X, users, f), startBiases: bu && gather(bu, users, 1), globalMean: p.globalMean, ids: merged.users }, hookArgs);
    scatter(X, users, f, solved.factors);
    if (bu) scatter(bu, users, 1, solved.biases!);
  }
  const items = options.items === 'keep' ? merged.touchedItems.filter((i) => i >= n0) : merged.touchedItems;
  if (items.length > 0) {
    const solved = await solveSomeRows(rt, opts, { side: 'items', rows: items, csr: takeColumns(merged.seen, items), other: X, otherBiases: bu, start: gather(Y, items, f), startBiases: bi && gather(bi, items, 1), globalMean: p.globalMean, ids: merged.items }, hookArgs);
    scatter(Y, items, f, solved.factors);
    if (bi) scatter(bi, items, 1, solved.biases!);
  }
  throwIfAborted(options.signal);
  const next = await model.withParts({
    options: opts,
    users: merged.users,
    items: merged.items,
    factors: { factors: f, userFactors: X, itemFactors: Y, userBiases: bu, itemBiases: bi, globalMean: p.globalMean },
    seen: merged.seen,
    report: model.report,
    interactionsStored: true,
    // Side information stays as trained (rows re-solved here see their interactions only); new rows carry no features.
    features: featuresForRows(model.features, n, m),
    labels: model.labels,
  });
  return {
    model: next,
    report: {
      rows: batch.length,
      pairsAdded: merged.pairsAdded,
      pairsMerged: merged.pairsMerged,
      newUsers: m - m0,
      newItems: n - n0,
      usersSolved: users.length,
      itemsSolved: items.length,
      seconds: (now() - t0) / 1000,
    },
  };
}

/** A copy of `a` grown to `length` (the new tail 0). */
function grow(a: Float64Array, length: number): Float64Array {
  const out = new Float64Array(length);
  out.set(a);
  return out;
}

/** Rows `rows` of a row-major matrix (`width` per row), packed. */
function gather(M: Float64Array, rows: Int32Array, width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((r, k) => out.set(M.subarray(r * width, (r + 1) * width), k * width));
  return out;
}

/** Writes packed rows back into a row-major matrix. */
function scatter(M: Float64Array, rows: Int32Array, width: number, packed: Float64Array): void {
  rows.forEach((r, k) => M.set(packed.subarray(k * width, (k + 1) * width), r * width));
}
