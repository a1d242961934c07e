/**
 * The serving calls that run through the blocked top-k kernel (recommend/batch.ts): the top-k of
 * many known users at once (`recommendMany`, by `topKRows`) and, with the roles of users and
 * items swapped, the users most likely to want an item (`usersForItem`).
 * see: Spark ALSModel `recommendForUserSubset` / `recommendForItemSubset`
 */
import { badOption, checkOptions } from '../errors.js';
import type { Csr, Id } from '../data/types.js';
import { sortedDistinct, topKBatch } from '../recommend/batch.js';
import type { PopularOptions, RecommendManyOptions, ScoredItem, UserRecommendations, UsersForItemOptions } from './model-types.js';
import { excludedRows, idFilter, scoredIds } from './ranked-ids.js';
import type { ScoringModel } from './scoring-model.js';
import type { ServingMemory } from './serving-memory.js';
import { checkIdFilter, checkK, checkRecommendOptions, RECOMMEND_MANY_OPTION_NAMES, USERS_FOR_ITEM_OPTION_NAMES } from './serving-options.js';

/** Users per `topKRows` call of recommendMany: their heaps and factors stay in L1/L2. */
const BLOCK_USERS = 256;

/**
 * Top-k for many known users in blocks of {@link BLOCK_USERS} (see `AlsModel.recommendMany`);
 * unknown users get `popular`'s list with `unknownUsers: 'popular'`.
 */
export function recommendManyUsers(model: ScoringModel, users: Id[], k: number, opts: RecommendManyOptions, popular: (k: number, opts: PopularOptions) => ScoredItem[]): UserRecommendations[] {
  checkK(k);
  if (typeof opts !== 'object' || opts === null) throw badOption('options', opts, 'an object { filterSeen?, exclude?, candidates?, unknownUsers? }');
  checkOptions(opts, RECOMMEND_MANY_OPTION_NAMES);
  const { unknownUsers: policy = 'error', ...ropts } = opts;
  checkRecommendOptions(ropts);
  if (policy !== 'error' && policy !== 'popular') throw badOption('unknownUsers', policy, '"error" or "popular"');
  if (!Array.isArray(users)) throw badOption('users', typeof users, 'an array of user ids');
  const rows = Int32Array.from(users, (id) => (policy === 'error' ? model.userIndex(id) : (model.users.index(id) ?? -1)));
  const common = excludedRows(ropts.exclude, model.items);
  const candidates = ropts.candidates ? sortedDistinct(ropts.candidates.map((id) => model.itemIndex(id))) : undefined;
  const known = rows.filter((u) => u >= 0);
  const lists: ScoredItem[][] = [];
  // No list is longer than the catalogue: the kernel's buffers are sized by min(k, items), not k.
  const kk = Math.max(1, Math.min(k, model.items.size));
  for (let b0 = 0; b0 < known.length; b0 += BLOCK_USERS) {
    const block = known.subarray(b0, b0 + BLOCK_USERS);
    const r = model.topKRows(block, kk, { exclude: ropts.filterSeen ?? true ? model.seen : undefined, common, candidates });
    for (let q = 0; q < block.length; q++) lists.push(scoredIds(r, q, model.items));
  }
  const popularItems = known.length < rows.length ? popular(k, { exclude: ropts.exclude, candidates: ropts.candidates }) : [];
  let next = 0;
  return Array.from(rows, (u, j): UserRecommendations =>
    u >= 0 ? { user: users[j], items: lists[next++], fallback: null } : { user: users[j], items: popularItems.map((it) => ({ ...it })), fallback: 'popular' },
  );
}

/**
 * The users most likely to want `item`, by the kernel of {@link recommendManyUsers} on the
 * user rows (see `AlsModel.usersForItem`).
 * @param seenByItem - the training users per item (the transpose of `seen`), asked for only with `filterSeen`
 */
export function topUsersForItem(model: ScoringModel, memory: ServingMemory, item: Id, k: number, opts: UsersForItemOptions, seenByItem: () => Csr): ScoredItem[] {
  checkK(k);
  checkIdFilter(opts, USERS_FOR_ITEM_OPTION_NAMES);
  if (opts.filterSeen !== undefined && typeof opts.filterSeen !== 'boolean') throw badOption('filterSeen', opts.filterSeen, 'true or false');
  const i = model.itemIndex(item);
  const f = model.factors;
  const { itemFactors: Y, itemBiases, globalMean } = model.params;
  const target = memory.userRows(model.users.size);
  const filter = idFilter(opts, model.users, (id) => model.userIndex(id));
  const byItem = opts.filterSeen ?? true ? seenByItem() : undefined;
  const r = topKBatch(memory.rt, target, Y.slice(i * f, i * f + f), target.biasPtr ? Float64Array.of(globalMean + (itemBiases ? itemBiases[i] : 0)) : undefined, {
    k: Math.max(1, Math.min(k, model.users.size)), // buffers by the users there are, not by k
    exclude: byItem ? { matrix: byItem, rows: Int32Array.of(i) } : undefined,
    common: filter?.exclude,
    candidates: filter?.candidates,
  });
  return scoredIds(r, 0, model.users);
}
