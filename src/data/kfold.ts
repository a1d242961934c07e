/**
 * K-fold splits by distinct (user, item) pair, for cross-validation.
 * see: scikit-learn `KFold` / `StratifiedKFold` (each sample in exactly one test fold).
 */
import { Rng } from '../util/rng.js';
import { AlsError, badOption, checkOptions } from '../errors.js';
import { distinctPairs, partitionByPairs, type PairPartition } from './pairs.js';
import type { Interactions } from './types.js';

/** How pairs are dealt into folds: `per-user` spreads each user's pairs over the folds; `random` ignores users. */
export type KFoldMethod = 'per-user' | 'random';

/** Options of {@link kFoldSplits}. */
export interface KFoldOptions {
  /** Number of folds (an integer ≥ 2, at most the number of distinct pairs). Default 5. */
  folds?: number;
  /** Seed of the assignment. Default 42. */
  seed?: number;
  /** `per-user` (default) or `random`. */
  method?: KFoldMethod;
}

/** Every option of {@link KFoldOptions} (typed: a new option fails to compile until listed). */
const KFOLD_OPTION_NAMES = Object.keys({ folds: 1, seed: 1, method: 1 } satisfies Record<keyof KFoldOptions, 1>);

/** One fold: train and test share the id maps of the input, so indices agree. */
export interface Fold extends PairPartition {
  /** Index of the fold, 0 … folds-1. */
  index: number;
}

/**
 * Deals the distinct (user, item) pairs of `data` into `folds` folds and returns, per fold,
 * the train/test split. Every input row of a pair goes to the same fold, so repeated events
 * never leak from test into train; each pair is in exactly one test fold; per fold,
 * train ∪ test = the input with no overlap. Seeded and reproducible.
 *
 * @param data - parsed interactions
 * @param opts - folds, seed and method
 * @returns one {@link Fold} per fold, in fold order
 * @throws AlsError `BAD_OPTION` (folds, method), `EMPTY_DATA` (fewer pairs than folds)
 * @remarks
 * `per-user`: each user's pairs are shuffled and dealt round-robin over the folds, the dealing
 * continuing from one user to the next so fold sizes differ by at most one pair. A user with
 * fewer pairs than folds is absent from some test folds, and in the fold holding their only
 * pair they have no training data: such pairs are counted in `testPairsUnknownUser` (and
 * items likewise in `testPairsUnknownItem`), never dropped silently.
 * `random`: each pair gets a fold from a seeded shuffle of all pairs, dealt round-robin.
 * @example
 * for (const fold of kFoldSplits(data, { folds: 5, seed: 1 })) {
 *   const { model } = await train(fold.train, { factors: 16 });
 *   console.log(evaluateModel(model, fold.test));
 * }
 */
export function kFoldSplits(data: Interactions, opts: KFoldOptions = {}): Fold[] {
  checkOptions(opts, KFOLD_OPTION_NAMES);
  const method = opts.method ?? 'per-user';
  if (method !== 'per-user' && method !== 'random') throw badOption('method', method, '"per-user" or "random"');
  const folds = opts.folds ?? 5;
  if (typeof folds !== 'number' || !Number.isInteger(folds) || folds < 2 || folds > 1000) throw badOption('folds', folds, 'an integer in [2, 1000]');
  const seed = opts.seed ?? 42;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw badOption('seed', seed, 'a finite number');
  const pairSet = distinctPairs(data);
  const pairs = pairSet.pairUser.length;
  if (pairs < folds) {
    throw new AlsError('EMPTY_DATA', `${folds} folds need at least ${folds} distinct (user, item) pairs; the data has ${pairs}. Use fewer folds or more data.`, { folds, pairs });
  }
  const foldOf = assignFolds(pairSet.pairUser, data.users.size, folds, method, new Rng(seed));

  const result: Fold[] = [];
  for (let f = 0; f < folds; f++) {
    const inTest = new Uint8Array(pairs);
    for (let p = 0; p < pairs; p++) inTest[p] = foldOf[p] === f ? 1 : 0;
    result.push({ index: f, ...partitionByPairs(data, pairSet, inTest) });
  }
  return result;
}

/** Fold per pair; see {@link kFoldSplits} for the two methods. */
function assignFolds(pairUser: number[], users: number, folds: number, method: KFoldMethod, rng: Rng): Int32Array {
  const pairs = pairUser.length;
  const foldOf = new Int32Array(pairs);
  // Lists to deal from: one per user (stratified), or one over all pairs.
  let lists: number[][];
  if (method === 'random') {
    lists = [Array.from({ length: pairs }, (_, p) => p)];
  } else {
    lists = Array.from({ length: users }, () => []);
    for (let p = 0; p < pairs; p++) lists[pairUser[p]].push(p);
  }
  // The dealing position carries over between users, so a user with one pair does not always
  // land in fold 0 and the folds stay balanced.
  let next = rng.int(folds);
  for (const list of lists) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
    for (const p of list) {
      foldOf[p] = next;
      next = (next + 1) % folds;
    }
  }
  return foldOf;
}
