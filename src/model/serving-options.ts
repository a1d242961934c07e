/**
 * Checks of the serving calls' arguments, at the boundary: `k`, the options objects of
 * recommend / recommendMany / similar* / usersForItem / popular, and the lists of their
 * option names (typed, so a new option fails to compile until it is listed).
 */
import { badOption, checkOptions } from '../errors.js';
import type { Id } from '../data/types.js';
import type { PopularOptions, RecommendManyOptions, RecommendOptions, SimilarItemsOptions, UsersForItemOptions } from './model-types.js';

/** Every option of {@link RecommendOptions} (typed: a new option fails to compile until listed). */
const RECOMMEND_OPTION_NAMES = Object.keys({ filterSeen: 1, exclude: 1, candidates: 1 } satisfies Record<keyof RecommendOptions, 1>);
/** Every option of {@link RecommendManyOptions} (typed: a new option fails to compile until listed). */
export const RECOMMEND_MANY_OPTION_NAMES = Object.keys({ filterSeen: 1, exclude: 1, candidates: 1, unknownUsers: 1 } satisfies Record<keyof RecommendManyOptions, 1>);
/** Every option of {@link SimilarItemsOptions} (typed, so a new one fails to compile until listed). */
export const SIMILAR_OPTION_NAMES = Object.keys({ exclude: 1, candidates: 1 } satisfies Record<keyof SimilarItemsOptions, 1>);
/** Every option of {@link UsersForItemOptions}. */
export const USERS_FOR_ITEM_OPTION_NAMES = Object.keys({ filterSeen: 1, exclude: 1, candidates: 1 } satisfies Record<keyof UsersForItemOptions, 1>);
/** Every option of {@link PopularOptions}. */
export const POPULAR_OPTION_NAMES = Object.keys({ exclude: 1, candidates: 1 } satisfies Record<keyof PopularOptions, 1>);

/** Validates an options object of id lists (`exclude`, `candidates`, and whatever else `names` allows). */
export function checkIdFilter(opts: { exclude?: Id[]; candidates?: Id[] }, names: string[]): void {
  if (typeof opts !== 'object' || opts === null) throw badOption('options', opts, `an object { ${names.map((n) => `${n}?`).join(', ')} }`);
  checkOptions(opts, names);
  if (opts.exclude !== undefined && !Array.isArray(opts.exclude)) throw badOption('exclude', opts.exclude, 'an array of ids');
  if (opts.candidates !== undefined && !Array.isArray(opts.candidates)) throw badOption('candidates', opts.candidates, 'an array of ids');
}

/** Validates {@link RecommendOptions}; unknown ids in `exclude` are ignored (nothing to leave out). */
export function checkRecommendOptions(opts: RecommendOptions): void {
  if (typeof opts !== 'object' || opts === null) throw badOption('options', opts, 'an object { filterSeen?, exclude?, candidates? }');
  checkOptions(opts, RECOMMEND_OPTION_NAMES);
  if (opts.filterSeen !== undefined && typeof opts.filterSeen !== 'boolean') throw badOption('filterSeen', opts.filterSeen, 'true or false');
  if (opts.exclude !== undefined && !Array.isArray(opts.exclude)) throw badOption('exclude', opts.exclude, 'an array of item ids');
  if (opts.candidates !== undefined && !Array.isArray(opts.candidates)) throw badOption('candidates', opts.candidates, 'an array of item ids');
}

/** Validates a result count: an integer ≥ 1. */
export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw badOption('k', k, 'an integer ≥ 1');
}
