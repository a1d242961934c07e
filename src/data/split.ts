import { Rng } from '../util/rng.js';
import { AlsError, badOption, checkOptions } from '../errors.js';
import { distinctPairs, partitionByPairs, type PairPartition } from './pairs.js';
import type { Interactions } from './types.js';

/** How held-out interactions are chosen. */
export type SplitMethod = 'random' | 'per-user' | 'leave-k-out' | 'by-time';

/** Options of {@link splitInteractions}. */
export interface SplitOptions {
  /** `random` over all pairs; `per-user` a fraction of each user's pairs; `leave-k-out` k pairs per user; `by-time` each user's latest pairs. Default `per-user`. */
  method?: SplitMethod;
  /** Share held out (random, per-user, by-time). Default 0.2. */
  fraction?: number;
  /** Pairs held out per user (leave-k-out; by-time when given). Default 1. */
  k?: number;
  /** Seed. Default 42. */
  seed?: number;
}

/** Every option of {@link SplitOptions} (typed: a new option fails to compile until listed). */
const SPLIT_OPTION_NAMES = Object.keys({ method: 1, fraction: 1, k: 1, seed: 1 } satisfies Record<keyof SplitOptions, 1>);

/** A split: train and test share the id maps of the input, so indices agree. */
export type Split = PairPartition;

/**
 * Splits interactions into train and test by distinct (user, item) pair — every input row of
 * a pair goes to the same side, so repeated events never leak from test into train. Seeded
 * and reproducible; train ∪ test = the input, with no overlap.
 * @throws AlsError `BAD_OPTION` (fraction, k, method; `by-time` without timestamps)
 */
export function splitInteractions(data: Interactions, opts: SplitOptions = {}): Split {
  checkOptions(opts, SPLIT_OPTION_NAMES);
  const method = opts.method ?? 'per-user';
  if (!['random', 'per-user', 'leave-k-out', 'by-time'].includes(method)) throw badOption('method', method, '"random", "per-user", "leave-k-out" or "by-time"');
  const fraction = opts.fraction ?? 0.2;
  if (!(typeof fraction === 'number' && fraction > 0 && fraction < 1)) throw badOption('fraction', fraction, 'a number in (0, 1)');
  const k = opts.k ?? 1;
  if (!(Number.isInteger(k) && k >= 1)) throw badOption('k', k, 'an integer ≥ 1');
  if (method === 'by-time' && !data.timestamp) throw badOption('method', method, 'used only with data that has a timestamp column');
  if (opts.seed !== undefined && !(typeof opts.seed === 'number' && Number.isFinite(opts.seed))) throw badOption('seed', opts.seed, 'a finite number');
  const rng = new Rng(opts.seed ?? 42);
  const n = data.length;

  // Distinct pairs, in first-seen order, each with its latest timestamp.
  const pairSet = distinctPairs(data);
  const { pairOf, pairUser } = pairSet;
  const pairTime = new Array<number>(pairUser.length).fill(-Infinity);
  if (data.timestamp) for (let j = 0; j < n; j++) pairTime[pairOf[j]] = Math.max(pairTime[pairOf[j]], data.timestamp[j]);
  const pairs = pairUser.length;
  const inTest = new Uint8Array(pairs);
  if (method === 'random') {
    for (let p = 0; p < pairs; p++) inTest[p] = rng.next() < fraction ? 1 : 0;
  } else {
    const byUser: number[][] = Array.from({ length: data.users.size }, () => []);
    for (let p = 0; p < pairs; p++) byUser[pairUser[p]].push(p);
    for (const list of byUser) {
      if (list.length < 2) continue; // a user with one pair keeps it for training
      const take = method === 'leave-k-out' || (method === 'by-time' && opts.k !== undefined) ? Math.min(k, list.length - 1) : Math.min(list.length - 1, Math.max(1, Math.round(fraction * list.length)));
      if (method === 'by-time') {
        list.sort((a, b) => pairTime[b] - pairTime[a] || b - a);
      } else {
        for (let i = list.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [list[i], list[j]] = [list[j], list[i]];
        }
      }
      for (let t = 0; t < take; t++) inTest[list[t]] = 1;
    }
  }
  let testRows = 0;
  for (let j = 0; j < n; j++) testRows += inTest[pairOf[j]];
  if (testRows === 0 || testRows === n) {
    throw new AlsError('EMPTY_DATA', `The ${method} split left ${testRows === 0 ? 'nothing to test' : 'nothing to train on'}: the data is too small for it.`, { method, rows: n });
  }
  return partitionByPairs(data, pairSet, inTest);
}

