/**
 * Distinct (user, item) pairs of interactions and partitions along them: the shared core of
 * the train/test split and the k-fold splits, which both keep every row of a pair on one side.
 */
import { selectEntries } from './subset.js';
import type { Interactions } from './types.js';

/** The distinct pairs of a dataset, in first-seen order. */
export interface DistinctPairs {
  /** Each row's pair index. */
  pairOf: Int32Array;
  /** User of each pair. */
  pairUser: number[];
  /** Item of each pair. */
  pairItem: number[];
}

/** Distinct pairs in first-seen order and each row's pair index. */
export function distinctPairs(data: Interactions): DistinctPairs {
  const nItems = data.items.size;
  const pairOf = new Int32Array(data.length);
  const pairIndex = new Map<number, number>();
  const pairUser: number[] = [];
  const pairItem: number[] = [];
  for (let j = 0; j < data.length; j++) {
    const key = data.user[j] * nItems + data.item[j];
    let p = pairIndex.get(key);
    if (p === undefined) {
      p = pairUser.length;
      pairIndex.set(key, p);
      pairUser.push(data.user[j]);
      pairItem.push(data.item[j]);
    }
    pairOf[j] = p;
  }
  return { pairOf, pairUser, pairItem };
}

/** A dataset cut in two along pairs, with the test pairs that training cannot score counted. */
export interface PairPartition {
  /** Rows whose pair is not in the test set. */
  train: Interactions;
  /** Rows whose pair is in the test set. */
  test: Interactions;
  /** Distinct pairs in `test`. */
  testPairs: number;
  /** Test pairs whose user has no row in `train`. */
  testPairsUnknownUser: number;
  /** Test pairs whose item has no row in `train`. */
  testPairsUnknownItem: number;
}

/**
 * Splits rows by their pair's side (`inTest[pair]` = 1 → test) and counts the test pairs whose
 * user or item is absent from training (reported, never silently dropped).
 */
export function partitionByPairs(data: Interactions, pairs: DistinctPairs, inTest: Uint8Array): PairPartition {
  const { pairOf, pairUser, pairItem } = pairs;
  const train = subset(data, pairOf, inTest, 0);
  const test = subset(data, pairOf, inTest, 1);
  const userInTrain = new Uint8Array(data.users.size);
  const itemInTrain = new Uint8Array(data.items.size);
  for (let j = 0; j < train.length; j++) {
    userInTrain[train.user[j]] = 1;
    itemInTrain[train.item[j]] = 1;
  }
  let testPairs = 0;
  let unknownUser = 0;
  let unknownItem = 0;
  for (let p = 0; p < pairUser.length; p++) {
    if (!inTest[p]) continue;
    testPairs++;
    if (!userInTrain[pairUser[p]]) unknownUser++;
    if (!itemInTrain[pairItem[p]]) unknownItem++;
  }
  return { train, test, testPairs, testPairsUnknownUser: unknownUser, testPairsUnknownItem: unknownItem };
}

/** The rows of `data` whose pair is on `side` (0 train, 1 test). */
function subset(data: Interactions, pairOf: Int32Array, inTest: Uint8Array, side: number): Interactions {
  const keep = new Uint8Array(data.length);
  for (let j = 0; j < data.length; j++) keep[j] = inTest[pairOf[j]] === side ? 1 : 0;
  return { ...selectEntries(data, keep), skipped: { count: 0, examples: [] } };
}
